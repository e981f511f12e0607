"""The API for placements: a school's management system records and ends them here."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Router, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import PermissionDeniedException
from litestar.params import JSONBody

from survey_app.accounts.guards import commissioners
from survey_app.accounts.scoping import Actor
from survey_app.ops.audit import record, refuse
from survey_app.placements.corrections import PlacementEdit, edit_placement
from survey_app.placements.finding import placement_spec, sync_placements
from survey_app.placements.records import (
    NotAllowed,
    PlacementView,
    create_placement,
    end_placement,
    get_placement,
    placement_or_refuse,
)
from survey_app.placements.rules import (
    FieldError,
    PlacementBody,
    PlacementEnd,
    end_date_from_text,
    placement_from_json,
)
from survey_app.placements.survey_corrections import (
    SurveyExtension,
    SurveyReissue,
    cancel_placement,
    extend_survey,
    reissue_survey,
)
from survey_app.placements.survey_views import InvitationView, every_invitation
from survey_app.settings import Settings
from survey_app.web.api_errors import ERRORS, invalid
from survey_app.web.api_lists import ListParams, next_link, parse_api, query_parameter
from survey_app.web.params import ObjectId
from survey_app.web.urls import Urls


class InvitationOut(msgspec.Struct, frozen=True):
    placement_id: int
    pupil_reference: str
    provider_id: int
    invitation: InvitationView


class PlacementList(msgspec.Struct, frozen=True):
    """One page of placements in change order, and the address of the next (None on the last)."""

    items: list[PlacementView]
    next: str | None


class InvitationList(msgspec.Struct, frozen=True):
    """One page of invitations in their placements' change order, and the next page's address."""

    items: list[InvitationOut]
    next: str | None


async def _sync_page(
    request: ListParams,
    actor: Actor,
    settings: Settings,
    now: dt.datetime,
    path: str,
    **kw: Any,
) -> tuple[list[PlacementView], str | None]:
    """Parse the list parameters as the placements page does (plus ``limit``, ``cursor`` and
    ``updated_since``); a bad or unknown one is a 400 naming it, and nothing is read."""
    spec = await placement_spec(actor, now)
    query, errors = parse_api(spec, request, settings.secret_key)
    if errors:
        raise invalid(errors)
    views, cursor = await sync_placements(settings, actor, spec, query, now, **kw)
    link = next_link(path, request.params, cursor)
    return views, Urls.of(settings).absolute(link) if link else None


Search = Annotated[str | None, query_parameter("All or part of a pupil reference")]
ProviderId = Annotated[str | None, query_parameter("A provider's id")]
SchoolId = Annotated[str | None, query_parameter("A school's id (a school contact's own only)")]
Survey = Annotated[
    str | None,
    query_parameter("not_issued, waiting, answered, closed (not answered) or withdrawn"),
]
YearGroup = Annotated[str | None, query_parameter("A year group, 4 to 11")]
Term = Annotated[
    str | None, query_parameter("A term running at any time in it, e.g. 2026-3 (autumn)")
]
StartedFrom = Annotated[str | None, query_parameter("Started on or after this date (2026-09-01)")]
StartedTo = Annotated[str | None, query_parameter("Started on or before this date")]


async def placement_params(
    sync_params: NamedDependency[ListParams],
    q: Search = None,
    provider: ProviderId = None,
    school: SchoolId = None,
    survey: Survey = None,
    year_group: YearGroup = None,
    term: Term = None,
    started_from: StartedFrom = None,
    started_to: StartedTo = None,
) -> ListParams:
    """The placements page's filters, declared once for the two lists that take them."""
    return sync_params


# Provider tokens read no placement or invitation rows (references, statuses, completion times
# and live links): 404 and an audited refusal, as on the staff pages.
@get("/placements", guards=[commissioners], responses=ERRORS)
async def api_placements(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_params: NamedDependency[ListParams],
) -> PlacementList:
    """Placements you may see, oldest change first, ``limit`` at a time (default 50, at most
    500), with ``next`` the address of the following page. Filter as on the placements page
    (``q``, ``provider``, ``school``, ``survey``, ``year_group``, ``term``, ``started_from``,
    ``started_to``); ``updated_since`` (ISO 8601 with a time zone) returns only placements that
    changed since then, for a school's system to keep in step."""
    views, link = await _sync_page(placement_params, actor, settings, now, "/api/v1/placements")
    return PlacementList(views, link)


@post("/placements", responses=ERRORS)
async def api_create_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    data: JSONBody[PlacementBody],
) -> PlacementView:
    """Record a placement (a school's management system posts its off-site placements here)."""
    placement, errors = placement_from_json(data)
    if placement is None:
        raise invalid(errors)
    try:
        placement_id, errors = await create_placement(actor, placement, now)
    except NotAllowed as error:
        raise PermissionDeniedException(str(error)) from None
    if errors or placement_id is None:
        raise invalid(errors)
    await record(
        "placement.created", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    view = await get_placement(settings, actor, placement_id, now)
    assert view is not None
    return view


@get("/placements/{placement_id:int}", guards=[commissioners], responses=ERRORS)
async def api_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> PlacementView:
    """One placement with its invitation."""
    view = await placement_or_refuse(settings, actor, placement_id, now)
    return view


@post("/placements/{placement_id:int}/end", status_code=200, responses=ERRORS)
async def api_end_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
    data: JSONBody[PlacementEnd],
) -> PlacementView:
    """End a placement; its end-of-placement invitation opens at once."""
    ended_on, errors = end_date_from_text(data.ended_on or "")
    if errors:
        raise invalid(errors)
    try:
        found, errors = await end_placement(settings, actor, placement_id, ended_on, now)
    except NotAllowed:
        # Whether or not it exists, a provider may not end a placement: say no more than 404.
        raise await refuse(actor, "placement", placement_id, now) from None
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        raise invalid(errors)
    await record(
        "placement.ended", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    view = await get_placement(settings, actor, placement_id, now)
    assert view is not None
    return view


@get("/invitations", guards=[commissioners], responses=ERRORS)
async def api_invitations(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_params: NamedDependency[ListParams],
) -> InvitationList:
    """Invitations you may see, each with its kind (start, review or end), and while it is
    open its link, QR image URLs and short code: every survey of each placement, oldest first,
    paged and filtered like ``/placements`` (a page holds every survey of its placements;
    placements without a survey yet are left out); ``status`` is ``open``, ``completed``,
    ``expired`` or ``revoked``."""
    urls = Urls.of(settings)
    views, link = await _sync_page(
        placement_params, actor, settings, now, "/api/v1/invitations", with_survey=True
    )
    out = []
    invitations = await every_invitation(settings, [placement.id for placement in views], now)
    for placement in views:
        for invitation in invitations.get(placement.id, []):
            if invitation.link is not None:
                link_view = msgspec.structs.replace(
                    invitation.link,
                    qr_png_path=urls.qr_png(invitation.id),
                    qr_svg_path=urls.qr_svg(invitation.id),
                )
                invitation = msgspec.structs.replace(invitation, link=link_view)
            out.append(
                InvitationOut(
                    placement.id, placement.pupil_reference, placement.provider_id, invitation
                )
            )
    return InvitationList(out, link)


async def _corrected(
    actor: Actor,
    settings: Settings,
    placement_id: int,
    now: dt.datetime,
    outcome: tuple[bool, list[FieldError]],
    action: str,
) -> PlacementView:
    """The placement as it now stands, or the problems (400), or 404 out of scope."""
    found, errors = outcome
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        raise invalid(errors)
    await record(action, now=now, actor=actor, object_type="placement", object_id=placement_id)
    view = await get_placement(settings, actor, placement_id, now)
    assert view is not None
    return view


# Provider tokens correct nothing: the commissioners guard answers them 404, as for reading.
@patch("/placements/{placement_id:int}", guards=[commissioners], responses=ERRORS)
async def api_edit_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
    data: JSONBody[PlacementEdit],
) -> PlacementView:
    """Correct a placement: only the fields given change, each kept in its history."""
    values = {
        key: value
        for key, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }
    outcome = await edit_placement(settings, actor, placement_id, values, now)
    return await _corrected(actor, settings, placement_id, now, outcome, "placement.edited")


@post(
    "/placements/{placement_id:int}/cancel",
    guards=[commissioners],
    status_code=200,
    responses=ERRORS,
)
async def api_cancel_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> PlacementView:
    """Cancel a placement entered in error: its survey is withdrawn. Asking twice is harmless."""
    outcome = await cancel_placement(actor, placement_id, now)
    return await _corrected(actor, settings, placement_id, now, outcome, "placement.cancelled")


@post(
    "/placements/{placement_id:int}/survey/reissue",
    guards=[commissioners],
    status_code=200,
    responses=ERRORS,
)
async def api_reissue_survey(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
    data: JSONBody[SurveyReissue],
) -> PlacementView:
    """A new link and short code; the old ones stop working. Send ``link_version`` as last
    seen so a retried request reissues once."""
    outcome = await reissue_survey(
        settings, actor, placement_id, data.link_version, now, data.invitation_id
    )
    return await _corrected(actor, settings, placement_id, now, outcome, "invitation.reissued")


@post(
    "/placements/{placement_id:int}/survey/extend",
    guards=[commissioners],
    status_code=200,
    responses=ERRORS,
)
async def api_extend_survey(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
    data: JSONBody[SurveyExtension],
) -> PlacementView:
    """Keep an unanswered survey open until the end of a later day (reopening a closed one)."""
    outcome = await extend_survey(
        actor, placement_id, data.closes_on or "", now, data.invitation_id
    )
    return await _corrected(actor, settings, placement_id, now, outcome, "invitation.extended")


placement_api = Router(
    path="/",
    dependencies={"placement_params": Provide(placement_params)},
    route_handlers=[
        api_placements,
        api_create_placement,
        api_placement,
        api_end_placement,
        api_invitations,
        api_edit_placement,
        api_cancel_placement,
        api_reissue_survey,
        api_extend_survey,
    ],
)
