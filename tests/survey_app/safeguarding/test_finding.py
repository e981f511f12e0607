"""Alerts and comments at county scale: nothing a child said falls off the end of a queue, the
usual view is what needs doing, and a reviewer comes back to the view they were working in."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

from survey_app.db.tables import Answer, Invitation, Placement, SafeguardingAlert
from survey_app.safeguarding.statuses import AlertStatus, ReviewStatus
from tests.world import Clock, World, give_responses, post_form, run, sign_in


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _alerts(world: World, settings: Any, clock: Clock, count: int, closed: int) -> None:
    """``count`` alerts on answered surveys, the first ``closed`` of them closed."""
    give_responses(world, settings, clock, count, prefix="AL")
    invitations = run(Invitation.select(Invitation.id).order_by(Invitation.placement))
    run(
        SafeguardingAlert.insert(
            *[
                SafeguardingAlert(
                    invitation=row["id"],
                    question_id="felt_safe",
                    answer_value="no",
                    raised_at=clock.now - dt.timedelta(hours=count - n),
                    status=AlertStatus.CLOSED if n < closed else AlertStatus.NEW,
                )
                for n, row in enumerate(invitations)
            ]
        )
    )


def _walk(client: Any, url: str) -> list[str]:
    seen: list[str] = []
    while url:
        page = _soup(client.get(url))
        seen += [str(tr["data-alert"]) for tr in page.select("#alerts tbody tr[data-alert]")]
        following = page.select_one("nav.govuk-pagination a[rel=next]")
        url = str(following["href"]) if following else ""
    return seen


def test_open_alerts_come_first_and_every_alert_is_reachable(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    _alerts(world, settings, clock, 70, closed=60)
    sign_in(client, world, "safeguarding")
    first = _soup(client.get("/staff/safeguarding"))
    assert first.select_one("#count").get_text(strip=True) == "10 alerts"
    assert {tr["data-status"] for tr in first.select("#alerts tbody tr")} == {"new"}
    everything = _walk(client, "/staff/safeguarding?status=all")
    assert len(everything) == len(set(everything)) == 70, "none of the 60 closed is cut off"
    # Found by the pupil's reference (all or part of it), whatever its status.
    reference = run(Placement.select(Placement.pupil_reference).first())["pupil_reference"]
    found = _soup(client.get(f"/staff/safeguarding?status=all&q={reference.lower()}"))
    assert [a.get_text(strip=True) for a in found.select("#alerts tbody a")] == [reference]


def test_another_las_alerts_are_never_counted(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    _alerts(world, settings, clock, 3, closed=0)
    # Two of the three pupils were placed by the other LA.
    moved = [row["id"] for row in run(Placement.select(Placement.id).limit(2))]
    run(
        Placement.update({Placement.local_authority: world.other_la}).where(
            Placement.id.is_in(moved)
        )
    )
    sign_in(client, world, "safeguarding")
    page = _soup(client.get("/staff/safeguarding?status=all"))
    assert page.select_one("#count").get_text(strip=True) == "1 alert matches"
    assert len(page.select("#alerts tbody tr[data-alert]")) == 1


def test_a_reviewer_returns_to_the_page_of_comments_they_were_on(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 55, comment="It was fine.")
    sign_in(client, world, "safeguarding")
    first = _soup(client.get("/staff/comments"))
    assert first.select_one("#count").get_text(strip=True) == "55 comments, page 1 of 2"
    second = _soup(client.get("/staff/comments?page=2"))
    form = second.select_one("form.app-comment-review")
    answer_id = form["data-answer"]
    done = post_form(
        client,
        f"/staff/comments/{answer_id}",
        {"decision": "withhold", "view": form.select_one("input[name=view]")["value"]},
        follow_redirects=False,
    )
    assert done.status_code in (302, 303)
    assert parse_qs(urlsplit(done.headers["location"]).query) == {"page": ["2"]}
    status = run(Answer.select(Answer.review_status).where(Answer.id == int(answer_id)).first())
    assert status == {"review_status": ReviewStatus.WITHHELD}
    withheld = _soup(client.get("/staff/comments?status=withheld"))
    assert withheld.select_one("#count").get_text(strip=True) == "1 comment matches"
    reference = withheld.select_one(".app-comment-reviewed p").get_text().split(" at ")[0]
    searched = _soup(client.get(f"/staff/comments?status=withheld&q={reference}"))
    assert searched.select_one("#count").get_text(strip=True) == "1 comment matches"
    nobody = _soup(client.get("/staff/comments?q=NOBODY-1"))
    assert nobody.select_one("#count").get_text(strip=True) == "0 comments match"
