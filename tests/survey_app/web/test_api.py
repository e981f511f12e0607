"""The JSON API: bearer tokens, clear errors naming the field, scoping, invitations with links."""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.db.tables import Invitation, Placement
from tests.world import Clock, World, run, token_for


@pytest.fixture
def officer(world: World, clock: Clock) -> dict[str, str]:
    return token_for(world, "la_officer", clock)


def placement_body(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "provider_id": world.provider,
        "school_id": world.school,
        "pupil_reference": "OAK-7",
        "year_group": 10,
        "start_date": "2026-09-07",
        "planned_end_date": "2026-12-18",
        "hours_per_week": 6,
        "purpose": "Motor vehicle skills",
        **overrides,
    }


def create(client: Any, world: World, headers: dict[str, str], **overrides: Any) -> Any:
    return client.post(
        "/api/v1/placements", json=placement_body(world, **overrides), headers=headers
    )


def test_api_needs_a_token(client: Any) -> None:
    response = client.get("/api/v1/placements")
    assert response.status_code == 401
    assert (
        client.get("/api/v1/placements", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )


def test_create_end_and_list_invitation(client: Any, world: World, officer: dict[str, str]) -> None:
    created = client.post("/api/v1/placements", json=placement_body(world), headers=officer)
    assert created.status_code == 201, created.text
    placement = created.json()
    assert placement["invitation"] is None
    ended = client.post(
        f"/api/v1/placements/{placement['id']}/end",
        json={"ended_on": "2026-11-20"},
        headers=officer,
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_on"] == "2026-11-20"
    invitations = client.get("/api/v1/invitations", headers=officer).json()["items"]
    assert len(invitations) == 1
    link = invitations[0]["invitation"]["link"]
    assert link["url"].startswith("http://testserver.local/s/")
    assert link["qr_png_path"].startswith("http://testserver.local/staff/invitations/")
    assert invitations[0]["invitation"]["questionnaire_id"] == "end_years_10_11"
    qr = client.get(link["qr_png_path"].removeprefix("http://testserver.local"), headers=officer)
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"provider_id": 999999}, "provider_id"),
        ({"planned_end_date": "2026-01-01"}, "planned_end_date"),
        ({"year_group": 3}, "year_group"),
        ({"year_group": 12}, "year_group"),
        ({"year_group": "eight"}, "year_group"),
        ({"start_date": None}, "start_date"),
        ({"surname": "Smith"}, "surname"),
    ],
)
def test_bad_api_body_names_the_field_and_stores_nothing(
    client: Any, world: World, officer: dict[str, str], overrides: dict[str, Any], field: str
) -> None:
    response = client.post(
        "/api/v1/placements", json=placement_body(world, **overrides), headers=officer
    )
    assert response.status_code == 400
    body = response.json()
    assert field in [error["key"] for error in body["errors"]], body
    assert all(error["message"] for error in body["errors"])
    assert run(Placement.count()) == 0


def test_missing_field_is_named(client: Any, world: World, officer: dict[str, str]) -> None:
    body = placement_body(world)
    del body["start_date"]
    response = client.post("/api/v1/placements", json=body, headers=officer)
    assert response.status_code == 400
    assert "start_date" in response.text
    assert run(Placement.count()) == 0


def test_ending_twice_does_not_issue_a_second_invitation(
    client: Any, world: World, officer: dict[str, str]
) -> None:
    placement = client.post(
        "/api/v1/placements", json=placement_body(world), headers=officer
    ).json()
    for _ in range(2):
        client.post(f"/api/v1/placements/{placement['id']}/end", json={}, headers=officer)
    assert run(Invitation.count()) == 1


def test_school_contact_gets_404_for_another_schools_placement(
    client: Any, world: World, officer: dict[str, str], clock: Clock
) -> None:
    other = client.post(
        "/api/v1/placements",
        json=placement_body(world, school_id=world.second_school),
        headers=officer,
    ).json()
    school = token_for(world, "school_contact", clock)
    assert client.get(f"/api/v1/placements/{other['id']}", headers=school).status_code == 404
    assert client.get("/api/v1/placements", headers=school).json()["items"] == []
    ended = client.post(f"/api/v1/placements/{other['id']}/end", json={}, headers=school)
    assert ended.status_code == 404
    assert run(Placement.select(Placement.ended_on).first())["ended_on"] is None


def test_provider_staff_see_no_placements_and_no_other_providers_report(
    client: Any, world: World, officer: dict[str, str], clock: Clock
) -> None:
    mine = client.post("/api/v1/placements", json=placement_body(world), headers=officer).json()
    client.post(
        "/api/v1/placements",
        json=placement_body(world, provider_id=world.second_provider, pupil_reference="OAK-8"),
        headers=officer,
    )
    provider = token_for(world, "provider_staff", clock)
    # Not even their own: a provider reads no placement rows (issue 14).
    assert client.get("/api/v1/placements", headers=provider).status_code == 404
    assert client.get(f"/api/v1/placements/{mine['id']}", headers=provider).status_code == 404
    assert (
        client.get(
            f"/api/v1/providers/{world.second_provider}/report", headers=provider
        ).status_code
        == 404
    )
    created = client.post("/api/v1/placements", json=placement_body(world), headers=provider)
    assert created.status_code == 403


def test_other_la_cannot_see_this_las_objects(
    client: Any, world: World, officer: dict[str, str], clock: Clock
) -> None:
    placement = client.post(
        "/api/v1/placements", json=placement_body(world), headers=officer
    ).json()
    other = token_for(world, "other_la_officer", clock)
    assert client.get(f"/api/v1/placements/{placement['id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/providers/{world.provider}", headers=other).status_code == 404
    names = [p["name"] for p in client.get("/api/v1/providers", headers=other).json()["items"]]
    assert names == ["Far Provider"]


def test_openapi_document_lists_the_api(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/placements" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/placements"]
    assert "/api/v1/providers/{provider_id}/report" in schema["paths"]


def test_simplest_version_gives_an_older_pupil_simple_words_but_their_own_questions(
    client: Any, world: World, officer: dict[str, str]
) -> None:
    # Not the years 4-6 survey word for word: a year 10 is still asked about qualifications.
    placement = create(client, world, officer, year_group=10, simplest_version=True).json()
    ended = client.post(f"/api/v1/placements/{placement['id']}/end", json={}, headers=officer)
    assert ended.json()["invitation"]["questionnaire_id"] == "end_years_10_11_simplest"


def test_revoked_tokens_stop_working_at_once(
    client: Any, world: World, officer: dict[str, str]
) -> None:
    from click.testing import CliRunner

    from survey_app.cli import main

    assert client.get("/api/v1/placements", headers=officer).status_code == 200
    result = CliRunner().invoke(main, ["token", "revoke", "--email", world.logins["la_officer"][0]])
    assert result.output.strip() == "revoked 1 token"
    assert client.get("/api/v1/placements", headers=officer).status_code == 401


def test_api_errors_are_json_even_for_404(client: Any, officer: dict[str, str]) -> None:
    response = client.get("/api/v1/placements/999999", headers=officer)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == 404


def test_ids_too_large_for_the_database_are_refused_by_name(
    client: Any, world: World, officer: dict[str, str]
) -> None:
    response = create(client, world, officer, provider_id=1_559_148_025_415)
    assert response.status_code == 400
    assert "provider_id" in [error["key"] for error in response.json()["errors"]]
    assert run(Placement.count()) == 0


def test_text_that_cannot_be_stored_is_refused_by_name(
    client: Any, world: World, officer: dict[str, str]
) -> None:
    response = create(client, world, officer, purpose="before\x00after")
    assert response.status_code == 400
    assert "purpose" in [error["key"] for error in response.json()["errors"]]


def test_openapi_document_declares_the_bearer_token(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token: create one under 'API tokens' when signed in.",
    }
    operation = schema["paths"]["/api/v1/placements"]["post"]
    assert operation["security"] == [{"bearer": []}]


def test_api_documentation_loads_nothing_from_other_sites(client: Any) -> None:
    from bs4 import BeautifulSoup

    for path in ("/schema", "/schema/swagger"):
        page = client.get(path)
        assert page.status_code == 200
        soup = BeautifulSoup(page.text, "html.parser")
        sources = [s["src"] for s in soup.select("script")] + [
            link["href"] for link in soup.select("link")
        ]
        assert sources and all(s.startswith("/static/") for s in sources), sources
        assert all(s.get("src") for s in soup.select("script")), "no inline script"
        for source in sources:
            assert client.get(source).status_code == 200, source


def test_invitations_are_listed_with_their_kind_the_open_one_with_its_link(
    client: Any, world: World, officer: dict[str, str], settings: Any, clock: Clock
) -> None:
    import datetime as dt

    from survey_app.surveys.due import issue_due

    created = create(client, world, officer, start_date="2026-11-13", planned_end_date=None)
    assert created.status_code == 201, created.text
    run(issue_due(settings, clock.now))  # ten days in: the start survey
    clock.advance(minutes=1)
    ended = client.post(
        f"/api/v1/placements/{created.json()['id']}/end",
        json={"ended_on": "2026-11-23"},
        headers=officer,
    )
    assert ended.status_code == 200, ended.text
    clock.advance(minutes=1)
    listed = client.get("/api/v1/invitations", headers=officer).json()["items"]
    shown = [(i["invitation"]["kind"], i["invitation"]["link"] is not None) for i in listed]
    # The start survey closed when the end survey opened: no live link for it any more.
    assert [kind for kind, _ in shown] == ["start", "end"]
    assert dict(shown)["end"] is True
    start = listed[0]["invitation"]
    assert start["questionnaire_id"] == "start_years_10_11" and start["period"] == ""
    assert dt.datetime.fromisoformat(start["expires_at"]) < clock.now
