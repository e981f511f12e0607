"""Keep bearer tokens out of every log line: a pupil's survey link, a password-reset link.

Whoever holds one of these paths can open a pupil's survey or take over a staff account, and
logs are read by more people (operators, hosting support, log shippers) and kept longer than
the links live. So the token in any such path is replaced before a record reaches a handler:
``/s/abc…`` is logged as ``/s/[redacted]``. The filter sits on uvicorn's access and error
loggers, Litestar's logger, the app's loggers and the root logger, and on their handlers (a
filter on a logger does not see records its children pass up; one on a handler does).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import Any

from litestar.exceptions import HTTPException
from litestar.types import Scope

#: Paths whose next segment is a secret. ``/staff/invitation/`` is for staff invitations.
TOKEN_PATH = re.compile(r"(/s/|/staff/password-reset/|/staff/invitation/)[^/?#\s\"'<>]+")
REDACTED = "[redacted]"

#: Where records are written from: uvicorn (the access log too), Litestar, the app, the root.
LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "litestar", "survey_app", "")


def redact(text: str) -> str:
    """``text`` with the token of every secret-bearing path replaced."""
    return TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text)


def _redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Rewrites a record's message and arguments in place; never drops a record.

    The arguments keep their shape (uvicorn's access formatter unpacks them as a tuple of
    client, method, path, version and status), so only the strings among them change.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(arg) for key, arg in record.args.items()}
        return True


def install(names: Iterable[str] = LOGGERS) -> None:
    """Put the filter on these loggers and their handlers (again is harmless)."""
    for name in names:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, RedactTokens) for f in target.filters):
                target.addFilter(RedactTokens())


def log_exception(logger: Any, scope: Scope, traceback: list[str]) -> None:
    """Litestar's exception log line, with routine refusals kept out of the error log.

    A 401 (not signed in) or 404 (no such page, or not yours) happens all day and is not a
    fault: one INFO line, no traceback, so real errors stand out. Anything else is an error
    with its traceback. The path is redacted either way.
    """
    error = sys.exc_info()[1]
    path = redact(str(scope.get("path", "")))
    if isinstance(error, HTTPException) and error.status_code < 500:
        logger.info("%s %s: %s", error.status_code, path, type(error).__name__)
    else:
        logger.exception("Uncaught exception (connection_type=%s, path=%r):", scope["type"], path)
