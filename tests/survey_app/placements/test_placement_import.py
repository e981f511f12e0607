"""CSV import: checked whole before anything is written, Excel-friendly, re-uploads update."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.tables import Placement, ProviderRecord
from tests.world import World, csrf_token, run, sign_in

HEADER = (
    "pupil_reference,year_group,provider,school,la_team,start_date,planned_end_date,"
    "hours_per_week,purpose,simplest_version\n"
)
GOOD = (
    "OAK-1,8,Meadow Farm,Oak School,,06/01/2027,27/03/2027,9,Practical work,no\n"
    "OAK-2,5,Quay Tutors,Elm School,,2027-01-11,2027-03-26,6,Reading,yes\n"
    "TEAM-3,10,Meadow Farm,,SEN team,13/01/2027,,12.5,While assessed,no\n"
)


def upload(client: Any, text: str, bom: bool = True) -> Any:
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    return client.post(
        "/staff/placements/import",
        files={"file": ("placements.csv", data, "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )


def test_a_clean_excel_file_imports(signed_in: Any, world: World) -> None:
    response = upload(signed_in, HEADER + GOOD)
    assert response.status_code == 200, response.text[:500]
    panel = BeautifulSoup(response.text, "html.parser").select_one("#imported")
    assert "3 placements imported" in panel.get_text() and "3 new, 0 updated" in panel.get_text()
    rows = run(Placement.select(Placement.pupil_reference, Placement.start_date, Placement.la_team))
    by_reference = {row["pupil_reference"]: row for row in rows}
    assert str(by_reference["OAK-1"]["start_date"]) == "2027-01-06", "UK dates read day first"
    assert by_reference["TEAM-3"]["la_team"] == "SEN team"


def test_mixed_good_and_bad_rows_import_nothing_and_name_each_problem(
    signed_in: Any, world: World
) -> None:
    bad = (
        "OAK-4,12,Meadow Farm,Oak School,,06/01/2027,,9,,no\n"
        "OAK-5,7,Nowhere Ltd,Oak School,,31/02/2027,,9,,no\n"
        "Jane Smith,7,Meadow Farm,Oak School,,06/01/2027,,9,,no\n"
    )
    response = upload(signed_in, HEADER + GOOD + bad)
    assert response.status_code == 400
    rows = BeautifulSoup(response.text, "html.parser").select("#problems tbody tr")
    problems = [tuple(td.get_text(strip=True) for td in row.select("td")) for row in rows]
    assert ("5", "year_group", "Year group must be from 4 to 11") in problems
    assert any(p[:2] == ("6", "provider") and "Nowhere Ltd" in p[2] for p in problems)
    assert any(p[:2] == ("6", "start_date") and "31/02/2027" in p[2] for p in problems)
    assert any(p[:2] == ("7", "pupil_reference") and "Never a name" in p[2] for p in problems)
    assert run(Placement.count()) == 0, "nothing is imported while any row is wrong"


def test_reuploading_updates_rather_than_duplicates(signed_in: Any, world: World) -> None:
    upload(signed_in, HEADER + GOOD)
    changed = GOOD.replace("Practical work", "Animal care")
    response = upload(signed_in, HEADER + changed, bom=False)
    panel = BeautifulSoup(response.text, "html.parser").select_one("#imported")
    assert "0 new, 3 updated" in panel.get_text()
    assert run(Placement.count()) == 3
    purposes = {row["purpose"] for row in run(Placement.select(Placement.purpose))}
    assert "Animal care" in purposes and "Practical work" not in purposes


def test_a_windows_1252_csv_from_excel_imports_with_its_accents_and_pound_signs(
    signed_in: Any, world: World
) -> None:
    # Excel on Windows saves plain "CSV" in Windows-1252: é, £ and curly quotes are its bytes.
    run(
        ProviderRecord.update({ProviderRecord.name: "Café Tutors"}).where(
            ProviderRecord.provider == world.second_provider
        )
    )
    text = HEADER + "OAK-1,8,Café Tutors,Oak School,,06/01/2027,,9,“Hands-on” £5 trips,no\n"
    response = signed_in.post(
        "/staff/placements/import",
        files={"file": ("p.csv", text.encode("cp1252"), "text/csv")},
        data={"_csrf_token": csrf_token(signed_in)},
    )
    panel = BeautifulSoup(response.text, "html.parser").select_one("#imported")
    assert panel is not None, response.text[:800]
    assert "1 new, 0 updated" in panel.get_text()
    (row,) = run(Placement.select(Placement.provider, Placement.purpose))
    assert row["provider"] == world.second_provider
    assert row["purpose"] == "“Hands-on” £5 trips"


def test_files_that_lack_columns_are_refused_plainly(signed_in: Any, world: World) -> None:
    missing = upload(signed_in, "pupil_reference,year_group\nOAK-1,8\n")
    assert "the column provider is missing" in missing.text
    assert run(Placement.count()) == 0


def test_an_old_xls_file_is_refused_in_words_that_say_what_to_save_instead(
    signed_in: Any, world: World
) -> None:
    response = signed_in.post(
        "/staff/placements/import",
        files={"file": ("p.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x")},
        data={"_csrf_token": csrf_token(signed_in)},
    )
    assert response.status_code == 400
    problems = BeautifulSoup(response.text, "html.parser").select_one("#problems").get_text()
    assert ".xls" in problems and "Excel Workbook (.xlsx)" in problems
    assert run(Placement.count()) == 0


def test_provider_staff_cannot_import(client: Any, world: World) -> None:
    from tests.world import sign_in

    sign_in(client, world, "provider_staff")
    assert upload(client, HEADER + GOOD).status_code == 404
    assert run(Placement.count()) == 0


def test_cli_imports_ten_thousand_rows_and_reports_bad_rows(world: World, tmp_path: Path) -> None:
    email = world.logins["la_officer"][0]
    lines = [
        f"BIG-{n:05d},{4 + n % 8},{'Meadow Farm' if n % 2 else 'Quay Tutors'},"
        f"{'Oak School' if n % 3 else 'Elm School'},,0{1 + n % 9}/0{1 + n % 9}/2027,,6,,no\n"
        for n in range(10_000)
    ]
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(lines), encoding="utf-8-sig")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["placements", "import", str(big), "--email", email])
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "imported 10000 placements: 10000 new, 0 updated" in result.output
    assert run(Placement.count()) == 10_000
    print(f"\n10,000-row CSV import: {seconds:.1f} s")

    broken = tmp_path / "broken.csv"
    broken.write_text(HEADER + "X-1,3,Meadow Farm,Oak School,,01/01/2027,,6,,no\n")
    refused = CliRunner().invoke(main, ["placements", "import", str(broken), "--email", email])
    assert refused.exit_code != 0
    assert "row 2, column year_group: Year group must be from 4 to 11" in refused.output


def test_a_csv_cannot_place_a_pupil_with_an_archived_provider(
    client: Any, world: World, settings: Any
) -> None:
    # An outside tester's find: the form and API refused an archived provider, the CSV did not.
    from survey_app.db.tables import ProviderRecord

    run(
        ProviderRecord.update({ProviderRecord.archived: True}).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )
    sign_in(client, world, "school_contact")
    response = upload(
        client, HEADER + "OAK-9,5,Meadow Farm,Oak School,,06/01/2027,27/03/2027,6,,no\n"
    )
    assert response.status_code == 400
    assert "archived" in response.text
    assert run(Placement.count()) == 0


def test_one_upload_reports_every_problem_in_the_file_at_once(signed_in: Any, world: World) -> None:
    # Found from outside: an unknown column hid every row's problems, a cell too long hid the
    # rest of its row, a badly typed cell hid the row's rules (a name as a reference, an end
    # before the start), and a repeated row was only noticed once its other cells were right.
    header = HEADER.rstrip("\n") + ",notes\n"
    rows = (
        "OAK-1,8,Meadow Farm,Oak School,,06/01/2027,27/03/2027,9,Practical work,no,\n"
        "OAK-1,8,Meadow Farm,Oak School,,06/01/2027,27/03/2027,lots,Practical work,no,\n"
        "OAK-3,8,Meadow Farm,Oak School,,06/01/2027,01/01/2027,lots,,no,\n"
        f"OAK-4,banana,Meadow Farm,Oak School,,06/01/2027,,9,{'x' * 10_001},no,\n"
        "Jane Smith,8,Meadow Farm,Oak School,,31/02/2027,,9,,no,\n"
    )
    response = upload(signed_in, header + rows)
    assert response.status_code == 400
    found = BeautifulSoup(response.text, "html.parser").select("#problems tbody tr")
    problems = [tuple(td.get_text(strip=True) for td in row.select("td")) for row in found]

    def named(row: str, column: str, words: str) -> bool:
        return any(p[:2] == (row, column) and words in p[2] for p in problems)

    assert named("1", "notes", "not a column we know")
    assert named("3", "hours_per_week", "must be a number")
    assert named("3", "pupil_reference", "repeats row 2")
    assert named("4", "hours_per_week", "must be a number")
    assert named("4", "planned_end_date", "on or after the start date")
    assert named("5", "purpose", "longer than 10,000 characters")
    assert named("5", "year_group", "must be a whole number")
    assert named("6", "start_date", "31/02/2027")
    assert named("6", "pupil_reference", "Never a name")
    assert len(problems) == 9, problems
    assert run(Placement.count()) == 0


def test_a_missing_column_is_named_once_and_the_rest_of_each_row_still_checked(
    signed_in: Any, world: World
) -> None:
    header = "pupil_reference,year_group,provider,school,start_date\n"
    response = upload(signed_in, header + "OAK-1,14,Meadow Farm,Oak School,06/01/2027\n")
    found = BeautifulSoup(response.text, "html.parser").select("#problems tbody tr")
    problems = [tuple(td.get_text(strip=True) for td in row.select("td")) for row in found]
    assert problems == [
        ("1", "hours_per_week", "the column hours_per_week is missing"),
        ("2", "year_group", "Year group must be from 4 to 11"),
    ]
