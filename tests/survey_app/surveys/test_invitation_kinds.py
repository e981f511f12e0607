"""A placement's journey: a start survey, a check-in each half term, the end survey.

Each kind opens on its own day, at most one per placement, kind and half term however many
dispatchers run; a pupil never has two surveys open at once; each LA turns the start and review
surveys on or off.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from survey_app.db.tables import Invitation, LaSettings, Placement
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import state_of
from tests.world import Clock, World, placement_row, run

#: A placement from Monday 2 November 2026 to Friday 2 April 2027: three half terms and more.
STARTS, ENDS = dt.date(2026, 11, 2), dt.date(2027, 4, 2)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


def place(world: World, clock: Clock, reference: str = "OAK-55", **overrides: Any) -> int:
    values: dict[str, Any] = {
        "pupil_reference": reference,
        "start_date": STARTS,
        "planned_end_date": ENDS,
        "ended_on": None,
        **overrides,
    }
    row = placement_row(world, clock, **values)
    run(Placement.insert(row))
    return int(row.id)


def surveys(placement: int, now: dt.datetime) -> list[tuple[str, str, str, str]]:
    """(kind, period, questionnaire, open or not) of each of the placement's invitations."""
    rows = run(
        Invitation.select().where(Invitation.placement == placement).order_by(Invitation.opened_at)
    )
    return [
        (row["kind"], row["period"], row["questionnaire_id"], str(state_of(row, now)))
        for row in rows
    ]


def choose(la_id: int, **values: Any) -> None:
    run(LaSettings.insert(LaSettings(local_authority=la_id, **values)))


def test_the_start_survey_opens_ten_days_in_and_once_however_many_dispatchers_run(
    world: World, settings: Any, clock: Clock
) -> None:
    placement = place(world, clock)
    assert run(issue_due(settings, at(dt.date(2026, 11, 11)))) == 0
    day_ten = at(dt.date(2026, 11, 12))

    async def two_dispatchers() -> list[int]:
        return list(
            await asyncio.gather(issue_due(settings, day_ten), issue_due(settings, day_ten))
        )

    assert sum(run(two_dispatchers())) == 1
    assert run(issue_due(settings, day_ten)) == 0
    assert surveys(placement, day_ten) == [("start", "", "start_years_4_6", "open")]


def test_a_review_each_half_term_closes_an_unanswered_start_survey(
    world: World, settings: Any, clock: Clock
) -> None:
    placement = place(world, clock)
    run(issue_due(settings, at(dt.date(2026, 11, 12))))
    # Six weeks in, but the start survey opened only 26 days ago: the review waits.
    assert run(issue_due(settings, at(dt.date(2026, 12, 8)))) == 0
    january = at(dt.date(2027, 1, 5))
    assert run(issue_due(settings, january)) == 1
    assert surveys(placement, january) == [
        ("start", "", "start_years_4_6", "expired"),
        ("review", "2027-01-01", "review_years_4_6", "open"),
    ]
    # One review a half term, however often the dispatcher runs in it.
    assert run(issue_due(settings, at(dt.date(2027, 2, 24)))) == 0
    march = at(dt.date(2027, 3, 2))
    assert run(issue_due(settings, march)) == 1
    assert [s[:2] for s in surveys(placement, march)][-1] == ("review", "2027-03-01")


def test_the_end_survey_closes_an_open_review_and_no_review_follows_it(
    world: World, settings: Any, clock: Clock
) -> None:
    placement = place(world, clock)
    for day in (dt.date(2026, 11, 12), dt.date(2027, 1, 5), dt.date(2027, 3, 2)):
        run(issue_due(settings, at(day)))
    end_opens = at(ENDS - dt.timedelta(days=settings.invitation_open_days_before))
    review = surveys(placement, end_opens - dt.timedelta(minutes=1))[-1]
    assert review[:2] == ("review", "2027-03-01") and review[3] == "open"
    assert run(issue_due(settings, end_opens)) == 1
    opened = surveys(placement, end_opens)
    assert [s[0] for s in opened] == ["start", "review", "review", "end"]
    assert [s[3] for s in opened] == ["expired", "expired", "expired", "open"]
    assert run(issue_due(settings, at(dt.date(2027, 5, 4)))) == 0


def test_a_review_due_when_the_end_survey_opens_is_skipped(
    world: World, settings: Any, clock: Clock
) -> None:
    # Ended early on 4 January, before any review: the end survey opens, and only it.
    placement = place(world, clock, ended_on=dt.date(2027, 1, 4))
    run(issue_due(settings, at(dt.date(2026, 11, 12))))
    january = at(dt.date(2027, 1, 5))
    assert run(issue_due(settings, january)) == 1
    assert [(s[0], s[3]) for s in surveys(placement, january)] == [
        ("start", "expired"),
        ("end", "open"),
    ]


def test_a_start_survey_not_yet_opened_is_skipped_once_another_has(
    world: World, settings: Any, clock: Clock
) -> None:
    # Recorded late: by the time the service hears of it, a check-in is what is due.
    placement = place(world, clock, start_date=dt.date(2026, 10, 1))
    november = at(dt.date(2026, 11, 20))
    assert run(issue_due(settings, november)) == 1
    assert surveys(placement, november) == [("review", "2026-11-01", "review_years_4_6", "open")]


def test_a_council_that_turns_start_and_review_surveys_off_gets_only_the_end_survey(
    world: World, settings: Any, clock: Clock
) -> None:
    choose(world.la, start_survey=False, review_survey=False)
    ours = place(world, clock)
    theirs = place(world, clock, "ELM-12", local_authority=world.other_la, school=None)
    for day in (dt.date(2026, 11, 12), dt.date(2027, 1, 5)):
        run(issue_due(settings, at(day)))
    assert surveys(ours, at(dt.date(2027, 1, 5))) == []
    assert [s[0] for s in surveys(theirs, at(dt.date(2027, 1, 5)))] == ["start", "review"]


def test_a_council_chooses_how_many_days_in_the_start_survey_opens(
    world: World, settings: Any, clock: Clock
) -> None:
    choose(world.la, start_survey_days=3)
    placement = place(world, clock)
    assert run(issue_due(settings, at(dt.date(2026, 11, 5)))) == 1
    assert [s[0] for s in surveys(placement, at(dt.date(2026, 11, 5)))] == ["start"]


def test_answers_saved_on_a_start_survey_that_a_review_closes_are_kept(
    world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    from survey_app.db.tables import Response
    from survey_app.surveys.drafts import keep_partial_responses
    from survey_app.surveys.invitations import link_for
    from tests.world import post_form

    placement = place(world, clock)
    clock.now = at(dt.date(2026, 11, 12))
    run(issue_due(settings, clock.now))
    start = run(Invitation.select().where(Invitation.placement == placement).first())
    path = link_for(settings, start["id"], 0).url.removeprefix(settings.base_url)
    assert pupil.get(path, follow_redirects=False).status_code == 302
    saved = post_form(pupil, "/survey/q/1", {"answer": "safe"}, follow_redirects=False)
    assert saved.status_code == 302
    clock.now = at(dt.date(2027, 1, 5))
    assert run(issue_due(settings, clock.now)) == 1
    assert run(keep_partial_responses(clock.now)) == 1
    kept = run(Response.select().where(Response.invitation == start["id"]).first())
    assert kept is not None and kept["partial"] and kept["kind"] == "start"


def test_no_check_in_opens_in_the_three_weeks_before_the_end_survey(
    world: World, settings: Any, clock: Clock
) -> None:
    # Ends 26 March, so the end survey opens on 19 March: a check-in on 2 March would have the
    # pupil answering twice in a fortnight.
    placement = place(world, clock, planned_end_date=dt.date(2027, 3, 26))
    for day in (dt.date(2026, 11, 12), dt.date(2027, 1, 5), dt.date(2027, 3, 2)):
        run(issue_due(settings, at(day)))
    assert [s[0] for s in surveys(placement, at(dt.date(2027, 3, 2)))] == ["start", "review"]
