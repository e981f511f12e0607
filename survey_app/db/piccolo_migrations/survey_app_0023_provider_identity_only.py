"""Drop from the shared provider row what now lives in each LA's provider record."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T12:14:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "Provider: identity only (QA and register fields now in provider_record)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="survey_app", description=DESCRIPTION
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="local_authority",
        db_column_name="local_authority",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="contact_email",
        db_column_name="contact_email",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="registration_status",
        db_column_name="registration_status",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="offer_types",
        db_column_name="offer_types",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="qa_stage",
        db_column_name="qa_stage",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="rag_rating",
        db_column_name="rag_rating",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="rag_rated_on",
        db_column_name="rag_rated_on",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="rag_reason",
        db_column_name="rag_reason",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="last_visit_on",
        db_column_name="last_visit_on",
        schema=None,
    )

    return manager
