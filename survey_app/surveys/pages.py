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

from questionnaires import loader
from questionnaires.before_start import before_start
from questionnaires.placeholders import for_pupil
from questionnaires.schema import Questionnaire
from survey_app.db.tables import Invitation
from survey_app.organisations.la_settings import effective_settings
from survey_app.qa.you_said import for_pupil as you_said_for_pupil
from survey_app.safeguarding.statuses import HelpReason
from survey_app.safeguarding.triage import send_alert_now
from survey_app.settings import Settings
from survey_app.surveys.drafts import (
    alert_after_close,
    first_unanswered,
    invitation_with_drafts,
    raises_alert,
    save_draft,
    send,
)
from survey_app.surveys.entering import code_form, enter_code, open_link
from survey_app.surveys.invitations import LinkState, state_of
from survey_app.surveys.provenance import provenance_of
from survey_app.surveys.rendering import closed_link_page, current, is_htmx, page
from survey_app.surveys.responses import AnswerIn, check_answer
from survey_app.surveys.statuses import InvitationKind, InvitationStatus

#: What the check page shows for a question with no answer.
SKIPPED = "Skipped"


class SurveyState:
    """The pupil's open invitation, its questionnaire and the answers saved so far."""

    def __init__(
        self,
        invitation: dict[str, Any],
        questionnaire: Questionnaire,
        drafts: dict[str, dict[str, Any]],
        pupil_session: str,
    ) -> None:
        self.id: uuid.UUID = invitation["id"]
        self.kind = InvitationKind(invitation["kind"])
        self.questionnaire = questionnaire
        self.drafts = drafts
        self.pupil_session = pupil_session
        #: The page the survey shows now that it cannot be answered (closed, expired, withdrawn,
        #: already sent, or its link reissued), or None while it is open.
        self.closed: Template | None = None


#: Session key: the survey a pupil raised an alert on after it had closed, so its help page
#: still opens for them (a closed survey's pages otherwise all say it has closed).
HELP_AFTER_CLOSE = "help_after_close"


async def _survey_or_page(
    request: Request, now: dt.datetime, *, closed_too: bool = False
) -> SurveyState | Response[Any]:
    """The survey this pupil's session is on, read in one query (invitation and answers).

    ``closed_too``: a survey that can no longer be answered is returned as well, carrying the
    page it shows (``SurveyState.closed``), so a safeguarding answer posted to it is still heard.
    """
    raw = request.session.get("invitation_id") if "session" in request.scope else None
    try:
        invitation_id = uuid.UUID(str(raw))
    except ValueError:
        return page(request, "start_again", 404)
    # Sessions from before pupil sessions were told apart have no mark: their drafts have none.
    mark = str(request.session.get("pupil_session") or "")
    invitation, drafts = await invitation_with_drafts(invitation_id, mark)
    # A session begun before the link was reissued ended with the old link (sessions from
    # before links had versions opened version 0).
    if invitation is None:
        return page(request, "start_again", 404)
    closed: Template | None = None
    if invitation["revocation_counter"] != request.session.get("link_version", 0):
        closed = page(request, "start_again", 404)
    elif (state := state_of(invitation, now)) != LinkState.OPEN:
        closed = await closed_link_page(request.app.state.settings, invitation["id"], state, now)
    if closed is not None and not closed_too:
        return closed
    # A pupil who started before a new version shipped finishes the version their answers are in.
    started = loader.version_for(
        invitation["questionnaire_id"], {qid: draft["value"] for qid, draft in drafts.items()}
    )
    # The pupil reads their own place's name and months; nothing else about the placement.
    questionnaire = for_pupil(
        started,
        invitation["place"],
        invitation["start_date"],
        invitation["end_date"],
    )
    survey = SurveyState(invitation, questionnaire, drafts, mark)
    survey.closed = closed
    return survey


@get("/survey")
async def start(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """The opening page; a pupil coming back resumes at their first unanswered question."""
    survey = await _survey_or_page(request, now)
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
    survey = await _survey_or_page(request, now)
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
    survey = await _survey_or_page(request, now, closed_too=True)
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
        return await _answer_after_close(request, survey, number, checked, now, settings)
    if isinstance(checked, str):
        return _question_page(request, survey, number, raw, checked, returning, 400)
    question_id = questions[number - 1].id
    saved = await save_draft(settings, survey.id, question_id, checked, now, survey.pupil_session)
    finished = returning or number == len(questions)
    following = "/survey/check" if finished else f"/survey/q/{number + 1}"
    # The answer's transaction has committed: its safeguarding email goes now, after the
    # pupil's next page is on its way, not at the next scheduled dispatch.
    email = (
        BackgroundTask(send_alert_now, settings, saved.alert_email, now)
        if saved.alert_email
        else None
    )
    help_address = f"/survey/help?next={following}" + (
        "&wrote=yes" if saved.help == HelpReason.WORDS else ""
    )
    if not is_htmx(request):
        return Redirect(path=help_address if saved.help else following, background=email)
    # htmx: answer with the next page itself, read from what this request already loaded.
    if saved.help:
        wrote = saved.help == HelpReason.WORDS
        return await _help_page(request, survey, following, wrote, settings, help_address, email)
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


async def _answer_after_close(
    request: Request,
    survey: SurveyState,
    number: int,
    checked: AnswerIn | str | None,
    now: dt.datetime,
    settings: Settings,
) -> Response[Any]:
    """An answer posted after the survey closed (the pupil was still on the question when its
    link expired, a newer survey opened, or it was withdrawn).

    A safeguarding answer is never dropped: its alert is raised as for an open survey (saying
    the survey had closed) and the pupil sees the help page. Any other answer is not kept, and
    the closed page says so.
    """
    closed = survey.closed
    assert closed is not None
    if isinstance(checked, str) or checked is None or not raises_alert(checked):
        closed.context["not_saved"] = True
        return closed
    question_id = survey.questionnaire.questions[number - 1].id
    saved = await alert_after_close(settings, survey.id, question_id, checked, now)
    email = (
        BackgroundTask(send_alert_now, settings, saved.alert_email, now)
        if saved.alert_email
        else None
    )
    request.set_session({**request.session, HELP_AFTER_CLOSE: str(survey.id)})
    # After the help page the pupil goes on to /survey, which says the survey has closed.
    help_address = "/survey/help?next=/survey" + (
        "&wrote=yes" if saved.help == HelpReason.WORDS else ""
    )
    if not is_htmx(request):
        return Redirect(path=help_address, background=email)
    wrote = saved.help == HelpReason.WORDS
    return await _help_page(request, survey, "/survey", wrote, settings, help_address, email)


@get("/survey/help")
async def help_now(
    request: Request, now: NamedDependency[dt.datetime], settings: NamedDependency[Settings]
) -> Response[Any]:
    """Straight after a pupil says they felt unsafe or want to talk, or writes something the
    screening flags: who follows it up and by when, help now, and a quick way off the page."""
    survey = await _survey_or_page(request, now, closed_too=True)
    if not isinstance(survey, SurveyState):
        return survey
    if survey.closed is not None:
        # Only the pupil who just raised an alert on this closed survey sees its help page.
        if request.session.get(HELP_AFTER_CLOSE) != str(survey.id):
            return survey.closed
        return await _help_page(
            request, survey, "/survey", request.query_params.get("wrote") == "yes", settings
        )
    following = request.query_params.get("next", "")
    if not following.startswith("/survey/"):
        following = "/survey"
    wrote = request.query_params.get("wrote") == "yes"
    return await _help_page(request, survey, following, wrote, settings)


async def _help_page(
    request: Request,
    survey: SurveyState,
    following: str,
    wrote: bool,
    settings: Settings,
    address: str | None = None,
    background: BackgroundTask | None = None,
) -> Template:
    session = request.session if "session" in request.scope else {}
    la_id = session.get("la_id")
    # The wait the pupil's own council promises (its setting, else the deployment's).
    hours = (
        (await effective_settings(settings, int(la_id))).safeguarding_escalation_hours
        if isinstance(la_id, int)
        else settings.safeguarding_escalation_hours
    )
    return page(
        request,
        "help",
        address=address,
        background=background,
        q=survey.questionnaire,
        following=following,
        wrote=wrote,
        # A pupil doing a start survey or check-in still goes there: "the place you go to".
        still_there=survey.kind != InvitationKind.END,
        # The survey had closed: there are no more questions to carry on with.
        closed=survey.closed is not None,
        la_name=str(session.get("la_name") or ""),
        wait=hours_in_words(hours),
        exit_url="/survey/exit",
    )


def hours_in_words(hours: int) -> str:
    """A wait as a child would say it: "1 day", "2 days", "6 hours"."""
    if hours % 24 == 0:
        days = hours // 24
        return "1 day" if days == 1 else f"{days} days"
    return "1 hour" if hours == 1 else f"{hours} hours"


@get("/survey/check")
async def check(request: Request, now: NamedDependency[dt.datetime]) -> Response[Any]:
    """Check your answers, then send them: short in every band, the answers folded away."""
    survey = await _survey_or_page(request, now)
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
    survey = await _survey_or_page(request, now)
    if isinstance(survey, SurveyState):
        provenance = provenance_of(request, settings.secret_key)
        await send(survey.id, survey.questionnaire, now, survey.pupil_session, provenance)
        questionnaire_id = survey.questionnaire.id
    else:
        # This pupil's own invitation is already completed: a twin request sent it a moment ago.
        sent = await _own_completed_invitation(request)
        if sent is None:
            return survey
        questionnaire_id = sent
    request.set_session({**request.session, "finished": questionnaire_id})
    return Redirect(path="/survey/thanks")


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
