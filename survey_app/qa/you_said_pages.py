"""Staff pages for "You said, we did": the provider writes and submits, the LA reviews, edits,
publishes or sends back. Every form posts and redirects; a refused post changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import allow
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import Provider
from survey_app.numbers import whole
from survey_app.ops.audit import refuse
from survey_app.organisations.provider_records import named_providers
from survey_app.placements.rules import FieldError
from survey_app.qa.statuses import YouSaidStatus
from survey_app.qa.you_said import (
    FIELDS,
    MAX_CHARS,
    READERS,
    REVIEWERS,
    WRITERS,
    Decision,
    Entry,
    Wording,
    allowed,
    create,
    decide,
    entry,
    entry_spec,
    find_entries,
    provider_for,
    reading_band,
)
from survey_app.qa.you_said_references import check_entry
from survey_app.web.listing import parse
from survey_app.web.params import ObjectId
from survey_app.web.rendering import flash, take_flash

STATUS_LABELS = {
    YouSaidStatus.DRAFT: "Draft",
    YouSaidStatus.SUBMITTED: "Waiting for the council's review",
    YouSaidStatus.PUBLISHED: "Published: pupils see it",
    YouSaidStatus.WITHDRAWN: "Withdrawn",
}
#: The buttons in the order they appear: the step that moves the entry on comes first.
BUTTONS = [Decision.PUBLISH, Decision.SUBMIT, Decision.SAVE, Decision.SEND_BACK, Decision.WITHDRAW]
BUTTON_LABELS = {
    Decision.PUBLISH: "Publish",
    Decision.SUBMIT: "Send to the council for review",
    Decision.SAVE: "Save as a draft",
    Decision.SEND_BACK: "Send back to the provider",
    Decision.WITHDRAW: "Withdraw",
}
#: What the page says after each decision: carried to the entry's page through the session
#: (``flash``), never the address, where anyone could make a draft say "Published".
DONE: dict[str, str] = {
    Decision.SAVE: "Saved.",
    Decision.SUBMIT: "Sent to the council for review.",
    Decision.PUBLISH: "Published. Pupils starting at this provider will see it.",
    Decision.SEND_BACK: "Sent back to the provider with your note.",
    Decision.WITHDRAW: "Withdrawn. Pupils no longer see it.",
}


@get("/you-said")
async def you_said_list(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Provider staff: their entries. LA staff: those waiting for review first, found by status
    and provider, a page at a time (``web/listing.py``)."""
    reviewer = actor.role in REVIEWERS
    providers = (
        await named_providers(actor.local_authority_id, scope(actor, Provider)) if reviewer else []
    )
    spec = entry_spec(actor, providers, STATUS_LABELS)
    query, errors = parse(spec, request.query_params)
    found, shown = await find_entries(actor, spec, query, errors)
    return Template(
        template_name="staff/you_said_list.html",
        context={
            "actor": actor,
            "found": found,
            "entries": shown,
            "statuses": STATUS_LABELS,
            "reviewer": reviewer,
            "providers": providers,
        },
        status_code=400 if errors else 200,
    )


async def _form_page(
    actor: Actor,
    provider: dict[str, Any],
    *,
    current: Entry | None = None,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
    status: int = 200,
) -> Template:
    band = await reading_band(actor.local_authority_id, provider["id"])
    values = values or ({"you_said": current.you_said, "we_did": current.we_did} if current else {})
    return Template(
        template_name="staff/you_said.html",
        context={
            "actor": actor,
            "provider": provider,
            "entry": current,
            # In the order the buttons appear: the main action first.
            "decisions": [d for d in BUTTONS if d in allowed(actor, current.status)]
            if current
            else [Decision.SUBMIT, Decision.SAVE],
            "errors": errors or [],
            "values": values,
            "fields": FIELDS,
            "readers": READERS[band],
            "max_chars": MAX_CHARS,
            "statuses": STATUS_LABELS,
            "done": done,
            "labels": BUTTON_LABELS,
        },
        status_code=status,
    )


@get("/you-said/new")
async def new_form(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Template:
    """A blank entry for the provider (LA staff name the provider in ``?provider=``)."""
    raw = request.query_params.get("provider", "")
    provider = await provider_for(actor, whole(raw))
    if provider is None:
        raise await refuse(actor, "provider", raw, now)
    return await _form_page(actor, provider)


@post("/you-said/new")
async def create_entry(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Save a new entry as a draft, or submit it at once; refused (and nothing kept) if its words
    fail the reading gate or carry personal details."""
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    raw = fields.get("provider", "")
    provider = await provider_for(actor, whole(raw))
    if provider is None:
        raise await refuse(actor, "provider", raw, now)
    band = await reading_band(actor.local_authority_id, provider["id"])
    wording, errors = await check_entry(
        actor.local_authority_id, fields, band, str(provider.get("name") or "")
    )
    if errors:
        return await _form_page(actor, provider, errors=errors, values=fields, status=400)
    submit = fields.get("action") == Decision.SUBMIT
    entry_id = await create(actor, provider["id"], wording, submit, now)
    return _done(request, entry_id, Decision.SUBMIT if submit else Decision.SAVE)


def _done(request: Request, entry_id: int, decision: Decision) -> Redirect:
    """Post, redirect, get back to the entry, whose banner says (once) what was just done."""
    here = f"/staff/you-said/{entry_id}"
    flash(request, "you_said", DONE[decision], path=here)
    return Redirect(path=here)


@get("/you-said/{entry_id:int}")
async def show_entry(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    entry_id: ObjectId,
) -> Template:
    """One entry: its words, where it stands, and what this actor may do next."""
    current = await entry(actor, entry_id)
    provider = await provider_for(actor, current.provider_id) if current else None
    if current is None or provider is None:
        raise await refuse(actor, "you_said", entry_id, now)
    return await _form_page(
        actor, provider, current=current, done=take_flash(request, "you_said", str) or ""
    )


@post("/you-said/{entry_id:int}")
async def decide_entry(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    entry_id: ObjectId,
) -> Response[Any]:
    """Save, submit, publish, send back or withdraw; the words are checked again on every step
    that keeps them, so nothing unchecked is ever published."""
    current = await entry(actor, entry_id)
    provider = await provider_for(actor, current.provider_id) if current else None
    if current is None or provider is None:
        raise await refuse(actor, "you_said", entry_id, now)
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    action = fields.get("action", "")
    if action not in set(Decision) or Decision(action) not in allowed(actor, current.status):
        raise await refuse(actor, "you_said", entry_id, now)
    decision = Decision(action)
    wording: Wording | None = None
    errors: list[FieldError] = []
    note = " ".join(fields.get("review_note", "").split())
    if decision in (Decision.SAVE, Decision.SUBMIT, Decision.PUBLISH):
        band = await reading_band(actor.local_authority_id, provider["id"])
        # The actor's council is the entry's (``entry`` found it within scope).
        wording, errors = await check_entry(
            actor.local_authority_id, fields, band, str(provider.get("name") or "")
        )
    elif decision == Decision.SEND_BACK:
        if not note:
            errors.append(
                FieldError("review_note", "Say what needs to change before it can be published")
            )
        elif len(note) > 2000:
            errors.append(FieldError("review_note", "The note must be 2000 characters or fewer"))
    if errors:
        return await _form_page(
            actor, provider, current=current, errors=errors, values=fields, status=400
        )
    if not await decide(actor, entry_id, decision, wording, note, now):
        raise await refuse(actor, "you_said", entry_id, now)
    return _done(request, entry_id, decision)


you_said_pages = Router(
    path="/",
    guards=[allow(*WRITERS)],
    route_handlers=[you_said_list, new_form, create_entry, show_entry, decide_entry],
)
