"""The staff pages: an LA administrator's list of the LA's users and their changes to each, and
the invitation form (administrators, and school contacts for colleagues at their own school).
The rules are in ``accounts/staff.py``, ``staff_inviting.py`` and ``staff_changes.py``; these
handlers only read forms and render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts import staff, staff_changes, staff_inviting, staff_organisations
from survey_app.accounts.guards import la_admins, staff_inviters
from survey_app.accounts.scoping import Actor, Role
from survey_app.accounts.staff_finding import staff_spec
from survey_app.accounts.users import AccountError
from survey_app.ops.audit import refuse
from survey_app.organisations.schools import FieldProblem
from survey_app.settings import Settings
from survey_app.web.listing import parse
from survey_app.web.params import ObjectId
from survey_app.web.rendering import done_redirect, done_result, flash, take_flash
from survey_app.web.rendering import staff_page as _page
from survey_app.web.throttle import clear, is_blocked, record_failure


@get("/people", guards=[la_admins])
async def people(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Everyone with an account in the LA: role, organisation, last sign-in and state;
    searched, filtered and sorted by the query string."""
    spec = staff_spec()
    query, errors = parse(spec, request.query_params)
    listed = await staff.staff_page(actor, spec, query, errors)
    return _page("people", actor, 400 if errors else 200, found=listed.found, page=listed)


async def _invite_page(
    actor: Actor,
    status: int = 200,
    *,
    values: dict[str, str] | None = None,
    errors: list[FieldProblem] | None = None,
    sent: str | None = None,
) -> Template:
    return _page(
        "people_invite",
        actor,
        status,
        roles=staff_inviting.roles_for(actor),
        schools=await staff_organisations.school_choices(actor),
        providers=await staff_organisations.provider_choices(actor)
        if actor.role == Role.LA_ADMIN
        else [],
        values=values or {},
        errors=errors or [],
        sent=sent,
    )


@get("/people/invite", guards=[staff_inviters])
async def invite_form(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Invite someone: their email, role, and the school or provider they work for; after
    sending, says to whom (the new user's id, held in the session: never the address, where
    a forged link could claim an invitation went out)."""
    sent = done_result(request, int)
    email = await staff_inviting.invited_email(actor, sent) if sent else None
    return await _invite_page(actor, sent=email)


def _field_of(message: str) -> str:
    lowered = message.lower()
    if "provider" in lowered:
        return "provider"
    if "school" in lowered:
        return "school"
    return "email"


@post("/people/invite", guards=[staff_inviters])
async def invite(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Make the account and email its invitation; or show what is wrong with the form."""
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("email", "role", "school", "provider")}
    if actor.role == Role.SCHOOL_CONTACT:
        values["role"] = values["role"] or Role.SCHOOL_CONTACT.value
    try:
        role = Role(values["role"])
    except ValueError:
        problem = FieldProblem("role", "Choose their role")
        return await _invite_page(actor, 400, values=values, errors=[problem])
    try:
        invited = await staff_inviting.invite(
            settings,
            actor,
            email=values["email"],
            role=role,
            school=values["school"],
            provider=values["provider"],
            now=now,
        )
    except AccountError as error:
        message = str(error)
        field = "role" if "own school" in message else _field_of(message)
        problem = FieldProblem(field, message)
        return await _invite_page(actor, 400, values=values, errors=[problem])
    # Post, redirect, get: a refresh shows the page again rather than inviting twice.
    return done_redirect(request, "/staff/people/invite", invited.user_id)


async def _person_page(
    actor: Actor,
    user_id: int,
    now: dt.datetime,
    status: int = 200,
    *,
    done: str | None = None,
    errors: list[FieldProblem] | None = None,
) -> Template:
    try:
        found = await staff.person(actor, user_id)
    except staff.NotFound:
        raise await refuse(actor, "user", user_id, now) from None
    return _page(
        "person",
        actor,
        status,
        person=found,
        roles=staff_inviting.roles_for(actor),
        schools=await staff_organisations.school_choices(actor),
        providers=await staff_organisations.provider_choices(actor),
        is_self=user_id == actor.user_id,
        done=done,
        errors=errors or [],
    )


#: What the user's page says after each change: carried through the session (``flash``), not
#: the address, where a link could make the page say an account was disabled when it was not.
DONE = {
    "role": "Role changed: they have been signed out.",
    "disabled": (
        "Account disabled: they have been signed out everywhere and their API tokens revoked."
    ),
    "enabled": "Account enabled: they can sign in again.",
    "resent": "A new invitation has been emailed. The link in the earlier email no longer works.",
    "second_factor": (
        "Two-step sign-in reset: they have been signed out, and will set it up again "
        "the next time they sign in."
    ),
}


@get("/people/{user_id:int}", guards=[la_admins])
async def person(
    request: Request,
    actor: NamedDependency[Actor],
    user_id: ObjectId,
    now: NamedDependency[dt.datetime],
) -> Template:
    """One user, and what an administrator can do about them (and what they just did)."""
    done = take_flash(request, "person", str)
    return await _person_page(actor, user_id, now, done=DONE.get(done or ""))


def _done(request: Request, actor: Actor, user_id: int, done: str) -> Redirect:
    """Post, redirect, get: the user's page says (once) what happened, and a refresh repeats
    nothing. Not when administrators changed their own account: that signed them out, and
    writing to this session would bring back the very session the change just ended."""
    here = f"/staff/people/{user_id}"
    if user_id != actor.user_id:
        flash(request, "person", done, path=here)
    return Redirect(path=here, status_code=303)


async def _act(
    request: Request,
    actor: Actor,
    user_id: int,
    now: dt.datetime,
    field: str,
    done: str,
    action: Any,
) -> Response[Any]:
    """Run one change and show the user's page with what happened, or why it did not."""
    try:
        await action
    except staff.NotFound:
        raise await refuse(actor, "user", user_id, now) from None
    except AccountError as error:
        problem = FieldProblem(field, str(error))
        return await _person_page(actor, user_id, now, 400, errors=[problem])
    return _done(request, actor, user_id, done)


@post("/people/{user_id:int}/role", guards=[la_admins])
async def change_role(
    request: Request,
    actor: NamedDependency[Actor],
    user_id: ObjectId,
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Give the user another role (and its school or provider); they are signed out."""
    form = await request.form()
    try:
        role = Role(str(form.get("role") or ""))
    except ValueError:
        problem = FieldProblem("role", "Choose their role")
        return await _person_page(actor, user_id, now, 400, errors=[problem])
    school, provider = str(form.get("school") or ""), str(form.get("provider") or "")
    change = staff_changes.change_role(
        actor, user_id, role=role, school=school, provider=provider, now=now
    )
    return await _act(request, actor, user_id, now, "role", "role", change)


@post("/people/{user_id:int}/disable", guards=[la_admins])
async def disable(
    request: Request,
    actor: NamedDependency[Actor],
    user_id: ObjectId,
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Disable the account: signed out everywhere, tokens revoked, at once."""
    return await _act(
        request,
        actor,
        user_id,
        now,
        "state",
        "disabled",
        staff_changes.disable(actor, user_id, now),
    )


@post("/people/{user_id:int}/enable", guards=[la_admins])
async def enable(
    request: Request,
    actor: NamedDependency[Actor],
    user_id: ObjectId,
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Let a disabled user sign in again."""
    return await _act(
        request, actor, user_id, now, "state", "enabled", staff_changes.enable(actor, user_id, now)
    )


@post("/people/{user_id:int}/resend", guards=[la_admins])
async def resend(
    request: Request,
    actor: NamedDependency[Actor],
    user_id: ObjectId,
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Email a new invitation link; the old one stops working."""
    action = staff_changes.resend_invitation(settings, actor, user_id, now)
    return await _act(request, actor, user_id, now, "state", "resent", action)


@post("/people/{user_id:int}/second-factor", guards=[la_admins])
async def reset_second_factor(
    request: Request,
    actor: NamedDependency[Actor],
    user_id: ObjectId,
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Clear a lost second factor, once the administrator has typed their own password.
    Wrong passwords here count towards the same limit as at sign-in, so an unattended session
    cannot be used to guess the administrator's password."""
    key = f"reauth:{actor.user_id}"
    if await is_blocked(settings, key, now, settings.signin_failure_limit_per_account):
        problem = FieldProblem("password", "Too many wrong passwords. Wait, then try again.")
        return await _person_page(actor, user_id, now, 429, errors=[problem])
    password = str((await request.form()).get("password") or "")
    try:
        reset = await staff_changes.reset_second_factor(actor, user_id, password, now)
    except staff.NotFound:
        raise await refuse(actor, "user", user_id, now) from None
    if not reset:
        await record_failure(settings, key, now)
        problem = FieldProblem("password", "That is not your password: nothing was changed")
        return await _person_page(actor, user_id, now, 400, errors=[problem])
    await clear(settings, key)
    return _done(request, actor, user_id, "second_factor")


staff_pages = Router(
    path="/",
    route_handlers=[
        people,
        invite_form,
        invite,
        person,
        change_role,
        disable,
        enable,
        resend,
        reset_second_factor,
    ],
)
