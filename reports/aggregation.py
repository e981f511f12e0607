"""Turning grouped counts (already summed in SQL) into report figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import msgspec

from questionnaires.indicators import ALL_INDICATORS, DontKnowMeans, dont_know_means
from questionnaires.placeholders import for_staff
from questionnaires.schema import Question, Questionnaire
from reports.disclosure import is_suppressed

POLARITIES = ("positive", "neutral", "negative")
#: The polarity of "I don't know": an answer, counted by what it means for its indicator.
NOT_KNOWN = "not_known"
#: Every polarity an answer can have: each is in the denominator of every share.
ALL_POLARITIES = (*POLARITIES, NOT_KNOWN)


class Shares(msgspec.Struct, frozen=True):
    """One indicator's counts and shares over every pupil who answered, "I don't know" included.

    For an indicator of knowing (``DontKnowMeans.NOT_KNOWING``) "I don't know" is counted with
    the negative answers, as not knowing, and has no share of its own; elsewhere it has its own
    share beside the other three. Either way the four shares cover everyone who answered.
    """

    answered: int
    positive: int
    neutral: int
    #: The negative answers, and for an indicator of knowing the "I don't know"s too.
    negative: int
    #: How many said "I don't know", whatever it counts as.
    dont_know: int
    share_positive: float | None
    share_neutral: float | None
    share_negative: float | None
    #: None for an indicator of knowing, whose "I don't know"s are in ``share_negative``.
    share_dont_know: float | None
    dont_know_means: DontKnowMeans


def shares(indicator: str, by_polarity: dict[str, int]) -> Shares:
    """Counts and shares for one indicator from its answers by polarity."""
    answered = sum(by_polarity.get(p, 0) for p in ALL_POLARITIES)
    dont_know = by_polarity.get(NOT_KNOWN, 0)
    means = dont_know_means(indicator)
    negative = by_polarity.get("negative", 0)
    if means is DontKnowMeans.NOT_KNOWING:
        negative += dont_know
    return Shares(
        answered=answered,
        positive=by_polarity.get("positive", 0),
        neutral=by_polarity.get("neutral", 0),
        negative=negative,
        dont_know=dont_know,
        share_positive=_share(by_polarity.get("positive", 0), answered),
        share_neutral=_share(by_polarity.get("neutral", 0), answered),
        share_negative=_share(negative, answered),
        share_dont_know=(
            None if means is DontKnowMeans.NOT_KNOWING else _share(dont_know, answered)
        ),
        dont_know_means=means,
    )


class IndicatorCount(msgspec.Struct, frozen=True):
    """One row of ``GROUP BY indicator, polarity``."""

    indicator: str
    polarity: str
    count: int


class OptionCount(msgspec.Struct, frozen=True):
    """One row of ``GROUP BY questionnaire, question, value``."""

    questionnaire_id: str
    question_id: str
    value: str
    count: int
    #: The term the answers were sent in, when the caller counts up to a publication.
    term: str = ""


class IndicatorResult(msgspec.Struct, frozen=True):
    """An indicator's figures; the counts are None when suppressed."""

    key: str
    label: str
    #: Pupils who answered, "I don't know" included: the denominator of every share.
    answered: int | None
    positive: int | None
    neutral: int | None
    #: For an indicator of knowing, the "I don't know"s are counted here too, as not knowing.
    negative: int | None
    dont_know: int | None
    share_positive: float | None
    share_neutral: float | None
    share_negative: float | None
    suppressed: bool = False
    #: The same indicator across the whole area, for comparison.
    area_share_positive: float | None = None
    area_answered: int | None = None
    #: The "I don't know"s' own share; None when they count as not knowing (or are hidden).
    share_dont_know: float | None = None
    dont_know_means: DontKnowMeans = DontKnowMeans.OWN_SHARE


class GroupedCount(msgspec.Struct, frozen=True):
    """One row of ``GROUP BY <group>, indicator, polarity`` (group: a term, a year group...)."""

    group: str
    indicator: str
    polarity: str
    count: int
    #: The term the answers were sent in, when the caller counts up to a publication.
    term: str = ""


class BreakdownCell(msgspec.Struct, frozen=True):
    group: str
    answered: int | None
    share_positive: float | None
    suppressed: bool = False


class IndicatorBreakdown(msgspec.Struct, frozen=True):
    """One indicator's share positive in each group of a breakdown (by term, by year group)."""

    key: str
    label: str
    cells: list[BreakdownCell]


class OptionResult(msgspec.Struct, frozen=True):
    value: str
    label: str
    count: int | None


class QuestionResult(msgspec.Struct, frozen=True):
    questionnaire_id: str
    question_id: str
    text: str
    answered: int | None
    options: list[OptionResult]
    suppressed: bool = False


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _by_indicator(counts: Iterable[IndicatorCount]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        table[row.indicator][row.polarity] += row.count
    return table


def indicator_results(
    counts: Iterable[IndicatorCount],
    *,
    threshold: int | None,
    area: Iterable[IndicatorCount] = (),
    area_threshold: int | None = None,
) -> list[IndicatorResult]:
    """Figures per indicator, in catalogue order; ``threshold`` None means show everything.

    ``area`` is the comparison shown beside each indicator. Outside the LA it must be the rest of
    the area (these pupils left out), so that it never moves with these pupils' answers; it is
    hidden, under ``area_threshold``, when it rests on too few pupils.
    """
    table = _by_indicator(counts)
    area_table = _by_indicator(area)
    results = []
    for key, label in ALL_INDICATORS.items():
        if key not in table:
            continue
        figures = shares(key, table[key])
        area_answered = (
            sum(area_table[key][p] for p in ALL_POLARITIES) if key in area_table else None
        )
        area_share = _share(area_table[key]["positive"], area_answered) if area_answered else None
        if area_threshold is not None and area_answered is not None:
            if is_suppressed(area_answered, area_threshold):
                area_share, area_answered = None, None
        if threshold is not None and is_suppressed(figures.answered, threshold):
            results.append(
                IndicatorResult(
                    key,
                    label,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    True,
                    area_share,
                    area_answered,
                    None,
                    figures.dont_know_means,
                )
            )
            continue
        results.append(
            IndicatorResult(
                key=key,
                label=label,
                answered=figures.answered,
                positive=figures.positive,
                neutral=figures.neutral,
                negative=figures.negative,
                dont_know=figures.dont_know,
                share_positive=figures.share_positive,
                share_neutral=figures.share_neutral,
                share_negative=figures.share_negative,
                area_share_positive=area_share,
                area_answered=area_answered,
                share_dont_know=figures.share_dont_know,
                dont_know_means=figures.dont_know_means,
            )
        )
    return results


def breakdown_results(
    counts: Iterable[GroupedCount],
    groups: list[str],
    *,
    threshold: int | None,
    withheld: bool = False,
) -> list[IndicatorBreakdown]:
    """Each indicator's share positive per group; ``withheld`` hides the whole breakdown.

    The groups of an indicator add up to its overall figure, which is shown, so under a
    threshold an indicator with any group of 1 to k-1 answers is hidden in every group: hiding
    only some would leave them to be worked out from the total (``reports.disclosure``).
    """
    table: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for row in counts:
        table[row.indicator][row.group][row.polarity] += row.count
    results = []
    for key, label in ALL_INDICATORS.items():
        if key not in table:
            continue
        by_group = table[key]
        respondents = {group: sum(by_group[group].values()) for group in groups}
        hidden = withheld or (
            threshold is not None and any(is_suppressed(n, threshold) for n in respondents.values())
        )
        cells = []
        for group in groups:
            # Every answer, "I don't know" included, is in the share's denominator.
            answered = sum(by_group[group][p] for p in ALL_POLARITIES)
            if hidden and respondents[group]:
                cells.append(BreakdownCell(group, None, None, True))
                continue
            cells.append(
                BreakdownCell(group, answered, _share(by_group[group]["positive"], answered))
            )
        results.append(IndicatorBreakdown(key, label, cells))
    return results


def _questions_across_versions(versions: list[Questionnaire]) -> list[Question]:
    """Each question once, worded as in the newest version that asks it, newest order first."""
    seen: dict[str, Question] = {}
    for questionnaire in sorted(versions, key=lambda q: q.version, reverse=True):
        for question in questionnaire.questions:
            seen.setdefault(question.id, question)
    return list(seen.values())


def question_results(
    counts: Iterable[OptionCount],
    questionnaires: dict[str, list[Questionnaire]],
    *,
    threshold: int | None,
    withheld: bool = False,
) -> list[QuestionResult]:
    """Figures per closed question, over every version of each questionnaire answered.

    Each questionnaire is one age band, so the tables are a breakdown of the indicator totals:
    ``withheld`` hides them all, and under a threshold a question answered by 1 to k-1 pupils in
    any band is hidden in every band (one band alone could be subtracted from the totals).
    """
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        table[(row.questionnaire_id, row.question_id)][row.value] += row.count
    small = {
        question_id
        for (_, question_id), values in table.items()
        if threshold is not None and is_suppressed(sum(values.values()), threshold)
    }
    results = []
    for questionnaire_id, versions in sorted(questionnaires.items()):
        for question in _questions_across_versions(versions):
            if question.kind != "choice" or (questionnaire_id, question.id) not in table:
                continue
            values = table[(questionnaire_id, question.id)]
            answered = sum(values.values())
            hidden = withheld or question.id in small
            labels = {o.value: o.label for o in question.options}
            # Values from an older wording keep their count even if the newest drops them.
            order = list(labels) + [v for v in values if v not in labels]
            results.append(
                QuestionResult(
                    questionnaire_id=questionnaire_id,
                    question_id=question.id,
                    # "{place}" is a pupil's own place; a report is about many pupils.
                    text=for_staff(question.text),
                    answered=None if hidden else answered,
                    options=[
                        OptionResult(v, labels.get(v, v), None if hidden else values.get(v, 0))
                        for v in order
                    ],
                    suppressed=hidden,
                )
            )
    return results
