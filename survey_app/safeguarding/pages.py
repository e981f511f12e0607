"""Staff pages for the LA's safeguarding contact: the alert queue and comment review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import safeguarding_staff
from survey_app.accounts.scoping import Actor
from survey_app.ops.audit import record, refuse
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.safeguarding.triage import (
    TriageError,
    acknowledge,
    alert_queue,
    comment_queue,
    get_alert,
    record_action,
    review_comment,
)
from survey_app.web.params import ObjectId
from survey_app.web.rendering import staff_page as _page


@get("/safeguarding")
async def queue(actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]) -> Template:
    """Alerts waiting (oldest first) and those recently closed."""
    await record("safeguarding.queue_view", now=now, actor=actor)
    return _page("safeguarding", actor, alerts=await alert_queue(actor), now=now)


@get("/safeguarding/{alert_id:int}")
async def alert(
    actor: NamedDependency[Actor], now: NamedDependency[dt.datetime], alert_id: ObjectId
) -> Template:
    """One alert: what the pupil said, where, and what has been done."""
    view = await get_alert(actor, alert_id)
    if view is None:
        raise await refuse(actor, "safeguarding_alert", alert_id, now)
    await record(
        "safeguarding.view",
        now=now,
        actor=actor,
        object_type="safeguarding_alert",
        object_id=alert_id,
    )
    return _page("safeguarding_alert", actor, alert=view, error=None, action="")


@post("/safeguarding/{alert_id:int}/acknowledge")
async def acknowledge_alert(
    actor: NamedDependency[Actor], now: NamedDependency[dt.datetime], alert_id: ObjectId
) -> Response[Any]:
    """Say you are dealing with it, so it does not escalate."""
    if await get_alert(actor, alert_id) is None:
        raise await refuse(actor, "safeguarding_alert", alert_id, now)
    await acknowledge(actor, alert_id, now)
    return Redirect(path=f"/staff/safeguarding/{alert_id}")


@post("/safeguarding/{alert_id:int}/action")
async def close_alert(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    alert_id: ObjectId,
) -> Response[Any]:
    """Record what was done, which closes the alert."""
    view = await get_alert(actor, alert_id)
    if view is None:
        raise await refuse(actor, "safeguarding_alert", alert_id, now)
    form = await request.form()
    action = str(form.get("action") or "")
    try:
        await record_action(actor, alert_id, action, now)
    except TriageError as error:
        return _page("safeguarding_alert", actor, 400, alert=view, error=str(error), action=action)
    return Redirect(path="/staff/safeguarding")


@get("/comments")
async def comments(actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]) -> Template:
    """Pupils' comments waiting to be read before any report may show them."""
    await record("comments.queue_view", now=now, actor=actor)
    return _page(
        "comments",
        actor,
        pending=await comment_queue(actor, ReviewStatus.PENDING),
        released=await comment_queue(actor, ReviewStatus.RELEASED),
        errors={},
        values={},
    )


@post("/comments/{answer_id:int}")
async def review(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    answer_id: ObjectId,
) -> Response[Any]:
    """Release a comment (edited to redact anything identifying) or withhold it."""
    form = await request.form()
    decision = str(form.get("decision") or "")
    text = str(form.get("released_text") or "")
    try:
        await review_comment(actor, answer_id, decision, text, now)
    except TriageError as error:
        pending = await comment_queue(actor, ReviewStatus.PENDING)
        if not any(c.answer_id == answer_id for c in pending):
            raise await refuse(actor, "answer", answer_id, now) from None
        return _page(
            "comments",
            actor,
            400,
            pending=pending,
            released=await comment_queue(actor, ReviewStatus.RELEASED),
            errors={answer_id: str(error)},
            values={answer_id: text},
        )
    return Redirect(path="/staff/comments")


safeguarding_pages = Router(
    path="/",
    # Alerts and comments carry what a child said: the named contact (or an admin covering) only.
    guards=[safeguarding_staff],
    route_handlers=[queue, alert, acknowledge_alert, close_alert, comments, review],
)
