"""The indicators every band measures, so results aggregate across bands and versions."""

from __future__ import annotations

#: Indicator key -> the label staff see in reports.
CORE_INDICATORS: dict[str, str] = {
    "felt_safe": "Felt safe",
    "trusted_adult": "Had a trusted adult to talk to",
    "learning_support": "Got help with learning",
    "challenge": "Work was at the right level",
    "progress": "Learned new things",
    "understood_why": "Understood why they went there",
    "involved_in_decisions": "Was asked what they wanted",
    "home_school_contact": "Kept in touch with their home school",
    "next_steps": "Knows what happens next",
    "sessions_missed": "Sessions went ahead as planned",
    "feelings_about_learning": "Feels better about learning",
    "overall_rating": "Rated the place good or better",
    # Added with the version 2 questionnaires (what the councils' own frameworks ask). Version 1
    # responses have no answers for these: their figures start with version 2.
    "belonging": "Felt they fitted in there",
    "respected": "Was treated with respect",
    "not_bullied": "Was not bullied there",
    "knew_who_to_tell": "Knew who to tell if worried",
    "needs_understood": "Staff understood what helps them learn",
    "attended": "Went to their sessions",
}

#: Indicators asked only of older pupils.
BAND_INDICATORS: dict[str, dict[str, str]] = {
    "years_10_11": {
        "qualification": "Working towards a qualification",
        "post16_plans": "Has plans for after year 11",
    },
}

ALL_INDICATORS: dict[str, str] = {
    **CORE_INDICATORS,
    **{key: label for extra in BAND_INDICATORS.values() for key, label in extra.items()},
}


def expected_indicators(band: str) -> set[str]:
    """The indicators a questionnaire for this band must measure."""
    return set(CORE_INDICATORS) | set(BAND_INDICATORS.get(band, {}))
