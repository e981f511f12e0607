"""The pupil's page path reads as little as it can: the query count of each step is pinned.

A question page and an answer post are what a class of pupils load hundreds of times a minute
on a cheap phone, so a change that adds a query to either fails here, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.db.tables import Invitation
from tests.world import Issued, csrf_token, question_number

#: The safety question's page in the years 4-6 survey (after the warm-up).
SAFE = question_number("end_years_4_6", "felt_safe")


class Statements:
    """Every SQL statement the app sends while this is installed (the session store's too),
    by its first word, with "BEGIN" for each transaction opened (its BEGIN and COMMIT are two
    more round trips to the database)."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def clear(self) -> None:
        self.sql.clear()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Statements:
    # On the class: PostgreSQL's engine does not take attributes on the instance.
    engine = type(Invitation._meta.db)
    seen = Statements()
    original, original_transaction = engine.run_querystring, engine.transaction

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.sql.append(str(querystring).split()[0].upper())
        return await original(self, querystring, *args, **kwargs)

    def counted_transaction(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.sql.append("BEGIN")
        return original_transaction(self, *args, **kwargs)

    monkeypatch.setattr(engine, "run_querystring", counted)
    monkeypatch.setattr(engine, "transaction", counted_transaction)
    return seen


def test_question_page_reads_session_then_invitation_with_answers_in_one(
    pupil: Any, issued: Issued, statements: Statements
) -> None:
    pupil.get(issued.path)
    token = csrf_token(pupil)
    pupil.post(f"/survey/q/{SAFE}", data={"answer": "safe", "_csrf_token": token})
    statements.clear()
    page = pupil.get(f"/survey/q/{SAFE + 1}")
    assert page.status_code == 200
    assert statements.sql == ["SELECT", "SELECT"], "the session, then invitation and answers"


def test_answer_post_reads_twice_and_writes_once(
    pupil: Any, issued: Issued, statements: Statements
) -> None:
    pupil.get(issued.path)
    token = csrf_token(pupil)
    statements.clear()
    response = pupil.post(
        f"/survey/q/{SAFE}", data={"answer": "safe", "_csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 302
    assert statements.sql == ["SELECT", "SELECT", "INSERT"]


def test_answer_post_with_htmx_shows_the_next_question_in_the_same_queries(
    pupil: Any, issued: Issued, statements: Statements
) -> None:
    pupil.get(issued.path)
    token = csrf_token(pupil)
    statements.clear()
    response = pupil.post(
        f"/survey/q/{SAFE}",
        data={"answer": "safe", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert statements.sql == ["SELECT", "SELECT", "INSERT"]


def test_unsafe_answer_still_saves_answer_and_alert_together(
    pupil: Any, issued: Issued, statements: Statements
) -> None:
    pupil.get(issued.path)
    token = csrf_token(pupil)
    statements.clear()
    pupil.post(
        f"/survey/q/{SAFE}",
        data={"answer": "not_safe", "_csrf_token": token},
        follow_redirects=False,
    )
    assert statements.sql[:3] == ["SELECT", "SELECT", "BEGIN"], "answer and alert in one go"
