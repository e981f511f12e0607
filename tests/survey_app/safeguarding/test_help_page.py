"""The help page a pupil sees the moment they say they did not feel safe, ask to talk to someone,
or write something the screening flags: who follows it up and by when, that they are not in
trouble, whether the place they went to is told, Childline, 999, and a quick way off the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from accessibility.readability import check_text
from accessibility.targets import TARGETS
from questionnaires import loader
from survey_app.db.tables import SafeguardingAlert
from survey_app.surveys.help_pages import hours_in_words
from tests.world import Clock, World, issue_for_year, post_form, question_number, run

HTMX = {"HX-Request": "true"}
#: A year group in each band: years 4-6, 7-9 and 10-11.
BANDS = {5: "end_years_4_6", 8: "end_years_7_9", 10: "end_years_10_11"}
STATIC = Path(__file__).parents[3] / "survey_app" / "web" / "static"


def help_after_not_safe(pupil: Any, world: World, settings: Any, clock: Clock, year: int) -> Any:
    """Open a pupil's survey in this year group, say "not safe", and return the help page."""
    issued = issue_for_year(world, settings, clock, year_group=year, reference=f"OAK-{year}")
    pupil.get(issued.path)
    number = question_number(BANDS[year], "felt_safe")
    felt_safe = loader.current(BANDS[year]).questions[number - 1]
    unsafe = next(o.value for o in felt_safe.options if o.safeguarding)
    moved_on = post_form(pupil, f"/survey/q/{number}", {"answer": unsafe}, follow_redirects=False)
    assert moved_on.headers["location"] == f"/survey/help?next=/survey/q/{number + 1}"
    return BeautifulSoup(pupil.get(moved_on.headers["location"]).text, "html.parser")


def words(soup: BeautifulSoup) -> str:
    main = soup.select_one("main")
    assert isinstance(main, Tag)
    return " ".join(main.get_text(" ").split())


@pytest.mark.parametrize("year", sorted(BANDS))
def test_the_help_page_says_who_follows_it_up_by_when_and_that_they_are_not_in_trouble(
    pupil: Any, world: World, settings: Any, clock: Clock, year: int
) -> None:
    page = help_after_not_safe(pupil, world, settings, clock, year)
    text = words(page)
    assert "at Westshire" in text, "the pupil's own council follows it up"
    assert f"within {hours_in_words(settings.safeguarding_escalation_hours)}" in text
    assert "You are not in trouble." in text
    assert "place you went to" in text and "not tell the place you went to" in text, (
        "says plainly the place they went to is not told"
    )
    links = {a["href"]: " ".join(a.get_text().split()) for a in page.select("main a")}
    assert links["tel:08001111"] == "0800 1111"
    assert links["https://www.childline.org.uk/"] == "childline.org.uk"
    assert links["tel:999"] == "999"
    assert "any time, day or night" in text and "will not show on the phone bill" in text


def test_years_4_to_6_are_told_to_tell_an_adult_they_trust_today(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    young = words(help_after_not_safe(pupil, world, settings, clock, 5))
    assert "Tell an adult you trust today." in young


def test_older_pupils_are_not_talked_down_to(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    older = words(help_after_not_safe(pupil, world, settings, clock, 10))
    assert "keep young people safe" in older and "keep children safe" not in older


def test_exit_this_page_is_there_and_works_as_a_plain_link_without_javascript(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    page = help_after_not_safe(pupil, world, settings, clock, 5)
    wrapper = page.select_one("main > .govuk-exit-this-page")
    assert wrapper is not None and wrapper["data-module"] == "govuk-exit-this-page", (
        "GOV.UK Frontend's component, first in the page, where the script finds it"
    )
    button = wrapper.select_one("a.govuk-exit-this-page__button")
    assert button is not None
    assert button["href"] == "/survey/exit"
    left = pupil.get(button["href"], follow_redirects=False)
    assert left.status_code in (302, 303)
    assert left.headers["location"] == settings.exit_page_url == "https://www.bbc.co.uk/weather"
    assert " ".join(button.get_text().split()) == "Exit this page"
    assert "noreferrer" in button["rel"], "the page it opens is not told where the pupil was"
    advice = words(page)
    assert "If someone is watching your screen, press Exit this page." in advice
    assert "where staff at the place cannot see your screen" in advice


def test_the_help_page_has_a_listen_button_that_reads_the_help(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    page = help_after_not_safe(pupil, world, settings, clock, 8)
    listen = page.select_one("button[data-listen]")
    assert listen is not None and listen.get_text(strip=True) == "Listen"
    read = page.select_one(f"#{listen['data-listen']}")
    assert read is not None
    assert "Childline" in read.get_text() and "You are not in trouble." in read.get_text()
    assert "Exit this page" not in read.select_one("h1").get_text()


def test_the_help_page_does_not_use_the_error_colour(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    page = help_after_not_safe(pupil, world, settings, clock, 5)
    assert not page.select('[class*="error"]'), "nothing on it is styled as a mistake"
    stylesheet = next((STATIC / "css").glob("site.css")).read_text(encoding="utf-8-sig")
    help_box = re.search(r"\.app-help-now\{([^}]*)\}", stylesheet)
    assert help_box is not None
    assert "error" not in help_box.group(1) and "#ca3535" not in help_box.group(1)
    assert ".govuk-exit-this-page{" in stylesheet, "the component's styles are built in"


def test_a_flagged_comment_leads_to_the_same_help_saying_an_adult_will_read_it(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=8, reference="OAK-8")
    pupil.get(issued.path)
    questions = loader.current("end_years_7_9").questions
    number = next(n for n, q in enumerate(questions, start=1) if q.id == "anything_else")
    following = "/survey/check" if number == len(questions) else f"/survey/q/{number + 1}"
    wrote = post_form(
        pupil,
        f"/survey/q/{number}",
        {"answer": "one of the staff keeps snapchatting me and said dont tell"},
        follow_redirects=False,
    )
    assert wrote.headers["location"] == f"/survey/help?next={following}&wrote=yes"
    page = BeautifulSoup(pupil.get(wrote.headers["location"]).text, "html.parser")
    text = words(page)
    assert "An adult will read what you wrote." in text
    assert "The place you went to does not see what you wrote." in text
    assert page.select_one("a#carry-on")["href"] == following
    assert run(SafeguardingAlert.select(SafeguardingAlert.reason).first()) == {"reason": "words"}


def test_with_javascript_a_flagged_comment_still_gets_the_help_page(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5, reference="OAK-5")
    pupil.get(issued.path)
    questions = loader.current("end_years_4_6").questions
    number = next(n for n, q in enumerate(questions, start=1) if q.id == "anything_else")
    shown = post_form(pupil, f"/survey/q/{number}", {"answer": "my dad hurts me"}, headers=HTMX)
    assert shown.status_code == 200
    assert shown.headers["hx-push-url"].endswith("&wrote=yes")
    assert "An adult will read what you wrote." in words(BeautifulSoup(shown.text, "html.parser"))


def test_an_ordinary_comment_carries_straight_on(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5, reference="OAK-5")
    pupil.get(issued.path)
    questions = loader.current("end_years_4_6").questions
    number = next(n for n, q in enumerate(questions, start=1) if q.id == "anything_else")
    moved_on = post_form(
        pupil, f"/survey/q/{number}", {"answer": "I liked the cooking"}, follow_redirects=False
    )
    assert not moved_on.headers["location"].startswith("/survey/help")
    assert run(SafeguardingAlert.count()) == 0


@pytest.mark.parametrize("year", sorted(BANDS))
def test_the_help_page_reads_at_the_bands_level(
    pupil: Any, world: World, settings: Any, clock: Clock, year: int
) -> None:
    page = help_after_not_safe(pupil, world, settings, clock, year)
    band = loader.current(BANDS[year]).band
    target = TARGETS[band]
    box = page.select_one("#help-words")
    assert box is not None
    items = [" ".join(el.get_text(" ").split()) for el in box.select("h1, h2, p, li")]
    checks = [check_text(item, target, item) for item in items]
    assert [c.verdict for c in checks if c.problems] == []
    prose = [c.grade for c in checks if c.words >= 4]
    # Negative grades count as 0: very short sentences must not pull the average down.
    assert sum(max(g, 0) for g in prose) / len(prose) <= target.max_average_grade


@pytest.mark.no_database
@pytest.mark.parametrize("questionnaire_id", sorted(BANDS.values()))
def test_questionnaires_leave_the_shared_help_facts_to_the_shared_page(
    questionnaire_id: str,
) -> None:
    help_words = " ".join(loader.current(questionnaire_id).help.paragraphs)
    for fact in ("Childline", "0800", "999"):
        assert fact not in help_words, f"{fact} is on the shared page; said twice it confuses"


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("hours", "said"), [(24, "1 day"), (48, "2 days"), (6, "6 hours"), (1, "1 hour")]
)
def test_waits_are_said_as_a_child_would_say_them(hours: int, said: str) -> None:
    assert hours_in_words(hours) == said


def test_exit_this_page_ends_the_pupils_session_so_back_shows_nothing_they_wrote(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Found from outside: after "Exit this page", pressing Back twice showed the question with
    # the child's words in the box, and /survey/check listed them for whoever held the phone.
    help_after_not_safe(pupil, world, settings, clock, 8)
    pupil.get("/survey/exit", follow_redirects=False)
    for page in ("/survey/help?next=/survey/q/2", "/survey/q/2", "/survey/check"):
        after = pupil.get(page, follow_redirects=True)
        text = BeautifulSoup(after.text, "html.parser").select_one("main").get_text(" ")
        assert "Thank you for telling us" not in text and "Not safe" not in text, page
        assert after.headers.get("cache-control", "").startswith("no-store"), page
    assert run(SafeguardingAlert.count()) == 1, "what they said is kept, and the alert stands"
