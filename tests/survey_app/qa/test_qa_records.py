"""Keeping a provider's QA record: every change kept, visits and actions, bad input named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.qa_tables import QAAction, QARecordChange, QAVisit
from survey_app.db.tables import ProviderRecord
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


def rated(world: World, rating: str, on: dt.date, reason: str = "") -> None:
    """The first LA's record as it stood before this change: rated, with no history yet."""
    run(
        ProviderRecord.update(
            {
                ProviderRecord.rag_rating: rating,
                ProviderRecord.rag_rated_on: on,
                ProviderRecord.rag_reason: reason,
            }
        ).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )


def test_a_new_rating_needs_its_reason_and_is_not_backdated_to_the_old_one(
    client: Any, world: World, clock: Clock
) -> None:
    rated(world, "green", dt.date(2026, 3, 1), "Good first visit.")
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get(f"/staff/providers/{world.provider}/qa").text, "html.parser")
    assert page.select_one("#rag_rated_on").get("value", "") == "", "not the old rating's date"
    assert page.select_one("#reason").get_text() == "", "the old reason does not carry over"
    to_amber = {**RECORD, "rag_rated_on": "", "reason": ""}
    refused = post_form(client, f"/staff/providers/{world.provider}/qa", to_amber)
    assert refused.status_code == 400
    errors = BeautifulSoup(refused.text, "html.parser").select(".govuk-error-summary a")
    assert [(a["href"], a.get_text(strip=True)) for a in errors] == [
        ("#reason", "Give the reason for changing the rating from Green to Amber")
    ]
    assert run(record_of(world, world.provider))["rag_rating"] == "green"
    assert run(QARecordChange.count()) == 0

    post_form(client, f"/staff/providers/{world.provider}/qa", {**to_amber, "reason": "Late."})
    now = run(record_of(world, world.provider))
    assert (now["rag_rating"], now["rag_rated_on"], now["rag_reason"]) == (
        "amber",
        clock.now.date(),
        "Late.",
    )
    change = run(QARecordChange.select().where(QARecordChange.new_value == "amber").first())
    assert change["effective_on"] == clock.now.date(), "a new rating takes effect today"


def test_a_new_rating_cannot_take_effect_before_the_one_it_replaces(
    client: Any, world: World
) -> None:
    rated(world, "green", dt.date(2026, 10, 5))
    sign_in(client, world, "la_officer")
    refused = post_form(client, f"/staff/providers/{world.provider}/qa", RECORD)  # 1 October
    assert refused.status_code == 400
    errors = BeautifulSoup(refused.text, "html.parser").select(".govuk-error-summary a")
    assert [a["href"] for a in errors] == ["#rag_rated_on"]
    assert "5 October 2026" in errors[0].get_text()
    assert run(QARecordChange.count()) == 0


def test_correcting_a_ratings_date_or_reason_is_kept_in_the_history(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.provider}/qa", RECORD)  # amber from 1 October
    corrected = {**RECORD, "rag_rated_on": "2026-10-08", "reason": ""}
    post_form(client, f"/staff/providers/{world.provider}/qa", corrected)
    post_form(
        client,
        f"/staff/providers/{world.provider}/qa",
        {**RECORD, "rag_rated_on": "", "reason": "Attendance records incomplete for Year 10."},
    )
    now = run(record_of(world, world.provider))
    assert str(now["rag_rated_on"]) == "2026-10-08"
    assert now["rag_reason"] == "Attendance records incomplete for Year 10."
    rows = run(QARecordChange.select().order_by(QARecordChange.id))
    assert [(r["field"], r["old_value"], r["new_value"]) for r in rows[-2:]] == [
        ("rag_rated_on", "2026-10-01", "2026-10-08"),
        ("rag_reason", "", ""),
    ]
    assert rows[-1]["reason"] == "Attendance records incomplete for Year 10."
    history = BeautifulSoup(client.get(f"/staff/providers/{world.provider}/qa").text, "html.parser")
    what = [tr.select("td")[1].get_text(strip=True) for tr in history.select("#history tbody tr")]
    assert what[:2] == ["Reason for the rating (corrected)", "Date of the rating (corrected)"]


def test_a_corrected_date_moves_the_rating_shown_for_each_term(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 5, when=clock.now - dt.timedelta(days=120), prefix="S")
    give_responses(world, settings, clock, 5)
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.provider}/qa", {**RECORD, "rag_rated_on": ""})
    post_form(client, f"/staff/providers/{world.provider}/qa", {**RECORD, "reason": ""})
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    ratings = [tr.select("td")[-1].get_text(strip=True) for tr in soup.select("#terms tbody tr")]
    assert ratings == ["Green", "Amber"], "amber from the corrected 1 October"
    june = {**RECORD, "rag_rated_on": "2026-06-01", "reason": ""}
    post_form(client, f"/staff/providers/{world.provider}/qa", june)
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    ratings = [tr.select("td")[-1].get_text(strip=True) for tr in soup.select("#terms tbody tr")]
    assert ratings == ["Amber", "Amber"], "amber from the corrected 1 June"


def test_terms_before_a_provider_was_first_rated_are_not_rated(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Rated green on 1 September, before the record kept its history (as data from before it).
    rated(world, "green", dt.date(2026, 9, 1))
    give_responses(world, settings, clock, 5, when=clock.now - dt.timedelta(days=300), prefix="OLD")
    give_responses(world, settings, clock, 5)
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.provider}/qa", {**RECORD, "rag_rated_on": ""})
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    ratings = [tr.select("td")[-1].get_text(strip=True) for tr in soup.select("#terms tbody tr")]
    assert ratings == ["Not yet rated", "Amber"], "a year before anyone rated it, not green"


def test_the_mark_done_button_is_not_the_headers_white_link(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.provider}/visits", VISIT)
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}/qa").text, "html.parser")
    button = soup.select_one(".app-visit form button")
    assert button is not None and "Mark done" in button.get_text()
    assert "app-link-button--body" in button["class"]


def test_a_corrected_date_cannot_move_a_rating_before_the_one_it_replaced(
    client: Any, world: World
) -> None:
    # Found from outside: a correction of the date alone skipped the rule a new rating obeys,
    # so Amber could be backdated over Green and every term's "Rating then" read wrong.
    rated(world, "green", dt.date(2026, 9, 1))
    sign_in(client, world, "la_officer")
    to_amber = {**RECORD, "rag_rated_on": "2026-10-20", "reason": "Late."}
    assert post_form(client, f"/staff/providers/{world.provider}/qa", to_amber).status_code == 200
    changes = run(QARecordChange.count())
    backdated = {**RECORD, "rag_rated_on": "2026-03-01", "reason": ""}
    refused = post_form(client, f"/staff/providers/{world.provider}/qa", backdated)
    assert refused.status_code == 400
    errors = BeautifulSoup(refused.text, "html.parser").select(".govuk-error-summary a")
    assert [a["href"] for a in errors] == ["#rag_rated_on"]
    assert "1 September 2026" in errors[0].get_text()
    assert str(run(record_of(world, world.provider))["rag_rated_on"]) == "2026-10-20"
    assert run(QARecordChange.count()) == changes, "a refused correction changes nothing"
    later = {**RECORD, "rag_rated_on": "2026-10-02", "reason": ""}
    assert post_form(client, f"/staff/providers/{world.provider}/qa", later).status_code == 200
    assert str(run(record_of(world, world.provider))["rag_rated_on"]) == "2026-10-02"
