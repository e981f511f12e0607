"""Load and validate the questionnaire data files."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import msgspec

from questionnaires.indicators import ALL_INDICATORS
from questionnaires.placeholders import MINUTES, PLACEHOLDERS, for_staff, unknown_placeholders
from questionnaires.schema import Question, Questionnaire

DATA_DIR = Path(__file__).parent / "data"


class QuestionnaireError(Exception):
    """A questionnaire file is malformed; the message names the file and the field."""


def load_file(path: Path) -> Questionnaire:
    """Decode one TOML file into a ``Questionnaire``, checking the rules msgspec cannot."""
    try:
        questionnaire = msgspec.toml.decode(path.read_bytes(), type=Questionnaire)
    except msgspec.ValidationError as error:
        raise QuestionnaireError(f"{path.name}: {error}") from None
    except msgspec.DecodeError as error:
        raise QuestionnaireError(f"{path.name}: not valid TOML ({error})") from None
    problems = _rule_problems(questionnaire)
    if problems:
        raise QuestionnaireError(f"{path.name}: " + "; ".join(problems))
    return questionnaire


def _placeholder_problems(questionnaire: Questionnaire) -> list[str]:
    problems = []
    strings = [("title", questionnaire.title)]
    for name in ("opening", "closing", "help"):
        page = getattr(questionnaire, name)
        strings += [(f"{name}.title", page.title)]
        strings += [(f"{name}.paragraphs[{i}]", p) for i, p in enumerate(page.paragraphs)]
        lines = page.before_start or []
        strings += [(f"{name}.before_start[{i}]", line) for i, line in enumerate(lines)]
        if name != "opening" and page.before_start is not None:
            problems.append(f"{name}.before_start: only the opening page has a Start button")
    for index, question in enumerate(questionnaire.questions):
        strings += [(f"questions[{index}].text", question.text)]
        strings += [(f"questions[{index}].hint", question.hint)]
        strings += [(f"questions[{index}].options.label", o.label) for o in question.options]
    for where, text in strings:
        for unknown in unknown_placeholders(text):
            problems.append(
                f"{where}: {unknown} is not a placeholder (use {', '.join(PLACEHOLDERS)})"
            )
        # The thank-you page is shown after the survey is sent, with no placement to hand; an
        # answer label is stored and compared by value, and the time belongs on the opening.
        used = [p for p in PLACEHOLDERS if p in text]
        if used and (where.startswith("closing") or where.endswith(".label")):
            problems.append(f"{where}: placeholders cannot be used here")
        elif MINUTES in text and not where.startswith("opening"):
            problems.append(f"{where}: {MINUTES} belongs on the opening page")
    return problems


def _rule_problems(questionnaire: Questionnaire) -> list[str]:
    problems = _placeholder_problems(questionnaire)
    seen: set[str] = set()
    for index, question in enumerate(questionnaire.questions):
        where = f"questions[{index}] ({question.id})"
        if question.id in seen:
            problems.append(f"{where}: the id is used twice")
        seen.add(question.id)
        if question.indicator is not None and question.indicator not in ALL_INDICATORS:
            problems.append(f"{where}.indicator: unknown indicator {question.indicator!r}")
        if question.kind == "choice":
            values = [option.value for option in question.options]
            if len(values) < 2:
                problems.append(f"{where}.options: a choice question needs at least two options")
            if len(set(values)) != len(values):
                problems.append(f"{where}.options: two options share a value")
            if "dont_know" not in values:
                problems.append(f"{where}.options: every closed question needs 'I don't know'")
        elif question.options:
            problems.append(f"{where}.options: a text question has no options")
    return problems


def load_directory(directory: Path = DATA_DIR) -> dict[tuple[str, int], Questionnaire]:
    """Every questionnaire version in a directory, keyed by (id, version)."""
    loaded: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(directory.glob("*.toml")):
        questionnaire = load_file(path)
        key = (questionnaire.id, questionnaire.version)
        if key in loaded:
            raise QuestionnaireError(f"{path.name}: {key[0]} version {key[1]} is defined twice")
        loaded[key] = questionnaire
    return loaded


@cache
def all_versions() -> dict[tuple[str, int], Questionnaire]:
    """The shipped questionnaires, loaded once."""
    return load_directory(DATA_DIR)


def versions_of(questionnaire_id: str) -> list[Questionnaire]:
    """Every version of a questionnaire, oldest first."""
    versions = [q for (qid, _), q in sorted(all_versions().items()) if qid == questionnaire_id]
    if not versions:
        raise KeyError(f"no questionnaire called {questionnaire_id!r}")
    return versions


def current(questionnaire_id: str) -> Questionnaire:
    """The newest version of a questionnaire: what a pupil starting now is asked."""
    return versions_of(questionnaire_id)[-1]


def version_for(questionnaire_id: str, saved: Mapping[str, str | None]) -> Questionnaire:
    """The newest version that every saved answer (question id -> option value, None for text or
    a skip) belongs to.

    A pupil part-way through when a new version ships finishes the version they started if an
    answer they gave is not in the new one (version 1's "Mostly safe"), rather than lose it.
    A pupil with nothing saved, or whose answers fit, is asked the newest version.
    """
    versions = versions_of(questionnaire_id)
    for questionnaire in reversed(versions):
        questions = {question.id: question for question in questionnaire.questions}
        if all(
            question_id in questions
            and (value is None or value in {o.value for o in questions[question_id].options})
            for question_id, value in saved.items()
        ):
            return questionnaire
    return versions[-1]


def question_in(questionnaire_id: str, question_id: str) -> Question | None:
    """A question as worded for staff in the newest version of the questionnaire that asks it.

    Staff read about many placements, so "{place}" reads "[the place]" (``for_staff``).
    """
    for questionnaire in sorted(versions_of(questionnaire_id), key=lambda q: -q.version):
        for question in questionnaire.questions:
            if question.id == question_id:
                return msgspec.structs.replace(
                    question, text=for_staff(question.text), hint=for_staff(question.hint)
                )
    return None
