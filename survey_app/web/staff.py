"""Staff pages: sign in, the provider register, placements, invitations and reports."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts import password_reset
from survey_app.accounts import second_factor as mfa
from survey_app.accounts.actors import current_actor
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.accounts.sessions import ROTATE, end_sessions_of, session_cookie_name
from survey_app.accounts.users import authenticate
from survey_app.db.tables import Invitation, Provider, School, StaffUser
from survey_app.ops.audit import record, refuse
from survey_app.placements.csv_import import import_placements
from survey_app.placements.records import (
    NotAllowed,
    create_placement,
    end_placement,
    get_placement,
    list_placements,
)
from survey_app.placements.rules import end_date_from_text, placement_from_form
from survey_app.settings import Settings
from survey_app.surveys import qr
from survey_app.surveys.invitations import link_for
from survey_app.web.headers import private_page
from survey_app.web.params import ObjectId
from survey_app.web.throttle import clear, is_blocked, record_failure


def _to_sign_in(request: Request, exc: Exception) -> Response[Any]:
    return Redirect(path="/staff/sign-in")


def _page(name: str, actor: Actor | None, status: int = 200, **context: Any) -> Template:
    return Template(
        template_name=f"staff/{name}.html",
        context={"actor": actor, **context},
        status_code=status,
    )


@get("/sign-in")
async def sign_in_form() -> Template:
    """The staff sign-in page."""
    return _page("sign_in", None, error=None, email="")


@post("/sign-in")
async def sign_in(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check the email and password, slowing down guessing; on success start a fresh session."""
    form = await request.form()
    email = str(form.get("email") or "").strip().lower()
    address = request.client.host if request.client else "unknown"
    account_key, address_key = f"signin-account:{email}", f"signin-address:{address}"
    blocked = await is_blocked(
        settings, account_key, now, settings.signin_failure_limit_per_account
    ) or await is_blocked(settings, address_key, now, settings.signin_failure_limit_per_address)
    if blocked:
        await record(
            "sign_in",
            now=now,
            object_type="email",
            outcome="throttled",
            request=request,
            secret=settings.secret_key,
        )
        minutes = settings.lookup_failure_window_minutes
        message = f"Too many tries. Wait {minutes} minutes, then try again."
        return _page("sign_in", None, 429, error=message, email=email)
    actor = await authenticate(email, str(form.get("password") or ""))
    if actor is None:
        await record_failure(settings, account_key, now)
        await record_failure(settings, address_key, now)
        await record(
            "sign_in", now=now, outcome="failed", request=request, secret=settings.secret_key
        )
        return _page("sign_in", None, 400, error="The email or password is not right", email=email)
    await clear(account_key)
    if actor.is_la or await mfa.has_mfa(actor.user_id):
        # Half-way: the password was right; the second factor (or setting it up) comes next.
        request.set_session({"mfa_user_id": actor.user_id, "mfa_started_at": now.isoformat()})
        await record(
            "sign_in.password", now=now, actor=actor, request=request, secret=settings.secret_key
        )
        return Redirect(
            path="/staff/mfa" if await mfa.has_mfa(actor.user_id) else "/staff/mfa/setup"
        )
    return await _complete_sign_in(request, actor.user_id, settings, now)


async def _complete_sign_in(
    request: Request, user_id: int, settings: Settings, now: dt.datetime
) -> Response[Any]:
    """Start a fresh session (new id) for a user who has passed every check."""
    old = request.cookies.get(session_cookie_name(settings))
    if old:
        await request.app.stores.get("sessions").delete(old)
    request.scope.setdefault("state", {})[ROTATE] = True
    request.set_session({"user_id": user_id, "signed_in_at": now.isoformat()})
    await record("sign_in", now=now, user_id=user_id, request=request, secret=settings.secret_key)
    return Redirect(path="/staff")


@get("/password-reset")
async def reset_request_form() -> Template:
    """Ask for a password reset link."""
    return _page("password_reset_request", None, sent=False)


@post("/password-reset")
async def reset_request(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Template:
    """Send a link if the account exists; the page says the same either way."""
    form = await request.form()
    await password_reset.request_reset(settings, str(form.get("email") or ""), now)
    return _page("password_reset_request", None, sent=True)


@get("/password-reset/{token:str}")
async def reset_form(token: FromPath[str], now: NamedDependency[dt.datetime]) -> Template:
    """Choose a new password, if the link is still good."""
    valid = await password_reset.valid_reset(token, now) is not None
    return _page(
        "password_reset", None, 200 if valid else 410, token=token, valid=valid, error=None
    )


@post("/password-reset/{token:str}")
async def reset_password(
    request: Request, token: FromPath[str], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Set the new password; every existing session of that account ends."""
    password = str((await request.form()).get("password") or "")
    problem = await password_reset.complete_reset(token, password, now)
    if problem:
        return _page("password_reset", None, 400, token=token, valid=True, error=problem)
    return Redirect(path="/staff/sign-in")


MFA_PENDING_MINUTES = 10


def _pending_user(request: Request, now: dt.datetime) -> int | None:
    session = request.session if "session" in request.scope else {}
    user_id, started = session.get("mfa_user_id"), session.get("mfa_started_at")
    if not isinstance(user_id, int) or not isinstance(started, str):
        return None
    if dt.datetime.fromisoformat(started) + dt.timedelta(minutes=MFA_PENDING_MINUTES) <= now:
        return None
    return user_id


@get("/mfa")
async def mfa_form(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """Ask for the code from the authenticator app."""
    if _pending_user(request, now) is None:
        return Redirect(path="/staff/sign-in")
    return _page("mfa", None, error=None)


@post("/mfa")
async def mfa_check(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check the one-time code; each code works once, and guessing is throttled."""
    user_id = _pending_user(request, now)
    if user_id is None:
        return Redirect(path="/staff/sign-in")
    key = f"mfa:{user_id}"
    if await is_blocked(settings, key, now, settings.signin_failure_limit_per_account):
        await record("mfa", now=now, user_id=user_id, outcome="throttled")
        return _page("mfa", None, 429, error="Too many wrong codes. Wait, then sign in again.")
    code = str((await request.form()).get("code") or "")
    if not await mfa.verify(user_id, settings.secret_key, code, now):
        await record_failure(settings, key, now)
        await record("mfa", now=now, user_id=user_id, outcome="failed")
        return _page("mfa", None, 400, error="That code is not right, or has been used already")
    await clear(key)
    return await _complete_sign_in(request, user_id, settings, now)


def _setup_user(request: Request, now: dt.datetime) -> int | None:
    session = request.session if "session" in request.scope else {}
    signed_in = session.get("user_id")
    return signed_in if isinstance(signed_in, int) else _pending_user(request, now)


def _setup_page(
    request: Request, user_email: str, error: str | None, status: int = 200
) -> Template:
    secret = str(request.session["mfa_new_secret"])
    image = base64.b64encode(qr.svg(mfa.provisioning_uri(secret, user_email))).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return _page(
        "mfa_setup",
        None,
        status,
        qr=f"data:image/svg+xml;base64,{image}",
        secret=grouped,
        error=error,
    )


@get("/mfa/setup")
async def mfa_setup_form(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """Set up two-step sign-in: scan the QR code, then type the code the app shows."""
    user_id = _setup_user(request, now)
    if user_id is None:
        return Redirect(path="/staff/sign-in")
    if "mfa_new_secret" not in request.session:
        request.session["mfa_new_secret"] = mfa.new_secret()
    user = await StaffUser.select(StaffUser.email).where(StaffUser.id == user_id).first()
    return _setup_page(request, user["email"] if user else "", None)


@post("/mfa/setup")
async def mfa_setup(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Confirm the new secret with a first code, then finish signing in."""
    user_id = _setup_user(request, now)
    secret = request.session.get("mfa_new_secret") if "session" in request.scope else None
    if user_id is None or not isinstance(secret, str):
        return Redirect(path="/staff/sign-in")
    step = mfa.matching_step(secret, str((await request.form()).get("code") or ""), now)
    if step is None:
        user = await StaffUser.select(StaffUser.email).where(StaffUser.id == user_id).first()
        return _setup_page(request, user["email"] if user else "", "That code is not right", 400)
    await mfa.enable(user_id, settings.secret_key, secret, step)
    await record("mfa.enabled", now=now, user_id=user_id)
    if isinstance(request.session.get("user_id"), int):
        request.session.pop("mfa_new_secret", None)
        return Redirect(path="/staff")
    return await _complete_sign_in(request, user_id, settings, now)


@post("/sign-out")
async def sign_out(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """End every session of this user, on every device and server."""
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if isinstance(user_id, int):
        await end_sessions_of(user_id)
        await record("sign_out", now=now, user_id=user_id)
    request.clear_session()
    return Redirect(path="/staff/sign-in")


@get("/")
async def dashboard(actor: NamedDependency[Actor]) -> Response[Any]:
    """Where staff land: the placements they can see."""
    return Redirect(path="/staff/placements")


@get("/providers")
async def providers(actor: NamedDependency[Actor]) -> Template:
    """The register of providers with their QA record."""
    rows = await Provider.select().where(scope(actor, Provider)).order_by(Provider.name)
    return _page("providers", actor, providers=rows)


@get("/schools")
async def schools(actor: NamedDependency[Actor]) -> Template:
    """Schools in the actor's area."""
    rows = await School.select().where(scope(actor, School)).order_by(School.name)
    return _page("schools", actor, schools=rows)


@get("/placements")
async def placements(
    actor: NamedDependency[Actor], settings: NamedDependency[Settings]
) -> Template:
    """Placements the actor may see, with each survey's status."""
    return _page("placements", actor, placements=await list_placements(settings, actor))


async def _form_choices(actor: Actor) -> dict[str, Any]:
    return {
        "providers": await Provider.select(Provider.id, Provider.name)
        .where(scope(actor, Provider))
        .order_by(Provider.name),
        "schools": await School.select(School.id, School.name)
        .where(scope(actor, School))
        .order_by(School.name),
    }


@get("/placements/new")
async def new_placement_form(actor: NamedDependency[Actor]) -> Template:
    """The form to record a placement."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotFoundException()
    return _page("placement_new", actor, errors=[], values={}, **await _form_choices(actor))


@post("/placements/new")
async def new_placement(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Record a placement; on any problem show the form again with every field kept."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotFoundException()
    form = {key: str(value) for key, value in (await request.form()).items()}
    if actor.role == Role.SCHOOL_CONTACT:
        form["school_id"] = str(actor.school_id)
    placement, errors = placement_from_form(form)
    placement_id = None
    if placement is not None:
        placement_id, errors = await create_placement(actor, placement, now)
    if errors or placement_id is None:
        return _page(
            "placement_new", actor, 400, errors=errors, values=form, **await _form_choices(actor)
        )
    return Redirect(path=f"/staff/placements/{placement_id}")


@get("/placements/import")
async def import_form(actor: NamedDependency[Actor]) -> Template:
    """Upload a CSV of placements."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotFoundException()
    return _page("placement_import", actor, result=None)


@post("/placements/import", request_max_body_size=10 * 1024 * 1024)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Template:
    """Check the whole file, then import it, or report every problem and import nothing."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotFoundException()
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _page("placement_import", actor, 400, result=None, missing=True)
    result = await import_placements(actor, await upload.read(), now)
    return _page("placement_import", actor, 400 if result.errors else 200, result=result)


@get("/placements/{placement_id:int}")
async def placement_detail(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Template:
    """One placement with its invitation: link, QR code and short code."""
    placement = await get_placement(settings, actor, placement_id)
    if placement is None:
        raise await refuse(actor, "placement", placement_id, now)
    if placement.needs_follow_up:
        await record(
            "safeguarding.view",
            now=now,
            actor=actor,
            object_type="placement",
            object_id=placement_id,
        )
    return _page("placement", actor, placement=placement, errors=[])


@post("/placements/{placement_id:int}/end")
async def end(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """End a placement, which opens its survey at once."""
    form = await request.form()
    ended_on, errors = end_date_from_text(str(form.get("ended_on") or ""))
    if not errors:
        try:
            found, errors = await end_placement(settings, actor, placement_id, ended_on, now)
        except NotAllowed:
            raise await refuse(actor, "placement", placement_id, now) from None
        if not found:
            raise await refuse(actor, "placement", placement_id, now)
    if errors:
        placement = await get_placement(settings, actor, placement_id)
        if placement is None:
            raise NotFoundException()
        return _page("placement", actor, 400, placement=placement, errors=errors)
    return Redirect(path=f"/staff/placements/{placement_id}")


async def _open_invitation_link(
    actor: Actor, settings: Settings, invitation_id: uuid.UUID, now: dt.datetime
) -> str:
    row = (
        await Invitation.select(Invitation.id, Invitation.revocation_counter, Invitation.status)
        .where(Invitation.id == invitation_id, scope(actor, Invitation))
        .first()
    )
    if row is None or row["status"] != "open":
        raise await refuse(actor, "invitation", invitation_id, now)
    return link_for(settings, row["id"], row["revocation_counter"]).url


@get("/invitations/{invitation_id:uuid}/qr.png", media_type="image/png")
async def qr_png(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    invitation_id: FromPath[uuid.UUID],
) -> bytes:
    """The invitation's QR code as a PNG, for printing."""
    return qr.png(await _open_invitation_link(actor, settings, invitation_id, now))


@get("/invitations/{invitation_id:uuid}/qr.svg", media_type="image/svg+xml")
async def qr_svg(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    invitation_id: FromPath[uuid.UUID],
) -> bytes:
    """The invitation's QR code as an SVG, for screens."""
    return qr.svg(await _open_invitation_link(actor, settings, invitation_id, now))


PUBLIC = [
    sign_in_form,
    sign_in,
    sign_out,
    mfa_form,
    mfa_check,
    mfa_setup_form,
    mfa_setup,
    reset_request_form,
    reset_request,
    reset_form,
    reset_password,
]

staff_router = Router(
    path="/staff",
    route_handlers=[
        Router(path="/", route_handlers=PUBLIC),
        Router(
            path="/",
            route_handlers=[
                dashboard,
                providers,
                schools,
                placements,
                new_placement_form,
                new_placement,
                import_form,
                import_upload,
                placement_detail,
                end,
                qr_png,
                qr_svg,
            ],
            dependencies={"actor": Provide(current_actor)},
        ),
    ],
    after_request=private_page,
    exception_handlers={NotAuthorizedException: _to_sign_in},
    include_in_schema=False,
)
