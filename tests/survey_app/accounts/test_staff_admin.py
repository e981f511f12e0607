"""Staff administration: an LA administrator invites people and looks after the LA's accounts
(role, disabling, a new link, a lost second factor); school contacts invite colleagues at their
own school; and no one reaches another LA's users or gives more than they may."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bs4 import BeautifulSoup
from click.testing import CliRunner
from litestar.testing import TestClient

from survey_app.accounts.scoping import Role
from survey_app.cli import main
from survey_app.db.staff_tables import ApiToken, AuditEvent, StaffInvitation, StaffUser
from survey_app.db.tables import LocalAuthority, School
from tests.mail_server import Recorder
from tests.world import PASSWORD, World, post_form, run, sign_in, token_for

NEW = "new.person@westshire.example"


def page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def user_id(world: World, who: str) -> int:
    email = world.logins[who][0] if who in world.logins else who
    row = run(StaffUser.select(StaffUser.id).where(StaffUser.email == email).first())
    assert row is not None, email
    return int(row["id"])


def user(email: str) -> dict[str, Any]:
    row = run(StaffUser.select().where(StaffUser.email == email).first())
    assert row is not None, email
    return dict(row)


def audited(action: str) -> list[dict[str, Any]]:
    return list(run(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id)))


def invitation_link(settings: Any, to: str) -> str:
    """The newest invitation link as the person reads it in their email."""
    sent = [m for m in Recorder().deliver(settings, dt.datetime.now(dt.UTC)) if m.to == to]
    assert sent, f"no email to {to}"
    found = re.search(r"http://testserver\.local(/staff/invitation/[\w-]+)", sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)


def give_school_urn(school_id: int, urn: str) -> None:
    run(School.update({School.urn: urn}).where(School.id == school_id))


# Inviting ------------------------------------------------------------------------------------


def test_an_administrator_invites_a_school_contact_choosing_the_school_by_urn(
    client: Any, world: World, settings: Any
) -> None:
    give_school_urn(world.school, "100001")
    sign_in(client, world, "la_admin")
    form = page(client.get("/staff/people/invite"))
    options = {o["value"]: o.get_text() for o in form.select("select#school option")}
    # Chosen by URN (or name), never by our internal id.
    assert options["100001"] == "Oak School (URN 100001)"
    assert str(world.school) not in options
    assert "Meadow Farm" in {o["value"] for o in form.select("select#provider option")}
    assert "Far Provider" not in form.get_text()
    response = post_form(
        client,
        "/staff/people/invite",
        {"email": NEW, "role": "school_contact", "school": "100001"},
    )
    assert response.status_code == 200, response.text
    assert f"Invitation sent to {NEW}" in page(response).select_one("#done").get_text()
    invited = user(NEW)
    assert invited["school"] == world.school and invited["password_hash"] == ""
    assert invited["local_authority"] == world.la


def test_the_invitation_email_names_who_invited_them_and_for_which_council(
    client: Any, world: World, settings: Any
) -> None:
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/people/invite", {"email": NEW, "role": "la_officer"})
    (message,) = [m for m in Recorder().deliver(settings, dt.datetime.now(dt.UTC)) if m.to == NEW]
    assert message.subject == "Westshire: set up your Learner voice account"
    assert message.body.startswith(
        "An LA administrator at Westshire (la_admin@example.test) has set up a Learner voice "
        "account for you, as LA officer for Westshire."
    )
    assert "We will never ask for your password" in message.body


def test_a_school_or_provider_invitation_names_the_school_or_provider_and_the_council(
    client: Any, world: World, settings: Any
) -> None:
    give_school_urn(world.school, "100001")
    sign_in(client, world, "la_admin")
    post_form(
        client,
        "/staff/people/invite",
        {"email": NEW, "role": "school_contact", "school": "100001"},
    )
    post_form(
        client,
        "/staff/people/invite",
        {"email": "tutor@meadow.example", "role": "provider_staff", "provider": "Meadow Farm"},
    )
    sent = {m.to: m for m in Recorder().deliver(settings, dt.datetime.now(dt.UTC))}
    school, provider = sent[NEW], sent["tutor@meadow.example"]
    assert school.subject == "Westshire: set up your Learner voice account for Oak School"
    assert school.body.startswith(
        "An LA administrator at Westshire (la_admin@example.test) has set up a Learner voice "
        "account for you at Oak School, as school contact, for Westshire."
    )
    assert "tell the council about pupils your school places" in school.body
    assert provider.subject == "Westshire: set up your Learner voice account for Meadow Farm"
    assert "for you at Meadow Farm, as provider staff, for Westshire." in provider.body
    assert "never one learner's answers" in provider.body
    for message in (school, provider):
        # How to check it is genuine without trusting anything in the email itself.
        assert "do not open the link: ask Westshire using a phone number" in message.body


def test_an_invited_provider_worker_sets_a_password_and_signs_in(
    client: Any, world: World, settings: Any, app: Any
) -> None:
    sign_in(client, world, "la_admin")
    post_form(
        client,
        "/staff/people/invite",
        {"email": NEW, "role": "provider_staff", "provider": "Meadow Farm"},
    )
    path = invitation_link(settings, NEW)
    with TestClient(app, base_url="http://testserver.local") as newcomer:
        done = post_form(newcomer, path, {"password": "kettle orchard lantern"})
        assert done.status_code == 200
        signed = post_form(
            newcomer,
            "/staff/sign-in",
            {"email": NEW, "password": "kettle orchard lantern"},
            follow_redirects=False,
        )
        assert signed.headers["location"] == "/staff"
    assert user(NEW)["provider"] == world.provider
    staff_list = page(client.get("/staff/people"))
    row = next(tr for tr in staff_list.select("#people tbody tr") if NEW in tr.get_text())
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[1:3] == ["Provider staff", "Meadow Farm"]
    assert cells[3] != "Never" and cells[4] == "Active"


def test_a_school_contact_invites_a_colleague_at_their_own_school(
    client: Any, world: World
) -> None:
    sign_in(client, world, "school_contact")
    form = page(client.get("/staff/people/invite"))
    # Their school only, and no choice of role.
    assert [o.get_text() for o in form.select("select#school option")] == ["Oak School"]
    assert form.select_one("select#role") is None
    response = post_form(client, "/staff/people/invite", {"email": NEW, "school": "Oak School"})
    assert response.status_code == 200, response.text
    assert f"Invitation sent to {NEW}" in page(response).select_one("#done").get_text()
    assert user(NEW)["school"] == world.school
    assert user(NEW)["role"] == Role.SCHOOL_CONTACT.value


def test_a_school_contact_cannot_invite_to_another_school(client: Any, world: World) -> None:
    """Attack: a school contact names a neighbouring school, or another LA's."""
    sign_in(client, world, "school_contact")
    for school in ("Elm School", "Far School"):
        response = post_form(client, "/staff/people/invite", {"email": NEW, "school": school})
        assert response.status_code == 400
        assert page(response).select_one(".govuk-error-summary")
    assert run(StaffUser.count().where(StaffUser.email == NEW)) == 0


def test_a_school_contact_cannot_give_an_la_role(client: Any, world: World) -> None:
    """Attack: a school contact posts a role the form does not offer them."""
    sign_in(client, world, "school_contact")
    for role in ("la_admin", "la_officer", "provider_staff"):
        response = post_form(
            client,
            "/staff/people/invite",
            {"email": NEW, "role": role, "school": "Oak School", "provider": "Meadow Farm"},
        )
        assert response.status_code == 400
        assert "own school" in page(response).select_one(".govuk-error-summary").get_text()
    assert run(StaffUser.count().where(StaffUser.email == NEW)) == 0


def test_an_officer_cannot_invite_or_change_anyone(client: Any, world: World) -> None:
    """Attack: an LA officer (not an administrator) opens or posts the admin pages."""
    sign_in(client, world, "la_officer")
    target = user_id(world, "school_contact")
    assert client.get("/staff/people").status_code == 404
    assert client.get("/staff/people/invite").status_code == 404
    assert (
        post_form(client, "/staff/people/invite", {"email": NEW, "role": "la_admin"}).status_code
        == 404
    )
    for action, data in (
        ("role", {"role": "la_admin"}),
        ("disable", {}),
        ("second-factor", {"password": PASSWORD}),
    ):
        assert post_form(client, f"/staff/people/{target}/{action}", data).status_code == 404
    assert user("school_contact@example.test")["role"] == "school_contact"
    assert user("school_contact@example.test")["active"]
    assert run(StaffUser.count().where(StaffUser.email == NEW)) == 0


def test_an_administrator_cannot_see_or_change_another_las_users(client: Any, world: World) -> None:
    """Attack: an LA A administrator lists, opens and changes LA B's officer by id."""
    sign_in(client, world, "la_admin")
    other = user_id(world, "other_la_officer")
    assert "other_la_officer" not in page(client.get("/staff/people")).get_text()
    assert client.get(f"/staff/people/{other}").status_code == 404
    for action, data in (
        ("role", {"role": "la_admin"}),
        ("disable", {}),
        ("resend", {}),
        ("second-factor", {"password": PASSWORD}),
    ):
        assert post_form(client, f"/staff/people/{other}/{action}", data).status_code == 404
    row = user("other_la_officer@example.test")
    assert row["role"] == "la_officer" and row["active"] and row["totp_secret_encrypted"]
    assert audited("access.refused")


def test_an_administrator_cannot_tie_a_user_to_another_las_school(
    client: Any, world: World
) -> None:
    """Attack: an administrator names LA B's school or provider for a new user."""
    sign_in(client, world, "la_admin")
    for data in (
        {"role": "school_contact", "school": "Far School"},
        {"role": "provider_staff", "provider": "Far Provider"},
    ):
        response = post_form(client, "/staff/people/invite", {"email": NEW, **data})
        assert response.status_code == 400
    assert run(StaffUser.count().where(StaffUser.email == NEW)) == 0


# The staff page ----------------------------------------------------------------------------


def test_the_staff_page_lists_the_las_users_with_role_organisation_and_state(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/people/invite", {"email": NEW, "role": "la_officer"})
    listed = page(client.get("/staff/people"))
    rows = {
        tr.select("td")[0].get_text(strip=True): [
            td.get_text(" ", strip=True) for td in tr.select("td")
        ]
        for tr in listed.select("#people tbody tr")
    }
    assert set(rows) == {
        "la_admin@example.test",
        "la_officer@example.test",
        "safeguarding@example.test",
        "school_contact@example.test",
        "provider_staff@example.test",
        NEW,
    }
    assert rows["school_contact@example.test"][1:3] == ["School contact", "Oak School"]
    assert rows["la_officer@example.test"][1:3] == ["LA officer", "Westshire"]
    assert rows[NEW][3:] == ["Never", "Invited"]
    # The administrator has just signed in.
    assert rows["la_admin@example.test"][3] != "Never"


def test_the_staff_page_is_paged_with_nothing_cut_off(client: Any, world: World) -> None:
    run(
        StaffUser.insert(
            *[
                StaffUser(
                    email=f"person{i:03}@westshire.example",
                    password_hash="",
                    role="la_officer",
                    local_authority=world.la,
                    created_at=dt.datetime.now(dt.UTC),
                )
                for i in range(60)
            ]
        )
    )
    sign_in(client, world, "la_admin")
    first = page(client.get("/staff/people"))
    assert first.select_one("#count").get_text(strip=True) == "65 people, page 1 of 2"
    second = page(client.get("/staff/people?page=2"))
    emails = [tr.select_one("td").get_text(strip=True) for tr in first.select("#people tbody tr")]
    emails += [tr.select_one("td").get_text(strip=True) for tr in second.select("#people tbody tr")]
    assert len(emails) == len(set(emails)) == 65


def test_the_administrator_changes_a_role_and_its_school(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    officer = user_id(world, "la_officer")
    response = post_form(
        client, f"/staff/people/{officer}/role", {"role": "school_contact", "school": "Elm School"}
    )
    assert response.status_code == 200, response.text
    assert page(response).select_one("#current-role").get_text() == "School contact"
    row = user("la_officer@example.test")
    assert row["role"] == "school_contact" and row["school"] == world.second_school
    assert audited("user.role_changed.school_contact")[0]["object_id"] == str(officer)


def test_disabling_signs_the_user_out_everywhere_at_once(
    client: Any, world: World, app: Any, clock: Any
) -> None:
    """Attack: a disabled officer keeps working in a browser or with a token."""
    token = token_for(world, "la_officer", clock)
    with (
        TestClient(app, base_url="http://testserver.local") as desk,
        TestClient(app, base_url="http://testserver.local") as laptop,
    ):
        sign_in(desk, world, "la_officer")
        sign_in(laptop, world, "la_officer")
        assert desk.get("/staff/outbox").status_code == 200
        sign_in(client, world, "la_admin")
        officer = user_id(world, "la_officer")
        response = post_form(client, f"/staff/people/{officer}/disable", {})
        assert "signed out everywhere" in page(response).select_one("#done").get_text()
        signed_out = {302, 303, 401}
        for browser in (desk, laptop):
            assert browser.get("/staff/outbox", follow_redirects=False).status_code in signed_out
        assert client.get("/api/v1/placements", headers=token).status_code == 401
        state = page(client.get(f"/staff/people/{officer}")).select_one("#state")
        assert state.get_text() == "Disabled"
        assert audited("user.disabled")
        enabled = post_form(client, f"/staff/people/{officer}/enable", {})
        assert page(enabled).select_one("#state").get_text() == "Active"
        # Ended, not paused: re-enabling brings back neither the old sessions nor the token.
        for browser in (desk, laptop):
            assert browser.get("/staff/outbox", follow_redirects=False).status_code in signed_out
        assert client.get("/api/v1/placements", headers=token).status_code == 401


def test_an_administrator_cannot_lock_the_la_out(client: Any, world: World) -> None:
    """Attack (by mistake): the only administrator disables or demotes themselves."""
    sign_in(client, world, "la_admin")
    me = user_id(world, "la_admin")
    disabled = post_form(client, f"/staff/people/{me}/disable", {})
    demoted = post_form(client, f"/staff/people/{me}/role", {"role": "la_officer"})
    for response in (disabled, demoted):
        assert response.status_code == 400
        assert (
            "only active administrator"
            in page(response).select_one(".govuk-error-summary").get_text()
        )
    row = user("la_admin@example.test")
    assert row["active"] and row["role"] == "la_admin"
    # With a second administrator, stepping down is fine.
    post_form(client, f"/staff/people/{user_id(world, 'la_officer')}/role", {"role": "la_admin"})
    assert post_form(client, f"/staff/people/{me}/role", {"role": "la_officer"}).status_code == 200


def test_a_resent_invitation_invalidates_the_old_link(
    client: Any, world: World, settings: Any, app: Any
) -> None:
    """Attack: the first email, forwarded or left in a shared inbox, is used after a resend."""
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/people/invite", {"email": NEW, "role": "la_officer"})
    old = invitation_link(settings, NEW)
    invited = user(NEW)["id"]
    response = post_form(client, f"/staff/people/{invited}/resend", {})
    assert "no longer works" in page(response).select_one("#done").get_text()
    new = invitation_link(settings, NEW)
    assert new != old
    with TestClient(app, base_url="http://testserver.local") as stranger:
        assert stranger.get(old).status_code == 410
        assert post_form(stranger, old, {"password": "kettle orchard lantern"}).status_code == 410
        assert user(NEW)["password_hash"] == ""
        assert stranger.get(new).status_code == 200
    assert run(StaffInvitation.count().where(StaffInvitation.user == invited)) == 2
    assert audited("user.invitation_resent")


def test_a_second_factor_reset_needs_the_administrators_own_password(
    client: Any, world: World
) -> None:
    """Attack: someone at an administrator's unattended desk resets an officer's second factor."""
    sign_in(client, world, "la_admin")
    officer = user_id(world, "la_officer")
    wrong = post_form(client, f"/staff/people/{officer}/second-factor", {"password": "guess"})
    assert wrong.status_code == 400
    assert "nothing was changed" in page(wrong).select_one(".govuk-error-summary").get_text()
    assert user("la_officer@example.test")["totp_secret_encrypted"]
    refused = audited("user.second_factor_reset")
    assert [e["outcome"] for e in refused] == ["refused"]
    right = post_form(client, f"/staff/people/{officer}/second-factor", {"password": PASSWORD})
    assert right.status_code == 200
    assert page(right).select_one("#second-factor").get_text() == "Not set up"
    assert user("la_officer@example.test")["totp_secret_encrypted"] is None
    assert [e["outcome"] for e in audited("user.second_factor_reset")] == ["refused", "ok"]


def test_after_a_reset_the_user_sets_up_a_new_second_factor_at_sign_in(
    client: Any, world: World, app: Any
) -> None:
    sign_in(client, world, "la_admin")
    officer = user_id(world, "la_officer")
    post_form(client, f"/staff/people/{officer}/second-factor", {"password": PASSWORD})
    email, password = world.logins["la_officer"]
    with TestClient(app, base_url="http://testserver.local") as browser:
        response = post_form(
            browser,
            "/staff/sign-in",
            {"email": email, "password": password},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/staff/mfa/setup"


# The console ---------------------------------------------------------------------------------


def test_user_invite_prints_the_link_and_finds_the_school_by_urn(world: World) -> None:
    give_school_urn(world.school, "100001")
    run(
        LocalAuthority.update({LocalAuthority.code: "E10000011"}).where(
            LocalAuthority.id == world.la
        )
    )
    result = CliRunner().invoke(
        main,
        [
            "user",
            "invite",
            "--email",
            NEW,
            "--role",
            "school_contact",
            "--la",
            "E10000011",
            "--school-urn",
            "100001",
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"http://testserver\.local/staff/invitation/[\w-]+", result.output)
    assert user(NEW)["school"] == world.school


def test_user_invite_refuses_another_las_school_or_provider(world: World) -> None:
    run(
        LocalAuthority.update({LocalAuthority.code: "E10000011"}).where(
            LocalAuthority.id == world.la
        )
    )
    for extra in (
        ["--role", "school_contact", "--school-urn", "Far School"],
        ["--role", "provider_staff", "--provider", "Far Provider"],
    ):
        result = CliRunner().invoke(
            main, ["user", "invite", "--email", NEW, "--la", "E10000011", *extra]
        )
        assert result.exit_code != 0
        assert "no school" in result.output or "no provider" in result.output
    assert run(StaffUser.count().where(StaffUser.email == NEW)) == 0
    assert run(ApiToken.count()) == 0
