"""Publications: the figures a viewer outside the LA is shown, moving on only once k more
pupils have answered, so that no two views can be subtracted to single out a child
(``reports.disclosure``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import msgspec

from reports.disclosure import pooled_cuts
from reports.periods import publication_term, retention_passed
from reports.provider_counts import ProviderCounts


def published_cut(responses_by_term: dict[str, int], today: dt.date, k: int) -> str | None:
    """The last term a non-LA user's figures count up to today; None before the first."""
    cuts = pooled_cuts(responses_by_term, publication_term(today), k)
    return cuts[-1] if cuts else None


class Publication(msgspec.Struct, frozen=True):
    """The figures a viewer outside the LA was shown, kept so that later views are served from
    them: counts over at least k pupils each step, never text (``reports.disclosure``).

    An erasure, or anything else that takes responses away, then changes nothing such a viewer
    sees; only k new responses after the last publication make a new one.
    """

    #: Successive publications of the provider's own figures (the terms counted up to).
    cuts: list[str]
    #: The counts of the last publication (own and rest of the area); no comments.
    counts: ProviderCounts
    #: Successive publications of the rest of the area.
    rest_cuts: list[str]
    #: How many released comments were shown, per term (counts only, never the text).
    comments_by_term: dict[str, int] = {}
    #: True when a comment shown has since gone (an erasure): then none is shown until the next
    #: publication, so the one that went cannot be told from those that stayed.
    comments_held: bool = False


def moved_on(
    shown: list[str], responses_by_term: dict[str, int], through: str, k: int
) -> list[str]:
    """The publications after ``shown``: a new one only once k responses have been sent in the
    terms after the last one shown (pupils never counted before), whatever was taken away since.
    """
    if not shown:
        return pooled_cuts(responses_by_term, through, k)
    later = {t: n for t, n in responses_by_term.items() if t > shown[-1]}
    return shown + pooled_cuts(later, through, k)


def _own_up_to(live: ProviderCounts, cut: str) -> ProviderCounts:
    return msgspec.structs.replace(
        live,
        responses_by_year={},
        responses_by_term={t: n for t, n in live.responses_by_term.items() if t <= cut},
        partial_by_term={t: n for t, n in live.partial_by_term.items() if t <= cut},
        response_cells=[c for c in live.response_cells if c.term <= cut],
        term_counts=[r for r in live.term_counts if r.group <= cut],
        year_group_counts=[r for r in live.year_group_counts if r.term <= cut],
        option_counts=[r for r in live.option_counts if r.term <= cut],
        comments=[],
        area_indicator_counts=[],
    )


def publish(
    shown: Publication | None,
    live: ProviderCounts,
    today: dt.date,
    k: int,
    retention_days: int | None = None,
) -> Publication:
    """What a viewer outside the LA sees now: the last publication shown to them, unless k new
    responses have arrived since, in which case a new one from the live counts.

    The provider's own figures and the rest of the area move on separately, each on its own
    responses. Before the first publication the live counts are kept (all withheld anyway).
    Comments are always the live ones (text is personal data, so an erased pupil's goes), but
    if one shown has gone, other than a whole term's by retention (``retention_days``), all are
    held back until the next publication.
    """
    through = publication_term(today)
    cuts = moved_on(shown.cuts if shown else [], live.responses_by_term, through, k)
    live_comments: dict[str, int] = defaultdict(int)
    for comment in live.comments:
        if cuts and comment.term <= cuts[-1]:
            live_comments[comment.term] += 1
    comments_by_term, held = dict(live_comments), False
    if shown is not None and shown.cuts and cuts == shown.cuts:
        own = shown.counts
        gone = any(
            live_comments.get(term, 0) < n
            for term, n in shown.comments_by_term.items()
            if retention_days is None or not retention_passed(term, retention_days, today)
        )
        if shown.comments_held or gone:
            comments_by_term, held = shown.comments_by_term, True
    else:
        own = _own_up_to(live, cuts[-1] if cuts else through)
    rest_cuts = moved_on(shown.rest_cuts if shown else [], live.rest_responses_by_term, through, k)
    if shown is not None and shown.rest_cuts and rest_cuts == shown.rest_cuts:
        rest_terms, rest_by_term = (
            shown.counts.rest_term_counts,
            shown.counts.rest_responses_by_term,
        )
    else:
        rest_cut = rest_cuts[-1] if rest_cuts else ""
        rest_terms = [r for r in live.rest_term_counts if r.group <= rest_cut]
        rest_by_term = {t: n for t, n in live.rest_responses_by_term.items() if t <= rest_cut}
    counts = msgspec.structs.replace(
        own, rest_term_counts=rest_terms, rest_responses_by_term=rest_by_term
    )
    return Publication(
        cuts=cuts,
        counts=counts,
        rest_cuts=rest_cuts,
        comments_by_term=comments_by_term,
        comments_held=held,
    )
