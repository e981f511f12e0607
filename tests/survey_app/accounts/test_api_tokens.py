"""API tokens as a security officer would check them: they expire, their use is recorded, their
creation is audited, their owner (or the LA's administrator) can see and revoke them, and an LA
role cannot use one to skip its second factor."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from survey_app.accounts.scoping import Role
from survey_app.accounts.users import AccountError, create_api_token, create_user
from survey_app.cli import main
from survey_app.db.staff_tables import ApiToken, AuditEvent, StaffUser
from tests.world import Clock, World, post_form, run, sign_in

API = "/api/v1/schools"  # open to every role


def user_id(world: World, who: str) -> int:
    row = run(StaffUser.select(StaffUser.id).where(StaffUser.email == world.logins[who][0]).first())
    return int(row["id"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def listed(client: Any) -> dict[str, Any]:
    """The tokens page's rows by label, each with its cells and its revoke form (if any)."""
    page = BeautifulSoup(client.get("/staff/account/tokens").text, "html.parser")
    rows = {}
    for row in page.select("#tokens tbody tr[data-token-id]"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        rows[cells[0]] = {"cells": cells, "revoke": row.select_one("form")}
    return rows


def test_a_token_stops_working_after_90_days(client: Any, world: World, clock: Clock) -> None:
    token = run(create_api_token(user_id(world, "school_contact"), "mis", clock.now))
    clock.advance(days=89)
    assert client.get(API, headers=bearer(token)).status_code == 200
    clock.advance(days=2)
    assert client.get(API, headers=bearer(token)).status_code == 401


def test_a_token_made_before_expiry_existed_expires_90_days_after_it_was_made(
    client: Any, world: World, clock: Clock
) -> None:
    token = run(create_api_token(user_id(world, "school_contact"), "old", clock.now))
    run(ApiToken.update({ApiToken.expires_at: None}, force=True))
    clock.advance(days=91)
    assert client.get(API, headers=bearer(token)).status_code == 401


def test_the_owner_sees_when_a_token_was_last_used_and_can_revoke_it(
    client: Any, world: World, clock: Clock
) -> None:
    token = run(create_api_token(user_id(world, "school_contact"), "school MIS", clock.now))
    sign_in(client, world, "school_contact")
    assert listed(client)["school MIS"]["cells"][2] == "Never"
    clock.advance(minutes=5)
    client.get(API, headers=bearer(token))
    row = listed(client)["school MIS"]
    assert row["cells"][2] == "23 Nov 2026, 10:05", "the last use is shown"
    page = BeautifulSoup(client.get("/staff/account/tokens").text, "html.parser")
    assert "does not revoke" in page.select_one(".govuk-warning-text").get_text(), (
        "the page says signing out leaves tokens working"
    )
    post_form(client, row["revoke"]["action"], {})
    assert client.get(API, headers=bearer(token)).status_code == 401
    assert listed(client)["school MIS"]["revoke"] is None
    assert run(AuditEvent.count().where(AuditEvent.action == "api_token.revoked")) == 1


def test_making_a_token_is_audited_and_shows_it_once(client: Any, world: World) -> None:
    sign_in(client, world, "provider_staff")
    made = post_form(client, "/staff/account/tokens", {"label": "timetable sync"})
    assert made.status_code == 201
    token = BeautifulSoup(made.text, "html.parser").select_one("#token").get_text()
    assert client.get(API, headers=bearer(token)).status_code == 200
    again = BeautifulSoup(client.get("/staff/account/tokens").text, "html.parser")
    assert again.select_one("#token") is None, "shown only once"
    created = run(
        AuditEvent.select(AuditEvent.user_id, AuditEvent.object_type).where(
            AuditEvent.action == "api_token.created"
        )
    )
    assert created == [{"user_id": user_id(world, "provider_staff"), "object_type": "api_token"}]


def test_a_token_cannot_be_used_to_mint_or_list_tokens(client: Any, world: World) -> None:
    token = run(create_api_token(user_id(world, "school_contact"), "mis", _now()))
    assert client.get("/staff/account/tokens", headers=bearer(token)).status_code == 404


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def test_an_la_admin_may_revoke_any_token_of_their_la_and_only_theirs(
    client: Any, world: World, clock: Clock
) -> None:
    ours = run(create_api_token(user_id(world, "school_contact"), "oak mis", clock.now))
    run(create_api_token(user_id(world, "other_la_officer"), "far mis", clock.now))
    far_id = run(ApiToken.select(ApiToken.id).where(ApiToken.label == "far mis").first())["id"]
    sign_in(client, world, "la_admin")
    rows = listed(client)
    assert "oak mis" in rows and "far mis" not in rows
    assert world.logins["school_contact"][0] in rows["oak mis"]["cells"]
    post_form(client, rows["oak mis"]["revoke"]["action"], {})
    assert client.get(API, headers=bearer(ours)).status_code == 401
    refused = post_form(client, f"/staff/account/tokens/{far_id}/revoke", {})
    assert refused.status_code == 404


def test_a_colleague_cannot_see_or_revoke_someone_elses_token(
    client: Any, world: World, clock: Clock
) -> None:
    token = run(create_api_token(user_id(world, "school_contact"), "oak mis", clock.now))
    theirs = run(ApiToken.select(ApiToken.id).first())["id"]
    sign_in(client, world, "la_officer")
    assert "oak mis" not in listed(client)
    assert post_form(client, f"/staff/account/tokens/{theirs}/revoke", {}).status_code == 404
    assert client.get(API, headers=bearer(token)).status_code == 200


def test_la_staff_without_a_second_factor_cannot_have_a_token(world: World, clock: Clock) -> None:
    new = run(
        create_user(
            email="admin2@westshire.example",
            password="a long new passphrase",
            role=Role.LA_ADMIN,
            local_authority_id=world.la,
            now=clock.now,
        )
    )
    with pytest.raises(AccountError, match="two-step"):
        run(create_api_token(new, "skip the code", clock.now))
    result = CliRunner().invoke(main, ["token", "add", "--email", "admin2@westshire.example"])
    assert result.exit_code != 0 and "two-step" in result.output
    assert run(ApiToken.count()) == 0
