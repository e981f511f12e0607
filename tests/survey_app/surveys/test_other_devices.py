"""Someone else holding a pupil's link (a provider's phone, a shared tablet) learns nothing of
what the pupil saved, and a survey they send is flagged to the LA as possibly not the pupil's."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.db.tables import Answer, DraftAnswer, Response, SafeguardingAlert
from tests.world import (
    Clock,
    Issued,
    World,
    csrf_token,
    issue_for_year,
    post_form,
    question_number,
    run,
    sign_in,
)

#: The safety question's page in the years 7-9 survey.
SAFE = question_number("end_years_7_9", "felt_safe")


def _browser(app: Any) -> TestClient:
    return TestClient(app, base_url="http://testserver.local")


def _older(world: World, settings: Any, clock: Clock) -> Issued:
    # Years 7-9 see every answer again on the check page before sending.
    return issue_for_year(world, settings, clock, year_group=8, reference="OAK-77")


def test_a_link_opened_in_another_browser_shows_none_of_the_pupils_saved_answers(
    app: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = _older(world, settings, clock)
    pupil.get(issued.path)
    post_form(pupil, f"/survey/q/{SAFE}", {"answer": "not_safe"})
    with _browser(app) as provider:
        sign_in(provider, world, "provider_staff")
        provider.get(issued.path)
        start = provider.get("/survey", follow_redirects=False)
        assert start.status_code == 200, "starts at the beginning, not where the pupil got to"
        question = BeautifulSoup(provider.get(f"/survey/q/{SAFE}").text, "html.parser")
        assert not question.select("input[checked]"), "the pupil's answer is not shown"
        check = BeautifulSoup(provider.get("/survey/check").text, "html.parser")
        assert "Not safe" not in check.get_text()
        assert "not_safe" not in check.decode()


def test_answers_sent_from_another_browser_replace_the_pupils_and_are_flagged(
    app: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = _older(world, settings, clock)
    pupil.get(issued.path)
    post_form(pupil, f"/survey/q/{SAFE}", {"answer": "not_safe"})
    post_form(pupil, f"/survey/q/{SAFE + 1}", {"skip": "yes"})
    with _browser(app) as provider:
        sign_in(provider, world, "provider_staff")
        provider.get(issued.path)
        post_form(provider, f"/survey/q/{SAFE}", {"answer": "very_safe"})
        sent = post_form(provider, "/survey/send", {}, follow_redirects=False)
        assert sent.headers["location"] == "/survey/thanks"
    answers = run(Answer.select(Answer.question_id, Answer.value))
    assert answers == [{"question_id": "felt_safe", "value": "very_safe"}]
    assert run(DraftAnswer.count()) == 0
    assert run(SafeguardingAlert.count()) == 1, "what the pupil said about safety stays with the LA"
    assert run(Response.select(Response.possibly_not_own).first())["possibly_not_own"] is True


def test_the_same_browser_opening_its_link_again_keeps_its_answers(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = _older(world, settings, clock)
    pupil.get(issued.path)
    for number in range(1, SAFE):
        post_form(pupil, f"/survey/q/{number}", {"skip": "yes"})
    post_form(pupil, f"/survey/q/{SAFE}", {"answer": "safe"})
    pupil.get(issued.path)
    resumed = pupil.get("/survey", follow_redirects=False).headers["location"]
    assert resumed == f"/survey/q/{SAFE + 1}"
    first = BeautifulSoup(pupil.get(f"/survey/q/{SAFE}").text, "html.parser")
    assert first.select_one("#answer-safe").has_attr("checked")


def test_a_survey_opened_in_a_browser_signed_in_as_staff_is_flagged_to_the_la_only(
    app: Any, client: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = _older(world, settings, clock)
    sign_in(client, world, "provider_staff")
    client.get(issued.path)
    assert client.get("/staff/my-learners", follow_redirects=False).status_code == 302, (
        "the browser handed to the pupil is no longer signed in as staff"
    )
    post_form(client, f"/survey/q/{SAFE}", {"answer": "safe"})
    post_form(client, "/survey/send", {})
    row = run(Response.select(Response.possibly_not_own, Response.possibly_not_own_why).first())
    assert row["possibly_not_own"] is True
    assert "signed in as staff" in row["possibly_not_own_why"]
    with _browser(app) as officer:
        sign_in(officer, world, "la_officer")
        chasing = BeautifulSoup(officer.get("/staff/chasing").text, "html.parser")
        flagged = chasing.select("#not-own tbody tr")
        assert [r.select("td")[0].get_text(strip=True) for r in flagged] == ["OAK-77"]
        placement = officer.get(chasing.select_one("#not-own tbody a")["href"])
        warning = BeautifulSoup(placement.text, "html.parser").select_one("#possibly-not-own")
        assert warning is not None and "may not be the pupil's own" in warning.get_text()
    with _browser(app) as school:
        sign_in(school, world, "school_contact")
        page = BeautifulSoup(
            school.get(chasing.select_one("#not-own tbody a")["href"]).text, "html.parser"
        )
        assert page.select_one("#possibly-not-own") is None, "for the LA only"


def test_a_survey_sent_from_where_the_providers_staff_signed_in_today_is_flagged(
    app: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = _older(world, settings, clock)
    with _browser(app) as office:
        # The test client's address is the same for every browser: the provider's office.
        sign_in(office, world, "provider_staff")
    pupil.get(issued.path)
    post_form(pupil, f"/survey/q/{SAFE}", {"answer": "safe"})
    post_form(pupil, "/survey/send", {})
    row = run(Response.select(Response.possibly_not_own, Response.possibly_not_own_why).first())
    assert row["possibly_not_own"] is True
    assert "address" in row["possibly_not_own_why"]


def test_a_survey_sent_with_no_staff_nearby_is_not_flagged(
    app: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = _older(world, settings, clock)
    with _browser(app) as office:
        sign_in(office, world, "provider_staff")
    clock.advance(days=1)
    with _browser(app) as elsewhere:
        sign_in(elsewhere, world, "la_officer")  # another organisation's staff: not the provider
    pupil.get(issued.path)
    post_form(pupil, f"/survey/q/{SAFE}", {"answer": "safe"})
    post_form(pupil, "/survey/send", {})
    row = run(Response.select(Response.possibly_not_own).first())
    assert row["possibly_not_own"] is False


def test_a_planted_session_id_is_never_adopted_by_a_pupils_session(
    app: Any, pupil: Any, issued: Issued
) -> None:
    planted = "planted-by-someone-who-will-come-back-later"
    pupil.cookies.set("lv_session", planted, domain="testserver.local")
    pupil.get(issued.path)
    assert pupil.cookies.get("lv_session") != planted
    with _browser(app) as attacker:
        attacker.cookies.set("lv_session", planted, domain="testserver.local")
        assert attacker.get("/survey").status_code == 404, "the planted id holds no survey"


def test_a_planted_session_id_is_never_adopted_when_a_pupil_types_their_code(
    app: Any, pupil: Any, issued: Issued
) -> None:
    """A pupil without a camera types the code from their slip at /code: the same fresh id."""
    planted = "planted-at-the-code-page-by-someone-who-will-come-back"
    form = {"code": issued.code, "_csrf_token": csrf_token(pupil)}
    # Planted after the form was shown: the post itself arrives with the planted id.
    pupil.cookies.set("lv_session", planted, domain="testserver.local")
    entered = pupil.post("/code", data=form, follow_redirects=False)
    assert entered.headers["location"] == "/survey", "the code was accepted"
    assert pupil.cookies.get("lv_session") not in (None, planted)
    assert pupil.get("/survey").status_code in (200, 302), "the pupil's own session holds it"
    with _browser(app) as attacker:
        attacker.cookies.set("lv_session", planted, domain="testserver.local")
        assert attacker.get("/survey").status_code == 404, "the planted id holds no survey"


def test_a_session_id_the_server_never_issued_is_cleared_from_the_browser(client: Any) -> None:
    """An id the store does not know is refused, not kept waiting for a pupil or officer."""
    planted = "an-id-the-server-never-issued"
    client.cookies.set("lv_session", planted, domain="testserver.local")
    response = client.get("/code")
    assert response.status_code == 200
    sent = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        sent.load(header)
    assert "lv_session" in sent, "the browser is told what to do with the id it sent"
    assert sent["lv_session"].value == "null", "it is replaced by none, not kept"


def test_each_opening_of_a_link_gets_a_new_session_id(pupil: Any, issued: Issued) -> None:
    pupil.get(issued.path)
    first = pupil.cookies.get("lv_session")
    pupil.get(issued.path)
    assert pupil.cookies.get("lv_session") not in (None, first)
