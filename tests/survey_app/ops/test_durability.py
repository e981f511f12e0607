"""Nothing a pupil was told is saved is ever lost or doubled: a killed server, a restarted
database, and a storm of repeated sends, all against the real server in its own process."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from questionnaires.loader import current
from survey_app.db.tables import Answer, DraftAnswer, Response
from tests.live_data import open_surveys
from tests.live_server import LiveServer
from tests.pupils import Pupil, UnexpectedResponse, first_positive_answers
from tests.world import postgres_cluster, run


@pytest.fixture
def server(live_env: dict[str, str]) -> Iterator[LiveServer]:
    live = LiveServer(live_env).start()
    yield live
    live.stop()


def pupils_for(settings: Any, server: LiveServer, count: int) -> list[Pupil]:
    """``count`` pupils with open surveys, each with their own phone (cookie jar)."""
    pupils = []
    for survey in run(open_surveys(settings, count, dt.datetime.now(dt.UTC))):
        questionnaire = current(survey["questionnaire_id"])
        pupil = Pupil(
            httpx.AsyncClient(base_url=server.url, timeout=30),
            survey["link_path"],
            questionnaire,
            first_positive_answers(questionnaire),
            invitation=survey["id"],
        )
        pupils.append(pupil)
    return pupils


def stored(pupils: list[Pupil]) -> dict[Any, list[dict[str, Any]]]:
    """Each pupil's stored responses, with their answers, by invitation."""
    ids = [p.invitation for p in pupils]
    responses = run(
        Response.select(Response.id, Response.invitation).where(Response.invitation.is_in(ids))
    )
    answers = Counter(
        row["response"]
        for row in run(
            Answer.select(Answer.response).where(
                Answer.response.is_in([r["id"] for r in responses] or [0])
            )
        )
    )
    found: dict[Any, list[dict[str, Any]]] = {i: [] for i in ids}
    for response in responses:
        found[response["invitation"]].append({**response, "answers": answers[response["id"]]})
    return found


def assert_each_sent_exactly_once(pupils: list[Pupil]) -> None:
    found = stored(pupils)
    for pupil in pupils:
        responses = found[pupil.invitation]
        assert len(responses) == 1, f"{pupil.link_path}: {len(responses)} responses"
        assert responses[0]["answers"] == len(pupil.questionnaire.questions)


async def finish(pupils: list[Pupil]) -> None:
    await asyncio.gather(*(p.carry_on() for p in pupils))
    for pupil in pupils:
        await pupil.client.aclose()


def test_a_killed_server_keeps_every_acknowledged_answer_and_doubles_none(
    settings: Any, server: LiveServer
) -> None:
    pupils = pupils_for(settings, server, 24)

    async def scenario() -> None:
        async def one(pupil: Pupil) -> None:
            try:
                await pupil.complete()
            except (httpx.HTTPError, UnexpectedResponse):
                pass  # the server died under this pupil's phone

        async def killer() -> None:
            # Mid-submit: a quarter have been thanked, the rest are answering or sending.
            while sum(p.sent for p in pupils) < len(pupils) // 4:
                await asyncio.sleep(0.002)
            server.kill()

        await asyncio.gather(killer(), *(one(p) for p in pupils))
        await asyncio.to_thread(everything_acknowledged_is_stored, pupils)
        await asyncio.to_thread(server.start)
        await finish([p for p in pupils if not p.sent])

    run(scenario())
    assert all(p.sent for p in pupils)
    assert_each_sent_exactly_once(pupils)
    assert run(DraftAnswer.count()) == 0, "sent drafts become the response, once"


def everything_acknowledged_is_stored(pupils: list[Pupil]) -> None:
    """Straight after the kill: every thanked pupil's response, every acknowledged answer."""
    unfinished = [p for p in pupils if not p.sent]
    assert 0 < len(unfinished) < len(pupils), "the kill must land mid-way"
    found = stored(pupils)
    assert_each_sent_exactly_once([p for p in pupils if p.sent])
    drafts = {
        (row["invitation"], row["question_id"])
        for row in run(DraftAnswer.select(DraftAnswer.invitation, DraftAnswer.question_id))
    }
    for pupil in unfinished:
        if found[pupil.invitation]:
            continue  # its send was saved in the instant before the kill, unacknowledged
        for number in pupil.acknowledged:
            question = pupil.questionnaire.questions[number - 1].id
            assert (pupil.invitation, question) in drafts


def test_a_storm_of_repeated_sends_stores_one_response_each(
    settings: Any, server: LiveServer
) -> None:
    pupils = pupils_for(settings, server, 30)

    async def storm() -> list[httpx.Response]:
        async def answer_all(pupil: Pupil) -> None:
            await pupil.open_link()
            for number in range(1, len(pupil.questionnaire.questions) + 1):
                await pupil.answer(number)

        await asyncio.gather(*(answer_all(p) for p in pupils))
        # Every pupil taps "Send" ten times at once, as on a phone that seems to hang.
        sends = await asyncio.gather(
            *(p.post("/survey/send", {}, kind="send") for p in pupils for _ in range(10))
        )
        for pupil in pupils:
            await pupil.client.aclose()
        return sends

    sends = run(storm())
    assert {(s.status_code, s.headers.get("location")) for s in sends} == {
        (302, "/survey/thanks")
    }, "every tap is told the survey was sent"
    assert_each_sent_exactly_once(pupils)


def unavailable(response: httpx.Response) -> bool:
    """The plain 'could not save that just now' page, with a time to retry after."""
    heading = BeautifulSoup(response.text, "html.parser").h1
    return (
        response.status_code == 503
        and int(response.headers["retry-after"]) > 0
        and heading is not None
        and "could not save that just now" in heading.get_text()
    )


def test_pupils_see_a_clear_error_while_postgresql_restarts_and_their_retry_succeeds(
    settings: Any, server: LiveServer
) -> None:
    cluster = postgres_cluster()
    if cluster is None:
        pytest.skip("restarting the database applies to PostgreSQL; SQLite is in-process")
    pupils = pupils_for(settings, server, 8)

    async def scenario() -> list[httpx.Response]:
        async def halfway(pupil: Pupil) -> None:
            await pupil.open_link()
            for number in range(1, len(pupil.questionnaire.questions) // 2 + 1):
                await pupil.answer(number)

        await asyncio.gather(*(halfway(p) for p in pupils))
        await asyncio.to_thread(cluster.crash)
        try:
            refused = await asyncio.gather(
                *(p.post(f"/survey/q/{max(p.acknowledged) + 1}", {"skip": "yes"}) for p in pupils)
            )
        finally:
            await asyncio.to_thread(cluster.launch)
        await finish(pupils)
        return list(refused)

    refused = run(scenario())
    assert all(unavailable(r) for r in refused), [r.status_code for r in refused]
    assert_each_sent_exactly_once(pupils)
