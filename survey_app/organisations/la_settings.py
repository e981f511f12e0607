"""Each local authority's own settings, and the one function that says which apply.

An LA administrator sets, on ``/staff/settings``, the authority's name and contacts, its email
sign-off and reply-to address, what its privacy notices name (controller, data protection officer,
retention period) and the choices that are otherwise the deployment's environment settings
(``SURVEY_INVITATION_OPEN_DAYS_BEFORE``, ``…_EXPIRY_DAYS``, ``…_REMINDER_DAYS``,
``…_RETENTION_DAYS``, ``…_DISCLOSURE_THRESHOLD``, ``…_SAFEGUARDING_ESCALATION_HOURS``,
``SURVEY_START_SURVEY``, ``…_START_SURVEY_DAYS``, ``…_REVIEW_SURVEY``). A value
left empty is stored as NULL and means "the environment's value", so a deployment changing its
defaults changes every LA that has not chosen otherwise. Everything that reads one of these choices
asks ``effective_settings`` (or ``all_effective`` in the scheduled work), never ``Settings``
directly.

The disclosure threshold is a floor, not a default: a council may raise it (suppress more), never
lower it below the deployment's ``SURVEY_DISCLOSURE_THRESHOLD``, which whoever runs the service
answers for.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from survey_app.db.tables import LaSettings, LocalAuthority, Placement
from survey_app.settings import Settings

#: Fields of the form kept on ``LocalAuthority`` itself (the name is unique across the region).
AUTHORITY_FIELDS = ("name", "contact_email", "safeguarding_email")
TEXT_FIELDS = (
    "public_contact",
    "reply_to",
    "notify_reply_to_id",
    "sign_off",
    "controller",
    "dpo_contact",
)
#: Whole-number choices: the label the form and its messages use, and the allowed range.
NUMBER_FIELDS: dict[str, tuple[str, int, int]] = {
    "invitation_open_days_before": ("Days before the end a survey opens", 0, 90),
    "invitation_expiry_days": ("Days a survey stays open", 1, 365),
    "retention_days": ("Days answers are kept", 30, 3650),
    "disclosure_threshold": ("Disclosure threshold", 1, 100),
    "safeguarding_escalation_hours": ("Hours to pick up a safeguarding alert", 1, 168),
    "start_survey_days": ("Days after the start a start survey opens", 1, 90),
}
#: Yes-or-no choices, answered "yes", "no" or left empty for the service's setting.
SWITCH_FIELDS: dict[str, str] = {
    "start_survey": "Start surveys",
    "review_survey": "Half-termly check-ins",
}
SWITCH_VALUES = {"yes": True, "no": False}
LABELS = {
    "name": "Authority name",
    "contact_email": "Council contact email",
    "safeguarding_email": "Safeguarding contact email",
    "public_contact": "Contact line",
    "reply_to": "Reply-to address",
    "notify_reply_to_id": "GOV.UK Notify reply-to id",
    "sign_off": "Email sign-off",
    "controller": "Data controller",
    "dpo_contact": "Data protection officer contact",
    "reminder_days": "Reminder days",
    **{name: label for name, (label, _, _) in NUMBER_FIELDS.items()},
    **SWITCH_FIELDS,
}
#: The fields kept on the LA's own settings row.
OWN_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *SWITCH_FIELDS, "reminder_days")
FORM_FIELDS = (*AUTHORITY_FIELDS, *OWN_FIELDS)
#: The privacy notice's own fields: left empty, the notice names the LA's contact instead.
NOTICE_FIELDS = ("controller", "dpo_contact")
REMINDER_DAYS = re.compile(r"^[0-9]{1,3}(\s*,\s*[0-9]{1,3})*$")
LIMITS = {"sign_off": 1000, "notify_reply_to_id": 36}


class EffectiveSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What applies to one LA: its own value where it chose one, else the environment's."""

    la_id: int
    name: str
    contact_email: str
    safeguarding_email: str
    #: The line under the authority's name; never empty (falls back to the contact email).
    contact: str
    reply_to: str
    notify_reply_to_id: str
    sign_off: str
    controller: str
    dpo_contact: str
    retention_days: int
    invitation_open_days_before: int
    invitation_expiry_days: int
    reminder_days: tuple[int, ...]
    disclosure_threshold: int
    #: Hours an alert may wait unacknowledged before it is escalated; pupils are told it.
    safeguarding_escalation_hours: int
    #: Which surveys of a placement's journey this LA's pupils get besides the end survey
    #: (``surveys/invitations.py``), and how many days into a placement the start survey opens.
    start_survey: bool = True
    start_survey_days: int = 10
    review_survey: bool = True
    #: Labels of the privacy notice's fields the council has not filled in.
    notice_gaps: tuple[str, ...] = ()

    @property
    def retention_words(self) -> str:
        """The retention period as a person says it: "3 years", "18 months", "45 days"."""
        return period_in_words(self.retention_days)


def period_in_words(days: int) -> str:
    """Whole years or months where the days are (close to) one, else days."""
    years, months = round(days / 365), round(days / 30.4)
    if years and abs(days - years * 365) <= years:
        return "1 year" if years == 1 else f"{years} years"
    if months and abs(days - months * 30.4) <= 2:
        return "1 month" if months == 1 else f"{months} months"
    return "1 day" if days == 1 else f"{days} days"


def reminder_numbers(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(day) for day in text.split(",") if day.strip()}))


def effective(settings: Settings, authority: dict[str, Any], own: dict[str, Any] | None) -> Any:
    """Combine an LA's row, its own settings row (or None) and the environment."""
    own = own or {}

    def chosen(name: str) -> Any:
        value = own.get(name)
        return None if value in (None, "") else value

    contact = chosen("public_contact") or authority["contact_email"] or authority["name"]
    threshold = max(settings.disclosure_threshold, chosen("disclosure_threshold") or 0)
    reminders = chosen("reminder_days")
    return EffectiveSettings(
        la_id=authority["id"],
        name=authority["name"],
        contact_email=authority["contact_email"],
        safeguarding_email=authority["safeguarding_email"],
        contact=contact,
        reply_to=chosen("reply_to") or "",
        notify_reply_to_id=chosen("notify_reply_to_id") or "",
        sign_off=chosen("sign_off") or "",
        controller=chosen("controller") or "",
        dpo_contact=chosen("dpo_contact") or "",
        retention_days=chosen("retention_days") or settings.retention_days,
        invitation_open_days_before=(
            own["invitation_open_days_before"]
            if own.get("invitation_open_days_before") is not None
            else settings.invitation_open_days_before
        ),
        invitation_expiry_days=chosen("invitation_expiry_days") or settings.invitation_expiry_days,
        reminder_days=(
            reminder_numbers(reminders) if reminders else tuple(settings.reminder_day_numbers)
        ),
        disclosure_threshold=threshold,
        safeguarding_escalation_hours=(
            chosen("safeguarding_escalation_hours") or settings.safeguarding_escalation_hours
        ),
        start_survey=(
            settings.start_survey if own.get("start_survey") is None else own["start_survey"]
        ),
        start_survey_days=chosen("start_survey_days") or settings.start_survey_days,
        review_survey=(
            settings.review_survey if own.get("review_survey") is None else own["review_survey"]
        ),
        notice_gaps=tuple(LABELS[name] for name in NOTICE_FIELDS if not chosen(name)),
    )


AUTHORITY_COLUMNS = (
    LocalAuthority.id,
    LocalAuthority.name,
    LocalAuthority.contact_email,
    LocalAuthority.safeguarding_email,
)


async def own_rows(la_id: int | None = None) -> dict[int, dict[str, Any]]:
    query = LaSettings.select()
    if la_id is not None:
        query = query.where(LaSettings.local_authority == la_id)
    return {row["local_authority"]: row for row in await query}


async def effective_settings(settings: Settings, la_id: int) -> EffectiveSettings:
    """The settings that apply to this LA now."""
    authority = (
        await LocalAuthority.select(*AUTHORITY_COLUMNS).where(LocalAuthority.id == la_id).first()
    )
    if authority is None:
        raise LookupError(f"no local authority {la_id}")
    result: EffectiveSettings = effective(settings, authority, (await own_rows(la_id)).get(la_id))
    return result


class MailIdentity(msgspec.Struct, frozen=True):
    """Who an LA's emails come from: how they are signed and where replies go."""

    name: str
    contact: str
    sign_off: str
    reply_to: str
    notify_reply_to_id: str


async def mail_identities(la_ids: set[int]) -> dict[int, MailIdentity]:
    """Each of these LAs' email identity (none of it depends on the environment)."""
    if not la_ids:
        return {}
    own = {
        row["local_authority"]: row
        for row in await LaSettings.select().where(LaSettings.local_authority.is_in(list(la_ids)))
    }
    identities = {}
    for row in await LocalAuthority.select(*AUTHORITY_COLUMNS).where(
        LocalAuthority.id.is_in(list(la_ids))
    ):
        mine = own.get(row["id"], {})
        identities[row["id"]] = MailIdentity(
            name=row["name"],
            contact=mine.get("public_contact") or row["contact_email"] or "",
            sign_off=mine.get("sign_off") or "",
            reply_to=mine.get("reply_to") or "",
            notify_reply_to_id=mine.get("notify_reply_to_id") or "",
        )
    return identities


async def pupil_authority(placement_id: int) -> dict[str, Any]:
    """What a pupil's session keeps of their LA: its id, name and contact line (so each survey
    page names them without another query)."""
    row = (
        await LocalAuthority.select(*AUTHORITY_COLUMNS)
        .where(
            LocalAuthority.id.is_in(
                Placement.select(Placement.local_authority).where(Placement.id == placement_id)
            )
        )
        .first()
    )
    if row is None:
        return {}
    own = (await own_rows(row["id"])).get(row["id"], {})
    contact = own.get("public_contact") or row["contact_email"] or ""
    return {"la_id": row["id"], "la_name": row["name"], "la_contact": contact}


async def disclosure_threshold(settings: Settings, la_id: int) -> int:
    """The fewest respondents behind a figure a non-LA user of this LA sees (never below the
    deployment's floor)."""
    own = (
        await LaSettings.select(LaSettings.disclosure_threshold)
        .where(LaSettings.local_authority == la_id)
        .first()
    )
    chosen = own["disclosure_threshold"] if own else None
    return max(settings.disclosure_threshold, chosen or 0)


async def all_effective(settings: Settings) -> dict[int, EffectiveSettings]:
    """Every LA's settings, for the scheduled work (two queries, however many LAs)."""
    own = await own_rows()
    return {
        row["id"]: effective(settings, row, own.get(row["id"]))
        for row in await LocalAuthority.select(*AUTHORITY_COLUMNS).order_by(LocalAuthority.id)
    }
