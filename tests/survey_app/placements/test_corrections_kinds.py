"""Correcting a placement whose pupil has a start survey or a check-in, not only the end survey:
cancelling withdraws every survey still open, of every kind; reissue and extend act on the survey
the officer chose (the page sends the one it shows) or the one waiting; an earlier survey is never
reopened beside a later one; and the placements list finds a placement by the survey it shows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from bs4 import BeautifulSoup

from questionnaires.loader import current
from survey_app.db.tables import Invitation, Placement
from survey_app.surveys.responses import answer_for, save_response
from survey_app.surveys.statuses import InvitationStatus
from tests.world import Clock, Issued, World, issue_start, post_form, run, token_for


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def errors(response: Any) -> dict[str, str]:
    summary = soup(response).select(".govuk-error-summary li a")
    return {a["href"].lstrip("#"): a.get_text(strip=True) for a in summary}


def placement_of(issued: Issued) -> int:
    row = run(Invitation.select(Invitation.placement).where(Invitation.id == issued.id).first())
    return int(row["placement"])


def invitation(invitation_id: Any) -> dict[str, Any]:
    row = run(Invitation.select().where(Invitation.id == invitation_id).first())
    assert row is not None
    return row


def test_cancelling_withdraws_an_open_start_survey_and_its_link_says_so(
    signed_in: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    url = f"/staff/placements/{placement_of(start)}"
    assert post_form(signed_in, f"{url}/cancel", {}, follow_redirects=False).status_code == 302
    assert invitation(start.id)["status"] == InvitationStatus.REVOKED
    opened = pupil.get(start.path)
    assert opened.status_code == 410
    assert soup(opened).h1.get_text() == "You do not need to do this survey"


def test_a_placement_whose_start_survey_was_answered_cannot_be_cancelled(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    questionnaire = current(invitation(start.id)["questionnaire_id"])
    question = next(q for q in questionnaire.questions if q.id == "felt_safe")
    run(
        save_response(
            start.id, questionnaire, [answer_for(question, question.options[0])], clock.now
        )
    )
    url = f"/staff/placements/{placement_of(start)}"
    refused = post_form(signed_in, f"{url}/cancel", {})
    assert refused.status_code == 400
    assert "answered one of this placement's surveys" in errors(refused)["cancel"]
    assert run(Placement.select(Placement.status).first())["status"] == "active"


def test_reissuing_from_the_page_gives_the_start_survey_a_new_code(
    signed_in: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    url = f"/staff/placements/{placement_of(start)}"
    page = soup(signed_in.get(url))
    assert page.select_one("#survey-corrections").get_text() == "Change the start survey"
    form = page.select_one("form[action$='/reissue']")
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i.get("value")}
    assert fields["invitation"] == str(start.id)
    fields.pop("_csrf_token", None)
    assert post_form(signed_in, f"{url}/reissue", fields, follow_redirects=False).status_code == 302
    assert invitation(start.id)["revocation_counter"] == 1
    assert pupil.get(start.path).status_code == 404, "the old link is dead"


def test_an_earlier_survey_is_not_reopened_once_a_later_one_has_opened(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    placement_id = placement_of(start)
    url = f"/staff/placements/{placement_id}"
    clock.advance(minutes=1)
    ended = post_form(signed_in, f"{url}/end", {"ended_on": ""}, follow_redirects=False)
    assert ended.status_code == 302
    assert invitation(start.id)["expires_at"] < clock.now, "opening the end survey closed it"
    closes = (clock.now + dt.timedelta(days=14)).date().isoformat()
    refused = post_form(
        signed_in, f"{url}/extend", {"closes_on": closes, "invitation": str(start.id)}
    )
    assert refused.status_code == 400
    assert "A later survey of this placement has opened" in errors(refused)["closes_on"]
    assert invitation(start.id)["expires_at"] < clock.now, "still closed"
    # The API says the same, and changes nothing either.
    api = token_for(world, "la_officer", clock)
    response = signed_in.post(
        f"/api/v1/placements/{placement_id}/survey/reissue",
        json={"invitation_id": str(start.id)},
        headers=api,
    )
    assert response.status_code == 400
    assert invitation(start.id)["revocation_counter"] == 0
    # Without a choice, the survey waiting is the one acted on: the end survey.
    shown = signed_in.get(f"/api/v1/placements/{placement_id}", headers=api).json()
    assert shown["invitation"]["kind"] == "end"


def test_a_survey_that_is_not_this_placements_is_refused_by_name(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    other = issue_start(world, settings, clock, reference="NEW-8")
    url = f"/staff/placements/{placement_of(start)}"
    closes = (clock.now + dt.timedelta(days=14)).date().isoformat()
    for named in (str(other.id), str(uuid.uuid4()), "not-an-id"):
        refused = post_form(signed_in, f"{url}/extend", {"closes_on": closes, "invitation": named})
        assert refused.status_code == 400, named
        assert errors(refused)["closes_on"] == "This placement has no survey with that id"
    assert invitation(other.id)["expires_at"] == invitation(start.id)["expires_at"]


def test_the_list_finds_a_placement_by_the_survey_it_shows(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")

    def found(survey: str) -> list[str]:
        page = soup(signed_in.get(f"/staff/placements?survey={survey}"))
        return [a.get_text(strip=True) for a in page.select("tbody tr a")]

    assert "NEW-7" in found("open")
    assert "NEW-7" not in found("not_open_yet")
    questionnaire = current(invitation(start.id)["questionnaire_id"])
    question = next(q for q in questionnaire.questions if q.id == "felt_safe")
    run(
        save_response(
            start.id, questionnaire, [answer_for(question, question.options[0])], clock.now
        )
    )
    assert "NEW-7" in found("completed")
    assert "NEW-7" not in found("open")
