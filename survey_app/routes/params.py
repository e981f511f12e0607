"""Path parameters shared by the staff pages and the API."""

from typing import Annotated

from litestar.params import PathParameter

#: Database ids are 32-bit on PostgreSQL: anything outside is a clear 400, never a server error.
ObjectId = Annotated[int, PathParameter(ge=1, le=2_147_483_647, description="An object's id")]
