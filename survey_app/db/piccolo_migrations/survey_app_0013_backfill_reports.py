"""Fill the columns reports rely on for rows written before they existed.

Offer types take the single offer type; each response gets its term and academic year (from its
submission date in England); every free-text answer already given waits for review.

The tables and the term rules this needs are copied here as they stood, rather than imported
from the live ``survey_app.db.tables`` and ``reports.periods``, so a later change there cannot
change what this migration does.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Timestamptz, Varchar
from piccolo.table import Table

ID = "2026-11-23T11:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Backfill offer types, response terms and comment review status."


class Response(Table, tablename="response"):
    """Only the columns this migration reads and writes."""

    submitted_at = Timestamptz()
    term = Varchar(length=8, default="")
    academic_year = Integer(default=0)


def term_key(day: dt.date) -> str:
    """The sortable key of the English school term a day falls in: "2026-3" is autumn 2026."""
    if day.month >= 9:
        number = 3
    elif day.month <= 4:
        number = 1
    else:
        number = 2
    return f"{day.year}-{number}"


def academic_year_of(day: dt.date) -> int:
    """The first calendar year of the academic year (September to August) a day falls in."""
    return day.year if day.month >= 9 else day.year - 1


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        await Response.raw("UPDATE provider SET offer_types = offer_type WHERE offer_types = ''")
        await Response.raw(
            "UPDATE answer SET review_status = 'pending' "
            "WHERE text IS NOT NULL AND review_status IS NULL"
        )
        london = ZoneInfo("Europe/London")
        for row in await Response.select(Response.id, Response.submitted_at).where(
            Response.term == ""
        ):
            day = row["submitted_at"].astimezone(london).date()
            await Response.update(
                {Response.term: term_key(day), Response.academic_year: academic_year_of(day)}
            ).where(Response.id == row["id"])

    manager.add_raw(run)
    return manager
