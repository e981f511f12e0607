"""A placement extended after its end survey opened early (a term added, common in AP): the end
survey follows the real end. Unanswered, it is withdrawn: the pupil's link says kindly when it
will open, chasing and the slips stop showing it, the history says so, check-ins resume in the
extra time and a new end survey opens at the new time, once. Answered or started, it is kept
and no second end survey comes. The same through the page, the API and the CSV re-import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from accessibility.readability import check_lines
from survey_app.db.tables import Invitation, LaSettings, Placement
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from tests.survey_app.surveys.test_page_reading import YOUNGEST, failures, visible_lines
from tests.world import (
    Clock,
    Issued,
    World,
    complete_survey,
    csrf_token,
    give_responses,
    placement_row,
    post_form,
    run,
    sign_in,
    token_for,
)

#: Recorded to end on Friday 27 November 2026; today (Monday 23 November) is within the seven
#: days before it when the end survey opens, so it opened this morning.
FIRST_END = "2026-11-27"
#: A term added: it now ends on 20 March 2027, so its end survey opens on 13 March 2027.
NEW_END = "2027-03-20"
OPENS = dt.datetime(2027, 3, 13, 10, 0, tzinfo=dt.UTC)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def end_survey_open(world: World, settings: Any, clock: Clock) -> tuple[int, Issued]:
    """A year 5 pupil's placement due to end on Friday, its end survey open since today."""
    row = placement_row(
        world,
        clock,
        pupil_reference="EXT-1",
        start_date=dt.date(2026, 9, 1),
        planned_end_date=dt.date.fromisoformat(FIRST_END),
        ended_on=None,
    )
    run(Placement.insert(row))
    assert run(issue_due(settings, clock.now)) == 1
    invitation = run(Invitation.select().where(Invitation.placement == row.id).first())
    assert invitation["kind"] == InvitationKind.END
    link = link_for(settings, invitation["id"], invitation["revocation_counter"])
    return row.id, Issued(invitation["id"], link.url.removeprefix(settings.base_url), "")


def edit(client: Any, world: World, placement_id: int, planned_end: str) -> Any:
    """The placement's edit page, sent with only its planned end changed."""
    form = {
        "provider_id": str(world.provider),
        "school_id": str(world.school),
        "la_team": "",
        "year_group": "5",
        "start_date": "2026-09-01",
        "planned_end_date": planned_end,
        "hours_per_week": "6",
        "purpose": "",
        "ended_on": "",
    }
    return post_form(client, f"/staff/placements/{placement_id}/edit", form, follow_redirects=False)


def end_surveys(placement_id: int) -> list[dict[str, Any]]:
    return run(
        Invitation.select()
        .where(Invitation.placement == placement_id, Invitation.kind == InvitationKind.END)
        .order_by(Invitation.opened_at)
    )


def survey_history(client: Any, placement_id: int) -> list[tuple[str, str]]:
    """The placement's history lines about its survey itself: (from, to)."""
    page = soup(client.get(f"/staff/placements/{placement_id}"))
    rows = [
        [td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("#history tr")
    ]
    return [(row[2], row[3]) for row in rows if row[1:2] == ["Survey (end-of-placement survey)"]]


def test_extending_withdraws_the_unanswered_end_survey_and_its_link_says_when_it_opens(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    # This council opens end surveys 14 days before the end and has no check-ins.
    run(
        LaSettings.insert(
            LaSettings(
                local_authority=world.la, invitation_open_days_before=14, review_survey=False
            )
        )
    )
    placement_id, issued = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    [survey] = end_surveys(placement_id)
    assert survey["status"] == InvitationStatus.REVOKED
    opened = pupil.get(issued.path, follow_redirects=False)
    assert opened.status_code == 200, "a friendly page, not an error"
    page = soup(opened)
    assert page.select_one("h1").get_text(strip=True) == "Your survey is not open yet"
    assert page.select_one("#opens-on").get_text(strip=True) == "It will open on 6 March 2027."
    # The history says what happened in plain words.
    assert survey_history(client, placement_id) == [
        (
            "Open, not answered",
            "End survey withdrawn: the placement now ends on 20 March 2027; "
            "it will open on 6 March 2027",
        )
    ]
    # Its page and the list say the survey is not open yet, not "withdrawn" as for a
    # cancelled placement.
    summary = soup(client.get(f"/staff/placements/{placement_id}"))
    shown = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in summary.select(".govuk-summary-list__row")
    }
    assert shown["Survey"] == "Not open yet: End-of-placement survey opens 6 March 2027"
    listed = soup(client.get("/staff/placements?survey=not_open_yet")).select("tbody tr")
    assert [row.select_one("a").get_text(strip=True) for row in listed] == ["EXT-1"]
    assert not soup(client.get("/staff/placements?survey=withdrawn")).select("tbody tr a")


def test_chasing_and_the_providers_slips_stop_showing_it(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, _ = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")

    def chased() -> list[str]:
        page = soup(client.get("/staff/chasing"))
        # Each waiting pupil has a row with days waiting ("Nothing is waiting." has none).
        return [
            tr.select("td")[0].get_text(strip=True)
            for tr in page.select("#waiting tbody tr")
            if tr.select_one("td.app-num")
        ]

    assert chased() == ["EXT-1"]
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    assert chased() == []
    client.cookies.clear()
    sign_in(client, world, "provider_staff")
    slips = soup(client.get(f"/staff/providers/{world.provider}/slips"))
    assert [slip.select_one("p").get_text(strip=True) for slip in slips.select(".app-slip")] == []


def test_the_dispatcher_opens_one_new_end_survey_at_the_new_time_and_check_ins_resume(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, issued = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    # The extra time is more than a half term: the usual check-in comes at once.
    run(issue_due(settings, clock.now))
    live = run(
        Invitation.select(Invitation.kind).where(
            Invitation.placement == placement_id, Invitation.status == InvitationStatus.OPEN
        )
    )
    assert [row["kind"] for row in live] == [InvitationKind.REVIEW]
    clock.now = OPENS - dt.timedelta(days=1)
    run(issue_due(settings, clock.now))
    assert len(end_surveys(placement_id)) == 1, "not open the day before"
    clock.now = OPENS
    run(issue_due(settings, clock.now))
    run(issue_due(settings, clock.now))
    surveys = end_surveys(placement_id)
    assert [row["status"] for row in surveys] == [
        InvitationStatus.REVOKED,
        InvitationStatus.OPEN,
    ], "exactly one new end survey, however often the dispatcher runs"
    new = surveys[1]
    assert new["opened_at"] == OPENS
    # The new link opens the survey; the old one says a new link has come.
    link = link_for(settings, new["id"], new["revocation_counter"])
    assert (
        pupil.get(link.url.removeprefix(settings.base_url), follow_redirects=False).status_code
        == 302
    )
    old = soup(pupil.get(issued.path, follow_redirects=False))
    assert old.select_one("h1").get_text(strip=True) == "Your survey has a new link"


def test_an_answered_end_survey_is_kept_and_counted_and_no_second_one_comes(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, issued = end_survey_open(world, settings, clock)
    complete_survey(pupil, issued.path, "end_years_4_6", {})
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    assert survey_history(client, placement_id) == [
        (
            "Answered",
            "End survey kept: the pupil has answered it, and what they said is counted; "
            "no second end survey will be issued",
        )
    ]
    clock.now = OPENS
    run(issue_due(settings, clock.now))
    assert [row["status"] for row in end_surveys(placement_id)] == [InvitationStatus.COMPLETED]


def test_a_part_answered_end_survey_is_kept_open_with_what_the_pupil_said(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, issued = end_survey_open(world, settings, clock)
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    assert (
        post_form(pupil, "/survey/q/1", {"skip": "yes"}, follow_redirects=False).status_code == 302
    )
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    assert [row["status"] for row in end_surveys(placement_id)] == [InvitationStatus.OPEN]
    assert survey_history(client, placement_id) == [
        (
            "Started, not sent",
            "End survey kept open: the pupil has started it, and what they said is kept; "
            "no second end survey will be issued",
        )
    ]
    # The pupil carries on where they were.
    assert pupil.get("/survey", follow_redirects=False).headers["location"] == "/survey/q/2"


def test_a_retry_of_the_same_correction_changes_nothing_more(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, _ = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    assert len(end_surveys(placement_id)) == 1
    assert len(survey_history(client, placement_id)) == 1


def test_moved_back_earlier_the_dispatcher_opens_a_new_end_survey_as_before(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, _ = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    clock.advance(minutes=10)
    # Not extended after all: it ends on Friday, and its end survey opens again now.
    assert edit(client, world, placement_id, FIRST_END).status_code == 302
    run(issue_due(settings, clock.now))
    assert [row["status"] for row in end_surveys(placement_id)] == [
        InvitationStatus.REVOKED,
        InvitationStatus.OPEN,
    ]


def test_through_the_api_and_with_no_end_known_the_link_says_it_opens_when_it_ends(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, issued = end_survey_open(world, settings, clock)
    api = token_for(world, "la_officer", clock)
    response = client.patch(
        f"/api/v1/placements/{placement_id}", json={"planned_end_date": None}, headers=api
    )
    assert response.status_code == 200, response.text
    assert [row["status"] for row in end_surveys(placement_id)] == [InvitationStatus.REVOKED]
    page = soup(pupil.get(issued.path, follow_redirects=False))
    assert page.select_one("#opens-on").get_text(strip=True) == (
        "It will open when your time there ends."
    )
    sign_in(client, world, "la_officer")
    assert survey_history(client, placement_id) == [
        (
            "Open, not answered",
            "End survey withdrawn: the placement no longer has a planned end date; "
            "it will open when the placement is ended",
        )
    ]


HEADER = (
    "pupil_reference,year_group,provider,school,la_team,start_date,planned_end_date,"
    "hours_per_week,purpose,simplest_version\n"
)


def test_a_csv_re_import_that_extends_the_placement_withdraws_it_too(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, issued = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    row = "EXT-1,5,Meadow Farm,Oak School,,01/09/2026,20/03/2027,6,,no\n"
    response = client.post(
        "/staff/placements/import",
        files={"file": ("placements.csv", (HEADER + row).encode(), "text/csv")},
        data={"_csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert run(Placement.count()) == 1, "the same placement, updated"
    assert [row["status"] for row in end_surveys(placement_id)] == [InvitationStatus.REVOKED]
    page = soup(pupil.get(issued.path, follow_redirects=False))
    assert page.select_one("#opens-on").get_text(strip=True) == "It will open on 13 March 2027."
    assert survey_history(client, placement_id) == [
        (
            "Open, not answered",
            "End survey withdrawn: the placement now ends on 20 March 2027; "
            "it will open on 13 March 2027",
        )
    ]


def test_the_pupils_not_open_yet_pages_meet_the_youngest_reading_target(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, issued = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    pages: dict[str, str] = {}
    assert edit(client, world, placement_id, "").status_code == 302
    pages["opens when it ends"] = pupil.get(issued.path).text
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    pages["opens on a day"] = pupil.get(issued.path).text
    clock.now = OPENS
    run(issue_due(settings, clock.now))
    pages["a new link"] = pupil.get(issued.path).text
    checked = [
        item
        for name, html in pages.items()
        for item in check_lines(YOUNGEST, name, visible_lines(html))
    ]
    assert len({item.item for item in checked}) == 3
    problems = failures(checked)
    assert not problems, "\n".join(problems)


def test_the_school_sees_no_survey_open_yet_not_withdrawn(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    placement_id, _ = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    client.cookies.clear()
    sign_in(client, world, "school_contact")
    page = soup(client.get("/staff/my-school"))
    status = page.select_one("[data-placement] .app-request-status").get_text(strip=True)
    assert status == "None open yet"


def test_the_area_response_rate_does_not_count_the_withdrawn_end_survey_as_asked(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 12, answers={"felt_safe": "very_safe"})
    placement_id, _ = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")

    def rate() -> str:
        volume = soup(client.get("/staff/area")).select_one("#volume").get_text(" ", strip=True)
        return volume.rsplit("response rate of ", 1)[-1]

    assert rate() == "92%.", "12 of the 13 pupils asked so far have answered"
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    # Until its end survey opens again in March, that pupil has not been asked: 12 of 12.
    assert rate() == "100%."


def test_the_old_link_says_a_new_survey_is_waiting_once_a_check_in_opens_in_the_extra_time(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Found from outside: the end survey moved to March and a check-in opened meanwhile, but the
    # old link said "it will open on 13 March 2027": a pupil would wait and miss the check-in.
    placement_id, issued = end_survey_open(world, settings, clock)
    sign_in(client, world, "la_officer")
    assert edit(client, world, placement_id, NEW_END).status_code == 302
    run(issue_due(settings, clock.now))
    old = pupil.get(issued.path, follow_redirects=False)
    assert old.status_code == 410
    assert soup(old).select_one("h1").get_text(strip=True) == "You have a new survey now"
