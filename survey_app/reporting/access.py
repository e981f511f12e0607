"""Opening a report as a staff member: the scope check, the refusal and the audit, in one place.

The staff pages and the JSON API both call these, so a report is refused, or recorded as viewed,
the same way whichever door it is opened through.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar.exceptions import NotFoundException, ValidationException

from reports.area import AreaSummary
from reports.provider import ProviderReport
from reports.school import SchoolReport
from survey_app.accounts.scoping import Actor, Role
from survey_app.ops.audit import record, refuse
from survey_app.placements.rules import FieldError
from survey_app.reporting.area_queries import area_summary
from survey_app.reporting.journey_queries import area_changes_for, provider_changes, school_journeys
from survey_app.reporting.queries import provider_report
from survey_app.reporting.school_queries import school_report
from survey_app.settings import Settings
from survey_app.web.listing import ListPage, ListQuery


async def open_provider_report(
    settings: Settings, actor: Actor, provider_id: int, now: dt.datetime, year: int | None
) -> ProviderReport:
    """The provider report, or a logged 404 for a provider outside the actor's scope, with what
    changed (issue 18) as this actor may see it, so the page, its downloads and the API carry
    the same figures from the one place.

    Only LA staff may choose a period: for anyone else one year's figures could be set against
    the all-years figures to reveal a small group, so they see all years only.
    """
    if year is not None and not actor.is_la:
        raise ValidationException(
            "Only LA staff can choose a period (year): the report shows all years",
            extra=[{"key": "year", "message": "only LA staff can choose a period"}],
        )
    report = await provider_report(settings, actor, provider_id, now, year)
    if report is None:
        raise await refuse(actor, "provider", provider_id, now)
    await record("report.view", now=now, actor=actor, object_type="provider", object_id=provider_id)
    # Only once the scope check has passed: outside the LA this keeps a publication.
    changes = await provider_changes(settings, actor, provider_id, now)
    return msgspec.structs.replace(report, what_changed=changes)


async def open_area_summary(
    settings: Settings, actor: Actor, now: dt.datetime, year: int | None
) -> AreaSummary:
    """The area summary, for LA staff only, with what changed across the area (all years) as the
    area's kept publication: it is meant to be published, so never live."""
    if not actor.is_la:
        raise NotFoundException("The area summary is for LA staff")
    summary = await area_summary(settings, actor, year)
    await record("report.view", now=now, actor=actor, object_type="area", object_id=year or "all")
    changes = await area_changes_for(settings, actor, now)
    return msgspec.structs.replace(summary, what_changed=changes)


async def open_school_report(
    settings: Settings, actor: Actor, school_id: int, now: dt.datetime
) -> SchoolReport:
    """A school's report with every pupil, for its contact and its LA; a logged 404 for
    anyone else."""
    report, _ = await open_school_page(settings, actor, school_id, now, None)
    return report


async def open_school_page(
    settings: Settings,
    actor: Actor,
    school_id: int,
    now: dt.datetime,
    query: ListQuery | None,
    errors: list[FieldError] | None = None,
) -> tuple[SchoolReport, ListPage | None]:
    """``open_school_report`` with one page of its pupils when ``query`` is given, and what
    changed for each pupil listed (that page's, or every one of them)."""
    found = (
        await school_report(settings, actor, school_id, now, query, errors or [])
        if actor.role != Role.PROVIDER_STAFF
        else None
    )
    if found is None:
        raise await refuse(actor, "school", school_id, now)
    await record("report.view", now=now, actor=actor, object_type="school", object_id=school_id)
    report, page = found
    listed = None if query is None else [pupil.placement_id for pupil in report.placements]
    journeys = await school_journeys(actor, school_id, listed)
    return msgspec.structs.replace(report, journeys=journeys), page
