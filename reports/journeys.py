"""What changed: each pupil's start answer set against their later answer to the same question.

A pupil answers a short start survey soon after their placement begins, check-ins each half
term and the end survey; the start, review and end questionnaires share indicator keys and
answer values (``questionnaires/data``), so one pupil's answers to an indicator pair up. Here the
pairs are judged (better, the same, worse, or can't compare) and counted per indicator, with the
same disclosure control as every other figure (``reports.disclosure``):

* **The later answer** is the end survey's when the pupil has answered that question there,
  otherwise their latest check-in's: a pupil still in their placement already shows a journey.
* **Which way is better** is the answer scale: positive above neutral above negative; within a
  polarity, the order the later questionnaire lists its options in, when that list runs from
  best to worst (a scale like "too easy / just right / too hard" does not, and there two
  answers of the same polarity are "the same").
* **"I don't know" is an answer, never dropped**: for a question of knowing or understanding
  (``DontKnowMeans.NOT_KNOWING``) it is not knowing, at the bottom of the scale with the
  negative answers, so "I don't know" then "yes" is better; elsewhere it says nothing about
  the scale, and a pair with it on either side is counted as "can't compare".
* **Outside the LA**, counts are as of a publication: pupils are counted in the term of their
  latest paired answer, figures count up to the last complete term, and move on only once at
  least k more pupils have a pair (``reports.disclosure.pooled_cuts``); the publication shown
  is kept (``publish_changes``), so an erasure or one more pupil changes nothing a provider
  can see until k more have answered. An indicator answered in pairs by 1 to k-1 pupils is
  hidden whole (all or nothing), as is everything while fewer than k pupils have a pair.
* **The area summary** is meant to be published, so its counts are a kept publication by the
  same rule, whoever at the LA looks (``area_changes``): copies published weeks apart, or
  either side of an erasure, never differ by fewer than k pupils.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from itertools import pairwise

import msgspec

from questionnaires.indicators import ALL_INDICATORS, DontKnowMeans, dont_know_means
from questionnaires.loader import all_versions
from reports.disclosure import is_suppressed, note
from reports.periods import term_label


class Change(StrEnum):
    """How a pupil's later answer compares with their start answer."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    #: "I don't know" on either side of a question where it is not a point on the scale.
    CANNOT_COMPARE = "cannot_compare"


#: The order changes are listed in, everywhere.
CHANGES: tuple[Change, ...] = (Change.BETTER, Change.SAME, Change.WORSE, Change.CANNOT_COMPARE)

#: The survey kinds as stored (``survey_app.surveys.statuses.InvitationKind``'s values; reports
#: never import survey_app).
START, REVIEW, END = "start", "review", "end"

_COARSE = {"positive": 2, "neutral": 1, "negative": 0}
NOT_KNOWN = "not_known"

#: An indicator's options as asked, best first where the scale runs that way: (value, polarity).
Scale = Sequence[tuple[str, str]]

#: How "better" and "worse" read for an indicator, in a sentence ("9 felt safer").
WORDING: dict[str, tuple[str, str]] = {
    "felt_safe": ("felt safer", "felt less safe"),
    "trusted_adult": ("had a trusted adult more often", "had a trusted adult less often"),
    "belonging": ("felt they fitted in more", "felt they fitted in less"),
    "understood_why": ("understood better why they went", "understood less why they went"),
    "next_steps": ("knew more about what happens next", "knew less about what happens next"),
    "feelings_about_learning": ("felt better about learning", "felt worse about learning"),
}
GENERIC_WORDING = ("answered more positively", "answered less positively")


class AnswerRow(msgspec.Struct, frozen=True):
    """One answer to an indicator in a start, review or end survey (one row of the query)."""

    #: The placement: one pupil's journey. Never shown outside the LA or the pupil's school.
    pupil: int
    indicator: str
    kind: str
    value: str
    polarity: str
    questionnaire_id: str
    questionnaire_version: int
    term: str
    submitted_at: dt.datetime


class Pair(msgspec.Struct, frozen=True):
    """One pupil's start answer and later answer to one indicator, and how it changed."""

    pupil: int
    indicator: str
    before: AnswerRow
    after: AnswerRow
    change: Change


def scale_in(questionnaire_id: str, version: int, indicator: str) -> Scale | None:
    """The options a shipped questionnaire version offers for an indicator, as asked."""
    questionnaire = all_versions().get((questionnaire_id, version))
    if questionnaire is None:
        return None
    for question in questionnaire.questions:
        if question.indicator == indicator:
            return [(option.value, option.polarity) for option in question.options]
    return None


def _runs_best_first(scale: Scale) -> bool:
    """True when the options (leaving "I don't know" aside) never rise in polarity."""
    ranks = [_COARSE[p] for _, p in scale if p in _COARSE]
    return all(a >= b for a, b in pairwise(ranks))


def compare(
    indicator: str, before: tuple[str, str], after: tuple[str, str], scale: Scale | None
) -> Change:
    """How ``after`` (value, polarity) compares with ``before`` on the indicator's scale."""
    knowing = dont_know_means(indicator) is DontKnowMeans.NOT_KNOWING
    (before_value, before_polarity), (after_value, after_polarity) = before, after
    if NOT_KNOWN in (before_polarity, after_polarity) and not knowing:
        return Change.CANNOT_COMPARE
    # For a question of knowing, not knowing is counted with the negative answers.
    before_rank = _COARSE.get(before_polarity, 0)
    after_rank = _COARSE.get(after_polarity, 0)
    if after_rank != before_rank:
        return Change.BETTER if after_rank > before_rank else Change.WORSE
    if (
        scale is None
        or not _runs_best_first(scale)
        or NOT_KNOWN in (before_polarity, after_polarity)
    ):
        return Change.SAME
    positions = {value: n for n, (value, polarity) in enumerate(scale) if polarity != NOT_KNOWN}
    if before_value not in positions or after_value not in positions:
        return Change.SAME
    if positions[after_value] == positions[before_value]:
        return Change.SAME
    return Change.BETTER if positions[after_value] < positions[before_value] else Change.WORSE


def pair_up(
    rows: Iterable[AnswerRow],
    scale_of: Callable[[str, int, str], Scale | None] = scale_in,
) -> list[Pair]:
    """Each pupil's start answer to each indicator against their later answer to it.

    The later answer is the end survey's if there is one, otherwise the latest check-in's,
    sent after the start survey; a pupil with no start answer, or nothing later, has no pair.
    """
    starts: dict[tuple[int, str], AnswerRow] = {}
    later: dict[tuple[int, str], list[AnswerRow]] = defaultdict(list)
    for row in rows:
        key = (row.pupil, row.indicator)
        if row.kind == START:
            kept = starts.get(key)
            if kept is None or row.submitted_at < kept.submitted_at:
                starts[key] = row
        elif row.kind in (REVIEW, END):
            later[key].append(row)
    pairs = []
    for key, before in sorted(starts.items()):
        after_start = [r for r in later.get(key, []) if r.submitted_at > before.submitted_at]
        if not after_start:
            continue
        after = max(after_start, key=lambda r: (r.kind == END, r.submitted_at))
        scale = scale_of(after.questionnaire_id, after.questionnaire_version, after.indicator)
        change = compare(
            before.indicator, (before.value, before.polarity), (after.value, after.polarity), scale
        )
        pairs.append(Pair(key[0], key[1], before, after, change))
    return pairs


class ChangeCell(msgspec.Struct, frozen=True):
    """How many pupils counted in ``term`` changed this way on this indicator."""

    term: str
    indicator: str
    change: str
    count: int


class ChangeCounts(msgspec.Struct, frozen=True):
    """Paired counts only (no pupil): what a publication stores and every view is shaped from.

    A pupil is counted in the term of their latest paired answer, with all their pairs.
    """

    pupils_by_term: dict[str, int]
    cells: list[ChangeCell]


def count_changes(pairs: Iterable[Pair]) -> ChangeCounts:
    """Pairs summed per term, indicator and change; each pupil in the term of their latest."""
    by_pupil: dict[int, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_pupil[pair.pupil].append(pair)
    pupils_by_term: dict[str, int] = defaultdict(int)
    cells: dict[tuple[str, str, str], int] = defaultdict(int)
    for own in by_pupil.values():
        term = max(p.after.term for p in own)
        pupils_by_term[term] += 1
        for pair in own:
            cells[(term, pair.indicator, pair.change)] += 1
    return ChangeCounts(
        pupils_by_term=dict(pupils_by_term),
        cells=[ChangeCell(t, i, c, n) for (t, i, c), n in sorted(cells.items())],
    )


class PairGroup(msgspec.Struct, frozen=True):
    """Pairs alike in everything that judges and counts them, and how many (one row of the
    database's pairing, ``survey_app.reporting.journey_queries.changed_counts``): at county
    scale the database pairs and groups, and only the few thousand groups are judged here."""

    #: The term the pupils of these pairs are counted in: that of their latest paired answer.
    term: str
    indicator: str
    before_value: str
    before_polarity: str
    #: The later answer's questionnaire, whose options say which way is better.
    questionnaire_id: str
    questionnaire_version: int
    after_value: str
    after_polarity: str
    pairs: int
    #: Of those pairs, how many are their pupil's first (each pupil is in exactly one group so).
    pupils: int


def count_grouped(
    groups: Iterable[PairGroup],
    scale_of: Callable[[str, int, str], Scale | None] = scale_in,
) -> ChangeCounts:
    """``count_changes(pair_up(rows))`` from the pairs already grouped: the same counts."""
    pupils_by_term: dict[str, int] = defaultdict(int)
    cells: dict[tuple[str, str, str], int] = defaultdict(int)
    for group in groups:
        scale = scale_of(group.questionnaire_id, group.questionnaire_version, group.indicator)
        change = compare(
            group.indicator,
            (group.before_value, group.before_polarity),
            (group.after_value, group.after_polarity),
            scale,
        )
        cells[(group.term, group.indicator, change)] += group.pairs
        if group.pupils:
            pupils_by_term[group.term] += group.pupils
    return ChangeCounts(
        pupils_by_term=dict(pupils_by_term),
        cells=[ChangeCell(t, i, c, n) for (t, i, c), n in sorted(cells.items())],
    )


class IndicatorChange(msgspec.Struct, frozen=True):
    """One indicator's changes; the counts are None when hidden."""

    key: str
    label: str
    #: Pupils who answered it at the start and later: the denominator of the others.
    paired: int | None
    better: int | None
    same: int | None
    worse: int | None
    cannot_compare: int | None
    suppressed: bool
    #: "Of 14 pupils who answered both, 9 felt safer, 4 the same, 1 felt less safe."
    sentence: str


class ChangesReport(msgspec.Struct, frozen=True):
    """What changed, per indicator, as one viewer may see it."""

    #: Pupils with at least one pair; None when hidden.
    pupils: int | None
    #: Empty when withheld: which questions were answered both times is hidden too.
    indicators: list[IndicatorChange]
    #: True when fewer than k pupils have a pair in what this viewer may see.
    withheld: bool
    disclosure_controlled: bool
    period_label: str
    disclosure_note: str | None


def sentence(indicator: str, paired: int, by_change: dict[str, int]) -> str:
    """The indicator's changes in words, ready to read out or publish."""
    better_words, worse_words = WORDING.get(indicator, GENERIC_WORDING)
    who = "pupil" if paired == 1 else "pupils"
    parts = [
        f"{by_change.get(Change.BETTER, 0)} {better_words}",
        f"{by_change.get(Change.SAME, 0)} the same",
        f"{by_change.get(Change.WORSE, 0)} {worse_words}",
    ]
    text = f"Of {paired} {who} who answered both, " + ", ".join(parts)
    unsure = by_change.get(Change.CANNOT_COMPARE, 0)
    if unsure:
        text += f', and {unsure} said "I don\'t know" so cannot be compared'
    return text + "."


def build_changes(
    counts: ChangeCounts,
    *,
    controlled: bool,
    k: int,
    cuts: list[str] | None = None,
) -> ChangesReport:
    """Shape the counts for a viewer; ``controlled`` for anyone outside the LA, whose counts
    are a publication's (``publish_changes``; ``cuts`` its terms) and whose small numbers hide.
    """
    cut = cuts[-1] if cuts else None
    if controlled and cut is None:
        counts = ChangeCounts({}, [])
    pupils = sum(counts.pupils_by_term.values())
    withheld = controlled and (cut is None or is_suppressed(pupils, k))
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cell in counts.cells:
        table[cell.indicator][cell.change] += cell.count
    rows = []
    for key, label in ALL_INDICATORS.items():
        # Withheld, not even which questions were answered both times is listed: the page shows
        # none, and a download or the API must not show what the page hides.
        if key not in table or withheld:
            continue
        by_change = table[key]
        paired = sum(by_change.values())
        # All or nothing: hiding only the small groups would leave them as total minus shown.
        hidden = controlled and (withheld or is_suppressed(paired, k))
        rows.append(
            IndicatorChange(
                key=key,
                label=label,
                paired=None if hidden else paired,
                better=None if hidden else by_change.get(Change.BETTER, 0),
                same=None if hidden else by_change.get(Change.SAME, 0),
                worse=None if hidden else by_change.get(Change.WORSE, 0),
                cannot_compare=None if hidden else by_change.get(Change.CANNOT_COMPARE, 0),
                suppressed=hidden,
                sentence="" if hidden else sentence(key, paired, by_change),
            )
        )
    if controlled:
        period_label = (
            f"Pupils counted up to the end of the {term_label(cut)}"
            if cut is not None
            else "Nothing published yet"
        ) + f". Updated at the end of a term once at least {k} more pupils have answered both"
    else:
        period_label = "All pupils who have answered a start survey and a later one, as of now"
    return ChangesReport(
        pupils=None if withheld else pupils,
        indicators=rows,
        withheld=withheld,
        disclosure_controlled=controlled,
        period_label=period_label,
        disclosure_note=note(k) if controlled else None,
    )
