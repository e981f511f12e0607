"""The audit trail answers "who saw this pupil's link, or changed their placement?": every view
of the outbox, a link, a QR code, a slip or the comment queue, and every placement recorded,
ended or imported, by the page or the API, leaves a row naming who and what."""

from __future__ import annotations

from typing import Any

from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.db.tables import Invitation
from tests.survey_app.placements.test_placement_import import GOOD, HEADER, upload
from tests.survey_app.test_flow import record_placement
from tests.survey_app.web.test_api import placement_body, token_for
from tests.world import Clock, Issued, World, post_form, run, sign_in


def trail(world: World, who: str) -> list[tuple[str, str, str]]:
    """(action, object type, object id) of every audit row for one of the world's users."""
    user = run(
        StaffUser.select(StaffUser.id).where(StaffUser.email == world.logins[who][0]).first()
    )
    rows = run(
        AuditEvent.select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id)
        .where(AuditEvent.user_id == user["id"])
        .order_by(AuditEvent.id)
    )
    return [(r["action"], r["object_type"], r["object_id"]) for r in rows]


def test_who_read_the_outbox_and_who_printed_a_pupils_link_is_recorded(
    client: Any, world: World, issued: Issued
) -> None:
    sign_in(client, world, "la_officer")
    invitation = str(issued.id)
    for url in (
        "/staff/outbox",
        f"/staff/invitations/{invitation}/slip",
        f"/staff/invitations/{invitation}/qr.svg",
        f"/staff/invitations/{invitation}/qr.png",
        f"/staff/providers/{world.provider}/slips",
    ):
        assert client.get(url).status_code == 200, url
    actions = trail(world, "la_officer")
    assert ("outbox.viewed", "outbox", "") in actions
    assert ("invitation.slip_viewed", "invitation", invitation) in actions
    assert actions.count(("invitation.qr_viewed", "invitation", invitation)) == 2
    assert ("invitation.slips_viewed", "provider", str(world.provider)) in actions


def test_opening_a_placement_that_shows_its_pupils_link_is_recorded(
    client: Any, world: World, issued: Issued
) -> None:
    placement = run(
        Invitation.select(Invitation.placement).where(Invitation.id == issued.id).first()
    )["placement"]
    sign_in(client, world, "la_officer")
    page = client.get(f"/staff/placements/{placement}")
    assert page.status_code == 200 and issued.code in page.text
    assert ("invitation.link_viewed", "invitation", str(issued.id)) in trail(world, "la_officer")


def test_placements_recorded_ended_and_imported_on_the_pages_are_recorded(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    created = record_placement(client, world)
    assert created.status_code in (302, 303), created.text
    placement = created.headers["location"].rsplit("/", 1)[1]
    post_form(client, f"/staff/placements/{placement}/end", {"ended_on": "20/11/2026"})
    assert upload(client, HEADER + GOOD).status_code == 200
    assert upload(client, HEADER + "OAK-1,3,Nowhere,,,,,,,\n").status_code == 400
    actions = trail(world, "la_officer")
    assert ("placement.created", "placement", placement) in actions
    assert ("placement.ended", "placement", placement) in actions
    imports = [a for a in actions if a[0] == "placement.imported"]
    assert [a[2] for a in imports] == [
        "rows=3 created=3 updated=0",
        "rows=1 created=0 updated=0",
    ]
    outcomes = run(
        AuditEvent.select(AuditEvent.outcome)
        .where(AuditEvent.action == "placement.imported")
        .order_by(AuditEvent.id)
    )
    assert [r["outcome"] for r in outcomes] == ["ok", "rejected"]


def test_placements_recorded_and_ended_through_the_api_are_recorded(
    client: Any, world: World, clock: Clock
) -> None:
    officer = token_for(world, "la_officer", clock)
    placement = client.post("/api/v1/placements", json=placement_body(world), headers=officer)
    assert placement.status_code == 201, placement.text
    placement_id = str(placement.json()["id"])
    ended = client.post(
        f"/api/v1/placements/{placement_id}/end", json={"ended_on": "2026-11-20"}, headers=officer
    )
    assert ended.status_code == 200, ended.text
    actions = trail(world, "la_officer")
    assert ("placement.created", "placement", placement_id) in actions
    assert ("placement.ended", "placement", placement_id) in actions


def test_reading_the_comment_queue_is_recorded(client: Any, world: World) -> None:
    sign_in(client, world, "safeguarding")
    assert client.get("/staff/comments").status_code == 200
    assert ("comments.queue_view", "", "") in trail(world, "safeguarding")
