"""Where a staff account stands, as the staff list shows and filters it.

Derived from ``staff_user.active`` and whether a password has been set, not stored.
"""

from __future__ import annotations

from enum import StrEnum


class StaffState(StrEnum):
    ACTIVE = "active"
    #: Invited and not yet signed up: no password set.
    INVITED = "invited"
    DISABLED = "disabled"


class OrganisationKind(StrEnum):
    """Whom a staff account works for, as the staff list filters it (from its role)."""

    #: The council's own team: its administrators, officers and safeguarding lead.
    LA = "la"
    SCHOOL = "school"
    PROVIDER = "provider"
