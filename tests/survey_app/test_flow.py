"""The whole journey over HTTP: placement -> end -> invitation -> answers -> provider report."""

from __future__ import annotations

import io
from typing import Any
from xml.etree import ElementTree

import zxingcpp
from bs4 import BeautifulSoup
from litestar.testing import TestClient
from PIL import Image

from questionnaires.loader import current
from survey_app.db.tables import Provider
from tests.world import Clock, World, complete_survey, post_form, run, token_for


def page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def record_placement(client: Any, world: World, **overrides: str) -> Any:
    data = {
        "pupil_reference": "OAK-2026-001",
        "year_group": "8",
        "provider_id": str(world.provider),
        "school_id": str(world.school),
        "la_team": "",
        "start_date": "2026-09-07",
        "planned_end_date": "2026-12-18",
        "hours_per_week": "9",
        "purpose": "Build confidence through practical work",
        **overrides,
    }
    return post_form(client, "/staff/placements/new", data, follow_redirects=False)


def test_placement_to_report_end_to_end(
    signed_in: Any, world: World, app: Any, clock: Clock
) -> None:
    created = record_placement(signed_in, world)
    assert created.status_code == 302
    placement_url = created.headers["location"]

    before_end = page(signed_in.get(placement_url))
    assert before_end.select_one(".invitation") is None, "no survey before the placement ends"

    ended = post_form(signed_in, f"{placement_url}/end", {"ended_on": ""}, follow_redirects=False)
    assert ended.status_code == 302

    detail = page(signed_in.get(placement_url))
    panel = detail.select_one(".invitation")
    assert panel is not None, "ending the placement shows the invitation"
    link = panel.select_one("a.break")["href"]
    assert link.startswith("http://testserver.local/s/")
    short_code = panel.select_one(".short-code").get_text(strip=True)
    assert len(short_code.replace("-", "")) == 8
    qr_svg = panel.select_one("img.qr")["src"]
    svg = signed_in.get(qr_svg)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox"), "without a viewBox the code does not scale to its box"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None
    png = signed_in.get(qr_svg.replace(".svg", ".png"))
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [code.text for code in decoded] == [link], "the printed QR code opens the pupil's link"

    with TestClient(app, base_url="http://testserver.local") as pupil:
        path = link.removeprefix("http://testserver.local")
        opened = pupil.get(path, follow_redirects=False)
        assert opened.status_code == 302 and opened.headers["location"] == "/survey"
        questionnaire = current("end_years_7_9")
        opening = page(pupil.get("/survey")).h1.get_text(strip=True)
        provider = run(Provider.select(Provider.name).where(Provider.id == world.provider).first())
        assert opening == questionnaire.opening.title.replace("{place}", provider["name"])
        answers = {"felt_safe": "very_safe", "overall_rating": "good", "best_thing": "Cars"}
        sent = complete_survey(pupil, path, "end_years_7_9", answers)
        assert sent.headers["location"] == "/survey/thanks"
        again = pupil.get(path)
        assert page(again).h1.get_text(strip=True) == "You have sent your answers"

    report = signed_in.get(
        f"/api/v1/providers/{world.provider}/report", headers=token_for(world, "la_officer", clock)
    ).json()
    assert (report["invitations"], report["responses"], report["response_rate"]) == (1, 1, 1.0)
    by_key = {row["key"]: row for row in report["indicators"]}
    assert by_key["felt_safe"]["positive"] == 1
    assert by_key["overall_rating"]["positive"] == 1
    felt_safe = next(q for q in report["questions"] if q["question_id"] == "felt_safe")
    assert {o["value"]: o["count"] for o in felt_safe["options"]}["very_safe"] == 1

    html = page(signed_in.get(f"/staff/providers/{world.provider}"))
    assert html.select_one("#responses").get_text(strip=True) == "1"
    row = html.select_one('tr[data-indicator="felt_safe"]')
    assert row.select("td")[1].get_text(strip=True).startswith("1")
