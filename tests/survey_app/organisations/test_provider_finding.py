"""The provider register and the schools list, found by what officers ask of them: totals in
scope (a provider's staff count only their own provider), filters, and bad values named."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Provider, ProviderRecord, School
from tests.world import World, run, sign_in


def _soup(client: Any, path: str, status: int = 200) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == status, response.text
    return BeautifulSoup(response.text, "html.parser")


def _names(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("#providers tbody td:first-child a")]


def _add_providers(world: World, count: int, rating: str) -> None:
    for n in range(count):
        rows = run(Provider.insert(Provider(name=f"{rating} {n:03d}")).returning(Provider.id))
        run(
            ProviderRecord.insert(
                ProviderRecord(
                    local_authority=world.la,
                    provider=rows[0]["id"],
                    rag_rating=rating,
                    name=f"{rating} {n:03d}",
                )
            )
        )


def test_a_council_searches_its_own_name_for_a_provider_never_anothers(
    client: Any, world: World
) -> None:
    # The attack: Eastshire types part of the name it guesses Westshire keeps for a shared
    # provider; a search over the shared row's name would confirm the guess letter by letter.
    run(
        ProviderRecord.insert(
            ProviderRecord(local_authority=world.other_la, provider=world.provider, name="Ours")
        )
    )
    sign_in(client, world, "other_la_officer")
    assert _names(_soup(client, "/staff/providers?q=ours")) == ["Ours"]
    westshire = run(Provider.select(Provider.name).where(Provider.id == world.provider).first())[
        "name"
    ]
    found = _soup(client, f"/staff/providers?q={westshire[:4]}")
    assert found.select_one("#count").get_text(strip=True) == "0 providers match"


def test_a_providers_staff_count_only_their_own_provider(client: Any, world: World) -> None:
    _add_providers(world, 30, "amber")
    sign_in(client, world, "provider_staff")
    page = _soup(client, "/staff/providers")
    assert page.select_one("#count").get_text(strip=True) == "1 provider"
    assert _names(page) == ["Meadow Farm"]
    # Searching for another provider finds nothing, rather than telling them it exists.
    searched = _soup(client, "/staff/providers?q=amber")
    assert searched.select_one("#count").get_text(strip=True) == "0 providers match"


def test_officers_filter_the_register_by_rating_and_name(client: Any, world: World) -> None:
    _add_providers(world, 12, "amber")
    _add_providers(world, 3, "red")
    sign_in(client, world, "la_officer")
    page = _soup(client, "/staff/providers?rating=amber&q=amber+01&sort=name_desc")
    assert _names(page) == [f"amber {n:03d}" for n in (11, 10)]
    assert _soup(client, "/staff/providers?rating=red").select_one("#count").get_text(
        strip=True
    ) == ("3 providers match")
    refused = _soup(client, "/staff/providers?rating=purple", 400)
    assert refused.select_one(".govuk-error-summary a[href='#rating']").get_text(strip=True) == (
        "Choose rating from the list"
    )


def test_schools_are_found_by_name_or_urn_and_by_a_missing_email(client: Any, world: World) -> None:
    run(
        School.insert(
            School(local_authority=world.la, name="Birch Academy", urn="123456"),
            School(
                local_authority=world.la,
                name="Ash Primary",
                urn="654321",
                contact_email="ash@example.test",
            ),
            School(local_authority=world.other_la, name="Birch Far", urn="999999"),
        )
    )
    sign_in(client, world, "la_officer")

    def found(query: str) -> list[str]:
        page = _soup(client, f"/staff/schools?{query}")
        return [tr.select("td")[1].get_text() for tr in page.select("#schools tbody tr")]

    assert found("q=birch") == ["123456"], "the other LA's Birch is not in scope"
    assert found("q=6543") == ["654321"]
    assert "654321" not in found("email=missing")
    assert found("email=present") == ["654321"]
