""" "You said, we did": a provider's response to what its pupils said, reviewed by the LA and shown
to pupils starting there.

The provider (or the LA on its behalf) drafts and submits; the LA edits the wording if it needs to,
then publishes or sends it back with a note. Publishing replaces the provider's earlier published
entry (withdrawn, kept). Each step is audited. The words a pupil will read pass the reading gate
(``accessibility.readability``) for the youngest pupils the provider serves, and are refused if
they carry anything like a name, contact details or a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import msgspec

from accessibility.readability import check_text
from accessibility.targets import TARGETS
from questionnaires.bands import band_for
from reports.periods import academic_year_bounds
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import transaction
from survey_app.db.qa_tables import YouSaid
from survey_app.db.tables import Invitation, Placement, Provider
from survey_app.ops.audit import record
from survey_app.organisations.provider_records import named_providers
from survey_app.placements.rules import FieldError
from survey_app.qa.statuses import YouSaidStatus
from survey_app.safeguarding.screening import personal_details
from survey_app.surveys.statuses import InvitationKind
from survey_app.time_in_england import start_of_day_in_england
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListPage,
    ListQuery,
    ListSpec,
    Sort,
    fetch_page,
)

#: Who writes and submits: the provider's own staff, and LA officers and admins on its behalf.
WRITERS = {Role.PROVIDER_STAFF, Role.LA_OFFICER, Role.LA_ADMIN}
#: Who reviews, edits, publishes, sends back and withdraws.
REVIEWERS = {Role.LA_OFFICER, Role.LA_ADMIN}
#: Long enough for two or three short sentences each; the opening page must stay short.
MAX_CHARS = 300
#: Which kinds of survey show the published words on their opening page: the start (baseline)
#: survey only, read by pupils new to the provider; a check-in or the end survey stays short.
SHOWN_ON: frozenset[str] = frozenset({InvitationKind.START})

#: The two boxes and how the form names them.
FIELDS = {"you_said": "What pupils said", "we_did": "What you changed"}
#: Each band's readers, in the words an error message uses.
READERS = {
    "years_4_6": "pupils in years 4 to 6",
    "years_7_9": "pupils in years 7 to 9",
    "years_10_11": "pupils in years 10 and 11",
}


class Decision(StrEnum):
    """What a button on the entry's page asks for (the form's ``action`` value)."""

    SAVE = "save"
    SUBMIT = "submit"
    PUBLISH = "publish"
    SEND_BACK = "send_back"
    WITHDRAW = "withdraw"


class Wording(msgspec.Struct, frozen=True):
    you_said: str
    we_did: str


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    provider_id: int
    provider_name: str
    you_said: str
    we_did: str
    status: YouSaidStatus
    review_note: str
    updated_at: dt.datetime
    published_at: dt.datetime | None


def plain_problem(label: str, problem: str, band: str) -> str:
    """A reading-gate finding as the person typing would understand it."""
    readers = READERS.get(band, "the youngest pupils")
    if problem.startswith("grade "):
        return f"{label} is too hard for {readers} to read: use shorter words and sentences"
    if problem.startswith("a sentence has"):
        words = problem.removeprefix("a sentence has ").split(" words")[0]
        most = TARGETS[band].max_sentence_words
        return f"{label} has a sentence of {words} words: {readers} need {most} words or fewer"
    if problem.startswith("uses the word"):
        word = problem.removeprefix("uses the word ").split(",")[0]
        return f"{label} uses the word {word}, which pupils would not use: say it another way"
    if "syllables" in problem:
        word = problem.split(" has more than")[0]
        return f"{label} uses the long word {word}: {readers} need shorter words"
    return f"{label}: {problem}"


def check_wording(
    fields: Mapping[str, str], band: str, place: str = ""
) -> tuple[Wording, list[FieldError]]:
    """Read both boxes and check them, every problem named at once in plain words; ``place``
    is the provider's name, which may be written with capitals."""
    errors: list[FieldError] = []
    values = {name: " ".join((fields.get(name) or "").split()) for name in FIELDS}
    target = TARGETS[band]
    for name, label in FIELDS.items():
        text = values[name]
        if not text:
            errors.append(FieldError(name, f"Enter {label.lower()}"))
            continue
        if len(text) > MAX_CHARS:
            errors.append(FieldError(name, f"{label} must be {MAX_CHARS} characters or fewer"))
        for detail in personal_details(text, place):
            errors.append(FieldError(name, f"{label} seems to include {detail}: take it out"))
        for problem in check_text(text, target, name).problems:
            errors.append(FieldError(name, plain_problem(label, problem, band)))
    return Wording(values["you_said"], values["we_did"]), errors


async def reading_band(local_authority_id: int, provider_id: int) -> str:
    """The youngest band among the provider's pupils in this LA (years 4 to 6 when it has none
    yet, or when any pupil there reads the simplest version)."""
    rows = await Placement.select(Placement.year_group, Placement.simplest_version).where(
        Placement.local_authority == local_authority_id, Placement.provider == provider_id
    )
    if not rows or any(row["simplest_version"] for row in rows):
        return "years_4_6"
    return band_for(min(int(row["year_group"]) for row in rows))


async def provider_for(actor: Actor, provider_id: int | None) -> dict[str, Any] | None:
    """The provider an entry would be written for, as this actor's LA names it, if they may."""
    if actor.role not in WRITERS:
        return None
    if actor.role == Role.PROVIDER_STAFF:
        provider_id = actor.provider_id
    if provider_id is None:
        return None
    found = await named_providers(
        actor.local_authority_id, scope(actor, Provider) & (Provider.id == provider_id)
    )
    return found[0] if found else None


def _entry(row: dict[str, Any], names: Mapping[int, str]) -> Entry:
    return Entry(
        id=row["id"],
        provider_id=row["provider"],
        provider_name=names.get(row["provider"], ""),
        you_said=row["you_said"],
        we_did=row["we_did"],
        status=YouSaidStatus(row["status"]),
        review_note=row["review_note"],
        updated_at=row["updated_at"],
        published_at=row["published_at"],
    )


async def _names(actor: Actor) -> dict[int, str]:
    providers = await named_providers(actor.local_authority_id, scope(actor, Provider))
    return {p["id"]: p["name"] for p in providers}


async def entry(actor: Actor, entry_id: int) -> Entry | None:
    """One entry, if the actor may see it (through ``scope``)."""
    if actor.role not in WRITERS:
        return None
    row = await YouSaid.select().where(YouSaid.id == entry_id, scope(actor, YouSaid)).first()
    return _entry(row, await _names(actor)) if row else None


#: Every status at once: a view over the stored statuses, not a status itself.
ALL = "all"


def _status(value: str) -> Any:
    return None if value == ALL else YouSaid.status == YouSaidStatus(value)


def entry_spec(
    actor: Actor, providers: list[dict[str, Any]], labels: Mapping[YouSaidStatus, str]
) -> ListSpec:
    """The list of entries (``web/listing.py``): the LA's reviewers start at those waiting for
    review; a provider's staff at all of theirs. ``providers`` (id and the LA's name for it)
    offer the provider filter to reviewers; ``labels`` name each status."""
    reviewer = actor.role in REVIEWERS
    fields = [
        Field(
            name="status",
            label="Status",
            kind=FieldKind.CHOICE,
            where=_status,
            choices=(*((str(k), v) for k, v in labels.items()), (ALL, "Any status")),
            default=YouSaidStatus.SUBMITTED.value if reviewer else ALL,
        )
    ]
    if reviewer:
        fields.append(
            Field(
                name="provider",
                label="Provider",
                kind=FieldKind.CHOICE,
                where=lambda value: YouSaid.provider == int(value),
                choices=tuple((str(p["id"]), p["name"]) for p in providers),
            )
        )
    return ListSpec(
        path="/staff/you-said",
        noun=("entry", "entries"),
        fields=tuple(fields),
        sorts={
            "changed": Sort("Last changed, newest first", ((YouSaid.updated_at, False),)),
            "oldest": Sort("Last changed, oldest first", ((YouSaid.updated_at, True),)),
        },
    )


async def find_entries(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[FieldError]
) -> tuple[ListPage, list[Entry]]:
    """One page of the entries the actor may see (``scope``), each provider named as the
    actor's LA names it."""
    found = await fetch_page(spec, query, errors, actor, YouSaid, YouSaid.all_columns())
    names = await _names(actor)
    return found, [_entry(row, names) for row in found.rows]


def allowed(actor: Actor, status: YouSaidStatus) -> set[Decision]:
    """What this actor may do to an entry in this status."""
    if status == YouSaidStatus.DRAFT:
        done = {Decision.SAVE, Decision.SUBMIT}
        return done | {Decision.PUBLISH} if actor.role in REVIEWERS else done
    if actor.role not in REVIEWERS:
        return set()
    if status == YouSaidStatus.SUBMITTED:
        return {Decision.SAVE, Decision.PUBLISH, Decision.SEND_BACK}
    if status == YouSaidStatus.PUBLISHED:
        return {Decision.WITHDRAW}
    return set()


async def create(
    actor: Actor, provider_id: int, wording: Wording, submit: bool, now: dt.datetime
) -> int:
    """A new entry for the provider, saved as a draft or submitted at once; audited."""
    status = YouSaidStatus.SUBMITTED if submit else YouSaidStatus.DRAFT
    async with transaction():
        rows = await YouSaid.insert(
            YouSaid(
                local_authority=actor.local_authority_id,
                provider=provider_id,
                you_said=wording.you_said,
                we_did=wording.we_did,
                status=status,
                created_by=actor.user_id,
                updated_at=now,
                submitted_at=now if submit else None,
            )
        ).returning(YouSaid.id)
        entry_id = int(rows[0]["id"])
        await record(
            f"you_said.{'submitted' if submit else 'drafted'}",
            now=now,
            actor=actor,
            object_type="you_said",
            object_id=entry_id,
        )
    return entry_id


async def decide(
    actor: Actor,
    entry_id: int,
    decision: Decision,
    wording: Wording | None,
    note: str,
    now: dt.datetime,
) -> bool:
    """Apply one decision (with the wording as typed, where it changes it); False if the entry
    is not the actor's to act on in the status it is in now. Audited in the same transaction."""
    async with transaction():
        row = await YouSaid.select().where(YouSaid.id == entry_id, scope(actor, YouSaid)).first()
        if row is None or decision not in allowed(actor, YouSaidStatus(row["status"])):
            return False
        changes: dict[Any, Any] = {YouSaid.updated_at: now}
        if wording is not None and decision in (Decision.SAVE, Decision.SUBMIT, Decision.PUBLISH):
            changes[YouSaid.you_said] = wording.you_said
            changes[YouSaid.we_did] = wording.we_did
        if decision == Decision.SUBMIT:
            changes |= {
                YouSaid.status: YouSaidStatus.SUBMITTED,
                YouSaid.submitted_at: now,
                YouSaid.review_note: "",
            }
        elif decision == Decision.SEND_BACK:
            changes |= {YouSaid.status: YouSaidStatus.DRAFT, YouSaid.review_note: note}
        elif decision == Decision.WITHDRAW:
            changes[YouSaid.status] = YouSaidStatus.WITHDRAWN
        elif decision == Decision.PUBLISH:
            # One published entry per provider per LA: the newer one replaces the older.
            await YouSaid.update({YouSaid.status: YouSaidStatus.WITHDRAWN}).where(
                YouSaid.local_authority == row["local_authority"],
                YouSaid.provider == row["provider"],
                YouSaid.status == YouSaidStatus.PUBLISHED,
            )
            changes |= {
                YouSaid.status: YouSaidStatus.PUBLISHED,
                YouSaid.published_at: now,
                YouSaid.review_note: "",
            }
        await YouSaid.update(changes).where(YouSaid.id == entry_id)
        await record(
            f"you_said.{decision.value}",
            now=now,
            actor=actor,
            object_type="you_said",
            object_id=entry_id,
        )
    return True


async def for_pupil(invitation_id: Any) -> Wording | None:
    """The published words for the provider and LA of this pupil's placement, if any, and if
    this kind of survey shows them. No staff actor: the invitation itself is the scope."""
    invitation = (
        await Invitation.select(
            Invitation.kind,
            Invitation.placement.provider.as_alias("provider"),
            Invitation.placement.local_authority.as_alias("local_authority"),
        )
        .where(Invitation.id == invitation_id)
        .first()
    )
    if invitation is None or invitation["kind"] not in SHOWN_ON:
        return None
    row = (
        await YouSaid.select(YouSaid.you_said, YouSaid.we_did)
        .where(
            YouSaid.local_authority == invitation["local_authority"],
            YouSaid.provider == invitation["provider"],
            YouSaid.status == YouSaidStatus.PUBLISHED,
        )
        .order_by(YouSaid.published_at, ascending=False)
        .first()
    )
    return Wording(row["you_said"], row["we_did"]) if row else None


async def providers_published(local_authority_id: int, academic_year: int | None) -> int:
    """How many providers have a response published in this LA (in this academic year)."""
    where: list[Any] = [
        YouSaid.local_authority == local_authority_id,
        YouSaid.status == YouSaidStatus.PUBLISHED,
    ]
    if academic_year is not None:
        start, end = academic_year_bounds(academic_year)
        where += [
            YouSaid.published_at >= start_of_day_in_england(start),
            YouSaid.published_at < start_of_day_in_england(end + dt.timedelta(days=1)),
        ]
    rows = await YouSaid.select(YouSaid.provider).where(*where).distinct()
    return len(rows)
