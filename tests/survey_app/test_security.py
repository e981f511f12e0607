"""Staff access a security officer would sign off: errors, sessions, throttling, passwords, audit,
and a role-by-organisation matrix over every staff route and API endpoint."""

from __future__ import annotations

import ast
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from litestar.testing import TestClient

from survey_app.accounts.users import create_api_token
from survey_app.cli import main
from survey_app.db.qa_tables import QAAction, QAVisit
from survey_app.db.staff_tables import AuditEvent, StaffSession, StaffUser
from survey_app.db.tables import Answer, Invitation, Placement, Response, SafeguardingAlert
from survey_app.surveys.due import issue_due
from tests.world import (
    PASSWORD,
    Clock,
    World,
    csrf_token,
    placement_row,
    post_form,
    run,
    sign_in,
    token_for,
)


def test_unexpected_error_shows_a_reference_not_a_stack_trace(
    signed_in: Any, world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    async def broken(*args: Any) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("survey_app.reporting.access.provider_report", broken)
    with caplog.at_level(logging.ERROR):
        page = signed_in.get(f"/staff/providers/{world.provider}")
        api = signed_in.get(
            f"/api/v1/providers/{world.provider}/report",
            headers=token_for(world, "la_officer", clock),
        )
    assert page.status_code == 500 and api.status_code == 500
    reference = BeautifulSoup(page.text, "html.parser").select_one("#reference").get_text()
    assert "hunter2" not in page.text and "Traceback" not in page.text
    assert "hunter2" not in api.text and api.json()["reference"]
    assert reference in caplog.text and api.json()["reference"] in caplog.text


def test_sign_in_issues_a_new_session_id(client: Any, world: World) -> None:
    client.cookies.set("lv_session", "planted-by-someone-else", domain="testserver.local")
    sign_in(client, world, "la_officer")
    assert client.cookies.get("lv_session") not in (None, "planted-by-someone-else")
    with TestClient(client.app, base_url="http://testserver.local") as attacker:
        attacker.cookies.set("lv_session", "planted-by-someone-else", domain="testserver.local")
        response = attacker.get("/staff/placements", follow_redirects=False)
        assert response.headers["location"] == "/staff/sign-in"


def test_anonymous_visits_leave_no_session_behind(client: Any) -> None:
    for path in ("/", "/healthz", "/code", "/privacy"):
        response = client.get(path)
        assert response.status_code == 200
        assert "lv_session" not in response.headers.get("set-cookie", ""), path
    assert run(StaffSession.count()) == 0


def test_reading_pages_does_not_rewrite_the_session(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "la_officer")
    before = run(StaffSession.select(StaffSession.data, StaffSession.expires_at))
    clock.advance(seconds=20)
    response = client.get("/staff/placements", follow_redirects=False)
    assert response.status_code == 200
    # The cookie is renewed, the row is not rewritten within the same minute.
    assert "lv_session=" in response.headers.get("set-cookie", "")
    assert run(StaffSession.select(StaffSession.data, StaffSession.expires_at)) == before


def test_sessions_end_after_30_idle_minutes(client: Any, world: World, clock: Clock) -> None:
    sign_in(client, world, "la_officer")
    clock.advance(minutes=29)
    assert client.get("/staff/placements", follow_redirects=False).status_code == 200
    clock.advance(minutes=31)
    assert client.get("/staff/placements", follow_redirects=False).status_code == 302


def test_sessions_end_12_hours_after_sign_in_however_active(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "la_officer")
    for _ in range(11 * 3):
        clock.advance(minutes=20)
        assert client.get("/staff/placements", follow_redirects=False).status_code == 200
    clock.advance(hours=1)
    assert client.get("/staff/placements", follow_redirects=False).status_code == 302


def test_signing_out_ends_every_session_of_that_user(client: Any, world: World, app: Any) -> None:
    sign_in(client, world, "la_officer")
    with TestClient(app, base_url="http://testserver.local") as laptop:
        sign_in(laptop, world, "la_officer")
        post_form(client, "/staff/sign-out", {})
        assert laptop.get("/staff/placements", follow_redirects=False).status_code == 302


def test_disabled_accounts_are_refused_at_once(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    run(
        StaffUser.update({StaffUser.active: False}).where(
            StaffUser.email == world.logins["la_officer"][0]
        )
    )
    assert client.get("/staff/placements", follow_redirects=False).status_code == 302


def test_repeated_wrong_passwords_are_throttled_per_account(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    email = world.logins["la_officer"][0]
    for _ in range(settings.signin_failure_limit_per_account):
        wrong = post_form(client, "/staff/sign-in", {"email": email, "password": "not it at all"})
        assert wrong.status_code == 400
    right = post_form(client, "/staff/sign-in", {"email": email, "password": PASSWORD})
    assert right.status_code == 429, "even the right password waits"
    failures = run(
        AuditEvent.count().where(AuditEvent.action == "sign_in", AuditEvent.outcome == "failed")
    )
    assert failures == settings.signin_failure_limit_per_account
    clock.advance(minutes=settings.lookup_failure_window_minutes)
    ok = post_form(
        client, "/staff/sign-in", {"email": email, "password": PASSWORD}, follow_redirects=False
    )
    assert ok.status_code == 302


def test_common_passwords_are_refused(world: World) -> None:
    result = CliRunner().invoke(
        main,
        ["user", "add", "--email", "a@b.example", "--role", "la_officer", "--la", "E90000001"],
        input="password123\n",
    )
    assert result.exit_code != 0 and "most common" in result.output


def test_audit_log_never_holds_passwords_or_tokens(client: Any, world: World) -> None:
    post_form(
        client, "/staff/sign-in", {"email": world.logins["la_officer"][0], "password": "Sekrit-42!"}
    )
    sign_in(client, world, "la_officer")
    stored = " ".join(str(v) for row in run(AuditEvent.select()) for v in row.values())
    assert "Sekrit-42!" not in stored and PASSWORD not in stored


# --- the role x organisation matrix ---------------------------------------------------------

OTHER = {
    "provider_id": None,
    "placement_id": None,
    "invitation_id": None,
    "school_id": None,
    "alert_id": None,
    "answer_id": None,
    "action_id": None,
}


@pytest.fixture
def other_la_objects(world: World, settings: Any, clock: Clock) -> dict[str, Any]:
    """A placement, its invitation and a provider belonging to the other local authority."""
    far = placement_row(
        world,
        clock,
        local_authority=world.other_la,
        school=world.other_school,
        provider=world.other_provider,
        pupil_reference="FAR-1",
        year_group=7,
    )
    run(Placement.insert(far))
    run(issue_due(settings, clock.now))
    placement = run(
        Placement.select(Placement.id).where(Placement.pupil_reference == "FAR-1").first()
    )
    invitation = run(Invitation.select(Invitation.id).first())
    response = run(
        Response.insert(
            Response(
                invitation=invitation["id"],
                questionnaire_id="end_years_7_9",
                questionnaire_version=1,
                band="years_7_9",
                submitted_at=clock.now,
            )
        ).returning(Response.id)
    )
    answer = run(
        Answer.insert(
            Answer(
                response=response[0]["id"],
                question_id="anything_else",
                text="far away",
                review_status="pending",
            )
        ).returning(Answer.id)
    )
    alert = run(
        SafeguardingAlert.insert(
            SafeguardingAlert(
                invitation=invitation["id"],
                question_id="felt_safe",
                answer_value="not_safe",
                raised_at=clock.now,
            )
        ).returning(SafeguardingAlert.id)
    )
    visit = run(
        QAVisit.insert(
            QAVisit(provider=world.other_provider, visited_on=clock.now.date(), summary="x")
        ).returning(QAVisit.id)
    )
    action = run(
        QAAction.insert(
            QAAction(
                provider=world.other_provider,
                visit=visit[0]["id"],
                description="x",
                due_on=clock.now.date(),
            )
        ).returning(QAAction.id)
    )
    return {
        "provider_id": world.other_provider,
        "placement_id": placement["id"],
        "invitation_id": invitation["id"],
        "school_id": world.other_school,
        "alert_id": alert[0]["id"],
        "answer_id": answer[0]["id"],
        "action_id": action[0]["id"],
    }


def routes_with_objects(app: Any) -> list[tuple[str, str]]:
    """Every staff and API route that names an object, with its method."""
    found = []
    for route in app.routes:
        path = route.path
        if not (path.startswith("/staff") or path.startswith("/api/v1")):
            continue
        if not any(f"{{{name}:" in path for name in OTHER):
            continue  # no organisation object in the address (e.g. a reset token)
        for method in sorted(getattr(route, "methods", [])):
            if method in ("GET", "POST"):
                found.append((method, path))
    return found


def fill(path: str, objects: dict[str, Any]) -> str:
    for name, value in objects.items():
        for kind in ("int", "uuid"):
            path = path.replace(f"{{{name}:{kind}}}", str(value))
    return path


@pytest.mark.parametrize("role", ["la_officer", "school_contact", "provider_staff"])
def test_every_route_refuses_another_organisations_objects(
    role: str, app: Any, client: Any, world: World, other_la_objects: dict[str, Any], clock: Clock
) -> None:
    routes = routes_with_objects(app)
    assert len(routes) >= 11, routes
    sign_in(client, world, role)
    user = run(
        StaffUser.select(StaffUser.id).where(StaffUser.email == world.logins[role][0]).first()
    )
    bearer = {"Authorization": f"Bearer {run(create_api_token(user['id'], 'matrix', clock.now))}"}
    before = run(AuditEvent.count().where(AuditEvent.action == "access.refused"))
    attempts = []
    for method, template in routes:
        path = fill(template, other_la_objects)
        if path.startswith("/api/"):
            response = client.request(method, path, headers=bearer, json={})
        elif method == "POST":
            response = client.post(path, data={"_csrf_token": csrf_token(client)})
        else:
            response = client.get(path)
        attempts.append((method, path, response.status_code))
    assert all(status == 404 for _, _, status in attempts), [a for a in attempts if a[2] != 404]
    refused = run(AuditEvent.count().where(AuditEvent.action == "access.refused")) - before
    assert refused == len(attempts), "every refusal is logged"


SCOPED = {
    "Placement",
    "Invitation",
    "Response",
    "Answer",
    "Provider",
    "ProviderRecord",
    "School",
    "OutboxMessage",
    "SafeguardingAlert",
}
#: The pupil's own pages find their invitation by token or session, not through staff scope.
NOT_STAFF = {"surveys", "web"}


def test_every_route_reads_scoped_tables_through_the_scoping_function() -> None:
    package = Path(__file__).parents[2] / "survey_app"
    unscoped = []
    # Every module that holds staff route handlers, whatever it is called.
    handler_modules = [
        module
        for module in package.glob("*/*.py")
        if module.parent.name not in NOT_STAFF
        and "from litestar import" in module.read_text()
        and ("@get(" in module.read_text() or "@post(" in module.read_text())
    ]
    assert len(handler_modules) >= 10, handler_modules
    for module in handler_modules:
        tree = ast.parse(module.read_text())
        for statement in ast.walk(tree):
            if not isinstance(
                statement, (ast.Assign, ast.AnnAssign, ast.Expr, ast.Return, ast.If, ast.AugAssign)
            ):
                continue
            calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call)]
            reads = [
                c
                for c in calls
                if isinstance(c.func, ast.Attribute)
                and c.func.attr in {"select", "count", "exists", "objects", "update", "delete"}
                and isinstance(c.func.value, ast.Name)
                and c.func.value.id in SCOPED
            ]
            scoped = any(isinstance(c.func, ast.Name) and c.func.id == "scope" for c in calls)
            if reads and not scoped:
                unscoped.append(f"{module.name}:{statement.lineno}")
    assert unscoped == [], f"route code reading a scoped table without scope(): {unscoped}"


def test_the_scoping_check_catches_an_unscoped_read(tmp_path: Path) -> None:
    # Proof the check above can fail: the same walk over a handler that forgets scope().
    source = "async def h():\n    return await Placement.select().where(Placement.id == 1)\n"
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert any(
        isinstance(c.func, ast.Attribute) and c.func.attr == "select" for c in calls
    ) and not any(isinstance(c.func, ast.Name) and c.func.id == "scope" for c in calls)
    assert uuid  # keeps the import used for ids in other tests


# --- the second factor ----------------------------------------------------------------------


def new_la_user(world: World, email: str, clock: Clock) -> None:
    from survey_app.accounts.scoping import Role
    from survey_app.accounts.users import create_user

    run(
        create_user(
            email=email,
            password="a long new passphrase",
            role=Role.LA_ADMIN,
            local_authority_id=world.la,
            now=clock.now,
        )
    )


def test_la_staff_must_set_up_a_second_factor_before_seeing_anything(
    client: Any, world: World, clock: Clock
) -> None:
    import pyotp

    new_la_user(world, "admin@westshire.example", clock)
    first = post_form(
        client,
        "/staff/sign-in",
        {"email": "admin@westshire.example", "password": "a long new passphrase"},
        follow_redirects=False,
    )
    assert first.headers["location"] == "/staff/mfa/setup"
    assert client.get("/staff/placements", follow_redirects=False).status_code == 302, (
        "a password alone opens nothing"
    )
    page = BeautifulSoup(client.get("/staff/mfa/setup").text, "html.parser")
    secret = page.select_one("#secret").get_text().replace(" ", "")
    assert page.select_one("img.app-qr")["src"].startswith("data:image/svg+xml;base64,")
    wrong = post_form(client, "/staff/mfa/setup", {"code": "000000"})
    assert wrong.status_code == 400
    done = post_form(
        client,
        "/staff/mfa/setup",
        {"code": pyotp.TOTP(secret).at(clock.now)},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/staff"
    assert client.get("/staff/placements", follow_redirects=False).status_code == 200
    stored = run(
        StaffUser.select(StaffUser.totp_secret_encrypted)
        .where(StaffUser.email == "admin@westshire.example")
        .first()
    )
    assert stored["totp_secret_encrypted"] and secret not in stored["totp_secret_encrypted"]


def test_each_code_works_once(client: Any, world: World, app: Any, clock: Clock) -> None:
    from tests.world import totp_code

    email, password = world.logins["la_officer"]
    code = totp_code("la_officer")
    post_form(client, "/staff/sign-in", {"email": email, "password": password})
    assert (
        post_form(client, "/staff/mfa", {"code": code}, follow_redirects=False).status_code == 302
    )
    with TestClient(app, base_url="http://testserver.local") as thief:
        post_form(thief, "/staff/sign-in", {"email": email, "password": password})
        replay = post_form(thief, "/staff/mfa", {"code": code})
        assert replay.status_code == 400 and "used already" in replay.text


def test_wrong_codes_are_throttled(client: Any, world: World, settings: Any) -> None:
    from tests.world import totp_code

    email, password = world.logins["la_officer"]
    post_form(client, "/staff/sign-in", {"email": email, "password": password})
    for _ in range(settings.signin_failure_limit_per_account):
        assert post_form(client, "/staff/mfa", {"code": "123456"}).status_code == 400
    assert post_form(client, "/staff/mfa", {"code": totp_code("la_officer")}).status_code == 429


def test_other_staff_may_turn_on_a_second_factor(client: Any, world: World, clock: Clock) -> None:
    import pyotp

    sign_in(client, world, "school_contact")  # no second factor needed yet
    page = BeautifulSoup(client.get("/staff/mfa/setup").text, "html.parser")
    secret = page.select_one("#secret").get_text().replace(" ", "")
    post_form(client, "/staff/mfa/setup", {"code": pyotp.TOTP(secret).at(clock.now)})
    post_form(client, "/staff/sign-out", {})
    email, password = world.logins["school_contact"]
    again = post_form(
        client, "/staff/sign-in", {"email": email, "password": password}, follow_redirects=False
    )
    assert again.headers["location"] == "/staff/mfa", "from now on they need their code too"
    events = {row["action"] for row in run(AuditEvent.select(AuditEvent.action))}
    assert {"mfa.enabled", "sign_in", "sign_in.password", "sign_out"} <= events


# --- password reset -------------------------------------------------------------------------


def reset_link_in_outbox() -> str:
    """The link in the reset email as its recipient gets it (the outbox keeps it sealed)."""
    from survey_app.settings import load_settings
    from tests.mail_server import Recorder
    from tests.world import _clock

    sent = Recorder().deliver(load_settings(), _clock.now)
    body = next(m.body for m in sent if m.subject == "Reset your Learner voice password")
    line = next(line for line in body.splitlines() if "/staff/password-reset/" in line)
    return line.strip().removeprefix("http://testserver.local")


def test_password_reset_by_single_use_emailed_link(
    client: Any, world: World, app: Any, clock: Clock
) -> None:
    from survey_app.db.tables import OutboxMessage

    email, old_password = world.logins["school_contact"]
    unknown = post_form(client, "/staff/password-reset", {"email": "nobody@example.test"})
    known = post_form(client, "/staff/password-reset", {"email": email})
    assert BeautifulSoup(unknown.text, "html.parser").select_one("#sent").get_text() == (
        BeautifulSoup(known.text, "html.parser").select_one("#sent").get_text()
    ), "the page never says whether an account exists"
    assert run(OutboxMessage.count().where(OutboxMessage.kind == "password_reset")) == 1
    link = reset_link_in_outbox()

    with TestClient(app, base_url="http://testserver.local") as other_device:
        sign_in(other_device, world, "school_contact")
        weak = post_form(client, link, {"password": "password1"})
        assert weak.status_code == 400 and "most common" in weak.text
        done = post_form(
            client, link, {"password": "a brand new passphrase"}, follow_redirects=False
        )
        assert done.headers["location"] == "/staff/sign-in"
        assert other_device.get("/staff/placements", follow_redirects=False).status_code == 302, (
            "a new password ends every session"
        )
    assert post_form(client, link, {"password": "yet another passphrase"}).status_code == 400
    assert client.get(link).status_code == 410, "the link works once"
    wrong = post_form(client, "/staff/sign-in", {"email": email, "password": old_password})
    assert wrong.status_code == 400
    ok = post_form(
        client,
        "/staff/sign-in",
        {"email": email, "password": "a brand new passphrase"},
        follow_redirects=False,
    )
    assert ok.headers["location"] == "/staff"


def test_reset_links_expire_after_an_hour(client: Any, world: World, clock: Clock) -> None:
    post_form(client, "/staff/password-reset", {"email": world.logins["school_contact"][0]})
    link = reset_link_in_outbox()
    clock.advance(minutes=61)
    assert client.get(link).status_code == 410


def test_disabling_a_user_ends_sessions_and_tokens_at_once(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "school_contact")
    user = run(
        StaffUser.select(StaffUser.id)
        .where(StaffUser.email == world.logins["school_contact"][0])
        .first()
    )
    bearer = {"Authorization": f"Bearer {run(create_api_token(user['id'], 'mis', clock.now))}"}
    result = CliRunner().invoke(
        main, ["user", "disable", "--email", world.logins["school_contact"][0]]
    )
    assert "signed out everywhere" in result.output
    assert client.get("/staff/placements", follow_redirects=False).status_code == 302
    assert client.get("/api/v1/placements", headers=bearer).status_code == 401
    from survey_app.db.staff_tables import StaffSession

    assert run(StaffSession.count().where(StaffSession.user_id == user["id"])) == 0


def test_privacy_notices_are_published(client: Any) -> None:
    for path in ("/privacy", "/privacy/staff"):
        page = BeautifulSoup(client.get(path).text, "html.parser")
        assert "Privacy" in page.h1.get_text() or "answers" in page.h1.get_text()


def test_every_response_carries_the_security_headers(
    signed_in: Any, world: World, issued: Any, pupil: Any, clock: Clock
) -> None:
    pupil.get(issued.path)
    signed_in.headers.update(token_for(world, "la_officer", clock))
    for client, path in [
        (pupil, "/"),
        (pupil, "/survey"),
        (signed_in, "/staff/placements"),
        (signed_in, "/api/v1/placements"),
        (pupil, "/s/nothing"),
    ]:
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in policy, (path, directive)
        assert "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["strict-transport-security"].startswith("max-age=")
        if path != "/":
            assert headers["cache-control"] == "no-store", path


def test_nothing_in_the_application_updates_or_deletes_audit_events() -> None:
    package = Path(__file__).parents[2] / "survey_app"
    for module in package.rglob("*.py"):
        if "piccolo_migrations" in module.parts:
            continue
        text = module.read_text()
        assert "AuditEvent.update" not in text and "AuditEvent.delete" not in text, module


def test_creating_a_user_is_audited_with_its_role(world: World) -> None:
    CliRunner().invoke(
        main,
        [
            "user",
            "add",
            "--email",
            "sg@westshire.example",
            "--role",
            "la_safeguarding",
            "--la",
            "E90000001",
        ],
        input="a long new passphrase\n",
    )
    actions = [row["action"] for row in run(AuditEvent.select(AuditEvent.action))]
    assert "user.created.la_safeguarding" in actions


def test_on_https_session_cookies_are_host_bound_secure_and_httponly(
    settings: Any, world: World, clock: Clock
) -> None:
    import msgspec

    from survey_app.app import create_app

    https = create_app(msgspec.structs.replace(settings, base_url="https://voice.example"), clock)
    with TestClient(https, base_url="https://voice.example") as browser:
        page = BeautifulSoup(browser.get("/staff/sign-in").text, "html.parser")
        token = page.select_one('input[name="_csrf_token"]')["value"]
        email, password = world.logins["school_contact"]
        response = browser.post(
            "/staff/sign-in",
            data={"email": email, "password": password, "_csrf_token": token},
            follow_redirects=False,
        )
        cookies = [h for h in response.headers.get_list("set-cookie") if "session" in h]
        assert cookies, response.headers
        cookie = cookies[-1].lower()
        assert cookie.startswith("__host-lv_session=")
        for attribute in ("secure", "httponly", "samesite=lax", "path=/"):
            assert attribute in cookie, attribute
        assert "domain=" not in cookie


def test_viewing_a_pupil_who_asked_for_help_is_audited(
    client: Any, world: World, issued: Any, pupil: Any
) -> None:
    from tests.world import complete_survey

    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    sign_in(client, world, "school_contact")
    placement = run(Placement.select(Placement.id).first())["id"]
    page = BeautifulSoup(client.get(f"/staff/placements/{placement}").text, "html.parser")
    assert "Follow up" in page.get_text()
    views = run(
        AuditEvent.select(AuditEvent.object_id).where(AuditEvent.action == "safeguarding.view")
    )
    assert views == [{"object_id": str(placement)}]
