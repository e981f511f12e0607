""" "You said, we did" never publishes one of the council's own pupil references, however it is
spelt: the words are checked against the references its placements hold (in any case, as whole
words) whenever they are saved and again when they are published."""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.db.tables import Placement
from survey_app.qa.statuses import YouSaidStatus
from tests.survey_app.qa import test_you_said
from tests.survey_app.qa.test_you_said import (
    DID,
    SAID,
    draft,
    entries,
    soup,
    status_of,
)
from tests.world import Clock, World, placement_row, post_form, run, sign_in

BUS = "Now the bus is on time."
#: A second staff browser, signed in as the first LA's officer.
la_browser = test_you_said.la_browser


def _record(world: World, clock: Clock, reference: str) -> None:
    run(Placement.insert(placement_row(world, clock, pupil_reference=reference)))


def _errors(response: Any) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup(response).select(".govuk-error-summary li")]


def test_a_real_pupil_reference_in_the_words_is_refused_naming_the_box(
    client: Any, world: World, clock: Clock
) -> None:
    _record(world, clock, "API-B1")
    sign_in(client, world, "provider_staff")
    refused = post_form(
        client,
        "/staff/you-said/new",
        {"you_said": "api-b1 asked for it.", "we_did": BUS, "action": "save"},
    )
    assert refused.status_code == 400
    errors = _errors(refused)
    assert any(e.startswith("What pupils said") and "pupil's reference" in e for e in errors), (
        errors
    )
    assert not any(e.startswith("What you changed") for e in errors)
    assert entries() == [], "nothing is kept"


def test_a_word_that_merely_contains_a_reference_is_not_refused(
    client: Any, world: World, clock: Clock
) -> None:
    _record(world, clock, "B1")
    sign_in(client, world, "provider_staff")
    saved = post_form(
        client,
        "/staff/you-said/new",
        {"you_said": SAID, "we_did": "Now the B12 bus stops here.", "action": "save"},
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303), _errors(saved)


def test_words_saved_before_the_reference_was_recorded_cannot_then_be_published(
    client: Any, la_browser: Any, world: World, clock: Clock
) -> None:
    said = "API-B1 asked for it."
    entry_id = draft(client, world, action="submit", you_said=said, we_did=BUS)
    _record(world, clock, "API-B1")
    refused = post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        {"you_said": said, "we_did": BUS, "action": "publish"},
    )
    assert refused.status_code == 400
    assert any("pupil's reference" in e for e in _errors(refused))
    assert status_of(entry_id) == YouSaidStatus.SUBMITTED, "not published"
    published = post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        {"you_said": SAID, "we_did": DID, "action": "publish"},
        follow_redirects=False,
    )
    assert published.status_code in (302, 303)
    assert status_of(entry_id) == YouSaidStatus.PUBLISHED


def test_another_councils_references_are_not_looked_at(
    client: Any, world: World, clock: Clock
) -> None:
    run(
        Placement.insert(
            placement_row(
                world,
                clock,
                pupil_reference="ZZ9",
                local_authority=world.other_la,
                school=world.other_school,
                provider=world.provider,
            )
        )
    )
    sign_in(client, world, "provider_staff")
    saved = post_form(
        client,
        "/staff/you-said/new",
        {"you_said": "zz9 is our room name.", "we_did": BUS, "action": "save"},
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303), _errors(saved)


@pytest.mark.parametrize(
    "spelt",
    [
        "ТА-001",  # Cyrillic Т and А
        "tа-001",  # a Cyrillic а
        "ta 001",
        "TA_001",
        "ta.001",
        "ta - 001",
        "ta–001",  # an en dash
        "ＴＡ－００１",  # fullwidth
        "𝐓𝐀-001",  # bold maths letters
        "ta-\u200b001",  # a zero-width space
        "ta-001s",
        "ta-o01",  # the letter o for a zero
    ],
)
def test_a_reference_spelt_another_way_is_refused_too(
    client: Any, world: World, clock: Clock, spelt: str
) -> None:
    # Found from outside: each of these got TA-001 published to every new pupil.
    _record(world, clock, "TA-001")
    sign_in(client, world, "provider_staff")
    refused = post_form(
        client,
        "/staff/you-said/new",
        {"you_said": f"Pupils said {spelt} was sad.", "we_did": BUS, "action": "save"},
    )
    assert refused.status_code == 400
    assert any("pupil's reference" in e for e in _errors(refused))
    assert entries() == [], "nothing is kept"


def test_ordinary_words_with_numbers_are_not_taken_for_a_reference(
    client: Any, world: World, clock: Clock
) -> None:
    _record(world, clock, "AB12")
    _record(world, clock, "TA-001")
    sign_in(client, world, "provider_staff")
    saved = post_form(
        client,
        "/staff/you-said/new",
        {
            "you_said": "Years 10 and 11 said the data room was too cold.",
            "we_did": "Now we grab 12 heaters before lessons.",
            "action": "save",
        },
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303), _errors(saved)
