"""Every table of the service, parents before children: what Piccolo migrates and what the tests
empty (in reverse). A new table is added to this list."""

from __future__ import annotations

from piccolo.table import Table

from survey_app.db.qa_tables import QAAction, QARecordChange, QAVisit, YouSaid
from survey_app.db.reporting_tables import IndicatorTally, PublishedFigures
from survey_app.db.staff_tables import (
    ApiToken,
    AuditEvent,
    LookupFailure,
    PasswordReset,
    StaffInvitation,
    StaffSession,
    StaffUser,
)
from survey_app.db.tables import (
    Answer,
    DraftAnswer,
    ErasureLedger,
    Invitation,
    LaSettings,
    LocalAuthority,
    OutboxMessage,
    Placement,
    PlacementChange,
    Provider,
    ProviderRecord,
    Response,
    SafeguardingAlert,
    School,
)

ALL_TABLES: list[type[Table]] = [
    LocalAuthority,
    School,
    Provider,
    QAVisit,
    Placement,
    PlacementChange,
    Invitation,
    Response,
    Answer,
    StaffUser,
    PasswordReset,
    StaffInvitation,
    ApiToken,
    StaffSession,
    LaSettings,
    IndicatorTally,
    PublishedFigures,
    LookupFailure,
    DraftAnswer,
    SafeguardingAlert,
    OutboxMessage,
    AuditEvent,
    QAAction,
    QARecordChange,
    ErasureLedger,
    ProviderRecord,
    YouSaid,
]
