"""Fill the columns reports rely on for rows written before they existed.

Offer types take the single offer type; each response gets its term and academic year (from its
submission date in England); every free-text answer already given waits for review.
"""

from zoneinfo import ZoneInfo

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T11:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Backfill offer types, response terms and comment review status."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        from reports.periods import academic_year_of, term_key
        from survey_app.db.tables import Answer, Provider, Response

        await Provider.raw("UPDATE provider SET offer_types = offer_type WHERE offer_types = ''")
        await Answer.raw(
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
