"""Published figures over time: what a provider sees never moves by fewer than k pupils, whether
pupils are added, erased or removed by retention (``reports.disclosure``).

The first two tests are an outside tester's attacks that got through, written as the safe
behaviour they should meet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, give_responses, run, sign_in, token_for

#: A day in the summer term 2026: complete, so published, on the suite's clock (23 Nov 2026).
LAST_TERM = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}
WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}
#: A day in the autumn term 2026, published once the term ends on 31 December.
NEXT_TERM = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def _comments(client: Any, world: World) -> list[str]:
    page = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    return [quote.get_text(strip=True) for quote in page.select("blockquote.app-comment")]


def _release_every_comment() -> None:
    from survey_app.db.tables import Answer

    run(
        Answer.update({Answer.review_status: "released", Answer.released_text: Answer.text}).where(
            Answer.text.is_not_null()
        )
    )


def test_erasing_one_pupil_does_not_move_what_the_provider_sees_by_one_pupil(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff who know which child's family asked for erasure (often the child who
    complained). Their published report moves by exactly that one pupil, so before minus after
    is the child's answers. Publications are meant never to differ by fewer than k pupils."""
    from survey_app.ops.erasures import forget_pupil

    give_responses(world, settings, clock, 6, answers=HAPPY, when=LAST_TERM, prefix="OK")
    give_responses(world, settings, clock, 1, answers=WORRIED, when=LAST_TERM, prefix="WHO")
    sign_in(client, world, "provider_staff")
    api = f"/api/v1/providers/{world.provider}/report"
    headers = token_for(world, "provider_staff", clock)
    before = client.get(api, headers=headers).json()
    assert before["responses"] == 7

    run(forget_pupil(settings, world.la, f"WHO-{LAST_TERM:%Y%m%d}-0", clock.now))

    after = client.get(api, headers=headers).json()
    felt = {r["key"]: r for r in before["indicators"]}["felt_safe"]
    felt_after = {r["key"]: r for r in after["indicators"]}["felt_safe"]
    moved = (felt["answered"] or 0) - (felt_after["answered"] or 0)
    assert not 0 < moved < settings.disclosure_threshold, (
        f"the provider's figures moved by {moved} pupil: before {felt['negative']} said unsafe, "
        f"after {felt_after['negative']}, so the erased pupil said they did not feel safe"
    )


def test_retention_does_not_drop_released_comments_one_pupil_at_a_time(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff. A released comment disappears from the provider's report the day
    its own response passes the retention period; the provider knows (from the slips sheet)
    who finished on that day three years before, so the comment gets a name."""
    from survey_app.db.tables import Answer
    from survey_app.ops.data_rights import apply_retention

    give_responses(
        world,
        settings,
        clock,
        5,
        answers=HAPPY,
        comment="All fine here",
        when=LAST_TERM,
        prefix="A",
    )
    give_responses(
        world,
        settings,
        clock,
        1,
        answers=WORRIED,
        comment="The driver shouts at me",
        when=LAST_TERM + dt.timedelta(days=3),
        prefix="B",
    )
    run(
        Answer.update({Answer.review_status: "released", Answer.released_text: Answer.text}).where(
            Answer.text.is_not_null()
        )
    )
    sign_in(client, world, "provider_staff")
    page = f"/staff/providers/{world.provider}"
    assert "The driver shouts at me" in client.get(page).text
    # One day past the retention of the first five pupils, not yet of the sixth.
    later = LAST_TERM + dt.timedelta(days=settings.retention_days, hours=1)
    run(apply_retention(settings.retention_days, later))
    text = client.get(page).text
    assert ("The driver shouts at me" in text) == ("All fine here" in text), (
        "the five older comments went and the sixth pupil's stayed: it is theirs alone"
    )
    # Once the retention period has passed since the summer term ended (31 August), every
    # pupil's comment from that term goes at once.
    term_over = dt.datetime(2026, 9, 1, 1, 0, tzinfo=dt.UTC)
    run(
        apply_retention(
            settings.retention_days, term_over + dt.timedelta(days=settings.retention_days)
        )
    )
    text = client.get(page).text
    assert "The driver shouts at me" not in text
    assert "All fine here" not in text


def test_erasing_a_pupil_does_not_say_which_released_comment_was_theirs(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff who know whose family asked for erasure. The erased child's comment
    must go (text is personal data), but if only it went, the provider would know it was theirs:
    so every comment is held back until the next publication."""
    from survey_app.ops.erasures import forget_pupil

    for n, text in enumerate(["Good food", "Kind staff", "Fun trips", "Nice room", "Quiet"]):
        give_responses(
            world, settings, clock, 1, answers=HAPPY, comment=text, when=LAST_TERM, prefix=f"P{n}"
        )
    give_responses(
        world,
        settings,
        clock,
        1,
        answers=WORRIED,
        comment="The driver shouts at me",
        when=LAST_TERM,
        prefix="WHO",
    )
    _release_every_comment()
    sign_in(client, world, "provider_staff")
    before = _comments(client, world)
    assert "The driver shouts at me" in before and len(before) == 6

    run(forget_pupil(settings, world.la, f"WHO-{LAST_TERM:%Y%m%d}-0", clock.now))

    after = _comments(client, world)
    assert "The driver shouts at me" not in after, "the erased child's words are still shown"
    assert set(before) - set(after) != {"The driver shouts at me"}, (
        "only the erased child's comment went: the provider knows it was theirs"
    )


def test_the_figures_move_on_once_k_new_pupils_have_answered_after_an_erasure(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """After an erasure the provider keeps seeing the last publication; the next one, once k
    more pupils have answered and their term has ended, counts without the erased pupil (and
    shows the comments again)."""
    from survey_app.ops.erasures import forget_pupil

    k = settings.disclosure_threshold
    give_responses(world, settings, clock, 6, answers=HAPPY, comment="Fine", when=LAST_TERM)
    give_responses(world, settings, clock, 1, answers=WORRIED, when=LAST_TERM, prefix="WHO")
    _release_every_comment()
    sign_in(client, world, "provider_staff")
    api = f"/api/v1/providers/{world.provider}/report"
    assert (
        client.get(api, headers=token_for(world, "provider_staff", clock)).json()["responses"] == 7
    )
    run(forget_pupil(settings, world.la, f"WHO-{LAST_TERM:%Y%m%d}-0", clock.now))
    give_responses(world, settings, clock, k - 1, answers=HAPPY, when=NEXT_TERM, prefix="NEW")
    clock.advance(days=45)  # the autumn term has ended: it is published, with k - 1 new pupils
    headers = token_for(world, "provider_staff", clock)
    assert client.get(api, headers=headers).json()["responses"] == 7, "fewer than k new pupils"

    give_responses(world, settings, clock, 1, answers=HAPPY, when=NEXT_TERM, prefix="LAST")
    report = client.get(api, headers=headers).json()
    assert report["responses"] == 6 + k, "k new pupils make a publication without the erased one"
    assert report["comments"] == ["Fine"] * 6


def test_erasing_a_pupil_elsewhere_does_not_move_the_rest_of_the_area(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff comparing themselves with the rest of the area. An erased pupil of
    another provider must not move that comparison by one pupil either."""
    from survey_app.ops.erasures import forget_pupil

    give_responses(world, settings, clock, 6, answers=HAPPY, when=LAST_TERM, prefix="OWN")
    elsewhere = world.second_provider
    give_responses(
        world, settings, clock, 6, provider=elsewhere, answers=HAPPY, when=LAST_TERM, prefix="B"
    )
    give_responses(
        world, settings, clock, 1, provider=elsewhere, answers=WORRIED, when=LAST_TERM, prefix="X"
    )
    sign_in(client, world, "provider_staff")
    api = f"/api/v1/providers/{world.provider}/report"
    headers = token_for(world, "provider_staff", clock)
    area = {
        r["key"]: r["area_share_positive"]
        for r in client.get(api, headers=headers).json()["indicators"]
    }
    assert area["felt_safe"] is not None and area["felt_safe"] < 1

    run(forget_pupil(settings, world.la, f"X-{LAST_TERM:%Y%m%d}-0", clock.now))

    after = {
        r["key"]: r["area_share_positive"]
        for r in client.get(api, headers=headers).json()["indicators"]
    }
    assert after == area, "the rest of the area moved by the one erased pupil"
