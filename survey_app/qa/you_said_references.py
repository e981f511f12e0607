""" "You said, we did" never shows pupils one of the council's own pupil references: the words
are checked against the references its placements hold, as well as by pattern
(``check_wording``), on every save, submit and publish."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from survey_app.db.tables import Placement
from survey_app.placements.rules import FieldError
from survey_app.qa.you_said import FIELDS, Wording, check_wording

#: Letters from other scripts that look like Latin ones, and the digits letters stand in for:
#: found from outside, "ТА-001" in Cyrillic letters or "ta-o01" got a real reference past a
#: check that compared spellings. Applied after case folding, to the words and the references.
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "0",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "1", "ј": "j",
        "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "1",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "1", "κ": "k", "ν": "v", "ο": "0",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
        # Latin letters written for digits
        "o": "0", "i": "1", "l": "1",
    }
)  # fmt: skip

#: A reference this short is matched only as a whole word: "A12" inside a longer run of
#: letters and digits is more likely something else.
SHORTEST_FOUND_INSIDE = 4


def folded(text: str) -> str:
    """``text`` as a reference is compared: compatibility forms made plain (fullwidth, bold
    maths letters), case folded, look-alikes mapped, invisible characters dropped."""
    plain = unicodedata.normalize("NFKC", text).casefold().translate(LOOK_ALIKES)
    return "".join(ch for ch in plain if unicodedata.category(ch) != "Cf")


def squashed(text: str) -> tuple[str, set[int], set[int]]:
    """The letters and digits of ``folded(text)`` run together, with where each word starts and
    ends in that run: "ta - 001" and "ta_001" both become "ta001", one word."""
    run: list[str] = []
    starts: set[int] = set()
    ends: set[int] = set()
    previous_alnum = False
    for character in folded(text):
        if character.isalnum():
            if not previous_alnum:
                starts.add(len(run))
            run.append(character)
            previous_alnum = True
        else:
            if previous_alnum:
                ends.add(len(run))
            previous_alnum = False
    ends.add(len(run))
    return "".join(run), starts, ends


def names_a_reference(text: str, keys: set[str]) -> bool:
    """Whether ``text`` holds one of ``keys`` (references, squashed) starting at a word, with
    any separators or none between its parts and anything after it ("ta-001s")."""
    letters, starts, ends = squashed(text)
    for key in keys:
        found = letters.find(key)
        while found != -1:
            whole = found + len(key) in ends
            if found in starts and (len(key) >= SHORTEST_FOUND_INSIDE or whole):
                return True
            found = letters.find(key, found + 1)
    return False


async def pupil_references(local_authority_id: int, wording: Wording) -> list[FieldError]:
    """An error for each box whose words include a pupil reference the council's placements
    hold, however it is spelt: the pattern checks in ``check_wording`` miss a reference of an
    unusual shape ("API-B1"), and pupils must never read one. One query for both boxes; a
    council's references are few enough to read whole for something saved this rarely."""
    if not any(getattr(wording, name).strip() for name in FIELDS):
        return []
    rows = await Placement.select(Placement.pupil_reference).where(
        Placement.local_authority == local_authority_id
    )
    keys = {squashed(row["pupil_reference"])[0] for row in rows} - {""}
    return [
        FieldError(name, f"{label} seems to include a pupil's reference: take it out")
        for name, label in FIELDS.items()
        if names_a_reference(getattr(wording, name), keys)
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
