"""The school contact's report: each of their own pupils' feedback, and totals across them.

The school commissioned each placement and keeps the pupil's own assessment on their record, so
it sees its own pupils' answers one by one. Totals across pupils are protected like any report a
non-LA user sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from reports.aggregation import IndicatorCount, IndicatorResult, indicator_results
from reports.disclosure import note
from reports.pupil_journeys import PupilJourney


class PupilAnswer(msgspec.Struct, frozen=True):
    question: str
    answer: str
    #: An answer that raises a safeguarding alert (e.g. did not feel safe).
    flagged: bool = False


class PlacementFeedback(msgspec.Struct, frozen=True):
    placement_id: int
    pupil_reference: str
    provider_name: str
    year_group: int
    start_date: dt.date
    ended_on: dt.date | None
    #: "not_due", "open", "completed", "expired" or "revoked".
    request_status: str
    completed_on: dt.date | None
    answers: list[PupilAnswer]
    #: Comments the safeguarding contact has released (with any redactions).
    comments: list[str]
    comments_pending: int
    #: Never sent: the pupil's saved answers were kept when the link closed.
    partial: bool = False
    #: The pupil gave an answer that raises a safeguarding alert: the school should know at once.
    flagged: bool = False
    #: The pupil's latest survey of any kind (``start``, ``review`` or ``end``; None: none has
    #: opened yet), where it stands (as ``request_status``) and when it was answered, as the
    #: placement list shows it: ``request_status`` above is the end-of-placement survey's only.
    latest_kind: str | None = None
    latest_status: str = "not_due"
    latest_completed_on: dt.date | None = None


class SchoolReport(msgspec.Struct, frozen=True):
    school_id: int
    school_name: str
    placements: list[PlacementFeedback]
    #: Pupils whose answers count: complete (sent) and partial (kept when the link closed).
    responses: int
    totals: list[IndicatorResult]
    disclosure_note: str
    #: Of ``responses``, those never sent (each pupil is shown to the school anyway).
    partial_responses: int = 0
    #: What changed for each of the school's own pupils in ``placements`` (issue 18): set when
    #: the report is opened (``survey_app.reporting.access``).
    journeys: Annotated[
        list[PupilJourney],
        msgspec.Meta(
            description=(
                "What changed for each of the school's own pupils listed here who answered a "
                "start survey and a later one: per question, the start answer, the later answer "
                "(end survey, or latest check-in) and the change (better, same, worse, "
                "cannot_compare)."
            )
        ),
    ] = msgspec.field(default_factory=list)


def build_school_report(
    *,
    school_id: int,
    school_name: str,
    placements: list[PlacementFeedback],
    indicator_counts: list[IndicatorCount],
    threshold: int,
    responses: int | None = None,
    partial_responses: int | None = None,
) -> SchoolReport:
    """Assemble the report for the school's contact. ``responses`` and ``partial_responses``
    are counted from ``placements`` unless given (when ``placements`` is one page of many)."""
    return SchoolReport(
        school_id=school_id,
        school_name=school_name,
        placements=placements,
        responses=(
            responses
            if responses is not None
            else sum(1 for p in placements if p.request_status == "completed")
        ),
        totals=indicator_results(indicator_counts, threshold=threshold),
        disclosure_note=note(threshold),
        partial_responses=(
            partial_responses
            if partial_responses is not None
            else sum(1 for p in placements if p.partial)
        ),
    )
