"""Placement input and its rules, shared by the staff form and the JSON API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated

import msgspec

from questionnaires.bands import YEAR_GROUPS

#: Letters, digits and - _ / only, with at least one digit: a school's own reference such as
#: "FH-2026-014" fits, while a typed name ("Jane Smith") does not.
PUPIL_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_/-]{0,39}$")
MAX_HOURS_PER_WEEK = 32.5
#: Ids are 32-bit integers on PostgreSQL: a larger number names nothing, and must not reach it.
MAX_ID = 2_147_483_647
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


def is_id(value: int | None) -> bool:
    """Whether a number could be a database id at all."""
    return value is not None and 1 <= value <= MAX_ID


class FieldError(msgspec.Struct, frozen=True):
    """A problem with one field, in plain words."""

    field: str
    message: str


class PlacementIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A placement as recorded by a school or LA: who commissioned it, where, for whom, when."""

    provider_id: Id
    pupil_reference: Annotated[str, msgspec.Meta(examples=["FH-2026-014"])]
    year_group: Annotated[int, msgspec.Meta(examples=[8])]
    start_date: dt.date
    planned_end_date: dt.date | None = None
    hours_per_week: float
    purpose: str = ""
    #: The home school; leave empty when an LA team commissioned the placement.
    school_id: Id | None = None
    #: The LA team that commissioned it (e.g. "SEN team"), when there is no home school.
    la_team: str | None = None
    #: Give the years 4-6 questionnaire whatever the year group.
    simplest_version: bool = False


class PlacementEnd(msgspec.Struct, forbid_unknown_fields=True):
    """Ending a placement: the date it ended (today if left out)."""

    ended_on: dt.date | None = None


def check_placement(placement: PlacementIn) -> list[FieldError]:
    """Every rule a placement must meet, each broken rule named in plain words."""
    errors = []
    if not is_id(placement.provider_id):
        errors.append(FieldError("provider_id", "There is no provider with that id in your area"))
    if placement.school_id is not None and not is_id(placement.school_id):
        errors.append(FieldError("school_id", "There is no school with that id in your area"))
    if not PUPIL_REFERENCE.match(placement.pupil_reference.strip()):
        errors.append(
            FieldError(
                "pupil_reference",
                "Pupil reference must be your own reference for the pupil, such as FH-2026-014: "
                "letters, numbers and dashes, including at least one number. Never a name.",
            )
        )
    if placement.year_group not in YEAR_GROUPS:
        errors.append(FieldError("year_group", "Year group must be from 4 to 11"))
    if not 0 < placement.hours_per_week <= MAX_HOURS_PER_WEEK:
        errors.append(
            FieldError(
                "hours_per_week",
                f"Hours per week must be more than 0 and no more than {MAX_HOURS_PER_WEEK}",
            )
        )
    if placement.planned_end_date and placement.planned_end_date < placement.start_date:
        errors.append(
            FieldError("planned_end_date", "Planned end date must be on or after the start date")
        )
    for field, text in (("purpose", placement.purpose), ("la_team", placement.la_team or "")):
        # PostgreSQL cannot store a NUL character; say so rather than fail on the way in.
        if "\x00" in text:
            errors.append(
                FieldError(
                    field,
                    f"{FORM_LABELS.get(field, field)} contains a character that cannot be stored",
                )
            )
    team = (placement.la_team or "").strip()
    if placement.school_id is None and not team:
        errors.append(FieldError("school_id", "Choose the home school, or give the LA team"))
    if placement.school_id is not None and team:
        errors.append(FieldError("la_team", "Give a home school or an LA team, not both"))
    if len(team) > 80:
        errors.append(FieldError("la_team", "LA team must be 80 characters or fewer"))
    if len(placement.purpose) > 1000:
        errors.append(FieldError("purpose", "Purpose must be 1,000 characters or fewer"))
    return errors


def commissioner_key(school_id: int | None, la_team: str | None) -> str:
    """The commissioner part of a placement's identity."""
    if school_id is not None:
        return f"school:{school_id}"
    return f"team:{(la_team or '').strip().lower()}"


def check_end(start_date: dt.date, ended_on: dt.date) -> list[FieldError]:
    """An end date must not come before the start."""
    if ended_on < start_date:
        return [FieldError("ended_on", "End date must be on or after the start date")]
    return []


FORM_LABELS = {
    "purpose": "Purpose",
    "la_team": "LA team",
    "provider_id": "Provider",
    "year_group": "Year group",
    "start_date": "Start date",
    "planned_end_date": "Planned end date",
    "hours_per_week": "Hours per week",
    "school_id": "Home school",
}


def placement_from_form(form: Mapping[str, str]) -> tuple[PlacementIn | None, list[FieldError]]:
    """Read the staff form's strings into a placement, reporting every problem at once."""
    errors: list[FieldError] = []

    def read(name: str, kind: type, required: bool = True) -> object:
        value = (form.get(name) or "").strip()
        if not value:
            if required:
                errors.append(FieldError(name, f"Enter the {FORM_LABELS[name].lower()}"))
            return None
        try:
            return msgspec.convert(value, kind, strict=False)
        except msgspec.ValidationError:
            hint = "a date like 2026-11-23" if kind is dt.date else "a number"
            errors.append(FieldError(name, f"{FORM_LABELS[name]} must be {hint}"))
            return None

    values = {
        "provider_id": read("provider_id", int),
        "year_group": read("year_group", int),
        "start_date": read("start_date", dt.date),
        "planned_end_date": read("planned_end_date", dt.date, required=False),
        "hours_per_week": read("hours_per_week", float),
        "school_id": read("school_id", int, required=False),
    }
    reference = (form.get("pupil_reference") or "").strip()
    if not reference:
        errors.append(FieldError("pupil_reference", "Enter the pupil reference"))
    if errors:
        return None, errors
    placement = PlacementIn(
        provider_id=values["provider_id"],  # type: ignore[arg-type]
        pupil_reference=reference,
        year_group=values["year_group"],  # type: ignore[arg-type]
        start_date=values["start_date"],  # type: ignore[arg-type]
        planned_end_date=values["planned_end_date"],  # type: ignore[arg-type]
        hours_per_week=values["hours_per_week"],  # type: ignore[arg-type]
        purpose=(form.get("purpose") or "").strip(),
        school_id=values["school_id"],  # type: ignore[arg-type]
        la_team=(form.get("la_team") or "").strip() or None,
        simplest_version=form.get("simplest_version") == "yes",
    )
    errors = check_placement(placement)
    return (None, errors) if errors else (placement, [])
