"""Finding placements at county scale: every placement is reachable a page at a time, filters and
orders live in the URL, bad parameters are named in plain words, totals stay within scope, and
the API pages by cursor and syncs by ``updated_since``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from survey_app.db.tables import Placement
from tests.world import Clock, World, placement_row, run, sign_in, token_for


def _add(world: World, clock: Clock, count: int, prefix: str = "P", **overrides: Any) -> None:
    """``count`` open-ended placements, recorded in that order."""
    rows = [
        placement_row(
            world,
            clock,
            pupil_reference=f"{prefix}-{n:04d}",
            ended_on=None,
            **overrides,
        )
        for n in range(count)
    ]
    run(Placement.insert(*rows))


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _references(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("table.govuk-table tbody a.govuk-link")]


def _walk(client: Any, url: str) -> tuple[list[str], list[BeautifulSoup]]:
    """Follow the Next links from ``url`` to the last page, as an officer clicking would."""
    seen: list[str] = []
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        page = _soup(response)
        pages.append(page)
        seen += _references(page)
        following = page.select_one("nav.govuk-pagination a[rel=next]")
        url = str(following["href"]) if following else ""
        assert len(pages) < 50, "paging never ended"
    return seen, pages


def test_every_placement_is_reachable_page_by_page_with_the_total_shown(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 120)
    sign_in(client, world, "la_officer")
    seen, pages = _walk(client, "/staff/placements")
    # Newest first, in one unbroken order across the pages (the last is read from the far end).
    assert seen == [f"P-{n:04d}" for n in reversed(range(120))]
    assert len(pages) == 3
    count = pages[0].select_one("#count").get_text(" ", strip=True)
    assert count == "120 placements, page 1 of 3"
    # Newest first by default: the last recorded heads the first page.
    assert seen[0] == "P-0119"


def test_an_order_with_ties_never_shows_a_row_twice_or_misses_one(
    client: Any, world: World, clock: Clock
) -> None:
    # Every placement starts the same day: only the tie-break keeps the pages apart.
    _add(world, clock, 110, start_date=dt.date(2026, 9, 1))
    sign_in(client, world, "la_officer")
    # (No order by provider name: the name is each council's own, on its record, and an order
    # over the shared row's name would betray another council's spelling.)
    for sort, newest_first in (("start", True), ("start_asc", False), ("year", False)):
        seen, _ = _walk(client, f"/staff/placements?sort={sort}")
        assert len(seen) == len(set(seen)) == 110, sort
        # Ties fall back to the order they were recorded in, the same way on every page.
        expected = [f"P-{n:04d}" for n in range(110)]
        assert seen == (expected[::-1] if newest_first else expected), sort


def test_filters_combine_and_stay_in_the_page_links(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 60, prefix="OAK", year_group=7)
    _add(world, clock, 5, prefix="OAK8", year_group=8)
    _add(world, clock, 5, prefix="QUAY", year_group=7, provider=world.second_provider)
    _add(world, clock, 5, prefix="ELM", year_group=7, school=world.second_school)
    sign_in(client, world, "la_officer")
    url = (
        f"/staff/placements?provider={world.provider}&school={world.school}&year_group=7"
        "&q=oak-00&sort=reference"
    )
    seen, pages = _walk(client, url)
    # "oak-00" matches OAK-0000 to OAK-0099 (case-insensitive); year 8 and the others are out.
    assert seen == [f"OAK-{n:04d}" for n in range(60)]
    assert pages[0].select_one("#count").get_text(strip=True) == "60 placements match, page 1 of 2"
    # The form shows the filters as chosen, so the view can be changed from where it is.
    form = pages[0].select_one("form.app-list-filters")
    assert form["method"] == "get"
    assert form.select_one("#year_group option[selected]")["value"] == "7"
    assert form.select_one("#q")["value"] == "oak-00"
    following = pages[0].select_one("nav.govuk-pagination a[rel=next]")["href"]
    assert parse_qs(urlsplit(following).query)["year_group"] == ["7"]


def test_the_survey_and_term_filters_find_what_officers_chase(
    client: Any, world: World, clock: Clock, issued: Any
) -> None:
    # ``issued`` ended OAK-55 on 20 November with its survey open; these have not ended.
    _add(world, clock, 3, prefix="RUN")
    _add(world, clock, 2, prefix="OLD", start_date=dt.date(2025, 1, 6))
    sign_in(client, world, "la_officer")
    waiting = _references(_soup(client.get("/staff/placements?survey=open")))
    assert waiting == ["OAK-55"]
    not_issued = _references(_soup(client.get("/staff/placements?survey=not_open_yet")))
    assert sorted(not_issued) == ["OLD-0000", "OLD-0001", "RUN-0000", "RUN-0001", "RUN-0002"]
    # Spring 2025: only the placements that had started by then (and have not ended).
    spring_2025 = _references(_soup(client.get("/staff/placements?term=2025-1")))
    assert sorted(spring_2025) == ["OLD-0000", "OLD-0001"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("year_group=99", "year_group", "Choose year group from the list"),
        ("started_from=last+week", "started_from", "Started on or after must be a date"),
        ("page=0", "page", "Page must be a whole number"),
        ("sort=drop+table", "sort", "Choose an order from the list"),
        ("provider=999999", "provider", "Choose provider from the list"),
        ("q=" + "x" * 101, "q", "Pupil reference must be 100 characters or fewer"),
    ],
)
def test_a_bad_parameter_is_named_in_plain_words_and_nothing_is_listed(
    client: Any, world: World, clock: Clock, query: str, field: str, words: str
) -> None:
    _add(world, clock, 3)
    sign_in(client, world, "la_officer")
    response = client.get(f"/staff/placements?{query}")
    assert response.status_code == 400
    page = _soup(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None
    link = summary.select_one(f'a[href="#{field}"]')
    assert link is not None and link.get_text(strip=True).startswith(words)
    # The field the link points at is on the page, so the link takes the officer to it.
    assert page.select_one(f"#{field}") is not None
    # Rather than a list that silently ignores the filter, no list at all.
    assert _references(page) == []
    assert run(Placement.count()) == 3


def test_another_providers_id_is_refused_and_never_counted(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 4, provider=world.other_provider, local_authority=world.other_la)
    sign_in(client, world, "la_officer")
    response = client.get(f"/staff/placements?provider={world.other_provider}")
    assert response.status_code == 400
    assert _references(_soup(response)) == []


def test_totals_count_only_what_the_viewer_may_see(client: Any, world: World, clock: Clock) -> None:
    _add(world, clock, 7, prefix="OAK")
    _add(world, clock, 4, prefix="ELM", school=world.second_school)
    _add(
        world,
        clock,
        9,
        prefix="FAR",
        provider=world.other_provider,
        school=world.other_school,
        local_authority=world.other_la,
    )
    sign_in(client, world, "school_contact")
    page = _soup(client.get("/staff/placements"))
    assert page.select_one("#count").get_text(strip=True) == "7 placements"
    # A school contact is not offered a choice of schools: there is only theirs.
    assert page.select_one("#school") is None
    client.cookies.clear()
    sign_in(client, world, "la_officer")
    page = _soup(client.get("/staff/placements"))
    assert page.select_one("#count").get_text(strip=True) == "11 placements"


# --- the API -----------------------------------------------------------------------------------


def test_the_api_pages_by_cursor_to_the_last_row_and_says_when_it_is_done(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 23)
    officer = token_for(world, "la_officer", clock)
    seen: list[str] = []
    url: str | None = "/api/v1/placements?limit=10"
    pages = 0
    while url:
        response = client.get(url.removeprefix("http://testserver.local"), headers=officer)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [p["pupil_reference"] for p in body["items"]]
        url = body["next"]
        pages += 1
        if url:
            assert url.startswith("http://testserver.local/api/v1/placements?")
            assert parse_qs(urlsplit(url).query)["limit"] == ["10"]
    assert pages == 3
    assert sorted(seen) == [f"P-{n:04d}" for n in range(23)]


def test_the_api_filters_like_the_page_and_refuses_bad_parameters_by_name(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 3, prefix="Y7", year_group=7)
    _add(world, clock, 2, prefix="Y9", year_group=9)
    officer = token_for(world, "la_officer", clock)
    body = client.get("/api/v1/placements?year_group=9", headers=officer).json()
    assert sorted(p["pupil_reference"] for p in body["items"]) == ["Y9-0000", "Y9-0001"]
    assert body["next"] is None
    for query, field in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-11-23T10:00:00", "updated_since"),
        ("year_group=3", "year_group"),
    ]:
        response = client.get(f"/api/v1/placements?{query}", headers=officer)
        assert response.status_code == 400, query
        assert field in [e["key"] for e in response.json()["errors"]], query


def test_a_cursor_altered_by_the_client_is_refused(client: Any, world: World, clock: Clock) -> None:
    _add(world, clock, 3)
    officer = token_for(world, "la_officer", clock)
    following = client.get("/api/v1/placements?limit=1", headers=officer).json()["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    altered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    response = client.get(f"/api/v1/placements?limit=1&cursor={altered}", headers=officer)
    assert response.status_code == 400
    assert response.json()["errors"][0]["key"] == "cursor"


def test_updated_since_returns_only_what_changed_so_a_school_can_sync(
    client: Any, world: World, clock: Clock
) -> None:
    officer = token_for(world, "la_officer", clock)
    first = client.post(
        "/api/v1/placements",
        json={
            "provider_id": world.provider,
            "school_id": world.school,
            "pupil_reference": "SYNC-1",
            "year_group": 8,
            "start_date": "2026-09-01",
            "hours_per_week": 6,
        },
        headers=officer,
    ).json()
    client.post(
        "/api/v1/placements",
        json={
            "provider_id": world.provider,
            "school_id": world.school,
            "pupil_reference": "SYNC-2",
            "year_group": 8,
            "start_date": "2026-09-01",
            "hours_per_week": 6,
        },
        headers=officer,
    )
    clock.advance(hours=1)
    synced_at = clock.now
    clock.advance(minutes=5)
    ended = client.post(
        f"/api/v1/placements/{first['id']}/end", json={"ended_on": "2026-11-20"}, headers=officer
    )
    assert ended.status_code == 200, ended.text
    since = synced_at.isoformat().replace("+00:00", "Z")
    body = client.get(f"/api/v1/placements?updated_since={since}", headers=officer).json()
    assert [p["pupil_reference"] for p in body["items"]] == ["SYNC-1"]
    assert body["items"][0]["ended_on"] == "2026-11-20"
    # The same moment in another time zone means the same thing.
    later = (synced_at + dt.timedelta(hours=1)).isoformat().replace("+00:00", "+01:00")
    again = client.get(f"/api/v1/placements?updated_since={later}", headers=officer).json()
    assert [p["pupil_reference"] for p in again["items"]] == ["SYNC-1"]


def test_wildcards_typed_in_the_search_are_matched_as_themselves(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 3, prefix="AB")
    _add(world, clock, 1, prefix="A_B")
    sign_in(client, world, "la_officer")
    assert _references(_soup(client.get("/staff/placements?q=%25"))) == []
    assert _references(_soup(client.get("/staff/placements?q=a_b"))) == ["A_B-0000"]


def test_the_provider_page_links_to_all_of_its_placements_rather_than_cutting_them(
    client: Any, world: World, clock: Clock
) -> None:
    _add(world, clock, 70)
    _add(world, clock, 5, prefix="QUAY", provider=world.second_provider)
    sign_in(client, world, "la_officer")
    page = _soup(client.get(f"/staff/providers/{world.provider}"))
    note = page.select_one("#all-placements")
    assert note.get_text(" ", strip=True).startswith("The newest 50 of 70.")
    seen, _ = _walk(client, str(note.select_one("a")["href"]))
    assert sorted(seen) == [f"P-{n:04d}" for n in range(70)]


def test_an_answered_survey_reaches_a_schools_next_sync(
    client: Any, pupil: Any, world: World, clock: Clock, issued: Any
) -> None:
    from tests.world import complete_survey

    officer = token_for(world, "la_officer", clock)
    clock.advance(hours=1)
    synced_at = clock.now.isoformat().replace("+00:00", "Z")
    before = client.get(f"/api/v1/placements?updated_since={synced_at}", headers=officer)
    assert before.json()["items"] == []
    clock.advance(minutes=10)
    sent = complete_survey(pupil, issued.path, "end_years_4_6", {})
    assert sent.status_code == 302, sent.text
    after = client.get(f"/api/v1/placements?updated_since={synced_at}", headers=officer).json()
    assert [p["pupil_reference"] for p in after["items"]] == ["OAK-55"]
    assert after["items"][0]["invitation"]["status"] == "completed"


def test_the_openapi_document_names_the_paging_and_filter_parameters(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    for path in ("/api/v1/placements", "/api/v1/invitations"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"limit", "cursor", "updated_since", "q", "provider", "survey", "term"} <= names
