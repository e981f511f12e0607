"""Every link in the staff menu opens for the person it is shown to: a link that answers "Page
not found" tells them the service is broken (found from outside: providers were offered
"Response rates", which is for the council and schools)."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.world import World, sign_in

ROLES = ["la_admin", "la_officer", "school_contact", "provider_staff", "safeguarding"]


@pytest.mark.parametrize("who", ROLES)
def test_every_link_in_the_staff_menu_opens_for_whoever_sees_it(
    client: Any, world: World, who: str
) -> None:
    sign_in(client, world, who)
    home = BeautifulSoup(client.get("/staff").text, "html.parser")
    links = [a["href"] for a in home.select("nav.app-staff-nav a")]
    assert links, "the menu is shown"
    for href in links:
        assert client.get(href).status_code == 200, href
