"""The LA administrator's settings form (``/staff/settings``): its values as the form shows
them, checking what was typed (each wrong field named in plain words), and saving it all at once.

What the settings mean, and which apply, is ``la_settings``; this module only reads and writes
the form.
"""

from __future__ import annotations

import uuid
from typing import Any

from survey_app.db.engine import transaction
from survey_app.db.tables import LaSettings, LocalAuthority
from survey_app.numbers import whole
from survey_app.organisations.la_settings import (
    AUTHORITY_COLUMNS,
    AUTHORITY_FIELDS,
    FORM_FIELDS,
    LABELS,
    LIMITS,
    NUMBER_FIELDS,
    OWN_FIELDS,
    REMINDER_DAYS,
    SWITCH_FIELDS,
    SWITCH_VALUES,
    own_rows,
    reminder_numbers,
)
from survey_app.organisations.rules import email_problem, name_problem
from survey_app.organisations.schools import FieldProblem
from survey_app.settings import Settings


async def form_values(la_id: int) -> dict[str, str]:
    """What the settings form shows: the LA's own values, empty where it uses the default."""
    authority = (
        await LocalAuthority.select(*AUTHORITY_COLUMNS).where(LocalAuthority.id == la_id).first()
    )
    own = (await own_rows(la_id)).get(la_id, {})
    values = {name: str(authority[name] or "") for name in AUTHORITY_FIELDS} if authority else {}
    for name in OWN_FIELDS:
        value = own.get(name)
        if name in SWITCH_FIELDS:
            values[name] = "" if value is None else ("yes" if value else "no")
        else:
            values[name] = "" if value is None else str(value)
    return values


def check(settings: Settings, form: dict[str, str]) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The values to store (None for "use the default") and every problem, each naming its field."""
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    text = {name: " ".join(str(form.get(name) or "").split()) for name in FORM_FIELDS}
    # The sign-off may run over several lines; only its line breaks are kept as typed.
    text["sign_off"] = "\n".join(
        line.rstrip() for line in str(form.get("sign_off") or "").strip().splitlines()
    )
    if problem := name_problem(text["name"], LABELS["name"], 120):
        problems.append(FieldProblem("name", problem))
    values["name"] = text["name"]
    for name in ("contact_email", "safeguarding_email", "reply_to"):
        value = text[name].lower()
        if value and (problem := email_problem(value, LABELS[name])):
            problems.append(FieldProblem(name, problem))
        values[name] = value if name != "reply_to" else (value or None)
    if not values["contact_email"]:
        problems.append(
            FieldProblem("contact_email", "Enter the council contact email: notices name it")
        )
    if not values["safeguarding_email"]:
        problems.append(
            FieldProblem(
                "safeguarding_email", "Enter the safeguarding contact email: alerts go to it"
            )
        )
    for name in ("public_contact", "controller", "dpo_contact", "sign_off", "notify_reply_to_id"):
        value = text[name]
        limit = LIMITS.get(name, 200)
        if len(value) > limit:
            problems.append(
                FieldProblem(name, f"{LABELS[name]} must be {limit} characters or fewer")
            )
        elif "\x00" in value:
            problems.append(
                FieldProblem(name, f"{LABELS[name]} contains a character that cannot be stored")
            )
        values[name] = value or None
    if values["notify_reply_to_id"]:
        try:
            uuid.UUID(values["notify_reply_to_id"])
        except ValueError:
            problems.append(
                FieldProblem(
                    "notify_reply_to_id",
                    f"{LABELS['notify_reply_to_id']} must be the id GOV.UK Notify shows for "
                    "the reply-to address, such as 8e222534-7f05-4972-86e3-17c5d9f894e2",
                )
            )
    for name, (label, low, high) in NUMBER_FIELDS.items():
        value = text[name]
        values[name] = None
        if not value:
            continue
        number = whole(value)
        if number is None or not low <= number <= high:
            problems.append(
                FieldProblem(
                    name, f"{label} must be a whole number from {low} to {high}, not {value!r}"
                )
            )
            continue
        values[name] = number
    for name, label in SWITCH_FIELDS.items():
        value = text[name].lower()
        values[name] = SWITCH_VALUES.get(value)
        if value and value not in SWITCH_VALUES:
            problems.append(FieldProblem(name, f"{label} must be yes, no or left empty"))
    floor = settings.disclosure_threshold
    if values["disclosure_threshold"] is not None and values["disclosure_threshold"] < floor:
        problems.append(
            FieldProblem(
                "disclosure_threshold",
                f"Disclosure threshold cannot be lower than {floor}, this service's minimum: a "
                "council may raise it, not lower it",
            )
        )
    reminders = text["reminder_days"]
    values["reminder_days"] = None
    if reminders:
        if not REMINDER_DAYS.match(reminders) or not all(
            1 <= day <= 365 for day in reminder_numbers(reminders)
        ):
            problems.append(
                FieldProblem(
                    "reminder_days",
                    "Reminder days must be whole numbers from 1 to 365 separated by commas, "
                    f"like 7,14, not {reminders!r}",
                )
            )
        else:
            values["reminder_days"] = ",".join(str(day) for day in reminder_numbers(reminders))
            # A reminder after the survey has closed would chase a link that no longer works.
            open_for = values.get("invitation_expiry_days") or settings.invitation_expiry_days
            late = [day for day in reminder_numbers(reminders) if day >= open_for]
            if late:
                problems.append(
                    FieldProblem(
                        "reminder_days",
                        f"Reminder days must come before the survey closes (it stays open "
                        f"{open_for} days), not {', '.join(str(day) for day in late)}",
                    )
                )
    return values, problems


async def save(settings: Settings, la_id: int, form: dict[str, str]) -> list[FieldProblem]:
    """Save every value, or, if any is wrong, none; the problems found."""
    values, problems = check(settings, form)
    async with transaction():
        if not problems:
            clash = await LocalAuthority.exists().where(
                LocalAuthority.name == values["name"], LocalAuthority.id != la_id
            )
            if clash:
                problems.append(FieldProblem("name", "Another authority already has that name"))
        if problems:
            return problems
        await LocalAuthority.update(
            {getattr(LocalAuthority, name): values[name] for name in AUTHORITY_FIELDS}
        ).where(LocalAuthority.id == la_id)
        own = {name: values[name] for name in OWN_FIELDS}
        if await LaSettings.exists().where(LaSettings.local_authority == la_id):
            await LaSettings.update({getattr(LaSettings, k): v for k, v in own.items()}).where(
                LaSettings.local_authority == la_id
            )
        else:
            await LaSettings.insert(LaSettings(local_authority=la_id, **own))
    return []
