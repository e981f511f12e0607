"""Importing a council's provider register: forgiving headers, every bad cell named, all or
nothing, re-imports by identity, and one shared provider for two LAs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
from bs4 import BeautifulSoup
from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.tables import Provider, ProviderRecord
from tests.world import World, csrf_token, run, sign_in

EXAMPLES = Path(__file__).parents[3] / "examples"
HEADER = [
    "Provider name",
    "Ofsted URN",
    "Post code",
    "Email",
    "Registration status",
    "Offer types",
    "Insurance expiry",
    "Cost per day",
]


def register_row(n: int) -> list[str]:
    return [
        f"Provider {n:02d}",
        "",
        f"WS{n % 9 + 1} {n % 10}AB",
        f"office{n}@provider.example",
        "Non-school AP",
        "Tutoring, Mentoring",
        "31/03/2027",
        "85",
    ]


def as_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client: Any, data: bytes, name: str = "register.csv") -> BeautifulSoup:
    response = client.post(
        "/staff/providers/import",
        data={"_csrf_token": csrf_token(client)},
        files={"file": (name, data)},
    )
    return BeautifulSoup(response.text, "html.parser")


def records(la: int) -> dict[str, dict[str, Any]]:
    # By the LA's own name for each: what the import (page or command) wrote for this LA.
    rows = run(ProviderRecord.select().where(ProviderRecord.local_authority == la))
    return {row["name"]: row for row in rows}


def test_a_register_of_40_rows_with_three_bad_cells_names_all_three_and_imports_nothing(
    client: Any, world: World
) -> None:
    rows = [HEADER] + [register_row(n) for n in range(1, 41)]
    rows[6][6] = "31/13/2026"  # spreadsheet row 7: insurance expiry
    rows[19][3] = "office at provider"  # row 20: email
    rows[33][7] = "eighty"  # row 34: cost per day
    before = run(ProviderRecord.count())
    sign_in(client, world, "la_officer")
    page = upload(client, as_csv(rows))
    problems = [li.get_text(strip=True) for li in page.select("#problems li")]
    assert problems == [
        "row 7, Insurance expiry: 31/13/2026 is not a date",
        "row 20, Contact email: office at provider is not an email address",
        "row 34, Cost per day: eighty is not an amount of money",
    ]
    assert "Nothing was imported" in page.select_one(".govuk-error-summary").get_text()
    assert run(ProviderRecord.count()) == before
    fixed = [HEADER] + [register_row(n) for n in range(1, 41)]
    page = upload(client, as_csv(fixed))
    assert "40 added" in page.select_one("#imported").get_text()
    listed = BeautifulSoup(client.get("/staff/providers").text, "html.parser")
    assert "42 providers" in listed.select_one("#count").get_text(), "40 and the world's 2"


def test_headers_are_matched_whatever_their_case_punctuation_or_wording(
    client: Any, world: World
) -> None:
    rows = [
        [
            "  PROVIDER-NAME ",
            "urn",
            "Post Code",
            "e-mail address",
            "Insurance Expiry Date",
            "Notes",
        ],
        ["Ridge Riding School", "123456", "WS3 1RR", "ride@ridge.example", "2027-04-30", "ponies"],
    ]
    sign_in(client, world, "la_officer")
    page = upload(client, as_csv(rows))
    assert "1 added" in page.select_one("#imported").get_text()
    assert "Notes" in page.select_one("#ignored").get_text(), "an unknown column is named"
    ridge = records(world.la)["Ridge Riding School"]
    assert (ridge["postcode"], ridge["contact_email"]) == ("WS3 1RR", "ride@ridge.example")
    assert ridge["insurance_expires_on"] == dt.date(2027, 4, 30)
    assert run(Provider.select(Provider.ofsted_urn).where(Provider.name == "Ridge Riding School"))[
        0
    ]["ofsted_urn"] == ("123456")


def test_a_windows_1252_csv_from_excel_is_read_with_its_pound_signs_and_accents(
    client: Any, world: World
) -> None:
    rows = [["Name", "Postcode", "Cost per day"], ["Café Crème Cookery", "WS4 2CC", "£72.50"]]
    sign_in(client, world, "la_officer")
    page = upload(client, as_csv(rows, "cp1252"))
    assert "1 added" in page.select_one("#imported").get_text()
    assert records(world.la)["Café Crème Cookery"]["cost_per_day"] == 72.5


def test_the_example_xlsx_register_imports_with_its_date_cells(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    page = upload(client, (EXAMPLES / "provider-register.xlsx").read_bytes(), "register.xlsx")
    assert "5 added" in page.select_one("#imported").get_text()
    farm = records(world.la)["Green Shoots Farm"]
    assert farm["dbs_checked_on"] == dt.date(2026, 9, 14)
    assert farm["offer_types"] == "vocational" and farm["setting_type"] == "WBP"
    harbour = records(world.la)["Harbour Wellbeing Centre"]
    assert harbour["offer_types"] == "mentoring,therapeutic"


def test_the_example_csv_and_xlsx_say_the_same(client: Any, world: World) -> None:
    workbook = openpyxl.load_workbook(EXAMPLES / "provider-register.xlsx")
    xlsx_names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    with (EXAMPLES / "provider-register.csv").open(encoding="utf-8") as f:
        csv_names = [row["Provider name"] for row in csv.DictReader(f)]
    assert xlsx_names == csv_names


def test_a_reimport_updates_each_provider_by_identity_instead_of_adding_it_again(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    upload(client, (EXAMPLES / "provider-register.csv").read_bytes())
    again = [
        ["Provider name", "Company number", "UKPRN", "Postcode", "Email"],
        # Same company number, new name and email: the same provider, its record updated.
        ["Green Shoots Farm CIC", "9876543", "", "WS1 4GS", "new@greenshoots.example"],
        # Same UKPRN.
        ["Bright Steps", "", "10087654", "WS2 7BT", "tutors@brightsteps.example"],
    ]
    page = upload(client, as_csv(again))
    assert "0 added" in page.select_one("#imported").get_text()
    assert "2 updated" in page.select_one("#imported").get_text()
    mine = records(world.la)
    # The register's new name is the council's own name for it from now on.
    assert mine["Green Shoots Farm CIC"]["contact_email"] == "new@greenshoots.example"
    assert mine["Bright Steps"]["contact_email"] == "tutors@brightsteps.example"
    assert "Green Shoots Farm" not in mine and "Bright Steps Tutoring" not in mine
    assert run(Provider.count()) == 3 + 5, "the world's three and the example's five"


def test_a_second_la_importing_the_same_provider_links_to_it_and_keeps_its_own_record(
    world: World, tmp_path: Path
) -> None:
    def cli(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    first = cli("providers", "import", str(EXAMPLES / "provider-register.csv"), "--la", "E90000001")
    assert first.exit_code == 0 and "5 added" in first.output
    second_file = [
        ["Name", "Charity number", "Postcode", "Contact email", "Cost"],
        ["Harbour Wellbeing", "1190011", "EP3 1HW", "east@harbour.example", "99"],
        ["Bright Steps Tutoring", "", "WS2 7BT", "east@brightsteps.example", "70"],
    ]
    path = tmp_path / "eastshire.csv"
    path.write_bytes(as_csv(second_file))
    second = cli("providers", "import", str(path), "--la", "e90000002")
    assert second.exit_code == 0, second.output
    assert "0 added, 2 already known" in second.output
    assert run(Provider.count()) == 3 + 5, "linked to the shared rows, none added"
    west, east = records(world.la), records(world.other_la)
    # Each council keeps the name it typed for the shared provider.
    assert west["Harbour Wellbeing Centre"]["contact_email"] == "team@harbourwellbeing.example"
    assert east["Harbour Wellbeing"]["contact_email"] == "east@harbour.example"
    assert "Harbour Wellbeing Centre" not in east
    assert east["Bright Steps Tutoring"]["cost_per_day"] == 70
    assert west["Bright Steps Tutoring"]["cost_per_day"] == 60


def test_the_command_names_every_bad_cell_and_an_unknown_la(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(as_csv([["Provider name", "UKPRN"], ["Nowhere Tutors", "12"]]))
    result = CliRunner().invoke(main, ["providers", "import", str(path), "--la", "E90000001"])
    assert result.exit_code == 1
    assert "row 2, UKPRN: 12 is not a UKPRN (8 digits)" in result.output
    assert "nothing was imported" in result.output
    unknown = CliRunner().invoke(main, ["providers", "import", str(path), "--la", "E10000099"])
    assert "there is no local authority with code E10000099" in unknown.output
