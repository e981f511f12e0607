"""Kept publications: erasures between views never move what a provider sees by fewer than k.

A random history: pupils answer term by term; before each view some pupils (of this provider or
the rest of the area) are erased. Each view is ``publish`` on the last one shown, then the report
built from it, as ``survey_app.reporting.queries.provider_report`` does.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.provider import ProviderReport, build_provider_report
from reports.publication import Publication, publish
from tests.reports.test_differencing import RECORD, TERMS, TODAYS, VIEWER, Pupil, counts_for

pytestmark = pytest.mark.no_database

pupil_strategy = st.tuples(
    st.sampled_from([VIEWER, VIEWER, 2]), st.sampled_from([5, 8, 10]), st.booleans()
)


def _view(
    shown: Publication | None, alive: dict[int, Pupil], today: dt.date, k: int
) -> tuple[Publication, ProviderReport]:
    publication = publish(shown, counts_for(list(alive.values())), today, k)
    report = build_provider_report(
        provider_id=VIEWER,
        provider_name="P",
        qa_record=RECORD,
        history=[],
        counts=publication.counts,
        questionnaires={},
        academic_year=None,
        today=today,
        k=k,
        controlled=True,
        cuts=publication.cuts,
        rest_cuts=publication.rest_cuts,
    )
    return publication, report


def _counted(alive: dict[int, Pupil], cut: str, provider_is_viewer: bool) -> set[int]:
    return {
        pid
        for pid, (provider, term, _, _) in alive.items()
        if (provider == VIEWER) == provider_is_viewer and term <= cut
    }


@settings(max_examples=150, deadline=None)
@given(st.data(), st.integers(2, 5))
def test_erasures_between_views_never_move_a_publication_by_fewer_than_k(
    data: st.DataObject, k: int
) -> None:
    alive: dict[int, Pupil] = {}
    next_id = 0
    shown: Publication | None = None
    report: ProviderReport | None = None
    counted: dict[bool, set[int]] = {True: set(), False: set()}
    for today, term in zip(TODAYS, TERMS, strict=False):
        # Pupils answer in the term now being published, then some pupils are erased.
        for provider, year, positive in data.draw(st.lists(pupil_strategy, max_size=8)):
            alive[next_id] = (provider, term, year, positive)
            next_id += 1
        for pid in data.draw(st.sets(st.sampled_from(sorted(alive)))) if alive else set():
            del alive[pid]
        before, before_report = shown, report
        shown, report = _view(shown, alive, today, k)
        for own, cuts, old in (
            (True, shown.cuts, before.cuts if before else []),
            (False, shown.rest_cuts, before.rest_cuts if before else []),
        ):
            if cuts and cuts != old:
                now_counted = _counted(alive, cuts[-1], own)
                assert len(now_counted - counted[own]) >= k, "a publication moved by < k new"
                counted[own] = now_counted
        # Once something is published it stays until the next publication. (Before the first,
        # the report is withheld or empty, showing no figures either way.)
        if before and before.cuts and before_report and before.cuts == shown.cuts:
            if before.rest_cuts == shown.rest_cuts:
                assert report.indicators == before_report.indicators
            assert report.responses == before_report.responses
            assert report.terms == before_report.terms
            assert report.by_year_group == before_report.by_year_group
