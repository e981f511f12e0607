"""What changed as a download table: the page's figures a row an indicator, hidden ones as [c],
and a plain sentence where there is nothing to count."""

from __future__ import annotations

from reports.change_tables import CHANGES_NONE, CHANGES_WITHHELD, changes_table, journeys_table
from reports.journeys import ChangeCell, ChangeCounts, build_changes

K = 5


def test_a_report_with_no_pairs_yet_says_so_rather_than_showing_an_empty_table() -> None:
    table = changes_table(build_changes(ChangeCounts({}, []), controlled=False, k=K))
    assert ["", CHANGES_NONE] in table.rows
    assert ["pupils", "Pupils who answered both (any question)", 0] in table.rows


def test_a_withheld_report_lists_no_question_and_hides_the_pupils() -> None:
    counts = ChangeCounts({"2026-3": 2}, [ChangeCell("2026-3", "felt_safe", "better", 2)])
    table = changes_table(build_changes(counts, controlled=True, k=K, cuts=["2026-3"]))
    assert [row[0] for row in table.rows if row[0]] == ["pupils"]
    assert ["pupils", "Pupils who answered both (any question)", "[c]"] in table.rows
    assert ["", CHANGES_WITHHELD] in table.rows


def test_a_school_with_no_journeys_gets_a_sentence_not_a_blank_file() -> None:
    table = journeys_table("Eastfield Academy", [])
    assert table.rows == [["Eastfield Academy", None, CHANGES_NONE]]
