"""A deployment's links: every address in an email, on a printed slip or in the API sits under
SURVEY_BASE_URL, path prefix included, whether or not the setting ends in a slash."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.accounts.password_reset import request_reset
from survey_app.db.tables import (
    Invitation,
    LocalAuthority,
    OutboxMessage,
    Placement,
    ProviderRecord,
)
from survey_app.ops.schedule import run_scheduled_work
from tests.mail_server import Recorder
from tests.world import Clock, World, complete_survey, placement_row, run, sign_in, token_for

#: The council serves the service under a path on its own site; the proxy strips the prefix.
PREFIX = "https://council.example/learner-voice"
ORIGIN = "https://council.example"
URL = re.compile(r"https?://\S+")


@pytest.fixture(params=[PREFIX, PREFIX + "/"], ids=["no-slash", "trailing-slash"])
def deployed(request: pytest.FixtureRequest, settings: Any) -> Any:
    """The settings of a deployment under a path prefix, written with and without a final slash."""
    return msgspec.structs.replace(settings, base_url=request.param)


@pytest.fixture
def council_app(deployed: Any, clock: Clock) -> Any:
    from survey_app.app import create_app

    return create_app(deployed, clock)


@pytest.fixture
def browser(council_app: Any) -> Iterator[Any]:
    with TestClient(council_app, base_url=ORIGIN) as client:
        yield client


@pytest.fixture
def pupil_phone(council_app: Any) -> Iterator[Any]:
    with TestClient(council_app, base_url=ORIGIN) as client:
        yield client


@pytest.fixture
def addresses(world: World) -> None:
    """Everyone who gets email has an address, so every kind of message is queued."""
    run(
        LocalAuthority.update(
            {
                LocalAuthority.safeguarding_email: "safeguarding@westshire.example",
                LocalAuthority.contact_email: "ap-team@westshire.example",
            }
        ).where(LocalAuthority.id == world.la)
    )
    run(
        ProviderRecord.update({ProviderRecord.contact_email: "office@meadow.example"}).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )


def emails(sent: Recorder, settings: Any, clock: Clock) -> dict[str, list[str]]:
    """Every message's body as its recipient reads it, by kind: what is due is sent first.

    The outbox row keeps a placeholder where a survey or reset link goes: only the sent email
    carries the link itself.
    """
    kinds = {
        row["dedupe_key"]: row["kind"]
        for row in run(OutboxMessage.select(OutboxMessage.kind, OutboxMessage.dedupe_key))
    }
    bodies: dict[str, list[str]] = {}
    for email in sent.deliver(settings, clock.now):
        bodies.setdefault(kinds[email.reference], []).append(email.body)
    return bodies


def links_in(text: str) -> list[str]:
    return URL.findall(text)


def test_every_link_in_every_email_sits_under_the_prefix_and_works(
    deployed: Any,
    pupil_phone: Any,
    world: World,
    clock: Clock,
    addresses: None,
) -> None:
    # One pupil answers (and raises an alert); the other leaves theirs waiting (reminders).
    run(Placement.insert(placement_row(world, clock, pupil_reference="OAK-55")))
    run(Placement.insert(placement_row(world, clock, pupil_reference="OAK-56")))
    run(
        run_scheduled_work(deployed, clock.now, None)
    )  # a Monday: surveys open, and the weekly digest
    sent = Recorder()
    opened = next(
        b for b in emails(sent, deployed, clock)["survey_opened"] if "your pupil OAK-55" in b
    )
    survey_link = next(link for link in links_in(opened) if "/s/" in link)
    # The proxy strips the prefix, so the pupil's phone reaches the app at the rest of the path.
    complete_survey(
        pupil_phone, survey_link.removeprefix(PREFIX), "end_years_4_6", {"felt_safe": "not_safe"}
    )
    clock.advance(days=7)  # reminders are due, the alert is overdue, and it is Monday again
    run(run_scheduled_work(deployed, clock.now, None))
    run(request_reset(deployed, world.logins["la_officer"][0], clock.now))

    by_kind = emails(sent, deployed, clock)
    assert set(by_kind) >= {
        "survey_opened",
        "digest",
        "safeguarding",
        "reminder",
        "escalation",
        "password_reset",
    }
    links = [link for bodies in by_kind.values() for body in bodies for link in links_in(body)]
    assert links and all(link.startswith(PREFIX + "/") for link in links), links
    assert not [link for link in links if "//" in link.removeprefix("https://")], links
    paths = {link.removeprefix(PREFIX) for link in links}
    assert "/code" in paths, "the school is told where the pupil can type the short code"
    assert "/staff/chasing" in paths
    assert f"/staff/providers/{world.provider}/slips" in paths
    assert any(path.startswith("/staff/safeguarding/") for path in paths)
    assert any(path.startswith("/staff/password-reset/") for path in paths)


def test_printed_slips_and_the_api_give_addresses_under_the_prefix(
    deployed: Any, browser: Any, world: World, clock: Clock
) -> None:
    run(Placement.insert(placement_row(world, clock)))
    run(run_scheduled_work(deployed, clock.now, None))
    invitation = run(Invitation.select(Invitation.id).first())["id"]

    sign_in(browser, world, "la_officer")
    sheet = BeautifulSoup(
        browser.get(f"/staff/providers/{world.provider}/slips").text, "html.parser"
    )
    slip_text = sheet.select_one("main").get_text(" ", strip=True)
    assert f"go to {PREFIX}/code and type" in slip_text

    listed = browser.get("/api/v1/invitations", headers=token_for(world, "la_officer", clock))
    assert listed.status_code == 200, listed.text
    link = listed.json()["items"][0]["invitation"]["link"]
    assert link["url"].startswith(f"{PREFIX}/s/")
    assert link["qr_png_path"] == f"{PREFIX}/staff/invitations/{invitation}/qr.png"
    assert link["qr_svg_path"] == f"{PREFIX}/staff/invitations/{invitation}/qr.svg"
