"""How the JSON API says no: one error body, every field named in plain words."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from survey_app.placements.rules import FieldError


class ErrorBody(msgspec.Struct, frozen=True):
    """Every API error: the status, what went wrong, and per-field problems where there are any."""

    status_code: int
    detail: str
    errors: list[dict[str, str]] | None = None


ERRORS = {
    400: ResponseSpec(data_container=ErrorBody, description="A field is wrong; each is named"),
    401: ResponseSpec(data_container=ErrorBody, description="No valid API token"),
    403: ResponseSpec(data_container=ErrorBody, description="Your role may not do this"),
    404: ResponseSpec(data_container=ErrorBody, description="Not found, or not yours to see"),
}


def invalid(errors: list[FieldError]) -> ValidationException:
    return ValidationException(
        detail="; ".join(f"{e.field}: {e.message}" for e in errors),
        extra=[{"key": e.field, "message": e.message} for e in errors],
    )


TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "text",
    "bool": "true or false",
    "date": "a date like 2026-11-23",
    "null": "empty",
}
FIELD_IN_MESSAGE = re.compile(r"field `(.*)`(?:$| - at )", re.DOTALL)
EXPECTED = re.compile(r"Expected `([\w.| ]+)`(?:, got `(\w+)`)?")


def plain_error(error: dict[str, Any]) -> dict[str, str]:
    """Restate a decoding error so it names the field and the problem in plain words."""
    message, key = str(error.get("message", "")), str(error.get("key", ""))
    if found := FIELD_IN_MESSAGE.search(message):
        key = found.group(1)
        if "unknown field" in message:
            return {"key": key, "message": f"{key} is not a field this request accepts"}
        if "missing required field" in message:
            return {"key": key, "message": f"{key} is required"}
    if found := EXPECTED.search(message):
        wanted = " or ".join(
            TYPE_WORDS.get(t.strip(), t.strip()) for t in found.group(1).split("|")
        )
        return {"key": key, "message": f"{key} must be {wanted}"}
    return {"key": key, "message": message or "This value is not valid"}


def json_error(request: Request, exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    body: dict[str, Any] = {"status_code": status, "detail": getattr(exc, "detail", "Error")}
    extra = getattr(exc, "extra", None)
    if isinstance(extra, list) and extra:
        body["errors"] = [plain_error(e) for e in extra if isinstance(e, dict)]
        body["detail"] = "; ".join(e["message"] for e in body["errors"])
    return Response(body, status_code=status)
