"""Each pupil's journey as their own school sees it: per indicator, the start answer in the
pupil's words beside their later answer, and how it changed (pairs from ``reports.journeys``).

Only the pupil's school (and the LA) ever get these: they name the pupil by reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import msgspec

from questionnaires.indicators import ALL_INDICATORS
from questionnaires.loader import all_versions
from reports.journeys import AnswerRow, Change, Pair


class JourneyStep(msgspec.Struct, frozen=True):
    """One indicator of one pupil's journey, for their own school: start answer, later answer."""

    indicator: str
    label: str
    before: str
    after: str
    after_kind: str
    change: Change


class PupilJourney(msgspec.Struct, frozen=True):
    pupil: int
    reference: str
    steps: list[JourneyStep]


def journeys(
    pairs: Iterable[Pair],
    references: dict[int, str],
    label_of: Callable[[AnswerRow], str],
) -> list[PupilJourney]:
    """Each pupil's pairs as steps in catalogue order, by pupil reference."""
    order = {key: n for n, key in enumerate(ALL_INDICATORS)}
    by_pupil: dict[int, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_pupil[pair.pupil].append(pair)
    out = [
        PupilJourney(
            pupil=pupil,
            reference=references.get(pupil, ""),
            steps=[
                JourneyStep(
                    indicator=p.indicator,
                    label=ALL_INDICATORS.get(p.indicator, p.indicator),
                    before=label_of(p.before),
                    after=label_of(p.after),
                    after_kind=p.after.kind,
                    change=p.change,
                )
                for p in sorted(own, key=lambda p: order.get(p.indicator, len(order)))
            ],
        )
        for pupil, own in by_pupil.items()
    ]
    return sorted(out, key=lambda j: (j.reference, j.pupil))


def option_label(row: AnswerRow) -> str:
    """The words the pupil chose, from the questionnaire version they answered."""
    questionnaire = all_versions().get((row.questionnaire_id, row.questionnaire_version))
    if questionnaire is not None:
        for question in questionnaire.questions:
            if question.indicator == row.indicator:
                for option in question.options:
                    if option.value == row.value:
                        return option.label
    return row.value
