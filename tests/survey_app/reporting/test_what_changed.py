"""What changed (issue 18): a pupil's start answers set against their later ones, shown to the LA
in counts, to the provider as totals with small numbers hidden and published only as of term
ends, to the school for its own pupils one by one, and in the QA visit pack."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation, Placement
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from tests.survey_app.reporting.journeys_given import (
    LESS_SAFE,
    SUMMER,
    journeys,
    two_providers_journeys,
)
from tests.world import (
    Clock,
    World,
    complete_survey,
    placement_row,
    run,
    sign_in,
)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


def page(client: Any, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def changes_row(soup: BeautifulSoup, indicator: str = "felt_safe") -> list[str]:
    row = soup.select_one(f'#changes tr[data-indicator="{indicator}"]')
    assert row is not None, soup.select_one("#what-changed")
    return [td.get_text(" ", strip=True) for td in row.select("td")]


def section_text(soup: BeautifulSoup) -> str:
    section = soup.select_one("#what-changed")
    assert section is not None
    return section.get_text(" ", strip=True)


def test_a_placement_followed_start_review_end_through_the_pupil_pages_shows_for_the_la(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    row = placement_row(
        world,
        clock,
        pupil_reference="JRN-8",
        year_group=8,
        start_date=dt.date(2026, 11, 2),
        planned_end_date=dt.date(2027, 3, 26),
        ended_on=None,
    )
    run(Placement.insert(row))
    provider_page = f"/staff/providers/{world.provider}"
    seen = []
    for day, kind, felt, belonging in [
        (dt.date(2026, 11, 12), "start", "a_bit_safe", "always"),
        (dt.date(2027, 1, 5), "review", "safe", None),
        (dt.date(2027, 3, 19), "end", "not_very_safe", "always"),
    ]:
        clock.now = at(day)
        assert run(issue_due(settings, clock.now)) == 1
        invitation = run(
            Invitation.select(Invitation.id, Invitation.kind, Invitation.revocation_counter)
            .where(Invitation.placement == row.id)
            .order_by(Invitation.opened_at, ascending=False)
            .first()
        )
        assert invitation["kind"] == kind
        path = link_for(settings, invitation["id"], invitation["revocation_counter"]).url
        answers = {"felt_safe": felt, **({"belonging": belonging} if belonging else {})}
        sent = complete_survey(
            pupil, path.removeprefix(settings.base_url), f"{kind}_years_7_9", answers
        )
        assert sent.status_code == 302
        client.cookies.clear()
        sign_in(client, world, "la_officer")
        soup = page(client, provider_page)
        seen.append(changes_row(soup) if kind != "start" else section_text(soup))
    assert "No pupil has answered both" in seen[0], "a start survey alone pairs with nothing"
    # After the check-in: a bit safe, then safe. The LA sees live counts, however few.
    assert seen[1] == ["1", "1", "0", "0", "0"]
    # After the end survey, its answer is the one set against the start: not very safe.
    assert seen[2] == ["1", "0", "0", "1", "0"]
    soup = page(client, provider_page)
    assert changes_row(soup, "belonging") == ["1", "0", "1", "0", "0"]
    sentences = soup.select_one("#changes-sentences").get_text(" ", strip=True)
    assert "Of 1 pupil who answered both, 0 felt safer, 0 the same, 1 felt less safe." in sentences


def test_a_provider_with_fewer_than_k_paired_pupils_sees_them_hidden(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 3)
    sign_in(client, world, "la_officer")
    assert changes_row(page(client, f"/staff/providers/{world.provider}")) == [
        "3",
        "3",
        "0",
        "0",
        "0",
    ]
    client.cookies.clear()
    sign_in(client, world, "provider_staff")
    soup = page(client, f"/staff/providers/{world.provider}")
    assert soup.select_one("#changes-withheld") is not None
    assert soup.select_one("#changes") is None, "three pupils' changes would identify them"


def test_an_indicator_fewer_than_k_pupils_answered_both_times_is_hidden_whole(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 6)
    # Two of them also answered "fitting in" both times: 1 better, 1 worse.
    journeys(
        world,
        settings,
        clock,
        1,
        change=(
            {"felt_safe": "safe", "belonging": "sometimes"},
            {"felt_safe": "safe", "belonging": "always"},
        ),
        prefix="B1",
    )
    sign_in(client, world, "provider_staff")
    soup = page(client, f"/staff/providers/{world.provider}")
    assert changes_row(soup) == ["7", "6", "1", "0", "0"]
    assert changes_row(soup, "belonging") == ["[c]"] * 5


def test_a_provider_cannot_difference_one_pupils_change_out(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 6)
    sign_in(client, world, "provider_staff")
    provider_page = f"/staff/providers/{world.provider}"
    before = section_text(page(client, provider_page))
    assert changes_row(page(client, provider_page)) == ["6", "6", "0", "0", "0"]
    # One more pupil felt less safe at the end; the provider knows who finished that day.
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="ONE")
    assert section_text(page(client, provider_page)) == before
    # Even after the term ends: one pupil is fewer than k, so the figures keep pooling.
    journeys(
        world,
        settings,
        clock,
        1,
        change=LESS_SAFE,
        prefix="TWO",
        started=dt.datetime(2026, 9, 20, 10, 0, tzinfo=dt.UTC),
        answered_later=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
    )
    clock.now = dt.datetime(2027, 1, 6, 10, 0, tzinfo=dt.UTC)
    client.cookies.clear()
    sign_in(client, world, "provider_staff")
    assert section_text(page(client, provider_page)) == before
    # Four more in the autumn (five new in all) and the figures move, by more than k at once.
    journeys(
        world,
        settings,
        clock,
        4,
        change=LESS_SAFE,
        prefix="LATER",
        started=dt.datetime(2026, 9, 20, 10, 0, tzinfo=dt.UTC),
        answered_later=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
    )
    moved = changes_row(page(client, provider_page))
    assert moved == ["12", "6", "0", "6", "0"], "the summer pupil counted afresh with the five"


def test_a_school_sees_its_own_pupils_journey_and_not_another_schools(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 1, prefix="OWN")
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="ELM", school=world.second_school)
    sign_in(client, world, "school_contact")
    soup = page(client, "/staff/my-school")
    tables = soup.select("#journeys table.app-journey")
    assert [t.select_one("caption").get_text(strip=True) for t in tables] == ["OWN-20260701-0"]
    step = tables[0].select_one('tr[data-indicator="felt_safe"]')
    assert [td.get_text(" ", strip=True) for td in step.select("td")] == [
        "A bit safe",
        "Very safe (End survey)",
        "Better",
    ]
    assert "ELM-" not in soup.get_text()
    other = client.get(f"/staff/schools/{world.second_school}/report")
    assert other.status_code == 404
    assert "ELM-" not in other.text


def test_the_schools_journeys_page_with_its_pupils_and_none_is_left_out(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # 52 pupils: the "each pupil" list shows 50 a page, and their journeys come with them, so a
    # school with hundreds of pupils gets a page it can read, and every journey is one page away.
    journeys(world, settings, clock, 52, prefix="P")
    sign_in(client, world, "school_contact")
    seen: list[str] = []
    for number in (1, 2):
        soup = page(client, f"/staff/schools/{world.school}/report?page={number}")
        shown = {div["data-placement"] for div in soup.select(".app-pupil")}
        tables = soup.select("#journeys table.app-journey")
        assert {t["data-placement"] for t in tables} == shown, "journeys of this page's pupils"
        seen += [t.select_one("caption").get_text(strip=True) for t in tables]
    assert len(seen) == 52 and len(set(seen)) == 52


def test_the_qa_pack_has_a_distance_travelled_section(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    from pypdf import PdfReader

    journeys(world, settings, clock, 6)
    sign_in(client, world, "la_officer")
    response = client.get(f"/staff/providers/{world.provider}/qa-pack.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Distance travelled" in text
    assert "Of 6 pupils who answered both, 6 felt safer, 0 the same, 0 felt less safe." in text


def test_the_area_summary_shows_what_changed_across_providers_with_small_numbers_hidden(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    two_providers_journeys(world, settings, clock)
    # Another council's pupils are never in this area's figures.
    journeys(
        world,
        settings,
        clock,
        5,
        prefix="FAR",
        local_authority=world.other_la,
        provider=world.other_provider,
        school=world.other_school,
    )
    sign_in(client, world, "la_officer")
    soup = page(client, "/staff/area")
    assert soup.select_one("#changes-pupils").get_text(" ", strip=True).startswith("9 pupils")
    assert changes_row(soup) == ["7", "4", "0", "3", "0"]
    assert changes_row(soup, "belonging") == ["[c]"] * 5
    sentences = soup.select_one("#changes-sentences").get_text(" ", strip=True)
    assert "Of 7 pupils who answered both, 4 felt safer, 0 the same, 3 felt less safe." in sentences


def test_a_school_contact_on_the_provider_page_counts_only_its_own_pupils(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 6, prefix="ELM", school=world.second_school)
    journeys(world, settings, clock, 2, change=LESS_SAFE, prefix="OWN")
    sign_in(client, world, "school_contact")
    soup = page(client, f"/staff/providers/{world.provider}")
    assert soup.select_one("#changes-withheld") is not None, "its own two pupils are too few"
    assert soup.select_one("#changes") is None, "another school's six are not its to see"


def test_erasing_one_pupil_does_not_move_what_changed_for_the_provider(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff who know whose family asked for erasure. Had the paired counts been
    worked out afresh, before minus after would be that child's change."""
    from survey_app.ops.erasures import forget_pupil

    journeys(world, settings, clock, 6)
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="WHO")
    sign_in(client, world, "provider_staff")
    provider_page = f"/staff/providers/{world.provider}"
    before = section_text(page(client, provider_page))
    assert changes_row(page(client, provider_page)) == ["7", "6", "0", "1", "0"]
    run(forget_pupil(settings, world.la, f"WHO-{SUMMER:%Y%m%d}-0", clock.now))
    assert section_text(page(client, provider_page)) == before
    # The LA, the data controller, sees the live counts without the erased pupil at once.
    client.cookies.clear()
    sign_in(client, world, "la_officer")
    assert changes_row(page(client, provider_page)) == ["6", "6", "0", "0", "0"]
