"""The reading check on the pages as a pupil meets them: every line of text on every pupil page
(the footer, the counter, hints, buttons and error messages included), not only the
questionnaire file, graded against the band's reading targets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from litestar.testing import TestClient

from accessibility.readability import ItemCheck, average_grade, check_lines
from accessibility.targets import TARGETS
from questionnaires.bands import END_QUESTIONNAIRE, band_for
from questionnaires.loader import current
from survey_app.db.tables import Invitation, Placement
from survey_app.surveys.invitations import issue_for, link_for
from survey_app.surveys.statuses import InvitationKind
from tests.world import (
    Clock,
    World,
    complete_survey,
    issue_for_year,
    placement_row,
    post_form,
    run,
)

YEAR_IN_BAND = {"years_4_6": 5, "years_7_9": 8, "years_10_11": 10}
#: Pages a pupil can reach before their survey is known are read by the youngest too.
YOUNGEST = "years_4_6"

#: Elements that start a new line of text (as the browser lays them out on these pages).
BLOCKS = {
    "p", "h1", "h2", "h3", "div", "li", "dt", "dd", "legend", "label", "button", "summary",
    "fieldset", "form", "footer", "header", "main", "ul", "ol", "dl", "textarea", "title",
}  # fmt: skip
UNSEEN = {"script", "style", "template", "textarea"}
SEPARATOR = re.compile(r"\s+[·–]\s+")


def visible_lines(html: str) -> list[str]:
    """Every line of text a pupil can meet on a page, in page order.

    Screen-reader-only words count (a blind pupil hears them), as do the words that scripts show
    later (the character counter's messages, carried in ``data-i18n`` attributes).
    """
    soup = BeautifulSoup(html, "html.parser")
    lines: list[str] = []
    line: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(line).split())
        # A separator (the footer's links, the tab's title and our name) is not part of a
        # sentence: each side is read as its own item.
        for part in SEPARATOR.split(text):
            if part:
                lines.append(part.replace(" .", ".").replace(" ,", ","))
        line.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment or doctype
                    line.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in UNSEEN:
                continue
            for name, value in child.attrs.items():
                if name.startswith("data-i18n."):
                    flush()
                    line.append(str(value).replace("%{count}", "20"))
                    flush()
            block = child.name in BLOCKS or "app-progress" in (child.get("class") or [])
            if block:
                flush()
            walk(child)
            if block:
                flush()

    if soup.title:
        line.append(soup.title.get_text(" ", strip=True))
        flush()
    assert soup.body is not None
    walk(soup.body)
    flush()
    return lines


def pupil_pages(client: Any, path: str, band: str) -> Iterator[tuple[str, str]]:
    """(name, html) of every page of a band's survey: the opening, each question and its error,
    the help page, the check page and the thank-you page."""
    questionnaire = current(END_QUESTIONNAIRE[band])
    client.get(path)
    yield "opening page", client.get("/survey").text
    errors_shown = set()
    for number, question in enumerate(questionnaire.questions, start=1):
        yield f"question {number} ({question.id})", client.get(f"/survey/q/{number}").text
        if question.kind not in errors_shown:
            errors_shown.add(question.kind)
            wrong = "x" * (question.max_length + 1) if question.kind == "text" else "ecstatic"
            refused = post_form(client, f"/survey/q/{number}", {"answer": wrong})
            assert refused.status_code == 400
            yield f"question {number} ({question.id}) with an error", refused.text
    yield "help page", client.get("/survey/help?next=/survey/q/2").text
    for number, question in enumerate(questionnaire.questions, start=1):
        if question.kind == "choice":
            calm = next(o for o in question.options if not o.safeguarding)
            post_form(client, f"/survey/q/{number}", {"answer": calm.value})
        else:
            post_form(client, f"/survey/q/{number}", {"answer": "The horses"})
    yield "check page", client.get("/survey/check").text
    post_form(client, "/survey/send", {})
    yield "thank-you page", client.get("/survey/thanks").text


def failures(items: list[ItemCheck]) -> list[str]:
    """Each failing line, named by its band, its page and its words."""
    return [f"{i.band}, {i.item}: {i.text!r}: {i.verdict}" for i in items if i.problems]


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_every_line_on_every_page_of_a_band_meets_its_reading_target(
    band: str, app: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=YEAR_IN_BAND[band])
    assert band_for(YEAR_IN_BAND[band]) == band
    checked: list[ItemCheck] = []
    pages = []
    with TestClient(app, base_url="http://testserver.local") as client:
        for name, html in pupil_pages(client, issued.path, band):
            pages.append(name)
            checked += check_lines(band, name, visible_lines(html))
    assert "help page" in pages and "check page" in pages and "thank-you page" in pages
    seen = " ".join(item.text for item in checked)
    assert "Childline" in seen, "the footer is read"
    assert "more letters" in seen, "the counter's words are read"
    problems = failures(checked)
    assert not problems, "\n".join(problems)
    # Each distinct line counts once in the average: the footer, on every page, is one line.
    distinct = list({item.text: item for item in checked}.values())
    average = average_grade(distinct)
    print(f"{band}: {len(distinct)} distinct lines on {len(pages)} pages, average grade {average}")
    assert average <= TARGETS[band].max_average_grade, f"{band}: average grade {average}"


def test_pages_before_a_survey_is_known_meet_the_youngest_target(
    app: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5)
    answered = issue_for_year(world, settings, clock, year_group=4, reference="DONE-4")
    pages: dict[str, str] = {}
    with TestClient(app, base_url="http://testserver.local") as client:
        pages["type your code"] = client.get("/code").text
        pages["type your code, left empty"] = post_form(client, "/code", {"code": ""}).text
        pages["a code that is not right"] = post_form(client, "/code", {"code": "AAAA-BBBB"}).text
        pages["open your link again"] = client.get("/survey").text
        pages["a link that is not right"] = client.get("/s/not-a-real-token").text
    with TestClient(app, base_url="http://testserver.local") as client:
        complete_survey(client, answered.path, END_QUESTIONNAIRE[YOUNGEST], {})
    with TestClient(app, base_url="http://testserver.local") as client:
        pages["a survey already answered"] = client.get(answered.path).text
    with TestClient(app, base_url="http://testserver.local") as client:
        expires_at = run(
            Invitation.select(Invitation.expires_at).where(Invitation.id == issued.id).first()
        )["expires_at"]
        clock.now = expires_at + dt.timedelta(seconds=1)
        pages["a survey that has closed"] = client.get(issued.path).text
    checked = [
        item
        for name, html in pages.items()
        for item in check_lines(YOUNGEST, name, visible_lines(html))
    ]
    problems = failures(checked)
    assert not problems, "\n".join(problems)


def test_a_hard_sentence_on_a_page_is_named_with_its_page() -> None:
    page = (
        "<html><head><title>Start</title></head><body><main><p>Fine words.</p>"
        "<p>Notwithstanding comprehensive multidisciplinary considerations, proceed.</p>"
        "</main></body></html>"
    )
    found = failures(check_lines(YOUNGEST, "opening page", visible_lines(page)))
    assert len(found) == 1
    assert found[0].startswith("years_4_6, opening page: 'Notwithstanding")


def _issued_mid_placement(
    world: World, settings: Any, clock: Clock, kind: InvitationKind, year_group: int
) -> str:
    """A pupil still going to the provider, with a survey of this kind open: its link's path."""
    placement = placement_row(
        world,
        clock,
        pupil_reference=f"MID-{kind}-{year_group}",
        year_group=year_group,
        start_date=(clock.now - dt.timedelta(days=60)).date(),
        planned_end_date=(clock.now + dt.timedelta(days=120)).date(),
        ended_on=None,
    )
    run(Placement.insert(placement))
    assert run(issue_for(settings, [placement.id], clock.now, kind, "p")) == 1
    row = run(Invitation.select().where(Invitation.placement == placement.id).first())
    link = link_for(settings, row["id"], row["revocation_counter"])
    return link.url.removeprefix(settings.base_url)


@pytest.mark.parametrize("kind", [InvitationKind.START, InvitationKind.REVIEW])
@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_help_page_in_a_start_survey_or_check_in_speaks_of_the_place_the_pupil_goes_to(
    kind: InvitationKind, band: str, app: Any, world: World, settings: Any, clock: Clock
) -> None:
    path = _issued_mid_placement(world, settings, clock, kind, YEAR_IN_BAND[band])
    checked: list[ItemCheck] = []
    with TestClient(app, base_url="http://testserver.local") as client:
        client.get(path)
        for wrote in ("", "&wrote=yes"):
            html = client.get(f"/survey/help?next=/survey/q/2{wrote}").text
            words = BeautifulSoup(html, "html.parser").select_one("#help-words")
            assert words is not None
            text = " ".join(words.get_text(" ").split())
            assert "the place you go to" in text.lower(), text
            assert "went to" not in text, "the pupil still goes there"
            checked += check_lines(band, f"{kind} help page", visible_lines(html))
    problems = failures(checked)
    assert not problems, "\n".join(problems)
