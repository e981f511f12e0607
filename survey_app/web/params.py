"""Path parameters shared by the staff pages and the API."""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

#: Database ids are 32-bit on PostgreSQL: anything outside is a clear 400, never a server error.
ObjectId = Annotated[int, PathParameter(ge=1, le=2_147_483_647, description="An object's id")]

#: A four-digit academic year start, e.g. 2026 for 2026/27; anything else is refused by name.
Year = Annotated[
    int | None,
    QueryParameter(
        ge=2000,
        le=2100,
        required=False,
        description="The academic year to show, by the year it starts in: 2026 for 2026/27.",
    ),
]

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
