"""Where a staff account stands, as the staff list shows and filters it.

Derived from ``staff_user.active`` and whether a password has been set, not stored.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a staff account may do; its rule in ``scoping.scope()`` says what it sees."""

    LA_ADMIN = "la_admin"
    LA_OFFICER = "la_officer"
    LA_SAFEGUARDING = "la_safeguarding"
    SCHOOL_CONTACT = "school_contact"
    PROVIDER_STAFF = "provider_staff"


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
