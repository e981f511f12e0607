"""The one scoping function: which rows of organisation data a staff member may see."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec
from piccolo.table import Table

from survey_app.db.tables import (
    Answer,
    IndicatorTally,
    Invitation,
    OutboxMessage,
    Placement,
    Provider,
    Response,
    SafeguardingAlert,
    School,
)


class Role(StrEnum):
    LA_ADMIN = "la_admin"
    LA_OFFICER = "la_officer"
    LA_SAFEGUARDING = "la_safeguarding"
    SCHOOL_CONTACT = "school_contact"
    PROVIDER_STAFF = "provider_staff"


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
    if table is Response:
        return Response.invitation.placement  # type: ignore[union-attr]
    if table is Answer:
        return Answer.response.invitation.placement  # type: ignore[union-attr]
    if table is SafeguardingAlert:
        return SafeguardingAlert.invitation.placement
    raise OutOfScope(table.__name__)


def scope(actor: Actor, table: type[Table]) -> Any:
    """A where-clause limiting ``table`` to what ``actor`` may see; every staff query uses it."""
    if table is Provider:
        if actor.role == Role.PROVIDER_STAFF:
            return Provider.id == actor.provider_id
        return Provider.local_authority == actor.local_authority_id
    if table is OutboxMessage:
        # Emails name pupils' references and schools: only the LA's own staff see its outbox.
        if not actor.is_la:
            return OutboxMessage.id < 0
        return OutboxMessage.local_authority == actor.local_authority_id
    if table is IndicatorTally:
        # Tallies have no school: a school contact's totals come from its own answers.
        if actor.role == Role.SCHOOL_CONTACT:
            return IndicatorTally.id < 0
        if actor.role == Role.PROVIDER_STAFF:
            return IndicatorTally.provider == actor.provider_id
        return IndicatorTally.local_authority == actor.local_authority_id
    if table is Answer:
        # Answers carry their placement's organisations (copied when saved): no joins needed.
        if actor.role == Role.SCHOOL_CONTACT:
            return Answer.school == actor.school_id
        if actor.role == Role.PROVIDER_STAFF:
            return Answer.provider == actor.provider_id
        return Answer.local_authority == actor.local_authority_id
    if table is Response:
        if actor.role == Role.SCHOOL_CONTACT:
            return Response.school == actor.school_id
        if actor.role == Role.PROVIDER_STAFF:
            return Response.provider == actor.provider_id
        return Response.local_authority == actor.local_authority_id
    if table is SafeguardingAlert and actor.role not in SAFEGUARDING_ROLES:
        # Alerts carry what a child said about their safety: the LA's named contact only.
        return SafeguardingAlert.id < 0
    if table is School:
        if actor.role == Role.SCHOOL_CONTACT:
            return School.id == actor.school_id
        return School.local_authority == actor.local_authority_id
    path = placement_path(table)
    if actor.role == Role.SCHOOL_CONTACT:
        return path.school == actor.school_id
    if actor.role == Role.PROVIDER_STAFF:
        return path.provider == actor.provider_id
    return path.local_authority == actor.local_authority_id
