"""The one scoping function: which rows of organisation data a staff member may see."""

from __future__ import annotations

from typing import Any

import msgspec
from piccolo.table import Table

from survey_app.accounts.statuses import Role
from survey_app.db.qa_tables import QAAction, QARecordChange, QAVisit, YouSaid
from survey_app.db.reporting_tables import IndicatorTally, PublishedFigures
from survey_app.db.staff_tables import ApiToken, AuditEvent, StaffUser
from survey_app.db.tables import (
    Answer,
    Invitation,
    OutboxMessage,
    Placement,
    PlacementChange,
    Provider,
    ProviderRecord,
    Response,
    SafeguardingAlert,
    School,
)

LA_ROLES = {Role.LA_ADMIN, Role.LA_OFFICER, Role.LA_SAFEGUARDING}
#: Who reads safeguarding alerts and reviews comments: the named contact, and admins as cover.
SAFEGUARDING_ROLES = {Role.LA_SAFEGUARDING, Role.LA_ADMIN}

ROLE_LABELS = {
    Role.LA_ADMIN: "LA administrator",
    Role.LA_OFFICER: "LA officer",
    Role.LA_SAFEGUARDING: "LA safeguarding contact",
    Role.SCHOOL_CONTACT: "School contact",
    Role.PROVIDER_STAFF: "Provider staff",
}


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The signed-in staff member (or API token holder) a request acts for."""

    user_id: int
    email: str
    role: Role
    local_authority_id: int
    school_id: int | None = None
    provider_id: int | None = None

    @property
    def is_la(self) -> bool:
        """LA staff see named figures and small numbers; others see suppressed totals."""
        return self.role in LA_ROLES

    @property
    def is_safeguarding(self) -> bool:
        """The LA's safeguarding contact (or an administrator covering): reads alerts."""
        return self.role in SAFEGUARDING_ROLES

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class OutOfScope(Exception):
    """Raised for a table the scoping layer does not know: fail closed, never open."""


def placement_path(table: type[Table]) -> Any:
    """The join from a table to its placement, e.g. ``Response.invitation.placement``."""
    if table is Placement:
        return Placement
    if table is Invitation:
        return Invitation.placement
    if table is PlacementChange:
        return PlacementChange.placement
    if table is Response:
        return Response.invitation.placement  # type: ignore[union-attr]
    if table is Answer:
        return Answer.response.invitation.placement  # type: ignore[union-attr]
    if table is SafeguardingAlert:
        return SafeguardingAlert.invitation.placement
    raise OutOfScope(table.__name__)


def _nothing(table: type[Table]) -> Any:
    # A primary key is never null: matches no row, whatever the key's type (int or UUID).
    return table.id.is_null()  # type: ignore[attr-defined]


def scope(actor: Actor, table: type[Table]) -> Any:
    """A where-clause limiting ``table`` to what ``actor`` may see; every staff query uses it.

    It fails closed: each role is named where it is let in, so a role added to ``Role`` and not
    given a rule here sees nothing, and a table not known here raises ``OutOfScope``.
    """
    role, la = actor.role, actor.is_la
    if table is ApiToken:
        # A token is its owner's; an LA administrator may see (and revoke) any of the LA's.
        if role == Role.LA_ADMIN:
            return ApiToken.user.local_authority == actor.local_authority_id
        return ApiToken.user == actor.user_id
    if table is AuditEvent:
        # Who did what in the LA's service: its administrators' to read, no one else's.
        if role == Role.LA_ADMIN:
            return AuditEvent.local_authority == actor.local_authority_id
        return _nothing(table)
    if table is StaffUser:
        # An LA's users are its administrators' to see, no one else's (the staff list).
        if role == Role.LA_ADMIN:
            return StaffUser.local_authority == actor.local_authority_id
        return _nothing(table)
    if table is Provider:
        # A provider is shared by the LAs that use it: an LA's staff and schools see those it
        # has a record of, never another LA's providers.
        if role == Role.PROVIDER_STAFF:
            return Provider.id == actor.provider_id
        if la or role == Role.SCHOOL_CONTACT:
            return Provider.id.is_in(
                ProviderRecord.select(ProviderRecord.provider).where(
                    ProviderRecord.local_authority == actor.local_authority_id
                )
            )
        return _nothing(table)
    if table in (ProviderRecord, QAVisit, QAAction, QARecordChange):
        # What a council wrote about a provider is its own: never shown to another council.
        # Within the council, its schools and the provider's own staff see the QA record (as
        # their reports always have); visits' notes are for LA staff alone.
        own_la = table.local_authority == actor.local_authority_id  # type: ignore[attr-defined]
        if la or (role == Role.SCHOOL_CONTACT and table is not QAVisit):
            return own_la
        if role == Role.PROVIDER_STAFF and table is not QAVisit:
            return own_la & (table.provider == actor.provider_id)  # type: ignore[attr-defined]
        return _nothing(table)
    if table is YouSaid:
        # A provider's response to its pupils is between it and the council that reviews it:
        # its own staff see its own, the council's staff see the council's; schools see none
        # until it is published (and then only as pupils do, on the survey page).
        own_la = YouSaid.local_authority == actor.local_authority_id
        if role == Role.PROVIDER_STAFF:
            return own_la & (YouSaid.provider == actor.provider_id)
        if la:
            return own_la
        return _nothing(table)
    if table is OutboxMessage:
        # Emails name pupils' references and schools: only the LA's own staff see its outbox.
        return OutboxMessage.local_authority == actor.local_authority_id if la else _nothing(table)
    if table is IndicatorTally:
        # Tallies have no school: a school contact's totals come from its own answers.
        if role == Role.PROVIDER_STAFF:
            return (IndicatorTally.provider == actor.provider_id) & (
                IndicatorTally.local_authority == actor.local_authority_id
            )
        if la:
            return IndicatorTally.local_authority == actor.local_authority_id
        return _nothing(table)
    if table is PublishedFigures:
        # The figures a viewer outside the LA was last shown: their own audience's only. LA
        # staff see live figures, and read only their area summary's publication (meant to be
        # published, so kept like a provider's: survey_app.reporting.publications).
        own = PublishedFigures.local_authority == actor.local_authority_id
        if la:
            return own & PublishedFigures.audience.is_in(["area", "area:changes"])
        if role == Role.PROVIDER_STAFF:
            return (
                own
                & (PublishedFigures.provider == actor.provider_id)
                # issue 18: "what changed" keeps its own publication beside the report's.
                & PublishedFigures.audience.is_in(["provider", "provider:changes"])
            )
        if role == Role.SCHOOL_CONTACT:
            school = f"school:{actor.school_id}"
            return own & PublishedFigures.audience.is_in([school, f"{school}:changes"])
        return _nothing(table)
    if table in (Answer, Response):
        # Answers and responses carry their placement's organisations (copied when saved).
        if role == Role.SCHOOL_CONTACT:
            return table.school == actor.school_id  # type: ignore[attr-defined]
        if role == Role.PROVIDER_STAFF:
            return (table.provider == actor.provider_id) & (  # type: ignore[attr-defined]
                table.local_authority == actor.local_authority_id  # type: ignore[attr-defined]
            )
        if la:
            return table.local_authority == actor.local_authority_id  # type: ignore[attr-defined]
        return _nothing(table)
    if table is SafeguardingAlert and role not in SAFEGUARDING_ROLES:
        # Alerts carry what a child said about their safety: the LA's named contact only.
        return _nothing(table)
    if table is School:
        if role == Role.SCHOOL_CONTACT:
            return School.id == actor.school_id
        if la or role == Role.PROVIDER_STAFF:
            return School.local_authority == actor.local_authority_id
        return _nothing(table)
    path = placement_path(table)
    if role == Role.SCHOOL_CONTACT:
        return path.school == actor.school_id
    if role == Role.PROVIDER_STAFF:
        # A provider's staff are invited by one council and see that council's pupils only: a
        # provider several councils use is one row, and another council linking it (by its
        # public URN) and inviting "provider staff" must not reach the first council's pupils.
        return (path.provider == actor.provider_id) & (
            path.local_authority == actor.local_authority_id
        )
    if la:
        return path.local_authority == actor.local_authority_id
    return _nothing(table)
