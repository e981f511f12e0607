"""The reading-age gate: shipped questionnaires pass, hard or jargon-laden text fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from accessibility.readability import average_grade, check_questionnaire, check_text
from accessibility.targets import LONG_WORD_ALLOW_LIST, TARGETS
from questionnaires.loader import DATA_DIR, load_directory

pytestmark = pytest.mark.no_database

HARD = (
    "Notwithstanding the aforementioned considerations, comprehensive multidisciplinary "
    "collaboration necessitates substantive organisational commitment."
)


@pytest.mark.parametrize("questionnaire", list(load_directory().values()), ids=lambda q: q.id)
def test_shipped_questionnaires_meet_their_band_targets(questionnaire: object) -> None:
    from questionnaires.schema import Questionnaire

    assert isinstance(questionnaire, Questionnaire)
    result = check_questionnaire(questionnaire)
    assert result.passed, [i.verdict for i in result.items if i.problems] + result.problems
    assert result.average_grade <= TARGETS[questionnaire.band].max_average_grade


@pytest.mark.parametrize("band", list(TARGETS))
def test_a_deliberately_hard_sentence_fails_in_every_band(band: str) -> None:
    result = check_text(HARD, TARGETS[band])
    assert any("grade" in problem for problem in result.problems)


def test_jargon_is_caught_whole_word_only() -> None:
    target = TARGETS["years_10_11"]
    flagged = check_text("Did your placement help you to learn new things?", target)
    assert any("placement" in p for p in flagged.problems)
    fine = check_text("Did the place you went to help you to learn?", target)
    assert fine.problems == []


def test_send_is_jargon_only_as_the_capitalised_acronym() -> None:
    target = TARGETS["years_7_9"]
    flagged = check_text("Does the place meet your SEND needs?", target)
    assert any("SEND" in p for p in flagged.problems)
    assert check_text("Check your answers, then send them.", target).problems == []


def test_youngest_band_refuses_long_words_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    target = TARGETS["years_4_6"]
    assert any("syllables" in p for p in check_text("Was it educational?", target).problems)
    assert check_text("Was it educational?", TARGETS["years_7_9"]).problems == []
    monkeypatch.setitem(LONG_WORD_ALLOW_LIST, "educational", "a test reason")
    assert check_text("Was it educational?", target).problems == []


def test_very_easy_text_counts_as_grade_0_and_cannot_hide_a_hard_paragraph() -> None:
    import textstat

    easy = "Did you like it? Yes it was."
    assert textstat.flesch_kincaid_grade(easy) < 0, "the formula gives it a grade below 0"
    target = TARGETS["years_4_6"]
    assert check_text(easy, target).grade == 0.0
    harder = check_text("Your school will read what you tell us about the place.", target)
    # Two easy lines beside one harder one: the average is a third of the harder grade, never
    # less (as it was when an easy line's grade of -2.4 was added in).
    together = average_grade([harder, check_text(easy, target), check_text(easy, target)])
    assert together == round(harder.grade / 3, 2)


def test_overlong_sentence_is_refused() -> None:
    long = " ".join(["We"] + ["went"] * 15) + "."
    assert any("words" in p for p in check_text(long, TARGETS["years_4_6"]).problems)


def test_check_command_exits_non_zero_on_a_breach(tmp_path: Path) -> None:
    from survey_app.cli import main

    text = (DATA_DIR / "end_years_4_6_v1.toml").read_text()
    hard = text.replace('"How safe did you feel at the place you went to?"', f'"{HARD}"')
    (tmp_path / "hard.toml").write_text(hard)
    result = CliRunner().invoke(main, ["questionnaires", "check", "--directory", str(tmp_path)])
    assert result.exit_code != 0
    assert "FAIL" in result.output and "felt_safe" in result.output
    ok = CliRunner().invoke(main, ["questionnaires", "check"])
    assert ok.exit_code == 0, ok.output


def test_the_check_runs_with_the_network_unreachable() -> None:
    # A fresh interpreter in which every socket connection fails, as on an offline CI machine.
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network is unreachable (test)')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from survey_app.cli import main\n"
        "main(['questionnaires', 'check'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "all questionnaire text meets" in result.stdout
