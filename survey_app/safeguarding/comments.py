"""Reviewing pupils' free-text comments: the safeguarding contact releases each one (redacted
if need be) or withholds it before any report shows it. Every decision is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from questionnaires.loader import question_in
from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.engine import transaction
from survey_app.db.tables import Answer
from survey_app.ops.audit import record
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.safeguarding.triage import TriageError

MAX_COMMENT_LENGTH = 1000


class CommentView(msgspec.Struct, frozen=True):
    answer_id: int
    question: str
    text: str
    review_status: str
    released_text: str | None
    pupil_reference: str
    provider_name: str


COMMENT_FIELDS: tuple[Any, ...] = (
    Answer.id,
    Answer.question_id,
    Answer.text,
    Answer.review_status,
    Answer.released_text,
    Answer.response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
    placement_path(Answer).pupil_reference.as_alias("pupil_reference"),
    # The provider by id and LA: its name is the one that LA keeps (``add_provider_names``).
    placement_path(Answer).provider.as_alias("provider"),
    placement_path(Answer).local_authority.as_alias("local_authority"),
)


def comment_view(row: dict[str, Any]) -> CommentView:
    """A free-text answer (selected with ``COMMENT_FIELDS``) as the review page shows it."""
    question = question_in(row["questionnaire_id"], row["question_id"])
    return CommentView(
        answer_id=row["id"],
        question=question.text if question else row["question_id"],
        text=row["text"] or "",
        review_status=row["review_status"],
        released_text=row["released_text"],
        pupil_reference=row["pupil_reference"],
        provider_name=row["provider_name"],
    )


async def review_comment(
    actor: Actor, answer_id: int, decision: str, released_text: str, now: dt.datetime
) -> None:
    """Release a comment (as edited, to redact it) or withhold it from every report."""
    if not actor.is_safeguarding:
        raise TriageError("Only the safeguarding contact can review comments")
    if decision not in ("release", "withhold"):
        raise TriageError("Choose whether to release or withhold the comment")
    released_text = released_text.strip()
    if decision == "release" and not released_text:
        raise TriageError("Enter the comment as it should appear, or withhold it")
    if len(released_text) > MAX_COMMENT_LENGTH:
        raise TriageError(f"The comment must be {MAX_COMMENT_LENGTH} characters or fewer")
    async with transaction():
        changed = await (
            Answer.update(
                {
                    Answer.review_status: ReviewStatus.RELEASED
                    if decision == "release"
                    else ReviewStatus.WITHHELD,
                    Answer.released_text: released_text if decision == "release" else None,
                    Answer.reviewed_by: actor.user_id,
                    Answer.reviewed_at: now,
                }
            )
            .where(
                Answer.id == answer_id,
                Answer.review_status.is_not_null(),
                scope(actor, Answer),
            )
            .returning(Answer.id)
        )
        if not changed:
            raise TriageError("That comment is not one you can review")
        original = await Answer.select(Answer.text).where(Answer.id == answer_id).first()
        redacted = decision == "release" and released_text != (original or {}).get("text")
        await record(
            f"comment.{decision}{'_redacted' if redacted else ''}",
            now=now,
            actor=actor,
            object_type="answer",
            object_id=answer_id,
        )
