"""The SQL behind the LA's area summary: grouped counts, through the scoping layer."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from reports.area import AreaSummary, ProviderCount, ProviderLine, build_area_summary
from reports.periods import academic_year_label
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.reporting_tables import IndicatorTally
from survey_app.db.tables import Invitation, Placement, Provider, Response
from survey_app.organisations.la_settings import disclosure_threshold
from survey_app.organisations.provider_records import named_providers
from survey_app.qa.you_said import providers_published
from survey_app.reporting.queries import end_surveys, opened_in
from survey_app.settings import Settings
from survey_app.surveys.statuses import InvitationKind, InvitationStatus


async def area_summary(
    settings: Settings, actor: Actor, academic_year: int | None = None
) -> AreaSummary:
    """The LA's publishable summary; callers check the actor is LA staff."""
    # The viewer's LA may have raised the threshold above the deployment's floor.
    threshold = await disclosure_threshold(settings, actor.local_authority_id)
    # Named as this LA keeps them, never as another council using the same provider does. No
    # rating: the publishable summary never carries providers' internal ratings.
    providers = await named_providers(actor.local_authority_id, scope(actor, Provider))
    # A withdrawn survey was never really asked (its placement cancelled, or extended: a new
    # end survey opens nearer the new end, perhaps in another year).
    opened: list[Any] = [
        Invitation.kind == InvitationKind.END,
        Invitation.status != InvitationStatus.REVOKED,
        *opened_in(academic_year),
    ]
    # Counted from placements with a sub-select: one end survey per placement, and far quicker
    # than joining every invitation to its placement.
    invited = await (
        Placement.select(Placement.provider, Count(alias="count"))
        .where(
            scope(actor, Placement),
            Placement.id.is_in(Invitation.select(Invitation.placement).where(*opened)),
        )
        .group_by(Placement.provider)
    )
    responded = await (
        Response.select(Response.provider, Response.academic_year, Count(alias="count"))
        .where(scope(actor, Response), end_surveys(Response))
        .group_by(Response.provider, Response.academic_year)
    )
    # Every year is counted, whichever is shown: each view is protected as part of the whole.
    # One tally row per key already, so no GROUP BY: read straight off the unique index.
    counts = await IndicatorTally.select(
        IndicatorTally.provider,
        IndicatorTally.academic_year,
        IndicatorTally.indicator,
        IndicatorTally.polarity,
        IndicatorTally.answers,
    ).where(scope(actor, IndicatorTally), IndicatorTally.answers != 0)
    partial = await (
        Response.select(Response.academic_year, Count(alias="count"))
        .where(scope(actor, Response), end_surveys(Response), Response.partial.eq(True))
        .group_by(Response.academic_year)
    )
    invited_by = {row["provider"]: row["count"] for row in invited}
    by_year = {(row["provider"], row["academic_year"]): row["count"] for row in responded}
    responded_by: dict[int, int] = {}
    for (provider_id, year), count in by_year.items():
        if academic_year is None or year == academic_year:
            responded_by[provider_id] = responded_by.get(provider_id, 0) + count
    return build_area_summary(
        period_label=(
            f"Academic year {academic_year_label(academic_year)}"
            if academic_year is not None
            else "All years"
        ),
        providers=[
            ProviderLine(
                provider_id=p["id"],
                name=p["name"],
                invitations=invited_by.get(p["id"], 0),
                responses=responded_by.get(p["id"], 0),
            )
            for p in providers
        ],
        responses_by_year=by_year,
        counts=[
            ProviderCount(
                r["provider"], r["academic_year"], r["indicator"], r["polarity"], r["answers"]
            )
            for r in counts
        ],
        threshold=threshold,
        academic_year=academic_year,
        partial_by_year={row["academic_year"]: row["count"] for row in partial},
        providers_published_response=await providers_published(
            actor.local_authority_id, academic_year
        ),
    )
