"""A pupil's survey in progress: answers saved as they go, resumed, then sent once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from questionnaires.schema import Questionnaire
from survey_app.db.engine import transaction
from survey_app.db.tables import DraftAnswer
from survey_app.safeguarding.screening import matches
from survey_app.safeguarding.triage import raise_alert
from survey_app.settings import Settings
from survey_app.surveys.responses import AnswerIn, SaveOutcome, answer_for, save_response


async def save_draft(
    settings: Settings,
    invitation_id: uuid.UUID,
    question_id: str,
    answer: AnswerIn | None,
    now: dt.datetime,
) -> bool:
    """Store (or replace) one answer; None records a skip. True if the pupil should see help now.

    A safeguarding answer, or free text with a listed word in it, raises an alert in the same
    transaction as the answer, so it exists even if the pupil never finishes the survey.
    """
    matched = matches(answer.text) if answer and answer.text else []
    async with transaction():
        await DraftAnswer.insert(
            DraftAnswer(
                invitation=invitation_id,
                question_id=question_id,
                value=answer.value if answer else None,
                text=answer.text if answer else None,
                saved_at=now,
            )
        ).on_conflict(
            target=(DraftAnswer.invitation, DraftAnswer.question_id),
            action="DO UPDATE",
            values=[DraftAnswer.value, DraftAnswer.text, DraftAnswer.saved_at],
        )
        if answer is None or not (answer.safeguarding or matched):
            return False
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


async def drafts_for(invitation_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """The pupil's saved answers so far, by question id."""
    rows = await DraftAnswer.select(
        DraftAnswer.question_id, DraftAnswer.value, DraftAnswer.text
    ).where(DraftAnswer.invitation == invitation_id)
    return {row["question_id"]: row for row in rows}


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
    invitation_id: uuid.UUID, questionnaire: Questionnaire, now: dt.datetime
) -> SaveOutcome:
    """Turn the drafts into the response, once; a repeat finds it already sent."""
    drafts = await drafts_for(invitation_id)
    return await save_response(
        invitation_id, questionnaire, answers_from_drafts(questionnaire, drafts), now
    )
