"""The indicators every band measures, so results aggregate across bands and versions."""

from __future__ import annotations

from enum import StrEnum

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


class DontKnowMeans(StrEnum):
    """What a pupil's "I don't know" says about an indicator, so reports count it honestly."""

    #: A question of knowing or understanding: not knowing is the finding ("a third did not know
    #: what happens next"). "I don't know" counts with the negative answers, as "unclear".
    NOT_KNOWING = "not_knowing"
    #: Anything else: "I don't know" is its own share, beside positive, neutral and negative.
    OWN_SHARE = "own_share"


#: Indicator key -> what "I don't know" means for it. Every indicator must be here (a test
#: checks), so a new indicator cannot be counted until someone has decided what it means.
DONT_KNOW_MEANS: dict[str, DontKnowMeans] = {
    "felt_safe": DontKnowMeans.OWN_SHARE,
    "trusted_adult": DontKnowMeans.OWN_SHARE,
    "learning_support": DontKnowMeans.OWN_SHARE,
    "challenge": DontKnowMeans.OWN_SHARE,
    "progress": DontKnowMeans.OWN_SHARE,
    "understood_why": DontKnowMeans.NOT_KNOWING,
    "involved_in_decisions": DontKnowMeans.OWN_SHARE,
    "home_school_contact": DontKnowMeans.OWN_SHARE,
    "next_steps": DontKnowMeans.NOT_KNOWING,
    "sessions_missed": DontKnowMeans.OWN_SHARE,
    "feelings_about_learning": DontKnowMeans.OWN_SHARE,
    "overall_rating": DontKnowMeans.OWN_SHARE,
    "qualification": DontKnowMeans.NOT_KNOWING,
    "post16_plans": DontKnowMeans.OWN_SHARE,
    "belonging": DontKnowMeans.OWN_SHARE,
    "respected": DontKnowMeans.OWN_SHARE,
    "not_bullied": DontKnowMeans.OWN_SHARE,
    # "Would you know who to tell?" is a question of knowing: not knowing is the finding.
    "knew_who_to_tell": DontKnowMeans.NOT_KNOWING,
    "needs_understood": DontKnowMeans.OWN_SHARE,
    "attended": DontKnowMeans.OWN_SHARE,
}


def dont_know_means(indicator: str) -> DontKnowMeans:
    """What "I don't know" means for this indicator.

    One nobody has declared (a test fails until someone does) still shows its "I don't know"s,
    as their own share: a report page never breaks, and never hides them.
    """
    return DONT_KNOW_MEANS.get(indicator, DontKnowMeans.OWN_SHARE)
