"""Report pages and their downloads: provider, area summary, school, the QA visit pack."""

from __future__ import annotations

import datetime as dt

import anyio
from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.exceptions import (
    NotFoundException,
    ServiceUnavailableException,
)
from litestar.response import Redirect, Template
from markupsafe import Markup

from reports.charts import charts_for
from reports.export_tables import area_tables, provider_tables, school_tables
from reports.periods import academic_year_label
from reports.provider import ProviderReport
from survey_app.accounts.guards import la_staff
from survey_app.accounts.scoping import Actor, Role
from survey_app.organisations.provider_records import record_of
from survey_app.placements.finding import find_placements, placement_spec
from survey_app.placements.records import PlacementView
from survey_app.qa import visit_pack as qa_pack
from survey_app.reporting.access import (
    open_area_summary,
    open_provider_report,
    open_school_page,
    open_school_report,
)
from survey_app.reporting.queries import academic_years
from survey_app.reporting.school_queries import pupils_spec
from survey_app.settings import Settings
from survey_app.time_in_england import today_in_england
from survey_app.web.downloads import download, file_stem
from survey_app.web.listing import parse
from survey_app.web.params import ObjectId, TableKey, Year, academic_year
from survey_app.web.rendering import staff_page as _page


def provider_charts(report: ProviderReport) -> dict[str, Markup]:
    """The report's charts, marked safe for the template: leather escapes every label it writes."""
    return {name: Markup(svg) for name, svg in charts_for(report).items()}  # noqa: S704


@get("/providers/{provider_id:int}")
async def provider_detail(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
    year: Year = None,
) -> Template:
    """One provider's QA record and learner-voice report (totals only for provider staff)."""
    chosen = academic_year(year)
    report = await open_provider_report(settings, actor, provider_id, now, chosen)
    placements: list[PlacementView] = []
    found = None
    if actor.role != Role.PROVIDER_STAFF:
        # The newest page of this provider's placements; the rest are one link away, filtered.
        spec = await placement_spec(actor, now)
        query, errors = parse(spec, {"provider": str(provider_id)})
        found, placements = await find_placements(settings, actor, spec, query, errors, now)
    return _page(
        "provider",
        actor,
        report=report,
        placements=placements,
        found=found,
        charts=provider_charts(report),
        # issue 18: what changed, opened with the report so the downloads carry the same.
        changes=report.what_changed,
        year=chosen,
        year_headings=[f"Year {group}" for group in report.year_groups],
    )


def _kind(request: Request) -> str:
    return request.url.path.rsplit(".", 1)[-1]


@get(
    [
        "/providers/{provider_id:int}/report.csv",
        "/providers/{provider_id:int}/report.xlsx",
        "/providers/{provider_id:int}/report.zip",
    ]
)
async def provider_download(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
    year: Year = None,
    table: TableKey = None,
) -> Response[bytes]:
    """The provider report as XLSX (a sheet a table), one table as CSV, or a ZIP of CSVs (the
    same figures the page shows, what changed included)."""
    report = await open_provider_report(settings, actor, provider_id, now, academic_year(year))
    stem = file_stem("learner-voice", report.provider_name, now)
    return download(provider_tables(report), stem, _kind(request), table)


@get("/providers/{provider_id:int}/qa-pack.pdf", guards=[la_staff], media_type="application/pdf")
async def provider_pack(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
    year: Year = None,
) -> Response[bytes]:
    """The QA visit pack: the provider report on A4, for the officer to take on a visit."""
    report = await open_provider_report(settings, actor, provider_id, now, academic_year(year))
    provider = await record_of(actor, provider_id)
    if provider is None:  # open_provider_report has refused anything out of scope already
        raise NotFoundException()
    facts = await qa_pack.visit_facts(actor, provider, today_in_england(now))
    try:
        # issue 18: the pack's "Distance travelled" section is the report's what changed.
        pdf = await anyio.to_thread.run_sync(
            qa_pack.render, report, facts, provider_charts(report), now, report.what_changed
        )
    except qa_pack.PackUnavailable as error:
        raise ServiceUnavailableException(str(error)) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="qa-pack-provider-{provider_id}.pdf"'
        },
    )


@get("/area")
async def area(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    year: Year = None,
) -> Template:
    """The area summary an LA would publish, with spot-check prompts for officers only."""
    chosen = academic_year(year)
    summary = await open_area_summary(settings, actor, now, chosen)
    years = await academic_years(actor)
    return _page(
        "area",
        actor,
        summary=summary,
        # issue 18: what changed across the area (all years), small numbers hidden for publication.
        changes=summary.what_changed,
        year=chosen,
        years=[(y, academic_year_label(y)) for y in years],
    )


@get(["/area.csv", "/area.xlsx", "/area.zip"])
async def area_download(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    year: Year = None,
    table: TableKey = None,
) -> Response[bytes]:
    """The area summary as XLSX, one table as CSV, or a ZIP of CSVs, ready to publish."""
    summary = await open_area_summary(settings, actor, now, academic_year(year))
    stem = file_stem("area-learner-voice", summary.period_label, now)
    return download(area_tables(summary), stem, _kind(request), table)


@get("/my-school")
async def my_school(actor: NamedDependency[Actor]) -> Redirect:
    """Where a school contact finds their school's report."""
    if actor.school_id is None:
        raise NotFoundException()
    return Redirect(path=f"/staff/schools/{actor.school_id}/report")


@get("/schools/{school_id:int}/report")
async def school_page(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    school_id: ObjectId,
) -> Template:
    """A school's own pupils: totals, and each pupil's request status and feedback, a page
    of pupils at a time."""
    query, errors = parse(pupils_spec(school_id), request.query_params)
    report, found = await open_school_page(settings, actor, school_id, now, query, errors)
    return _page(
        "school_report",
        actor,
        400 if errors else 200,
        report=report,
        found=found,
        # issue 18: the journeys of this page's pupils, opened with the report.
        journeys=report.journeys,
    )


@get(
    [
        "/schools/{school_id:int}/report.csv",
        "/schools/{school_id:int}/report.xlsx",
        "/schools/{school_id:int}/report.zip",
    ]
)
async def school_download(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    school_id: ObjectId,
    table: TableKey = None,
) -> Response[bytes]:
    """The school's report as XLSX, one table as CSV, or a ZIP of CSVs."""
    report = await open_school_report(settings, actor, school_id, now)
    stem = file_stem("learner-voice", report.school_name, now)
    return download(school_tables(report), stem, _kind(request), table)


report_pages = Router(
    path="/",
    route_handlers=[
        provider_detail,
        provider_download,
        provider_pack,
        area,
        area_download,
        my_school,
        school_page,
        school_download,
    ],
)
