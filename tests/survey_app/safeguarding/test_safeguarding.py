"""Safeguarding triage: every worrying answer reaches the named contact, is acted on, audited,
escalated if left, and comments are released (or redacted, or withheld) before any report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.db.staff_tables import AuditEvent
from survey_app.db.tables import Answer, LocalAuthority, OutboxMessage, SafeguardingAlert
from survey_app.ops.schedule import run_scheduled_work
from survey_app.safeguarding.screening import matches, terms
from tests.world import (
    Clock,
    Issued,
    World,
    complete_survey,
    give_responses,
    post_form,
    run,
    sign_in,
)


@pytest.fixture
def la_addresses(world: World) -> None:
    """The LA's safeguarding and main contact addresses, where alerts and escalations go."""
    run(
        LocalAuthority.update(
            {
                LocalAuthority.safeguarding_email: "safeguarding@westshire.example",
                LocalAuthority.contact_email: "ap-team@westshire.example",
            }
        ).where(LocalAuthority.id == world.la)
    )


PAYLOADS = [
    line
    for line in (Path(__file__).parents[2] / "data" / "xss_payloads.txt").read_text().splitlines()
    if line
]


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("He HIT ME in the corridor", ["hit me"]),
        ("i was scared", ["scared"]),
        ("Self-harm", ["self harm"]),
        ("They kept shouting at me", []),
        ("Learned to cook pasta", []),
    ],
)
def test_screening_matches_listed_words_whatever_the_case_and_punctuation(
    text: str, found: list[str]
) -> None:
    assert matches(text) == found


@pytest.mark.no_database
def test_the_maintained_list_loads_without_notes_or_blanks() -> None:
    assert len(terms()) >= 30 and all(term and not term.startswith("#") for term in terms())


def test_screened_text_raises_an_alert_and_emails_the_contact_without_the_words(
    pupil: Any, issued: Issued, la_addresses: None
) -> None:
    complete_survey(
        pupil, issued.path, "end_years_4_6", {"anything_else": "An older boy hit me at break."}
    )
    alert = run(SafeguardingAlert.select().first())
    assert alert["reason"] == "words" and alert["matched_terms"] == "hit me"
    email = run(OutboxMessage.select().where(OutboxMessage.kind == "safeguarding").first())
    assert email["recipient"] == "safeguarding@westshire.example"
    assert "hit me" not in email["body"] and f"/staff/safeguarding/{alert['id']}" in email["body"]


def test_contact_acknowledges_then_records_an_action_each_step_audited(
    client: Any, pupil: Any, issued: Issued, world: World
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    alert_id = run(SafeguardingAlert.select(SafeguardingAlert.id).first())["id"]
    sign_in(client, world, "safeguarding")
    queue = BeautifulSoup(client.get("/staff/safeguarding").text, "html.parser")
    assert queue.select_one(f'tr[data-alert="{alert_id}"]')["data-status"] == "new"
    detail = BeautifulSoup(client.get(f"/staff/safeguarding/{alert_id}").text, "html.parser")
    assert detail.select_one("#pupil-words").get_text(strip=True) == "Not safe"
    post_form(client, f"/staff/safeguarding/{alert_id}/acknowledge", {})
    refused = post_form(client, f"/staff/safeguarding/{alert_id}/action", {"action": "  "})
    assert refused.status_code == 400
    error = BeautifulSoup(refused.text, "html.parser").select_one(".govuk-error-summary a")
    assert error["href"] == "#action" and "what you did" in error.get_text()
    post_form(
        client, f"/staff/safeguarding/{alert_id}/action", {"action": "Called the school's DSL."}
    )
    alert = run(SafeguardingAlert.select().first())
    assert alert["status"] == "closed" and alert["action"] == "Called the school's DSL."
    actions = [row["action"] for row in run(AuditEvent.select(AuditEvent.action))]
    assert {"safeguarding.view", "safeguarding.acknowledge", "safeguarding.close"} <= set(actions)


def test_other_staff_cannot_open_the_queue(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    assert client.get("/staff/safeguarding").status_code == 404
    assert client.get("/staff/comments").status_code == 404


def test_an_alert_left_unacknowledged_escalates_once(
    pupil: Any, issued: Issued, settings: Any, clock: Clock, la_addresses: None
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    run(run_scheduled_work(settings, clock.now, None))
    assert run(OutboxMessage.count().where(OutboxMessage.kind == "escalation")) == 0
    clock.advance(hours=settings.safeguarding_escalation_hours + 1)
    run(run_scheduled_work(settings, clock.now, None))
    run(run_scheduled_work(settings, clock.now, None))
    escalations = run(OutboxMessage.select().where(OutboxMessage.kind == "escalation"))
    # The LA's main contact and its administrators; each is told once.
    assert sorted(m["recipient"] for m in escalations) == [
        "ap-team@westshire.example",
        "la_admin@example.test",
    ]
    assert run(SafeguardingAlert.select().first())["escalated_at"] is not None


def test_an_acknowledged_alert_does_not_escalate(
    client: Any, pupil: Any, issued: Issued, world: World, settings: Any, clock: Clock
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    alert_id = run(SafeguardingAlert.select(SafeguardingAlert.id).first())["id"]
    sign_in(client, world, "safeguarding")
    post_form(client, f"/staff/safeguarding/{alert_id}/acknowledge", {})
    clock.advance(hours=settings.safeguarding_escalation_hours + 1)
    run(run_scheduled_work(settings, clock.now, None))
    assert run(OutboxMessage.count().where(OutboxMessage.kind == "escalation")) == 0


def test_redacted_comments_appear_as_released_and_withheld_ones_never(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 5, comment="Mr Smith at the farm was great.")
    give_responses(world, settings, clock, 1, comment="I hated it.", prefix="W")
    sign_in(client, world, "safeguarding")
    pending = run(Answer.select(Answer.id, Answer.text).where(Answer.review_status == "pending"))
    for row in pending:
        if row["text"] == "I hated it.":
            post_form(client, f"/staff/comments/{row['id']}", {"decision": "withhold"})
        else:
            post_form(
                client,
                f"/staff/comments/{row['id']}",
                {"decision": "release", "released_text": "[name] at the farm was great."},
            )
    client.cookies.clear()
    # Providers see comments once published, at the end of the term they were sent in.
    clock.now = dt.datetime(2027, 1, 6, 10, 0, tzinfo=dt.UTC)
    sign_in(client, world, "provider_staff")
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    shown = {b.get_text(strip=True) for b in soup.select("#comments blockquote")}
    assert shown == {"[name] at the farm was great."}
    audit = [row["action"] for row in run(AuditEvent.select(AuditEvent.action))]
    assert audit.count("comment.release_redacted") == 5 and audit.count("comment.withhold") == 1


def test_a_release_with_no_text_is_refused_and_changes_nothing(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, comment="It was fine.")
    answer_id = run(Answer.select(Answer.id).where(Answer.text.is_not_null()).first())["id"]
    sign_in(client, world, "safeguarding")
    refused = post_form(
        client, f"/staff/comments/{answer_id}", {"decision": "release", "released_text": " "}
    )
    assert refused.status_code == 400
    assert run(Answer.select(Answer.review_status).where(Answer.id == answer_id).first()) == {
        "review_status": "pending"
    }


def test_comments_are_escaped_everywhere_they_are_shown(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    for number, payload in enumerate(PAYLOADS):
        give_responses(world, settings, clock, 1, comment=payload, prefix=f"X{number}")
    run(
        Answer.update({Answer.review_status: "released", Answer.released_text: Answer.text}).where(
            Answer.review_status == "pending"
        )
    )
    sign_in(client, world, "la_officer")
    pages = [
        client.get(f"/staff/providers/{world.provider}").text,
        client.get(f"/staff/schools/{world.school}/report").text,
    ]
    for html in pages:
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.select(
            "iframe, object, embed, marquee, details[ontoggle], input[autofocus]"
        )
        assert all(not script.string for script in soup.select("script")), "only our own files"
        assert not [
            (tag.name, name)
            for tag in soup.find_all(True)
            for name in tag.attrs
            if name.startswith("on")
        ]
        assert not soup.select('a[href^="javascript:"], form[action^="javascript:"]')
    provider_page = BeautifulSoup(pages[0], "html.parser")
    shown = {b.get_text() for b in provider_page.select("#comments blockquote")}
    assert shown == set(PAYLOADS), "each comment appears as the text the pupil wrote"


def test_alerts_from_older_pupils_use_their_band_wording(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    from tests.world import issue_for_year

    older = issue_for_year(world, settings, clock, year_group=9, reference="ASH-9")
    complete_survey(pupil, older.path, "end_years_7_9", {"talk_to_someone": "yes"})
    alert = run(SafeguardingAlert.select().first())
    assert alert["reason"] == "answer" and alert["answer_value"] == "yes"
    assert clock.now - alert["raised_at"] < dt.timedelta(minutes=1)


def test_the_alert_keeps_what_the_pupil_wrote_when_they_take_it_back_or_another_browser_sends(
    app: Any, pupil: Any, issued: Issued, la_addresses: None, client: Any, world: World
) -> None:
    # Found from outside: a child wrote a disclosure, then changed it to "nothing"; and another
    # browser on the same link sent a near-empty survey over it. The alert page then read
    # "nothing", or "(the pupil has since removed this answer)": the adult lost the words.
    from litestar.testing import TestClient

    from tests.world import question_number

    number = question_number("end_years_4_6", "anything_else")
    first = "my tutor keeps messaging me on snapchat and told me not to tell anyone"
    second = "my step dad hits me when he is drunk"
    pupil.get(issued.path)
    post_form(pupil, f"/survey/q/{number}", {"answer": first})
    post_form(pupil, f"/survey/q/{number}", {"answer": second, "returning": "yes"})
    post_form(pupil, f"/survey/q/{number}", {"answer": "nothing", "returning": "yes"})
    with TestClient(app, base_url="http://testserver.local") as stranger:
        stranger.get(issued.path)
        safe = question_number("end_years_4_6", "felt_safe")
        post_form(stranger, f"/survey/q/{safe}", {"answer": "safe"})
        post_form(stranger, "/survey/send", {})
    (alert,) = run(SafeguardingAlert.select())
    sign_in(client, world, "safeguarding")
    page = BeautifulSoup(client.get(f"/staff/safeguarding/{alert['id']}").text, "html.parser")
    said = page.select_one("main").get_text(" ", strip=True)
    assert first in said and second in said, "every flagged thing they wrote is kept"
    assert "since removed" not in said


def test_a_pupil_who_said_not_safe_then_changed_it_stays_flagged_for_the_la_and_school(
    pupil: Any, issued: Issued, la_addresses: None, client: Any, world: World
) -> None:
    # Found from outside: the follow-up flag was read from the final answers, so "Not safe"
    # changed to "Safe" before sending left no flag on the placement or the school's page.
    from tests.world import question_number

    safe = question_number("end_years_4_6", "felt_safe")
    pupil.get(issued.path)
    post_form(pupil, f"/survey/q/{safe}", {"answer": "not_safe"})
    post_form(pupil, f"/survey/q/{safe}", {"answer": "safe", "returning": "yes"})
    post_form(pupil, "/survey/send", {})
    assert run(SafeguardingAlert.count()) == 1
    sign_in(client, world, "la_officer")
    listed = BeautifulSoup(client.get("/staff/placements").text, "html.parser")
    assert "Follow up" in listed.select_one("main").get_text()
    sign_in(client, world, "school_contact")
    school = BeautifulSoup(client.get(f"/staff/schools/{world.school}/report").text, "html.parser")
    assert school.select_one(".app-pupil-flag") is not None
