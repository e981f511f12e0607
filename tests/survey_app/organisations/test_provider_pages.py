"""Adding, editing and archiving a provider by hand; the list pages through all of them."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Provider, ProviderRecord
from tests.world import World, post_form, run, sign_in

NEW = {
    "name": "Oakleaf Forest School",
    "charity_number": "1170001",
    "address": "Oakleaf Wood\nWestbury",
    "postcode": "ws5 3of",
    "contact_name": "Kim Reed",
    "contact_email": "kim@oakleaf.example",
    "contact_phone": "01632 960010",
    "registration_status": "unregistered",
    "offer_types": ["vocational", "therapeutic"],
    "setting_type": "OTH",
    "safeguarding_lead": "Kim Reed",
    "safeguarding_contact": "dsl@oakleaf.example",
    "dbs_checked_on": "01/10/2026",
    "insurance_expires_on": "2027-06-30",
    "policies_reviewed_on": "2026-09-01",
    "cost_per_day": "£88.50",
}


def soup(client: Any, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def listed(client: Any, query: str = "") -> list[str]:
    page = soup(client, f"/staff/providers{query}")
    return [tr.select("td")[0].get_text(strip=True) for tr in page.select("#providers tbody tr")]


def oakleaf_id() -> int:
    return int(run(Provider.select(Provider.id).where(Provider.name == NEW["name"]))[0]["id"])


def test_an_officer_adds_a_provider_and_sees_it_in_the_register(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    response = post_form(client, "/staff/providers/new", NEW, follow_redirects=False)
    assert response.status_code == 302
    assert "Oakleaf Forest School" in listed(client)
    form = soup(client, f"/staff/providers/{oakleaf_id()}/edit")
    assert form.select_one("#postcode")["value"] == "WS5 3OF"
    assert form.select_one("#cost_per_day")["value"] == "88.50"
    assert form.select_one("#dbs_checked_on")["value"] == "2026-10-01"
    checked = {i["value"] for i in form.select("input[name=offer_types][checked]")}
    assert checked == {"vocational", "therapeutic"}


def test_every_mistake_on_the_form_is_named_and_nothing_is_saved(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    bad = {**NEW, "charity_number": "", "postcode": "", "insurance_expires_on": "31/13/2026"}
    response = post_form(client, "/staff/providers/new", {**bad, "contact_email": "kim at oak"})
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert {a["href"] for a in page.select(".govuk-error-summary a")} == {
        "#postcode",
        "#insurance_expires_on",
        "#contact_email",
    }
    assert run(Provider.count().where(Provider.name == NEW["name"])) == 0


def test_editing_changes_the_las_entry_but_never_the_shared_name_or_identifiers(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    post_form(client, "/staff/providers/new", NEW)
    provider = oakleaf_id()
    changed = {**NEW, "name": "Renamed", "contact_email": "office@oakleaf.example"}
    saved = post_form(client, f"/staff/providers/{provider}/edit", changed)
    assert "Your register entry is saved" in BeautifulSoup(saved.text, "html.parser").get_text()
    record = run(ProviderRecord.select().where(ProviderRecord.provider == provider).first())
    assert record["contact_email"] == "office@oakleaf.example"
    assert (
        run(Provider.select(Provider.name).where(Provider.id == provider))[0]["name"]
        == (NEW["name"])
    )
    refused = post_form(
        client, f"/staff/providers/{provider}/edit", {**NEW, "charity_number": "1170002"}
    )
    assert refused.status_code == 400
    assert (
        "cannot be changed"
        in BeautifulSoup(refused.text, "html.parser").select_one("#charity_number-error").get_text()
    )


def test_an_archived_provider_is_hidden_from_the_list_and_not_offered_for_placements(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.second_provider}/archive", {"archived": "yes"})
    assert "Quay Tutors" not in listed(client)
    assert listed(client, "?archived=yes") == ["Quay Tutors"]
    offered = soup(client, "/staff/placements/new").select("#provider_id option")
    assert "Quay Tutors" not in [o.get_text() for o in offered]
    attempt = post_form(
        client,
        "/staff/placements/new",
        {
            "pupil_reference": "OAK-77",
            "year_group": "8",
            "provider_id": str(world.second_provider),
            "school_id": str(world.school),
            "start_date": "2026-11-01",
            "hours_per_week": "6",
        },
    )
    assert attempt.status_code == 400 and "archived" in attempt.text
    post_form(client, f"/staff/providers/{world.second_provider}/archive", {"archived": "no"})
    assert "Quay Tutors" in listed(client)


def test_the_list_pages_through_every_provider_without_a_silent_cut(
    client: Any, world: World
) -> None:
    for n in range(118):
        rows = run(Provider.insert(Provider(name=f"Zeta {n:03d}")).returning(Provider.id))
        # The name the council keeps is on its record (what every register writer sets).
        run(
            ProviderRecord.insert(
                ProviderRecord(
                    local_authority=world.la, provider=rows[0]["id"], name=f"Zeta {n:03d}"
                )
            )
        )
    sign_in(client, world, "la_officer")
    first = soup(client, "/staff/providers")
    assert "120 providers, page 1 of 3" in first.select_one("#count").get_text()
    seen = []
    for page in (1, 2, 3):
        seen += listed(client, f"?page={page}")
    assert len(seen) == len(set(seen)) == 120
    assert listed(client, "?page=99")[-1] == "Zeta 117", "a page past the end shows the last"


def test_school_contacts_see_the_register_but_not_its_editing(client: Any, world: World) -> None:
    sign_in(client, world, "school_contact")
    page = soup(client, "/staff/providers")
    assert listed(client) == ["Meadow Farm", "Quay Tutors"]
    assert page.select_one('a[href="/staff/providers/new"]') is None
    assert client.get(f"/staff/providers/{world.provider}/edit").status_code == 404
