"""Correcting placements: editing (kept in the placement's history), cancelling one entered in
error, reissuing or extending its survey; on the staff pages, through the API, and refused to
anyone who may not."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import (
    Invitation,
    OutboxMessage,
    Placement,
    PlacementChange,
    ProviderRecord,
    School,
)
from survey_app.mail.statuses import MessageStatus
from survey_app.placements.statuses import PlacementStatus
from survey_app.surveys.due import issue_due
from survey_app.surveys.statuses import InvitationStatus
from tests.survey_app.test_flow import record_placement
from tests.world import (
    Clock,
    Issued,
    World,
    complete_survey,
    issue_for_year,
    post_form,
    run,
    sign_in,
    token_for,
)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def errors(response: Any) -> dict[str, str]:
    summary = soup(response).select(".govuk-error-summary li a")
    return {a["href"].lstrip("#"): a.get_text(strip=True) for a in summary}


def settings_secret() -> str:
    return os.environ["SURVEY_SECRET_KEY"]


def placement_of(issued: Issued) -> int:
    row = run(Invitation.select(Invitation.placement).where(Invitation.id == issued.id).first())
    return int(row["placement"])


def stored(placement_id: int) -> dict[str, Any]:
    row = run(Placement.select().where(Placement.id == placement_id).first())
    assert row is not None
    return row


def history_rows(page: Any) -> list[list[str]]:
    return [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in soup(page).select("#history tbody tr")
    ]


EDIT = {
    "provider_id": "",
    "school_id": "",
    "la_team": "",
    "year_group": "8",
    "start_date": "2026-09-07",
    "planned_end_date": "2026-12-18",
    "hours_per_week": "9",
    "purpose": "Build confidence through practical work",
}


def edit_form(world: World, **overrides: str) -> dict[str, str]:
    return {**EDIT, "provider_id": str(world.provider), "school_id": str(world.school), **overrides}


# ---- editing -------------------------------------------------------------------------------


def test_officer_corrects_a_placement_and_its_history_says_what_when_and_who(
    signed_in: Any, world: World
) -> None:
    url = record_placement(signed_in, world).headers["location"]
    form = soup(signed_in.get(f"{url}/edit"))
    assert form.select_one("#hours_per_week")["value"] == "9", "the form starts from what it says"
    assert form.select_one("#provider_id option[selected]")["value"] == str(world.provider)
    changed = edit_form(
        world, provider_id=str(world.second_provider), hours_per_week="12.5", year_group="9"
    )
    response = post_form(signed_in, f"{url}/edit", changed, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == url
    page = signed_in.get(url)
    values = [dd.get_text(strip=True) for dd in soup(page).select(".govuk-summary-list__value")]
    assert "Quay Tutors" in values and "12.5" in values and "9" in values
    rows = history_rows(page)
    changes = {row[1]: (row[2], row[3], row[4]) for row in rows}
    who = "la_officer@example.test"
    assert changes["Provider"] == ("Meadow Farm", "Quay Tutors", who)
    assert changes["Hours per week"] == ("9", "12.5", who)
    assert changes["Year group"] == ("8", "9", who)
    assert rows[0][0].startswith("23 Nov 2026"), "when it changed"


def test_a_bad_correction_names_the_field_and_changes_nothing(signed_in: Any, world: World) -> None:
    url = record_placement(signed_in, world).headers["location"]
    placement_id = int(url.rsplit("/", 1)[1])
    before = stored(placement_id)
    for overrides, field, words in (
        ({"hours_per_week": "lots"}, "hours_per_week", "must be a number"),
        ({"planned_end_date": "2026-01-01"}, "planned_end_date", "on or after the start date"),
        ({"provider_id": str(world.other_provider)}, "provider_id", "no provider with that id"),
        ({"school_id": str(world.other_school)}, "school_id", "no school with that id"),
    ):
        response = post_form(signed_in, f"{url}/edit", edit_form(world, **overrides))
        assert response.status_code == 400
        assert words in errors(response)[field]
        assert soup(response).select_one("form[action$='/edit']"), "the form is shown again"
    assert stored(placement_id) == before
    assert run(PlacementChange.count()) == 0


def test_a_school_contact_corrects_their_own_placement_but_cannot_move_it_elsewhere(
    client: Any, world: World
) -> None:
    sign_in(client, world, "school_contact")
    url = record_placement(client, world).headers["location"]
    placement_id = int(url.rsplit("/", 1)[1])
    form = soup(client.get(f"{url}/edit"))
    assert not form.select("#school_id"), "a school contact's form offers no other school"
    moved = edit_form(world, school_id=str(world.second_school), hours_per_week="4")
    response = post_form(client, f"{url}/edit", moved)
    assert response.status_code == 400
    assert "only record placements for your school" in errors(response)["school_id"]
    assert stored(placement_id)["school"] == world.school
    del moved["school_id"]
    assert post_form(client, f"{url}/edit", moved, follow_redirects=False).status_code == 302
    row = stored(placement_id)
    assert row["hours_per_week"] == 4 and row["school"] == world.school


def test_provider_staff_and_another_councils_officer_correct_nothing(
    client: Any, world: World, issued: Issued, clock: Clock
) -> None:
    placement_id = placement_of(issued)
    before = stored(placement_id)
    url = f"/staff/placements/{placement_id}"
    for who in ("provider_staff", "other_la_officer"):
        client.cookies.clear()
        sign_in(client, world, who)
        assert client.get(f"{url}/edit").status_code == 404
        attempts = [
            (f"{url}/edit", edit_form(world, hours_per_week="30")),
            (f"{url}/cancel", {}),
            (f"{url}/reissue", {"link_version": "0"}),
            (f"{url}/extend", {"closes_on": "2027-01-08"}),
        ]
        for path, data in attempts:
            assert post_form(client, path, data).status_code == 404, (who, path)
        api = token_for(world, who, clock)
        base = f"/api/v1/placements/{placement_id}"
        assert client.patch(base, json={"hours_per_week": 30}, headers=api).status_code == 404
        for path, body in (
            ("/cancel", None),
            ("/survey/reissue", {}),
            ("/survey/extend", {"closes_on": "2027-01-08"}),
        ):
            assert client.post(base + path, json=body, headers=api).status_code == 404, path
    assert stored(placement_id) == before
    invitation = run(Invitation.select().where(Invitation.id == issued.id).first())
    assert invitation["status"] == InvitationStatus.OPEN and invitation["revocation_counter"] == 0
    assert run(PlacementChange.count()) == 0


def test_an_answered_survey_keeps_its_provider_and_the_placement_cannot_be_cancelled(
    signed_in: Any, world: World, issued: Issued, pupil: Any
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {})
    placement_id = placement_of(issued)
    url = f"/staff/placements/{placement_id}"
    form = edit_form(
        world,
        provider_id=str(world.second_provider),
        year_group="5",
        start_date="2026-09-01",
        planned_end_date="",
        hours_per_week="6",
        purpose="",
    )
    response = post_form(signed_in, f"{url}/edit", form)
    assert response.status_code == 400
    assert "has answered" in errors(response)["provider_id"]
    assert stored(placement_id)["provider"] == world.provider
    response = post_form(signed_in, f"{url}/cancel", {})
    assert response.status_code == 400 and "has answered" in errors(response)["cancel"]
    assert stored(placement_id)["status"] == PlacementStatus.ACTIVE


# ---- cancelling ----------------------------------------------------------------------------


def test_cancelling_withdraws_the_survey_and_the_pupils_link_says_so_kindly(
    signed_in: Any, world: World, issued: Issued, pupil: Any, settings: Any, clock: Clock
) -> None:
    placement_id = placement_of(issued)
    url = f"/staff/placements/{placement_id}"
    response = post_form(signed_in, f"{url}/cancel", {}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == url
    page = soup(signed_in.get(url))
    assert page.select_one("#cancelled").get_text() == "Cancelled"
    assert not page.select("img.app-qr"), "no link or QR code for a withdrawn survey"
    assert "Cancelled as entered in error" in [
        td.get_text(strip=True) for td in page.select("#history td")
    ]
    for opened in (
        pupil.get(issued.path),
        post_form(pupil, "/code", {"code": issued.code}),
    ):
        assert opened.status_code == 410
        assert soup(opened).h1.get_text() == "You do not need to do this survey"
    # Gone from chasing and from the provider's slips.
    assert not soup(signed_in.get("/staff/chasing")).select("#waiting tbody tr td.app-num")
    client_rows = signed_in.get("/staff/placements")
    assert "Withdrawn" in soup(client_rows).select_one("tbody tr").get_text()
    # A second cancel (a refresh of the form, a double click) is harmless.
    assert post_form(signed_in, f"{url}/cancel", {}, follow_redirects=False).status_code == 302
    assert run(PlacementChange.count()) == 1


def test_a_cancelled_placement_is_never_issued_a_survey_and_cannot_be_ended(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    url = record_placement(signed_in, world, planned_end_date="2026-11-25").headers["location"]
    assert post_form(signed_in, f"{url}/cancel", {}, follow_redirects=False).status_code == 302
    assert run(issue_due(settings, clock.now)) == 0
    response = post_form(signed_in, f"{url}/end", {"ended_on": ""})
    assert response.status_code == 400 and "cancelled" in errors(response)["ended_on"]
    assert run(Invitation.count()) == 0


def test_cancelling_stops_queued_emails_that_carry_the_pupils_link(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(
        School.update({School.contact_email: "office@oak.example"}).where(School.id == world.school)
    )
    run(
        ProviderRecord.update({ProviderRecord.contact_email: "hello@meadow.example"}).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )
    issued = issue_for_year(world, settings, clock, reference="MAIL-1")
    assert post_form(signed_in, f"/staff/placements/{placement_of(issued)}/cancel", {}).is_success
    to_school = run(
        OutboxMessage.select().where(OutboxMessage.recipient == "office@oak.example").first()
    )
    assert to_school["status"] == MessageStatus.WITHDRAWN
    assert to_school["secrets_sealed"] is None
    outbox = soup(signed_in.get("/staff/outbox"))
    assert (
        "link was replaced or withdrawn"
        in outbox.select_one('tr[data-status="withdrawn"]').get_text()
    )
    # Found from outside: the provider's email (no link, so it was let go) still asked them to
    # help a pupil who was never theirs. A placement entered in error sends nothing at all.
    about_it = run(
        OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.status).where(
            OutboxMessage.body.like("%MAIL-1%")
        )
    )
    assert about_it, "the school and provider emails were queued"
    assert {row["recipient"] for row in about_it} == {"office@oak.example", "hello@meadow.example"}
    assert {row["status"] for row in about_it} == {MessageStatus.WITHDRAWN}


# ---- reissuing and extending ---------------------------------------------------------------


def test_reissuing_kills_the_old_link_and_code_and_a_double_submit_reissues_once(
    signed_in: Any, world: World, pupil: Any, settings: Any, clock: Clock
) -> None:
    run(
        School.update({School.contact_email: "office@oak.example"}).where(School.id == world.school)
    )
    issued = issue_for_year(world, settings, clock)
    placement_id = placement_of(issued)
    url = f"/staff/placements/{placement_id}"
    page = soup(signed_in.get(url))
    version = page.select_one("form[action$='/reissue'] input[name=link_version]")["value"]
    for _ in range(2):  # the same form sent twice: a double click, or a refresh after posting
        response = post_form(
            signed_in, f"{url}/reissue", {"link_version": version}, follow_redirects=False
        )
        assert response.status_code == 302 and response.headers["location"] == url
    row = run(Invitation.select().where(Invitation.id == issued.id).first())
    assert row["revocation_counter"] == 1, "one new link, not two"
    new_code = soup(signed_in.get(url)).select_one(".app-short-code").get_text(strip=True)
    assert new_code != issued.code
    assert pupil.get(issued.path).status_code == 404, "the old link is dead"
    assert post_form(pupil, "/code", {"code": issued.code}).status_code == 404
    assert post_form(pupil, "/code", {"code": new_code}, follow_redirects=False).status_code == 302
    # The provider's slip shows the new code; the school is sent the new link, once.
    sign_in(pupil, world, "provider_staff")
    slips = pupil.get(f"/staff/providers/{world.provider}/slips").text
    assert new_code in slips and issued.code not in slips
    to_school = run(
        OutboxMessage.select(OutboxMessage.status).where(
            OutboxMessage.recipient == "office@oak.example"
        )
    )
    assert sorted(m["status"] for m in to_school) == [
        MessageStatus.PENDING,
        MessageStatus.WITHDRAWN,
    ]
    assert [r[1] for r in history_rows(signed_in.get(url))] == [
        "Survey link and code (end-of-placement survey)"
    ]


def test_a_pupil_who_opened_the_old_link_cannot_carry_on_after_a_reissue(
    signed_in: Any, world: World, issued: Issued, pupil: Any
) -> None:
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    assert pupil.get("/survey").status_code == 200
    placement_id = placement_of(issued)
    post_form(signed_in, f"/staff/placements/{placement_id}/reissue", {"link_version": "0"})
    assert pupil.get("/survey").status_code == 404
    assert post_form(pupil, "/survey/q/1", {"skip": "yes"}).status_code == 404


def test_an_expired_survey_is_closed_not_answered_everywhere_until_extended(
    client: Any, world: World, issued: Issued, pupil: Any, settings: Any, clock: Clock
) -> None:
    clock.advance(days=settings.invitation_expiry_days + 1)
    sign_in(client, world, "la_officer")
    signed_in = client
    placement_id = placement_of(issued)
    url = f"/staff/placements/{placement_id}"
    listed = soup(signed_in.get("/staff/placements")).select_one("tbody tr .govuk-tag")
    assert listed.get_text() == "Closed, not answered"
    page = soup(signed_in.get(url))
    assert "Closed, not answered" in page.select_one(".govuk-summary-list .govuk-tag").get_text()
    assert not page.select("img.app-qr") and not page.select(".app-short-code"), "no dead QR code"
    chasing = soup(signed_in.get("/staff/chasing"))
    assert not chasing.select("#waiting tbody tr td.app-num"), "no longer waiting"
    closed = chasing.select("#closed tbody tr")
    assert [row.select_one("a")["href"] for row in closed] == [url]
    api = token_for(world, "la_officer", clock)
    body = signed_in.get(f"/api/v1/placements/{placement_id}", headers=api).json()
    assert body["invitation"]["status"] == "expired" and body["invitation"]["link"] is None
    assert body["survey"] == "expired"
    # Extended, it reopens with the same link.
    closes = (clock.now + dt.timedelta(days=14)).date().isoformat()
    response = post_form(signed_in, f"{url}/extend", {"closes_on": closes}, follow_redirects=False)
    assert response.status_code == 302
    assert soup(signed_in.get(url)).select_one(".app-short-code").get_text(strip=True) == (
        issued.code
    )
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    assert history_rows(signed_in.get(url))[0][1:4] == [
        "Survey closes (end-of-placement survey)",
        (clock.now - dt.timedelta(days=1)).date().isoformat(),
        closes,
    ]


def test_an_extension_must_be_a_later_day_and_a_bad_one_changes_nothing(
    signed_in: Any, world: World, issued: Issued
) -> None:
    url = f"/staff/placements/{placement_of(issued)}"
    before = run(Invitation.select().where(Invitation.id == issued.id).first())
    for typed, words in (
        ("", "Enter the date"),
        ("next week", "must be a date like"),
        ("2026-11-01", "today or later"),
        ("2026-11-24", "after the date it closes now"),
        ("2028-12-01", "within a year"),
    ):
        response = post_form(signed_in, f"{url}/extend", {"closes_on": typed})
        assert response.status_code == 400, typed
        assert words in errors(response)["closes_on"], typed
    assert run(Invitation.select().where(Invitation.id == issued.id).first()) == before


def test_not_open_yet_says_the_day_the_survey_opens(signed_in: Any, world: World) -> None:
    url = record_placement(signed_in, world, planned_end_date="2026-12-18").headers["location"]
    status = soup(signed_in.get(url)).select(".govuk-summary-list__value")[-1].get_text()
    # Surveys open 7 days before the planned end unless the LA chose otherwise.
    assert status.strip() == "Not open yet: End-of-placement survey opens 11 December 2026"


# ---- the API -------------------------------------------------------------------------------


def test_the_api_corrects_cancels_reissues_and_extends_with_the_same_rules(
    client: Any, world: World, issued: Issued, clock: Clock
) -> None:
    api = token_for(world, "la_officer", clock)
    placement_id = placement_of(issued)
    base = f"/api/v1/placements/{placement_id}"
    edited = client.patch(base, json={"hours_per_week": 7.5, "purpose": "Catch up"}, headers=api)
    assert edited.status_code == 200, edited.text
    assert edited.json()["hours_per_week"] == 7.5 and edited.json()["year_group"] == 5
    bad = client.patch(base, json={"year_group": 14}, headers=api)
    assert bad.status_code == 400 and "from 4 to 11" in bad.text
    version = edited.json()["invitation"]["link_version"]
    first = client.post(f"{base}/survey/reissue", json={"link_version": version}, headers=api)
    again = client.post(f"{base}/survey/reissue", json={"link_version": version}, headers=api)
    assert first.status_code == again.status_code == 200
    assert first.json()["invitation"]["link"]["short_code"] != issued.code
    assert again.json()["invitation"]["link"] == first.json()["invitation"]["link"]
    extended = client.post(f"{base}/survey/extend", json={"closes_on": "2027-01-08"}, headers=api)
    assert extended.status_code == 200
    assert extended.json()["invitation"]["expires_at"].startswith("2027-01-08T23:59")
    cancelled = client.post(f"{base}/cancel", headers=api)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["invitation"]["status"] == "revoked"
    assert cancelled.json()["survey"] == "withdrawn"
    assert run(PlacementChange.count()) == 5


def test_the_pupils_placements_history_is_in_their_record_and_erased_with_them(
    signed_in: Any, world: World, issued: Issued
) -> None:
    from survey_app.ops.data_rights import erase_pupil, export_pupil

    placement_id = placement_of(issued)
    url = f"/staff/placements/{placement_id}"
    form = edit_form(
        world, year_group="5", start_date="2026-09-01", planned_end_date="", purpose="Riding"
    )
    assert post_form(signed_in, f"{url}/edit", form, follow_redirects=False).status_code == 302
    assert run(PlacementChange.count()) >= 1
    record = run(export_pupil(world.la, "OAK-55", secret=settings_secret()))
    assert {change["field"] for change in record.placement_changes} >= {"purpose"}
    assert run(erase_pupil(world.la, "OAK-55")) == 1
    assert run(PlacementChange.count()) == 0


def test_every_correction_reaches_a_school_system_syncing_by_updated_since(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # A school's system asks for what changed since it last asked: an edit, a cancellation, a
    # reissue or an extension that did not move ``updated_at`` would never reach it.
    from survey_app.accounts.scoping import Actor, Role
    from survey_app.db.tables import Placement
    from survey_app.placements.survey_corrections import cancel_placement

    issued = issue_for_year(world, settings, clock, year_group=8, reference="SYNC-1")
    assert issued is not None
    placement = run(Placement.select(Placement.id).where(Placement.pupil_reference == "SYNC-1"))
    placement_id = placement[0]["id"]
    clock.advance(hours=2)
    officer = Actor(
        user_id=0, email="o@example.test", role=Role.LA_OFFICER, local_authority_id=world.la
    )
    run(cancel_placement(officer, placement_id, clock.now))
    moved = run(Placement.select(Placement.updated_at).where(Placement.id == placement_id))
    assert moved[0]["updated_at"] == clock.now
