"""The API for reports: a provider's figures, the area summary, a school's report."""

from __future__ import annotations

import datetime as dt

from litestar import Router, get
from litestar.di import NamedDependency

from reports.area import AreaSummary
from reports.provider import ProviderReport
from reports.school import SchoolReport
from survey_app.accounts.scoping import Actor
from survey_app.reporting.access import (
    open_area_summary,
    open_provider_report,
    open_school_report,
)
from survey_app.settings import Settings
from survey_app.web.api_errors import ERRORS
from survey_app.web.params import ObjectId, Year, academic_year


@get("/providers/{provider_id:int}/report", responses=ERRORS)
async def api_provider_report(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
    year: Year = None,
) -> ProviderReport:
    """Learner-voice figures for one provider: per indicator, per question, response rate, and
    what changed (``what_changed``) as the provider page shows it to the same user."""
    report = await open_provider_report(settings, actor, provider_id, now, academic_year(year))
    return report


@get("/area-summary", responses=ERRORS)
async def api_area_summary(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    year: Year = None,
) -> AreaSummary:
    """The LA's publishable summary (LA staff only): headlines, providers, spot-check prompts,
    and what changed across the area (``what_changed``)."""
    summary = await open_area_summary(settings, actor, now, academic_year(year))
    return summary


@get("/schools/{school_id:int}/report", responses=ERRORS)
async def api_school_report(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    school_id: ObjectId,
) -> SchoolReport:
    """A school's own pupils: request status, each pupil's feedback, protected totals, and what
    changed for each of them (``journeys``)."""
    report = await open_school_report(settings, actor, school_id, now)
    return report


report_api = Router(
    path="/", route_handlers=[api_provider_report, api_area_summary, api_school_report]
)
