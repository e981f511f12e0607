"""The staff list at scale: found by email, role and state, and an order with blanks in it (never
signed in) still pages without repeating or missing anyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.staff_tables import StaffUser
from tests.world import World, run, sign_in


def _emails(client: Any, url: str) -> list[str]:
    seen: list[str] = []
    while url:
        page = BeautifulSoup(client.get(url).text, "html.parser")
        seen += [tr.select_one("td").get_text(strip=True) for tr in page.select("#people tbody tr")]
        following = page.select_one("nav.govuk-pagination a[rel=next]")
        url = str(following["href"]) if following else ""
    return seen


def test_people_are_found_by_role_and_state_and_every_order_pages_cleanly(
    client: Any, world: World
) -> None:
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    run(
        StaffUser.insert(
            *[
                StaffUser(
                    email=f"person{i:03}@westshire.example",
                    password_hash="" if i % 3 else "set",
                    role="la_officer",
                    local_authority=world.la,
                    created_at=now,
                    # Most have never signed in: the order has many blanks to tie on.
                    last_signed_in_at=now - dt.timedelta(days=i) if i % 7 == 0 else None,
                )
                for i in range(110)
            ]
        )
    )
    sign_in(client, world, "la_admin")
    for sort in ("email", "signed_in", "role"):
        seen = _emails(client, f"/staff/people?sort={sort}")
        assert len(seen) == len(set(seen)) == 115, sort
    assert _emails(client, "/staff/people") == sorted(_emails(client, "/staff/people"))
    invited = _emails(client, "/staff/people?state=invited&q=person00")
    assert invited == [f"person00{i}@westshire.example" for i in (1, 2, 4, 5, 7, 8)]
    page = BeautifulSoup(client.get("/staff/people?role=provider_staff").text, "html.parser")
    assert page.select_one("#count").get_text(strip=True) == "1 person matches"


def test_an_admin_can_list_the_councils_own_team_school_staff_or_provider_staff(
    client: Any, world: World
) -> None:
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    run(
        StaffUser.insert(
            *[
                StaffUser(
                    email=f"teacher{i}@school.example",
                    password_hash="set",
                    role="school_contact",
                    local_authority=world.la,
                    school=world.second_school,
                    created_at=now,
                )
                for i in range(3)
            ]
        )
    )
    sign_in(client, world, "la_admin")
    page = BeautifulSoup(client.get("/staff/people").text, "html.parser")
    offered = {
        o["value"]: o.get_text(strip=True) for o in page.select("select#organisation option")
    }
    assert offered == {
        "": "Anyone",
        "la": "The council's own team",
        "school": "Schools",
        "provider": "Providers",
    }
    # The world's LA has an officer, a safeguarding lead and an administrator of its own.
    assert sorted(_emails(client, "/staff/people?organisation=la")) == [
        "la_admin@example.test",
        "la_officer@example.test",
        "safeguarding@example.test",
    ]
    assert _emails(client, "/staff/people?organisation=school") == [
        "school_contact@example.test",
        *[f"teacher{i}@school.example" for i in range(3)],
    ]
    assert _emails(client, "/staff/people?organisation=provider") == ["provider_staff@example.test"]
    # Kept in the page links and with the other filters, and a made-up kind is named.
    page = BeautifulSoup(
        client.get("/staff/people?organisation=school&q=teacher").text, "html.parser"
    )
    assert page.select_one("#count").get_text(strip=True) == "3 people match"
    response = client.get("/staff/people?organisation=parents")
    assert response.status_code == 400
    summary = BeautifulSoup(response.text, "html.parser").select_one(".govuk-error-summary")
    assert "Choose organisation from the list" in summary.get_text()
