"""The provider report through the service: LA sees small numbers, the provider sees [c]."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from litestar.testing import TestClient

from tests.world import (
    Clock,
    Issued,
    World,
    complete_survey,
    give_responses,
    run,
    sign_in,
    token_for,
)


def test_provider_staff_see_suppressed_figures_la_sees_counts(
    app: Any, world: World, issued: Issued, pupil: Any, clock: Clock
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "safe"})
    # Outside the LA figures are published at the end of each term: move to the next one.
    clock.now = dt.datetime(2027, 1, 6, 10, 0, tzinfo=dt.UTC)
    with TestClient(app, base_url="http://testserver.local") as provider:
        sign_in(provider, world, "provider_staff")
        page = BeautifulSoup(provider.get(f"/staff/providers/{world.provider}").text, "html.parser")
        row = page.select_one('tr[data-indicator="felt_safe"]')
        assert [td.get_text(strip=True) for td in row.select("td")][:5] == ["[c]"] * 5
        assert "fewer than 5 pupils" in page.select_one("#disclosure-note").get_text()
        learners = provider.get("/staff/my-learners").text
        assert "Follow up" not in learners
    with TestClient(app, base_url="http://testserver.local") as officer:
        sign_in(officer, world, "la_officer")
        officer.headers.update(token_for(world, "la_officer", clock))
        report = officer.get(f"/api/v1/providers/{world.provider}/report").json()
        felt_safe = next(i for i in report["indicators"] if i["key"] == "felt_safe")
        assert felt_safe["positive"] == 1 and not report["disclosure_controlled"]


def test_every_released_comment_reaches_the_provider_report_past_500(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    from survey_app.db.tables import Answer
    from survey_app.safeguarding.statuses import ReviewStatus

    # Enough pupils that comments are not held back as too few to show.
    give_responses(world, settings, clock, 12)
    first = run(Answer.select().where(Answer.provider == world.provider).first())
    assert first is not None
    copied = {k: first[k] for k in ("response", "local_authority", "provider", "term")}
    copied |= {k: first[k] for k in ("school", "year_group", "academic_year")}
    # 520 released comments in one batch (one response, a question id each: the index allows
    # one answer per question and response).
    run(
        Answer.insert(
            *[
                Answer(
                    **copied,
                    question_id=f"note_{n:03d}",
                    review_status=ReviewStatus.RELEASED,
                    released_text=f"Released comment {n:03d}",
                )
                for n in range(520)
            ]
        )
    )
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    shown = [q.get_text(strip=True) for q in page.select("#comments blockquote")]
    assert len([text for text in shown if text.startswith("Released comment")]) == 520
