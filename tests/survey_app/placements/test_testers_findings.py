"""Outside testers' findings about a placement and its surveys now that surveys have kinds
(start, check-ins, end): what the placement's pages say and record must be what happens."""

from __future__ import annotations

from typing import Any

from survey_app.db.tables import LocalAuthority, School
from tests.survey_app.placements.test_corrections import history_rows, placement_of, soup
from tests.survey_app.test_flow import record_placement
from tests.world import Clock, Issued, World, post_form, run


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
