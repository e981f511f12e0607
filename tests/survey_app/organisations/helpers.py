"""What the organisation tests share: the world's two authorities given DfE numbers, uploads."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import LocalAuthority, School
from tests.world import World, csrf_token, run

#: The world's first authority (Westshire) and second (Eastshire), as GIAS numbers them.
WEST, EAST = "845", "846"


def number_the_authorities(world: World) -> None:
    """Give the world's authorities their DfE LA numbers, as ``survey-app la add`` would have."""
    for la_id, number in ((world.la, WEST), (world.other_la, EAST)):
        run(
            LocalAuthority.update({LocalAuthority.dfe_number: number}).where(
                LocalAuthority.id == la_id
            )
        )


def upload(client: Any, url: str, data: bytes, **fields: str) -> Any:
    """Post a file as the upload form does (multipart, with the CSRF token)."""
    return client.post(
        url,
        data={**fields, "_csrf_token": csrf_token(client)},
        files={"file": ("upload.csv", data, "text/csv")},
    )


def page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def schools_of(la_id: int) -> dict[str, dict[str, Any]]:
    """The authority's schools by URN, as stored."""
    rows = run(School.select().where(School.local_authority == la_id))
    return {row["urn"]: row for row in rows}
