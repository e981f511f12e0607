"""The survey a pupil's session is on: its invitation, questionnaire and saved answers, read in one
query, or the page a survey that cannot be answered shows (used by every pupil page)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response
from litestar.response import Template

from questionnaires import loader
from questionnaires.placeholders import for_pupil
from questionnaires.schema import Questionnaire
from survey_app.surveys.drafts import invitation_with_drafts
from survey_app.surveys.invitations import LinkState, state_of
from survey_app.surveys.rendering import closed_link_page, page
from survey_app.surveys.statuses import InvitationKind


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


async def survey_or_page(
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
