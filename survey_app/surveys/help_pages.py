"""The help page a pupil sees straight after saying they felt unsafe, asking to talk, or writing
something the screening flags, and the same for an answer given after the survey had closed:
a safeguarding signal is never dropped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.organisations.la_settings import effective_settings
from survey_app.safeguarding.statuses import HelpReason
from survey_app.safeguarding.triage import send_alert_now
from survey_app.settings import Settings
from survey_app.surveys.drafts import Saved, alert_after_close, raises_alert
from survey_app.surveys.pupil_state import HELP_AFTER_CLOSE, SurveyState, survey_or_page
from survey_app.surveys.rendering import is_htmx, page
from survey_app.surveys.responses import AnswerIn
from survey_app.surveys.statuses import InvitationKind


def alert_now(settings: Settings, saved: Saved, now: dt.datetime) -> BackgroundTask | None:
    """The answer's transaction has committed: its safeguarding email goes now, after the
    pupil's next page is on its way, not at the next scheduled dispatch."""
    if not saved.alert_email:
        return None
    return BackgroundTask(send_alert_now, settings, saved.alert_email, now)


async def answer_after_close(
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
    email = alert_now(settings, saved, now)
    request.set_session({**request.session, HELP_AFTER_CLOSE: str(survey.id)})
    # After the help page the pupil goes on to /survey, which says the survey has closed.
    help_address = "/survey/help?next=/survey" + (
        "&wrote=yes" if saved.help == HelpReason.WORDS else ""
    )
    if not is_htmx(request):
        return Redirect(path=help_address, background=email)
    wrote = saved.help == HelpReason.WORDS
    return await help_page(request, survey, "/survey", wrote, settings, help_address, email)


@get("/survey/help")
async def help_now(
    request: Request, now: NamedDependency[dt.datetime], settings: NamedDependency[Settings]
) -> Response[Any]:
    """Straight after a pupil says they felt unsafe or want to talk, or writes something the
    screening flags: who follows it up and by when, help now, and a quick way off the page."""
    survey = await survey_or_page(request, now, closed_too=True)
    if not isinstance(survey, SurveyState):
        return survey
    if survey.closed is not None:
        # Only the pupil who just raised an alert on this closed survey sees its help page.
        if request.session.get(HELP_AFTER_CLOSE) != str(survey.id):
            return survey.closed
        return await help_page(
            request, survey, "/survey", request.query_params.get("wrote") == "yes", settings
        )
    following = request.query_params.get("next", "")
    if not following.startswith("/survey/"):
        following = "/survey"
    wrote = request.query_params.get("wrote") == "yes"
    return await help_page(request, survey, following, wrote, settings)


async def help_page(
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
