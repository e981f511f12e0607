"""Piccolo's configuration, built from the service settings (``PICCOLO_CONF`` names it)."""

from piccolo.conf.apps import AppRegistry

from survey_app.db.engine import engine_for
from survey_app.settings import load_settings

DB = engine_for(load_settings())

APP_REGISTRY = AppRegistry(apps=["survey_app.db.piccolo_app"])
