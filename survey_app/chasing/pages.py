"""Staff pages for chasing: the outbox, the chasing list, response rates and QR slips."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from reports.periods import term_key
from reports.rates import Invited, rates_by
from survey_app.accounts.guards import allow, commissioners, la_staff
from survey_app.accounts.scoping import Actor, Role, placement_path, scope
from survey_app.chasing.finding import not_own_page, open_ended_page
from survey_app.chasing.reminders import OPEN_FIELDS, closed_unanswered
from survey_app.db.tables import (
    Invitation,
    LocalAuthority,
    OutboxMessage,
    Provider,
    Response,
    School,
)
from survey_app.mail.finding import outbox_spec
from survey_app.mail.messages import fill, hide
from survey_app.mail.outbox import unseal
from survey_app.mail.statuses import MessageKind
from survey_app.ops.audit import record, refuse
from survey_app.ops.demo import DEMO_LA_CODE
from survey_app.ops.logging_filters import redact
from survey_app.organisations.provider_records import add_provider_names, provider_names
from survey_app.placements.finding import provider_choices
from survey_app.settings import Settings
from survey_app.surveys.invitations import link_for, on_the_slips_sheet, waiting_today
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import (
    date_in_england,
    end_of_day_in_england,
    start_of_day_in_england,
)
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListSpec,
    Sort,
    contains,
    fetch_page,
    parse,
)
from survey_app.web.params import ObjectId
from survey_app.web.rendering import staff_page as _page
from survey_app.web.urls import Urls


async def _shows_links(actor: Actor, settings: Settings) -> bool:
    """Whether this outbox page may show the links in its messages: only demo data, in demo mode.

    In demo mode nothing is emailed, so the page is how a demo user follows a link. Demo mode
    alone is not enough (a real LA's data could be loaded into a server left in demo mode): the
    LA must be the one ``survey-app demo`` creates, whose users and pupils are made up.
    """
    if not settings.demo_mode:
        return False
    la = (
        await LocalAuthority.select(LocalAuthority.code)
        .where(LocalAuthority.id == actor.local_authority_id)
        .first()
    )
    return la is not None and la["code"] == DEMO_LA_CODE


def _as_shown(row: dict[str, Any], settings: Settings, links: bool) -> dict[str, Any]:
    if links:
        body = fill(row["body"], unseal(settings.secret_key, row["secrets_sealed"]) or {})
    else:
        # ``redact`` too, for bodies queued before links were sealed and not yet sent.
        body = redact(hide(row["body"]))
    return {**row, "body": body, "secrets_sealed": None}


@get("/outbox", guards=[la_staff])
async def outbox(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Template:
    """Every message the service has queued for this LA: sent, waiting, or missing an address;
    a page at a time, searched and filtered by the query string.

    Links that let their holder in are hidden: they are for the recipient only (a colleague's
    password-reset link, a pupil's survey link).
    """
    spec = outbox_spec()
    query, errors = parse(spec, request.query_params)
    found = await fetch_page(spec, query, errors, actor, OutboxMessage, OutboxMessage.all_columns())
    links = await _shows_links(actor, settings)
    await record("outbox.viewed", now=now, actor=actor, object_type="outbox")
    return _page(
        "outbox",
        actor,
        400 if errors else 200,
        found=found,
        messages=[_as_shown(row, settings, links) for row in found.rows],
        demo=settings.demo_mode,
    )


async def _chasing_spec(actor: Actor, now: dt.datetime) -> ListSpec:
    """The chasing list: surveys still waiting, longest-waiting first, found by pupil, provider,
    school and closing date."""
    placement = placement_path(Invitation)
    schools = (
        await School.select(School.id, School.name)
        .where(scope(actor, School))
        .order_by(School.name)
    )
    return ListSpec(
        path="/staff/chasing",
        noun=("survey waiting", "surveys waiting"),
        fields=(
            Field(
                name="q",
                label="Pupil reference",
                kind=FieldKind.SEARCH,
                where=contains(placement.pupil_reference),
            ),
            Field(
                name="provider",
                label="Provider",
                kind=FieldKind.CHOICE,
                where=lambda value: placement.provider == int(value),
                choices=await provider_choices(actor),
            ),
            Field(
                name="school",
                label="School",
                kind=FieldKind.CHOICE,
                where=lambda value: placement.school == int(value),
                choices=tuple((str(row["id"]), row["name"]) for row in schools),
            ),
            Field(
                name="closes_by",
                label="Closes on or before",
                kind=FieldKind.DATE,
                where=lambda day: Invitation.expires_at <= end_of_day_in_england(day),
            ),
        ),
        sorts={
            "waiting": Sort("Longest waiting first", ((Invitation.opened_at, True),)),
            "closing": Sort("Closing soonest first", ((Invitation.expires_at, True),)),
            "reference": Sort("Pupil reference, A to Z", ((placement.pupil_reference, True),)),
        },
    )


async def _reminders_sent(actor: Actor, invitation_ids: list[str]) -> dict[str, int]:
    """Reminders queued for each of these invitations (both the school's and the provider's)."""
    if not invitation_ids:
        return {}
    # Keys are "reminder:<who>:<invitation>:<day>": only this page's invitations are read.
    matches = [OutboxMessage.dedupe_key.like(f"reminder:%:{i}:%") for i in invitation_ids]
    counts: dict[str, int] = {}
    for row in await OutboxMessage.select(OutboxMessage.dedupe_key).where(
        scope(actor, OutboxMessage),
        OutboxMessage.kind == MessageKind.REMINDER,
        functools.reduce(operator.or_, matches),
    ):
        invitation = row["dedupe_key"].split(":")[2]
        counts[invitation] = counts.get(invitation, 0) + 1
    return counts


@get("/chasing", guards=[la_staff])
async def chasing(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Template:
    """Surveys still waiting, most overdue first (a page at a time, searched and filtered by the
    query string), and open-ended placements."""
    spec = await _chasing_spec(actor, now)
    query, errors = parse(spec, request.query_params)
    waiting_now = [Invitation.status == InvitationStatus.OPEN, Invitation.expires_at > now]
    found = await fetch_page(spec, query, errors, actor, Invitation, OPEN_FIELDS, waiting_now)
    # Its page links keep the other lists' places (chasing/finding.py).
    found = found.beside(request.query_params)
    # Each provider as this council names it, never as another council using it does.
    await add_provider_names(found.rows, "la")
    waiting = [{**row, "days_waiting": (now - row["opened_at"]).days} for row in found.rows]
    open_ended = await open_ended_page(settings, actor, now, request.query_params)
    not_own = await not_own_page(actor, request.query_params)
    bad = errors or open_ended.errors or not_own.errors
    return _page(
        "chasing",
        actor,
        400 if bad else 200,
        found=found,
        waiting=waiting,
        reminders=await _reminders_sent(actor, [str(row["id"]) for row in found.rows]),
        open_ended=open_ended,
        closed=await closed_unanswered(now, actor.local_authority_id),
        weeks=settings.open_ended_weeks,
        not_own=not_own,
    )


# Per school and term, a provider's rates show one pupil's status whenever a school sends it one
# pupil; providers see counts as of the morning on their own page instead.
@get("/rates", guards=[commissioners])
async def rates(actor: NamedDependency[Actor]) -> Template:
    """Response rates by provider, by school or LA team, and by term, within the actor's scope."""
    placement = placement_path(Invitation)
    rows = await Invitation.select(
        Invitation.id,
        Invitation.status,
        Invitation.opened_at,
        placement.provider.as_alias("provider_id"),
        placement.local_authority.as_alias("local_authority"),
        placement.school.name.as_alias("school"),
        placement.la_team.as_alias("la_team"),
    ).where(
        scope(actor, Invitation),
        # A survey withdrawn with its placement (entered in error) was never really asked.
        Invitation.status != InvitationStatus.REVOKED,
        # The rate of end-of-placement surveys, as the reports give it: start surveys and
        # check-ins would change what an existing rate means.
        Invitation.kind == InvitationKind.END,
    )
    await add_provider_names(rows, "local_authority", "provider_id", "provider")
    kept = {
        row["invitation"]
        for row in await Response.select(Response.invitation).where(
            Response.partial.eq(True), scope(actor, Response)
        )
    }
    invited = [
        Invited(
            provider=row["provider"],
            commissioner=row["school"] or f"LA team: {row['la_team']}",
            opened_on=date_in_england(row["opened_at"]),
            completed=row["status"] == InvitationStatus.COMPLETED,
            partial=row["id"] in kept,
        )
        for row in rows
    ]
    return _page(
        "rates",
        actor,
        by_provider=rates_by(invited, "provider"),
        by_commissioner=rates_by(invited, "commissioner"),
        by_term=rates_by(invited, "term"),
    )


def _slip(settings: Settings, row: dict[str, Any]) -> dict[str, Any]:
    link = link_for(settings, row["id"], row["revocation_counter"])
    return {
        "id": row["id"],
        "reference": row["reference"],
        "kind": row["kind"],
        "short_code": link.short_code,
        "qr": link.qr_svg_path,
        "code_page": Urls.of(settings).code_page(),
        "expires": row["expires_at"],
    }


SLIP_FIELDS = (
    Invitation.id,
    Invitation.kind,
    Invitation.revocation_counter,
    Invitation.expires_at,
    placement_path(Invitation).pupil_reference.as_alias("reference"),
)


provider_staff = allow(Role.PROVIDER_STAFF)


@get("/my-learners", guards=[provider_staff])
async def my_learners(actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]) -> Template:
    """How many of this provider's learners have a survey waiting and have answered this term.

    Counts only: no name, reference, status or time. Both are as of the start of today, so a
    pupil the provider watches finish does not change them until tomorrow, when every pupil who
    finished that day moves at once. That still says "someone finished yesterday", which the
    provider could learn anyway (a finished pupil's link says so); what it cannot say is which
    of the day's pupils did, unless only one had a slip. Bands would hide little more (a count
    crossing a band edge gives the same away) and make the page useless for small providers.
    """
    day = date_in_england(now)
    day_start = start_of_day_in_england(day)
    # Opened before today too: a survey opened today joins the count tomorrow, as the page says
    # (its slip is on the sheet at once), so the count never moves while the provider watches.
    waiting = await Invitation.count().where(
        scope(actor, Invitation), waiting_today(now), Invitation.opened_at < day_start
    )
    answered = await Response.count().where(
        scope(actor, Response), Response.term == term_key(day), Response.submitted_at < day_start
    )
    return _page(
        "my_learners",
        actor,
        waiting=waiting,
        answered=answered,
        provider_id=actor.provider_id,
        as_of=day_start,
    )


@get("/providers/{provider_id:int}/slips")
async def provider_slips(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Template:
    """A printable A4 sheet of QR slips for every learner whose survey is open here.

    The reference is on each slip so staff hand the right slip to the right child; there is no
    status or time on it, and a pupil who has answered keeps their slip until the survey closes,
    so the sheet never gives away who has finished.
    """
    if not await Provider.exists().where(Provider.id == provider_id, scope(actor, Provider)):
        raise await refuse(actor, "provider", provider_id, now)
    name = (await provider_names([(actor.local_authority_id, provider_id)]))[
        (actor.local_authority_id, provider_id)
    ]
    rows = (
        await Invitation.select(*SLIP_FIELDS)
        .where(
            placement_path(Invitation).provider == provider_id,
            scope(actor, Invitation),
            on_the_slips_sheet(now),
        )
        .order_by(placement_path(Invitation).pupil_reference)
    )
    slips = [_slip(settings, row) for row in rows]
    # Each slip carries a pupil's QR code and short code: record who printed whose.
    await record(
        "invitation.slips_viewed",
        now=now,
        actor=actor,
        object_type="provider",
        object_id=provider_id,
    )
    return _page("slips", actor, title=f"QR slips: {name}", slips=slips)


@get("/invitations/{invitation_id:uuid}/slip")
async def one_slip(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    invitation_id: FromPath[uuid.UUID],
) -> Template:
    """One learner's printable slip."""
    row = (
        await Invitation.select(*SLIP_FIELDS)
        .where(Invitation.id == invitation_id, on_the_slips_sheet(now), scope(actor, Invitation))
        .first()
    )
    if row is None:
        raise await refuse(actor, "invitation", invitation_id, now)
    await record(
        "invitation.slip_viewed",
        now=now,
        actor=actor,
        object_type="invitation",
        object_id=invitation_id,
    )
    return _page("slips", actor, title=f"QR slip: {row['reference']}", slips=[_slip(settings, row)])


chasing_pages = Router(
    path="/",
    route_handlers=[outbox, chasing, rates, my_learners, provider_slips, one_slip],
)
