"""The pupil's side: open a link or type a code, answer, and see what happens next."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from questionnaires.loader import current
from survey_app.headers import private_page
from survey_app.invitations import LinkState, find, state_of
from survey_app.responses import SaveOutcome, check_answers, save_response
from survey_app.settings import Settings
from survey_app.throttle import is_blocked, record_failure

LINK_PAGES = {
    LinkState.COMPLETED: ("survey/already_done.html", 200),
    LinkState.EXPIRED: ("survey/expired.html", 410),
    LinkState.REVOKED: ("survey/not_found.html", 404),
    LinkState.UNKNOWN: ("survey/not_found.html", 404),
}


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_many_tries(settings: Settings) -> Response[Any]:
    return Template(
        template_name="survey/too_many_tries.html",
        context={"minutes": settings.lookup_failure_window_minutes},
        status_code=429,
        headers={"Retry-After": str(settings.lookup_failure_window_minutes * 60)},
    )


async def _enter(
    request: Request,
    settings: Settings,
    now: dt.datetime,
    *,
    token: str | None = None,
    code: str | None = None,
) -> Response[Any]:
    address = _client_address(request)
    if await is_blocked(settings, address, now):
        return _too_many_tries(settings)
    invitation = await find(settings, token=token, code=code)
    state = state_of(invitation, now)
    if state == LinkState.UNKNOWN:
        await record_failure(settings, address, now)
    if state != LinkState.OPEN or invitation is None:
        template, status = LINK_PAGES[state]
        return Template(template_name=template, status_code=status)
    # The token moves into the session and out of the address bar and browser history.
    request.set_session({"invitation_id": str(invitation["id"])})
    return Redirect(path="/survey")


@get("/s/{token:str}")
async def open_link(
    request: Request,
    token: FromPath[str],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """A pupil's link from a QR code or message."""
    return await _enter(request, settings, now, token=token)


@get("/code")
async def code_form() -> Template:
    """Where a pupil without a camera types their short code."""
    return Template(template_name="survey/code.html", context={"error": None, "code": ""})


@post("/code")
async def enter_code(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check a typed short code and start the survey it belongs to."""
    form = await request.form()
    code = str(form.get("code") or "").strip()
    if not code:
        return Template(
            template_name="survey/code.html",
            context={"error": "Type the code from your slip", "code": ""},
            status_code=400,
        )
    return await _enter(request, settings, now, code=code)


async def _current_invitation(request: Request, settings: Settings) -> dict[str, Any] | None:
    from survey_app.tables import Invitation

    raw = request.session.get("invitation_id") if "session" in request.scope else None
    if not raw:
        return None
    try:
        invitation_id = uuid.UUID(str(raw))
    except ValueError:
        return None
    row: dict[str, Any] | None = (
        await Invitation.select(
            Invitation.id, Invitation.status, Invitation.expires_at, Invitation.questionnaire_id
        )
        .where(Invitation.id == invitation_id)
        .first()
    )
    return row


def _survey_page(
    questionnaire_id: str, answers: dict[str, str], errors: dict[str, str], status: int = 200
) -> Template:
    return Template(
        template_name="survey/questions.html",
        context={"q": current(questionnaire_id), "answers": answers, "errors": errors},
        status_code=status,
    )


@get("/survey")
async def survey(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """The questionnaire for the pupil's age band."""
    invitation = await _current_invitation(request, settings)
    state = state_of(invitation, now)
    if state != LinkState.OPEN or invitation is None:
        if invitation is None:
            return Template(template_name="survey/start_again.html", status_code=404)
        template, status = LINK_PAGES[state]
        return Template(template_name=template, status_code=status)
    return _survey_page(invitation["questionnaire_id"], {}, {})


@post("/survey")
async def submit(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Save the pupil's answers once; a repeat post finds them already saved."""
    invitation = await _current_invitation(request, settings)
    if invitation is None:
        return Template(template_name="survey/start_again.html", status_code=404)
    state = state_of(invitation, now)
    if state != LinkState.OPEN:
        template, status = LINK_PAGES[state]
        return Template(template_name=template, status_code=status)
    questionnaire = current(invitation["questionnaire_id"])
    form = {key: str(value) for key, value in (await request.form()).items()}
    answers, problems = check_answers(questionnaire, form)
    if problems:
        return _survey_page(
            questionnaire.id,
            {k[2:]: v for k, v in form.items() if k.startswith("q_")},
            {p.question_id: p.message for p in problems},
            status=400,
        )
    outcome = await save_response(invitation["id"], questionnaire, answers, now)
    if outcome == SaveOutcome.ALREADY_DONE:
        return Template(template_name="survey/already_done.html")
    request.set_session(
        {
            # Kept so a retried post or a double tap lands on "already answered".
            "invitation_id": str(invitation["id"]),
            "finished": questionnaire.id,
            "needs_help": any(answer.safeguarding for answer in answers),
        }
    )
    return Redirect(path="/survey/thanks")


@get("/survey/thanks")
async def thanks(request: Request) -> Response[Any]:
    """What happens next, and where to get help."""
    finished = request.session.get("finished") if "session" in request.scope else None
    if not finished:
        return Redirect(path="/")
    return Template(
        template_name="survey/thanks.html",
        context={"q": current(finished), "needs_help": bool(request.session.get("needs_help"))},
    )


survey_router = Router(
    path="/",
    route_handlers=[open_link, code_form, enter_code, survey, submit, thanks],
    after_request=private_page,
)
