"""Every list the API offers, one way: the page's filters, a ``limit``, an opaque cursor.

A list endpoint takes its query string through one dependency, ``list_params`` (or
``sync_params`` for lists that also offer ``updated_since``): the parameters every list shares
are declared there once, for the OpenAPI document and for every endpoint alike. ``parse_api``
reads them with the staff page's own ``ListSpec`` (so a bad filter gets the page's words) and
refuses any parameter the list does not take, by name: a typo such as ``update_since=`` would
otherwise return everything and look like success. ``fetch_after`` pages by keyset with a
signed cursor, so a school's system syncing 20,000 placements never skips or repeats a row
while others are written.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from piccolo.columns import Column
from piccolo.table import Table

from survey_app.accounts.scoping import Actor, scope
from survey_app.placements.rules import FieldError
from survey_app.web.listing import (
    MAX_LIMIT,
    OFFSET_AS_SPACE,
    PAGE_SIZE,
    ListQuery,
    ListSpec,
    clauses,
    parse,
    whole_number,
)


def query_parameter(description: str) -> Any:
    """An optional query parameter's declaration (for the OpenAPI document)."""
    return QueryParameter(required=False, description=description)


# Declared for the OpenAPI document only: the values are read from the query string by
# ``parse_api`` (the same parser as the staff pages), so a bad one gets the page's words.
Limit = Annotated[
    str | None, query_parameter(f"Rows per page, 1 to {MAX_LIMIT} (default {PAGE_SIZE})")
]
CursorText = Annotated[str | None, query_parameter("Where to carry on from: take it from `next`")]
UpdatedSince = Annotated[
    str | None, query_parameter("Only rows changed since this time (ISO 8601 with a time zone)")
]

#: What every API list takes besides its filters.
PAGING = ("limit", "cursor")


class ListParams(msgspec.Struct, frozen=True):
    """An API list request's query string as sent, for ``parse_api``."""

    params: dict[str, str]
    #: Whether this list offers ``updated_since`` (it has a change time to sync by).
    syncs: bool = False
    #: Which list, for whom: its cursors are signed for this and refused anywhere else.
    bound: str = ""


def binding(path: str, user_id: int) -> str:
    """What a cursor is signed for: the list's path and the actor. A cursor from one list given
    to another would page it from a row id it never reached (or skip rows); one actor's
    cursor handed to another is refused likewise."""
    return f"{path}\x00{user_id}"


async def list_params(
    request: Request, actor: NamedDependency[Actor], limit: Limit = None, cursor: CursorText = None
) -> ListParams:
    """The dependency every API list endpoint takes: ``limit`` and ``cursor``, declared once."""
    return ListParams(
        {key: str(value) for key, value in request.query_params.items()},
        bound=binding(request.url.path, actor.user_id),
    )


async def sync_params(
    list_params: NamedDependency[ListParams], updated_since: UpdatedSince = None
) -> ListParams:
    """``list_params`` plus ``updated_since``, for lists a school's system keeps in step with."""
    return msgspec.structs.replace(list_params, syncs=True)


class Cursor(msgspec.Struct, frozen=True, array_like=True):
    """Where the last page ended: the last row's change time (None for a list paged by id
    alone) and id."""

    updated_at: dt.datetime | None
    id: int


def _signature(secret: str, body: bytes, bound: str) -> bytes:
    message = b"list-cursor:" + bound.encode() + b"\x00" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()[:12]


def make_cursor(secret: str, cursor: Cursor, bound: str = "") -> str:
    """An opaque, signed cursor: a client cannot forge one to read past its filters, nor use it
    on another list or as someone else (``bound``, from ``binding``)."""
    body = msgspec.json.encode(cursor)
    return base64.urlsafe_b64encode(body + _signature(secret, body, bound)).decode().rstrip("=")


def read_cursor(secret: str, text: str, bound: str = "") -> Cursor | None:
    """The cursor, or None when it was altered, truncated, never ours, or made for another list
    or actor than ``bound``."""
    try:
        blob = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None
    body, signature = blob[:-12], blob[-12:]
    if len(blob) <= 12 or not hmac.compare_digest(signature, _signature(secret, body, bound)):
        return None
    try:
        return msgspec.json.decode(body, type=Cursor)
    except msgspec.DecodeError:
        return None


class ApiQuery(msgspec.Struct, frozen=True):
    """A parsed API list request: filters as on the page, a limit, a cursor, a sync point."""

    list_query: ListQuery
    limit: int
    after: Cursor | None
    updated_since: dt.datetime | None
    #: What the next cursor is signed for (``ListParams.bound``).
    bound: str = ""


def _unknown(spec: ListSpec, request: ListParams) -> list[FieldError]:
    """Each parameter the list does not take, named: a typo must not quietly widen a query."""
    taken = [field.name for field in spec.fields] + list(PAGING)
    if request.syncs:
        taken.append("updated_since")
    return [
        FieldError(
            name,
            f"{name} is not a parameter this list takes: it takes {', '.join(taken)}",
        )
        for name in request.params
        if name not in taken
    ]


def _since(text: str) -> tuple[dt.datetime | None, FieldError | None]:
    # An unencoded "+01:00" arrives as " 01:00" (a plus is a space in a query string).
    text = OFFSET_AS_SPACE.sub(r"+\1", text)
    try:
        since = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, FieldError(
            "updated_since", "updated_since must be a time like 2026-11-23T10:00:00Z"
        )
    if since.tzinfo is None:
        return None, FieldError(
            "updated_since", "updated_since needs a time zone, like 2026-11-23T10:00:00Z"
        )
    return since, None


def parse_api(
    spec: ListSpec, request: ListParams, secret: str
) -> tuple[ApiQuery, list[FieldError]]:
    """The page's filters plus ``limit``, ``cursor`` and (for a syncing list) ``updated_since``.

    The API pages by cursor and in change (or id) order: a page number or sort would mean
    nothing, so they are refused like any other parameter the list does not take.
    """
    params = request.params
    errors = _unknown(spec, request)
    list_query, problems = parse(
        spec, {k: v for k, v in params.items() if k not in ("page", "sort")}
    )
    errors += problems
    limit, problem = whole_number(
        str(params.get("limit") or PAGE_SIZE), "limit", "limit", 1, MAX_LIMIT
    )
    if problem:
        errors.append(problem)
    after = None
    if text := str(params.get("cursor") or ""):
        after = read_cursor(secret, text, request.bound)
        # A change-ordered list's cursor carries a change time, an id-ordered one's does not:
        # one list's cursor given to the other would skip rows, so it is refused.
        if after is not None and (after.updated_at is not None) != request.syncs:
            after = None
        if after is None:
            errors.append(
                FieldError(
                    "cursor",
                    "cursor is not one this service gave out: use the next link as it came",
                )
            )
    since = None
    if request.syncs and (text := str(params.get("updated_since") or "").strip()):
        since, problem = _since(text)
        if problem:
            errors.append(problem)
    return ApiQuery(list_query, limit, after, since, request.bound), errors


class ApiPage(msgspec.Struct, frozen=True):
    rows: list[dict[str, Any]]
    #: The cursor for the next page, or None on the last.
    next_cursor: str | None


async def fetch_after(
    spec: ListSpec,
    query: ApiQuery,
    secret: str,
    actor: Actor,
    table: type[Table],
    updated_at: Column | None,
    columns: Sequence[Any],
    extra: Sequence[Any] = (),
) -> ApiPage:
    """Rows after the cursor in (``updated_at``, id) order: a row changed while a client pages
    moves to the end, so it is read again rather than missed. With no ``updated_at`` (a
    register with no change time) the order is by id alone."""
    row_id = table.id  # type: ignore[attr-defined]
    where = [scope(actor, table), *extra, *clauses(spec, query.list_query)]
    if updated_at is not None and query.updated_since is not None:
        where.append(updated_at >= query.updated_since)
    if query.after is not None:
        at = query.after.updated_at
        if updated_at is None or at is None:
            where.append(row_id > query.after.id)
        else:
            where.append((updated_at > at) | ((updated_at == at) & (row_id > query.after.id)))
    if updated_at is None:
        select = table.select(*columns).where(*where).order_by(row_id)
    else:
        select = (
            table.select(*columns, updated_at.as_alias("_updated_at"))
            .where(*where)
            .order_by(updated_at, row_id)
        )
    rows = await select.limit(query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = (
        make_cursor(secret, Cursor(rows[-1].get("_updated_at"), rows[-1]["id"]), query.bound)
        if more
        else None
    )
    return ApiPage(rows, next_cursor)


def next_link(path: str, params: Mapping[str, str], cursor: str | None) -> str | None:
    """The next page's address: the same filters and limit, the new cursor."""
    if cursor is None:
        return None
    kept = {k: v for k, v in params.items() if k != "cursor"}
    return f"{path}?{urlencode({**kept, 'cursor': cursor})}"
