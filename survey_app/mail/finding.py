"""Finding messages in the outbox: a paged, searched and filtered list (``web/listing.py``)."""

from __future__ import annotations

from survey_app.db.tables import OutboxMessage
from survey_app.mail.statuses import MessageKind, MessageStatus
from survey_app.time_in_england import end_of_day_in_england, start_of_day_in_england
from survey_app.web.listing import Field, FieldKind, ListSpec, Sort, contains

# Every status and kind needs a label here, or its messages cannot be filtered for
# (tests/survey_app/mail/test_outbox_list.py checks each one is offered).
STATUS_LABELS = {
    MessageStatus.PENDING: "Waiting",
    MessageStatus.SENDING: "Sending",
    MessageStatus.SENT: "Sent",
    MessageStatus.NO_ADDRESS: "Not sent: no email address",
    MessageStatus.UNREADABLE: "Not sent: unreadable",
    MessageStatus.WITHDRAWN: "Not sent: link replaced or withdrawn",
}
KIND_LABELS = {
    MessageKind.SURVEY_OPENED: "Survey opened",
    MessageKind.REMINDER: "Reminder",
    MessageKind.DIGEST: "Weekly digest",
    MessageKind.PASSWORD_RESET: "Password reset",
    MessageKind.STAFF_INVITATION: "Staff invitation",
    MessageKind.SAFEGUARDING: "Safeguarding alert",
    MessageKind.ESCALATION: "Safeguarding escalation",
    MessageKind.PASSWORD_CHANGED: "Password changed",
}


def outbox_spec() -> ListSpec:
    """The outbox's filters: recipient or subject, status, kind of message, when queued."""
    return ListSpec(
        path="/staff/outbox",
        noun=("message", "messages"),
        fields=(
            Field(
                name="q",
                label="Recipient or subject",
                kind=FieldKind.SEARCH,
                where=contains(OutboxMessage.recipient, OutboxMessage.subject),
            ),
            Field(
                name="status",
                label="Status",
                kind=FieldKind.CHOICE,
                where=lambda value: OutboxMessage.status == MessageStatus(value),
                choices=tuple((status.value, label) for status, label in STATUS_LABELS.items()),
            ),
            Field(
                name="kind",
                label="Kind of message",
                kind=FieldKind.CHOICE,
                where=lambda value: OutboxMessage.kind == MessageKind(value),
                choices=tuple((kind.value, label) for kind, label in KIND_LABELS.items()),
            ),
            Field(
                name="queued_from",
                label="Queued on or after",
                kind=FieldKind.DATE,
                where=lambda day: OutboxMessage.created_at >= start_of_day_in_england(day),
            ),
            Field(
                name="queued_to",
                label="Queued on or before",
                kind=FieldKind.DATE,
                where=lambda day: OutboxMessage.created_at <= end_of_day_in_england(day),
            ),
        ),
        sorts={
            "newest": Sort("Newest first", ((OutboxMessage.id, False),)),
            "oldest": Sort("Oldest first", ((OutboxMessage.id, True),)),
        },
    )
