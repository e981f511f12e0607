"""One placement's page after a correction: a success banner says what changed, once, after
post/redirect/get; the survey's dates say where it stands (closed, or not yet open); and the
import page's counts come from the server, never from a link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from tests.survey_app.placements.test_corrections import edit_form, placement_of
from tests.survey_app.placements.test_placement_import import GOOD, HEADER, upload
from tests.survey_app.test_flow import record_placement
from tests.world import Clock, Issued, World, post_form, sign_in


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def banner(page: Any) -> str | None:
    found = soup(page).select_one(".govuk-notification-banner--success #done")
    return found.get_text(" ", strip=True) if found else None


def test_a_correction_lands_on_the_placement_with_a_banner_saying_what_changed_once(
    signed_in: Any, world: World
) -> None:
    url = record_placement(signed_in, world).headers["location"]
    changed = edit_form(world, provider_id=str(world.second_provider), hours_per_week="12.5")
    response = post_form(signed_in, f"{url}/edit", changed, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == url
    said = banner(signed_in.get(url))
    assert said is not None and said.startswith("Placement corrected")
    assert "Provider from Meadow Farm to Quay Tutors" in said
    assert "Hours per week from 9 to 12.5" in said
    assert banner(signed_in.get(url)) is None, "shown once: a refresh does not repeat it"


def test_reissuing_extending_and_cancelling_each_say_what_they_did(
    signed_in: Any, issued: Issued
) -> None:
    url = f"/staff/placements/{placement_of(issued)}"
    post_form(signed_in, f"{url}/reissue", {"link_version": "0"}, follow_redirects=False)
    assert "new link and code" in (banner(signed_in.get(url)) or "")
    # The same form sent again (a double click) changes nothing, and says so.
    post_form(signed_in, f"{url}/reissue", {"link_version": "0"}, follow_redirects=False)
    assert "already been reissued" in (banner(signed_in.get(url)) or "")
    post_form(signed_in, f"{url}/extend", {"closes_on": "2027-01-08"}, follow_redirects=False)
    assert "Survey extended: Survey closes (end-of-placement survey) from" in (
        banner(signed_in.get(url)) or ""
    )
    post_form(signed_in, f"{url}/cancel", {}, follow_redirects=False)
    assert "cancelled as entered in error" in (banner(signed_in.get(url)) or "")


def test_a_problem_shows_no_success_banner(signed_in: Any, issued: Issued) -> None:
    url = f"/staff/placements/{placement_of(issued)}"
    response = post_form(signed_in, f"{url}/extend", {"closes_on": "2026-11-01"})
    assert response.status_code == 400 and banner(response) is None
    assert banner(signed_in.get(url)) is None


def test_a_closed_survey_says_when_it_closed_not_that_it_now_closes(
    client: Any, world: World, issued: Issued, settings: Any, clock: Clock
) -> None:
    opened = clock.now
    clock.advance(days=settings.invitation_expiry_days + 1)
    sign_in(client, world, "la_officer")
    page = soup(client.get(f"/staff/placements/{placement_of(issued)}"))
    closed_on = (opened + dt.timedelta(days=settings.invitation_expiry_days)).date()
    hint = page.select_one("#closes_on-hint").get_text(" ", strip=True)
    assert "now closes" not in hint
    assert f"Closed on {closed_on:%-d %B %Y}, not answered" in hint
    panel = page.select_one("#closed").get_text(" ", strip=True)
    assert panel.startswith(f"Closed on {closed_on:%-d %B %Y}, not answered.")


def test_an_open_survey_says_the_day_it_closes(signed_in: Any, issued: Issued) -> None:
    page = soup(signed_in.get(f"/staff/placements/{placement_of(issued)}"))
    hint = page.select_one("#closes_on-hint").get_text(" ", strip=True)
    assert hint.startswith("It closes at the end of that day. It now closes on ")


def test_the_import_result_cannot_be_forged_in_a_link(signed_in: Any, world: World) -> None:
    forged = signed_in.get("/staff/placements/import?rows=5000&created=5000&updated=0")
    assert soup(forged).select_one("#imported") is None, "counts in the address are not shown"
    response = upload(signed_in, HEADER + GOOD)
    panel = soup(response).select_one("#imported")
    assert panel is not None and "3 placements imported" in panel.get_text()
    again = soup(signed_in.get("/staff/placements/import"))
    assert again.select_one("#imported") is None, "shown once: a refresh does not repeat it"
