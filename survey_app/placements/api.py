"""The API for placements: a school's management system records and ends them here."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import JSONBody

from survey_app.accounts.guards import commissioners
from survey_app.accounts.scoping import Actor
from survey_app.ops.audit import record, refuse
from survey_app.placements.records import (
    InvitationView,
    NotAllowed,
    PlacementView,
    create_placement,
    end_placement,
    every_invitation,
    get_placement,
    list_placements,
)
from survey_app.placements.rules import (
    PlacementBody,
    PlacementEnd,
    end_date_from_text,
    placement_from_json,
)
from survey_app.settings import Settings
from survey_app.web.api_errors import ERRORS, invalid
from survey_app.web.params import ObjectId
from survey_app.web.urls import Urls


class InvitationOut(msgspec.Struct, frozen=True):
    placement_id: int
    pupil_reference: str
    provider_id: int
    invitation: InvitationView


# Provider tokens read no placement or invitation rows (references, statuses, completion times
# and live links): 404 and an audited refusal, as on the staff pages.
@get("/placements", guards=[commissioners], responses=ERRORS)
async def api_placements(
    actor: NamedDependency[Actor], settings: NamedDependency[Settings]
) -> list[PlacementView]:
    """Placements you may see, newest first."""
    return await list_placements(settings, actor)


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
    view = await get_placement(settings, actor, placement_id)
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
    view = await get_placement(settings, actor, placement_id)
    if view is None:
        raise await refuse(actor, "placement", placement_id, now)
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
    view = await get_placement(settings, actor, placement_id)
    assert view is not None
    return view


@get("/invitations", guards=[commissioners], responses=ERRORS)
async def api_invitations(
    actor: NamedDependency[Actor], settings: NamedDependency[Settings]
) -> list[InvitationOut]:
    """Invitations you may see, each with its kind (start, review or end), and while it is
    open its link, QR image URLs and short code: every survey of each placement, oldest first."""
    urls = Urls.of(settings)
    out = []
    placements = await list_placements(settings, actor, limit=5000)
    invitations = await every_invitation(settings, [placement.id for placement in placements])
    for placement in placements:
        for invitation in invitations.get(placement.id, []):
            if invitation.link is not None:
                link = msgspec.structs.replace(
                    invitation.link,
                    qr_png_path=urls.qr_png(invitation.id),
                    qr_svg_path=urls.qr_svg(invitation.id),
                )
                invitation = msgspec.structs.replace(invitation, link=link)
            out.append(
                InvitationOut(
                    placement.id, placement.pupil_reference, placement.provider_id, invitation
                )
            )
    return out


placement_api = Router(
    path="/",
    route_handlers=[
        api_placements,
        api_create_placement,
        api_placement,
        api_end_placement,
        api_invitations,
    ],
)
