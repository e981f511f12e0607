"""The council settings page: LA administrators only, each their own authority's, every field
checked with a message naming it, nothing saved if any is wrong, each save audited."""

from __future__ import annotations

from typing import Any

from survey_app.db.staff_tables import AuditEvent
from survey_app.db.tables import LaSettings, LocalAuthority
from survey_app.organisations.la_settings import FORM_FIELDS
from tests.survey_app.organisations.helpers import page
from tests.world import World, post_form, run, sign_in

GOOD = {
    "name": "Westshire Council",
    "public_contact": "Inclusion team, 01234 567890",
    "contact_email": "inclusion@westshire.example",
    "safeguarding_email": "mash@westshire.example",
    "reply_to": "ap.voice@westshire.example",
    "notify_reply_to_id": "",
    "sign_off": "Westshire Inclusion Team",
    "controller": "Westshire Council",
    "dpo_contact": "dpo@westshire.example",
    "retention_days": "730",
    "invitation_open_days_before": "",
    "invitation_expiry_days": "21",
    "reminder_days": "3, 10",
    "disclosure_threshold": "8",
}


def own_settings(la_id: int) -> dict[str, Any] | None:
    return run(LaSettings.select().where(LaSettings.local_authority == la_id).first())


def test_an_admin_saves_the_settings_and_sees_them_with_a_banner(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    response = post_form(client, "/staff/settings", GOOD)
    assert response.status_code == 200
    html = page(response)
    assert "saved" in html.select_one(".govuk-notification-banner").get_text().lower()
    assert html.select_one("#reminder_days")["value"] == "3,10"
    assert html.select_one("#invitation_open_days_before")["value"] == ""
    assert "Westshire Council" in html.select_one(".app-who").get_text()
    stored = own_settings(world.la)
    assert stored is not None
    assert (stored["retention_days"], stored["invitation_open_days_before"]) == (730, None)
    assert run(AuditEvent.count().where(AuditEvent.action == "la_settings.changed")) == 1


def test_an_empty_choice_shows_the_services_default(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    html = page(client.get("/staff/settings"))
    hint = html.select_one("#invitation_expiry_days-hint").get_text()
    assert "Leave empty to use this service's setting: 28" in hint


def test_a_bad_value_changes_nothing_and_names_the_field(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/settings", GOOD)
    bad = {**GOOD, "name": "Renamed", "reminder_days": "seven", "reply_to": "not-an-address"}
    response = post_form(client, "/staff/settings", bad)
    assert response.status_code == 400
    summary = [a.get_text() for a in page(response).select(".govuk-error-summary a")]
    assert any(text.startswith("Reminder days") for text in summary)
    assert any(text.startswith("Reply-to address") for text in summary)
    assert (
        run(LocalAuthority.select(LocalAuthority.name).where(LocalAuthority.id == world.la))[0][
            "name"
        ]
        == "Westshire Council"
    )
    assert own_settings(world.la)["reminder_days"] == "3,10"  # type: ignore[index]


def test_a_council_cannot_lower_the_threshold_below_the_services_floor(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_admin")
    response = post_form(client, "/staff/settings", {**GOOD, "disclosure_threshold": "3"})
    assert response.status_code == 400
    message = page(response).select_one("#disclosure_threshold-error").get_text()
    assert "cannot be lower than 5" in message
    assert own_settings(world.la) is None


def test_an_officer_cannot_open_the_page(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    assert client.get("/staff/settings").status_code == 404
    assert post_form(client, "/staff/settings", GOOD).status_code == 404
    assert own_settings(world.la) is None


def test_an_admin_changes_only_their_own_authority(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    response = post_form(
        client, "/staff/settings", {**GOOD, "local_authority": str(world.other_la)}
    )
    assert response.status_code == 200
    assert own_settings(world.other_la) is None
    other = run(LocalAuthority.select().where(LocalAuthority.id == world.other_la).first())
    assert other is not None and other["name"] == "Eastshire"


def test_the_page_warns_while_the_privacy_notice_is_incomplete(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    warning = page(client.get("/staff/settings")).select_one("#notice-incomplete")
    assert warning is not None and "Data controller" in warning.get_text()
    saved = page(post_form(client, "/staff/settings", GOOD))
    assert saved.select_one("#notice-incomplete") is None


def test_a_reminder_after_the_survey_closes_is_refused(settings: Any) -> None:
    # An outside tester saved reminder days 30,60 for surveys open 21 days, unchallenged.
    from survey_app.organisations.la_settings_form import check

    form = dict.fromkeys(FORM_FIELDS, "")
    form.update({"invitation_expiry_days": "21", "reminder_days": "7,30,60"})
    _, problems = check(settings, form)
    (late,) = [p for p in problems if p.field == "reminder_days"]
    assert "30, 60" in late.message


def test_a_council_turns_the_start_and_review_surveys_off_and_chooses_the_start_delay(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_admin")
    html = page(client.get("/staff/settings"))
    chosen = html.select_one("#start_survey option[selected]")
    assert chosen is not None and "(yes)" in chosen.get_text()
    assert (
        "Leave empty to use this service's setting: 10"
        in html.select_one("#start_survey_days-hint").get_text()
    )
    form = {**GOOD, "start_survey": "no", "start_survey_days": "15", "review_survey": "no"}
    html = page(post_form(client, "/staff/settings", form))
    assert html.select_one("#start_survey option[selected]")["value"] == "no"
    assert html.select_one("#review_survey option[selected]")["value"] == "no"
    stored = own_settings(world.la)
    assert stored is not None
    assert (stored["start_survey"], stored["start_survey_days"], stored["review_survey"]) == (
        False,
        15,
        False,
    )


def test_a_start_survey_switch_that_is_neither_yes_nor_no_is_refused(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_admin")
    response = post_form(client, "/staff/settings", {**GOOD, "start_survey": "maybe"})
    assert response.status_code == 400
    summary = [a.get_text() for a in page(response).select(".govuk-error-summary a")]
    assert any(text.startswith("Start surveys must be yes, no") for text in summary)
    assert own_settings(world.la) is None


def test_turning_start_surveys_or_check_ins_off_says_what_happens_to_open_ones(
    client: Any, world: World
) -> None:
    # Found from outside: a council turned check-ins off and 42 open ones stayed open with no
    # word of it. The page says so before they choose.
    sign_in(client, world, "la_admin")
    html = page(client.get("/staff/settings"))
    for name in ("start_survey", "review_survey"):
        hint = html.select_one(f"#{name}-hint").get_text()
        assert "already open stay open until the pupil answers or they close" in hint
