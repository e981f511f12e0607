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
