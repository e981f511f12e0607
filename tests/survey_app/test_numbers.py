"""Numbers are ASCII digits 0-9: other scripts' digits ("١٢", "１０") and superscripts ("²") are
refused as "must be a whole number" wherever a number is typed, never stored as a number nobody
typed, and never an error page."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.numbers import whole
from survey_app.placements.rules import WHOLE_NUMBER
from tests.survey_app.organisations.test_la_settings_page import GOOD, own_settings
from tests.world import World, post_form, sign_in

NOT_ASCII = ["١٢", "１０", "²", "۱۰", "१०"]


@pytest.mark.no_database
@pytest.mark.parametrize("text", NOT_ASCII)
def test_only_ascii_digits_are_a_whole_number(text: str) -> None:
    assert whole(text) is None
    assert not WHOLE_NUMBER.match(text)


@pytest.mark.no_database
def test_ascii_digits_are_a_whole_number() -> None:
    assert whole("0042") == 42
    assert whole("") is None
    assert whole("-1") is None


def _errors(response: Any) -> list[str]:
    page = BeautifulSoup(response.text, "html.parser")
    return [a.get_text(" ", strip=True) for a in page.select(".govuk-error-summary a")]


@pytest.mark.parametrize("text", ["١٢", "²"])
def test_the_audit_log_refuses_other_digits_in_its_address(
    client: Any, world: World, text: str
) -> None:
    sign_in(client, world, "la_admin")
    for name, label in (("as_of", "As of"), ("page", "Page")):
        response = client.get(f"/staff/audit?{name}={text}")
        assert response.status_code == 400, name
        assert any(e.startswith(f"{label} must be a whole number") for e in _errors(response))


def test_the_council_settings_refuse_other_digits_and_keep_what_was_saved(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/settings", GOOD)
    response = post_form(
        client,
        "/staff/settings",
        {**GOOD, "invitation_expiry_days": "١٠", "reminder_days": "٣, 10"},
    )
    assert response.status_code == 400
    errors = _errors(response)
    assert any("must be a whole number" in e for e in errors), errors
    assert any(e.startswith("Reminder days") for e in errors), errors
    stored = own_settings(world.la)
    assert stored is not None
    assert (stored["invitation_expiry_days"], stored["reminder_days"]) == (21, "3,10")


def test_an_api_limit_in_other_digits_is_refused(client: Any, world: World, clock: Any) -> None:
    from tests.world import token_for

    response = client.get("/api/v1/schools?limit=５", headers=token_for(world, "la_officer", clock))
    assert response.status_code == 400
    assert "limit must be a whole number" in response.text


@pytest.mark.no_database
@pytest.mark.parametrize("typed", ["١٢", "nan", "inf", "1_0", "１０.５"])
def test_a_registers_cost_per_day_in_other_digits_or_words_is_refused(typed: str) -> None:
    from survey_app.organisations.register_file import entry_from_fields

    _, errors = entry_from_fields({"name": "Oak Tutors", "cost_per_day": typed})
    assert [e.message for e in errors if e.field == "cost_per_day"] == [
        f"{typed} is not an amount of money"
    ]


@pytest.mark.no_database
def test_a_registers_cost_per_day_in_pounds_is_read() -> None:
    from survey_app.organisations.register_file import entry_from_fields

    _, errors = entry_from_fields({"name": "Oak Tutors", "cost_per_day": "£1,250.50"})
    assert not [e for e in errors if e.field == "cost_per_day"]
