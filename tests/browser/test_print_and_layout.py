"""What officers print and read on an office screen: QR slips on A4, the area table at 1280 px,
the QA record's buttons, and the API documentation under the service's own CSP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from survey_app.db.qa_tables import QAAction, QAVisit
from tests.browser.test_staff_reports import sign_in
from tests.world import Clock, World, give_responses, issue_for_year, run

#: A4's printable width at 96 px to the inch, inside the 10 mm margins of the print stylesheet.
A4_PRINTABLE_PX = round((210 - 2 * 10) / 25.4 * 96)

BOXES = """sel => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect();
  const inner = e.querySelector(':scope > div');
  const i = inner ? inner.getBoundingClientRect() : r;
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          innerRight: Math.max(i.right, i.left + (inner ? inner.scrollWidth : 0))};
})"""


def overlaps(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    """Pairs of boxes whose areas intersect (touching edges do not count)."""
    found = []
    for a, first in enumerate(boxes):
        for b, second in enumerate(boxes[a + 1 :], start=a + 1):
            if (
                first["left"] < second["right"] - 1
                and second["left"] < first["right"] - 1
                and first["top"] < second["bottom"] - 1
                and second["top"] < first["bottom"] - 1
            ):
                found.append((a, b))
    return found


@pytest.fixture
def waiting(world: World, settings: Any, clock: Clock) -> None:
    """Five learners with a survey waiting at the provider."""
    for n in range(5):
        issue_for_year(world, settings, clock, reference=f"OAK-LONGREFERENCE-{n}")


def test_qr_slips_do_not_overlap_on_screen_or_spill_off_an_a4_page(
    live_server: str, world: World, desk: Any, waiting: None
) -> None:
    sign_in(desk, live_server, world, "la_officer")
    desk.goto(f"{live_server}/staff/providers/{world.provider}/slips")
    for width in (1280, 800):
        desk.set_viewport_size({"width": width, "height": 900})
        boxes = desk.evaluate(BOXES, ".app-slip")
        assert len(boxes) == 5
        assert overlaps(boxes) == [], f"slips overlap at {width}px"
        assert all(b["innerRight"] <= b["right"] + 1 for b in boxes), f"text spills at {width}px"
    desk.emulate_media(media="print")
    desk.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1100})
    boxes = desk.evaluate(BOXES, ".app-slip")
    assert len({round(b["left"]) for b in boxes}) == 2, "two columns of slips on A4"
    assert overlaps(boxes) == []
    assert max(b["right"] for b in boxes) <= A4_PRINTABLE_PX + 1, "the right column is not cut off"
    assert all(b["innerRight"] <= b["right"] + 1 for b in boxes)
    # Found from outside: in print the code broke at its hyphen ("UG7J-" / "CJR6") and a child
    # copying it typed half. Each code sits on one line.
    lines = desk.evaluate(
        "() => [...document.querySelectorAll('.app-short-code')]"
        ".map(e => e.getClientRects().length)"
    )
    assert lines and set(lines) == {1}, "every short code on one line"
    pdf = desk.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")


def every_question_answered(year_group: int) -> dict[str, str]:
    """An answer to every question of the year group's questionnaire, so every indicator shows."""
    from questionnaires.bands import END_QUESTIONNAIRE, band_for
    from questionnaires.loader import current

    questionnaire = current(END_QUESTIONNAIRE[band_for(year_group)])
    return {q.id: q.options[0].value for q in questionnaire.questions if q.options}


def test_the_area_table_fits_an_office_screen(
    live_server: str, world: World, desk: Any, settings: Any, clock: Clock
) -> None:
    for year_group, prefix in ((8, "A"), (10, "B")):
        answers = every_question_answered(year_group)
        for provider in (world.provider, world.second_provider):
            give_responses(
                world,
                settings,
                clock,
                6,
                provider=provider,
                year_group=year_group,
                answers=answers,
                prefix=f"{prefix}{provider}",
            )
    sign_in(desk, live_server, world, "la_officer")
    desk.goto(f"{live_server}/staff/area")
    wraps = desk.evaluate(
        "() => ['#providers', '#providers-more'].map(id => {"
        " const w = document.querySelector(id).closest('.app-table-wrap');"
        " return [w.scrollWidth, w.clientWidth]; })"
    )
    for wrap in wraps:
        assert wrap[0] <= wrap[1], f"a table scrolls sideways at 1280 px: {wraps}"


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_mark_done_reads_as_a_link_on_the_white_page(
    live_server: str, world: World, desk: Any, clock: Clock
) -> None:
    visit = run(
        QAVisit.insert(
            QAVisit(
                local_authority=world.la,
                provider=world.provider,
                visited_on=dt.date(2026, 11, 20),
                kind="routine",
                summary="Routine visit.",
                recorded_at=clock.now,
            )
        ).returning(QAVisit.id)
    )[0]["id"]
    run(
        QAAction.insert(
            QAAction(
                local_authority=world.la,
                provider=world.provider,
                visit=visit,
                description="Fire drill log",
                due_on=dt.date(2026, 12, 4),
                status="open",
            )
        )
    )
    sign_in(desk, live_server, world, "la_officer")
    desk.goto(f"{live_server}/staff/providers/{world.provider}/qa")
    colour = desk.eval_on_selector(".app-visit button", "b => getComputedStyle(b).color")
    contrast = (1.0 + 0.05) / (luminance(colour) + 0.05)  # against the white page
    assert contrast >= 4.5, f"Mark done is {colour} on white"


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
def test_the_api_documentation_draws_under_the_services_own_csp(
    live_server: str, desk: Any, path: str
) -> None:
    response = desk.goto(f"{live_server}{path}")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    desk.wait_for_selector(".opblock", timeout=15_000)
    operations = desk.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/placements" in [o.replace("\u200b", "").strip() for o in operations]
    assert desk.locator("button.authorize").count() == 1, "the bearer token can be entered"


def test_a_schools_pupil_answers_are_styled_and_the_unsafe_one_stands_out(
    live_server: str, world: World, desk: Any, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, answers={"felt_safe": "very_safe"}, prefix="CALM")
    give_responses(world, settings, clock, 1, answers={"felt_safe": "not_safe"}, prefix="HURT")
    sign_in(desk, live_server, world, "la_officer")
    desk.goto(f"{live_server}/staff/schools/{world.school}/report")
    style = """sel => { const s = getComputedStyle(document.querySelector(sel));
      return {colour: s.color, background: s.backgroundColor, size: s.fontSize,
              weight: s.fontWeight, underline: s.textDecorationLine}; }"""
    summary = desk.evaluate(style, ".govuk-details__summary-text")
    assert summary["underline"] == "underline", "the details toggle looks like a link"
    body = desk.evaluate(style, "[data-placement] .govuk-body")
    assert body["size"] == "19px", "staff text, not the pupils' pages' larger type"
    assert desk.evaluate(style, ".govuk-summary-list__key")["weight"] == "700"
    flagged = desk.evaluate(style, ".app-flag-row")
    assert flagged["background"] == "rgb(253, 226, 224)"
    assert desk.is_visible(".app-flag-row"), "the unsafe answer is shown without a click"
    assert desk.is_visible(".govuk-warning-text")
