"""Outside testers' findings about a placement and its surveys now that surveys have kinds
(start, check-ins, end): what the placement's pages say and record must be what happens."""

from __future__ import annotations

from typing import Any

from survey_app.db.tables import Invitation, LocalAuthority, School
from survey_app.surveys.due import issue_due
from survey_app.surveys.statuses import InvitationKind
from tests.survey_app.placements.test_corrections import history_rows, placement_of, soup
from tests.survey_app.test_flow import record_placement
from tests.world import Clock, Issued, World, post_form, run, token_for


def test_ending_a_placement_is_in_its_history_with_the_day_it_ended_and_who_ended_it(
    signed_in: Any, world: World, clock: Clock
) -> None:
    url = record_placement(signed_in, world).headers["location"]
    ended = post_form(signed_in, f"{url}/end", {"ended_on": "20/11/2026"}, follow_redirects=False)
    assert ended.status_code in (302, 303)
    rows = history_rows(signed_in.get(url))
    assert any(
        "End date" in row and "2026-11-20" in row and "la_officer@example.test" in row
        for row in rows
    ), rows


def _council_email(world: World, email: str) -> None:
    run(
        LocalAuthority.update({LocalAuthority.contact_email: email}).where(
            LocalAuthority.id == world.la
        )
    )


def test_the_schools_page_says_requests_for_a_school_without_an_email_go_to_the_council(
    signed_in: Any, world: World
) -> None:
    _council_email(world, "ap-team@westshire.example")
    summary = soup(signed_in.get("/staff/schools")).select_one("#summary").get_text(" ", strip=True)
    assert "cannot be sent" not in summary
    assert "go to the council contact email (ap-team@westshire.example)" in summary


def test_the_schools_page_says_requests_cannot_be_sent_only_when_the_council_has_no_email_either(
    signed_in: Any, world: World
) -> None:
    summary = soup(signed_in.get("/staff/schools")).select_one("#summary").get_text(" ", strip=True)
    assert "cannot be sent" in summary


def test_the_placement_page_says_the_council_is_emailed_a_reissue_when_the_school_has_no_email(
    signed_in: Any, world: World, issued: Issued
) -> None:
    _council_email(world, "ap-team@westshire.example")
    page = soup(signed_in.get(f"/staff/placements/{placement_of(issued)}"))
    said = page.select_one("form[action$='/reissue'] p.govuk-body").get_text(" ", strip=True)
    assert "the school is emailed it" not in said
    assert "emailed to the council contact email (ap-team@westshire.example)" in said
    assert "the school has no contact email" in said


def test_the_placement_page_says_the_school_is_emailed_a_reissue_when_it_has_an_email(
    signed_in: Any, world: World, issued: Issued
) -> None:
    _council_email(world, "ap-team@westshire.example")
    run(
        School.update({School.contact_email: "office@oak.example"}).where(School.id == world.school)
    )
    page = soup(signed_in.get(f"/staff/placements/{placement_of(issued)}"))
    said = page.select_one("form[action$='/reissue'] p.govuk-body").get_text(" ", strip=True)
    assert "the school is emailed it" in said


def _survey_status(client: Any, url: str) -> str:
    page = soup(client.get(url))
    for row in page.select(".govuk-summary-list__row"):
        if row.select_one("dt").get_text(strip=True) == "Survey":
            return row.select_one("dd").get_text(" ", strip=True)
    raise AssertionError("no Survey row")


def test_a_new_placement_says_its_start_survey_opens_first_on_the_page_and_in_the_api(
    signed_in: Any, client: Any, world: World, clock: Clock
) -> None:
    # Started last Friday: the council's start survey (on unless it chose otherwise) opens ten
    # days in, long before the end survey a week before the planned end in March.
    url = record_placement(
        signed_in, world, start_date="2026-11-20", planned_end_date="2027-03-26"
    ).headers["location"]
    assert _survey_status(signed_in, url) == "Not open yet: Start survey opens 30 November 2026"
    officer = token_for(world, "la_officer", clock)
    shown = client.get(f"/api/v1/placements/{url.rsplit('/', 1)[-1]}", headers=officer)
    assert shown.status_code == 200, shown.text
    assert shown.json()["survey_opens_on"] == "2026-11-30"
    assert shown.json()["survey_opens_kind"] == "start"


def test_a_placement_recorded_too_late_for_a_start_survey_says_the_end_survey_opens_next(
    signed_in: Any, client: Any, world: World, clock: Clock
) -> None:
    # Started in September, recorded now: its start survey's window has passed (skipped), and a
    # check-in would come too close to the end survey, so the end survey is next.
    url = record_placement(
        signed_in, world, start_date="2026-09-07", planned_end_date="2026-12-18"
    ).headers["location"]
    status = _survey_status(signed_in, url)
    assert status == "Not open yet: End-of-placement survey opens 11 December 2026"
    officer = token_for(world, "la_officer", clock)
    shown = client.get(f"/api/v1/placements/{url.rsplit('/', 1)[-1]}", headers=officer).json()
    assert (shown["survey_opens_on"], shown["survey_opens_kind"]) == ("2026-12-11", "end")


def test_a_placement_with_no_planned_end_says_its_check_in_opens_once_a_half_term_has_passed(
    signed_in: Any, world: World, clock: Clock, settings: Any
) -> None:
    url = record_placement(signed_in, world, start_date="2026-10-13", planned_end_date="").headers[
        "location"
    ]
    # The start survey's window (ten days in, open for the council's 28 expiry days) has passed;
    # a check-in opens six weeks in: tomorrow.
    said = _survey_status(signed_in, url)
    assert said == "Not open yet: Half-termly check-in opens 24 November 2026"
    # And that is what the scheduled work does.
    clock.advance(days=1)
    assert run(issue_due(settings, clock.now)) == 1
    kinds = run(
        Invitation.select(Invitation.kind).where(
            Invitation.placement == int(url.rsplit("/", 1)[-1])
        )
    )
    assert [row["kind"] for row in kinds] == [InvitationKind.REVIEW]
