"""Schools by hand: adding and editing one, filling in contact emails from a URN,email file
(all or nothing), and a list that pages through every school and shows whose email is missing."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from survey_app.db.tables import School
from tests.survey_app.organisations.helpers import page, schools_of, upload
from tests.world import World, csrf_token, post_form, run, sign_in


def add_schools(la_id: int, count: int, start: int = 170000) -> None:
    run(
        School.insert(
            *[
                School(local_authority=la_id, name=f"School {n:03d}", urn=str(start + n))
                for n in range(count)
            ]
        )
    )


def test_an_officer_adds_a_school_by_hand_and_sees_it_listed(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    form = page(client.get("/staff/schools/new"))
    assert {field["name"] for field in form.select("form input:not([type=hidden])")} == {
        "name",
        "urn",
        "contact_email",
    }
    response = post_form(
        client,
        "/staff/schools/new",
        {"name": "St Mary’s Primary", "urn": "123456", "contact_email": "Office@StMarys.example"},
    )
    assert response.status_code == 200
    row = page(response).find("td", string="123456").find_parent("tr")
    assert "St Mary’s Primary" in row.get_text() and "office@stmarys.example" in row.get_text()


def test_the_form_names_every_problem_and_saves_nothing(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/schools/new", {"name": "Taken", "urn": "123456"})
    response = post_form(
        client, "/staff/schools/new", {"name": "", "urn": "123456", "contact_email": "no-at-sign"}
    )
    assert response.status_code == 400
    summary = [a["href"] for a in page(response).select(".govuk-error-summary a")]
    assert summary == ["#name", "#urn", "#contact_email"] or set(summary) == {
        "#name",
        "#contact_email",
    }
    assert run(School.count().where(School.local_authority == world.la)) == 3


def test_a_repeated_urn_is_refused(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    post_form(client, "/staff/schools/new", {"name": "First", "urn": "123456"})
    response = post_form(client, "/staff/schools/new", {"name": "Second", "urn": "123456"})
    assert response.status_code == 400
    assert "already a school with URN 123456" in page(response).select_one("#urn-error").get_text()


def test_an_officer_edits_a_school_and_can_close_it(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    form = page(client.get(f"/staff/schools/{world.school}/edit"))
    assert form.select_one("input#name")["value"] == "Oak School"
    post_form(
        client,
        f"/staff/schools/{world.school}/edit",
        {
            "name": "Oak Academy",
            "urn": "654321",
            "contact_email": "a@oak.example",
            "status": "closed",
        },
    )
    row = run(School.select().where(School.id == world.school).first())
    assert (row["name"], row["urn"], row["contact_email"], row["status"]) == (
        "Oak Academy",
        "654321",
        "a@oak.example",
        "closed",
    )
    # Closed: no longer offered for a new placement, though its history stays.
    choices = page(client.get("/staff/placements/new")).select("#school_id option")
    assert "Oak Academy" not in [option.get_text() for option in choices]


def test_a_school_contact_cannot_add_or_edit_schools(client: Any, world: World) -> None:
    """Attack: a school contact goes to the editing pages directly."""
    sign_in(client, world, "school_contact")
    assert client.get("/staff/schools/new").status_code == 404
    assert post_form(client, "/staff/schools/new", {"name": "Sneaky"}).status_code == 404
    edit = f"/staff/schools/{world.school}/edit"
    assert client.get(edit).status_code == 404
    assert post_form(client, edit, {"name": "Renamed", "status": "open"}).status_code == 404
    assert upload(client, "/staff/schools/emails", b"URN,email\r\n").status_code == 404
    assert run(School.select(School.name).where(School.id == world.school).first())["name"] == (
        "Oak School"
    )
    assert not page(client.get("/staff/schools")).find("a", href="/staff/schools/new")


def test_an_officer_cannot_edit_another_authoritys_school(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    edit = f"/staff/schools/{world.other_school}/edit"
    assert client.get(edit).status_code == 404
    assert post_form(client, edit, {"name": "Mine now", "status": "open"}).status_code == 404
    assert (
        run(School.select(School.name).where(School.id == world.other_school).first())["name"]
        == "Far School"
    )


def test_contact_emails_are_filled_in_from_a_urn_email_file(client: Any, world: World) -> None:
    add_schools(world.la, 3)
    sign_in(client, world, "la_officer")
    data = "URN,email\r\n170000,office@a.example\r\n170001, Head@B.example \r\n".encode("cp1252")
    response = upload(client, "/staff/schools/emails", data)
    assert response.status_code == 200
    assert "2 schools updated" in page(response).select_one("#saved").get_text()
    schools = schools_of(world.la)
    assert schools["170000"]["contact_email"] == "office@a.example"
    assert schools["170001"]["contact_email"] == "head@b.example"
    assert schools["170002"]["contact_email"] == ""


def test_an_email_file_with_any_bad_row_names_each_and_changes_nothing(
    client: Any, world: World
) -> None:
    add_schools(world.la, 3)
    add_schools(world.other_la, 1, start=180000)
    sign_in(client, world, "la_officer")
    data = (
        b"URN,email\r\n170000,office@a.example\r\n170001,not an email\r\n"
        b"180000,theirs@far.example\r\n170000,again@a.example\r\n"
    )
    response = upload(client, "/staff/schools/emails", data)
    assert response.status_code == 400
    rows = [
        [cell.get_text() for cell in tr.select("td")]
        for tr in page(response).select("#problems tbody tr")
    ]
    assert [(row[0], row[1]) for row in rows] == [("3", "email"), ("4", "URN"), ("5", "URN")]
    assert "no school with URN 180000 in your area" in rows[1][2]
    assert all(school["contact_email"] == "" for school in schools_of(world.la).values())
    assert schools_of(world.other_la)["180000"]["contact_email"] == ""


def test_the_list_pages_through_every_school_and_shows_missing_emails(
    client: Any, world: World
) -> None:
    add_schools(world.la, 120)
    run(School.update({School.contact_email: "x@y.example"}).where(School.urn == "170005"))
    sign_in(client, world, "la_officer")
    first = page(client.get("/staff/schools"))
    assert first.select_one("#count").get_text(strip=True) == "122 schools, page 1 of 3"
    assert "121 without a contact email" in first.select_one("#summary").get_text()
    seen = set()
    listed = first
    for number in (1, 2, 3):
        if number > 1:
            listed = page(client.get(listed.select_one("a[rel=next]")["href"]))
        assert listed.select_one("#count").get_text(strip=True).endswith(f"page {number} of 3")
        seen |= {row.select("td")[1].get_text() for row in listed.select("#schools tbody tr")}
        missing = listed.select("#schools tbody tr td .govuk-tag--red")
        assert missing and all(tag.get_text() == "Missing" for tag in missing)
    assert {str(170000 + n) for n in range(120)} <= seen


def test_the_download_lists_every_school_ready_to_fill_in(client: Any, world: World) -> None:
    add_schools(world.la, 2)
    sign_in(client, world, "la_officer")
    response = client.get("/staff/schools.csv")
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "URN,email,name,status"
    assert "170000,,School 000,Open" in lines
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="schools-westshire-'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/staff/schools.xlsx").content)).active
    assert [cell.value for cell in sheet[1]] == ["URN", "email", "name", "status"]
    assert sheet.freeze_panes == "A2"
    assert not any("Far School" in line for line in lines)


def test_a_half_filled_list_of_emails_sets_those_filled_and_leaves_the_rest(
    client: Any, world: World
) -> None:
    # An outside tester filled 100 of 759 rows of the downloaded list: every blank was an error.
    run(School.update({School.urn: "100001"}).where(School.id == world.school))
    run(School.update({School.urn: "100002"}).where(School.id == world.second_school))
    sign_in(client, world, "la_officer")
    data = b"URN,email,name\r\n100001,head@oak.example,Oak School\r\n100002,,Elm School\r\n"
    response = client.post(
        "/staff/schools/emails",
        files={"file": ("schools.csv", data, "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )
    assert response.status_code == 200, response.text
    rows = run(School.select(School.urn, School.contact_email))
    emails = {r["urn"]: r["contact_email"] for r in rows}
    assert emails["100001"] == "head@oak.example" and emails["100002"] == ""
