"""Schools from DfE's GIAS export: an authority's open establishments, in Windows-1252 or UTF-8,
updated by URN on every re-import, closed ones marked closed, nothing written from a bad file."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reports.exports import to_csv
from survey_app.cli import main
from survey_app.db.tables import Placement, School
from survey_app.organisations.gias_import import import_gias
from survey_app.organisations.schools import schools_table
from tests.survey_app.organisations.gias_files import Row, england, gias_csv
from tests.survey_app.organisations.helpers import (
    EAST,
    number_the_authorities,
    page,
    schools_of,
    upload,
)
from tests.world import World, run, sign_in

ROOT = Path(__file__).parents[3]
OURS = [
    Row(urn="130001", name="St Mary’s Primary School", number="3001"),
    Row(urn="130002", name="Ysgol Gymraeg Aberystwyth", number="2002", phase="Secondary"),
    Row(urn="130003", name="Old Mill Junior School", status="Closed"),
    Row(urn="130004", name="Riverbank Special School", status="Open, but proposed to close"),
]
THEIRS = [Row(urn="140001", name="Far Academy", la_code=EAST, la_name="Eastshire")]


def test_an_authoritys_open_schools_are_imported_from_a_windows_1252_file(world: World) -> None:
    number_the_authorities(world)
    result = run(import_gias(world.la, gias_csv(OURS + THEIRS)))
    assert result.errors == []
    schools = schools_of(world.la)
    # The closed school is not added; the one proposed to close is still open today.
    assert {"130001", "130002", "130004"} <= set(schools) and "130003" not in schools
    assert "140001" not in schools
    mary = schools["130001"]
    assert mary["name"] == "St Mary’s Primary School"
    assert (mary["establishment_number"], mary["postcode"], mary["ukprn"]) == (
        "3001",
        "WS1 1AA",
        "10012345",
    )
    assert mary["status"] == "open" and mary["phase"] == "Primary"
    assert schools["130002"]["name"] == "Ysgol Gymraeg Aberystwyth"


def test_utf8_files_with_or_without_a_byte_order_mark_read_the_same(world: World) -> None:
    number_the_authorities(world)
    for encoding in ("utf-8", "utf-8-sig"):
        run(School.delete().where(School.urn != ""))
        assert run(import_gias(world.la, gias_csv(OURS, encoding))).errors == []
        assert schools_of(world.la)["130001"]["name"] == "St Mary’s Primary School"


def test_reimporting_updates_by_urn_and_marks_closed_schools_closed_keeping_placements(
    world: World, clock: Any
) -> None:
    number_the_authorities(world)
    run(import_gias(world.la, gias_csv(OURS)))
    mary = schools_of(world.la)["130001"]
    run(
        School.update({School.contact_email: "office@stmarys.example"}).where(
            School.id == mary["id"]
        )
    )
    run(
        Placement.insert(
            Placement(
                local_authority=world.la,
                school=mary["id"],
                commissioner_key=f"school:{mary['id']}",
                provider=world.provider,
                pupil_reference="SM-1",
                year_group=6,
                start_date=dt.date(2026, 9, 1),
                hours_per_week=6,
                created_at=clock.now,
            )
        )
    )
    later = [
        Row(urn="130001", name="St Mary’s Primary School", status="Closed"),
        Row(
            urn="130002",
            name="Ysgol Gymraeg Aberystwyth (renamed)",
            number="2002",
            phase="Secondary",
        ),
        OURS[3],
        Row(urn="130005", name="New Free School"),
    ]
    result = run(import_gias(world.la, gias_csv(later)))
    assert (result.created, result.updated, result.closed, result.unchanged) == (1, 2, 1, 1)
    schools = schools_of(world.la)
    assert schools["130001"]["status"] == "closed"
    assert schools["130001"]["contact_email"] == "office@stmarys.example"
    assert run(Placement.count().where(Placement.school == mary["id"])) == 1
    assert schools["130002"]["name"] == "Ysgol Gymraeg Aberystwyth (renamed)"
    # Four from GIAS, and the world's two schools typed in by hand, left alone.
    assert run(School.count().where(School.local_authority == world.la)) == 4 + 2
    again = run(import_gias(world.la, gias_csv(later)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_out_of_area_schools_come_in_only_when_named(world: World) -> None:
    number_the_authorities(world)
    data = gias_csv(OURS + THEIRS + [Row(urn="150001", name="Border School", la_code="850")])
    run(import_gias(world.la, data, also_urn=["150001"]))
    assert "150001" in schools_of(world.la) and "140001" not in schools_of(world.la)
    run(import_gias(world.la, data, also_la=[EAST]))
    assert "140001" in schools_of(world.la)


def test_a_bad_file_changes_nothing_and_names_each_problem(world: World) -> None:
    number_the_authorities(world)
    run(import_gias(world.la, gias_csv(OURS)))
    before = schools_of(world.la)
    broken = gias_csv(
        [
            Row(urn="130001", name="St Mary’s Primary School", status="Closed"),
            Row(urn="13X002", name="Typo School"),
            Row(urn="130006", name=""),
            Row(urn="130006", name="Twice School"),
        ]
    )
    result = run(import_gias(world.la, broken))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "URN"),
        (4, "EstablishmentName"),
        (5, "URN"),
    ]
    assert schools_of(world.la) == before
    not_gias = run(import_gias(world.la, b"pupil_reference,year_group\r\nX-1,5\r\n"))
    assert {e.column for e in not_gias.errors} >= {"URN", "LA (code)", "EstablishmentName"}
    someone_elses = run(import_gias(world.la, gias_csv(THEIRS)))
    assert "no open establishment with LA (code) 845" in someone_elses.errors[0].message
    assert schools_of(world.la) == before


def test_an_officer_importing_another_authoritys_file_cannot_touch_its_schools(
    client: Any, world: World
) -> None:
    """Attack: Westshire's officer uploads a file full of Eastshire's schools, with Eastshire's
    LA code and its schools' URNs named; Eastshire's own school records do not change."""
    number_the_authorities(world)
    run(import_gias(world.other_la, gias_csv(THEIRS)))
    theirs_before = schools_of(world.other_la)
    sign_in(client, world, "la_officer")
    hostile = gias_csv(
        [
            Row(urn="140001", name="Renamed by Westshire", la_code=EAST, status="Closed"),
            Row(urn="140002", name="Another Eastshire school", la_code=EAST),
            Row(urn="130001", name="Ours"),
        ]
    )
    response = upload(client, "/staff/schools/import", hostile, also_la=EAST, also_urn="140001")
    assert response.status_code == 200, response.text
    assert schools_of(world.other_la) == theirs_before
    # Named out-of-area schools become Westshire's own records, never Eastshire's.
    ours = schools_of(world.la)
    assert ours["140002"]["local_authority"] == world.la and "140001" not in ours


def test_the_upload_page_imports_and_reports_without_javascript(client: Any, world: World) -> None:
    number_the_authorities(world)
    sign_in(client, world, "la_admin")
    form = page(client.get("/staff/schools/import"))
    assert form.select_one('form[enctype="multipart/form-data"] input[type=file]#file')
    assert "845" in form.get_text()
    done = upload(client, "/staff/schools/import", gias_csv(OURS))
    assert done.status_code == 200
    assert "3 added" in page(done).select_one("#imported").get_text()
    refused = upload(client, "/staff/schools/import", gias_csv([Row(urn="1", name="X")]))
    assert refused.status_code == 400
    problems = page(refused).select("#problems tbody tr")
    assert [cell.get_text() for cell in problems[0].select("td")][:2] == ["2", "URN"]


def test_a_school_contact_cannot_import_schools(client: Any, world: World) -> None:
    number_the_authorities(world)
    sign_in(client, world, "school_contact")
    assert client.get("/staff/schools/import").status_code == 404
    assert upload(client, "/staff/schools/import", gias_csv(OURS)).status_code == 404
    assert "130001" not in schools_of(world.la)


def test_formula_names_are_stored_as_written_and_exported_as_text(world: World) -> None:
    """Attack: a name that a spreadsheet would run as a formula."""
    number_the_authorities(world)
    payload = "=cmd|' /C calc'!A0"
    run(import_gias(world.la, gias_csv([Row(urn="130009", name=payload)])))
    assert schools_of(world.la)["130009"]["name"] == payload
    exported = to_csv(run(schools_table(School.local_authority == world.la))).decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in exported
    assert ",=cmd" not in exported and "\n=cmd" not in exported


def test_the_cli_imports_a_50000_row_export_in_seconds(world: World, tmp_path: Path) -> None:
    number_the_authorities(world)
    big = tmp_path / "edubasealldata.csv"
    big.write_bytes(england(50_000, ours=400))
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["schools", "import", str(big), "--la", "E90000001"])
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "read 50000 rows: 400 schools added" in result.output
    assert run(School.count().where(School.local_authority == world.la, School.urn != "")) == 400
    again_started = time.perf_counter()
    again = CliRunner().invoke(main, ["schools", "import", str(big), "--la", "E90000001"])
    again_seconds = time.perf_counter() - again_started
    assert "0 schools added, 0 updated (0 now closed), 400 unchanged" in again.output
    print(
        f"\n50,000-row GIAS import ({big.stat().st_size / 1e6:.0f} MB): {seconds:.1f} s; "
        f"re-import {again_seconds:.1f} s"
    )
    assert seconds < 60


def test_the_cli_names_bad_rows_and_refuses_an_unknown_authority(
    world: World, tmp_path: Path
) -> None:
    number_the_authorities(world)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(gias_csv([Row(urn="13OOO1", name="Letter O School")]))
    result = CliRunner().invoke(main, ["schools", "import", str(bad), "--la", "E90000001"])
    assert result.exit_code != 0
    assert "row 2, URN: URN '13OOO1' is not a number" in result.output
    assert "nothing was imported" in result.output
    unknown = CliRunner().invoke(main, ["schools", "import", str(bad), "--la", "E99000000"])
    assert "there is no local authority with code E99000000" in unknown.output


def test_the_example_file_is_in_gias_format_and_windows_1252() -> None:
    data = (ROOT / "examples" / "gias-sample.csv").read_bytes()
    assert "St Mary’s".encode("cp1252") in data
    assert data.startswith(b'"URN","LA (code)","LA (name)","EstablishmentNumber"')
