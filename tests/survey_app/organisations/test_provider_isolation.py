"""Attacks on a provider shared by two LAs: neither council sees or changes the other's record
(pages, API, downloads, reports, imports), and the provider's own staff still see only
disclosure-controlled totals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from questionnaires.loader import current
from survey_app.db.qa_tables import QAAction, QARecordChange
from survey_app.db.tables import Invitation, Placement, Provider, ProviderRecord
from survey_app.organisations.register_file import match_key
from survey_app.surveys.invitations import issue_for
from survey_app.surveys.responses import answer_for, save_response
from tests.world import (
    Clock,
    World,
    csrf_token,
    placement_row,
    post_form,
    run,
    sign_in,
    token_for,
)

A_SECRET = "Westshire only: safeguarding concern under review"
B_SECRET = "Eastshire only: late DBS renewals"
#: A day in the summer term 2026: complete, so published, on the suite's clock (23 Nov 2026).
LAST_TERM = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)


def set_record(la: int, provider: int, **values: Any) -> None:
    run(
        ProviderRecord.update({getattr(ProviderRecord, k): v for k, v in values.items()}).where(
            ProviderRecord.local_authority == la, ProviderRecord.provider == provider
        )
    )


def record(la: int, provider: int) -> dict[str, Any]:
    row = run(
        ProviderRecord.select()
        .where(ProviderRecord.local_authority == la, ProviderRecord.provider == provider)
        .first()
    )
    assert row is not None
    return row


@pytest.fixture
def shared(world: World) -> World:
    """Meadow Farm used by both LAs, each with its own record; Westshire has visited it."""
    run(
        ProviderRecord.insert(
            ProviderRecord(
                local_authority=world.other_la,
                provider=world.provider,
                contact_email="meadow@eastshire-view.example",
                rag_rating="red",
                rag_reason=B_SECRET,
                cost_per_day=70.0,
            )
        )
    )
    set_record(
        world.la,
        world.provider,
        contact_email="meadow@westshire-view.example",
        rag_rating="green",
        rag_reason=A_SECRET,
        cost_per_day=95.0,
    )
    return world


@pytest.fixture
def officer(app: Any, clock: Clock) -> Iterator[Callable[[World, str], TestClient[Any]]]:
    """Sign in as one of the world's users in a browser of their own (closed afterwards), with
    an API token of theirs too: the API takes bearer tokens only."""
    with ExitStack() as stack:

        def signed_in_as(world: World, who: str) -> TestClient[Any]:
            client = stack.enter_context(TestClient(app, base_url="http://testserver.local"))
            sign_in(client, world, who)
            client.headers.update(token_for(world, who, clock))
            return client

        yield signed_in_as


def test_la_b_sees_only_its_own_record_of_a_shared_provider(
    officer: Any, shared: World, clock: Clock
) -> None:
    west = officer(shared, "la_officer")
    visit = {
        "visited_on": "2026-11-20",
        "kind": "routine",
        "officers": "J. Patel",
        "summary": "Westshire's visit notes",
        "action_1": "Westshire's action",
        "action_1_due": "2026-12-04",
    }
    post_form(west, f"/staff/providers/{shared.provider}/visits", visit)
    east = officer(shared, "other_la_officer")
    p = shared.provider
    pages = {
        path: east.get(path).text
        for path in (
            "/staff/providers",
            f"/staff/providers/{p}",
            f"/staff/providers/{p}/qa",
            f"/staff/providers/{p}/edit",
            f"/staff/providers/{p}/report.csv",
            f"/api/v1/providers/{p}",
            "/api/v1/providers",
            f"/api/v1/providers/{p}/report",
            "/staff/area",
        )
    }
    for path, text in pages.items():
        for westshire_words in (A_SECRET, "westshire-view", "Westshire's visit", "Westshire's act"):
            assert westshire_words not in text, (path, westshire_words)
    report = BeautifulSoup(pages[f"/staff/providers/{p}"], "html.parser")
    assert report.select_one("#rag").get_text(strip=True) == "Red"
    assert B_SECRET in report.select_one("#qa-record").get_text()
    edit = BeautifulSoup(pages[f"/staff/providers/{p}/edit"], "html.parser")
    assert edit.select_one("#contact_email")["value"] == "meadow@eastshire-view.example"
    assert east.get(f"/api/v1/providers/{p}").json()["rag_rating"] == "red"
    rows = list(csv.reader(io.StringIO(pages[f"/staff/providers/{p}/report.csv"])))
    assert ["Rating (red, amber, green)", "Red"] in rows
    assert "Last visit" in pages[f"/staff/providers/{p}"]
    assert record(shared.other_la, p)["last_visit_on"] is None, "Westshire's visit is its own"


def test_la_b_cannot_change_la_as_record_of_a_shared_provider(
    officer: Any, shared: World, clock: Clock
) -> None:
    west = officer(shared, "la_officer")
    post_form(
        west,
        f"/staff/providers/{shared.provider}/visits",
        {
            "visited_on": "2026-11-20",
            "kind": "routine",
            "officers": "J. Patel",
            "summary": "Visit",
            "action_1": "Fix the gate",
            "action_1_due": "2026-12-04",
        },
    )
    westshire_action = run(QAAction.select(QAAction.id).first())["id"]
    before = record(shared.la, shared.provider)
    east = officer(shared, "other_la_officer")
    p = shared.provider
    qa = {
        "registration_status": "under_review",
        "offer_types": ["tutoring"],
        "qa_stage": "suspended",
        "rag_rating": "red",
        "reason": "Eastshire's decision",
    }
    assert post_form(east, f"/staff/providers/{p}/qa", qa).status_code == 200
    edit = {"name": "x", "postcode": "EA1 1AA", "contact_email": "east@meadow.example"}
    assert post_form(east, f"/staff/providers/{p}/edit", edit).status_code == 200
    assert post_form(east, f"/staff/providers/{p}/archive", {"archived": "yes"}).status_code == 200
    done = post_form(east, f"/staff/providers/{p}/actions/{westshire_action}/done", {})
    assert done.status_code == 404
    after = record(shared.la, p)
    assert after == before, "Westshire's record is as Westshire left it"
    assert run(QAAction.select(QAAction.status).first())["status"] == "open"
    assert run(QARecordChange.count().where(QARecordChange.local_authority == shared.la)) == 1
    assert record(shared.other_la, p)["qa_stage"] == "suspended"
    assert record(shared.other_la, p)["archived"] is True
    listed = BeautifulSoup(west.get("/staff/providers").text, "html.parser").get_text()
    assert "Meadow Farm" in listed, "archived in Eastshire, still in use in Westshire"


def test_a_provider_only_another_la_uses_is_not_found_by_any_door(
    officer: Any, world: World, clock: Clock
) -> None:
    east = officer(world, "other_la_officer")
    p = world.second_provider  # Westshire's alone
    for path in (
        f"/staff/providers/{p}",
        f"/staff/providers/{p}/qa",
        f"/staff/providers/{p}/edit",
        f"/staff/providers/{p}/report.csv",
        f"/staff/providers/{p}/report.xlsx",
        f"/api/v1/providers/{p}",
        f"/api/v1/providers/{p}/report",
    ):
        assert east.get(path).status_code == 404, path
    for path in (f"/staff/providers/{p}/edit", f"/staff/providers/{p}/archive"):
        assert post_form(east, path, {"archived": "yes", "name": "x"}).status_code == 404, path
    assert "Quay Tutors" not in east.get("/staff/providers").text
    assert all(row["id"] != p for row in east.get("/api/v1/providers").json()["items"])


def test_an_officer_importing_a_register_cannot_reach_another_las_record(
    officer: Any, world: World, clock: Clock
) -> None:
    # Far Provider is Eastshire's; Westshire lists the same provider in its own register.
    far = world.other_provider
    run(
        Provider.update(
            {
                Provider.ofsted_urn: "654321",
                Provider.match_key: match_key("Far Provider", "EA1 1FP"),
            }
        ).where(Provider.id == far)
    )
    set_record(world.other_la, far, postcode="EA1 1FP", contact_email="far@eastshire.example")
    eastshire_before = run(
        ProviderRecord.select().where(ProviderRecord.local_authority == world.other_la)
    )
    west = officer(world, "la_officer")
    register = (
        "Provider name,URN,Postcode,Email,Cost per day\n"
        "Far Provider,654321,EA1 1FP,far@westshire.example,50\n"
        "Far Provider Ltd,,EA1 1FP,second@westshire.example,55\n"
    )
    response = west.post(
        "/staff/providers/import",
        data={"_csrf_token": csrf_token(west)},
        files={"file": ("register.csv", register.encode())},
    )
    assert "Register imported" in response.text
    assert run(ProviderRecord.select().where(ProviderRecord.local_authority == world.other_la)) == (
        eastshire_before
    ), "Eastshire's records are untouched"
    assert record(world.la, far)["contact_email"] == "far@westshire.example"
    edit = BeautifulSoup(west.get(f"/staff/providers/{far}/edit").text, "html.parser")
    assert edit.select_one("#contact_email")["value"] == "far@westshire.example"
    assert "far@eastshire.example" not in west.get(f"/staff/providers/{far}/edit").text
    assert run(ProviderRecord.count().where(ProviderRecord.provider == far)) == 2


def answered(world: World, settings: Any, la: int, school: int, count: int, tag: str) -> None:
    """Pupils of ``la`` placed with the world's first provider, each answering happily."""
    rows = run(
        Placement.insert(
            *[
                placement_row(
                    world,
                    Clock(LAST_TERM),
                    local_authority=la,
                    school=school,
                    pupil_reference=f"{tag}-{n}",
                    year_group=8,
                    start_date=dt.date(2026, 4, 20),
                    ended_on=dt.date(2026, 6, 30),
                    created_at=LAST_TERM,
                )
                for n in range(count)
            ]
        ).returning(Placement.id)
    )
    ids = [row["id"] for row in rows]
    run(issue_for(settings, ids, LAST_TERM))
    for invitation in run(
        Invitation.select(Invitation.id, Invitation.questionnaire_id).where(
            Invitation.placement.is_in(ids)
        )
    ):
        questionnaire = current(invitation["questionnaire_id"])
        given = [
            answer_for(q, o)
            for q in questionnaire.questions
            for o in q.options
            if o.value in ("very_safe", "good")
        ]
        run(save_response(invitation["id"], questionnaire, given, LAST_TERM))


def responses(client: Any, provider: int) -> Any:
    return client.get(f"/api/v1/providers/{provider}/report").json()["responses"]


def test_provider_staff_of_a_shared_provider_see_only_controlled_totals(
    officer: Any, shared: World, settings: Any, clock: Clock
) -> None:
    # Two pupils from each LA: four in all, fewer than the threshold of five.
    answered(shared, settings, shared.la, shared.school, 2, "W")
    answered(shared, settings, shared.other_la, shared.other_school, 2, "E")
    staff = officer(shared, "provider_staff")
    assert responses(staff, shared.provider) is None, "two of their council's pupils: withheld"
    page = BeautifulSoup(staff.get(f"/staff/providers/{shared.provider}").text, "html.parser")
    felt_safe = [td.get_text(strip=True) for td in page.select('tr[data-indicator="felt_safe"] td')]
    assert felt_safe[:5] == ["[c]"] * 5
    # Each LA's officers see their own pupils only, as counts.
    assert responses(officer(shared, "la_officer"), shared.provider) == 2
    assert responses(officer(shared, "other_la_officer"), shared.provider) == 2
    # The provider's staff were invited by Westshire and see Westshire's pupils only: four more
    # from Eastshire change nothing they see (another council linking the same provider and
    # inviting "provider staff" must never reach the first council's pupils), four more from
    # Westshire pass the threshold.
    answered(shared, settings, shared.other_la, shared.other_school, 4, "E2")
    assert responses(staff, shared.provider) is None
    answered(shared, settings, shared.la, shared.school, 4, "W2")
    assert responses(staff, shared.provider) == 6
    assert responses(officer(shared, "la_officer"), shared.provider) == 6
