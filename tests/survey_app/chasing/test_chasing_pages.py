"""The chasing pages staff use: QR slips, the chasing list, the outbox and response rates."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, complete_survey, issue_for_year, sign_in


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def test_provider_prints_a_slip_for_each_learner_until_their_survey_closes(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    first = issue_for_year(world, settings, clock, reference="SL-1")
    issue_for_year(world, settings, clock, reference="SL-2")
    done = issue_for_year(world, settings, clock, reference="SL-3")
    complete_survey(pupil, done.path, "end_years_4_6", {})
    # A pupil who finished keeps their slip until the survey closes: a slip dropping off the
    # sheet would tell the provider who had answered.
    clock.advance(days=1)
    sign_in(client, world, "provider_staff")
    page = soup(client.get(f"/staff/providers/{world.provider}/slips"))
    slips = page.select(".app-slip")
    assert [s.select_one("p").get_text(strip=True) for s in slips] == ["SL-1", "SL-2", "SL-3"]
    assert first.code in slips[0].get_text()
    qr = client.get(slips[0].select_one("img")["src"])
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg")
    assert client.get(f"/staff/providers/{world.second_provider}/slips").status_code == 404


def test_chasing_list_puts_the_longest_waiting_first(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    issue_for_year(world, settings, clock, reference="OLD-1")
    clock.advance(days=5)
    issue_for_year(world, settings, clock, reference="NEW-1")
    sign_in(client, world, "la_officer")
    rows = soup(client.get("/staff/chasing")).select("#waiting tbody tr")
    assert [r.select("td")[0].get_text() for r in rows] == ["OLD-1", "NEW-1"]
    assert rows[0].select("td")[1].get_text(strip=True) == "5 days"


def test_outbox_is_for_the_la_only_and_shows_missing_addresses(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    issue_for_year(world, settings, clock)
    sign_in(client, world, "la_officer")
    rows = soup(client.get("/staff/outbox")).select("tbody tr[data-status]")
    assert {r["data-status"] for r in rows} == {"no_address"}, "the test world has no emails"
    assert "add an email address" in rows[0].get_text()
    client.post("/staff/sign-out", data={"_csrf_token": client.cookies.get("lv_csrf")})
    for who in ("school_contact", "provider_staff", "other_la_officer"):
        sign_in(client, world, who)
        response = client.get("/staff/outbox")
        if who == "other_la_officer":
            assert soup(response).select("tbody tr[data-status]") == []
        else:
            assert response.status_code == 404


def test_response_rates_by_provider_school_and_term_within_scope(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    done = issue_for_year(world, settings, clock, reference="RR-1")
    issue_for_year(world, settings, clock, reference="RR-2")
    complete_survey(pupil, done.path, "end_years_4_6", {})
    sign_in(client, world, "school_contact")
    page = soup(client.get("/staff/rates"))
    cells = [td.get_text(strip=True) for td in page.select("#by-provider tbody tr td")]
    assert cells == ["2", "1", "0", "50%"], "opened, answered, of which partial, rate"
    assert page.select_one("#by-term tbody th").get_text(strip=True) == "Autumn term 2026"
    assert page.select_one("#by-commissioner tbody th").get_text(strip=True) == "Oak School"
