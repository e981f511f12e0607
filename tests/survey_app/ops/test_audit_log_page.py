"""The audit log as an LA administrator reads it: their LA's events only, a page at a time,
found by action and person; nobody else may open it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.staff_tables import AuditEvent, StaffUser
from tests.world import Clock, World, run, sign_in


def test_an_administrator_pages_and_searches_their_own_las_events(
    client: Any, world: World, clock: Clock
) -> None:
    officer = run(
        StaffUser.select(StaffUser.id).where(StaffUser.email == "la_officer@example.test").first()
    )["id"]
    run(AuditEvent.delete(force=True))
    run(
        AuditEvent.insert(
            *[
                AuditEvent(
                    at=clock.now - dt.timedelta(minutes=n),
                    user_id=officer,
                    local_authority=world.la if n < 60 else world.other_la,
                    action="placement.created" if n % 2 else "report.downloaded",
                    object_type="placement",
                    object_id=str(n),
                )
                for n in range(90)
            ]
        )
    )
    sign_in(client, world, "la_admin")
    page = BeautifulSoup(client.get("/staff/audit?who=la_officer").text, "html.parser")
    # 60 of this LA's (30 from the other LA never counted); signing in added none by the officer.
    assert page.select_one("#count").get_text(strip=True) == "60 events match, page 1 of 2"
    created = BeautifulSoup(
        client.get("/staff/audit?action=placement.created&who=la_officer").text, "html.parser"
    )
    assert created.select_one("#count").get_text(strip=True) == "30 events match"
    cells = created.select("#events tbody tr td")
    assert cells[1].get_text(strip=True) == "la_officer@example.test"
    assert client.get("/staff/audit?from=monday").status_code == 400


def test_only_administrators_open_the_audit_log(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    assert client.get("/staff/audit").status_code in (403, 404)
