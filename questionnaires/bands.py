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

#: The "use the simplest version" questionnaire per band: the youngest band's words, but the
#: pupil's own band's indicators (an older pupil is still asked about qualifications and plans
#: after year 11). Years 4-6 are already written in the simplest words.
SIMPLEST_END_QUESTIONNAIRE: dict[Band, str] = {
    "years_4_6": "end_years_4_6",
    "years_7_9": "end_years_7_9_simplest",
    "years_10_11": "end_years_10_11_simplest",
}


#: The short start (baseline) and half-termly review questionnaires, per band: the end survey's
#: questions that can be asked part-way through, with its indicator keys, so answers pair.
#: There is no simplest version of these yet: a pupil who needs one gets their own band's (short)
#: start and review surveys, and the simplest end survey.
START_QUESTIONNAIRE: dict[Band, str] = {
    "years_4_6": "start_years_4_6",
    "years_7_9": "start_years_7_9",
    "years_10_11": "start_years_10_11",
}
REVIEW_QUESTIONNAIRE: dict[Band, str] = {
    "years_4_6": "review_years_4_6",
    "years_7_9": "review_years_7_9",
    "years_10_11": "review_years_10_11",
}

#: Every questionnaire a new invitation can be given.
SERVED_QUESTIONNAIRES: tuple[str, ...] = tuple(
    sorted(
        {
            *END_QUESTIONNAIRE.values(),
            *SIMPLEST_END_QUESTIONNAIRE.values(),
            *START_QUESTIONNAIRE.values(),
            *REVIEW_QUESTIONNAIRE.values(),
        }
    )
)


def band_for(year_group: int) -> Band:
    """The age band for a year group (the simplest version keeps the pupil's own band)."""
    if year_group not in YEAR_GROUPS:
        raise ValueError(f"year group must be between 4 and 11, not {year_group}")
    if year_group <= 6:
        return "years_4_6"
    return "years_7_9" if year_group <= 9 else "years_10_11"


def end_questionnaire_for(year_group: int, *, simplest: bool = False) -> str:
    """The end-of-placement questionnaire id for a pupil in this year group."""
    band = band_for(year_group)
    return (SIMPLEST_END_QUESTIONNAIRE if simplest else END_QUESTIONNAIRE)[band]


def questionnaire_for(kind: str, year_group: int, *, simplest: bool = False) -> str:
    """The questionnaire id for an invitation of this kind ("start", "review" or "end")."""
    if kind == "start":
        return START_QUESTIONNAIRE[band_for(year_group)]
    if kind == "review":
        return REVIEW_QUESTIONNAIRE[band_for(year_group)]
    if kind == "end":
        return end_questionnaire_for(year_group, simplest=simplest)
    raise ValueError(f"no questionnaire for invitations of kind {kind!r}")
