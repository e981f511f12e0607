"""Pupils answering their surveys over real HTTP, for load runs and fault tests.

Each pupil has their own cookie jar (session and CSRF cookies), follows no redirect by itself,
and records how long each request took and what came back, as a phone's browser would see it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from bs4 import BeautifulSoup

from questionnaires.schema import Questionnaire


@dataclass
class Timing:
    """One request: what kind of page, how long it took (seconds), and whether it went wrong."""

    kind: str
    seconds: float
    ok: bool
    detail: str = ""


def first_positive_answers(questionnaire: Questionnaire) -> dict[str, str]:
    """An answer for every question that raises no safeguarding alert: a calm, typical pupil."""
    answers = {}
    for question in questionnaire.questions:
        if question.kind == "text":
            answers[question.id] = "It was fine, the staff were kind and I learned to cook."
        else:
            calm = [o for o in question.options if not o.safeguarding]
            answers[question.id] = calm[0].value
    return answers


@dataclass
class Pupil:
    """One pupil's phone: a cookie jar and a record of every request."""

    client: httpx.AsyncClient
    link_path: str
    questionnaire: Questionnaire
    answers: dict[str, str]
    timings: list[Timing] = field(default_factory=list)
    #: Question numbers whose answer the server acknowledged (a redirect onwards).
    acknowledged: set[int] = field(default_factory=set)
    sent: bool = False
    on_request: Callable[[Timing], None] | None = None
    #: The invitation's id, for checking what was stored.
    invitation: Any = None
    #: Seconds a pupil spends reading before each tap (on average; 0 taps at once). Pages that
    #: follow a redirect are loaded at once, as a browser does.
    think: float = 0.0

    async def _request(self, kind: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            timing = Timing(kind, time.perf_counter() - started, False, type(error).__name__)
            self._record(timing)
            raise
        ok = response.status_code < 400
        detail = "" if ok else f"HTTP {response.status_code}"
        self._record(Timing(kind, time.perf_counter() - started, ok, detail))
        return response

    def _record(self, timing: Timing) -> None:
        self.timings.append(timing)
        if self.on_request is not None:
            self.on_request(timing)

    async def get(self, path: str, kind: str = "page") -> httpx.Response:
        return await self._request(kind, "GET", path)

    async def post(self, path: str, data: dict[str, str], kind: str = "answer") -> httpx.Response:
        if self.think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.think)
        token = self.client.cookies.get("lv_csrf") or ""
        return await self._request(kind, "POST", path, data={**data, "_csrf_token": token})

    async def open_link(self) -> None:
        """Scan the QR code: the link moves into a session cookie, then the opening page."""
        response = await self.get(self.link_path, kind="open link")
        expect(response, 302, "/survey")
        expect(await self.get("/survey"), 200)

    async def answer(self, number: int) -> None:
        """Load one question's page and answer (or skip) it."""
        expect(await self.get(f"/survey/q/{number}"), 200)
        question = self.questionnaire.questions[number - 1]
        value = self.answers.get(question.id)
        data = {"answer": value} if value else {"skip": "yes"}
        response = await self.post(f"/survey/q/{number}", data)
        expect(response, 302)
        self.acknowledged.add(number)

    async def send(self) -> None:
        """Check the answers and send them; a 302 to the thank-you page is the acknowledgement."""
        expect(await self.get("/survey/check"), 200)
        response = await self.post("/survey/send", {}, kind="send")
        expect(response, 302, "/survey/thanks")
        self.sent = True
        expect(await self.get("/survey/thanks"), 200)

    async def complete(self) -> None:
        """The whole survey, from the QR code to the thank-you page."""
        await self.open_link()
        for number in range(1, len(self.questionnaire.questions) + 1):
            await self.answer(number)
        await self.send()

    async def carry_on(self) -> None:
        """After a fault: answer what the server did not acknowledge, then send.

        A send that reached the database just before the fault shows "already answered": that
        pupil is finished too.
        """
        if self.sent:
            return
        for number in range(1, len(self.questionnaire.questions) + 1):
            if number not in self.acknowledged:
                if already_answered(await self.get(f"/survey/q/{number}")):
                    self.sent = True
                    return
                await self.answer(number)
        await self.send()


def already_answered(response: httpx.Response) -> bool:
    """Whether this is the page saying the survey was already sent."""
    title = BeautifulSoup(response.text, "html.parser").title
    return title is not None and title.get_text().startswith("You have sent your answers")


class UnexpectedResponse(Exception):
    """The server answered, but not as a working survey would."""

    def __init__(self, response: httpx.Response, wanted: str) -> None:
        super().__init__(
            f"{response.request.method} {response.request.url.path}: wanted {wanted}, "
            f"got {response.status_code} {response.headers.get('location', '')}"
        )
        self.response = response


def expect(response: httpx.Response, status: int, location: str | None = None) -> None:
    """Raise unless the response has this status (and, for a redirect, goes there)."""
    if response.status_code != status or (
        location is not None and response.headers.get("location") != location
    ):
        raise UnexpectedResponse(response, f"{status} {location or ''}".strip())
