"""The QA visit pack: what an officer takes to a visit, on A4, starting on its first page."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from pypdf import PdfReader

from survey_app.db.tables import Invitation, Placement, ProviderRecord, SafeguardingAlert
from survey_app.safeguarding.statuses import AlertStatus
from tests.world import Clock, World, give_responses, placement_row, post_form, run, sign_in

WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}
HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}
CHILD_WORDS = "my instructor shouts at me"
VISIT = {
    "visited_on": "2026-11-02",
    "kind": "routine",
    "officers": "J. Patel",
    "summary": "Workshop tidy; fire log missing.",
    "action_1": "Keep a fire drill log",
    "action_1_due": "2026-12-04",
}


def alert_for(prefix: str, status: AlertStatus, raised_at: dt.datetime) -> None:
    """Alerts for the pupils whose references start with ``prefix`` (as their answers raise)."""
    invitations = run(
        Invitation.select(Invitation.id).where(
            Invitation.placement.pupil_reference.like(f"{prefix}-%")  # type: ignore[union-attr]
        )
    )
    run(
        SafeguardingAlert.insert(
            *[
                SafeguardingAlert(
                    invitation=row["id"],
                    question_id="felt_safe",
                    answer_value="not_safe",
                    raised_at=raised_at,
                    status=status,
                )
                for row in invitations
            ]
        )
    )


def pack_pages(client: Any, world: World) -> list[str]:
    response = client.get(f"/staff/providers/{world.provider}/qa-pack.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_pack_has_what_an_officer_needs_at_the_visit(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(
        ProviderRecord.update(
            {
                ProviderRecord.contact_name: "Ann Hale",
                ProviderRecord.contact_email: "office@meadow.example",
                ProviderRecord.contact_phone: "01234 567890",
                ProviderRecord.safeguarding_lead: "Sam Okafor",
                ProviderRecord.safeguarding_contact: "dsl@meadow.example",
            }
        ).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )
    # Before the visit: five happy pupils and two who felt unsafe (two alerts, both closed).
    give_responses(world, settings, clock, 5, when=clock.now - dt.timedelta(days=60), answers=HAPPY)
    give_responses(
        world,
        settings,
        clock,
        2,
        when=clock.now - dt.timedelta(days=60),
        answers=WORRIED,
        prefix="W",
    )
    alert_for("W", AlertStatus.CLOSED, clock.now - dt.timedelta(days=60))
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.provider}/visits", VISIT)
    # Since the visit: three pupils felt unsafe, one of whom wrote about it; one alert is
    # acknowledged and two are new.
    give_responses(world, settings, clock, 3, answers=WORRIED, comment=CHILD_WORDS, prefix="N")
    alert_for("N", AlertStatus.NEW, clock.now)
    newest = run(SafeguardingAlert.select(SafeguardingAlert.id).order_by(SafeguardingAlert.id))
    run(
        SafeguardingAlert.update({SafeguardingAlert.status: AlertStatus.ACKNOWLEDGED}).where(
            SafeguardingAlert.id == newest[-1]["id"]
        )
    )
    # Two learners there now: one placed in September and still going, one who starts next week.
    run(
        Placement.insert(
            placement_row(world, clock, pupil_reference="NOW-1", ended_on=None),
            placement_row(
                world,
                clock,
                pupil_reference="NOW-2",
                ended_on=None,
                planned_end_date=dt.date(2027, 3, 1),
            ),
            placement_row(
                world,
                clock,
                pupil_reference="SOON-1",
                ended_on=None,
                start_date=dt.date(2026, 12, 1),
            ),
        )
    )

    pages = pack_pages(client, world)
    first = pages[0]
    assert first.startswith("QA visit pack: Meadow Farm"), "no blank first page"
    for expected in (
        "Main contact Ann Hale, office@meadow.example, 01234 567890",
        "Safeguarding lead Sam Okafor, dsl@meadow.example",
        "Learners placed there now 2",
    ):
        assert expected in first, expected
    text = " ".join(pages)
    assert "Routine visit, 2 November 2026, by J. Patel. Workshop tidy; fire log missing." in text
    assert "Keep a fire drill log 4 December 2026" in text
    assert "3 alerts raised about pupils placed here" in text
    assert re.search(
        r"New, not yet looked at 2 Acknowledged, action pending 1 Closed, action recorded 0", text
    )
    assert CHILD_WORDS not in text, "never a child's words"
    assert "3 pupils answered since 2 November 2026; 10 in all" in text
    # Felt safe: none of the 3 since the visit, 5 of 10 all time.
    assert re.search(r"Felt safe 3 0% 10 50%", text), text
    assert "Notes from the visit" in pages[-1]


def test_without_a_visit_the_pack_says_so_and_counts_all_time(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 4, answers=HAPPY)
    sign_in(client, world, "la_officer")
    text = " ".join(pack_pages(client, world))
    assert "No visit recorded yet: the figures below are for all time." in text
    assert "Safeguarding lead Not recorded: ask at the visit" in text
    assert "Felt safe 4 100%" in text
    assert "0 alerts raised" in text


def test_start_surveys_are_not_counted_in_the_packs_learner_voice(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    from questionnaires.loader import current
    from survey_app.surveys.responses import answer_for, save_response
    from tests.world import issue_start

    give_responses(world, settings, clock, 4, answers=HAPPY)
    # A pupil just starting there says they do not feel safe in their start survey: kept to pair
    # with their end answers, never added to the end-of-placement figures.
    start = issue_start(world, settings, clock)
    row = run(Invitation.select(Invitation.questionnaire_id).where(Invitation.id == start.id))
    questionnaire = current(row[0]["questionnaire_id"])
    felt_safe = next(q for q in questionnaire.questions if q.id == "felt_safe")
    unsafe = next(o for o in felt_safe.options if o.safeguarding)
    run(save_response(start.id, questionnaire, [answer_for(felt_safe, unsafe)], clock.now))
    sign_in(client, world, "la_officer")
    text = " ".join(pack_pages(client, world))
    assert "4 in all" in text
    assert "Felt safe 4 100%" in text
