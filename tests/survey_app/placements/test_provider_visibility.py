"""A provider prompts its learners to answer but never sees one pupil's placement or survey."""

from __future__ import annotations

from typing import Any

from survey_app.accounts.users import create_api_token
from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.db.tables import Placement
from tests.world import Clock, Issued, World, run, sign_in


def _refusals() -> int:
    return run(AuditEvent.count().where(AuditEvent.action == "access.refused"))


def _placement_id() -> int:
    return int(run(Placement.select(Placement.id).first())["id"])


def test_provider_staff_cannot_open_the_placement_list_or_a_placement(
    client: Any, world: World, issued: Issued
) -> None:
    sign_in(client, world, "provider_staff")
    before = _refusals()
    assert client.get("/staff/placements").status_code == 404
    assert client.get(f"/staff/placements/{_placement_id()}").status_code == 404
    assert _refusals() == before + 2, "each refusal is in the audit log"


def test_provider_staff_land_on_their_learners_counts_not_on_placements(
    client: Any, world: World, issued: Issued
) -> None:
    sign_in(client, world, "provider_staff")
    landed = client.get("/staff", follow_redirects=False)
    assert landed.headers["location"] == "/staff/my-learners"


def test_a_provider_api_token_reads_no_placement_or_invitation_rows(
    client: Any, world: World, issued: Issued, clock: Clock
) -> None:
    user = run(
        StaffUser.select(StaffUser.id)
        .where(StaffUser.email == world.logins["provider_staff"][0])
        .first()
    )
    bearer = {"Authorization": f"Bearer {run(create_api_token(user['id'], 'mis', clock.now))}"}
    before = _refusals()
    for path in (
        "/api/v1/placements",
        f"/api/v1/placements/{_placement_id()}",
        "/api/v1/invitations",
    ):
        response = client.get(path, headers=bearer)
        assert response.status_code == 404, (path, response.text[:200])
        assert "OAK-55" not in response.text
    assert _refusals() == before + 3


def test_la_officer_still_sees_placements(signed_in: Any, issued: Issued) -> None:
    assert signed_in.get("/staff/placements").status_code == 200
    assert signed_in.get(f"/staff/placements/{_placement_id()}").status_code == 200
