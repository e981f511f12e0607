"""The journey in a real browser: an officer ends a placement, a pupil answers on a phone."""

from __future__ import annotations

from typing import Any

import pyotp

from questionnaires.loader import current
from tests.world import TOTP_SECRETS, World


def test_officer_ends_placement_and_pupil_answers_on_a_phone(
    live_server: str, world: World, desk: Any, phone: Any
) -> None:
    email, password = world.logins["la_officer"]
    desk.goto(f"{live_server}/staff/sign-in")
    desk.fill("#email", email)
    desk.fill("#password", password)
    desk.click("button[type=submit]")
    desk.wait_for_url("**/staff/mfa")
    desk.fill("#code", pyotp.TOTP(TOTP_SECRETS["la_officer"]).now())  # the server's real clock
    desk.click("button[type=submit]")
    desk.wait_for_url("**/staff/placements")

    desk.click("text=Record a placement")
    desk.fill("#pupil_reference", "OAK-2026-101")
    desk.select_option("#year_group", "5")
    desk.select_option("#provider_id", label="Meadow Farm")
    desk.select_option("#school_id", label="Oak School")
    desk.fill("#start_date", "2026-09-07")
    desk.fill("#hours_per_week", "6")
    desk.click("text=Save placement")
    desk.wait_for_selector("h1:has-text('OAK-2026-101')")

    desk.click("text=End placement")
    qr = desk.wait_for_selector("img.qr")
    desk.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr)
    link = desk.get_attribute(".invitation a.break", "href")
    assert link and link.startswith(f"{live_server}/s/")

    phone.goto(link)
    assert phone.url == f"{live_server}/survey", "the token leaves the address bar"
    assert phone.inner_text("h1") == "Tell us what it was like"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    phone.click("text=Start")
    phone.fill("#answer", "Feeding the goats")  # the warm-up: what they did there
    phone.click("button:has-text('Continue')")
    phone.wait_for_selector("text=Question 2 of")
    total = len(current("end_years_4_6").questions)
    for number in range(2, total + 1):
        phone.click("button:has-text('Skip this question')")
        if number < total:
            phone.wait_for_selector(f"text=Question {number + 1} of {total}")
    phone.wait_for_url("**/survey/check")
    phone.click("text=Send my answers")
    phone.wait_for_url("**/survey/thanks")
    assert phone.inner_text("h1") == "Thank you"

    phone.goto(link)
    assert phone.inner_text("h1") == "You have sent your answers"

    desk.goto(f"{live_server}/staff/providers/{world.provider}")
    assert desk.inner_text("#responses") == "1"
