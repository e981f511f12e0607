"""A pupil's survey in progress: answers saved as they go, resumed, then sent once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from questionnaires.schema import Questionnaire
from survey_app.db.engine import transaction
from survey_app.db.tables import DraftAnswer, Invitation
from survey_app.safeguarding.screening import matches
from survey_app.safeguarding.triage import raise_alert
from survey_app.settings import Settings
from survey_app.surveys.provenance import Provenance
from survey_app.surveys.responses import AnswerIn, SaveOutcome, answer_for, save_response


async def save_draft(
    settings: Settings,
    invitation_id: uuid.UUID,
    question_id: str,
    answer: AnswerIn | None,
    now: dt.datetime,
    pupil_session: str = "",
) -> bool:
    """Store (or replace) one answer; None records a skip. True if the pupil should see help now.

    ``pupil_session`` marks the browser session that gave it: an answer to the same question
    from another session replaces it (the survey is answered afresh there).

    A safeguarding answer, or free text with a listed word in it, raises an alert in the same
    transaction as the answer, so it exists even if the pupil never finishes the survey.
    """
    matched = matches(answer.text) if answer and answer.text else []
    upsert = DraftAnswer.insert(
        DraftAnswer(
            invitation=invitation_id,
            question_id=question_id,
            value=answer.value if answer else None,
            text=answer.text if answer else None,
            saved_at=now,
            pupil_session=pupil_session,
        )
    ).on_conflict(
        target=(DraftAnswer.invitation, DraftAnswer.question_id),
        action="DO UPDATE",
        values=[
            DraftAnswer.value,
            DraftAnswer.text,
            DraftAnswer.saved_at,
            DraftAnswer.pupil_session,
        ],
    )
    if answer is None or not (answer.safeguarding or matched):
        # One statement is atomic by itself: an explicit transaction would only add BEGIN and
        # COMMIT round trips to the answer every pupil posts.
        await upsert
        return False
    async with transaction():
        await upsert
        await raise_alert(
            settings,
            invitation_id=invitation_id,
            question_id=question_id,
            answer_value=answer.value or "",
            reason="answer" if answer.safeguarding else "words",
            matched_terms=matched,
            now=now,
        )
    # Screened text goes to the contact quietly: the pupil chose to write, not to ask for help.
    return answer.safeguarding


async def drafts_for(invitation_id: uuid.UUID, pupil_session: str) -> dict[str, dict[str, Any]]:
    """The answers this pupil session saved so far, by question id."""
    rows = await DraftAnswer.select(
        DraftAnswer.question_id, DraftAnswer.value, DraftAnswer.text
    ).where(DraftAnswer.invitation == invitation_id, DraftAnswer.pupil_session == pupil_session)
    return {row["question_id"]: row for row in rows}


#: The invitation a pupil's session points at and every answer saved on it, in one statement.
#: A LEFT JOIN, so an invitation with no answers yet still comes back (as one row of NULLs).
#: Only the answers this pupil session saved: another device opening the same link (a provider's
#: phone, a shared tablet) starts from a blank survey and never reads what the pupil said.
INVITATION_WITH_DRAFTS = (
    "SELECT invitation.id, invitation.status, invitation.expires_at, invitation.questionnaire_id,"
    " invitation.revocation_counter,"
    " draft_answer.question_id, draft_answer.value, draft_answer.text"
    " FROM invitation LEFT JOIN draft_answer ON draft_answer.invitation = invitation.id"
    " AND draft_answer.pupil_session = {} WHERE invitation.id = {}"
)


async def invitation_with_drafts(
    invitation_id: uuid.UUID, pupil_session: str
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """The invitation (id, status, expiry, questionnaire) and this session's answers by question.

    The pupil's every page needs both; reading them together halves its queries.
    """
    rows = await Invitation.raw(INVITATION_WITH_DRAFTS, pupil_session, invitation_id)
    if not rows:
        return None, {}
    first = rows[0]
    invitation = {
        "id": first["id"] if isinstance(first["id"], uuid.UUID) else uuid.UUID(str(first["id"])),
        "status": first["status"],
        "expires_at": first["expires_at"],
        "questionnaire_id": first["questionnaire_id"],
        "revocation_counter": first["revocation_counter"],
    }
    drafts = {
        row["question_id"]: {
            "question_id": row["question_id"],
            "value": row["value"],
            "text": row["text"],
        }
        for row in rows
        if row["question_id"] is not None
    }
    return invitation, drafts


def first_unanswered(questionnaire: Questionnaire, drafts: dict[str, Any]) -> int | None:
    """The 1-based number of the first question not yet answered or skipped, if any."""
    for number, question in enumerate(questionnaire.questions, start=1):
        if question.id not in drafts:
            return number
    return None


def answers_from_drafts(
    questionnaire: Questionnaire, drafts: dict[str, dict[str, Any]]
) -> list[AnswerIn]:
    """The saved answers as checked answers, in questionnaire order (skips left out)."""
    answers = []
    for question in questionnaire.questions:
        draft = drafts.get(question.id)
        if draft is None:
            continue
        if question.kind == "text" and draft["text"]:
            answers.append(AnswerIn(question.id, None, None, None, draft["text"]))
        option = next((o for o in question.options if o.value == draft["value"]), None)
        if option is not None:
            answers.append(answer_for(question, option))
    return answers


async def send(
    invitation_id: uuid.UUID,
    questionnaire: Questionnaire,
    now: dt.datetime,
    pupil_session: str = "",
    provenance: Provenance | None = None,
) -> SaveOutcome:
    """Turn this session's drafts into the response, once; a repeat finds it already sent.

    Only what this session answered (what its check page showed) is sent. Answers another
    session saved and this one did not give again are deleted with the rest of the drafts when
    the survey is sent: what was sent is what the sender saw. A safeguarding answer among them
    has already raised its alert, which stays with the LA.
    """
    drafts = await drafts_for(invitation_id, pupil_session)
    if provenance is not None and await DraftAnswer.exists().where(
        DraftAnswer.invitation == invitation_id, DraftAnswer.pupil_session != pupil_session
    ):
        provenance = msgspec.structs.replace(provenance, over_other_answers=True)
    return await save_response(
        invitation_id,
        questionnaire,
        answers_from_drafts(questionnaire, drafts),
        now,
        provenance=provenance,
    )
