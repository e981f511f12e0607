""" "You said, we did" never shows pupils one of the council's own pupil references: the words
are checked against the references its placements hold, as well as by pattern
(``check_wording``), on every save, submit and publish."""

from __future__ import annotations

import re
from collections.abc import Mapping

from survey_app.db.tables import Placement
from survey_app.placements.identity import reference_is_any_of
from survey_app.placements.rules import FieldError, reference_key
from survey_app.qa.you_said import FIELDS, Wording, check_wording

#: A run of the characters a pupil reference is made of (``placements.rules.PUPIL_REFERENCE``):
#: each is a whole word that might be one, "API-B1" in "API-B1 asked" but never "B1" in it.
REFERENCE_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_/-]*")


def reference_words(text: str) -> set[str]:
    """The words in ``text`` that could be pupil references, as ``reference_key`` spells them:
    with a digit (every reference has one), each whole and, when it has slashes, each part
    ("OAK-55/OAK-56" names two pupils)."""
    found: set[str] = set()
    for word in REFERENCE_WORD.findall(text):
        for candidate in (word, *word.split("/")):
            candidate = candidate.rstrip("-_/")
            if any(character.isdigit() for character in candidate):
                found.add(reference_key(candidate))
    return found


async def pupil_references(local_authority_id: int, wording: Wording) -> list[FieldError]:
    """An error for each box whose words include a pupil reference the council's placements
    hold, in any case: the pattern checks in ``check_wording`` miss a reference of an unusual
    shape ("API-B1"), and pupils must never read one. One query for both boxes."""
    words = {name: reference_words(getattr(wording, name)) for name in FIELDS}
    every = sorted(set().union(*words.values()))
    if not every:
        return []
    rows = await Placement.select(Placement.pupil_reference).where(
        Placement.local_authority == local_authority_id,
        reference_is_any_of(Placement.pupil_reference, every),
    )
    known = {reference_key(row["pupil_reference"]) for row in rows}
    return [
        FieldError(name, f"{label} seems to include a pupil's reference: take it out")
        for name, label in FIELDS.items()
        if words[name] & known
    ]


async def check_entry(
    local_authority_id: int, fields: Mapping[str, str], band: str, place: str = ""
) -> tuple[Wording, list[FieldError]]:
    """``check_wording``, and the words checked against the council's pupil references: what
    every save, submit and publish runs, so nothing unchecked is kept or published."""
    wording, errors = check_wording(fields, band, place)
    errors += await pupil_references(local_authority_id, wording)
    # In the order of the boxes, as the form shows them.
    order = list(FIELDS)
    errors.sort(key=lambda error: order.index(error.field) if error.field in order else len(order))
    return wording, errors
