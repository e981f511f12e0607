"""Signing in and out: the password, the second factor and its set-up. Open to everyone; password
reset is in ``password_reset_pages.py``, the account's tokens in ``token_pages.py``."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts import second_factor as mfa
from survey_app.accounts.password_reset_pages import reset_routes
from survey_app.accounts.sessions import end_sessions_of, start_fresh_session
from survey_app.accounts.token_pages import account_pages
from survey_app.accounts.users import (
    check_password,
)
from survey_app.db.staff_tables import StaffUser
from survey_app.ops.audit import record
from survey_app.ops.statuses import AuditOutcome
from survey_app.settings import Settings
from survey_app.surveys import qr
from survey_app.web.rendering import staff_page as _page
from survey_app.web.throttle import clear, is_blocked, record_failure


@get("/sign-in")
async def sign_in_form() -> Template:
    """The staff sign-in page."""
    return _page("sign_in", None, error=None, email="")


#: A cookie marking a browser that has signed in to an account before (see ``sign_in``).
DEVICE_COOKIE = "lv_device"
DEVICE_COOKIE_DAYS = 365
#: How long a day-long ceiling counts for.
CEILING_WINDOW = dt.timedelta(hours=24)


def _device_mark(settings: Settings, user_id: int, nonce: str) -> str:
    return hmac.new(
        settings.secret_key.encode(), f"known-device:{user_id}:{nonce}".encode(), hashlib.sha256
    ).hexdigest()


def _known_device(request: Request, settings: Settings, user_id: int) -> bool:
    """Whether this browser carries our mark of a completed sign-in to this account."""
    nonce, _, mark = request.cookies.get(DEVICE_COOKIE, "").partition(".")
    return bool(nonce) and hmac.compare_digest(mark, _device_mark(settings, user_id, nonce))


@post("/sign-in")
async def sign_in(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check the email and password, slowing down guessing; on success start a fresh session.

    Guessing is slowed without letting a stranger lock the owner out. Failures are counted per
    account *from one address* (``SIGNIN_FAILURE_LIMIT_PER_ACCOUNT`` per window) and per address
    (``..._PER_ADDRESS``), so someone hammering the LA officer's email from their own machine
    blocks only themselves. Against guessing spread over many addresses there is a much higher
    ceiling per account per day (``..._CEILING_PER_ACCOUNT``); past it, only a browser that has
    signed in to that account before (it carries a signed "known device" cookie) may still sign
    in, so the owner at their own desk is never locked out. We chose counters over a progressive
    delay because a delay held on the server is a cheap way to tie up its workers, and counters
    are already shared by every server instance through the database.
    """
    form = await request.form()
    email = str(form.get("email") or "").strip().lower()
    address = request.client.host if request.client else "unknown"
    pair_key = f"signin-account:{email}:from:{address}"
    address_key = f"signin-address:{address}"
    ceiling_key = f"signin-ceiling:{email}"

    async def throttled(user_id: int | None) -> Template:
        await record(
            "sign_in",
            now=now,
            user_id=user_id,
            object_type="user" if user_id else "email",
            object_id=user_id or "",
            outcome=AuditOutcome.THROTTLED,
            request=request,
            secret=settings.secret_key,
        )
        minutes = settings.lookup_failure_window_minutes
        message = f"Too many tries. Wait {minutes} minutes, then try again."
        return _page("sign_in", None, 429, error=message, email=email)

    if await is_blocked(
        settings, pair_key, now, settings.signin_failure_limit_per_account
    ) or await is_blocked(settings, address_key, now, settings.signin_failure_limit_per_address):
        return await throttled(None)
    check = await check_password(email, str(form.get("password") or ""))
    if (
        check.tried_user_id is not None
        and await is_blocked(
            settings, ceiling_key, now, settings.signin_failure_ceiling_per_account, CEILING_WINDOW
        )
        and not _known_device(request, settings, check.tried_user_id)
    ):
        return await throttled(check.tried_user_id)
    actor = check.actor
    if actor is None:
        await record_failure(settings, pair_key, now)
        await record_failure(settings, address_key, now)
        await record_failure(settings, ceiling_key, now, CEILING_WINDOW)
        # The account tried is named (when there is one), never the password typed.
        await record(
            "sign_in",
            now=now,
            user_id=check.tried_user_id,
            object_type="user" if check.tried_user_id else "",
            object_id=check.tried_user_id or "",
            outcome=AuditOutcome.FAILED,
            request=request,
            secret=settings.secret_key,
        )
        return _page("sign_in", None, 400, error="The email or password is not right", email=email)
    await clear(settings, pair_key)
    if actor.is_la or await mfa.has_mfa(actor.user_id):
        # Half-way: the password was right; the second factor (or setting it up) comes next.
        # A fresh id: a planted one must not come to hold a half-signed-in session.
        await start_fresh_session(
            request, settings, {"mfa_user_id": actor.user_id, "mfa_started_at": now.isoformat()}
        )
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
    """Start a fresh session (new id) for a user who has passed every check, and mark this
    browser as one that has signed in to the account (see ``sign_in``)."""
    await start_fresh_session(
        request, settings, {"user_id": user_id, "signed_in_at": now.isoformat()}
    )
    await StaffUser.update({StaffUser.last_signed_in_at: now}).where(StaffUser.id == user_id)
    await record("sign_in", now=now, user_id=user_id, request=request, secret=settings.secret_key)
    response = Redirect(path="/staff")
    nonce = secrets.token_urlsafe(12)
    response.set_cookie(
        DEVICE_COOKIE,
        f"{nonce}.{_device_mark(settings, user_id, nonce)}",
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        path="/staff",
        secure=settings.base_url.startswith("https://"),
        httponly=True,
        samesite="lax",
    )
    return response


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
        await record("mfa", now=now, user_id=user_id, outcome=AuditOutcome.THROTTLED)
        return _page("mfa", None, 429, error="Too many wrong codes. Wait, then sign in again.")
    code = str((await request.form()).get("code") or "")
    if not await mfa.verify(user_id, settings.secret_key, code, now):
        await record_failure(settings, key, now)
        await record("mfa", now=now, user_id=user_id, outcome=AuditOutcome.FAILED)
        return _page("mfa", None, 400, error="That code is not right, or has been used already")
    await clear(settings, key)
    return await _complete_sign_in(request, user_id, settings, now)


async def _setup_user(request: Request, now: dt.datetime) -> tuple[int, bool] | Redirect:
    """Who may set up a second factor here, and whether they are replacing one; or where to go.

    A signed-in user may set one up, or replace theirs with a code from the current one. A
    half-signed-in session (the password was right, nothing more) may only enrol an account
    that has no second factor yet: otherwise a stolen password would be enough to swap the
    owner's authenticator for the thief's and sign in.
    """
    session = request.session if "session" in request.scope else {}
    signed_in = session.get("user_id")
    if isinstance(signed_in, int):
        return signed_in, await mfa.has_mfa(signed_in)
    pending = _pending_user(request, now)
    if pending is None:
        return Redirect(path="/staff/sign-in")
    if await mfa.has_mfa(pending):
        return Redirect(path="/staff/mfa")
    return pending, False


def _setup_page(
    request: Request,
    user_email: str,
    replacing: bool,
    error: tuple[str, str] | None,
    status: int = 200,
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
        replacing=replacing,
        errors=[error] if error else [],
    )


async def _email_of(user_id: int) -> str:
    user = await StaffUser.select(StaffUser.email).where(StaffUser.id == user_id).first()
    return str(user["email"]) if user else ""


@get("/mfa/setup")
async def mfa_setup_form(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """Set up two-step sign-in: scan the QR code, then type the code the app shows."""
    who = await _setup_user(request, now)
    if isinstance(who, Redirect):
        return who
    user_id, replacing = who
    if "mfa_new_secret" not in request.session:
        request.session["mfa_new_secret"] = mfa.new_secret()
    return _setup_page(request, await _email_of(user_id), replacing, None)


@post("/mfa/setup")
async def mfa_setup(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Confirm the new secret with a first code (and, to replace one, a code from the current
    authenticator), then finish signing in."""
    who = await _setup_user(request, now)
    secret = request.session.get("mfa_new_secret") if "session" in request.scope else None
    if isinstance(who, Redirect):
        return who
    if not isinstance(secret, str):
        return Redirect(path="/staff/sign-in")
    user_id, replacing = who
    action = "mfa.changed" if replacing else "mfa.enabled"
    form = await request.form()
    email = await _email_of(user_id)
    step = mfa.matching_step(secret, str(form.get("code") or ""), now)
    if step is None:
        return _setup_page(request, email, replacing, ("code", "That code is not right"), 400)
    if replacing:
        key = f"mfa:{user_id}"
        if await is_blocked(settings, key, now, settings.signin_failure_limit_per_account):
            await record(action, now=now, user_id=user_id, outcome=AuditOutcome.THROTTLED)
            problem = "Too many wrong codes. Wait, then try again."
            return _setup_page(request, email, replacing, ("current_code", problem), 429)
        current = str(form.get("current_code") or "")
        if not await mfa.verify(user_id, settings.secret_key, current, now):
            await record_failure(settings, key, now)
            await record(
                action,
                now=now,
                user_id=user_id,
                object_type="second_factor",
                object_id=user_id,
                outcome=AuditOutcome.FAILED,
                request=request,
                secret=settings.secret_key,
            )
            problem = "Type the code your current authenticator app shows now"
            return _setup_page(request, email, replacing, ("current_code", problem), 400)
        await clear(settings, key)
    if not await mfa.enable(user_id, settings.secret_key, secret, step, replacing=replacing):
        # Another session enrolled an authenticator a moment ago: that one must be used now.
        return Redirect(path="/staff/mfa")
    await record(
        action,
        now=now,
        user_id=user_id,
        object_type="second_factor",
        object_id=user_id,
        request=request,
        secret=settings.secret_key,
    )
    request.session.pop("mfa_new_secret", None)
    if isinstance(request.session.get("user_id"), int):
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


# --- API tokens: the signed-in user's own (an LA administrator's: the LA's) -------------------


#: Pages anyone may open: the way in must not need a way in (and, behind its own guard, the
#: signed-in user's account pages).
public_routes = Router(
    path="/",
    route_handlers=[
        account_pages,
        reset_routes,
        sign_in_form,
        sign_in,
        sign_out,
        mfa_form,
        mfa_check,
        mfa_setup_form,
        mfa_setup,
    ],
)
