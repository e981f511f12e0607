"""Finding safeguarding alerts and pupils' comments: paged, searched and filtered lists
(``web/listing.py``), so nothing a child said is ever cut off the end of a queue."""

from __future__ import annotations

from typing import Any

from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.tables import Answer, Invitation, SafeguardingAlert
from survey_app.organisations.provider_records import add_provider_names
from survey_app.placements.finding import provider_choices
from survey_app.safeguarding.alerts import ALERT_FIELDS, view_of
from survey_app.safeguarding.comments import COMMENT_FIELDS, comment_view
from survey_app.safeguarding.statuses import AlertStatus, ReviewStatus
from survey_app.time_in_england import end_of_day_in_england, start_of_day_in_england
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListPage,
    ListQuery,
    ListSpec,
    Sort,
    contains,
    fetch_page,
)

#: "open" and "all" are views over the stored statuses, not statuses themselves.
OPEN, ALL = "open", "all"


def _alert_status(value: str) -> Any:
    if value == ALL:
        return None
    if value == OPEN:
        return SafeguardingAlert.status != AlertStatus.CLOSED
    return SafeguardingAlert.status == AlertStatus(value)


async def alert_spec(actor: Actor) -> ListSpec:
    """The alerts list: open ones by default, oldest first, as the contact works through them."""
    return ListSpec(
        path="/staff/safeguarding",
        noun=("alert", "alerts"),
        fields=(
            Field(
                name="status",
                label="Status",
                kind=FieldKind.CHOICE,
                where=_alert_status,
                choices=(
                    (OPEN, "Open (new or acknowledged)"),
                    (AlertStatus.NEW.value, "New"),
                    (AlertStatus.ACKNOWLEDGED.value, "Acknowledged"),
                    (AlertStatus.CLOSED.value, "Closed"),
                    (ALL, "All"),
                ),
                default=OPEN,
            ),
            Field(
                name="q",
                label="Pupil reference",
                kind=FieldKind.SEARCH,
                where=contains(placement_path(SafeguardingAlert).pupil_reference),
            ),
            Field(
                name="provider",
                label="Provider",
                kind=FieldKind.CHOICE,
                where=lambda value: SafeguardingAlert.invitation.is_in(
                    Invitation.select(Invitation.id).where(
                        Invitation.placement.provider == int(value)
                    )
                ),
                choices=await provider_choices(actor),
            ),
            Field(
                name="raised_from",
                label="Raised on or after",
                kind=FieldKind.DATE,
                where=lambda day: SafeguardingAlert.raised_at >= start_of_day_in_england(day),
            ),
            Field(
                name="raised_to",
                label="Raised on or before",
                kind=FieldKind.DATE,
                where=lambda day: SafeguardingAlert.raised_at <= end_of_day_in_england(day),
            ),
        ),
        sorts={
            "oldest": Sort("Oldest first", ((SafeguardingAlert.raised_at, True),)),
            "newest": Sort("Newest first", ((SafeguardingAlert.raised_at, False),)),
        },
    )


async def find_alerts(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[Any]
) -> tuple[ListPage, list[Any]]:
    """One page of the alerts the actor may read, as views."""
    found = await fetch_page(spec, query, errors, actor, SafeguardingAlert, ALERT_FIELDS)
    # Each provider as the pupil's council names it, never as another council using it does.
    await add_provider_names(found.rows, "local_authority")
    return found, [await view_of(row) for row in found.rows]


async def comment_spec(actor: Actor) -> ListSpec:
    """The comments list: those waiting for review by default, oldest first."""
    return ListSpec(
        path="/staff/comments",
        noun=("comment", "comments"),
        fields=(
            Field(
                name="status",
                label="Review",
                kind=FieldKind.CHOICE,
                where=lambda value: Answer.review_status == ReviewStatus(value),
                choices=(
                    (ReviewStatus.PENDING.value, "Waiting for review"),
                    (ReviewStatus.RELEASED.value, "Released"),
                    (ReviewStatus.WITHHELD.value, "Withheld"),
                ),
                default=ReviewStatus.PENDING.value,
            ),
            Field(
                name="q",
                label="Pupil reference",
                kind=FieldKind.SEARCH,
                where=contains(placement_path(Answer).pupil_reference),
            ),
            Field(
                name="provider",
                label="Provider",
                kind=FieldKind.CHOICE,
                where=lambda value: Answer.provider == int(value),
                choices=await provider_choices(actor),
            ),
        ),
        sorts={
            "oldest": Sort("Oldest first", ((Answer.id, True),)),
            "newest": Sort("Newest first", ((Answer.id, False),)),
        },
    )


async def find_comments(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[Any]
) -> tuple[ListPage, list[Any]]:
    """One page of pupils' comments, as views (nothing for a role that may not read them)."""
    if not actor.is_safeguarding:
        # Comments are read by the safeguarding contact (or an admin covering) alone.
        return ListPage(spec, query, [], 0, 1, 1, errors), []
    # Only free-text answers have a review status; the status filter is always applied.
    found = await fetch_page(
        spec, query, errors, actor, Answer, COMMENT_FIELDS, [Answer.review_status.is_not_null()]
    )
    await add_provider_names(found.rows, "local_authority")
    return found, [comment_view(row) for row in found.rows]


async def is_pending(actor: Actor, answer_id: int) -> bool:
    """Whether the actor may see this comment and it is still waiting for review."""
    return await Answer.exists().where(
        Answer.id == answer_id,
        Answer.review_status == ReviewStatus.PENDING,
        scope(actor, Answer),
    )
