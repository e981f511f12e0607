"""Whether a sent survey may not be the pupil's own: signs that provider staff were at hand.

Anyone holding a pupil's link can answer in their place; nothing can stop that without taking
the link away from the children it is for. What the service can do is notice the two traces
staff leave and tell the LA (never the provider), who can ask:

* the browser that sent it held a staff session when the link was opened, or still holds one;
* it was sent from an address from which that provider's staff signed in that day (the audit
  log keeps a keyed hash of each sign-in's address, and the same hash is made here);
* it was sent from a second browser over answers another browser had saved: whoever holds the
  code (it is on the provider's slips sheet) can replace what the pupil started to say.

A survey answered on a provider's own tablet on its premises is flagged by the second, as it
should be: the LA then knows the provider was in the room.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Request

from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.ops import audit
from survey_app.ops.statuses import AuditOutcome
from survey_app.time_in_england import date_in_england, start_of_day_in_england

#: The session key a pupil session keeps when it was opened over a staff session.
OPENED_OVER_STAFF = "opened_over_staff"
STAFF_BROWSER = "opened in a browser signed in as staff"
STAFF_ADDRESS = "sent from an address the provider's staff signed in from that day"
OVER_OTHER_ANSWERS = "sent from a second browser over answers saved in another"
#: Successful sign-ins (the password step counts: the person was there).
SIGN_IN_ACTIONS = ["sign_in", "sign_in.password"]


class Provenance(msgspec.Struct, frozen=True):
    """What the sending request tells about who may have sent it."""

    staff_browser: bool
    #: The sender's address as the audit log keys it ("" when unknown).
    client: str
    #: Another browser had saved answers to this survey that this one did not send.
    over_other_answers: bool = False


def provenance_of(request: Request, secret: str) -> Provenance:
    """Read the signs from the request that sends the survey."""
    session = request.session if "session" in request.scope else {}
    staff_browser = bool(session.get(OPENED_OVER_STAFF)) or "user_id" in session
    # The same keyed hash the audit log records for sign-ins, so the two can be compared.
    return Provenance(staff_browser=staff_browser, client=audit.client_hash(request, secret))


async def not_own_reason(provenance: Provenance, provider_id: int, now: dt.datetime) -> str:
    """Why this response may not be the pupil's own, in words for the LA; "" if no sign."""
    reasons = []
    if provenance.staff_browser:
        reasons.append(STAFF_BROWSER)
    if provenance.over_other_answers:
        reasons.append(OVER_OTHER_ANSWERS)
    if provenance.client:
        day_start = start_of_day_in_england(date_in_england(now))
        signed_in_here = await AuditEvent.exists().where(
            AuditEvent.action.is_in(SIGN_IN_ACTIONS),
            AuditEvent.outcome == AuditOutcome.OK,
            AuditEvent.client == provenance.client,
            AuditEvent.at >= day_start,
            AuditEvent.user_id.is_in(
                StaffUser.select(StaffUser.id).where(StaffUser.provider == provider_id)
            ),
        )
        if signed_in_here:
            reasons.append(STAFF_ADDRESS)
    return "; ".join(reasons)
