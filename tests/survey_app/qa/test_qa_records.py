"""Keeping a provider's QA record: every change kept, visits and actions, bad input named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import ProviderRecord, QAAction, QARecordChange, QAVisit
from tests.world import Clock, World, give_responses, post_form, run, sign_in


async def record_of(world: World, provider: int) -> Any:
    """The first LA's record of the provider, straight from the table."""
    return await (
        ProviderRecord.select()
        .where(ProviderRecord.provider == provider, ProviderRecord.local_authority == world.la)
        .first()
    )


RECORD = {
    "registration_status": "unregistered",
    "offer_types": ["vocational", "mentoring"],
    "qa_stage": "approved",
    "rag_rating": "amber",
    "rag_rated_on": "2026-10-01",
    "reason": "Attendance records incomplete.",
}
VISIT = {
    "visited_on": "2026-11-20",
    "kind": "spot_check",
    "officers": "J. Patel",
    "summary": "Unannounced visit.",
    "learner_voice_discussed": "yes",
    "learner_voice_note": "Half of learners did not feel safe; manager agreed a plan.",
    "action_1": "Risk assessment for each machine",
    "action_1_due": "2026-12-04",
}


def test_rating_change_is_kept_as_history_and_shown_for_each_term(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 5, when=clock.now - dt.timedelta(days=300), prefix="OLD")
    give_responses(world, settings, clock, 5)
    sign_in(client, world, "la_officer")
    saved = post_form(client, f"/staff/providers/{world.provider}/qa", RECORD)
    banner = BeautifulSoup(saved.text, "html.parser").select_one("#saved")
    assert banner is not None and "saved" in banner.get_text()
    provider = run(record_of(world, world.provider))
    assert provider["rag_rating"] == "amber" and provider["offer_types"] == "mentoring,vocational"
    changes = run(QARecordChange.select().where(QARecordChange.field == "rag_rating"))
    assert [(c["old_value"], c["new_value"], str(c["effective_on"])) for c in changes] == [
        ("green", "amber", "2026-10-01")
    ]
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    ratings = [tr.select("td")[-1].get_text(strip=True) for tr in soup.select("#terms tbody tr")]
    assert ratings == ["Green", "Amber"], "green until the change took effect on 1 October"
    history = BeautifulSoup(client.get(f"/staff/providers/{world.provider}/qa").text, "html.parser")
    assert {tr["data-field"] for tr in history.select("#history tbody tr")} == {
        "rag_rating",
        "offer_types",
    }


def test_bad_record_input_is_named_and_changes_nothing(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    bad = {**RECORD, "rag_rating": "purple", "offer_types": [], "rag_rated_on": "2027-01-01"}
    response = post_form(client, f"/staff/providers/{world.provider}/qa", bad)
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert {a["href"] for a in soup.select(".govuk-error-summary a")} == {
        "#rag_rating",
        "#offer_types",
        "#rag_rated_on",
    }
    assert run(QARecordChange.count()) == 0
    assert run(record_of(world, world.provider))["rag_rating"] == "green"


def test_a_visit_records_learner_voice_discussion_and_actions_once(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    for _ in range(2):  # a double click, or a retry after a timeout
        post_form(client, f"/staff/providers/{world.provider}/visits", VISIT)
    assert run(QAVisit.count()) == 1 and run(QAAction.count()) == 1
    visit = run(QAVisit.select().first())
    assert visit["learner_voice_discussed"] and "Half of learners" in visit["learner_voice_note"]
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    assert "Risk assessment for each machine" in soup.select_one("#qa-record").get_text()
    action = run(QAAction.select(QAAction.id).first())["id"]
    post_form(client, f"/staff/providers/{world.provider}/actions/{action}/done", {})
    assert run(QAAction.select(QAAction.status).first())["status"] == "done"
    last = run(record_of(world, world.provider))
    assert str(last["last_visit_on"]) == "2026-11-20"


def test_a_visit_note_is_required_when_results_were_discussed(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    response = post_form(
        client,
        f"/staff/providers/{world.provider}/visits",
        {**VISIT, "learner_voice_note": "", "action_1_due": "soon"},
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert {a["href"] for a in soup.select(".govuk-error-summary a")} == {
        "#learner_voice_note",
        "#action_1_due",
    }
    assert run(QAVisit.count()) == 0


def test_only_la_officers_and_admins_keep_the_record(client: Any, world: World) -> None:
    for who in ("provider_staff", "school_contact"):
        client.cookies.clear()
        sign_in(client, world, who)
        assert client.get(f"/staff/providers/{world.provider}/qa").status_code == 404
        assert post_form(client, f"/staff/providers/{world.provider}/qa", RECORD).status_code == 404
    assert run(QARecordChange.count()) == 0
