"""Piccolo tables: the storage edge. No pupil names, dates of birth or addresses, by design.

Beside these: staff accounts and security records in ``staff_tables.py``, QA and "you said,
we did" in ``qa_tables.py``, the reports' tallies and published figures in
``reporting_tables.py``; every table is listed in ``schema.ALL_TABLES``."""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Real,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

# Leaf modules (they import nothing from survey_app): ``choices`` documents each column's values
# and changes no schema; Piccolo stores an enum member as its plain value.
from survey_app.mail.statuses import MessageKind, MessageStatus
from survey_app.organisations.statuses import SchoolStatus
from survey_app.placements.statuses import PlacementStatus
from survey_app.safeguarding.statuses import AlertStatus, ReviewStatus
from survey_app.surveys.statuses import InvitationKind, InvitationStatus


class LocalAuthority(Table, tablename="local_authority"):
    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    name = Varchar(length=120, unique=True)
    #: ONS code, e.g. E06000036.
    code = Varchar(length=12, unique=True)
    #: DfE's three-digit LA number, as in GIAS's "LA (code)" column (e.g. 845); which GIAS rows
    #: are this authority's schools. Empty only for authorities made before it was asked for.
    dfe_number = Varchar(length=3, default="")
    safeguarding_email = Varchar(length=254, default="")
    #: Where the weekly digest and LA-team placements' requests go.
    contact_email = Varchar(length=254, default="")


class School(Table):
    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=False, index=True)
    name = Varchar(length=200)
    #: The school's public Unique Reference Number (an establishment, not a pupil). Unique within
    #: an LA when given (partial unique index ``school_urn_per_la``), so GIAS re-imports update.
    urn = Varchar(length=12, default="")
    #: Where the survey requests for this school's pupils go; GIAS has no emails.
    contact_email = Varchar(length=254, default="")
    #: From GIAS: the four-digit establishment number (with the LA number, the "LAESTAB").
    establishment_number = Varchar(length=8, default="")
    #: From GIAS: "TypeOfEstablishment (name)" and "PhaseOfEducation (name)", as published.
    establishment_type = Varchar(length=100, default="")
    phase = Varchar(length=60, default="")
    postcode = Varchar(length=10, default="")
    ukprn = Varchar(length=10, default="")
    #: A closed school keeps its placements but is not offered for new ones.
    status = Varchar(length=10, default=SchoolStatus.OPEN, index=True, choices=SchoolStatus)


class Provider(Table):
    """A non-school AP provider as the whole deployment knows it: its identity and nothing more.

    One row per provider, shared by every LA that uses it (a region may run one deployment for
    several LAs). What a council types about it lives in that council's ``ProviderRecord``, so
    nothing one council writes is seen by another.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    #: The name it was first registered under: the deployment's fallback only. Each council
    #: shows its own ``ProviderRecord.name``, never the name another council typed.
    name = Varchar(length=200)
    #: Public identifiers, where it has them ("" where not): a provider is matched by these.
    ofsted_urn = Varchar(length=12, default="", index=True)
    ukprn = Varchar(length=12, default="", index=True)
    company_number = Varchar(length=12, default="", index=True)
    charity_number = Varchar(length=12, default="", index=True)
    #: For a provider with no identifier: its name and postcode as first registered, normalised
    #: ("greenshootsfarm|ab12cd"), so another LA registering the same provider finds this row.
    match_key = Varchar(length=220, default="", index=True)


class ProviderRecord(Table, tablename="provider_record"):
    """One LA's own record of a provider: its register entry and its quality-assurance record.

    Unique on (local_authority, provider) (index ``provider_record_one_per_la``). Only the LA's
    own staff read it. A partnership sharing QA later would add a lead LA here (a
    ``shared_with_partnership`` flag and a partnership table), read by ``scope`` for the
    partnership's members; until then each LA's record stands alone.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=False, index=True)
    provider = ForeignKey(Provider, null=False, index=True)
    # The register entry: the provider's own business details, never a pupil's.
    #: The name this LA knows the provider by (another LA may spell it differently).
    name = Varchar(length=200, default="")
    address = Text(default="")
    postcode = Varchar(length=10, default="")
    contact_name = Varchar(length=120, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=40, default="")
    registration_status = Varchar(length=40, default="unregistered")
    #: Every kind of offer, comma-separated (tuition, vocational, therapeutic, ...).
    offer_types = Varchar(length=200, default="")
    #: The school census "AP setting type" code (NFE, OOT, OTH, WBP), or "".
    setting_type = Varchar(length=3, default="")
    safeguarding_lead = Varchar(length=120, default="")
    safeguarding_contact = Varchar(length=254, default="")
    dbs_checked_on = Date(null=True, default=None)
    insurance_expires_on = Date(null=True, default=None)
    policies_reviewed_on = Date(null=True, default=None)
    #: Pounds per pupil per day, or null when the council has not recorded it.
    cost_per_day = Real(null=True, default=None)
    #: Archived providers stay on record but are not offered for new placements.
    archived = Boolean(default=False)
    # The QA record.
    qa_stage = Varchar(length=40, default="referred")
    rag_rating = Varchar(length=12, default="not_rated")
    rag_rated_on = Date(null=True, default=None)
    rag_reason = Text(default="")
    last_visit_on = Date(null=True, default=None)


class Placement(Table):
    """A pupil's time with a provider, commissioned by a school or an LA team."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=False, index=True)
    #: The home school; null when an LA team commissioned the placement.
    school = ForeignKey(School, null=True, index=True)
    la_team = Varchar(length=80, null=True, default=None)
    #: "school:<id>" or "team:<name>": with the LA, pupil reference, provider and start date it
    #: identifies a placement (unique index ``placement_identity``; with the pupil reference in
    #: any case, ``placement_identity_any_case``), so re-imports and retries update.
    commissioner_key = Varchar(length=100, default="")
    provider = ForeignKey(Provider, null=False, index=True)
    #: A pseudonymous reference the commissioner can recognise: never a name.
    pupil_reference = Varchar(length=40)
    year_group = Integer()
    start_date = Date()
    planned_end_date = Date(null=True, default=None)
    ended_on = Date(null=True, default=None)
    hours_per_week = Real()
    purpose = Text(default="")
    #: Give the years 4-6 wording whatever the year group.
    simplest_version = Boolean(default=False)
    created_at = Timestamptz()
    #: Cancelled as entered in error: kept (with its history) but out of chasing and reports.
    status = Varchar(length=12, default=PlacementStatus.ACTIVE, index=True, choices=PlacementStatus)
    #: When the placement or its survey last changed (recorded, edited, ended, survey issued or
    #: answered): the API's ``updated_since`` and its cursor order rest on it. Every write sets
    #: it to the request's time; Piccolo fills in now for rows inserted without it.
    updated_at = Timestamptz()


class PlacementChange(Table, tablename="placement_change"):
    """One correction to a placement (a field edited, cancelled, its survey reissued or
    extended): what changed, when, by whom. Kept for the placement's life; erasing the
    placement erases its history with it (the foreign key cascades)."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    placement = ForeignKey(Placement, null=False, index=True)
    field = Varchar(length=40)
    old_value = Varchar(length=200, default="")
    new_value = Varchar(length=200, default="")
    changed_by = Integer(null=True, default=None)
    changed_at = Timestamptz()


class Invitation(Table):
    """A single-use survey link for one placement; the token itself is never stored.

    At most one standing per placement, kind and period (partial unique index
    ``invitation_one_live_per_period``): one start and one end survey per placement, one review
    per half term. A withdrawn one (``revoked``) is left out, so an end survey withdrawn when its
    placement was extended can open again nearer the new end.
    """

    id = UUID(primary_key=True)
    placement = ForeignKey(Placement, null=False, index=True)
    kind = Varchar(length=10, default=InvitationKind.END, choices=InvitationKind)
    #: Which review this is: the first day of its half term ("2027-02-22"); "" for start and end.
    period = Varchar(length=10, default="")
    questionnaire_id = Varchar(length=40)
    #: Keyed hashes of the link token and of the short code, for look-up only.
    token_hash = Varchar(length=64, unique=True)
    short_code_hash = Varchar(length=64, unique=True)
    #: Bumped to revoke: the token is derived from id and this counter.
    revocation_counter = Integer(default=0)
    opened_at = Timestamptz()
    expires_at = Timestamptz()
    status = Varchar(length=12, default=InvitationStatus.OPEN, index=True, choices=InvitationStatus)
    completed_at = Timestamptz(null=True, default=None)


class Response(Table):
    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    invitation = ForeignKey(Invitation, null=False, unique=True)
    questionnaire_id = Varchar(length=40)
    questionnaire_version = Integer()
    band = Varchar(length=12)
    submitted_at = Timestamptz()
    #: The school term the response was sent in, as a sortable key: "2026-3" is autumn 2026.
    term = Varchar(length=8, default="", index=True)
    #: The first calendar year of the academic year it was sent in (2026 for 2026/27).
    academic_year = Integer(default=0, index=True)
    #: The kind of survey answered (start, review or end), copied from the invitation so
    #: reports can count end-of-placement surveys only without a join.
    kind = Varchar(length=10, default=InvitationKind.END, choices=InvitationKind)
    # Copied from the placement when the response is saved, so response counts need no joins
    # (composite index ``response_provider``: LA, provider, academic year, term).
    local_authority = Integer(default=0, index=True)
    provider = Integer(default=0)
    school = Integer(null=True, default=None, index=True)
    #: The pupil said they did not feel safe or asked to talk to someone: never silently dropped.
    needs_follow_up = Boolean(default=False, index=True)
    #: Sent from a browser that held a staff session, or from an address the provider's staff
    #: signed in from that day: the LA may want to ask whether the pupil answered alone.
    #: Shown to the LA only, never to the provider.
    possibly_not_own = Boolean(default=False)
    #: Why, in words for the LA ("opened in a browser signed in as staff", ...).
    possibly_not_own_why = Varchar(length=120, default="")
    #: Never sent: the link closed with answers saved, and the scheduled work kept them
    #: (``surveys.partials``). Reports count its answers and say how many responses are partial.
    partial = Boolean(default=False)


class Answer(Table):
    """One answer; at most one per response and question (index ``answer_one_per_question``)."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    response = ForeignKey(Response, null=False, index=True, index_method=IndexMethod.btree)
    question_id = Varchar(length=40)
    indicator = Varchar(length=40, null=True, default=None)
    #: The chosen option's value, or null for free text and skipped questions.
    value = Varchar(length=40, null=True, default=None)
    polarity = Varchar(length=10, null=True, default=None)
    text = Text(null=True, default=None)
    # What reports group and scope by, copied from the placement and response when the answer is
    # saved (facts at that moment, never updated), so every report is one indexed GROUP BY on
    # this table: see the composite indexes ``answer_area`` and ``answer_provider``.
    local_authority = Integer(default=0)
    provider = Integer(default=0)
    school = Integer(null=True, default=None, index=True)
    year_group = Integer(default=0)
    term = Varchar(length=8, default="")
    academic_year = Integer(default=0)
    #: The kind of survey answered, copied from the invitation: reports count ``end`` only.
    kind = Varchar(length=10, default=InvitationKind.END, choices=InvitationKind)
    #: Free text only: pending until the safeguarding contact releases or withholds it.
    review_status = Varchar(length=12, null=True, default=None, index=True, choices=ReviewStatus)
    #: What reports may show: the text as released, with any redactions.
    released_text = Text(null=True, default=None)
    reviewed_by = Integer(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)


class DraftAnswer(Table, tablename="draft_answer"):
    """An answer saved as the pupil moves on, before they send the survey.

    One per invitation and question (unique index ``draft_answer_one_per_question``). A skipped
    question is a row with neither value nor text, so resuming starts after it.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    invitation = ForeignKey(Invitation, null=False, index=True)
    question_id = Varchar(length=40)
    value = Varchar(length=40, null=True, default=None)
    text = Text(null=True, default=None)
    saved_at = Timestamptz()
    #: The pupil session (browser) that saved it: a session shows only its own answers, so
    #: someone else opening the link on another device never sees what the pupil saved.
    #: "" for answers saved before sessions were told apart.
    pupil_session = Varchar(length=32, default="")


class SafeguardingAlert(Table, tablename="safeguarding_alert"):
    """Raised the moment a pupil says they felt unsafe or asks to talk, finished survey or not.

    One per invitation and question (unique index ``safeguarding_alert_one_per_question``).
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    invitation = ForeignKey(Invitation, null=False, index=True)
    question_id = Varchar(length=40)
    answer_value = Varchar(length=40)
    raised_at = Timestamptz()
    #: New, then acknowledged, then closed once an action is recorded.
    status = Varchar(length=20, default=AlertStatus.NEW, index=True, choices=AlertStatus)
    #: "answer" (an option marked for safeguarding) or "words" (screened free text).
    reason = Varchar(length=12, default="answer")
    #: For screened text: the listed words or phrases it matched.
    matched_terms = Varchar(length=300, default="")
    #: Every flagged thing the pupil wrote for this question, in the order written, kept even
    #: if they (or another browser on their link) later change or remove the answer.
    words = Text(default="")
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by = Integer(null=True, default=None)
    #: What the safeguarding contact did about it.
    action = Text(default="")
    closed_at = Timestamptz(null=True, default=None)
    #: When it was escalated for not being acknowledged in time.
    escalated_at = Timestamptz(null=True, default=None)
    #: The pupil gave the answer after their survey had closed (expired, a newer survey opened,
    #: withdrawn): the alert is raised all the same, and says so.
    after_close = Boolean(default=False)


class OutboxMessage(Table, tablename="outbox_message"):
    """A message to send, written in the same transaction as what caused it.

    ``dedupe_key`` is unique: the same reminder or digest can never be queued twice.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    #: The LA whose work caused the message: the outbox page is scoped by it.
    local_authority = ForeignKey(LocalAuthority, null=False, index=True)
    dedupe_key = Varchar(length=200, unique=True)
    kind = Varchar(length=30, index=True, choices=MessageKind)
    recipient = Varchar(length=254)
    subject = Varchar(length=200)
    #: Placeholders where links that let their holder in go: see ``survey_app.mail.messages``.
    body = Text()
    #: Those links, Fernet-encrypted under the server secret; cleared once the message is sent.
    secrets_sealed = Text(null=True, default=None)
    status = Varchar(length=12, default=MessageStatus.PENDING, index=True, choices=MessageStatus)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_by = Varchar(length=40, null=True, default=None)
    claimed_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    #: What the message is about ("invitation:<id>", "safeguarding_alert:<id>"), so erasing a
    #: pupil erases the emails about them by identity; null for messages about no pupil.
    cause = Varchar(length=80, null=True, default=None, index=True)


class ErasureLedger(Table, tablename="erasure_ledger"):
    """Every pupil erased, so a restore from an older backup can erase them again.

    Only a keyed hash of the LA and pupil reference (``survey_app.ops.erasures.pupil_key``):
    never the reference itself, which is what was erased. A copy lives in a file beside the
    database, so a restore cannot lose it.
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    pupil_key = Varchar(length=64, unique=True)
    erased_at = Timestamptz()


class LaSettings(Table, tablename="la_settings"):
    """One LA's own choices (``organisations/la_settings.py``); an empty column (NULL) means
    "use the deployment's environment setting"."""

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = ForeignKey(LocalAuthority, null=False, unique=True)
    #: The line shown under the authority's name on pupils' pages and in emails.
    public_contact = Varchar(length=200, null=True, default=None)
    reply_to = Varchar(length=254, null=True, default=None)
    #: GOV.UK Notify cannot take a reply-to address, only the id of one set up in Notify.
    notify_reply_to_id = Varchar(length=36, null=True, default=None)
    sign_off = Text(null=True, default=None)
    controller = Varchar(length=200, null=True, default=None)
    dpo_contact = Varchar(length=200, null=True, default=None)
    retention_days = Integer(null=True, default=None)
    invitation_open_days_before = Integer(null=True, default=None)
    invitation_expiry_days = Integer(null=True, default=None)
    reminder_days = Varchar(length=60, null=True, default=None)
    disclosure_threshold = Integer(null=True, default=None)
    #: Hours the safeguarding contact has to pick up an alert; pupils who ask for help are told.
    safeguarding_escalation_hours = Integer(null=True, default=None)
    #: Whether pupils get a start (baseline) survey, and how many days into the placement it
    #: opens; whether they get a check-in each half term. NULL: the deployment's setting.
    start_survey = Boolean(null=True, default=None)
    start_survey_days = Integer(null=True, default=None)
    review_survey = Boolean(null=True, default=None)
