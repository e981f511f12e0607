"""Bad input at scale: whatever arrives, the answer is a 4xx that says what was wrong in plain
words, and nothing stored changes. Hypothesis generates the posts and bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires.loader import current
from survey_app.db.tables import (
    Answer,
    DraftAnswer,
    Invitation,
    OutboxMessage,
    Placement,
    Response,
    SafeguardingAlert,
)
from tests.survey_app.web.test_api import placement_body
from tests.world import Issued, csrf_token, run, token_for

FUZZ = settings(
    max_examples=150,
    deadline=None,
    # The fixtures are made once per test; each example must leave them as they were anyway.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ONE_MEBIBYTE = 1024 * 1024


def stored() -> tuple[Any, ...]:
    """Everything a request could have written, in a form that compares equal when unchanged."""
    return (
        run(DraftAnswer.select(DraftAnswer.invitation, DraftAnswer.question_id, DraftAnswer.value)),
        run(Response.count()),
        run(Answer.count()),
        run(SafeguardingAlert.count()),
        run(Placement.select().order_by(Placement.id)),
        run(Invitation.select(Invitation.id, Invitation.status)),
        run(OutboxMessage.count()),
    )


@pytest.fixture
def answering(pupil: Any, issued: Issued) -> Any:
    """A pupil part-way through: the link opened and the first question answered."""
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    first = current("end_years_4_6").questions[0]
    given = next((o.value for o in first.options if not o.safeguarding), "Cooking")
    answered = pupil.post(
        "/survey/q/1",
        data={"answer": given, "_csrf_token": csrf_token(pupil)},
        follow_redirects=False,
    )
    assert answered.status_code == 302
    return pupil


def problem_on(page: str) -> str:
    """The error summary's text: what the pupil is told went wrong."""
    summary = BeautifulSoup(page, "html.parser").select_one(".govuk-error-summary")
    assert summary is not None, "a refused answer must say what was wrong"
    return summary.get_text(" ", strip=True)


def not_an_answer_to(number: int) -> st.SearchStrategy[str]:
    """Text that cannot be a valid answer to question ``number``: not an option, or too long."""
    question = current("end_years_4_6").questions[number - 1]
    if question.kind == "text":
        return st.text(min_size=1).map(lambda tail: "x" * (question.max_length + 1) + tail)
    values = {option.value for option in question.options}
    return st.text(min_size=1, max_size=5000).filter(
        lambda text: bool(text.strip()) and text.strip() not in values
    )


@FUZZ
@given(data=st.data())
def test_answers_that_are_not_on_the_page_are_refused_and_change_nothing(
    answering: Any, data: st.DataObject
) -> None:
    count = len(current("end_years_4_6").questions)
    number = data.draw(st.integers(1, count), label="question")
    raw = data.draw(not_an_answer_to(number), label="answer")
    extra = data.draw(
        st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=50), max_size=3).filter(
            lambda fields: not {"answer", "skip", "_csrf_token", "returning"} & set(fields)
        ),
        label="unknown fields",
    )
    before = stored()
    response = answering.post(
        f"/survey/q/{number}",
        data={**extra, "answer": raw, "_csrf_token": csrf_token(answering)},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "answer" in problem_on(response.text).lower() or "long" in problem_on(response.text)
    assert stored() == before


@FUZZ
@given(number=st.one_of(st.integers(max_value=0), st.integers(min_value=100)))
def test_questions_that_do_not_exist_are_refused(answering: Any, number: int) -> None:
    before = stored()
    response = answering.post(
        f"/survey/q/{number}",
        data={"answer": "yes", "_csrf_token": csrf_token(answering)},
        follow_redirects=False,
    )
    assert 400 <= response.status_code < 500
    assert BeautifulSoup(response.text, "html.parser").h1 is not None
    assert stored() == before


@FUZZ
@given(tail=st.binary(min_size=1, max_size=2000))
def test_form_bodies_that_are_not_utf8_are_refused(answering: Any, tail: bytes) -> None:
    before = stored()
    token = csrf_token(answering)
    # \xff can never appear in UTF-8, so every body here is invalid whatever follows it.
    body = b"answer=\xff" + tail
    response = answering.post(
        "/survey/q/2",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token},
        follow_redirects=False,
    )
    assert response.status_code == 400, response.text[:300]
    assert problem_on(response.text)
    assert stored() == before


def test_a_huge_form_post_is_refused_before_it_is_read(answering: Any) -> None:
    before = stored()
    response = answering.post(
        "/survey/q/2",
        data={"answer": "x" * (2 * ONE_MEBIBYTE), "_csrf_token": csrf_token(answering)},
        follow_redirects=False,
    )
    assert response.status_code == 413
    assert "too large" in BeautifulSoup(response.text, "html.parser").get_text().lower()
    assert stored() == before


#: Ways to spoil a valid placement body, each of which must be refused naming the field.
def _wrong_type(field: str, value: Any) -> Callable[[dict[str, Any]], str]:
    def spoil(body: dict[str, Any]) -> str:
        body[field] = value
        return field

    return spoil


#: Text with no digits. The API reads "10" as 10 and 1.0 as 1, as a school's system may send
#: them, so numbers written as text, or with a zero fraction, are not wrong types here.
WORDS = st.text(alphabet=st.characters(categories=["L", "P", "Zs"]))
FRACTIONS = st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != int(f))
PLACEMENT_FIELDS = ["provider_id", "pupil_reference", "year_group", "start_date", "hours_per_week"]


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | FRACTIONS | st.text(), _containers, max_leaves=5
)


@st.composite
def spoiled_placement(draw: st.DrawFn, world: Any) -> tuple[dict[str, Any], str]:
    body = placement_body(world)
    how = draw(st.sampled_from(["wrong type", "missing", "unknown", "oversized", "out of range"]))
    if how == "wrong type":
        field = draw(st.sampled_from(PLACEMENT_FIELDS))
        kinds = {
            "provider_id": WORDS | FRACTIONS | st.lists(st.integers()),
            "pupil_reference": st.integers() | st.booleans() | st.lists(st.text(), max_size=2),
            "year_group": WORDS | FRACTIONS,
            "start_date": st.integers() | st.text(alphabet="abc/", min_size=1),
            "hours_per_week": WORDS | st.booleans() | st.dictionaries(st.text(), st.text()),
        }
        body[field] = draw(kinds[field])
    elif how == "missing":
        field = draw(st.sampled_from(PLACEMENT_FIELDS))
        del body[field]
    elif how == "unknown":
        field = draw(st.text(min_size=1, max_size=30).filter(lambda k: k not in body))
        body[field] = draw(JSON_VALUES)
    elif how == "oversized":
        field = draw(st.sampled_from(["purpose", "pupil_reference"]))
        body[field] = "A1" * draw(st.integers(600, 20_000))
    else:
        field = draw(st.sampled_from(["year_group", "hours_per_week", "provider_id"]))
        body[field] = draw(
            {
                "year_group": st.integers().filter(lambda y: not 4 <= y <= 11),
                "hours_per_week": st.floats(max_value=0, allow_infinity=False)
                | st.floats(min_value=1000, max_value=1e9),
                "provider_id": st.integers(min_value=10**12) | st.integers(max_value=0),
            }[field]
        )
    return body, field


@pytest.fixture
def api_officer(world: Any, clock: Any) -> dict[str, str]:
    return token_for(world, "la_officer", clock)


@FUZZ
@given(data=st.data())
def test_spoiled_placement_bodies_are_refused_naming_the_field(
    client: Any, world: Any, api_officer: dict[str, str], data: st.DataObject
) -> None:
    body, field = data.draw(spoiled_placement(world))
    before = stored()
    response = client.post("/api/v1/placements", json=body, headers=api_officer)
    assert response.status_code == 400, response.text[:300]
    answer = response.json()
    assert field in [error["key"] for error in answer["errors"]], answer
    assert answer["detail"]
    assert stored() == before


@FUZZ
@given(body=st.binary(min_size=1, max_size=2000))
def test_api_bodies_that_are_not_json_in_utf8_are_refused(
    client: Any, api_officer: dict[str, str], body: bytes
) -> None:
    before = stored()
    response = client.post(
        "/api/v1/placements",
        content=b'{"pupil_reference": "\xff' + body,
        headers={**api_officer, "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text[:300]
    assert response.json()["detail"]
    assert stored() == before


def test_a_huge_api_body_is_refused_with_413(
    client: Any, world: Any, api_officer: dict[str, str]
) -> None:
    before = stored()
    body = json.dumps(placement_body(world, purpose="x" * (2 * ONE_MEBIBYTE)))
    response = client.post(
        "/api/v1/placements",
        content=body.encode(),
        headers={**api_officer, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"].lower()
    assert stored() == before
