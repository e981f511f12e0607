"""Kept publications of "what changed": what a viewer outside the LA (and the area summary, meant
to be published) is shown, moving on only at a term's end once at least k more pupils have a
pair (``reports.disclosure.pooled_cuts``), and re-checked only when the answers behind it change.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from reports.disclosure import pooled_cuts
from reports.journeys import ChangeCounts, ChangesReport, build_changes
from reports.periods import publication_term, term_label


def up_to(counts: ChangeCounts, cut: str) -> ChangeCounts:
    """The counts of pupils counted in ``cut``'s term or before."""
    return ChangeCounts(
        pupils_by_term={t: n for t, n in counts.pupils_by_term.items() if t <= cut},
        cells=[c for c in counts.cells if c.term <= cut],
    )


class ChangePublication(msgspec.Struct, frozen=True):
    """The paired counts a viewer outside the LA was shown, kept so later views are served from
    them until k more pupils have a pair (``reports.provider.Publication``'s rule)."""

    cuts: list[str]
    counts: ChangeCounts
    #: What the live counts were checked at: the last complete term and a fingerprint of the
    #: answers behind them (``checked_at``). While both are the same, reading every answer
    #: again could not move the publication, so a view need not (a county's area takes
    #: seconds to read).
    checked: str = ""


def checked_at(today: dt.date, answers: int, newest_answer: int | None) -> str:
    """The term and the answers a publication is checked at: any answer saved or erased since
    changes it."""
    return f"{publication_term(today)}|{answers}|{newest_answer or 0}"


def publish_changes(
    shown: ChangePublication | None,
    live: ChangeCounts,
    today: dt.date,
    k: int,
    checked: str = "",
) -> ChangePublication:
    """What a viewer outside the LA sees now: the last publication shown to them, unless at
    least k pupils have been counted in the terms after it, then a new one from the live counts.
    """
    through = publication_term(today)
    previous = shown.cuts if shown else []
    if previous:
        later = {t: n for t, n in live.pupils_by_term.items() if t > previous[-1]}
        cuts = previous + pooled_cuts(later, through, k)
    else:
        cuts = pooled_cuts(live.pupils_by_term, through, k)
    if shown is not None and previous and cuts == previous:
        return msgspec.structs.replace(shown, checked=checked)
    # Before the first publication there are no counts to keep (the view is withheld), only
    # the term it was checked through.
    return ChangePublication(
        cuts=cuts,
        counts=up_to(live, cuts[-1]) if cuts else ChangeCounts({}, []),
        checked=checked,
    )


def area_changes(publication: ChangePublication, k: int) -> ChangesReport:
    """The area's changes, meant to be published: the kept publication (``publish_changes`` at
    area level), small numbers hidden as outside the LA, and labelled with its period.

    Worked out live, a copy published one week and another the next would differ by the one
    pupil who answered (or was erased) in between, and a provider who printed that pupil's slip
    would read their answers off the difference: so, like a provider's own report, the area's
    figures count up to the last complete term and move on only once k more pupils have a pair.
    """
    shaped = build_changes(publication.counts, controlled=True, k=k, cuts=publication.cuts)
    if publication.cuts:
        label = (
            f"As published at the end of the {term_label(publication.cuts[-1])}: pupils counted "
            "up to then, all years"
        )
    else:
        label = "Nothing published yet"
    return msgspec.structs.replace(
        shaped,
        period_label=(
            f"{label}. Updated at the end of a term once at least {k} more pupils have answered "
            "both; meant to be published, so small numbers are hidden"
        ),
    )
