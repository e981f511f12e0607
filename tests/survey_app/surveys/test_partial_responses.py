"""Answers saved but never sent are kept when the link closes, as a partial response, and every
report says how many responses are partial beside the complete ones."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from typing import Any

from bs4 import BeautifulSoup

from questionnaires.loader import current
from survey_app.db.tables import (
    Answer,
    DraftAnswer,
    Invitation,
    Placement,
    Response,
    SafeguardingAlert,
)
from survey_app.ops.schedule import run_scheduled_work
from survey_app.surveys.drafts import keep_partial_responses
from survey_app.surveys.due import issue_due
from survey_app.surveys.statuses import InvitationStatus
from tests.world import (
    Clock,
    Issued,
    World,
    give_responses,
    placement_row,
    post_form,
    run,
    sign_in,
    token_for,
)

YEARS_4_6 = current("end_years_4_6")


def number_of(question_id: str) -> int:
    return next(n for n, q in enumerate(YEARS_4_6.questions, start=1) if q.id == question_id)


def answer(pupil: Any, issued: Issued, given: dict[str, str | None]) -> None:
    """Open the link and answer (or skip, for None) some questions, without sending."""
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    for question_id, value in given.items():
        data = {"answer": value} if value else {"skip": "yes"}
        response = post_form(
            pupil, f"/survey/q/{number_of(question_id)}", data, follow_redirects=False
        )
        assert response.status_code == 302, response.text


def past_expiry(clock: Clock) -> None:
    expires_at = run(Invitation.select(Invitation.expires_at).first())["expires_at"]
    clock.now = expires_at + dt.timedelta(minutes=1)


def dispatch(settings: Any, clock: Clock) -> Any:
    return run(run_scheduled_work(settings, clock.now, None))


def test_answers_saved_but_never_sent_are_kept_when_the_link_closes(
    pupil: Any, issued: Issued, settings: Any, clock: Clock
) -> None:
    answer(pupil, issued, {"felt_safe": "safe", "next_steps": "dont_know", "progress": None})
    assert dispatch(settings, clock).partial_kept == 0, "the link is still open"
    assert run(Response.count()) == 0

    past_expiry(clock)
    assert dispatch(settings, clock).partial_kept == 1
    (response,) = run(Response.select(Response.id, Response.partial, Response.needs_follow_up))
    assert response["partial"] and not response["needs_follow_up"]
    kept = run(Answer.select(Answer.question_id, Answer.value, Answer.polarity))
    assert {(a["question_id"], a["value"], a["polarity"]) for a in kept} == {
        ("felt_safe", "safe", "positive"),
        ("next_steps", "dont_know", "not_known"),
    }, "the answers count; the skipped question is not an answer"
    assert run(DraftAnswer.count()) == 0, "one copy of what the pupil said"
    assert run(Invitation.select(Invitation.status).first())["status"] == InvitationStatus.COMPLETED


def test_keeping_is_idempotent_and_safe_with_two_dispatchers_at_once(
    pupil: Any, issued: Issued, clock: Clock
) -> None:
    answer(pupil, issued, {"felt_safe": "safe"})
    past_expiry(clock)

    async def both() -> list[int]:
        return list(await asyncio.gather(*(keep_partial_responses(clock.now) for _ in range(2))))

    assert sorted(run(both())) == [0, 1]
    assert run(keep_partial_responses(clock.now)) == 0
    assert run(Response.count()) == 1 and run(Answer.count()) == 1


def test_a_link_with_only_skips_keeps_nothing(pupil: Any, issued: Issued, clock: Clock) -> None:
    answer(pupil, issued, {"felt_safe": None, "next_steps": None})
    past_expiry(clock)
    assert run(keep_partial_responses(clock.now)) == 0
    assert run(Response.count()) == 0


def test_a_link_answered_and_sent_is_not_kept_twice(
    pupil: Any, issued: Issued, clock: Clock
) -> None:
    answer(pupil, issued, {"felt_safe": "safe"})
    assert post_form(pupil, "/survey/send", {}, follow_redirects=False).status_code == 302
    past_expiry(clock)
    assert run(keep_partial_responses(clock.now)) == 0
    assert run(Response.select(Response.partial).first())["partial"] is False


def test_a_safeguarding_answer_in_a_draft_was_alerted_at_once_and_is_followed_up(
    pupil: Any, issued: Issued, settings: Any, clock: Clock
) -> None:
    answer(pupil, issued, {"felt_safe": "not_safe"})
    assert run(SafeguardingAlert.count()) == 1, "alerted when the pupil said it, not at expiry"
    past_expiry(clock)
    dispatch(settings, clock)
    assert run(SafeguardingAlert.count()) == 1, "not alerted twice"
    kept = run(Response.select(Response.partial, Response.needs_follow_up).first())
    assert kept == {"partial": True, "needs_follow_up": True}


def test_the_answers_kept_are_those_of_the_session_that_saved_last(
    app: Any, pupil: Any, issued: Issued, clock: Clock
) -> None:
    from litestar.testing import TestClient

    with TestClient(app, base_url="http://testserver.local") as other_device:
        answer(other_device, issued, {"felt_safe": "not_safe", "progress": "lots"})
    clock.advance(minutes=5)
    answer(pupil, issued, {"felt_safe": "safe"})
    past_expiry(clock)
    assert run(keep_partial_responses(clock.now)) == 1
    kept = run(Answer.select(Answer.question_id, Answer.value))
    assert kept == [{"question_id": "felt_safe", "value": "safe"}]


def _drafts_for(world: World, settings: Any, clock: Clock, count: int, prefix: str) -> None:
    """Placements ended, each pupil answering a question or two and never sending."""
    from survey_app.surveys.drafts import save_draft
    from survey_app.surveys.responses import answer_for

    run(
        Placement.insert(
            *[
                placement_row(world, clock, pupil_reference=f"{prefix}-{n}", year_group=5)
                for n in range(count)
            ]
        )
    )
    assert run(issue_due(settings, clock.now)) == count
    question = YEARS_4_6.questions[number_of("next_steps") - 1]
    dont_know = next(o for o in question.options if o.value == "dont_know")
    for row in run(
        Invitation.select(Invitation.id).where(Invitation.status == InvitationStatus.OPEN)
    ):
        run(
            save_draft(
                settings, row["id"], "next_steps", answer_for(question, dont_know), clock.now
            )
        )


def test_reports_count_partial_responses_beside_complete_ones(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers={"next_steps": "yes"})
    _drafts_for(world, settings, clock, 5, "KEPT")
    expires_at = run(
        Invitation.select(Invitation.expires_at)
        .where(Invitation.status == InvitationStatus.OPEN)
        .first()
    )["expires_at"]
    clock.now = expires_at + dt.timedelta(minutes=1)
    assert dispatch(settings, clock).partial_kept == 5

    sign_in(client, world, "la_officer")
    area = BeautifulSoup(client.get("/staff/area").text, "html.parser")
    said = area.select_one("#partial-responses")
    assert said is not None
    assert said.get_text(" ", strip=True).startswith("6 complete and 5 partial")
    steps = area.select_one('#headlines tr[data-indicator="next_steps"] [data-share="negative"]')
    assert steps is not None and steps.get_text(strip=True) == "45%", "their answers count"

    report = BeautifulSoup(
        client.get(f"/staff/providers/{world.provider}").text, "html.parser"
    ).select_one("#partial-responses")
    assert report is not None and "6 complete and 5 partial" in report.get_text(" ", strip=True)

    school = BeautifulSoup(client.get(f"/staff/schools/{world.school}/report").text, "html.parser")
    statuses = [s.get_text(" ", strip=True) for s in school.select(".app-request-status")]
    assert statuses.count("Not sent, kept when the link closed") == 5
    assert statuses.count("Completed") == 6
    answered = school.select_one("#answered")
    assert answered is not None and "6 complete and 5 partial" in answered.get_text(" ", strip=True)

    school_csv = client.get(f"/staff/schools/{world.school}/report.csv")
    pupil_rows = list(csv.reader(io.StringIO(school_csv.content.decode("utf-8-sig"))))
    kept_rows = [r for r in pupil_rows if "not sent, kept when the link closed" in r]
    assert len(kept_rows) == 5 and all(r[-1] == "I don't know" for r in kept_rows)

    rates = BeautifulSoup(client.get("/staff/rates").text, "html.parser")
    cells = [td.get_text(strip=True) for td in rates.select("#by-provider tbody tr td")]
    assert cells == ["11", "11", "5", "100%"], "opened, answered, of which partial, rate"

    client.headers.update(token_for(world, "la_officer", clock))
    api = client.get("/api/v1/area-summary")
    assert api.status_code == 200 and api.json()["partial_responses"] == 5

    rows = csv.reader(io.StringIO(client.get("/staff/area.csv").content.decode("utf-8-sig")))
    partial = next(r for r in rows if r and r[0].startswith("Of which partial"))
    assert partial[1] == "5"


def test_a_single_partial_response_is_not_shown_outside_the_la(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 9)
    _drafts_for(world, settings, clock, 1, "ONE")
    expires_at = run(
        Invitation.select(Invitation.expires_at)
        .where(Invitation.status == InvitationStatus.OPEN)
        .first()
    )["expires_at"]
    clock.now = expires_at + dt.timedelta(minutes=1)
    dispatch(settings, clock)
    sign_in(client, world, "la_officer")
    area = BeautifulSoup(client.get("/staff/area").text, "html.parser")
    said = area.select_one("#partial-responses")
    assert said is not None and "[c]" in said.get_text(" ", strip=True)
