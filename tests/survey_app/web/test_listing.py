"""The one listing module every list uses: parameters parsed or named in plain words, page links
that keep the filters, and API cursors that cannot be forged."""

from __future__ import annotations

import datetime as dt

import pytest

from survey_app.db.tables import Placement
from survey_app.web.cursors import Cursor, make_cursor, read_cursor
from survey_app.web.listing import Field, FieldKind, ListPage, ListSpec, Sort, parse, parse_api

SPEC = ListSpec(
    path="/staff/things",
    noun=("thing", "things"),
    fields=(
        Field(name="q", label="Name", kind=FieldKind.SEARCH, where=lambda v: None),
        Field(
            name="state",
            label="State",
            kind=FieldKind.CHOICE,
            where=lambda v: None,
            choices=(("open", "Open"), ("all", "All")),
            default="open",
        ),
        Field(name="from", label="From", kind=FieldKind.DATE, where=lambda v: None),
    ),
    sorts={
        "new": Sort("Newest", ((Placement.id, False),)),
        "old": Sort("Oldest", ((Placement.id, True),)),
    },
)


@pytest.mark.no_database
def test_a_good_query_is_read_and_unknown_parameters_are_ignored() -> None:
    query, errors = parse(SPEC, {"q": " oak ", "from": "2026-11-23", "sort": "old", "saved": "1"})
    assert errors == []
    assert query.filters == {"q": "oak", "state": "open", "from": dt.date(2026, 11, 23)}
    # The default filter stays out of the URL; what was typed stays in it.
    assert query.raw == {"q": "oak", "from": "2026-11-23", "sort": "old"}


@pytest.mark.no_database
def test_every_bad_parameter_is_named_at_once() -> None:
    _, errors = parse(SPEC, {"state": "shut", "from": "23/11/2026", "page": "-1", "sort": "x"})
    assert {e.field: e.message for e in errors} == {
        "state": "Choose state from the list",
        "from": "From must be a date like 2026-11-23",
        "page": "Page must be a whole number from 1 to 100,000",
        "sort": "Choose an order from the list",
    }


@pytest.mark.no_database
def test_page_links_keep_the_filters_and_skip_the_middle_of_a_long_list() -> None:
    query, _ = parse(SPEC, {"q": "oak & elm", "page": "200"})
    page = ListPage(SPEC, query, [], 20_000, 200, 400, [])
    assert page.href(201) == "/staff/things?q=oak+%26+elm&page=201"
    assert page.href(1) == "/staff/things?q=oak+%26+elm"
    assert page.window() == [1, None, 198, 199, 200, 201, 202, None, 400]
    assert page.count_text() == "20,000 things match, page 200 of 400"


@pytest.mark.no_database
def test_a_cursor_reads_back_only_unaltered_and_under_the_same_secret() -> None:
    cursor = Cursor(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC), 42)
    text = make_cursor("secret", cursor)
    assert read_cursor("secret", text) == cursor
    assert read_cursor("another secret", text) is None
    assert read_cursor("secret", text[:-1] + ("A" if text[-1] != "A" else "B")) is None
    assert read_cursor("secret", "%%%") is None
    assert read_cursor("secret", "") is None


@pytest.mark.no_database
def test_the_api_limit_and_sync_point_are_checked_by_name() -> None:
    query, errors = parse_api(
        SPEC, {"limit": "10", "updated_since": "2026-11-23T10:00:00 01:00"}, "secret"
    )
    assert errors == [] and query.limit == 10
    # "+01:00" unencoded in a URL arrives as " 01:00": read as the offset it was.
    assert query.updated_since == dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    _, errors = parse_api(SPEC, {"limit": "ten", "updated_since": "2026-11-23"}, "secret")
    assert [e.field for e in errors] == ["limit", "updated_since"]
