"""The ASGI application, for ``uvicorn survey_app.asgi:app`` and other ASGI servers.

``survey-app serve`` runs uvicorn on this module too, so both ways of serving get the filter
that keeps tokens out of the logs. It is installed after the app is built, because building it
sets up Litestar's log handlers, and uvicorn has set up its own before importing this.
"""

from survey_app.app import create_app
from survey_app.ops import logging_filters

app = create_app()
logging_filters.install()
