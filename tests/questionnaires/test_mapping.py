"""What "I don't know" means for each indicator is declared, and the README's mapping of every
band's answers to the indicators is the one the data files give."""

from __future__ import annotations

import pytest

from questionnaires.indicators import ALL_INDICATORS, DONT_KNOW_MEANS, DontKnowMeans
from questionnaires.mapping import README, section_in, shipped

pytestmark = pytest.mark.no_database


def test_every_indicator_declares_what_dont_know_means() -> None:
    """A new indicator (another band, another version) cannot be counted until someone decides."""
    assert set(DONT_KNOW_MEANS) == set(ALL_INDICATORS)


@pytest.mark.parametrize("key", ["next_steps", "understood_why", "qualification"])
def test_dont_know_is_not_knowing_for_questions_of_knowing(key: str) -> None:
    assert DONT_KNOW_MEANS[key] is DontKnowMeans.NOT_KNOWING


@pytest.mark.parametrize("key", ["felt_safe", "overall_rating", "home_school_contact"])
def test_dont_know_is_its_own_share_elsewhere(key: str) -> None:
    assert DONT_KNOW_MEANS[key] is DontKnowMeans.OWN_SHARE


def test_readme_mapping_matches_the_data_files() -> None:
    """If this fails, run ``.venv/bin/python -m questionnaires.mapping`` and commit the README."""
    assert section_in(README.read_text(encoding="utf-8")) == shipped()


def test_readme_mapping_names_each_bands_answer_under_its_polarity() -> None:
    section = shipped()
    next_steps = section[section.index("(`next_steps`)") :].split("###")[0]
    assert "counted in the negative (unclear) share" in next_steps
    row = next(line for line in next_steps.splitlines() if "`end_years_4_6` v1" in line)
    assert [c.strip() for c in row.strip("|").split("|")] == [
        "`end_years_4_6` v1",
        "Yes",
        "A bit",
        "No",
        "I don't know",
    ]
