"""Rendering the pupil's pages: each a template under ``survey/``, an htmx answer telling the
browser which address it is now on, and the page a link that cannot be answered shows."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

from litestar import Request
from litestar.background_tasks import BackgroundTask
from litestar.response import Template

from questionnaires import loader
from questionnaires.schema import Questionnaire
from survey_app.settings import Settings
from survey_app.surveys.due import postponed_end
from survey_app.surveys.invitations import LinkState, newer_survey_open
from survey_app.time_in_england import today_in_england

#: The page (and status) for a link that cannot be answered now.
LINK_PAGES = {
    LinkState.COMPLETED: ("survey/already_done.html", 200),
    LinkState.EXPIRED: ("survey/expired.html", 410),
    # Withdrawn (its placement was cancelled as entered in error): said kindly, not "not found".
    LinkState.REVOKED: ("survey/withdrawn.html", 410),
    LinkState.UNKNOWN: ("survey/not_found.html", 404),
}


async def closed_link_page(
    settings: Settings, invitation_id: uuid.UUID | None, state: LinkState, now: dt.datetime
) -> Template:
    """The page for a link that cannot be answered now. An end survey withdrawn because the
    placement was extended is not "taken away": the pupil is told it is not open yet, and when
    it will open (with a new link), never shown an error. A start survey or check-in closed
    because a later survey opened says the pupil has a new survey, not only that time ran out."""
    if state == LinkState.REVOKED and invitation_id is not None:
        postponed = await postponed_end(settings, invitation_id)
        if postponed is not None and not postponed.reissued:
            # Found from outside: the end survey moved to March, but a check-in opened in the
            # meantime; "wait until March" would leave it unanswered.
            if await newer_survey_open(invitation_id, now):
                return Template(template_name="survey/new_survey.html", status_code=410)
        if postponed is not None:
            opens_on = postponed.opens_on
            return Template(
                template_name="survey/not_open_yet.html",
                context={
                    "reissued": postponed.reissued,
                    "opens_on": opens_on,
                    "soon": opens_on is not None and opens_on <= today_in_england(now),
                },
            )
    if (
        state == LinkState.EXPIRED
        and invitation_id is not None
        and await newer_survey_open(invitation_id, now)
    ):
        return Template(template_name="survey/new_survey.html", status_code=410)
    template, status = LINK_PAGES[state]
    return Template(template_name=template, status_code=status)


@functools.cache
def current(questionnaire_id: str) -> Questionnaire:
    """The newest version of a questionnaire, looked up once per process (files ship with code)."""
    return loader.current(questionnaire_id)


def is_htmx(request: Request) -> bool:
    # A history restore (the back button after htmx pushed an address) wants the page as it is,
    # not a new history entry.
    headers = request.headers
    return (
        headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"
    )


def page(
    request: Request,
    name: str,
    status: int = 200,
    *,
    address: str | None = None,
    background: BackgroundTask | None = None,
    **context: Any,
) -> Template:
    """Render a survey page; for htmx, also tell the browser which address it is now on.

    ``address`` is where the page lives when it is shown in answer to a post (the next question
    after an answer); an error page keeps the address the pupil is already on.
    """
    headers = {}
    if is_htmx(request) and status < 400:
        headers["HX-Push-Url"] = address or request.url.path
    return Template(
        template_name=f"survey/{name}.html",
        context=context,
        status_code=status,
        headers=headers,
        background=background,
    )
