"""Staff pages for one placement: its page, ending it, and correcting it (its details, or its
survey: cancel, reissue, extend)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import commissioners
from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.tables import Provider, School
from survey_app.db.tables import Response as SurveyResponse
from survey_app.numbers import whole
from survey_app.ops.audit import record, refuse
from survey_app.organisations.provider_records import in_use, named_providers
from survey_app.organisations.statuses import SchoolStatus
from survey_app.placements.changes import history
from survey_app.placements.corrections import EDITABLE, edit_placement
from survey_app.placements.records import (
    NotAllowed,
    PlacementView,
    commissioner_emails,
    end_placement,
    get_placement,
    placement_or_refuse,
)
from survey_app.placements.rules import FieldError, end_date_from_text
from survey_app.placements.survey_corrections import (
    cancel_placement,
    extend_survey,
    reissue_survey,
)
from survey_app.settings import Settings
from survey_app.time_in_england import today_in_england
from survey_app.web.params import ObjectId
from survey_app.web.rendering import flash, take_flash
from survey_app.web.rendering import staff_page as _page


async def form_choices(actor: Actor) -> dict[str, Any]:
    return {
        "providers": await named_providers(
            actor.local_authority_id, scope(actor, Provider) & in_use(actor)
        ),
        # A closed school keeps its placements but is not offered for new ones.
        "schools": await School.select(School.id, School.name)
        .where(scope(actor, School), School.status == SchoolStatus.OPEN)
        .order_by(School.name),
    }


@get("/placements/{placement_id:int}", guards=[commissioners])
async def placement_detail(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Template:
    """One placement with its invitation: link, QR code and short code."""
    placement = await placement_or_refuse(settings, actor, placement_id, now)
    if placement.needs_follow_up:
        await record(
            "safeguarding.view",
            now=now,
            actor=actor,
            object_type="placement",
            object_id=placement_id,
        )
    if placement.invitation is not None and placement.invitation.link is not None:
        # The page shows the pupil's link and short code: whoever holds them can answer.
        await record(
            "invitation.link_viewed",
            now=now,
            actor=actor,
            object_type="invitation",
            object_id=placement.invitation.id,
        )
    done = take_flash(request, "done", str)
    return await _placement_page(actor, settings, placement_id, now, [], done)


async def _placement_page(
    actor: Actor,
    settings: Settings,
    placement_id: int,
    now: dt.datetime,
    errors: list[FieldError],
    done: str | None = None,
) -> Template:
    """The placement page, with any problems with what was just asked of it (then 400), or
    what was just done (``done``, shown once in a success banner)."""
    placement = await placement_or_refuse(settings, actor, placement_id, now)
    return _page(
        "placement",
        actor,
        400 if errors else 200,
        placement=placement,
        errors=errors,
        not_own=await _not_own(actor, placement_id),
        changes=await history(actor, placement_id),
        emailed=await commissioner_emails(placement_id),
        today=today_in_england(now),
        done=done,
    )


async def _not_own(actor: Actor, placement_id: int) -> list[str]:
    """For the LA only: why this placement's response may not be the pupil's own, if it may."""
    if not actor.is_la:
        return []
    rows = await SurveyResponse.select(SurveyResponse.possibly_not_own_why).where(
        placement_path(SurveyResponse).id == placement_id,
        SurveyResponse.possibly_not_own.eq(True),
        scope(actor, SurveyResponse),
    )
    return [row["possibly_not_own_why"] for row in rows]


#: What the placement page's banner says after each correction, by its audit event.
DONE = {
    "placement.ended": "Placement ended: its survey is open for the pupil",
    "placement.edited": "Placement corrected",
    "placement.cancelled": "Placement cancelled as entered in error: its survey was withdrawn",
    "invitation.reissued": "Survey reissued: the pupil has a new link and code, and the old "
    "ones no longer work",
    "invitation.extended": "Survey extended",
}
#: Said instead when the request changed nothing (a double click, a refresh, the same values).
UNCHANGED = {
    "placement.edited": "Nothing changed: the placement already said that",
    "placement.cancelled": "This placement was already cancelled",
    "invitation.reissued": "The survey had already been reissued: the link and code below "
    "are the current ones",
    "invitation.extended": "Nothing changed: the survey already closes on that day",
}


async def _corrected(
    request: Request,
    actor: Actor,
    settings: Settings,
    placement_id: int,
    now: dt.datetime,
    outcome: tuple[bool, list[FieldError]],
    event: str,
    changes_before: int,
) -> Response[Any]:
    """The one tail of every change asked of a placement: not found is refused (and audited), a
    problem shows the placement page with it, and a change is audited, then post, redirect,
    get back to the placement, whose banner says (once) what changed."""
    found, errors = outcome
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        return await _placement_page(actor, settings, placement_id, now, errors)
    await record(event, now=now, actor=actor, object_type="placement", object_id=placement_id)
    changes = await history(actor, placement_id)
    made = changes[: len(changes) - changes_before]
    here = f"/staff/placements/{placement_id}"
    if not made and event in UNCHANGED:
        flash(request, "done", UNCHANGED[event] + ".", path=here)
    else:
        details = "; ".join(
            f"{c.what} from {c.old_value or '(none)'} to {c.new_value or '(none)'}"
            for c in reversed(made)
            if c.what not in ("Status", "Open survey")
            and not c.what.startswith("Survey link and code")
        )
        flash(request, "done", DONE[event] + (f": {details}." if details else "."), path=here)
    return Redirect(path=here)


async def _changes_so_far(actor: Actor, placement_id: int) -> int:
    return len(await history(actor, placement_id))


@post("/placements/{placement_id:int}/end")
async def end(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """End a placement, which opens its survey at once."""
    form = await request.form()
    before = await _changes_so_far(actor, placement_id)
    ended_on, errors = end_date_from_text(str(form.get("ended_on") or ""))
    found = True
    if not errors:
        try:
            found, errors = await end_placement(settings, actor, placement_id, ended_on, now)
        except NotAllowed:
            raise await refuse(actor, "placement", placement_id, now) from None
    return await _corrected(
        request, actor, settings, placement_id, now, (found, errors), "placement.ended", before
    )


def _edit_values(placement: PlacementView) -> dict[str, str]:
    """The placement as the correction form shows it first."""
    return {
        "provider_id": str(placement.provider_id),
        "school_id": str(placement.school_id or ""),
        "la_team": placement.la_team or "",
        "year_group": str(placement.year_group),
        "start_date": placement.start_date.isoformat(),
        "planned_end_date": (
            placement.planned_end_date.isoformat() if placement.planned_end_date else ""
        ),
        "hours_per_week": f"{placement.hours_per_week:g}",
        "purpose": placement.purpose,
        "simplest_version": "yes" if placement.simplest_version else "no",
        # Only a placement that has ended has an end date to correct (the form shows it then).
        **({"ended_on": placement.ended_on.isoformat()} if placement.ended_on else {}),
    }


async def _edit_page(
    actor: Actor, placement: PlacementView, values: dict[str, str], errors: list[FieldError]
) -> Template:
    choices = await form_choices(actor)
    # A provider the LA has archived since, or a school since closed, stays choosable here.
    if not any(p["id"] == placement.provider_id for p in choices["providers"]):
        choices["providers"].append({"id": placement.provider_id, "name": placement.provider_name})
    if placement.school_id and not any(s["id"] == placement.school_id for s in choices["schools"]):
        choices["schools"].append({"id": placement.school_id, "name": placement.school_name})
    return _page(
        "placement_edit",
        actor,
        400 if errors else 200,
        errors=errors,
        values=values,
        placement_id=placement.id,
        reference=placement.pupil_reference,
        **choices,
    )


@get("/placements/{placement_id:int}/edit", guards=[commissioners])
async def edit_form(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Template:
    """The form to correct a placement, filled in with what it says now."""
    placement = await placement_or_refuse(settings, actor, placement_id, now)
    return await _edit_page(actor, placement, _edit_values(placement), [])


@post("/placements/{placement_id:int}/edit", guards=[commissioners])
async def edit(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """Correct a placement; on any problem show the form again with every field kept."""
    form = {key: str(value) for key, value in (await request.form()).items()}
    # Only the fields the form has: a school contact's form has no school or LA team.
    values = {key: form.get(key, "") for key in EDITABLE if key in form}
    # An unticked box sends nothing: the form always has it, so nothing sent means "no".
    values.setdefault("simplest_version", "no")
    before = await _changes_so_far(actor, placement_id)
    found, errors = await edit_placement(settings, actor, placement_id, values, now)
    if found and errors:
        placement = await get_placement(settings, actor, placement_id, now)
        assert placement is not None
        return await _edit_page(actor, placement, {**_edit_values(placement), **values}, errors)
    return await _corrected(
        request, actor, settings, placement_id, now, (found, []), "placement.edited", before
    )


@post("/placements/{placement_id:int}/cancel", guards=[commissioners])
async def cancel(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """Cancel a placement entered in error; its survey is withdrawn."""
    before = await _changes_so_far(actor, placement_id)
    outcome = await cancel_placement(actor, placement_id, now)
    return await _corrected(
        request, actor, settings, placement_id, now, outcome, "placement.cancelled", before
    )


def _chosen_survey(form: Any) -> uuid.UUID | None:
    """The survey the officer acted on (the page names the one it shows); an id that is not a
    survey id names no survey at all, which is refused rather than read as "the latest"."""
    text = str(form.get("invitation") or "")
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.UUID(int=0)


@post("/placements/{placement_id:int}/reissue", guards=[commissioners])
async def reissue(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """A new link and short code for the pupil; the old ones stop working."""
    form = await request.form()
    seen = str(form.get("link_version") or "")
    version = whole(seen) if len(seen) < 10 else None
    before = await _changes_so_far(actor, placement_id)
    outcome = await reissue_survey(
        settings, actor, placement_id, version, now, _chosen_survey(form)
    )
    return await _corrected(
        request, actor, settings, placement_id, now, outcome, "invitation.reissued", before
    )


@post("/placements/{placement_id:int}/extend", guards=[commissioners])
async def extend(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """Keep the survey open until a later day (reopening it if it had closed)."""
    form = await request.form()
    before = await _changes_so_far(actor, placement_id)
    outcome = await extend_survey(
        actor, placement_id, str(form.get("closes_on") or ""), now, _chosen_survey(form)
    )
    return await _corrected(
        request, actor, settings, placement_id, now, outcome, "invitation.extended", before
    )
