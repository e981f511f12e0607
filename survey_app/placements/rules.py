"""Placement input and its rules, shared by the staff form and the JSON API."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Annotated

import msgspec

from questionnaires.bands import YEAR_GROUPS

#: A school's Unique Reference Number, as GIAS publishes it.
URN = re.compile(r"^[0-9]{5,8}$")
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
    #: The home school by its URN instead of its id; found among your schools when saved.
    school_urn: str | None = None
    #: The LA team that commissioned it (e.g. "SEN team"), when there is no home school.
    la_team: str | None = None
    #: Give the years 4-6 questionnaire whatever the year group.
    simplest_version: bool = False


class PlacementEnd(msgspec.Struct, forbid_unknown_fields=True):
    """Ending a placement: the date it ended, 2026-11-23 or 23/11/2026 (today if left out)."""

    ended_on: Annotated[str | None, msgspec.Meta(examples=["2026-11-23"])] = None


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
    has_school = placement.school_id is not None or bool(placement.school_urn)
    if not has_school and not team:
        errors.append(FieldError("school_id", "Choose the home school, or give the LA team"))
    if has_school and team:
        errors.append(FieldError("la_team", "Give a home school or an LA team, not both"))
    if placement.school_id is not None and placement.school_urn:
        errors.append(
            FieldError("school_urn", "Give the home school by its id or by its URN, not both")
        )
    if placement.school_urn and not URN.match(placement.school_urn):
        errors.append(
            FieldError(
                "school_urn",
                "Home school URN must be a number such as 123456, "
                f"not {_shown(placement.school_urn)}",
            )
        )
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


def reference_key(reference: str) -> str:
    """A pupil reference as a placement's identity compares it: trimmed, in any case.

    Schools type the same reference as "FH-2026-014" one day and "fh-2026-014" the next; both
    name one pupil, so a retry in another case must land on the same placement. References are
    ASCII (``PUPIL_REFERENCE``), so Python's ``lower`` and SQL's ``LOWER`` agree on SQLite and
    PostgreSQL."""
    return reference.strip().lower()


def placement_identity(placement: PlacementIn) -> tuple[str, str, int, dt.date]:
    """What makes two placements in one LA the same one, as the database sees it: the unique
    index ``placement_identity_any_case`` (migration 0043) over the commissioner key (an LA
    team's name in any case), the pupil reference in any case, the provider and the start
    date."""
    return (
        commissioner_key(placement.school_id, placement.la_team),
        reference_key(placement.pupil_reference),
        placement.provider_id,
        placement.start_date,
    )


def check_end(start_date: dt.date, ended_on: dt.date) -> list[FieldError]:
    """An end date must not come before the start."""
    if ended_on < start_date:
        return [FieldError("ended_on", "End date must be on or after the start date")]
    return []


FORM_LABELS = {
    "purpose": "Purpose",
    "la_team": "LA team",
    "provider_id": "Provider",
    "pupil_reference": "Pupil reference",
    "year_group": "Year group",
    "start_date": "Start date",
    "planned_end_date": "Planned end date",
    "hours_per_week": "Hours per week",
    "school_id": "Home school",
    "school_urn": "Home school URN",
    "simplest_version": "Simplest version",
    "ended_on": "End date",
    "closes_on": "New closing date",
}

#: The two ways people write a date: ISO, as a browser's date field sends it, and day first, as
#: Excel shows it in the UK. Two-digit years and month-first dates are refused, not guessed.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATE_HINT = "a date like 23/11/2026 or 2026-11-23"
YES = ("yes", "y", "true", "1")
NO = ("", "no", "n", "false", "0")
# [0-9], not \d: \d matches other scripts' digits too (``survey_app/numbers.py``).
WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]+$")
#: Plain decimals only: float() alone would also take "nan", "inf" and "1_0".
DECIMAL = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")


class PlacementBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A placement as the API receives it: numbers as JSON numbers (or text), dates as text.

    Values are read by the same :func:`read_placement` as the staff form and the CSV import,
    so a bad value gets the same words whichever way it came in.
    """

    provider_id: Annotated[int | str, msgspec.Meta(examples=[12])]
    pupil_reference: Annotated[str, msgspec.Meta(examples=["FH-2026-014"])]
    year_group: Annotated[int | str, msgspec.Meta(examples=[8])]
    start_date: Annotated[
        str, msgspec.Meta(description="2026-11-23 or 23/11/2026", examples=["2026-11-23"])
    ]
    planned_end_date: Annotated[
        str | None, msgspec.Meta(description="2026-11-23 or 23/11/2026", examples=["2027-03-26"])
    ] = None
    hours_per_week: Annotated[float | str, msgspec.Meta(examples=[12.5])]
    purpose: str = ""
    #: The home school; leave empty when an LA team commissioned the placement.
    school_id: int | str | None = None
    #: Or the home school by its URN (as in GIAS), such as "123456".
    school_urn: Annotated[int | str | None, msgspec.Meta(examples=["123456"])] = None
    #: The LA team that commissioned it (e.g. "SEN team"), when there is no home school.
    la_team: str | None = None
    #: Give the years 4-6 questionnaire whatever the year group.
    simplest_version: bool = False


def parse_date(text: str) -> dt.date:
    """A date as typed by a person: 2026-11-23 or 23/11/2026; ValueError otherwise."""
    text = text.strip()
    for form in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _shown(value: object) -> str:
    """The value as the person gave it, cut short, to quote back in a message."""
    text = value if isinstance(value, str) else msgspec.json.encode(value).decode()
    text = text.strip()
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_date(field: str, value: object, errors: list[FieldError]) -> dt.date | None:
    """One date field, in either accepted form; a problem is added to ``errors``."""
    if _is_empty(value):
        return None
    if isinstance(value, str):
        try:
            day = parse_date(value)
        except ValueError:
            pass
        else:
            earliest, latest = plausible_years()
            if earliest <= day.year <= latest:
                return day
            errors.append(
                FieldError(
                    field,
                    f"{FORM_LABELS[field]} must be between {earliest} and {latest}, "
                    f"not {_shown(value)}",
                )
            )
            return None
    errors.append(
        FieldError(field, f"{FORM_LABELS[field]} must be {DATE_HINT}, not {_shown(value)}")
    )
    return None


#: Placements are recorded near the time they happen: a date further off is a slip of the
#: keyboard (1900 for 2026), and would put a survey decades away.
YEARS_BACK, YEARS_AHEAD = 10, 3


def plausible_years() -> tuple[int, int]:
    """The first and last year a placement date may fall in, counted from this year."""
    this_year = dt.date.today().year
    return this_year - YEARS_BACK, this_year + YEARS_AHEAD


def _read_whole(field: str, value: object, errors: list[FieldError]) -> int | None:
    if _is_empty(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and WHOLE_NUMBER.match(value.strip()):
        return int(value.strip())
    errors.append(
        FieldError(field, f"{FORM_LABELS[field]} must be a whole number, not {_shown(value)}")
    )
    return None


def _read_number(field: str, value: object, errors: list[FieldError]) -> float | None:
    if _is_empty(value):
        return None
    number = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and DECIMAL.match(value.strip()):
        number = float(value.strip())
    if number is None or not math.isfinite(number):
        errors.append(
            FieldError(
                field, f"{FORM_LABELS[field]} must be a number such as 12.5, not {_shown(value)}"
            )
        )
        return None
    return number


def _read_yes_no(field: str, value: object, errors: list[FieldError]) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else ""
    if value is None or text in NO:
        return False
    if text in YES:
        return True
    errors.append(FieldError(field, f"{FORM_LABELS[field]} must be yes or no, not {_shown(value)}"))
    return False


REQUIRED = ("provider_id", "pupil_reference", "year_group", "start_date", "hours_per_week")


def read_placement(values: Mapping[str, object]) -> tuple[PlacementIn | None, list[FieldError]]:
    """The one reader of a placement, whichever way it came in: the staff form's and the CSV's
    text, or the API's JSON values. Every problem is reported at once, each naming its field
    in the same plain words; then every rule in :func:`check_placement` is applied."""
    errors: list[FieldError] = []
    for field in REQUIRED:
        if _is_empty(values.get(field)):
            errors.append(FieldError(field, f"Enter the {FORM_LABELS[field].lower()}"))
    provider_id = _read_whole("provider_id", values.get("provider_id"), errors)
    year_group = _read_whole("year_group", values.get("year_group"), errors)
    school_id = _read_whole("school_id", values.get("school_id"), errors)
    start_date = read_date("start_date", values.get("start_date"), errors)
    planned_end_date = read_date("planned_end_date", values.get("planned_end_date"), errors)
    hours_per_week = _read_number("hours_per_week", values.get("hours_per_week"), errors)
    simplest_version = _read_yes_no("simplest_version", values.get("simplest_version"), errors)
    texts = {}
    for field in ("pupil_reference", "purpose", "la_team"):
        value = values.get(field)
        texts[field] = value.strip() if isinstance(value, str) else ""
    # A URN is a number to a spreadsheet or a JSON encoder, and text to GIAS: either is taken.
    urn = values.get("school_urn")
    school_urn = str(urn) if isinstance(urn, int) and not isinstance(urn, bool) else urn
    texts["school_urn"] = school_urn.strip() if isinstance(school_urn, str) else ""
    if errors:
        # The rules are checked on what could be read too, so one look finds every problem
        # rather than the next only once these are fixed. A value that could not be read stands
        # in as one no rule objects to, and a rule about a field already in error is not repeated.
        failed = {error.field for error in errors}
        partial = PlacementIn(
            provider_id=1 if provider_id is None else provider_id,
            pupil_reference=texts["pupil_reference"],
            year_group=min(YEAR_GROUPS) if year_group is None else year_group,
            start_date=dt.date.min if start_date is None else start_date,
            planned_end_date=planned_end_date,
            hours_per_week=1.0 if hours_per_week is None else hours_per_week,
            purpose=texts["purpose"],
            school_id=1 if "school_id" in failed else school_id,
            school_urn=texts["school_urn"] or None,
            la_team=texts["la_team"] or None,
            simplest_version=simplest_version,
        )
        errors += [error for error in check_placement(partial) if error.field not in failed]
        return None, errors
    assert provider_id is not None and year_group is not None
    assert start_date is not None and hours_per_week is not None
    placement = PlacementIn(
        provider_id=provider_id,
        pupil_reference=texts["pupil_reference"],
        year_group=year_group,
        start_date=start_date,
        planned_end_date=planned_end_date,
        hours_per_week=hours_per_week,
        purpose=texts["purpose"],
        school_id=school_id,
        school_urn=texts["school_urn"] or None,
        la_team=texts["la_team"] or None,
        simplest_version=simplest_version,
    )
    errors = check_placement(placement)
    return (None, errors) if errors else (placement, [])


def placement_from_form(form: Mapping[str, str]) -> tuple[PlacementIn | None, list[FieldError]]:
    """The staff form's strings, read by the one placement reader."""
    return read_placement(form)


def placement_from_json(body: PlacementBody) -> tuple[PlacementIn | None, list[FieldError]]:
    """The API's decoded body, read by the one placement reader."""
    return read_placement(msgspec.structs.asdict(body))


def end_date_from_text(text: str) -> tuple[dt.date | None, list[FieldError]]:
    """The date a placement ended, as typed on the staff form (empty means today)."""
    errors: list[FieldError] = []
    return read_date("ended_on", text, errors), errors
