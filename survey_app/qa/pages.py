"""Staff pages for keeping a provider's QA record: the record, visits, actions and history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import qa_editors
from survey_app.accounts.scoping import Actor
from survey_app.ops.audit import refuse
from survey_app.placements.rules import FieldError
from survey_app.qa.forms import (
    MAX_ACTIONS_PER_VISIT,
    VISIT_KINDS,
    update_from_form,
    visit_from_form,
)
from survey_app.qa.records import HISTORY_FIELDS, editable_provider, rating_date_problems
from survey_app.qa.records import update_record as apply_update
from survey_app.qa.visits import complete_action, record_visit, visits_and_history
from survey_app.time_in_england import today_in_england
from survey_app.web.display import OFFER_TYPE, QA_STAGE, RAG, REGISTRATION_STATUS
from survey_app.web.params import ObjectId


async def _qa_page(
    actor: Actor,
    provider: dict[str, Any],
    *,
    record_errors: list[FieldError] | None = None,
    visit_errors: list[FieldError] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
    saved: str | None = None,
) -> Template:
    return Template(
        template_name="staff/qa_record.html",
        context={
            "actor": actor,
            "provider": provider,
            "offer_types": [o for o in provider["offer_types"].split(",") if o],
            "registration_statuses": REGISTRATION_STATUS,
            "offer_choices": OFFER_TYPE,
            "qa_stages": QA_STAGE,
            "ratings": RAG,
            "visit_kinds": VISIT_KINDS,
            "history_fields": HISTORY_FIELDS,
            "action_numbers": range(1, MAX_ACTIONS_PER_VISIT + 1),
            "errors": (record_errors or []) + (visit_errors or []),
            "record_errors": record_errors or [],
            "visit_errors": visit_errors or [],
            "values": values or {},
            "saved": SAVED.get(saved or ""),
            **await visits_and_history(actor, provider["id"]),
        },
        status_code=status,
    )


async def _provider(actor: Actor, provider_id: int, now: dt.datetime) -> dict[str, Any]:
    provider = await editable_provider(actor, provider_id)
    if provider is None:
        raise await refuse(actor, "provider", provider_id, now)
    return provider


#: What the page says after each kind of save (the redirect names it in ``?saved=``).
SAVED = {
    "record": "The QA record is saved, and the change is in its history.",
    "visit": "The visit is recorded.",
    "action": "The action is marked done.",
}


@get("/providers/{provider_id:int}/qa")
async def qa_record(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Template:
    """The QA record with its visits, actions and full history (LA officers and admins)."""
    provider = await _provider(actor, provider_id, now)
    return await _qa_page(actor, provider, saved=request.query_params.get("saved"))


@post("/providers/{provider_id:int}/qa")
async def update_record(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Response[Any]:
    """Change the record; each changed field is kept in the history with the reason."""
    provider = await _provider(actor, provider_id, now)
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    update, errors = update_from_form(
        fields, [str(v) for v in form.getall("offer_types", [])], today_in_england(now), provider
    )
    if update is not None:
        errors = await rating_date_problems(actor, provider_id, update)
    if update is None or errors:
        return await _qa_page(actor, provider, record_errors=errors, values=fields, status=400)
    await apply_update(actor, provider_id, update, now, today_in_england(now))
    return Redirect(path=f"/staff/providers/{provider_id}/qa?saved=record")


@post("/providers/{provider_id:int}/visits")
async def add_visit(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Response[Any]:
    """Record a visit, whether the learner-voice results were discussed, and any actions."""
    provider = await _provider(actor, provider_id, now)
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    visit, errors = visit_from_form(fields, today_in_england(now))
    if visit is None:
        return await _qa_page(actor, provider, visit_errors=errors, values=fields, status=400)
    await record_visit(actor, provider_id, visit, now)
    return Redirect(path=f"/staff/providers/{provider_id}/qa?saved=visit")


@post("/providers/{provider_id:int}/actions/{action_id:int}/done")
async def action_done(
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
    action_id: ObjectId,
) -> Response[Any]:
    """Mark an action from a visit as done."""
    if not await complete_action(actor, provider_id, action_id, now, today_in_england(now)):
        raise await refuse(actor, "qa_action", action_id, now)
    return Redirect(path=f"/staff/providers/{provider_id}/qa?saved=action")


qa_pages = Router(
    path="/",
    guards=[qa_editors],
    route_handlers=[qa_record, update_record, add_visit, action_done],
)
