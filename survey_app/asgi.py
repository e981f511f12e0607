"""The ASGI application, for ``uvicorn survey_app.asgi:app`` and other ASGI servers."""

from survey_app.app import create_app

app = create_app()
