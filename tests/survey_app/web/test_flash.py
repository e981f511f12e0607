"""What a post just did is said once, on the page it was done to, and nowhere else: it is kept
on the server (the session), never read from the address, where anyone could forge it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from tests.survey_app.placements.test_corrections import placement_of
from tests.survey_app.qa.test_you_said import draft
from tests.world import Clock, World, issue_for_year, post_form, sign_in


def banner(response: Any) -> str | None:
    assert response.status_code == 200, response.text
    done = BeautifulSoup(response.text, "html.parser").select_one("#done")
    return done.get_text(" ", strip=True) if done else None


def test_a_placements_banner_shows_on_that_placement_only(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    first = placement_of(issue_for_year(world, settings, clock, 5, "OAK-10"))
    second = placement_of(issue_for_year(world, settings, clock, 6, "OAK-20"))
    sign_in(client, world, "la_officer")
    closes = (clock.now + dt.timedelta(days=40)).date().isoformat()
    extend = f"/staff/placements/{first}/extend"
    assert post_form(client, extend, {"closes_on": closes}, follow_redirects=False).status_code in (
        302,
        303,
    )
    # Another placement opened next (another tab, a link) says nothing about the first.
    assert banner(client.get(f"/staff/placements/{second}")) is None
    # Done again, then followed as the redirect says: shown there, once.
    post_form(client, extend, {"closes_on": closes}, follow_redirects=False)
    said = banner(client.get(f"/staff/placements/{first}"))
    assert said is not None and said.startswith("Nothing changed")
    assert banner(client.get(f"/staff/placements/{first}")) is None


def test_a_you_said_banner_cannot_be_forged_in_the_address(client: Any, world: World) -> None:
    entry_id = draft(client, world)
    # The redirect after saving says so, once, without anything in the address.
    assert banner(client.get(f"/staff/you-said/{entry_id}")) == "Saved."
    assert banner(client.get(f"/staff/you-said/{entry_id}")) is None
    # A link made to say "Published" about a draft says nothing.
    assert banner(client.get(f"/staff/you-said/{entry_id}?done=publish")) is None


def test_a_you_said_banner_shows_on_that_entry_only(client: Any, world: World) -> None:
    earlier = draft(client, world)
    banner(client.get(f"/staff/you-said/{earlier}"))
    later = draft(client, world)
    # The earlier entry, opened instead of the one just saved, says nothing about it ...
    assert banner(client.get(f"/staff/you-said/{earlier}")) is None
    # ... and the banner, left behind, does not turn up later as if just done.
    assert banner(client.get(f"/staff/you-said/{later}")) is None


def test_a_persons_banner_cannot_be_forged_in_the_address(client: Any, world: World) -> None:
    from survey_app.db.staff_tables import StaffUser
    from tests.world import run

    officer = run(
        StaffUser.select(StaffUser.id).where(StaffUser.email == "la_officer@example.test").first()
    )["id"]
    sign_in(client, world, "la_admin")
    page = f"/staff/people/{officer}"
    # A link made to say the account was disabled says nothing: it was not.
    assert banner(client.get(f"{page}?done=disabled")) is None
    assert post_form(client, f"{page}/disable", {}).status_code == 200
    assert banner(client.get(page)) is None, "said once, on the redirect"
    post_form(client, f"{page}/enable", {}, follow_redirects=False)
    said = banner(client.get(page))
    assert said is not None and said.startswith("Account enabled")


def test_an_administrator_who_steps_down_stays_signed_out(client: Any, world: World) -> None:
    """Changing their own role ends their sessions: saying so must not bring this one back."""
    from survey_app.db.staff_tables import StaffUser
    from tests.world import run

    ids = {row["email"]: row["id"] for row in run(StaffUser.select(StaffUser.id, StaffUser.email))}
    sign_in(client, world, "la_admin")
    post_form(client, f"/staff/people/{ids['la_officer@example.test']}/role", {"role": "la_admin"})
    me = ids["la_admin@example.test"]
    post_form(client, f"/staff/people/{me}/role", {"role": "la_officer"}, follow_redirects=False)
    after = client.get("/staff/placements", follow_redirects=False)
    assert after.status_code in (302, 303)
    assert after.headers["location"].startswith("/staff/sign-in")
