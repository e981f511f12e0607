"""The LA's rating of a provider, and its reason, are the LA's own: never in what it publishes,
nor in what schools and providers are shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import ProviderRecord
from tests.world import Clock, World, give_responses, run, sign_in, token_for

SECRET = "Manager evasive about the DBS checks."


def rate_red(world: World) -> None:
    run(
        ProviderRecord.update(
            {
                ProviderRecord.rag_rating: "red",
                ProviderRecord.rag_rated_on: dt.date(2026, 11, 2),
                ProviderRecord.rag_reason: SECRET,
            }
        ).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )


def test_the_area_summary_to_publish_leaves_out_the_las_ratings(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    rate_red(world)
    give_responses(world, settings, clock, 6)
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/area").text, "html.parser")
    headers = [th.get_text(strip=True) for th in page.select("#providers thead th")]
    assert "Provider" in headers and "Rating" not in headers
    row = page.select_one(f'#providers tr[data-provider="{world.provider}"]')
    assert row is not None and "Red" not in row.get_text()
    # One table a CSV: the providers table, and no rating in any of the summary's tables.
    tables = {
        key: list(
            csv.reader(
                io.StringIO(client.get(f"/staff/area.csv?table={key}").content.decode("utf-8-sig"))
            )
        )
        for key in ("headlines", "providers", "notes")
    }
    assert tables["providers"][0][0] == "Provider"
    assert "Rating" not in tables["providers"][0]
    assert not any(cell.lower() == "red" for rows in tables.values() for r in rows for cell in r)
    api = client.get("/api/v1/area-summary", headers=token_for(world, "la_officer", clock)).json()
    assert api["providers"], "the summary itself is there"
    assert "rag_rating" not in json.dumps(api)


def test_schools_and_providers_do_not_see_the_rating_or_its_reason(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    rate_red(world)
    give_responses(world, settings, clock, 6)
    give_responses(world, settings, clock, 6, when=clock.now - dt.timedelta(days=200), prefix="O")
    for who in ("provider_staff", "school_contact"):
        client.cookies.clear()
        sign_in(client, world, who)
        page = client.get(f"/staff/providers/{world.provider}")
        assert page.status_code == 200, who
        soup = BeautifulSoup(page.text, "html.parser")
        assert soup.select_one("#rag") is None, who
        assert SECRET not in page.text, who
        assert "Rating then" not in [th.get_text(strip=True) for th in soup.select("#terms th")]
        token = token_for(world, who, clock)
        report = client.get(f"/api/v1/providers/{world.provider}/report", headers=token).json()
        assert (
            report["qa_record"]["rag_rating"] is None and report["qa_record"]["rag_reason"] is None
        )
        assert {t["rating_then"] for t in report["terms"]} <= {None}
        listed = client.get("/api/v1/providers", headers=token).json()["items"]
        one = client.get(f"/api/v1/providers/{world.provider}", headers=token).json()
        assert [p["rag_rating"] for p in listed if p["id"] == world.provider] == [None], who
        assert (one["rag_rating"], one["rag_rated_on"]) == (None, None), who
        download = client.get(f"/staff/providers/{world.provider}/report.csv").text
        assert SECRET not in download and "Rating" not in download, who
    client.cookies.clear()
    sign_in(client, world, "la_officer")
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    assert soup.select_one("#rag").get_text(strip=True) == "Red"
    assert soup.select_one("#rag-reason").get_text(strip=True) == SECRET


def test_the_form_says_who_sees_the_reason(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}/qa").text, "html.parser")
    audience = soup.select_one("#reason-audience").get_text(" ", strip=True)
    assert audience.startswith("Only staff at Westshire see the rating and this reason")
    assert "provider and schools are never shown them" in audience
    assert "reason-hint" in soup.select_one("#reason")["aria-describedby"]


def test_schools_and_providers_cannot_read_or_filter_the_register_by_rating(
    client: Any, world: World
) -> None:
    # Found from outside: the providers list showed each provider's rating to schools and
    # providers, and ``?rating=red`` told them which providers the LA rates Red.
    rate_red(world)
    for who in ("school_contact", "provider_staff"):
        sign_in(client, world, who)
        page = BeautifulSoup(client.get("/staff/providers").text, "html.parser")
        headers = [th.get_text(strip=True) for th in page.select("table thead th")]
        assert "Rating" not in headers, who
        assert "Red" not in page.select_one("main").get_text(), who
        assert page.select_one('select[name="rating"]') is None, who
        filtered = client.get("/staff/providers?rating=red")
        listed = BeautifulSoup(filtered.text, "html.parser").select("table tbody tr")
        everyone = BeautifulSoup(client.get("/staff/providers").text, "html.parser").select(
            "table tbody tr"
        )
        assert len(listed) == len(everyone), f"{who}: the rating filter does nothing for them"
        client.post("/staff/sign-out", data={"_csrf_token": client.cookies.get("lv_csrf", "")})
