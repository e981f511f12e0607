"""A new council, from an empty database to its first placement, as the README's "Setting up
your council" says: every step a documented command or page, invitation emails read from a real
SMTP server on loopback, and every page on the way axe-clean (WCAG 2.2 AA) in Chromium."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pyotp
import pytest
from aiosmtpd.controller import Controller

from survey_app.mail.outbox import SMTPTransport, send_due
from tests.browser.checks import axe_violations, small_targets
from tests.live_server import free_port
from tests.mail_server import Inbox
from tests.world import run

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def mail(settings: Any) -> Iterator[tuple[Inbox, SMTPTransport]]:
    """A real SMTP server on 127.0.0.1, and the service's SMTP transport pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, SMTPTransport(msgspec.structs.replace(settings, smtp_port=controller.port))
    controller.stop()


def deliver(mail: tuple[Inbox, SMTPTransport], settings: Any, to: str) -> str:
    """Send what the outbox holds (as the scheduled work does) and read ``to``'s latest email."""
    inbox, transport = mail
    run(send_due(transport, dt.datetime.now(dt.UTC), secret_key=settings.secret_key))
    received = inbox.to(to)
    assert received, f"no email reached {to}"
    body: str = received[-1].get_content()
    return body


def link_in(body: str, live_server: str) -> str:
    found = re.search(re.escape(live_server) + r"(/staff/invitation/[\w-]+)", body)
    assert found, body
    return found.group(1)


def clean(page: Any, where: str) -> None:
    """The page as it stands passes axe at a desk and on a phone, with big enough targets."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        found = axe_violations(page) + small_targets(page)
        assert found == [], f"{where}@{width}: {found}"
    page.set_viewport_size({"width": 1280, "height": 900})


# Browsers that let axe-core be injected (tests only: the service's CSP forbids inline scripts).
def test_a_new_council_goes_from_an_empty_database_to_its_first_placement(
    live_server: str, browser: Any, settings: Any, mail: tuple[Inbox, SMTPTransport]
) -> None:
    # 1. At the server: the authority and its first administrator (the database is empty).
    added = subprocess.run(
        [
            sys.executable,
            "-m",
            "survey_app.cli",
            "la",
            "add",
            "--name",
            "Westshire Council",
            "--code",
            "E10000011",
            "--dfe-number",
            "845",
            "--admin-email",
            "it-lead@westshire.example",
        ],
        env={**os.environ, "SURVEY_BASE_URL": live_server},
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr

    # 2. The invitation arrives by email; the administrator sets a password and a second factor.
    invitation = link_in(deliver(mail, settings, "it-lead@westshire.example"), live_server)
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
    admin.goto(f"{live_server}{invitation}")
    clean(admin, "invitation")
    admin.fill("#password", "kettle orchard lantern 26")
    admin.click("button[type=submit]")
    admin.wait_for_url("**/staff/mfa/setup")
    clean(admin, "second factor set-up")
    key = admin.inner_text("#secret").replace(" ", "")
    admin.fill("#code", pyotp.TOTP(key).now())
    admin.click("button[type=submit]")
    admin.wait_for_url("**/staff/placements")

    # 3. Schools from DfE's GIAS export, as published (Windows-1252).
    admin.goto(f"{live_server}/staff/schools/import")
    clean(admin, "schools import")
    admin.set_input_files("#file", str(EXAMPLES / "gias-sample.csv"))
    admin.click("form[enctype] button[type=submit]")
    admin.wait_for_selector("#imported")
    clean(admin, "schools imported")

    # 4. The council's provider register, from its spreadsheet.
    admin.goto(f"{live_server}/staff/providers/import")
    clean(admin, "provider register import")
    admin.set_input_files("input[type=file]", str(EXAMPLES / "provider-register.xlsx"))
    admin.click("form[enctype] button[type=submit]")
    admin.wait_for_selector("#imported")  # imported, then redirected (post/redirect/get)
    admin.goto(f"{live_server}/staff/providers")
    providers = admin.locator("#providers tbody tr").count()
    assert providers > 0, "the register's providers are listed"

    # 5. The administrator invites a school contact, choosing the school from the register.
    admin.goto(f"{live_server}/staff/people/invite")
    clean(admin, "invite a colleague")
    admin.fill("#email", "head@stmarys.example")
    admin.select_option("#role", "school_contact")
    admin.select_option("#school", "199101")  # by URN: St Mary's, from the GIAS file
    admin.click("main form button[type=submit]")
    admin.wait_for_selector("#done")  # sent, then redirected (post/redirect/get)
    admin.goto(f"{live_server}/staff/people")
    clean(admin, "staff")
    assert "head@stmarys.example" in admin.inner_text("main")

    # 6. The school contact's invitation arrives; they choose a password and are signed in.
    invitation = link_in(deliver(mail, settings, "head@stmarys.example"), live_server)
    school = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True
    ).new_page()
    school.goto(f"{live_server}{invitation}")
    school.fill("#password", "bramble harbour copper 26")
    school.click("button[type=submit]")
    school.wait_for_url("**/staff/sign-in")
    school.fill("#email", "head@stmarys.example")
    school.fill("#password", "bramble harbour copper 26")
    school.click("button[type=submit]")
    school.wait_for_url("**/staff/placements")

    # 7. They record the council's first placement, with a provider from the register.
    school.goto(f"{live_server}/staff/placements/new")
    clean(school, "new placement")
    school.fill("#pupil_reference", "SM-2026-001")
    school.select_option("#year_group", "8")
    school.select_option("#provider_id", index=1)
    school.fill("#start_date", "2026-09-07")
    school.fill("#planned_end_date", "2026-12-18")
    school.fill("#hours_per_week", "6")
    school.click("main form button[type=submit]")
    school.wait_for_url(re.compile(r".*/staff/placements/\d+$"))
    clean(school, "the placement")
    assert "SM-2026-001" in school.inner_text("main")
