"""Which questionnaire a pupil gets, from their year group."""

from __future__ import annotations

from questionnaires.schema import Band

YEAR_GROUPS = range(4, 12)

#: Questionnaire id for the end-of-placement survey, per band.
END_QUESTIONNAIRE: dict[Band, str] = {
    "years_4_6": "end_years_4_6",
    "years_7_9": "end_years_7_9",
    "years_10_11": "end_years_10_11",
}


def band_for(year_group: int, *, simplest: bool = False) -> Band:
    """The age band for a year group; ``simplest`` gives the youngest band's wording."""
    if year_group not in YEAR_GROUPS:
        raise ValueError(f"year group must be between 4 and 11, not {year_group}")
    if simplest or year_group <= 6:
        return "years_4_6"
    return "years_7_9" if year_group <= 9 else "years_10_11"
