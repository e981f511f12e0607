"""When a correction moves a placement to another school, LA team or provider, the emails about
its survey still waiting in the outbox were written to the old ones (and name the old provider):
each is withdrawn and written again from the corrected placement, so nothing goes to an
organisation that no longer has the pupil, and the new one hears what the old one would have.
The same happens when a corrected end date moves the survey's closing date, which they give."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from survey_app.db.tables import Invitation, OutboxMessage, Placement
from survey_app.mail import messages
from survey_app.mail.messages import Message
from survey_app.mail.outbox import STALE_CLAIM, enqueue
from survey_app.mail.statuses import MessageKind, MessageStatus
from survey_app.organisations.provider_records import add_provider_emails, add_provider_names
from survey_app.settings import Settings
from survey_app.surveys.invitations import PLACEMENT_FIELDS, link_for, planned_end_ahead
from survey_app.surveys.statuses import InvitationStatus
from survey_app.time_in_england import date_in_england
from survey_app.web.urls import Urls

#: The emails about one pupil's survey that go to its commissioner or provider (keyed
#: ``opened:<who>:...`` and ``reminder:<who>:...`` by ``survey_app.mail.messages``).
ADDRESSED_BY_PLACEMENT = [MessageKind.SURVEY_OPENED, MessageKind.REMINDER]
#: Why an unsent email was withdrawn and written again, as the outbox keeps it.
MOVED = "its placement was moved to another school or provider before it was sent: written again"
REDATED = "its survey's dates moved with its placement's end before it was sent: written again"


def _unsent(now: dt.datetime) -> Any:
    """Not gone yet: waiting, kept for want of an address, or claimed by a sender that died.
    A fresh claim is already on its way and cannot be called back."""
    return OutboxMessage.status.is_in([MessageStatus.PENDING, MessageStatus.NO_ADDRESS]) | (
        (OutboxMessage.status == MessageStatus.SENDING)
        & (OutboxMessage.claimed_at < now - STALE_CLAIM)
    )


def _moved_key(key: str, now: dt.datetime) -> str:
    """A new de-duplication key for the rewritten email, still read by ``cause_of`` as about
    the same invitation: a reminder keeps its four parts, an opening email gains a fourth."""
    stamp = f"moved-{now:%Y%m%d%H%M%S%f}"
    parts = key.split(":")
    return f"{key}-{stamp}" if len(parts) >= 4 else f"{key}:{stamp}"


async def readdress_unsent(
    settings: Settings, invitation_id: uuid.UUID, now: dt.datetime, why: str = MOVED
) -> int:
    """Withdraw the unsent emails about this invitation's survey that went to its school, LA team
    or provider, and queue each again from the placement and survey as they now stand (``why``
    is kept on the withdrawn one). Call inside the transaction that corrected the placement;
    returns how many were rewritten."""
    withdrawn = (
        await OutboxMessage.update(
            {
                OutboxMessage.status: MessageStatus.WITHDRAWN,
                OutboxMessage.secrets_sealed: None,
                OutboxMessage.claimed_by: None,
                OutboxMessage.last_error: why,
            }
        )
        .where(
            OutboxMessage.cause == f"invitation:{invitation_id}",
            OutboxMessage.kind.is_in(ADDRESSED_BY_PLACEMENT),
            _unsent(now),
        )
        .returning(OutboxMessage.dedupe_key)
    )
    keys = [row["dedupe_key"] for row in withdrawn]
    if not keys:
        return 0
    invitation = (
        await Invitation.select(*_INVITATION_FIELDS).where(Invitation.id == invitation_id).first()
    )
    assert invitation is not None, "called for an invitation that exists"
    placement = await _placement_of(invitation["placement"])
    again = [_rewritten(settings, key, invitation_id, invitation, placement, now) for key in keys]
    await enqueue(again, now, settings.secret_key)
    return len(withdrawn)


_INVITATION_FIELDS = (
    Invitation.placement,
    Invitation.kind,
    Invitation.status,
    Invitation.expires_at,
    Invitation.revocation_counter,
)


async def _placement_of(placement_id: int) -> dict[str, Any]:
    placement = (
        await Placement.select(*PLACEMENT_FIELDS).where(Placement.id == placement_id).first()
    )
    assert placement is not None
    # The new provider is written to at the address, and named as, this placement's LA keeps it.
    await add_provider_emails([placement], "local_authority")
    await add_provider_names([placement], "local_authority")
    return placement


async def tell_the_new_ones(
    settings: Settings,
    invitation_id: uuid.UUID,
    now: dt.datetime,
    *,
    commissioner: str | None,
    provider: int | None,
) -> list[str]:
    """A survey still open whose opening emails went out before a correction moved its
    placement: the new school or LA team (``commissioner``, its key) and the new ``provider``
    (its id) are told it is open, as the old ones were (None: that side did not move). A side
    whose opening email is still waiting is left alone: ``readdress_unsent`` has just written
    it to the new one. Keyed by the invitation and the new organisation, so a retry (or moving
    it away and back) queues nothing twice. Call inside the correcting transaction; returns
    who was told (``commissioner``, ``provider``)."""
    invitation = (
        await Invitation.select(*_INVITATION_FIELDS).where(Invitation.id == invitation_id).first()
    )
    if (
        invitation is None
        or invitation["status"] != InvitationStatus.OPEN
        or invitation["expires_at"] <= now
    ):
        return []
    waiting = {
        row["dedupe_key"].split(":")[1]
        for row in await OutboxMessage.select(OutboxMessage.dedupe_key).where(
            OutboxMessage.cause == f"invitation:{invitation_id}",
            OutboxMessage.kind == MessageKind.SURVEY_OPENED,
            _unsent(now),
        )
    }
    sides = [
        (who, new)
        for who, new in (("commissioner", commissioner), ("provider", provider))
        if new is not None and who not in waiting
    ]
    if not sides:
        return []
    placement = await _placement_of(invitation["placement"])
    told = [
        msgspec.structs.replace(
            _rewritten(
                settings, f"opened:{who}:{invitation_id}", invitation_id, invitation, placement, now
            ),
            dedupe_key=f"opened:{who}:{invitation_id}:told-{who}-{new}",
        )
        for who, new in sides
    ]
    await enqueue(told, now, settings.secret_key)
    return [who for who, _ in sides]


def _rewritten(
    settings: Settings,
    key: str,
    invitation_id: uuid.UUID,
    invitation: dict[str, Any],
    placement: dict[str, Any],
    now: dt.datetime,
) -> Message:
    """The email ``key`` was, written again for the placement as it now stands."""
    kind, who, *rest = key.split(":")
    version = invitation["revocation_counter"]
    link = link_for(settings, invitation_id, version)
    urls = Urls.of(settings)
    commissioner = placement["school_email"] or placement["la_email"] or ""
    common: dict[str, Any] = {
        # A start survey or check-in is written of as one, not as the end-of-placement survey.
        "kind": invitation["kind"],
        "la": placement["local_authority"],
        "invitation": str(invitation_id),
        "reference": placement["pupil_reference"],
        "expires": date_in_england(invitation["expires_at"]),
        # The placement's end as it now stands: "ends on" while ahead, "has ended" after.
        "ends_on": planned_end_ahead(
            placement["planned_end_date"], placement["ended_on"], date_in_england(now)
        ),
    }
    message: Message
    if kind == "opened" and who == "commissioner":
        message = messages.survey_open_for_commissioner(
            to=commissioner,
            provider=placement["provider_name"],
            link=link.url,
            code=link.short_code,
            code_page=urls.code_page(),
            version=version,
            **common,
        )
    elif kind == "opened":
        message = messages.survey_open_for_provider(
            to=placement["provider_email"] or "",
            slips_url=urls.provider_slips(placement["provider"]),
            **common,
        )
    else:
        message = messages.reminder(
            who=who,
            day=int(rest[1].split("-")[0]),
            to=commissioner if who == "commissioner" else placement["provider_email"] or "",
            link=link.url if who == "commissioner" else urls.provider_slips(placement["provider"]),
            **common,
        )
    return Message(
        _moved_key(message.dedupe_key, now),
        message.kind,
        message.local_authority_id,
        message.recipient,
        message.subject,
        message.body,
        message.secrets,
    )
