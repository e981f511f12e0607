"""Every form a person can submit carries the CSRF token a browser will send back."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.survey_app.test_flow import record_placement
from tests.world import Issued, World, sign_in


def assert_forms_carry_token(client: Any, url: str) -> int:
    html = BeautifulSoup(client.get(url).text, "html.parser")
    forms = html.select('form[method="post"]')
    for form in forms:
        field = form.select_one('input[type="hidden"][name="_csrf_token"]')
        assert field is not None, f"a form on {url} has no CSRF field"
        assert field["value"] == client.cookies.get("lv_csrf")
    assert "_csrf_token" not in html.get_text(), f"{url} shows the CSRF field as text"
    return len(forms)


def test_staff_and_pupil_forms_carry_the_csrf_token(
    client: Any, world: World, issued: Issued, pupil: Any
) -> None:
    assert assert_forms_carry_token(client, "/staff/sign-in") == 1
    sign_in(client, world, "la_officer")
    url = record_placement(client, world).headers["location"]
    for page in ("/staff/placements", "/staff/placements/new", url):
        assert assert_forms_carry_token(client, page) >= 1
    assert assert_forms_carry_token(pupil, "/code") == 1
    pupil.get(issued.path)
    assert assert_forms_carry_token(pupil, "/survey/q/1") == 1
    assert assert_forms_carry_token(pupil, "/survey/check") == 1
