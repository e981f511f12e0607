"""Disclosure control: no figure shown outside the LA, or published, rests on fewer than k pupils.

Every report a non-LA user sees, and the publishable area summary, goes through this module. It
holds against *differencing*: no figure a non-LA user can get, set against any other they can get
(another band, year group or term, another format, the area beside it, or the same report at
another time), isolates fewer than k pupils' responses.

* **Publication, not "now"**: outside the LA, figures count only responses sent up to the end of
  the last complete school term (``reports.periods.publication_term``). One more response changes
  nothing a provider or school contact can see until its term ends.
* **Steps of at least k** (``pooled_cuts``): a new publication moves the figures on only when at
  least k responses have arrived since the last one; until then the last figures stay (or, for
  a provider with fewer than k in all, the report stays withheld). So the difference between any
  two publications covers at least k pupils.
* **Publications are kept** (``reports.provider.publish``): responses can also be taken away (a
  pupil erased, a response removed). Worked out afresh, the publication would then move by that
  one pupil, and a provider who knows whose family asked for erasure would read the child's
  answers off the difference. So the first time a publication is shown outside the LA its
  figures are stored (counts only, each step over at least k pupils, so not personal data;
  never text), per LA, provider and audience (the provider's staff, or one school's contact,
  whose figures cover only their pupils), and later views are served from them. A new
  publication comes only once k responses have been sent in the terms after the last one shown
  (pupils never counted before), and is then counted afresh from what is held, so it differs
  from the last by at least k new pupils, whatever was erased in between. The rest of the area
  is kept the same way, on the other providers' responses.
* **Comments after an erasure**: comments are text, personal data, so they are always live and an
  erased pupil's goes at once, even from a kept publication. Its vanishing names nobody new if
  the provider never knew whose it was; but the provider may know whose family asked for
  erasure, and then the one comment that went is theirs. So once any comment shown has gone,
  every comment is held back until the next publication. That still says the erased pupil left a
  comment (or, if theirs was the only one, that it was theirs: the whole section empties either
  way); what they wrote is not shown again. A whole term's comments going together because its
  retention period has passed does not hold them back.
* **Retention by whole terms** (``reports.periods.retention_passed``): comments are removed when
  the retention period has passed since the end of the term they were sent in, so all of a
  term's pupils' comments go together. By day, a comment would vanish on its own pupil's day,
  and the provider knows who finished on which day.
* **Breakdowns as a whole** (``steady``): a breakdown by questionnaire (age band), school year or
  term is shown outside the LA only if, in every step between publications, each group and the
  remainder (the step's responses minus those in the groups) is 0 or at least k; otherwise the
  breakdown is withheld as a whole, so no group can be subtracted from the totals, nor one
  publication's group from another's. Within a shown breakdown an indicator (or question) with a
  group of 1 to k-1 answers is hidden in every group.
* **The rest of the area**: the comparison beside a provider's own figures counts the other
  providers only, over their own publication steps, so it never moves with the provider's pupils.
* LA staff (the data controller) see live figures without suppression, except the publishable
  area summary and comments, below. The area summary's "what changed" is a kept publication by
  the same rule, once per LA (``reports.journeys.area_changes``), so copies published weeks
  apart never differ by fewer than k pupils.

The unit is a pupil's response: a step of k responses where some pupils skipped a question can
move that question's figures by fewer than k answers, but never says which of the k gave them.

* **Primary suppression**: a group of 1 to k-1 respondents is shown as ``[c]``.
* **Secondary suppression**: when a breakdown's total is shown, hiding one group is not enough,
  because the total minus the shown groups gives it away. More groups are hidden, smallest
  first, until at least two are hidden and together they hold at least k respondents; if that is
  impossible the total is hidden too.
* **Filters**: reports are only ever filtered by fixed, non-overlapping periods (academic years),
  treated as one more breakdown of the all-time total, so the same rule decides which period
  views may be shown; two views can never be subtracted to reveal a small group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

import msgspec

SUPPRESSION_MARK = "[c]"
SUPPRESSION_NOTE = (
    "[c] means the figure is hidden to protect pupils' privacy: it rests on fewer than {k} "
    "pupils, or would let a hidden figure be worked out from a total."
)

K = TypeVar("K", bound=Hashable)


def is_suppressed(respondents: int, threshold: int) -> bool:
    """True when a group this size must not be shown on its own (0 reveals nobody)."""
    return 0 < respondents < threshold


def note(threshold: int) -> str:
    """The explanation shown beside any suppressed figure."""
    return SUPPRESSION_NOTE.format(k=threshold)


class Breakdown(msgspec.Struct, frozen=True):
    """Which groups of one breakdown may be shown, and whether its total may."""

    hidden: frozenset[Hashable]
    total_hidden: bool

    def shows(self, key: Hashable) -> bool:
        """True when this group's figures may be shown."""
        return key not in self.hidden


def _hidden_sum_safe(counts: Mapping[K, int], hidden: set[K], threshold: int) -> bool:
    hidden_total = sum(counts[key] for key in hidden)
    return not hidden or (len(hidden) >= 2 and hidden_total >= threshold)


def protect(counts: Mapping[K, int], threshold: int) -> Breakdown:
    """Decide which groups to hide in a breakdown whose total is also shown."""
    hidden: set[K] = {key for key, n in counts.items() if is_suppressed(n, threshold)}
    # Smallest first, ties broken by the key's text so the choice does not vary between requests.
    candidates = sorted(
        (key for key, n in counts.items() if key not in hidden and n > 0),
        key=lambda key: (counts[key], str(key)),
    )
    while not _hidden_sum_safe(counts, hidden, threshold) and candidates:
        hidden.add(candidates.pop(0))
    total = sum(counts.values())
    total_hidden = is_suppressed(total, threshold) or not _hidden_sum_safe(
        counts, hidden, threshold
    )
    if total_hidden:
        hidden = {key for key, n in counts.items() if n > 0}
    return Breakdown(hidden=frozenset(hidden), total_hidden=total_hidden)


def protect_relations(
    values: Mapping[K, int], relations: list[tuple[K, list[K]]], threshold: int
) -> frozenset[K]:
    """Cells to hide in a table whose cells are tied by sums (``total = sum of parts``).

    Tables published at more than one level (each provider in each academic year, and each over
    all years) are one set of cells with several sums between them. Starting from the cells
    under the threshold, every sum is made safe in turn, until none changes: in each, either
    nothing is hidden, or at least two cells are, and when its total is shown the hidden parts
    hold at least ``threshold`` pupils together. A hidden total needs a hidden part, or it is
    the sum of what is shown.
    """
    hidden: set[K] = {key for key, n in values.items() if is_suppressed(n, threshold)}

    # Each sum's parts, smallest first (ties by name, so the choice never varies), sorted once.
    ordered = [
        (total, sorted((p for p in parts if values[p] > 0), key=lambda p: (values[p], str(p))))
        for total, parts in relations
    ]

    def hide_next(parts: list[K]) -> bool:
        for part in parts:
            if part not in hidden:
                hidden.add(part)
                return True
        return False

    changed = True
    while changed:
        changed = False
        for total, parts in ordered:
            hidden_parts = [p for p in parts if p in hidden]
            if total in hidden:
                if not hidden_parts and values[total] > 0:
                    changed |= hide_next(parts)
                continue
            while hidden_parts and (
                len(hidden_parts) < 2 or sum(values[p] for p in hidden_parts) < threshold
            ):
                if not hide_next(parts):
                    hidden.add(total)
                    changed = True
                    break
                hidden_parts = [p for p in parts if p in hidden]
                changed = True
    return frozenset(hidden)


ALL = "all"
TOTAL = "total"


def grid(
    by_row_and_column: Mapping[tuple[Hashable, Hashable], int],
) -> tuple[dict[tuple[Hashable, Hashable], int], list[tuple[tuple[Hashable, Hashable], list[Any]]]]:
    """A two-way table with its margins, as cells and the sums that tie them.

    Rows and columns get an ``ALL`` column and a ``TOTAL`` row, so every view of the table
    (one column, or the all-columns margin) is protected together by ``protect_relations``.
    """
    rows = sorted({r for r, _ in by_row_and_column}, key=str)
    columns = sorted({c for _, c in by_row_and_column}, key=str)
    values: dict[tuple[Hashable, Hashable], int] = {}
    for r in rows:
        for c in columns:
            values[(r, c)] = by_row_and_column.get((r, c), 0)
        values[(r, ALL)] = sum(values[(r, c)] for c in columns)
    for c in [*columns, ALL]:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
    relations: list[tuple[tuple[Hashable, Hashable], list[Any]]] = [
        ((r, ALL), [(r, c) for c in columns]) for r in [*rows, TOTAL]
    ]
    relations += [((TOTAL, c), [(r, c) for r in rows]) for c in [*columns, ALL]]
    return values, relations


def pooled_cuts(responses_by_term: Mapping[str, int], through: str, k: int) -> list[str]:
    """The terms up to which successive publications count, up to and including ``through``.

    A publication moves on from the last one only once at least ``k`` more responses have been
    sent, so any two publications differ by at least ``k`` pupils. The last cut is what a non-LA
    user sees now; none means nothing has been published yet.
    """
    cuts: list[str] = []
    published = running = 0
    for term in sorted(t for t in responses_by_term if t <= through):
        running += responses_by_term[term]
        if running - published >= k:
            cuts.append(term)
            published = running
    return cuts


def steady(
    cells: Mapping[tuple[str, Hashable], int],
    responses_by_term: Mapping[str, int],
    cuts: list[str],
    k: int,
) -> bool:
    """True when a breakdown (cells keyed by term and group) may be shown at the last cut.

    In every step between publications each group, and the step's responses outside the groups,
    must be 0 or at least ``k``: then neither a group minus the totals, nor a group in one
    publication minus the same group in another, isolates fewer than ``k`` pupils.
    """
    previous = ""
    for cut in cuts:
        groups: dict[Hashable, int] = defaultdict(int)
        for (term, group), n in cells.items():
            if previous < term <= cut:
                groups[group] += n
        step = sum(n for term, n in responses_by_term.items() if previous < term <= cut)
        remainder = step - sum(groups.values())
        if any(is_suppressed(n, k) for n in groups.values()) or is_suppressed(remainder, k):
            return False
        previous = cut
    return True
