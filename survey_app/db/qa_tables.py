"""Piccolo tables for an LA's quality assurance of its providers: visits, the actions agreed at
them, every change to the QA record, and each provider's "you said, we did" for its pupils."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from survey_app.db.tables import LocalAuthority, Provider

# Leaf modules (they import nothing from survey_app): ``choices`` documents each column's values
# and changes no schema; Piccolo stores an enum member as its plain value.
from survey_app.qa.statuses import ActionStatus, VisitKind, YouSaidStatus


class QAVisit(Table, tablename="qa_visit"):
    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    #: The LA whose QA record this visit belongs to: only its staff see it.
    local_authority = ForeignKey(LocalAuthority, null=True, default=None, index=True)
    provider = ForeignKey(Provider, null=False, index=True)
    visited_on = Date()
    kind = Varchar(length=20, default=VisitKind.ROUTINE, choices=VisitKind)
    summary = Text(default="")
    #: The officers who visited, as the LA writes them (staff names, never pupils').
    officers = Varchar(length=300, default="")
    #: The learner-voice results were discussed at this visit, with what was said.
    learner_voice_discussed = Boolean(default=False)
    learner_voice_note = Text(default="")
    recorded_by = Integer(null=True, default=None)
    recorded_at = Timestamptz(null=True, default=None)


class QAAction(Table, tablename="qa_action"):
    """Something a provider must do after a visit, by a date."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=True, default=None, index=True)
    provider = ForeignKey(Provider, null=False, index=True)
    visit = ForeignKey(QAVisit, null=False, index=True)
    description = Text()
    due_on = Date()
    status = Varchar(length=12, default=ActionStatus.OPEN, choices=ActionStatus)
    done_on = Date(null=True, default=None)


class QARecordChange(Table, tablename="qa_record_change"):
    """One change to an LA's QA record of a provider: kept for ever, so reports show history."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=True, default=None, index=True)
    provider = ForeignKey(Provider, null=False, index=True)
    field = Varchar(length=40)
    old_value = Varchar(length=200, default="")
    new_value = Varchar(length=200, default="")
    reason = Text(default="")
    #: The day the change took effect (a rating's date), which may be before it was recorded.
    effective_on = Date()
    changed_by = Integer(null=True, default=None)
    changed_at = Timestamptz()


class YouSaid(Table, tablename="you_said"):
    """A provider's "You said, we did": what pupils there said and what it changed, in words a
    pupil reads on the opening page of their survey once the LA has published it.

    Belongs to one LA's view of one provider (a provider serving two LAs answers each). Never
    holds anything about one pupil: the form refuses names, contact details and dates.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=False, index=True)
    provider = ForeignKey(Provider, null=False, index=True)
    #: What pupils said, as pupils will read it ("Pupils here said the journey was too long.").
    you_said = Text(default="")
    #: What changed ("Now the minibus picks up from school.").
    we_did = Text(default="")
    status = Varchar(length=12, default=YouSaidStatus.DRAFT, index=True, choices=YouSaidStatus)
    #: The LA's note when it sent the entry back (shown to the provider until it resubmits).
    review_note = Text(default="")
    created_by = Integer(null=True, default=None)
    updated_at = Timestamptz()
    submitted_at = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
