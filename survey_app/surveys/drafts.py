"""A pupil's survey in progress: answers saved as they go, resumed, then sent once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from questionnaires.loader import current
from questionnaires.schema import Questionnaire
from survey_app.db.engine import transaction
from survey_app.db.tables import DraftAnswer, Invitation
from survey_app.safeguarding.screening import matches
from survey_app.safeguarding.statuses import HelpReason
from survey_app.safeguarding.triage import raise_alert
from survey_app.settings import Settings
from survey_app.surveys.provenance import Provenance
from survey_app.surveys.responses import AnswerIn, SaveOutcome, answer_for, save_response
from survey_app.surveys.statuses import InvitationStatus


class Saved(msgspec.Struct, frozen=True):
    """What saving one answer started: the help the pupil sees now, the email to send now."""

    #: Why the pupil sees the help page now, or None when they do not.
    help: HelpReason | None = None
    #: The safeguarding email this answer queued, to send the moment its transaction commits.
    alert_email: str | None = None


async def save_draft(
    settings: Settings,
    invitation_id: uuid.UUID,
    question_id: str,
    answer: AnswerIn | None,
    now: dt.datetime,
    pupil_session: str = "",
) -> Saved:
    """Store (or replace) one answer; None records a skip. Says whether the pupil sees help now.

    ``pupil_session`` marks the browser session that gave it: an answer to the same question
    from another session replaces it (the survey is answered afresh there).

    A safeguarding answer, or free text with a listed word in it, raises an alert in the same
    transaction as the answer, so it exists even if the pupil never finishes the survey. Both
    lead the pupil to the same help page: a child who wrote it may be asking, and is told an
    adult will read it.
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
        return Saved()
    async with transaction():
        await upsert
        return await _alert(settings, invitation_id, question_id, answer, matched, now)


def raises_alert(answer: AnswerIn | None) -> bool:
    """Whether this answer is a safeguarding signal: an option marked for it, or words the
    screening flags."""
    return answer is not None and bool(
        answer.safeguarding or (answer.text and matches(answer.text))
    )


async def alert_after_close(
    settings: Settings,
    invitation_id: uuid.UUID,
    question_id: str,
    answer: AnswerIn,
    now: dt.datetime,
) -> Saved:
    """Raise the alert for a safeguarding answer given after its survey closed (expired, a
    newer survey opened, withdrawn, or sent from another browser). The answer itself is not
    kept (the survey is over), but the signal never goes unheard: the alert is raised as for an
    open survey, once, saying the survey had closed."""
    matched = matches(answer.text) if answer.text else []
    async with transaction():
        return await _alert(
            settings, invitation_id, question_id, answer, matched, now, after_close=True
        )


async def _alert(
    settings: Settings,
    invitation_id: uuid.UUID,
    question_id: str,
    answer: AnswerIn,
    matched: list[str],
    now: dt.datetime,
    *,
    after_close: bool = False,
) -> Saved:
    """The one way an answer raises its alert; call inside a transaction."""
    reason = HelpReason.ANSWER if answer.safeguarding else HelpReason.WORDS
    email = await raise_alert(
        settings,
        invitation_id=invitation_id,
        question_id=question_id,
        answer_value=answer.value or "",
        reason=reason.value,
        matched_terms=matched,
        now=now,
        words=(answer.text or "") if matched else "",
        after_close=after_close,
    )
    return Saved(help=reason, alert_email=email)


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
#: The questions name the place and its months, so the provider's name (the one the commissioning
#: LA keeps for it, as every staff page of that LA shows it; the shared row's name only where the
#: LA keeps none) and the placement's dates come in the same statement.
INVITATION_WITH_DRAFTS = (
    "SELECT invitation.id, invitation.kind, invitation.status, invitation.expires_at,"
    " invitation.questionnaire_id,"
    " COALESCE(provider_record.name, provider.name) AS place, placement.start_date,"
    " COALESCE(placement.ended_on, placement.planned_end_date) AS end_date,"
    " invitation.revocation_counter,"
    " draft_answer.question_id, draft_answer.value, draft_answer.text"
    " FROM invitation JOIN placement ON placement.id = invitation.placement"
    " JOIN provider ON provider.id = placement.provider"
    " LEFT JOIN provider_record ON provider_record.provider = placement.provider"
    " AND provider_record.local_authority = placement.local_authority"
    " LEFT JOIN draft_answer ON draft_answer.invitation = invitation.id"
    " AND draft_answer.pupil_session = {} WHERE invitation.id = {}"
)


def _date(value: Any) -> dt.date | None:
    """A date column as read by a raw query (SQLite gives text, PostgreSQL a date)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


async def invitation_with_drafts(
    invitation_id: uuid.UUID, pupil_session: str
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """The invitation (id, status, expiry, questionnaire, place and dates) and this session's
    answers by question.

    The pupil's every page needs both; reading them together halves its queries.
    """
    rows = await Invitation.raw(INVITATION_WITH_DRAFTS, pupil_session, invitation_id)
    if not rows:
        return None, {}
    first = rows[0]
    invitation = {
        "id": first["id"] if isinstance(first["id"], uuid.UUID) else uuid.UUID(str(first["id"])),
        "kind": first["kind"],
        "status": first["status"],
        "expires_at": first["expires_at"],
        "questionnaire_id": first["questionnaire_id"],
        "place": first["place"],
        "start_date": _date(first["start_date"]),
        "end_date": _date(first["end_date"]),
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


async def keep_partial_responses(now: dt.datetime) -> int:
    """Keep the saved answers of every link that closed before they were sent, as a partial
    response (``Response.partial``); how many were kept.

    Without this a pupil who answered everything but never tapped Send would be lost. The
    answers kept are those of the pupil session that last gave an answer (one person's answers,
    as on a check page; another device's are deleted with the rest of the drafts). The response
    is dated, and counted in the term of, the moment it was kept. Safe to run twice
    at once: ``save_response`` claims the open invitation, so a second run stores nothing.
    Safeguarding answers and screened words raised their alert when they were saved
    (``save_draft``); the kept response carries ``needs_follow_up`` and its comments wait for
    review like any other.
    """
    closed = (
        (DraftAnswer.invitation.status == InvitationStatus.OPEN)
        & (DraftAnswer.invitation.expires_at < now)
        & (DraftAnswer.value.is_not_null() | DraftAnswer.text.is_not_null())
    )
    waiting = await DraftAnswer.select(
        DraftAnswer.invitation,
        DraftAnswer.invitation.questionnaire_id.as_alias("questionnaire_id"),
    ).where(closed)
    questionnaires = {row["invitation"]: row["questionnaire_id"] for row in waiting}
    kept = 0
    for invitation_id, questionnaire_id in questionnaires.items():
        rows = await DraftAnswer.select(
            DraftAnswer.question_id,
            DraftAnswer.value,
            DraftAnswer.text,
            DraftAnswer.saved_at,
            DraftAnswer.pupil_session,
        ).where(DraftAnswer.invitation == invitation_id)
        given = [row for row in rows if row["value"] is not None or row["text"]]
        if not given:
            continue
        # The session that last gave an answer (a later one that only skipped gave none).
        last = max(given, key=lambda row: row["saved_at"])["pupil_session"]
        drafts = {row["question_id"]: row for row in rows if row["pupil_session"] == last}
        questionnaire = current(questionnaire_id)
        answers = answers_from_drafts(questionnaire, drafts)
        if not answers:
            continue
        outcome = await save_response(invitation_id, questionnaire, answers, now, partial=True)
        kept += outcome == SaveOutcome.SAVED
    return kept
