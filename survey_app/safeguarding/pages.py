"""Staff pages for the LA's safeguarding contact: the alert queue and comment review."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlencode

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import safeguarding_staff
from survey_app.accounts.scoping import Actor
from survey_app.ops.audit import record, refuse
from survey_app.safeguarding.alerts import acknowledge, get_alert, record_action
from survey_app.safeguarding.comments import review_comment
from survey_app.safeguarding.finding import (
    alert_spec,
    comment_spec,
    find_alerts,
    find_comments,
    is_pending,
)
from survey_app.safeguarding.triage import TriageError
from survey_app.web.listing import parse
from survey_app.web.params import ObjectId
from survey_app.web.rendering import staff_page as _page


@get("/safeguarding")
async def queue(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Template:
    """Open alerts, oldest first, a page at a time; closed ones and searches by the query
    string."""
    await record("safeguarding.queue_view", now=now, actor=actor)
    spec = await alert_spec(actor)
    query, errors = parse(spec, request.query_params)
    found, alerts = await find_alerts(actor, spec, query, errors)
    return _page("safeguarding", actor, 400 if errors else 200, found=found, alerts=alerts, now=now)


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


async def _comments_page(
    actor: Actor,
    params: Any,
    status: int = 200,
    errors: dict[int, str] | None = None,
    values: dict[int, str] | None = None,
) -> Template:
    spec = await comment_spec(actor)
    query, problems = parse(spec, params)
    found, comments = await find_comments(actor, spec, query, problems)
    return _page(
        "comments",
        actor,
        400 if problems else status,
        found=found,
        comments=comments,
        errors=errors or {},
        values=values or {},
    )


@get("/comments")
async def comments(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Template:
    """Pupils' comments waiting to be read before any report may show them, a page at a time;
    released and withheld ones by the query string."""
    await record("comments.queue_view", now=now, actor=actor)
    return await _comments_page(actor, request.query_params)


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
    # The list's filters and page as the reviewer saw them: back to the same view afterwards.
    # Only parameters are taken from the form; the path is always this list's own.
    view = {key: values[-1] for key, values in parse_qs(str(form.get("view") or "")).items()}
    try:
        await review_comment(actor, answer_id, decision, text, now)
    except TriageError as error:
        if not await is_pending(actor, answer_id):
            raise await refuse(actor, "answer", answer_id, now) from None
        return await _comments_page(
            actor, view, 400, errors={answer_id: str(error)}, values={answer_id: text}
        )
    return Redirect(path=f"/staff/comments?{urlencode(view)}" if view else "/staff/comments")


safeguarding_pages = Router(
    path="/",
    # Alerts and comments carry what a child said: the named contact (or an admin covering) only.
    guards=[safeguarding_staff],
    route_handlers=[queue, alert, acknowledge_alert, close_alert, comments, review],
)
