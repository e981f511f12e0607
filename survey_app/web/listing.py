"""Every list the service shows, one way: a total, pages, search, filters and a sort in the URL.

A feature describes its list once as a ``ListSpec`` (which query parameters it takes, what each
means as a where-clause, which orders it offers). ``parse`` turns a request's query string into a
``ListQuery`` or plain-words problems naming each field; ``fetch_page`` runs it under ``scope()``
(always first: a total never counts what the actor may not see) with ``OFFSET`` paging for the
staff pages; the API reads the same spec with a keyset cursor (``web/api_lists.py``).
``staff/_listing.html`` renders the filter form (a GET form: bookmarkable, works with JavaScript
off), the count and GOV.UK pagination from the same objects.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import msgspec
from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.table import Table

from survey_app.accounts.scoping import Actor, scope
from survey_app.numbers import whole
from survey_app.placements.rules import FieldError

#: Rows on one staff page; the API's ``limit`` defaults to this and may go up to ``MAX_LIMIT``.
PAGE_SIZE = 50
MAX_LIMIT = 500
#: Page numbers beyond this are refused by name rather than asked of the database.
MAX_PAGE = 100_000
#: Largest pinned row id accepted (PostgreSQL's bigint).
MAX_PIN = 2**63 - 1
#: Longest search text accepted: longer is refused, never silently cut.
MAX_SEARCH = 100
OFFSET_AS_SPACE = re.compile(r"(?<=\d) (\d\d:?\d\d)$")


class FieldKind(StrEnum):
    #: Free text, matched anywhere in the column (case-insensitive).
    SEARCH = "search"
    #: One of a fixed list (the form shows a select).
    CHOICE = "choice"
    #: A calendar date, as a date input sends it (2026-11-23).
    DATE = "date"
    #: Not a filter the form shows: a whole number the list's first page sets (see ``pin``) and
    #: its page links keep, such as the newest row when paging began, so rows written while
    #: someone pages (viewing the audit log writes one) do not shift the pages under them.
    PIN = "pin"


class Field(msgspec.Struct, frozen=True, kw_only=True):
    """One filter: its query parameter, its label, and the where-clause for a value."""

    name: str
    label: str
    kind: FieldKind
    #: The clause for a parsed value (a str for SEARCH/CHOICE, a date for DATE).
    where: Callable[[Any], Any]
    #: (value, label) pairs for CHOICE; a value not among them is refused by name.
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    #: What the CHOICE select calls "no filter".
    any_label: str = "Any"
    #: A CHOICE applied when the parameter is absent (the list's usual view, e.g. open alerts);
    #: the form then offers no "no filter" option, so give a choice that means "all".
    default: str = ""
    #: False: the form shows no control for it unless the address gives it (a school contact's
    #: school filter, whose only choice is their own school). It is read and checked like any
    #: other, so a value not among the choices is still named, never quietly ignored.
    offered: bool = True


class Sort(msgspec.Struct, frozen=True):
    """One order a list offers: its label and (column, ascending) pairs, id last added for you."""

    label: str
    columns: tuple[tuple[Column, bool], ...]


class ListSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What one list accepts: its address, its filters and its orders (the first is default)."""

    path: str
    #: Singular and plural nouns for the count ("1 placement", "20,000 placements").
    noun: tuple[str, str]
    fields: tuple[Field, ...]
    sorts: Mapping[str, Sort]
    page_size: int = PAGE_SIZE
    #: Put before ``page`` and ``sort`` when one page shows several lists (``open_page``), so
    #: each pages on its own and the others keep their place.
    prefix: str = ""

    @property
    def page_param(self) -> str:
        return f"{self.prefix}page"

    @property
    def sort_param(self) -> str:
        return f"{self.prefix}sort"

    @property
    def default_sort(self) -> str:
        return next(iter(self.sorts))


class ListQuery(msgspec.Struct, frozen=True):
    """A parsed, checked request for one page of a list."""

    page: int
    sort: str
    #: Filter name to parsed value, only for filters given.
    filters: dict[str, Any]
    #: The parameters as typed, to fill the form again and build page links.
    raw: dict[str, str]


def whole_number(
    text: str, name: str, label: str, low: int, high: int
) -> tuple[int, FieldError | None]:
    value = whole(text)
    if value is None or not low <= value <= high:
        return low, FieldError(name, f"{label} must be a whole number from {low} to {high:,}")
    return value, None


def parse(spec: ListSpec, params: Mapping[str, str]) -> tuple[ListQuery, list[FieldError]]:
    """Read the list's parameters; unknown ones are ignored, bad ones named in plain words."""
    errors: list[FieldError] = []
    raw: dict[str, str] = {}
    filters: dict[str, Any] = {}
    for field in spec.fields:
        text = str(params.get(field.name) or "").strip()
        if not text:
            if field.default:
                filters[field.name] = field.default
            continue
        raw[field.name] = text
        if field.kind == FieldKind.SEARCH:
            if len(text) > MAX_SEARCH:
                errors.append(
                    FieldError(
                        field.name, f"{field.label} must be {MAX_SEARCH} characters or fewer"
                    )
                )
            else:
                filters[field.name] = text
        elif field.kind == FieldKind.PIN:
            value, problem = whole_number(text, field.name, field.label, 0, MAX_PIN)
            if problem:
                errors.append(problem)
            else:
                filters[field.name] = value
        elif field.kind == FieldKind.CHOICE:
            if text not in {value for value, _ in field.choices}:
                errors.append(FieldError(field.name, f"Choose {field.label.lower()} from the list"))
            else:
                filters[field.name] = text
        else:
            try:
                filters[field.name] = dt.date.fromisoformat(text)
            except ValueError:
                errors.append(
                    FieldError(field.name, f"{field.label} must be a date like 2026-11-23")
                )
    sort = str(params.get(spec.sort_param) or spec.default_sort)
    if sort not in spec.sorts:
        errors.append(FieldError(spec.sort_param, "Choose an order from the list"))
        sort = spec.default_sort
    elif sort != spec.default_sort:
        raw[spec.sort_param] = sort
    page, problem = whole_number(
        str(params.get(spec.page_param) or "1"), spec.page_param, "Page", 1, MAX_PAGE
    )
    if problem:
        errors.append(problem)
    return ListQuery(page, sort, filters, raw), errors


def pin(spec: ListSpec, query: ListQuery, name: str, value: int) -> ListQuery:
    """``query`` with the PIN field ``name`` set to ``value`` unless the request already gave one
    (a later page, or a bookmarked view), so its page links carry it."""
    if name in query.filters:
        return query
    if not any(field.name == name and field.kind == FieldKind.PIN for field in spec.fields):
        raise ValueError(f"{name} is not a pin of {spec.path}")
    return msgspec.structs.replace(
        query,
        filters={**query.filters, name: value},
        raw={**query.raw, name: str(value)},
    )


def clauses(spec: ListSpec, query: ListQuery) -> list[Any]:
    """The where-clauses of the query's filters (scope() is added by the fetchers)."""
    by_name = {field.name: field for field in spec.fields}
    return [
        clause
        for name, value in query.filters.items()
        if (clause := by_name[name].where(value)) is not None
    ]


def contains(*columns: Column) -> Callable[[str], Any]:
    """A SEARCH filter's clause: any of the columns contains the text, whatever its case."""
    names = [column._meta.get_full_name(with_alias=False) for column in columns]
    joined = [column for column in columns if column._meta.call_chain]

    def where(text: str) -> Any:
        # LIKE's wildcards in what was typed are matched literally, not as patterns; LOWER and
        # an explicit ESCAPE behave the same on SQLite (which has no ILIKE) and PostgreSQL.
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        sql = " OR ".join(f"LOWER({name}) LIKE {{}} ESCAPE '\\'" for name in names)
        clause: Any = WhereRaw(f"({sql})", *[pattern] * len(names))
        for column in joined:
            # Piccolo joins the tables a where-clause names, but cannot see into raw SQL: an
            # always-true test on each joined column makes it add the join the LIKE reads.
            clause = clause & (column.is_null() | column.is_not_null())
        return clause

    return where


class ListPage(msgspec.Struct, frozen=True):
    """One page of a list and where it sits in the whole, with the links a template needs."""

    spec: ListSpec
    query: ListQuery
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    errors: list[FieldError]
    #: Other lists' parameters on the same page (see ``ListSpec.prefix``), kept in this one's
    #: page links so paging one list leaves the others where they were.
    keep: dict[str, str] = {}

    def beside(self, params: Mapping[str, str]) -> ListPage:
        """This page, its links keeping ``params`` (a request's) except its own page number."""
        kept = {k: str(v) for k, v in params.items() if k != self.spec.page_param}
        return msgspec.structs.replace(self, keep=kept)

    @property
    def chosen(self) -> dict[str, str]:
        """The parameters the person chose (filters and order), not the list's own pins."""
        pins = {field.name for field in self.spec.fields if field.kind == FieldKind.PIN}
        return {name: value for name, value in self.query.raw.items() if name not in pins}

    @property
    def filtered(self) -> bool:
        return any(name != self.spec.sort_param for name in self.chosen)

    def unpinned_href(self) -> str:
        """The first page of this view afresh: the same filters and order, pins let go."""
        params = self.chosen
        return f"{self.spec.path}?{urlencode(params)}" if params else self.spec.path

    def href(self, page: int | None = None, **changes: str) -> str:
        """This list's address with the same filters and sort, on another page."""
        params = {**self.keep, **self.query.raw, **changes}
        if page is not None and page > 1:
            params[self.spec.page_param] = str(page)
        return f"{self.spec.path}?{urlencode(params)}" if params else self.spec.path

    def window(self) -> list[int | None]:
        """Page numbers to link (None for a gap): first, last, and two either side of this one."""
        shown = {1, self.pages, *range(self.page - 2, self.page + 3)}
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in numbers:
            if out and out[-1] is not None and n - out[-1] > 1:  # type: ignore[operator]
                out.append(None)
            out.append(n)
        return out

    def count_text(self) -> str:
        one, many = self.spec.noun
        words = f"{self.total:,} {one if self.total == 1 else many}"
        if self.filtered:
            words += " match"
            words = words if self.total != 1 else words + "es"
        if self.pages > 1:
            words += f", page {self.page:,} of {self.pages:,}"
        return words


def ordered(
    query: Any, spec: ListSpec, sort: str, table: type[Table], reverse: bool = False
) -> Any:
    """``query`` in the list's chosen order (mirrored with ``reverse``), ties broken by id."""
    chosen = spec.sorts[sort]
    for column, ascending in chosen.columns:
        query = query.order_by(column, ascending=ascending != reverse)
    # The id last, in the direction of the first column: equal values keep one order, so paging
    # never shows a row twice or misses one.
    first_ascending = chosen.columns[0][1] if chosen.columns else True
    row_id = table.id  # type: ignore[attr-defined]
    return query.order_by(row_id, ascending=first_ascending != reverse)


async def fetch_page(
    spec: ListSpec,
    query: ListQuery,
    errors: list[FieldError],
    actor: Actor,
    table: type[Table],
    columns: Sequence[Any],
    extra: Sequence[Any] = (),
) -> ListPage:
    """One page of ``table`` within ``scope(actor, table)``, its filters and ``extra`` clauses.

    With problems in the query nothing is read: the page shows the problems and the form again.
    """
    if errors:
        return ListPage(spec, query, [], 0, 1, 1, errors)
    where = [scope(actor, table), *extra, *clauses(spec, query)]
    total = await table.count().where(*where)
    pages = max(1, -(-total // spec.page_size))
    page = min(query.page, pages)
    select = table.select(*columns).where(*where)
    offset = (page - 1) * spec.page_size
    if offset > total // 2:
        # Past the middle, read from the other end: the last page costs what the first does,
        # not a skip over every row before it. The order is the exact mirror (ties broken by
        # id, NULLs mirrored on both databases), so the rows are the same as read forwards.
        size = min(spec.page_size, total - offset)
        backwards = ordered(select, spec, query.sort, table, reverse=True)
        rows = list(reversed(await backwards.limit(size).offset(total - offset - size)))
    else:
        rows = await ordered(select, spec, query.sort, table).limit(spec.page_size).offset(offset)
    return ListPage(spec, query, rows, total, page, pages, [])
