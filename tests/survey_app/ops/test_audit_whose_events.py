"""Events about a person rather than by a signed-in actor (invitations, signing in, a new API
token or second factor) are filed under that person's council: every administrator of that
council sees them on the audit page, and no other council ever does."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.accounts.invitations import accept, invite, resend
from survey_app.accounts.scoping import Role
from survey_app.accounts.users import create_api_token
from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.ops.audit import record
from tests.world import Clock, World, run, sign_in

WATCHED = [
    "user.invited.la_officer",
    "user.invitation_resent",
    "user.invitation_accepted",
    "api_token.created",
    "mfa.enabled",
    "sign_in",
]


def _user(email: str) -> int:
    return int(run(StaffUser.select(StaffUser.id).where(StaffUser.email == email).first())["id"])


def _actions_shown(client: Any) -> set[str]:
    page = BeautifulSoup(client.get("/staff/audit?sort=oldest").text, "html.parser")
    return {tr.select("td")[2].get_text(strip=True) for tr in page.select("#events tbody tr")}


def test_an_administrator_sees_invitations_tokens_and_sign_ins_of_their_council(
    app: Any, client: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(AuditEvent.delete(force=True))
    admin = _user("la_admin@example.test")
    # Another administrator invites a colleague, sends the link again, and it is accepted.
    invited = run(
        invite(
            settings,
            email="new.officer@example.test",
            role=Role.LA_OFFICER,
            local_authority_id=world.la,
            invited_by=admin,
            inviter="Another admin",
            now=clock.now,
        )
    )
    again = run(
        resend(settings, user_id=invited.user_id, invited_by=admin, inviter="x", now=clock.now)
    )
    token = again.link.rsplit("/", 1)[-1]
    user_id, problem = run(accept(settings.secret_key, token, "a long passphrase 42", clock.now))
    assert problem is None and user_id == invited.user_id
    # The new officer sets up a second factor (recorded as the setup page does); an officer
    # mints an API token.
    run(record("mfa.enabled", now=clock.now, user_id=invited.user_id))
    run(create_api_token(_user("la_officer@example.test"), "sync", clock.now, days=30))
    # Someone at another council signs in: never shown here.
    with TestClient(app, base_url="http://testserver.local") as elsewhere:
        sign_in(elsewhere, world, "other_la_officer")
    sign_in(client, world, "la_admin")

    shown = _actions_shown(client)
    for action in WATCHED:
        assert action in shown, action
    ours = run(AuditEvent.select().where(AuditEvent.action.is_in(WATCHED)))
    theirs = [row for row in ours if row["user_id"] == _user("other_la_officer@example.test")]
    assert theirs and all(row["local_authority"] == world.other_la for row in theirs)
    assert all(row["local_authority"] is not None for row in ours)
    # The other council's officer's sign-in is not on this council's page.
    page = BeautifulSoup(client.get("/staff/audit?action=sign_in").text, "html.parser")
    who = {tr.select("td")[1].get_text(strip=True) for tr in page.select("#events tbody tr")}
    assert who == {"la_admin@example.test"}
