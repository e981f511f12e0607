"""Learner-voice surveys for children in non-school alternative provision."""

import os

# Piccolo finds its engine through this module, which builds it from the service settings.
os.environ.setdefault("PICCOLO_CONF", "survey_app.db.piccolo_conf")
