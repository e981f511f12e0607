"""A check-in is sent from its last question: no check page, so a slow reader finishes it in
under two minutes (``questionnaires/timing.py`` counts the check page for every other survey)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup

from questionnaires.bands import REVIEW_QUESTIONNAIRE, band_for
from questionnaires.loader import current
from survey_app.db.tables import Invitation, Placement, Response, SafeguardingAlert
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from tests.world import Clock, World, placement_row, post_form, run

STARTS, ENDS = dt.date(2026, 11, 2), dt.date(2027, 3, 26)
CHECK_IN_DAY = dt.datetime(2027, 1, 5, 10, tzinfo=dt.UTC)


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def check_in(world: World, settings: Any, clock: Clock, pupil: Any) -> Any:
    """A year 5 pupil's check-in, opened in their browser at its opening page."""

    def opened(year_group: int = 5) -> dict[str, Any]:
        row = placement_row(
            world,
            clock,
            pupil_reference=f"CHK-{year_group}",
            year_group=year_group,
            start_date=STARTS,
            planned_end_date=ENDS,
            ended_on=None,
        )
        run(Placement.insert(row))
        clock.now = CHECK_IN_DAY
        # The start survey's window has passed by now: the check-in is the first to open.
        assert run(issue_due(settings, clock.now)) == 1
        invitation = run(
            Invitation.select(Invitation.id, Invitation.kind, Invitation.revocation_counter)
            .where(Invitation.placement == row.id)
            .first()
        )
        assert invitation["kind"] == InvitationKind.REVIEW
        link = link_for(settings, invitation["id"], invitation["revocation_counter"])
        assert pupil.get(link.url.removeprefix(settings.base_url)).status_code == 200
        return invitation

    return opened


def status_of(invitation_id: Any) -> str:
    row = run(Invitation.select(Invitation.status).where(Invitation.id == invitation_id).first())
    return str(row["status"])


@pytest.mark.parametrize("htmx", [False, True], ids=["javascript off", "javascript on"])
def test_a_check_in_is_sent_from_its_last_question(check_in: Any, pupil: Any, htmx: bool) -> None:
    invitation = check_in()
    questions = current(REVIEW_QUESTIONNAIRE[band_for(5)]).questions
    assert not current(REVIEW_QUESTIONNAIRE[band_for(5)]).check_page
    for number in range(1, len(questions)):
        page = soup_of(pupil.get(f"/survey/q/{number}"))
        buttons = [b.get_text(strip=True) for b in page.select("form button")]
        assert buttons == ["Continue", "Skip this question"]
        post_form(pupil, f"/survey/q/{number}", {"skip": "yes"})
    last = soup_of(pupil.get(f"/survey/q/{len(questions)}"))
    assert [b.get_text(strip=True) for b in last.select("form button")] == ["Send", "Skip and send"]
    headers = {"HX-Request": "true"} if htmx else {}
    sent = post_form(pupil, f"/survey/q/{len(questions)}", {"answer": "no"}, headers=headers)
    assert sent.status_code == 200
    assert soup_of(sent).select_one("h1").get_text(strip=True) == "Thank you"
    assert status_of(invitation["id"]) == InvitationStatus.COMPLETED
    assert run(Response.count().where(Response.invitation == invitation["id"])) == 1
    # A second tap (or the old check page's button) finds it sent: nothing is stored twice.
    again = post_form(pupil, "/survey/send", {})
    assert soup_of(again).select_one("h1").get_text(strip=True) == "Thank you"
    assert run(Response.count().where(Response.invitation == invitation["id"])) == 1


def test_a_second_tap_on_send_goes_to_the_thank_you_page_not_a_closed_one(
    check_in: Any, pupil: Any
) -> None:
    # Found from outside: on a slow phone with JavaScript off a second tap on "Send" reached the
    # server after the first had sent, and the pupil read "We could not save your last answer".
    invitation = check_in()
    total = len(current(REVIEW_QUESTIONNAIRE[band_for(5)]).questions)
    post_form(pupil, "/survey/q/1", {"skip": "yes"})
    for data in ({"answer": "no"}, {"answer": "no"}, {"skip": "yes"}):
        tapped = post_form(pupil, f"/survey/q/{total}", data, follow_redirects=False)
        assert tapped.status_code == 302
        assert tapped.headers["location"] == "/survey/thanks"
    assert run(Response.count().where(Response.invitation == invitation["id"])) == 1


def test_a_pupil_asking_for_help_on_the_last_question_reads_it_before_sending(
    check_in: Any, pupil: Any
) -> None:
    invitation = check_in()
    total = len(current(REVIEW_QUESTIONNAIRE[band_for(5)]).questions)
    post_form(pupil, "/survey/q/1", {"skip": "yes"})
    helped = post_form(pupil, f"/survey/q/{total}", {"answer": "yes"}, follow_redirects=False)
    assert helped.status_code == 302
    assert helped.headers["location"].startswith("/survey/help?next=/survey/check")
    assert run(SafeguardingAlert.count()) == 1
    # Not sent yet: the help page comes first, then the check page's "Send my answers".
    assert status_of(invitation["id"]) == InvitationStatus.OPEN
    check = soup_of(pupil.get("/survey/check"))
    assert check.select_one("form button").get_text(strip=True) == "Send my answers"
    post_form(pupil, "/survey/send", {})
    assert status_of(invitation["id"]) == InvitationStatus.COMPLETED
