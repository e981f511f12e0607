"""What changed (issue 18) as download tables, for ``reports.export_tables``: the figures a
report's page shows, per indicator, and a school's own pupils' journeys."""

from __future__ import annotations

from reports.disclosure import SUPPRESSION_MARK
from reports.exports import Table
from reports.journeys import ChangesReport
from reports.pupil_journeys import PupilJourney

#: How each change and later survey is said in a download, as on the pages.
CHANGE_WORDS = {
    "better": "Better",
    "same": "The same",
    "worse": "Worse",
    "cannot_compare": "Can't compare (\"I don't know\")",
}
LATER_KIND_WORDS = {"end": "End survey", "review": "Latest check-in"}
CHANGES_EXPLAINED = (
    "Each pupil who answered a question at the start of their placement and again later (in the "
    "end survey, or their latest check-in if the end survey is still to come) is counted once "
    "per question: their later answer set against their own first one, from the most to the "
    'least positive answer. "I don\'t know" is counted, never left out: for a question about '
    'knowing or understanding it is not knowing, so "I don\'t know" then "yes" is better; '
    'for any other question a pupil who said "I don\'t know" at either time cannot be compared.'
)
CHANGES_WITHHELD = (
    "Too few pupils have answered both a start survey and a later one to show what changed "
    "without risking that someone could work out what a child said."
)
CHANGES_NONE = "No pupil has answered both a start survey and a later one yet."


def changes_table(changes: ChangesReport) -> Table:
    """What changed (issue 18), per indicator, exactly as the page shows this viewer: hidden
    counts as [c], and while withheld no indicator at all (the page lists none)."""
    return Table(
        title="What changed",
        key="what-changed",
        columns=[
            "Indicator key",
            "Indicator",
            "Answered both (pupils)",
            "Better",
            "The same",
            "Worse",
            CHANGE_WORDS["cannot_compare"],
            "In words",
        ],
        rows=[
            [
                c.key,
                c.label,
                *[
                    SUPPRESSION_MARK if c.suppressed else value
                    for value in (c.paired, c.better, c.same, c.worse, c.cannot_compare)
                ],
                c.sentence or None,
            ]
            for c in changes.indicators
        ]
        + [
            [
                "pupils",
                "Pupils who answered both (any question)",
                SUPPRESSION_MARK if changes.pupils is None else changes.pupils,
            ]
        ]
        + (
            [["", CHANGES_WITHHELD]]
            if changes.withheld
            else [["", CHANGES_NONE]]
            if not changes.indicators
            else []
        )
        + [["", f"Period: {changes.period_label}"], ["", CHANGES_EXPLAINED]]
        + ([["", changes.disclosure_note]] if changes.disclosure_note else []),
    )


def journeys_table(school_name: str, journeys: list[PupilJourney]) -> Table:
    """What changed for each of a school's own pupils: a row a pupil and question."""
    return Table(
        title="What changed for each pupil",
        key="journeys",
        columns=[
            "School",
            "Pupil reference",
            "Question",
            "At the start",
            "Later",
            "Later answer from",
            "Change",
        ],
        rows=[
            [
                school_name,
                j.reference,
                s.label,
                s.before,
                s.after,
                LATER_KIND_WORDS.get(s.after_kind, s.after_kind),
                CHANGE_WORDS.get(s.change, s.change),
            ]
            for j in journeys
            for s in j.steps
        ]
        or [[school_name, None, CHANGES_NONE]],
    )
