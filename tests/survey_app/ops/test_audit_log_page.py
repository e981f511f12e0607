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


def _objects(page: BeautifulSoup) -> list[str]:
    return [tr.select("td")[3].get_text(strip=True) for tr in page.select("#events tbody tr")]


def test_paging_through_the_log_holds_still_while_viewing_it_is_recorded(
    client: Any, world: World, clock: Clock
) -> None:
    run(AuditEvent.delete(force=True))
    run(
        AuditEvent.insert(
            *[
                AuditEvent(
                    at=clock.now - dt.timedelta(minutes=n),
                    local_authority=world.la,
                    action="placement.created",
                    object_type="placement",
                    object_id=f"{n:03d}",
                )
                for n in range(70)
            ]
        )
    )
    sign_in(client, world, "la_admin")
    first = BeautifulSoup(client.get("/staff/audit?action=placement").text, "html.parser")
    assert first.select_one("#count").get_text(strip=True) == "70 events match, page 1 of 2"
    following = str(first.select_one("nav.govuk-pagination a[rel=next]")["href"])
    # Each view is recorded (here, three more looks at the first page, in another tab): the
    # second page must still start where the first ended, not repeat its last rows.
    for _ in range(3):
        client.get("/staff/audit")
    run(
        AuditEvent.insert(
            AuditEvent(
                at=clock.now,
                local_authority=world.la,
                action="placement.created",
                object_type="placement",
                object_id="new",
            )
        )
    )
    second = BeautifulSoup(client.get(following).text, "html.parser")
    assert second.select_one("#count").get_text(strip=True) == "70 events match, page 2 of 2"
    seen = _objects(first) + _objects(second)
    assert len(seen) == len(set(seen)) == 70
    assert "placement new" not in seen
    # The page says how to see what happened since, and the views were all recorded.
    latest = second.select_one("#as-of a")
    assert latest is not None and "as_of" not in str(latest["href"])
    fresh = BeautifulSoup(client.get(str(latest["href"])).text, "html.parser")
    assert fresh.select_one("#count").get_text(strip=True) == "71 events match, page 1 of 2"
    viewed = run(AuditEvent.count().where(AuditEvent.action == "audit.viewed"))
    assert viewed == 6
    # Unfiltered, each view of the log is itself a row of it: a page shows the same rows however
    # often the log is looked at meanwhile.
    everything = BeautifulSoup(client.get("/staff/audit").text, "html.parser")
    last_page = str(everything.select("nav.govuk-pagination a.govuk-pagination__link")[-2]["href"])
    before = client.get(last_page).text
    for _ in range(3):
        client.get("/staff/audit")
    after = client.get(last_page).text
    rows = [BeautifulSoup(t, "html.parser").select("#events tbody tr") for t in (before, after)]
    assert [r.get_text("|", strip=True) for r in rows[0]] == [
        r.get_text("|", strip=True) for r in rows[1]
    ]
    # A made-up snapshot is named, not obeyed blindly.
    assert client.get("/staff/audit?as_of=yesterday").status_code == 400
