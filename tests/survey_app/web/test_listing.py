"""The one listing module every list uses: parameters parsed or named in plain words, page links
that keep the filters, and API cursors that cannot be forged."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from survey_app.db.tables import Placement
from survey_app.web.api_lists import Cursor, ListParams, make_cursor, parse_api, read_cursor
from survey_app.web.listing import Field, FieldKind, ListPage, ListSpec, Sort, parse, pin

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
def test_a_pin_set_by_the_first_page_is_kept_by_its_links_but_is_not_a_filter() -> None:
    pinned = msgspec.structs.replace(
        SPEC,
        fields=(
            *SPEC.fields,
            Field(name="as_of", label="As of", kind=FieldKind.PIN, where=lambda v: None),
        ),
    )
    query, errors = parse(pinned, {"sort": "old"})
    query = pin(pinned, query, "as_of", 907)
    page = ListPage(pinned, query, [], 120, 1, 3, errors)
    assert page.href(2) == "/staff/things?sort=old&as_of=907&page=2"
    assert not page.filtered and page.count_text() == "120 things, page 1 of 3"
    assert page.unpinned_href() == "/staff/things?sort=old"
    # A later page keeps the pin it was given, not a newer one.
    later, _ = parse(pinned, {"as_of": "907", "page": "2"})
    assert pin(pinned, later, "as_of", 950).filters["as_of"] == 907
    _, errors = parse(pinned, {"as_of": "yesterday"})
    assert [e.field for e in errors] == ["as_of"]


@pytest.mark.no_database
def test_two_lists_on_one_page_each_page_on_their_own_and_keep_the_others_place() -> None:
    side = msgspec.structs.replace(SPEC, fields=(), prefix="side_")
    params = {"q": "oak", "page": "3", "side_page": "2", "side_sort": "old", "sort": "x"}
    query, errors = parse(side, params)
    # The main list's "sort" and "page" are not this list's: only side_page and side_sort are.
    assert errors == [] and query.page == 2 and query.sort == "old"
    page = ListPage(side, query, [], 200, 2, 4, errors).beside(params)
    assert page.href(3) == "/staff/things?q=oak&page=3&side_sort=old&sort=x&side_page=3"
    assert page.href(1) == "/staff/things?q=oak&page=3&side_sort=old&sort=x"
    assert not page.filtered
    _, errors = parse(side, {"side_page": "0"})
    assert [e.field for e in errors] == ["side_page"]


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
        SPEC,
        ListParams({"limit": "10", "updated_since": "2026-11-23T10:00:00 01:00"}, syncs=True),
        "secret",
    )
    assert errors == [] and query.limit == 10
    # "+01:00" unencoded in a URL arrives as " 01:00": read as the offset it was.
    assert query.updated_since == dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    _, errors = parse_api(
        SPEC, ListParams({"limit": "ten", "updated_since": "2026-11-23"}, syncs=True), "secret"
    )
    assert [e.field for e in errors] == ["limit", "updated_since"]


@pytest.mark.no_database
def test_a_parameter_the_api_list_does_not_take_is_refused_by_name() -> None:
    # A typo must not quietly return everything: "update_since" is not "updated_since".
    _, errors = parse_api(
        SPEC, ListParams({"update_since": "2026-11-23T10:00:00Z"}, syncs=True), "secret"
    )
    assert [e.field for e in errors] == ["update_since"]
    assert "update_since is not a parameter this list takes" in errors[0].message
    assert "updated_since" in errors[0].message
    # A page number or sort means nothing to a cursor: refused, not silently dropped.
    _, errors = parse_api(SPEC, ListParams({"page": "2", "sort": "name"}), "secret")
    assert [e.field for e in errors] == ["page", "sort"]
    # A list with no change time offers no updated_since to sync by.
    _, errors = parse_api(SPEC, ListParams({"updated_since": "2026-11-23T10:00:00Z"}), "secret")
    assert [e.field for e in errors] == ["updated_since"]
