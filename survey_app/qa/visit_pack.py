"""The QA visit pack: what an officer takes to a visit, as an A4 PDF drawn by WeasyPrint.

The provider's contacts and safeguarding lead (the LA's own register entry), the last visit and
the actions it left open, how many learners are placed there now, safeguarding alerts since the
last visit (how many, and where each stands: never what a child said), learner voice since the
last visit beside all time, the provider report, and room for notes.

It is printed in black and white more often than not, so nothing relies on colour: ratings are
written as words and charts sit beside their tables.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from piccolo.query.functions.aggregate import Count

from reports.aggregation import IndicatorCount, IndicatorResult, indicator_results
from reports.journeys import ChangesReport
from reports.provider import ProviderReport
from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.qa_tables import QAAction, QAVisit
from survey_app.db.tables import Answer, Invitation, Placement, Response, SafeguardingAlert
from survey_app.qa.forms import VISIT_KINDS
from survey_app.qa.statuses import ActionStatus
from survey_app.reporting.queries import end_surveys
from survey_app.safeguarding.statuses import AlertStatus
from survey_app.time_in_england import start_of_day_in_england, today_in_england
from survey_app.web.display import long_date, register_filters

TEMPLATES = Path(__file__).parents[1] / "web" / "templates"

#: How each state of an alert is named in the pack.
ALERT_STATES: dict[str, str] = {
    AlertStatus.NEW: "New, not yet looked at",
    AlertStatus.ACKNOWLEDGED: "Acknowledged, action pending",
    AlertStatus.CLOSED: "Closed, action recorded",
}


class Contacts(msgspec.Struct, frozen=True):
    """The provider's contact details and safeguarding lead, from the LA's register entry."""

    address: str
    postcode: str
    contact_name: str
    contact_email: str
    contact_phone: str
    safeguarding_lead: str
    safeguarding_contact: str


class LastVisit(msgspec.Struct, frozen=True):
    visited_on: dt.date
    kind: str
    officers: str
    summary: str
    #: The actions agreed at this visit that are still open.
    open_actions: list[tuple[str, dt.date]]


class AlertCount(msgspec.Struct, frozen=True):
    status: str
    label: str
    count: int


class VoiceRow(msgspec.Struct, frozen=True):
    """One indicator since the last visit beside all time."""

    key: str
    label: str
    since: IndicatorResult | None
    all_time: IndicatorResult


class VisitFacts(msgspec.Struct, frozen=True):
    contacts: Contacts
    last_visit: LastVisit | None
    learners_now: int
    #: Alerts raised since the last visit (ever, if none), by state; counts only.
    alerts: list[AlertCount]
    alerts_total: int
    #: Pupils who answered since the last visit (all time when there was none).
    responses_since: int
    responses_all_time: int
    voice: list[VoiceRow]


def voice_rows(since: list[IndicatorCount], all_time: list[IndicatorCount]) -> list[VoiceRow]:
    """Each indicator since the last visit beside all time, shown as the LA sees them (no
    suppression: the pack is for LA staff only)."""
    recent = {r.key: r for r in indicator_results(since, threshold=None)}
    return [
        VoiceRow(r.key, r.label, recent.get(r.key), r)
        for r in indicator_results(all_time, threshold=None)
    ]


def alert_counts(rows: list[dict[str, Any]]) -> list[AlertCount]:
    """Alerts by state, every state listed (a nought says as much as a count)."""
    counted = {row["status"]: row["count"] for row in rows}
    return [
        AlertCount(status, label, counted.get(status, 0)) for status, label in ALERT_STATES.items()
    ]


async def _indicator_counts(
    actor: Actor, provider_id: int, since: dt.datetime | None
) -> list[IndicatorCount]:
    rows = await (
        Answer.select(Answer.indicator, Answer.polarity, Count(alias="count"))
        .where(
            Answer.provider == provider_id,
            scope(actor, Answer),
            # The end-of-placement figures, as the provider report gives them.
            end_surveys(Answer),
            Answer.indicator.is_not_null(),
            *([Answer.response.submitted_at >= since] if since else []),  # type: ignore[union-attr]
        )
        .group_by(Answer.indicator, Answer.polarity)
    )
    return [IndicatorCount(r["indicator"], r["polarity"], r["count"]) for r in rows]


async def visit_facts(actor: Actor, provider: dict[str, Any], today: dt.date) -> VisitFacts:
    """What the pack says beyond the provider report, for ``provider`` as ``record_of`` gives
    it (so already in the actor's scope). Every query is scoped to the actor's own LA."""
    provider_id = provider["id"]
    visit = await (
        QAVisit.select()
        .where(QAVisit.provider == provider_id, scope(actor, QAVisit))
        .order_by(QAVisit.visited_on, ascending=False)
        .order_by(QAVisit.id, ascending=False)
        .first()
    )
    last_visit = None
    since = None
    if visit is not None:
        actions = await (
            QAAction.select(QAAction.description, QAAction.due_on)
            .where(
                QAAction.visit == visit["id"],
                QAAction.status == ActionStatus.OPEN,
                scope(actor, QAAction),
            )
            .order_by(QAAction.due_on)
        )
        last_visit = LastVisit(
            visited_on=visit["visited_on"],
            kind=visit["kind"],
            officers=visit["officers"],
            summary=visit["summary"],
            open_actions=[(a["description"], a["due_on"]) for a in actions],
        )
        # From the start of the day of the visit: what pupils said that day is new to the pack.
        since = start_of_day_in_england(visit["visited_on"])
    learners_now = await Placement.count().where(
        Placement.provider == provider_id,
        scope(actor, Placement),
        Placement.start_date <= today,
        Placement.ended_on.is_null() | (Placement.ended_on >= today),
        Placement.planned_end_date.is_null() | (Placement.planned_end_date >= today),
    )
    # Alerts are the safeguarding contact's to read (scope() keeps them from officers); the pack
    # counts them by state through the officer's own scope of invitations, and reads nothing
    # else of them: not the answer, not the words, not the pupil's reference.
    alert_rows = await (
        SafeguardingAlert.select(SafeguardingAlert.status, Count(alias="count"))
        .where(
            SafeguardingAlert.invitation.is_in(
                Invitation.select(Invitation.id).where(
                    placement_path(Invitation).provider == provider_id,
                    scope(actor, Invitation),
                )
            ),
            *([SafeguardingAlert.raised_at >= since] if since else []),
        )
        .group_by(SafeguardingAlert.status)
    )
    alerts = alert_counts(alert_rows)
    responses = [Response.provider == provider_id, scope(actor, Response), end_surveys(Response)]
    responses_all_time = await Response.count().where(*responses)
    responses_since = (
        await Response.count().where(*responses, Response.submitted_at >= since)
        if since
        else responses_all_time
    )
    since_counts = await _indicator_counts(actor, provider_id, since) if since else []
    all_counts = await _indicator_counts(actor, provider_id, None)
    return VisitFacts(
        contacts=Contacts(
            **{field: provider.get(field) or "" for field in Contacts.__struct_fields__}
        ),
        last_visit=last_visit,
        learners_now=learners_now,
        alerts=alerts,
        alerts_total=sum(a.count for a in alerts),
        responses_since=responses_since,
        responses_all_time=responses_all_time,
        voice=voice_rows(since_counts, all_counts),
    )


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
    )
    register_filters(environment)
    return environment


def render_html(
    report: ProviderReport,
    facts: VisitFacts,
    charts: dict[str, Markup],
    now: dt.datetime,
    changes: ChangesReport | None = None,
) -> str:
    """The pack as HTML (what the PDF is drawn from); ``changes``: its distance travelled."""
    template = _environment().get_template("print/qa_pack.html")
    return template.render(
        r=report,
        f=facts,
        visit_kinds=VISIT_KINDS,
        charts=charts,
        changes=changes,
        printed=long_date(today_in_england(now)),
    )


class PackUnavailable(Exception):
    """WeasyPrint cannot load Pango on this machine; the message says what to install."""


def render(
    report: ProviderReport,
    facts: VisitFacts,
    charts: dict[str, Markup],
    now: dt.datetime,
    changes: ChangesReport | None = None,
) -> bytes:
    """The pack as PDF bytes; slow (a few hundred ms), so call it off the event loop."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    try:
        import weasyprint
    except OSError as error:
        raise PackUnavailable(
            "PDF packs need the Pango library: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from error

    pdf: bytes = weasyprint.HTML(
        string=render_html(report, facts, charts, now, changes)
    ).write_pdf()
    return pdf
