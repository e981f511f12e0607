""" "You said, we did": a provider tells pupils what earlier pupils said and what changed; the LA
reviews and publishes it; pupils starting there read it. Nobody outside the provider and its
council sees or touches it, and words a young pupil cannot read, or that name anyone, are refused
with the reason and change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from accessibility.readability import check_lines
from survey_app.db.qa_tables import YouSaid
from survey_app.db.staff_tables import AuditEvent
from survey_app.db.tables import Invitation, Placement
from survey_app.qa.statuses import YouSaidStatus
from survey_app.qa.you_said import check_wording, reading_band
from survey_app.safeguarding.screening import personal_details
from survey_app.surveys.statuses import InvitationKind
from survey_app.web.listing import PAGE_SIZE
from tests.world import (
    Clock,
    Issued,
    World,
    issue_start,
    placement_row,
    post_form,
    run,
    sign_in,
)

SAID = "Pupils here said the journey was too long."
DID = "Now the minibus picks up from school."
#: Words for grown-ups: too hard for a pupil in years 4 to 6, and full of jargon.
PUBLISH = {"you_said": SAID, "we_did": DID, "action": "publish"}
HARD = (
    "Learners expressed considerable dissatisfaction regarding transportation arrangements"
    " to the provision."
)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def entries() -> list[dict[str, Any]]:
    return run(YouSaid.select().order_by(YouSaid.id))


def entry_id_from(response: Any) -> int:
    """The entry a post redirected to (``/staff/you-said/<id>?done=...``)."""
    assert response.status_code in (302, 303), response.text
    return int(response.headers["location"].split("/")[-1].split("?")[0])


def status_of(entry_id: int) -> str:
    row = run(YouSaid.select(YouSaid.status).where(YouSaid.id == entry_id).first())
    return str(row["status"])


@pytest.fixture
def la_browser(app: Any, world: World) -> Iterator[Any]:
    """A second staff browser, signed in as the first LA's officer."""
    with TestClient(app, base_url="http://testserver.local") as browser:
        sign_in(browser, world, "la_officer")
        yield browser


@pytest.fixture
def starting(world: World, settings: Any, clock: Clock) -> Issued:
    """A pupil starting at the world's provider, on their start survey's opening page."""
    return issue_start(world, settings, clock)


def draft(client: Any, world: World, action: str = "save", **words: str) -> int:
    """The provider's staff write an entry (signed in on ``client``)."""
    sign_in(client, world, "provider_staff")
    fields = {"you_said": SAID, "we_did": DID, "action": action, **words}
    return entry_id_from(post_form(client, "/staff/you-said/new", fields, follow_redirects=False))


def test_provider_submits_the_la_publishes_and_a_pupil_starting_there_reads_it(
    client: Any, la_browser: Any, pupil: Any, starting: Issued, world: World
) -> None:
    entry_id = draft(client, world)
    page = soup(client.get(f"/staff/you-said/{entry_id}"))
    assert page.select_one("#entry-status [data-status]")["data-status"] == "draft"
    assert "Do not name" in page.select_one(".govuk-warning-text").get_text()
    # Before it is published, the pupil's opening page says nothing about it.
    pupil.get(starting.path)
    assert soup(pupil.get("/survey")).select_one("#you-said-we-did") is None

    sent = post_form(
        client,
        f"/staff/you-said/{entry_id}",
        {"you_said": SAID, "we_did": DID, "action": "submit"},
    )
    assert "Sent to the council for review." in soup(sent).select_one("#done").get_text()
    # The provider cannot publish its own words: the page offers no button for it.
    assert not soup(sent).select('button[value="publish"]')

    waiting = soup(la_browser.get("/staff/you-said"))
    assert [tr["data-entry"] for tr in waiting.select("#entries tr[data-entry]")] == [str(entry_id)]
    review = soup(la_browser.get(f"/staff/you-said/{entry_id}"))
    buttons = [b["value"] for b in review.select("button[name=action]")]
    assert buttons == ["publish", "save", "send_back"]
    # The LA tidies the wording as it publishes.
    published = post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        {
            "you_said": SAID,
            "we_did": "Now a minibus picks you up from school.",
            "action": "publish",
        },
    )
    assert "Published" in soup(published).select_one("#done").get_text()
    assert status_of(entry_id) == YouSaidStatus.PUBLISHED

    shown = soup(pupil.get("/survey")).select_one("#you-said-we-did")
    assert shown is not None
    assert [p.get_text(strip=True) for p in shown.select("p")] == [
        SAID,
        "Now a minibus picks you up from school.",
    ]
    actions = {
        row["action"]
        for row in run(
            AuditEvent.select(AuditEvent.action).where(AuditEvent.object_type == "you_said")
        )
    }
    assert {"you_said.drafted", "you_said.submit", "you_said.publish"} <= actions


def test_publishing_a_newer_entry_replaces_the_older_and_withdrawing_hides_it(
    client: Any, la_browser: Any, pupil: Any, starting: Issued, world: World
) -> None:
    first = draft(client, world, action="submit")
    post_form(
        la_browser,
        f"/staff/you-said/{first}",
        PUBLISH,
    )
    second = draft(client, world, action="submit", we_did="Now there is a quiet room.")
    post_form(
        la_browser,
        f"/staff/you-said/{second}",
        {"you_said": SAID, "we_did": "Now there is a quiet room.", "action": "publish"},
    )
    assert (status_of(first), status_of(second)) == ("withdrawn", "published")
    pupil.get(starting.path)
    assert "quiet room" in soup(pupil.get("/survey")).select_one("#you-said-we-did").get_text()
    post_form(la_browser, f"/staff/you-said/{second}", {"action": "withdraw"})
    assert status_of(second) == "withdrawn"
    assert soup(pupil.get("/survey")).select_one("#you-said-we-did") is None


def test_the_la_sends_it_back_with_a_note_the_provider_reads(
    client: Any, la_browser: Any, world: World
) -> None:
    entry_id = draft(client, world, action="submit")
    no_note = post_form(la_browser, f"/staff/you-said/{entry_id}", {"action": "send_back"})
    assert no_note.status_code == 400
    assert "Say what needs to change" in soup(no_note).select_one(".govuk-error-summary").get_text()
    assert status_of(entry_id) == "submitted"
    post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        {"action": "send_back", "review_note": "Say when the minibus started."},
    )
    assert status_of(entry_id) == "draft"
    page = soup(client.get(f"/staff/you-said/{entry_id}"))
    assert "Say when the minibus started." in page.select_one("#review-note").get_text()


def test_words_a_young_pupil_cannot_read_are_refused_with_reasons_and_nothing_kept(
    client: Any, la_browser: Any, world: World
) -> None:
    sign_in(client, world, "provider_staff")
    refused = post_form(
        client, "/staff/you-said/new", {"you_said": HARD, "we_did": DID, "action": "submit"}
    )
    assert refused.status_code == 400
    summary = [a.get_text() for a in soup(refused).select(".govuk-error-summary a")]
    assert "What pupils said is too hard for pupils in years 4 to 6 to read" in summary[0]
    assert any("uses the word 'provision'" in line for line in summary)
    assert any("long word 'dissatisfaction'" in line for line in summary)
    # What was typed stays in the box to be reworded.
    assert soup(refused).select_one("textarea#you_said").get_text() == HARD
    assert entries() == []

    # The LA editing a submitted entry into hard words is refused too, and the entry unchanged.
    entry_id = draft(client, world, action="submit")
    before = entries()
    edited = post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        {**PUBLISH, "you_said": HARD},
    )
    assert edited.status_code == 400
    assert entries() == before


def test_names_and_contact_details_are_refused(client: Any, world: World) -> None:
    sign_in(client, world, "provider_staff")
    refused = post_form(
        client,
        "/staff/you-said/new",
        {"you_said": "Mr Jones said OAK-55 was sad.", "we_did": "Ring 07700 900123 now."},
    )
    assert refused.status_code == 400
    found = soup(refused).select_one(".govuk-error-summary").get_text()
    assert "a person's name" in found
    assert "a pupil's reference" in found
    assert "a phone number" in found
    assert entries() == []


def test_another_councils_officer_can_neither_see_nor_act_on_it(
    client: Any, app: Any, world: World
) -> None:
    entry_id = draft(client, world, action="submit")
    with TestClient(app, base_url="http://testserver.local") as other:
        sign_in(other, world, "other_la_officer")
        assert other.get(f"/staff/you-said/{entry_id}").status_code == 404
        listed = soup(other.get("/staff/you-said"))
        assert listed.select("#entries tr[data-entry]") == []
        attempt = post_form(
            other,
            f"/staff/you-said/{entry_id}",
            {"you_said": SAID, "we_did": "Nothing changed.", "action": "publish"},
        )
        assert attempt.status_code == 404
        # Nor can it write one for a provider it has no record of.
        assert other.get(f"/staff/you-said/new?provider={world.provider}").status_code == 404
        made = post_form(
            other,
            "/staff/you-said/new",
            {"provider": world.provider, "you_said": SAID, "we_did": DID, "action": "submit"},
        )
        assert made.status_code == 404
    assert [(e["status"], e["we_did"]) for e in entries()] == [("submitted", DID)]
    refusals = run(AuditEvent.select().where(AuditEvent.action == "access.refused"))
    assert any(r["object_type"] == "you_said" for r in refusals)


def test_a_school_sees_nothing_and_changes_nothing(client: Any, app: Any, world: World) -> None:
    entry_id = draft(client, world, action="submit")
    with TestClient(app, base_url="http://testserver.local") as school:
        sign_in(school, world, "school_contact")
        assert school.get("/staff/you-said").status_code == 404
        assert school.get(f"/staff/you-said/{entry_id}").status_code == 404
        attempt = post_form(school, f"/staff/you-said/{entry_id}", {"action": "withdraw"})
        assert attempt.status_code == 404
        assert not soup(school.get("/staff/placements")).select('a[href="/staff/you-said"]')
    assert status_of(entry_id) == "submitted"


def test_provider_staff_write_only_for_their_own_provider_and_cannot_publish(
    client: Any, world: World
) -> None:
    entry_id = draft(client, world, action="submit", provider=str(world.second_provider))
    assert run(YouSaid.select(YouSaid.provider).where(YouSaid.id == entry_id).first()) == {
        "provider": world.provider
    }
    attempt = post_form(
        client,
        f"/staff/you-said/{entry_id}",
        PUBLISH,
    )
    assert attempt.status_code == 404
    assert status_of(entry_id) == "submitted"


def test_a_pupil_at_another_provider_does_not_see_it(
    client: Any, la_browser: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    entry_id = draft(client, world, action="submit")
    post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        PUBLISH,
    )
    elsewhere = issue_start(world, settings, clock, provider=world.second_provider)
    pupil.get(elsewhere.path)
    assert soup(pupil.get("/survey")).select_one("#you-said-we-did") is None


def test_only_the_start_survey_shows_it_not_the_end_survey_or_a_check_in(
    client: Any,
    la_browser: Any,
    pupil: Any,
    issued: Issued,
    world: World,
    settings: Any,
    clock: Clock,
) -> None:
    entry_id = draft(client, world, action="submit")
    post_form(la_browser, f"/staff/you-said/{entry_id}", PUBLISH)
    # A pupil at the same provider finishing their placement: the end survey stays short.
    pupil.get(issued.path)
    assert soup(pupil.get("/survey")).select_one("#you-said-we-did") is None
    # A check-in at the same provider does not show it either.
    review = issue_start(world, settings, clock, reference="NEW-2")
    starting = issue_start(world, settings, clock, reference="NEW-3")
    run(
        Invitation.update(
            {Invitation.kind: InvitationKind.REVIEW, Invitation.period: "2026-11-01"}
        ).where(Invitation.id == review.id)
    )
    pupil.get(review.path)
    assert soup(pupil.get("/survey")).select_one("#you-said-we-did") is None
    # A pupil starting there does.
    pupil.get(starting.path)
    assert soup(pupil.get("/survey")).select_one("#you-said-we-did") is not None


def test_the_review_list_pages_rather_than_cutting_off(
    la_browser: Any, world: World, clock: Clock
) -> None:
    run(
        YouSaid.insert(
            *[
                YouSaid(
                    local_authority=world.la,
                    provider=world.provider,
                    you_said=SAID,
                    we_did=f"Change number {n}.",
                    status=YouSaidStatus.SUBMITTED,
                    updated_at=clock.now - dt.timedelta(minutes=n),
                )
                for n in range(PAGE_SIZE + 3)
            ]
        )
    )
    first = soup(la_browser.get("/staff/you-said"))
    assert len(first.select("#entries tr[data-entry]")) == PAGE_SIZE
    following = first.select_one(".govuk-pagination__next a")["href"]
    assert following.startswith("/staff/you-said?") and "page=2" in following
    second = soup(la_browser.get(following))
    assert len(second.select("#entries tr[data-entry]")) == 3
    # The same list filtered to another provider holds none of them.
    other = soup(la_browser.get(f"/staff/you-said?provider={world.second_provider}"))
    assert other.select("#entries tr[data-entry]") == []


def test_a_bad_filter_is_named_and_nothing_listed(la_browser: Any, world: World) -> None:
    refused = la_browser.get("/staff/you-said?status=lost")
    assert refused.status_code == 400
    assert (
        "Choose status from the list" in soup(refused).select_one(".govuk-error-summary").get_text()
    )
    assert soup(refused).select("#entries") == []


def test_the_area_summary_counts_providers_that_published(
    client: Any, la_browser: Any, world: World
) -> None:
    assert (
        soup(la_browser.get("/staff/area")).select_one("#you-said-count strong").get_text() == "0"
    )
    entry_id = draft(client, world, action="submit")
    post_form(
        la_browser,
        f"/staff/you-said/{entry_id}",
        PUBLISH,
    )
    counted = soup(la_browser.get("/staff/area")).select_one("#you-said-count")
    assert counted.strong.get_text() == "1"
    assert "provider has published" in counted.get_text()


def test_the_reading_gate_uses_the_youngest_pupils_the_provider_has(
    world: World, clock: Clock
) -> None:
    # No pupils yet: the youngest band, to be safe.
    assert run(reading_band(world.la, world.provider)) == "years_4_6"
    run(Placement.insert(placement_row(world, clock, year_group=10, pupil_reference="OAK-10")))
    assert run(reading_band(world.la, world.provider)) == "years_10_11"
    run(Placement.insert(placement_row(world, clock, year_group=8, pupil_reference="OAK-8")))
    assert run(reading_band(world.la, world.provider)) == "years_7_9"
    # A sentence fine for years 10 and 11 but too long for years 4 to 6.
    long = (
        "We now meet every pupil at the gate each day and walk with them to the room they like"
        " best."
    )
    assert check_wording({"you_said": SAID, "we_did": long}, "years_10_11")[1] == []
    problems = [
        e.message for e in check_wording({"you_said": SAID, "we_did": long}, "years_4_6")[1]
    ]
    assert (
        "What you changed has a sentence of 20 words: pupils in years 4 to 6 need 14 words or fewer"
        in problems
    )


NAME = "what looks like a person's name (a capitalised word)"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Email jo.smith@example.com for help.", ["an email address"]),
        ("Call 01234 567890.", ["a phone number"]),
        ("We moved to RG12 9AB.", ["a postcode"]),
        ("She was born 03/04/2015.", ["a date (it could be a birthday)"]),
        ("Miss Patel asked us.", ["a person's name (Mr, Mrs, Ms, Miss or Dr and a name)"]),
        ("Pupils here said the journey was too long.", []),
        ("We start at 9 and finish at 12.", []),
        # Found from outside: each of these was published to pupils.
        ("Jamie Smith said the bus was late.", [NAME]),
        ("Kayden said the bus was late.", [NAME]),
        ("Kayden B in year 8 said he felt unsafe.", [NAME]),
        (
            "A boy in year 10 who lives on Elm Road said he was hit.",
            [NAME, "a description of one pupil (their year or where they live)"],
        ),
        ("Pupil NS2026006 said he felt unsafe.", ["something like a pupil's reference"]),
        ("<script>alert(1)</script>", ["< or > (write words only: no web page code)"]),
        ("Some pupils said lunch was too short. We now have a longer break.", []),
        ("They said the room was cold. We fixed the heating in October.", []),
        ("Pupils said Maths was hard on Monday at Green Shoots Farm.", []),
    ],
)
def test_personal_details_are_recognised_and_ordinary_words_are_not(
    text: str, found: list[str]
) -> None:
    # The provider's own name may be written with its capitals: pupils there know it.
    assert personal_details(text, "Green Shoots Farm") == found


def test_what_the_pupil_reads_about_it_meets_the_youngest_reading_target(
    client: Any, la_browser: Any, pupil: Any, starting: Issued, world: World
) -> None:
    entry_id = draft(client, world, action="submit")
    post_form(la_browser, f"/staff/you-said/{entry_id}", PUBLISH)
    pupil.get(starting.path)
    section = soup(pupil.get("/survey")).select_one("#you-said-we-did")
    lines = [tag.get_text(" ", strip=True) for tag in section.select("h2, p")]
    assert lines == ["You said, we did", SAID, DID]
    assert [c.verdict for c in check_lines("years_4_6", "opening page", lines)] == ["ok"] * 3


def test_overlong_words_are_refused_and_the_limit_named(client: Any, world: World) -> None:
    sign_in(client, world, "provider_staff")
    long = "We did this. " * 30
    refused = post_form(client, "/staff/you-said/new", {"you_said": SAID, "we_did": long})
    assert refused.status_code == 400
    error = soup(refused).select_one("#we_did-error").get_text()
    assert "What you changed must be 300 characters or fewer" in error
    assert entries() == []


def test_the_la_writes_one_on_a_providers_behalf_from_its_page(
    la_browser: Any, world: World
) -> None:
    provider_page = soup(la_browser.get(f"/staff/providers/{world.second_provider}"))
    form_page = la_browser.get(provider_page.select_one("#write-you-said")["href"])
    assert "Quay Tutors" in soup(form_page).select_one(".govuk-caption-l").get_text()
    made = post_form(
        la_browser,
        "/staff/you-said/new",
        {"provider": world.second_provider, "you_said": SAID, "we_did": DID, "action": "save"},
        follow_redirects=False,
    )
    entry_id = entry_id_from(made)
    assert run(YouSaid.select(YouSaid.provider).where(YouSaid.id == entry_id).first()) == {
        "provider": world.second_provider
    }
    # The LA may publish what it wrote itself.
    page = soup(la_browser.get(f"/staff/you-said/{entry_id}"))
    assert [b["value"] for b in page.select("button[name=action]")] == ["publish", "submit", "save"]
