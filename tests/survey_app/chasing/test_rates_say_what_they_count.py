"""The response rates page counts end-of-placement surveys only, and says so: an officer whose
pupils have answered start surveys must not read the rate as covering them."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, complete_survey, issue_for_year, issue_start, sign_in


def test_the_rates_page_says_it_counts_end_of_placement_surveys_only(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    issue_for_year(world, settings, clock, reference="RR-1")
    started = issue_start(world, settings, clock)
    complete_survey(pupil, started.path, "start_years_4_6", {})
    sign_in(client, world, "school_contact")
    page = BeautifulSoup(client.get("/staff/rates").text, "html.parser")
    assert "end-of-placement surveys only" in page.select_one("#counted").get_text()
    assert "end-of-placement" in page.title.get_text().lower()
    headings = [th.get_text(strip=True) for th in page.select("#by-provider thead th")]
    assert "End-of-placement surveys opened" in headings
    # The answered start survey is not in the figures the page says it leaves out.
    cells = [td.get_text(strip=True) for td in page.select("#by-provider tbody tr td")]
    assert cells == ["1", "0", "0", "0%"]
