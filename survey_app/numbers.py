"""Numbers typed into forms, query strings and uploads: ASCII digits 0-9 only.

``str.isdigit()``, ``int()``, ``float()`` and ``\\d`` in a regular expression all accept other
scripts' digits ("١٢", "１２") and ``isdigit()`` even superscripts ("²", which ``int()`` then
refuses with an error page). Nobody means those as a number here, and a value that looks like
another would be stored as something nobody typed, so they are refused as "not a whole number".
"""

from __future__ import annotations

import re

#: One or more of 0-9 and nothing else (``[0-9]``, not ``\d``: see above).
ASCII_DIGITS = re.compile(r"[0-9]+")


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits 0-9, and nothing else."""
    return ASCII_DIGITS.fullmatch(text) is not None


def whole(text: str) -> int | None:
    """``text`` as a whole number if it is only ASCII digits 0-9; None otherwise."""
    return int(text) if is_digits(text) else None
