"""Piccolo tables for staff accounts and the service's own security records: users, their
invitations, reset links, API tokens and sessions, guessing counters and the audit log.

No pupil names, dates of birth or addresses here either; tokens and addresses are keyed hashes.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from survey_app.accounts.statuses import Role
from survey_app.db.tables import LocalAuthority, Provider, School
from survey_app.ops.statuses import AuditOutcome

# Leaf modules (they import nothing from survey_app): ``choices`` documents each column's values
# and changes no schema; Piccolo stores an enum member as its plain value.


class StaffUser(Table, tablename="staff_user"):
    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    email = Varchar(length=254, unique=True)
    password_hash = Varchar(length=200)
    role = Varchar(length=30, choices=Role)
    local_authority = ForeignKey(LocalAuthority, null=False, index=True)
    school = ForeignKey(School, null=True, default=None)
    provider = ForeignKey(Provider, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
    #: The TOTP secret, encrypted with a key derived from the server secret; null until set up.
    totp_secret_encrypted = Varchar(length=200, null=True, default=None)
    #: The last time step a code was accepted for, so each code works once.
    totp_last_step = Integer(null=True, default=None)
    #: When they last finished signing in (shown on the staff page); null if never.
    last_signed_in_at = Timestamptz(null=True, default=None)


class PasswordReset(Table, tablename="password_reset"):
    """A single-use password reset link; only the hash of its token is kept."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    user = ForeignKey(StaffUser, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class StaffInvitation(Table, tablename="staff_invitation"):
    """A single-use link for an invited staff member to set their password; only the keyed hash
    of its token is kept. The account exists (without a password) from the moment it is made."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    user = ForeignKey(StaffUser, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    #: Who invited them: a staff user's id, or null when made at the server console.
    invited_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_token"):
    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    user = ForeignKey(StaffUser, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    label = Varchar(length=80, default="")
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    #: Null only for tokens made before expiry existed: they expire ``api_token_days`` after
    #: ``created_at`` (see ``accounts/users.py``).
    expires_at = Timestamptz(null=True, default=None)
    #: When the token was last used, to within a minute, so forgotten tokens can be revoked.
    last_used_at = Timestamptz(null=True, default=None)


class StaffSession(Table, tablename="staff_session"):
    """Server-side session data, shared by every server instance through the database."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    key_hash = Varchar(length=64, unique=True)
    #: The signed-in user, so signing out or disabling an account can end all their sessions.
    user_id = Integer(null=True, default=None, index=True)
    data = Text()
    expires_at = Timestamptz(index=True)


class LookupFailure(Table, tablename="lookup_failure"):
    """Failed link or code look-ups per (hashed) address, shared by every server instance."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    key_hash = Varchar(length=64, unique=True)
    window_started_at = Timestamptz()
    failures = Integer(default=0)


class AuditEvent(Table, tablename="audit_event"):
    """Who did what to which object, when. The application only ever inserts rows here.

    Never a token, password or pupil comment: actions and ids only.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    at = Timestamptz(index=True)
    user_id = Integer(null=True, default=None, index=True)
    local_authority = Integer(null=True, default=None, index=True)
    action = Varchar(length=60, index=True)
    object_type = Varchar(length=40, default="")
    object_id = Varchar(length=60, default="")
    outcome = Varchar(length=20, default=AuditOutcome.OK, choices=AuditOutcome)
    #: A keyed hash of the client address: enough to spot a pattern, not to identify.
    client = Varchar(length=16, default="")
