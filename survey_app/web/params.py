"""Path parameters shared by the staff pages and the API."""

from typing import Annotated

from litestar.exceptions import ValidationException
from litestar.params import PathParameter, QueryParameter

from survey_app.numbers import whole

#: Database ids are 32-bit on PostgreSQL: anything outside is a clear 400, never a server error.
ObjectId = Annotated[int, PathParameter(ge=1, le=2_147_483_647, description="An object's id")]

#: Earliest and latest academic year a report may be asked for.
YEARS = (2000, 2100)

#: The academic year a report shows, as typed in the address: a four-digit year start (2026 for
#: 2026/27), or empty (the Period selector's "All years") for all years. Read as text because
#: empty is a choice, not a mistake; ``academic_year()`` turns it into the year, or refuses it.
Year = Annotated[
    str | None,
    QueryParameter(
        required=False,
        max_length=40,
        description="The academic year to show, by the year it starts in: 2026 for 2026/27. "
        "Empty or left out: all years.",
    ),
]

#: What a wrong ``year`` is told, on a staff page and in the API alike.
YEAR_PROBLEM = (
    f"year (the period) must be an academic year from {YEARS[0]} to {YEARS[1]} by the year it "
    "starts in, such as 2026 for 2026/27, or empty for all years"
)


def academic_year(raw: str | None) -> int | None:
    """The academic year ``?year=`` asks for; None (all years) when it is empty or absent.

    Anything else is refused by name (a ``ValidationException``, which staff pages show as an
    error page and the API as its JSON error).
    """
    text = (raw or "").strip()
    if not text:
        return None
    year = whole(text)
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        raise ValidationException(YEAR_PROBLEM, extra=[{"key": "year", "message": YEAR_PROBLEM}])
    return year


#: Which table of a report to download as CSV, by its key (``indicators``); the first if absent.
TableKey = Annotated[
    str | None,
    QueryParameter(
        max_length=40,
        pattern=r"^[a-z0-9-]+$",
        required=False,
        description="Which table to download as CSV, e.g. indicators; the first if not given.",
    ),
]
