"""Every API list pages the same way: ``{"items", "next"}``, a ``limit``, an opaque cursor, the
staff page's filters; and a parameter the list does not take is refused by name, never ignored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from survey_app.db.tables import Provider, ProviderRecord, School
from tests.world import Clock, World, run, token_for

HOST = "http://testserver.local"
LISTS = ("/api/v1/placements", "/api/v1/invitations", "/api/v1/providers", "/api/v1/schools")


def _walk(client: Any, url: str, headers: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """Follow ``next`` from ``url`` to the end, as a council's system would."""
    items: list[dict[str, Any]] = []
    pages = 0
    following: str | None = url
    while following:
        response = client.get(following.removeprefix(HOST), headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next"}
        items += body["items"]
        following = body["next"]
        pages += 1
        if following:
            assert following.startswith(f"{HOST}{url.split('?')[0]}?")
        assert pages < 50, "paging never ended"
    return items, pages


def _providers(world: World, count: int, archived_every: int = 0) -> None:
    """``count`` providers on the world's LA register, in one batch each."""
    ids = run(
        Provider.insert(*[Provider(name=f"Provider {n:03d}") for n in range(count)]).returning(
            Provider.id
        )
    )
    run(
        ProviderRecord.insert(
            *[
                ProviderRecord(
                    local_authority=world.la,
                    provider=row["id"],
                    name=f"Provider {n:03d}",
                    archived=bool(archived_every) and n % archived_every == 0,
                )
                for n, row in enumerate(ids)
            ]
        )
    )


def test_providers_page_by_cursor_to_the_last_one(client: Any, world: World, clock: Clock) -> None:
    _providers(world, 12)
    officer = token_for(world, "la_officer", clock)
    items, pages = _walk(client, "/api/v1/providers?limit=5", officer)
    # The world's two providers and the twelve added: 14, in three pages of at most five.
    assert pages == 3
    names = [item["name"] for item in items]
    assert sorted(names) == sorted(
        ["Meadow Farm", "Quay Tutors"] + [f"Provider {n:03d}" for n in range(12)]
    )
    assert len(set(item["id"] for item in items)) == 14
    # Another council's provider is not among them.
    assert "Far Provider" not in names


def test_providers_filter_like_the_register_page(client: Any, world: World, clock: Clock) -> None:
    _providers(world, 6, archived_every=3)
    officer = token_for(world, "la_officer", clock)
    archived = client.get("/api/v1/providers?archived=yes", headers=officer).json()["items"]
    assert sorted(p["name"] for p in archived) == ["Provider 000", "Provider 003"]
    assert all(p["archived"] for p in archived)
    current = client.get("/api/v1/providers?archived=no&q=provider", headers=officer).json()
    assert sorted(p["name"] for p in current["items"]) == [
        "Provider 001",
        "Provider 002",
        "Provider 004",
        "Provider 005",
    ]
    green = client.get("/api/v1/providers?rating=green", headers=officer).json()["items"]
    assert sorted(p["name"] for p in green) == ["Meadow Farm", "Quay Tutors"]
    response = client.get("/api/v1/providers?qa_stage=sideways", headers=officer)
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == ["qa_stage"]


def test_a_school_cannot_filter_providers_by_the_las_rating(
    client: Any, world: World, clock: Clock
) -> None:
    school = token_for(world, "school_contact", clock)
    response = client.get("/api/v1/providers?rating=green", headers=school)
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == ["rating"]


def test_schools_page_by_cursor_and_filter_like_the_schools_page(
    client: Any, world: World, clock: Clock
) -> None:
    run(
        School.insert(
            *[
                School(local_authority=world.la, name=f"School {n:03d}", urn=f"9{n:05d}")
                for n in range(9)
            ]
        )
    )
    officer = token_for(world, "la_officer", clock)
    items, pages = _walk(client, "/api/v1/schools?limit=4", officer)
    assert pages == 3  # 11 schools: Oak, Elm and the nine added
    assert len({item["id"] for item in items}) == 11
    assert "Far School" not in [item["name"] for item in items]
    found = client.get("/api/v1/schools?q=900003", headers=officer).json()
    assert [s["name"] for s in found["items"]] == ["School 003"] and found["next"] is None
    # A school contact sees its own school only, paged the same way.
    own = client.get("/api/v1/schools", headers=token_for(world, "school_contact", clock)).json()
    assert [s["id"] for s in own["items"]] == [world.school]


def test_the_next_link_keeps_the_filters_and_limit(client: Any, world: World, clock: Clock) -> None:
    _providers(world, 4)
    officer = token_for(world, "la_officer", clock)
    body = client.get("/api/v1/providers?limit=2&q=provider", headers=officer).json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["limit"] == ["2"] and query["q"] == ["provider"] and "cursor" in query


@pytest.mark.parametrize(
    ("path", "typo"),
    [
        ("/api/v1/placements", "update_since"),
        ("/api/v1/invitations", "year"),
        ("/api/v1/providers", "name"),
        ("/api/v1/schools", "updated_since"),
        ("/api/v1/placements", "page"),
    ],
)
def test_a_parameter_a_list_does_not_take_is_refused_by_name(
    client: Any, world: World, clock: Clock, path: str, typo: str
) -> None:
    officer = token_for(world, "la_officer", clock)
    response = client.get(f"{path}?{typo}=2026-11-23T10:00:00Z", headers=officer)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["key"] for e in errors] == [typo]
    assert errors[0]["message"].startswith(f"{typo} is not a parameter this list takes")


def test_every_list_declares_limit_and_cursor_in_the_api_document(client: Any) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in LISTS:
        declared = {p["name"] for p in paths[path]["get"].get("parameters", [])}
        assert {"limit", "cursor"} <= declared, path
    placements = {p["name"] for p in paths["/api/v1/placements"]["get"]["parameters"]}
    assert {"updated_since", "q", "year_group"} <= placements
    providers = {p["name"] for p in paths["/api/v1/providers"]["get"]["parameters"]}
    assert {"q", "qa_stage", "archived"} <= providers and "updated_since" not in providers


def test_one_lists_cursor_is_refused_by_another(client: Any, world: World, clock: Clock) -> None:
    _providers(world, 3)
    officer = token_for(world, "la_officer", clock)
    following = client.get("/api/v1/providers?limit=1", headers=officer).json()["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    response = client.get(f"/api/v1/placements?cursor={cursor}", headers=officer)
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == ["cursor"]


def _cursor(client: Any, url: str, headers: dict[str, str]) -> str:
    following = client.get(url, headers=headers).json()["next"]
    assert following, url
    return parse_qs(urlsplit(following).query)["cursor"][0]


def test_a_cursor_works_only_on_the_list_it_came_from(
    client: Any, world: World, clock: Clock
) -> None:
    """Schools and providers are both paged by id alone: a cursor from one must not page the
    other from a row id it never reached."""
    _providers(world, 3)
    officer = token_for(world, "la_officer", clock)
    cursor = _cursor(client, "/api/v1/schools?limit=1", officer)
    assert client.get(f"/api/v1/schools?cursor={cursor}", headers=officer).status_code == 200
    response = client.get(f"/api/v1/providers?cursor={cursor}", headers=officer)
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == ["cursor"]
    assert "cursor is not one this service gave out" in response.text


def test_a_cursor_works_only_for_the_person_it_was_given_to(
    client: Any, world: World, clock: Clock
) -> None:
    _providers(world, 3)
    officer = token_for(world, "la_officer", clock)
    colleague = token_for(world, "safeguarding", clock)
    cursor = _cursor(client, "/api/v1/providers?limit=1", officer)
    assert client.get(f"/api/v1/providers?cursor={cursor}", headers=officer).status_code == 200
    response = client.get(f"/api/v1/providers?cursor={cursor}", headers=colleague)
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == ["cursor"]
