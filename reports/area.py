"""The area summary: the headline figures an LA would publish, and a table of its providers.

It is built to be published, so disclosure control applies whoever is looking. The spot-check
prompts are for LA officers only and are labelled so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable
from typing import Annotated

import msgspec

from questionnaires.indicators import ALL_INDICATORS, DontKnowMeans, dont_know_means
from reports.aggregation import ALL_POLARITIES, shares
from reports.disclosure import ALL, TOTAL, grid, note, protect_relations
from reports.journeys import ChangesReport

#: The figures an LA would put in its annual report, with how they are worded there: the
#: positive answers, and the negative ones (which, for an indicator of knowing, include every
#: "I don't know": ``questionnaires.indicators.DONT_KNOW_MEANS``).
HEADLINES: dict[str, tuple[str, str]] = {
    "overall_rating": ("rated their placement good or better", "rated it poor or not good"),
    "felt_safe": ("felt safe", "did not feel safe"),
    "home_school_contact": (
        "kept in touch with their home school",
        "had no contact with their home school",
    ),
    "next_steps": ("know what happens next", "are unclear about what happens next"),
}
#: The indicators whose shortfall prompts a spot-check visit.
FLAGGED_INDICATORS = ("felt_safe", "overall_rating")
#: 95% two-sided normal quantile, for the Wilson interval.
Z95 = 1.959964


class ProviderCount(msgspec.Struct, frozen=True):
    """One row of ``GROUP BY provider, academic year, indicator, polarity``."""

    provider_id: int
    academic_year: int
    indicator: str
    polarity: str
    count: int


class ProviderLine(msgspec.Struct, frozen=True):
    """A provider as counted for the area: the SQL layer fills these."""

    provider_id: int
    name: str
    invitations: int
    responses: int


class Headline(msgspec.Struct, frozen=True):
    """One headline over every pupil who answered, "I don't know" included (None: hidden)."""

    key: str
    wording: str
    answered: int | None
    share_positive: float | None
    #: How the negative share is worded ("are unclear about what happens next").
    negative_wording: str = ""
    share_neutral: float | None = None
    #: For an indicator of knowing, the "I don't know"s are in here, as not knowing.
    share_negative: float | None = None
    #: The "I don't know"s' own share; None when they count as not knowing.
    share_dont_know: float | None = None
    dont_know_means: DontKnowMeans = DontKnowMeans.OWN_SHARE


class ProviderCell(msgspec.Struct, frozen=True):
    key: str
    answered: int | None
    share_positive: float | None
    suppressed: bool = False


class ProviderRow(msgspec.Struct, frozen=True):
    """A provider's line in the publishable summary: learner voice only, never the LA's own QA
    rating of it (internal to the LA, like the reasons behind it)."""

    provider_id: int
    name: str
    invitations: int | None
    responses: int | None
    response_rate: float | None
    cells: list[ProviderCell]
    suppressed: bool = False


class SpotCheckPrompt(msgspec.Struct, frozen=True):
    """A provider whose figure is well below the area's: consider a spot-check visit."""

    provider_id: int
    name: str
    indicator: str
    label: str
    answered: int
    share_positive: float
    upper_bound: float
    area_share_positive: float


class AreaSummary(msgspec.Struct, frozen=True):
    period_label: str
    #: None when so few pupils answered that even the total is hidden; so is every figure from
    #: which it follows (the response rate beside the invitations, the providers answered about).
    responses: int | None
    providers_with_responses: int | None
    invitations: int
    response_rate: float | None
    headlines: list[Headline]
    indicator_keys: list[str]
    indicator_labels: list[str]
    providers: list[ProviderRow]
    spot_check_prompts: list[SpotCheckPrompt]
    disclosure_note: str
    #: Of ``responses``, those never sent but kept when the link closed (their answers count);
    #: None when hidden.
    partial_responses: int | None = None
    #: Providers with a "You said, we did" published in the period: a count of providers, which
    #: says nothing about any pupil, so never hidden.
    providers_published_response: int = 0
    #: What changed across the area's pupils (issue 18), all years, as the area's kept
    #: publication (``reports.journeys.area_changes``), small numbers hidden as on the page: set
    #: when the summary is opened (``survey_app.reporting.access``).
    what_changed: Annotated[
        ChangesReport | None,
        msgspec.Meta(
            description=(
                "What changed across the area, all years: per indicator, pupils who answered a "
                "start survey and a later one, and how many answered better, the same, worse, or "
                "cannot be compared; as published at the end of the last complete term, moving "
                "on only once at least k more pupils have answered both; meant to be published, "
                "so small numbers are hidden."
            )
        ),
    ] = None


def wilson_upper(positive: int, answered: int, z: float = Z95) -> float:
    """The upper end of the Wilson score interval for a share: the most it could plausibly be."""
    if answered == 0:
        return 1.0
    p = positive / answered
    denominator = 1 + z * z / answered
    centre = p + z * z / (2 * answered)
    margin = z * math.sqrt(p * (1 - p) / answered + z * z / (4 * answered * answered))
    return min(1.0, (centre + margin) / denominator)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def build_area_summary(
    *,
    period_label: str,
    providers: list[ProviderLine],
    responses_by_year: dict[tuple[int, int], int],
    counts: list[ProviderCount],
    threshold: int,
    academic_year: int | None = None,
    partial_by_year: dict[int, int] | None = None,
    providers_published_response: int = 0,
) -> AreaSummary:
    """The publishable summary for one academic year (or all), every figure protected.

    Each figure is protected as part of the whole provider-by-year table with its margins, so
    the views for different years and for all years can be set side by side, or subtracted,
    without revealing a group under ``threshold``.
    """
    column: Hashable = ALL if academic_year is None else academic_year
    table: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    area: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    respondents: dict[str, dict[tuple[Hashable, Hashable], int]] = defaultdict(dict)
    for row in counts:
        cell = (row.provider_id, row.academic_year)
        respondents[row.indicator][cell] = respondents[row.indicator].get(cell, 0) + row.count
        if academic_year is not None and row.academic_year != academic_year:
            continue
        table[row.provider_id][row.indicator][row.polarity] += row.count
        area[row.indicator][row.polarity] += row.count
    keys = [key for key in ALL_INDICATORS if key in area]

    def answered(by_polarity: dict[str, int]) -> int:
        # "I don't know" is an answer: every share is over everyone who answered.
        return sum(by_polarity[p] for p in ALL_POLARITIES)

    responses = sum(p.responses for p in providers)
    invitations = sum(p.invitations for p in providers)
    grid_cells: dict[tuple[Hashable, Hashable], int] = {
        (provider, year): n for (provider, year), n in responses_by_year.items()
    }
    row_hidden = protect_relations(*grid(grid_cells), threshold)
    column_hidden = {key: protect_relations(*grid(respondents[key]), threshold) for key in keys}
    headlines = []
    for key, (wording, negative_wording) in HEADLINES.items():
        hidden = (TOTAL, column) in column_hidden[key] if key in column_hidden else True
        figures = shares(key, area[key]) if key in area else None
        if hidden or figures is None:
            headlines.append(
                Headline(
                    key,
                    wording,
                    None,
                    None,
                    negative_wording=negative_wording,
                    dont_know_means=dont_know_means(key),
                )
            )
            continue
        headlines.append(
            Headline(
                key,
                wording,
                figures.answered,
                figures.share_positive,
                negative_wording=negative_wording,
                share_neutral=figures.share_neutral,
                share_negative=figures.share_negative,
                share_dont_know=figures.share_dont_know,
                dont_know_means=figures.dont_know_means,
            )
        )
    rows = []
    for provider in sorted(providers, key=lambda p: p.name.lower()):
        shown = (provider.provider_id, column) not in row_hidden
        cells = []
        for key in keys:
            by_polarity = table[provider.provider_id][key]
            n = answered(by_polarity)
            if shown and (provider.provider_id, column) not in column_hidden[key]:
                cells.append(ProviderCell(key, n, _share(by_polarity["positive"], n)))
            else:
                cells.append(ProviderCell(key, None, None, True))
        rows.append(
            ProviderRow(
                provider_id=provider.provider_id,
                name=provider.name,
                invitations=provider.invitations if shown else None,
                responses=provider.responses if shown else None,
                response_rate=_share(provider.responses, provider.invitations) if shown else None,
                cells=cells,
                suppressed=not shown,
            )
        )
    prompts = []
    names = {p.provider_id: p.name for p in providers}
    for key in FLAGGED_INDICATORS:
        if key not in area:
            continue
        if not answered(area[key]):
            continue
        area_share = area[key]["positive"] / answered(area[key])
        for provider_id, by_indicator in table.items():
            n = answered(by_indicator[key])
            if n < threshold:
                continue
            upper = wilson_upper(by_indicator[key]["positive"], n)
            if upper < area_share:
                prompts.append(
                    SpotCheckPrompt(
                        provider_id=provider_id,
                        name=names.get(provider_id, str(provider_id)),
                        indicator=key,
                        label=ALL_INDICATORS[key],
                        answered=n,
                        share_positive=round(by_indicator[key]["positive"] / n, 4),
                        upper_bound=round(upper, 4),
                        area_share_positive=round(area_share, 4),
                    )
                )
    total_hidden = (TOTAL, column) in row_hidden
    # Partial against sent, per year and over all years, is one more table tied to the totals:
    # protected as a whole, so no view of it minus another isolates fewer than k pupils.
    partial_by_year = partial_by_year or {}
    sent_or_kept: dict[tuple[Hashable, Hashable], int] = {}
    for (_, year), n in responses_by_year.items():
        sent_or_kept[("sent", year)] = sent_or_kept.get(("sent", year), 0) + n
    for year, n in partial_by_year.items():
        sent_or_kept[("partial", year)] = n
        sent_or_kept[("sent", year)] = sent_or_kept.get(("sent", year), 0) - n
    partial_hidden = protect_relations(*grid(sent_or_kept), threshold) if sent_or_kept else set()
    partial_shown = not total_hidden and not (
        ("partial", column) in partial_hidden or (TOTAL, column) in partial_hidden
    )
    partial_count = sum(
        n for year, n in partial_by_year.items() if academic_year is None or year == academic_year
    )
    return AreaSummary(
        period_label=period_label,
        responses=None if total_hidden else responses,
        # Each provider counted had at least one response: k-1 providers with a hidden total
        # under k would give the total away.
        providers_with_responses=None if total_hidden else sum(1 for p in providers if p.responses),
        invitations=invitations,
        # Responses = rate x invitations: hidden with the number answering.
        response_rate=None if total_hidden else _share(responses, invitations),
        headlines=headlines,
        indicator_keys=keys,
        indicator_labels=[ALL_INDICATORS[key] for key in keys],
        providers=rows,
        spot_check_prompts=sorted(prompts, key=lambda p: (p.name.lower(), p.indicator)),
        disclosure_note=note(threshold),
        partial_responses=partial_count if partial_shown else None,
        providers_published_response=providers_published_response,
    )
