"""The pupil's side: open a link or type a code, answer one question per page, send once.

Every page is a plain form post answered by a redirect (post-redirect-get). With JavaScript, htmx
posts the same form and the response *is* the next page, its address pushed to the address bar:
one round trip per answer instead of two, which is what a pupil on a slow phone feels.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from questionnaires.before_start import before_start
from survey_app.db.tables import Invitation
from survey_app.qa.you_said import for_pupil as you_said_for_pupil
from survey_app.safeguarding.statuses import HelpReason
from survey_app.settings import Settings
from survey_app.surveys.drafts import first_unanswered, raises_alert, save_draft, send
from survey_app.surveys.entering import code_form, enter_code, open_link
from survey_app.surveys.help_pages import alert_now, answer_after_close, help_now, help_page
from survey_app.surveys.provenance import provenance_of
from survey_app.surveys.pupil_state import SurveyState, survey_or_page
from survey_app.surveys.rendering import current, is_htmx, page
from survey_app.surveys.responses import check_answer
from survey_app.surveys.statuses import InvitationKind, InvitationStatus

#: What the check page shows for a question with no answer.
SKIPPED = "Skipped"


@get("/survey")
async def start(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """The opening page; a pupil coming back resumes at their first unanswered question."""
    survey = await survey_or_page(request, now)
    if not isinstance(survey, SurveyState):
        return survey
    if survey.drafts:
        number = first_unanswered(survey.questionnaire, survey.drafts)
        return Redirect(path=f"/survey/q/{number}" if number else "/survey/check")
    # What earlier pupils here said and what changed, once the council has published it.
    return page(
        request,
        "start",
        q=survey.questionnaire,
        # Each kind's questionnaire says which survey it is in its own title and first lines
        # (nothing more above the Start button: it must stay in view on a small phone).
        before_start=before_start(
            survey.questionnaire, still_there=survey.kind != InvitationKind.END
        ),
        you_said=await you_said_for_pupil(survey.id),
    )


def _question_page(
    request: Request,
    survey: SurveyState,
    number: int,
    value: str,
    error: str | None,
    returning: bool,
    status: int = 200,
    address: str | None = None,
) -> Template:
    questionnaire = survey.questionnaire
    back = "/survey/check" if returning else f"/survey/q/{number - 1}" if number > 1 else "/survey"
    return page(
        request,
        "question",
        status,
        address=address,
        q=questionnaire,
        question=questionnaire.questions[number - 1],
        number=number,
        total=len(questionnaire.questions),
        value=value,
        error=error,
        back=back,
        returning=returning,
    )


@get("/survey/q/{number:int}")
async def question(
    request: Request, number: FromPath[int], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """One question, with any answer already saved."""
    survey = await survey_or_page(request, now)
    if not isinstance(survey, SurveyState):
        return survey
    if not 1 <= number <= len(survey.questionnaire.questions):
        return page(request, "start_again", 404)
    returning = request.query_params.get("change") == "yes"
    return _question_page(request, survey, number, _saved(survey, number), None, returning)


def _saved(survey: SurveyState, number: int) -> str:
    """What the pupil last gave for question ``number`` (an option's value or their text)."""
    draft = survey.drafts.get(survey.questionnaire.questions[number - 1].id)
    return (draft["value"] or draft["text"] or "") if draft else ""


@post("/survey/q/{number:int}")
async def answer(
    request: Request,
    number: FromPath[int],
    now: NamedDependency[dt.datetime],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    """Save this answer (or the skip) at once, then go on to the next page."""
    survey = await survey_or_page(request, now, closed_too=True)
    if not isinstance(survey, SurveyState):
        return survey
    questions = survey.questionnaire.questions
    if not 1 <= number <= len(questions):
        return survey.closed or page(request, "start_again", 404)
    form = await request.form()
    returning = form.get("returning") == "yes"
    skipped = form.get("skip") == "yes"
    raw = "" if skipped else str(form.get("answer") or "")
    checked = check_answer(questions[number - 1], raw)
    if survey.closed is not None:
        sent = await _own_completed_invitation(request)
        if sent is not None and (isinstance(checked, str) or not raises_alert(checked)):
            # A second tap on a check-in's "Send" (or "Skip and send"): the first sent it. A
            # safeguarding answer still goes on to be heard below.
            request.set_session({**request.session, "finished": sent})
            return Redirect(path="/survey/thanks")
        return await answer_after_close(request, survey, number, checked, now, settings)
    if isinstance(checked, str):
        return _question_page(request, survey, number, raw, checked, returning, 400)
    question_id = questions[number - 1].id
    saved = await save_draft(settings, survey.id, question_id, checked, now, survey.pupil_session)
    finished = returning or number == len(questions)
    email = alert_now(settings, saved, now)
    if finished and not survey.questionnaire.check_page and not saved.help:
        # A check-in is sent from its last question ("Send"). A pupil shown help on the way
        # reads it first and then gets the check page, as in any other survey.
        return await _sent(request, survey, settings, now, background=email)
    following = "/survey/check" if finished else f"/survey/q/{number + 1}"
    help_address = f"/survey/help?next={following}" + (
        "&wrote=yes" if saved.help == HelpReason.WORDS else ""
    )
    if not is_htmx(request):
        return Redirect(path=help_address if saved.help else following, background=email)
    # htmx: answer with the next page itself, read from what this request already loaded.
    if saved.help:
        wrote = saved.help == HelpReason.WORDS
        return await help_page(request, survey, following, wrote, settings, help_address, email)
    if finished:
        survey.drafts[question_id] = {
            "question_id": question_id,
            "value": checked.value if checked else None,
            "text": checked.text if checked else None,
        }
        return _check_page(request, survey, address=following)
    return _question_page(
        request, survey, number + 1, _saved(survey, number + 1), None, False, address=following
    )


@get("/survey/check")
async def check(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """Check your answers, then send them: short in every band, the answers folded away."""
    survey = await survey_or_page(request, now)
    if not isinstance(survey, SurveyState):
        return survey
    return _check_page(request, survey)


def _check_page(request: Request, survey: SurveyState, address: str | None = None) -> Template:
    questionnaire = survey.questionnaire
    drafts = survey.drafts
    rows = []
    answered = 0
    for number, item in enumerate(questionnaire.questions, start=1):
        draft = drafts.get(item.id)
        answered += bool(draft and (draft["text"] or draft["value"]))
        shown = SKIPPED
        if draft and draft["text"]:
            shown = draft["text"]
        elif draft and draft["value"]:
            shown = next((o.label for o in item.options if o.value == draft["value"]), SKIPPED)
        rows.append({"number": number, "question": item, "answer": shown})
    return page(
        request,
        "check",
        address=address,
        q=questionnaire,
        rows=rows,
        answered=answered,
        total=len(questionnaire.questions),
    )


@post("/survey/send")
async def send_answers(
    request: Request, now: NamedDependency[dt.datetime], settings: NamedDependency[Settings]
) -> Response[Any]:
    """Send the survey. A double tap or a retried post finds it sent and stores nothing more."""
    survey = await survey_or_page(request, now)
    if isinstance(survey, SurveyState):
        return await _sent(request, survey, settings, now)
    # This pupil's own invitation is already completed: a twin request sent it a moment ago.
    sent = await _own_completed_invitation(request)
    if sent is None:
        return survey
    request.set_session({**request.session, "finished": sent})
    return Redirect(path="/survey/thanks")


async def _sent(
    request: Request,
    survey: SurveyState,
    settings: Settings,
    now: dt.datetime,
    background: BackgroundTask | None = None,
) -> Response[Any]:
    """Send this session's answers (once: a repeat finds them sent) and go to the thank-you page."""
    provenance = provenance_of(request, settings.secret_key)
    await send(survey.id, survey.questionnaire, now, survey.pupil_session, provenance)
    request.set_session({**request.session, "finished": survey.questionnaire.id})
    return Redirect(path="/survey/thanks", background=background)


async def _own_completed_invitation(request: Request) -> str | None:
    try:
        invitation_id = uuid.UUID(str(request.session.get("invitation_id")))
    except ValueError:
        return None
    row = (
        await Invitation.select(Invitation.questionnaire_id)
        .where(Invitation.id == invitation_id, Invitation.status == InvitationStatus.COMPLETED)
        .first()
    )
    return str(row["questionnaire_id"]) if row else None


@get("/survey/thanks")
async def thanks(request: Request) -> Response[Any]:
    """What happens next, and where to get help."""
    finished = request.session.get("finished") if "session" in request.scope else None
    if not finished:
        return Redirect(path="/survey")
    return page(request, "thanks", q=current(finished))


@get("/survey/exit")
async def exit_survey(request: Request, settings: NamedDependency[Settings]) -> Response[Any]:
    """ "Exit this page": end the pupil's session, then open an everyday page.

    The pupil pages are never cached (``Cache-Control: no-store``), so once the session is gone
    whoever picks up the phone and presses Back gets "open your link again", not the help page
    or the words the pupil wrote. What they said is already saved, and any alert is raised.
    """
    if "session" in request.scope and request.session:
        request.clear_session()
    return Redirect(path=settings.exit_page_url)


survey_router = Router(
    path="/",
    route_handlers=[
        exit_survey,
        open_link,
        code_form,
        enter_code,
        start,
        question,
        answer,
        help_now,
        check,
        send_answers,
        thanks,
    ],
    include_in_schema=False,
)
