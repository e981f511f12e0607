"""Correcting the day a placement ended and its "simplest version" choice: each change kept in
its history; an end before the start refused in plain words; an unanswered survey's dates and
wording follow, an answered one is never touched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation, OutboxMessage, PlacementChange, School
from survey_app.mail.statuses import MessageStatus
from survey_app.time_in_england import date_in_england
from tests.survey_app.placements.test_corrections import (
    errors,
    history_rows,
    placement_of,
    stored,
)
from tests.world import (
    Clock,
    Issued,
    World,
    complete_survey,
    issue_for_year,
    post_form,
    run,
    token_for,
)

# The placement as issue_for_year records it (ended 20 November), so only what a test names
# changes.
AS_RECORDED = {
    "year_group": "5",
    "start_date": "2026-09-01",
    "planned_end_date": "",
    "hours_per_week": "6",
    "purpose": "",
    "ended_on": "2026-11-20",
}


def form(world: World, **overrides: str) -> dict[str, str]:
    return {
        "provider_id": str(world.provider),
        "school_id": str(world.school),
        "la_team": "",
        **AS_RECORDED,
        **overrides,
    }


def invitation(issued: Issued) -> dict[str, Any]:
    row = run(Invitation.select().where(Invitation.id == issued.id).first())
    assert row is not None
    return row


def test_the_edit_form_offers_the_end_date_and_the_simplest_version(
    signed_in: Any, issued: Issued
) -> None:
    url = f"/staff/placements/{placement_of(issued)}"
    page = BeautifulSoup(signed_in.get(f"{url}/edit").text, "html.parser")
    assert page.select_one("input#ended_on")["value"] == "2026-11-20"
    assert page.select_one("input#simplest_version[type=checkbox]") is not None
    assert not page.select_one("input#simplest_version").has_attr("checked")


def test_correcting_the_end_moves_an_unanswered_surveys_dates_and_keeps_it_in_the_history(
    signed_in: Any, world: World, issued: Issued, clock: Clock
) -> None:
    before = invitation(issued)
    url = f"/staff/placements/{placement_of(issued)}"
    response = post_form(
        signed_in, f"{url}/edit", form(world, ended_on="2026-11-17"), follow_redirects=False
    )
    assert response.status_code == 302, errors(response)
    assert stored(placement_of(issued))["ended_on"] == dt.date(2026, 11, 17)
    after = invitation(issued)
    assert after["expires_at"] == before["expires_at"] - dt.timedelta(days=3)
    assert after["opened_at"] == before["opened_at"] - dt.timedelta(days=3)
    changes = {row[1]: (row[2], row[3]) for row in history_rows(signed_in.get(url))}
    assert changes["End date"] == ("2026-11-20", "2026-11-17")
    closed = before["expires_at"].date()
    # The history names the survey the new end moved (a placement may also have a start survey).
    assert changes["Survey closes (end-of-placement survey)"] == (
        closed.isoformat(),
        (closed - dt.timedelta(days=3)).isoformat(),
    )


def test_an_end_before_the_start_or_in_the_future_is_refused_and_changes_nothing(
    signed_in: Any, world: World, issued: Issued
) -> None:
    url = f"/staff/placements/{placement_of(issued)}"
    before_placement, before_invitation = stored(placement_of(issued)), invitation(issued)
    for typed, words in (
        ("2026-08-01", "End date must be on or after the start date"),
        ("2026-12-25", "End date cannot be in the future"),
        ("", "Enter the date the placement ended"),
        ("soon", "must be"),
    ):
        response = post_form(signed_in, f"{url}/edit", form(world, ended_on=typed))
        assert response.status_code == 400, typed
        assert words in errors(response)["ended_on"], typed
    assert stored(placement_of(issued)) == before_placement
    assert invitation(issued) == before_invitation
    assert run(PlacementChange.count()) == 0


def test_an_answered_surveys_dates_and_wording_are_not_touched(
    signed_in: Any, world: World, issued: Issued, pupil: Any
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {})
    before = invitation(issued)
    url = f"/staff/placements/{placement_of(issued)}"
    response = post_form(
        signed_in, f"{url}/edit", form(world, ended_on="2026-11-18"), follow_redirects=False
    )
    assert response.status_code == 302
    assert stored(placement_of(issued))["ended_on"] == dt.date(2026, 11, 18)
    assert invitation(issued) == before, "the answered survey keeps its dates"
    response = post_form(signed_in, f"{url}/edit", form(world, simplest_version="yes"))
    assert response.status_code == 400
    assert "has answered" in errors(response)["simplest_version"]
    assert invitation(issued)["questionnaire_id"] == before["questionnaire_id"]


def test_choosing_the_simplest_version_changes_an_unanswered_surveys_wording(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Year 8: the simplest version is the youngest band's words for the same questions.
    issued = issue_for_year(world, settings, clock, year_group=8, reference="SIMPLE-8")
    assert invitation(issued)["questionnaire_id"] == "end_years_7_9"
    url = f"/staff/placements/{placement_of(issued)}"
    ticked = form(world, year_group="8", simplest_version="yes")
    assert post_form(signed_in, f"{url}/edit", ticked, follow_redirects=False).status_code == 302
    assert stored(placement_of(issued))["simplest_version"] is True
    assert invitation(issued)["questionnaire_id"] == "end_years_7_9_simplest"
    changes = {row[1]: (row[2], row[3]) for row in history_rows(signed_in.get(url))}
    assert changes["Simplest version"] == ("no", "yes")
    # Unticked again (an unticked box sends nothing), it goes back.
    unticked = form(world, year_group="8")
    assert post_form(signed_in, f"{url}/edit", unticked, follow_redirects=False).status_code == 302
    assert stored(placement_of(issued))["simplest_version"] is False
    assert invitation(issued)["questionnaire_id"] == "end_years_7_9"


def test_a_placement_not_yet_ended_is_ended_from_its_page_not_by_an_edit(
    signed_in: Any, world: World, client: Any, clock: Clock
) -> None:
    from tests.survey_app.test_flow import record_placement

    url = record_placement(signed_in, world).headers["location"]
    page = BeautifulSoup(signed_in.get(f"{url}/edit").text, "html.parser")
    assert page.select_one("input#ended_on") is None, "no end date to correct yet"
    api = token_for(world, "la_officer", clock)
    placement_id = url.rsplit("/", 1)[1]
    refused = client.patch(
        f"/api/v1/placements/{placement_id}", json={"ended_on": "2026-11-20"}, headers=api
    )
    assert refused.status_code == 400 and "has not ended yet" in refused.text
    assert stored(int(placement_id))["ended_on"] is None


def test_emails_still_waiting_give_the_corrected_closing_date(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(
        School.update({School.contact_email: "office@oak.example"}).where(School.id == world.school)
    )
    issued = issue_for_year(world, settings, clock, reference="DATE-1")
    url = f"/staff/placements/{placement_of(issued)}"
    response = post_form(
        signed_in, f"{url}/edit", form(world, ended_on="2026-11-16"), follow_redirects=False
    )
    assert response.status_code == 302
    closes = date_in_england(invitation(issued)["expires_at"])
    to_school = run(OutboxMessage.select().where(OutboxMessage.recipient == "office@oak.example"))
    waiting = [m for m in to_school if m["status"] == MessageStatus.PENDING]
    assert len(waiting) == 1 and f"closes at the end of {closes:%-d %B %Y}" in waiting[0]["body"]
    (old,) = [m for m in to_school if m["status"] == MessageStatus.WITHDRAWN]
    assert "dates moved" in old["last_error"]


def test_the_api_corrects_the_end_and_the_simplest_version_with_the_same_rules(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=8, reference="API-8")
    api = token_for(world, "la_officer", clock)
    base = f"/api/v1/placements/{placement_of(issued)}"
    bad = client.patch(base, json={"ended_on": "2026-08-01"}, headers=api)
    assert bad.status_code == 400 and "on or after the start date" in bad.text
    done = client.patch(
        base, json={"ended_on": "18/11/2026", "simplest_version": True}, headers=api
    )
    assert done.status_code == 200, done.text
    assert done.json()["ended_on"] == "2026-11-18" and done.json()["simplest_version"] is True
    assert done.json()["invitation"]["questionnaire_id"] == "end_years_7_9_simplest"
