"""The outbox at county scale: every message reachable, found by recipient, status and kind, and
another LA's messages never counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import OutboxMessage
from survey_app.mail.statuses import MessageKind, MessageStatus
from tests.world import Clock, World, run, sign_in


def _messages(la: int, count: int, clock: Clock, **overrides: Any) -> None:
    run(
        OutboxMessage.insert(
            *[
                OutboxMessage(
                    **{
                        "local_authority": la,
                        "dedupe_key": f"test:{la}:{n}:{overrides}",
                        "kind": MessageKind.REMINDER,
                        "recipient": f"school{n}@example.test",
                        "subject": f"Reminder {n}",
                        "body": "Hello",
                        "status": MessageStatus.SENT,
                        "next_attempt_at": clock.now,
                        "created_at": clock.now + dt.timedelta(minutes=n),
                        **overrides,
                    }
                )
                for n in range(count)
            ]
        )
    )


def test_every_message_is_reachable_and_another_las_are_not_counted(
    client: Any, world: World, clock: Clock
) -> None:
    _messages(world.la, 120, clock)
    _messages(world.other_la, 40, clock)
    sign_in(client, world, "la_officer")
    seen: list[str] = []
    url = "/staff/outbox"
    first = None
    while url:
        page = BeautifulSoup(client.get(url).text, "html.parser")
        first = first or page
        seen += [tr.select("td")[1].get_text(strip=True) for tr in page.select("tbody tr")]
        following = page.select_one("nav.govuk-pagination a[rel=next]")
        url = str(following["href"]) if following else ""
    assert first is not None
    assert first.select_one("#count").get_text(strip=True) == "120 messages, page 1 of 3"
    assert len(seen) == 120


def test_messages_are_found_by_recipient_status_and_kind(
    client: Any, world: World, clock: Clock
) -> None:
    _messages(world.la, 5, clock)
    _messages(world.la, 3, clock, kind=MessageKind.DIGEST, status=MessageStatus.NO_ADDRESS)
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(
        client.get("/staff/outbox?status=no_address&kind=digest").text, "html.parser"
    )
    assert page.select_one("#count").get_text(strip=True) == "3 messages match"
    page = BeautifulSoup(client.get("/staff/outbox?q=SCHOOL4%40").text, "html.parser")
    assert [tr.select("td")[1].get_text(strip=True) for tr in page.select("tbody tr")] == [
        "school4@example.test"
    ]
    assert client.get("/staff/outbox?queued_from=yesterday").status_code == 400


def test_withdrawn_messages_can_be_listed_on_their_own(
    client: Any, world: World, clock: Clock
) -> None:
    _messages(world.la, 4, clock)
    _messages(world.la, 2, clock, status=MessageStatus.WITHDRAWN)
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/outbox").text, "html.parser")
    offered = [option["value"] for option in page.select("select#status option")]
    assert "withdrawn" in offered
    response = client.get("/staff/outbox?status=withdrawn")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("#count").get_text(strip=True) == "2 messages match"
    assert {tr["data-status"] for tr in page.select("tbody tr")} == {"withdrawn"}


def test_every_status_a_message_can_have_is_offered_as_a_filter(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/outbox").text, "html.parser")
    offered = {option["value"] for option in page.select("select#status option")} - {""}
    assert offered == {status.value for status in MessageStatus}
    kinds = {option["value"] for option in page.select("select#kind option")} - {""}
    assert kinds == {kind.value for kind in MessageKind}
