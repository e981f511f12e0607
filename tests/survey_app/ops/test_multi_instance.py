"""Two server processes on one database: the dispatchers share the work without doubling an
invitation or an email, and a pupil's or a member of staff's session works on either."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from questionnaires.loader import current
from survey_app.db.tables import Invitation, OutboxMessage, Response
from tests.live_data import an_area, ended_placements, open_surveys
from tests.live_server import LiveServer, free_port
from tests.mail_server import Inbox
from tests.pupils import first_positive_answers
from tests.world import PASSWORD, World, run

PLACEMENTS = 80


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 that both servers send through."""
    mailbox, port = Inbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def two_servers(live_env: dict[str, str], inbox: tuple[Inbox, int]) -> Iterator[list[LiveServer]]:
    """Two servers, each with its own dispatcher sending mail, started at the same moment."""
    _, port = inbox
    env = {
        **live_env,
        "SURVEY_DISPATCH_INTERVAL_MINUTES": "1",
        "SURVEY_MAIL_TRANSPORT": "smtp",
        "SURVEY_SMTP_HOST": "127.0.0.1",
        "SURVEY_SMTP_PORT": str(port),
    }
    servers = [
        LiveServer({**env, "SURVEY_VAR_DIR": f"{env['SURVEY_VAR_DIR']}-{n}"}) for n in (1, 2)
    ]
    yield servers
    for server in servers:
        server.stop()


def test_two_servers_issue_and_email_each_survey_exactly_once(
    two_servers: list[LiveServer], inbox: tuple[Inbox, int]
) -> None:
    mailbox, _ = inbox
    placements = run(ended_placements(run(an_area()), PLACEMENTS, dt.datetime.now(dt.UTC)))
    # Both dispatchers start with the server, so they race for the same work.
    for server in two_servers:
        server.launch()
    for server in two_servers:
        server.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # Invitations first: their emails commit with them, so once all are counted, a count of
        # waiting emails taken afterwards cannot miss one (the other order raced a commit).
        issued = run(Invitation.count())
        waiting = run(
            OutboxMessage.count().where(OutboxMessage.status.is_in(["pending", "sending"]))
        )
        if issued == PLACEMENTS and waiting == 0:
            break
        time.sleep(0.2)
    invitations = run(Invitation.select(Invitation.placement))
    assert Counter(row["placement"] for row in invitations) == dict.fromkeys(placements, 1)
    sent = run(OutboxMessage.select(OutboxMessage.dedupe_key, OutboxMessage.status))
    assert {row["status"] for row in sent} == {"sent"}
    references = Counter(m["X-Learner-Voice-Reference"].strip() for m in mailbox.received)
    assert references == dict.fromkeys((row["dedupe_key"] for row in sent), 1), (
        "every message arrived, and none twice"
    )
    opening = [key for key in references if key.startswith("opened:")]
    assert len(opening) == 2 * PLACEMENTS, "the school and the provider hear of each survey"


def test_a_pupil_and_staff_can_move_between_servers(
    two_servers: list[LiveServer], settings: Any, world: World
) -> None:
    first, second = two_servers
    for server in two_servers:
        server.launch()
    for server in two_servers:
        server.wait()
    [survey] = run(open_surveys(settings, 1, dt.datetime.now(dt.UTC)))
    questionnaire = current(survey["questionnaire_id"])
    answers = first_positive_answers(questionnaire)
    # Cookies belong to the host, not the port: one phone, two servers behind a balancer.
    with httpx.Client(timeout=30) as phone:
        assert phone.get(f"{first.url}{survey['link_path']}").status_code == 302
        for number, question in enumerate(questionnaire.questions, start=1):
            server = two_servers[number % 2]
            phone.get(f"{server.url}/survey/q/{number}")
            answered = phone.post(
                f"{server.url}/survey/q/{number}",
                data={"answer": answers[question.id], "_csrf_token": phone.cookies["lv_csrf"]},
            )
            assert answered.status_code == 302, (number, answered.text[:300])
        sent = phone.post(
            f"{second.url}/survey/send", data={"_csrf_token": phone.cookies["lv_csrf"]}
        )
        assert (sent.status_code, sent.headers["location"]) == (302, "/survey/thanks")
    assert run(Response.count().where(Response.invitation == survey["id"])) == 1

    email, password = world.logins["provider_staff"]
    assert password == PASSWORD
    with httpx.Client(timeout=30) as laptop:
        laptop.get(f"{first.url}/staff/sign-in")
        signed_in = laptop.post(
            f"{first.url}/staff/sign-in",
            data={"email": email, "password": password, "_csrf_token": laptop.cookies["lv_csrf"]},
        )
        assert (signed_in.status_code, signed_in.headers["location"]) == (302, "/staff")
        on_second = laptop.get(f"{second.url}/staff/my-learners")
        assert on_second.status_code == 200
        assert "Sign out" in BeautifulSoup(on_second.text, "html.parser").get_text()
        laptop.post(f"{second.url}/staff/sign-out", data={"_csrf_token": laptop.cookies["lv_csrf"]})
        after = laptop.get(f"{first.url}/staff/my-learners")
        assert (after.status_code, after.headers["location"]) == (302, "/staff/sign-in")
