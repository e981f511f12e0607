"""Piccolo's app registration, so ``piccolo migrations`` can find the tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from survey_app.db.schema import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="survey_app",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=ALL_TABLES,
)
