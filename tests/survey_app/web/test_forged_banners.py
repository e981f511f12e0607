"""A success banner says what the person's own post just did, never what a link says: counts
and names carried in the address could be forged ("?rows_read=50000&created=49999") and sent
to someone to make them believe an import or invitation happened. Each outcome travels in the
signed-in session, shown once on the page the post redirected to."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.db.staff_tables import StaffUser
from tests.survey_app.organisations.gias_files import gias_csv
from tests.survey_app.organisations.helpers import number_the_authorities, upload
from tests.survey_app.organisations.test_gias_import import OURS
from tests.survey_app.organisations.test_school_pages import add_schools
from tests.world import World, post_form, run, sign_in

#: A success banner of any kind these pages show.
BANNERS = ".govuk-panel, .govuk-notification-banner--success, #ignored, #imported, #saved, #done"


def banners(response: Any) -> list[str]:
    found = BeautifulSoup(response.text, "html.parser").select(BANNERS)
    return [element.get_text(" ", strip=True) for element in found]


@pytest.mark.parametrize(
    "address",
    [
        "/staff/schools/import?rows_read=50000&created=49999&updated=1&unchanged=0&closed=0",
        "/staff/schools/emails?updated=400",
        "/staff/providers/import?added=300&linked=0&updated=0&ignored_columns=Name,Secret",
    ],
)
def test_an_outcome_in_the_address_is_not_shown(client: Any, world: World, address: str) -> None:
    sign_in(client, world, "la_admin")
    response = client.get(address)
    assert response.status_code == 200
    assert banners(response) == []


def test_an_invitation_named_in_the_address_is_not_said_to_be_sent(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_admin")
    someone = run(
        StaffUser.select(StaffUser.id).where(StaffUser.local_authority == world.la).first()
    )
    response = client.get(f"/staff/people/invite?sent={someone['id']}")
    assert response.status_code == 200
    assert banners(response) == []


def test_the_schools_import_says_what_it_did_once(client: Any, world: World) -> None:
    number_the_authorities(world)
    sign_in(client, world, "la_admin")
    done = upload(client, "/staff/schools/import", gias_csv(OURS))
    assert any("3 added" in text for text in banners(done))
    assert banners(client.get("/staff/schools/import")) == [], "a refresh does not repeat it"


def test_the_email_upload_says_how_many_once(client: Any, world: World) -> None:
    add_schools(world.la, 2)
    sign_in(client, world, "la_officer")
    data = b"URN,email\r\n170000,office@a.example\r\n"
    done = upload(client, "/staff/schools/emails", data)
    assert any("1 school updated" in text for text in banners(done))
    assert banners(client.get("/staff/schools/emails")) == []


def test_the_invitation_says_to_whom_once(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    sent = post_form(
        client, "/staff/people/invite", {"email": "new.officer@example.test", "role": "la_officer"}
    )
    assert any("Invitation sent to new.officer@example.test" in t for t in banners(sent))
    assert banners(client.get("/staff/people/invite")) == []
