"""The placements list's filters, read once from the address's query string and turned into one
where-clause: the list page and its downloads (placements and responses) take the same ones, so
"download what I am looking at" gives exactly the rows on screen, page after page.

    reference   part of a pupil reference (any case)
    provider    a provider's id
    school      a school's id
    status      where the survey stands (``SurveyState``: waiting, completed, closed, ...)
    year_group  a year group, 1 to 14
    from, to    placements running on any day between these dates (either may be left out)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import msgspec

from survey_app.db.tables import Invitation, Placement
from survey_app.placements.rules import MAX_ID, FieldError, parse_date
from survey_app.placements.statuses import SurveyState
from survey_app.surveys.statuses import InvitationKind, InvitationStatus

#: The query parameters, in the order a bookmarked address writes them, and their plain names.
FILTER_LABELS = {
    "reference": "Pupil reference",
    "provider": "Provider",
    "school": "School",
    "status": "Survey",
    "year_group": "Year group",
    "from": "From",
    "to": "To",
}
MAX_REFERENCE_SEARCH = 40
#: What a pupil reference is made of (``rules.PUPIL_REFERENCE``); a search for anything else
#: could only find nothing.
SEARCHABLE = re.compile(r"^[A-Za-z0-9_/-]+$")


class PlacementFilters(msgspec.Struct, frozen=True, kw_only=True):
    """What the officer asked for; an empty one matches every placement they may see."""

    reference: str = ""
    provider: int | None = None
    school: int | None = None
    status: SurveyState | None = None
    year_group: int | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None

    def query(self) -> str:
        """These filters as a query string (``?status=waiting&year_group=9``), or "" if none."""
        pairs = {
            "reference": self.reference,
            "provider": self.provider,
            "school": self.school,
            "status": self.status,
            "year_group": self.year_group,
            "from": self.from_date.isoformat() if self.from_date else None,
            "to": self.to_date.isoformat() if self.to_date else None,
        }
        given = {key: str(value) for key, value in pairs.items() if value not in (None, "")}
        return "?" + urlencode(given) if given else ""

    def values(self) -> dict[str, str]:
        """Each filter as the form shows it back."""
        query = self.query().lstrip("?")
        return dict(pair.split("=", 1) for pair in query.split("&")) if query else {}


def _whole(
    params: Mapping[str, str], key: str, low: int, high: int, errors: list[FieldError]
) -> int | None:
    text = (params.get(key) or "").strip()
    if not text:
        return None
    if text.isdigit() and low <= int(text) <= high:
        return int(text)
    errors.append(
        FieldError(key, f"{FILTER_LABELS[key]} must be a whole number from {low} to {high}")
    )
    return None


def _date(params: Mapping[str, str], key: str, errors: list[FieldError]) -> dt.date | None:
    text = (params.get(key) or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        errors.append(
            FieldError(key, f"{FILTER_LABELS[key]} must be a date like 23/11/2026 or 2026-11-23")
        )
        return None


def read_filters(params: Mapping[str, str]) -> tuple[PlacementFilters, list[FieldError]]:
    """The filters in a query string, and a plain-words problem for each one that is wrong."""
    errors: list[FieldError] = []
    reference = " ".join((params.get("reference") or "").split())
    if reference and not SEARCHABLE.match(reference):
        errors.append(
            FieldError(
                "reference",
                "Pupil reference can only hold letters, numbers, dashes, underscores and slashes",
            )
        )
    elif len(reference) > MAX_REFERENCE_SEARCH:
        errors.append(
            FieldError(
                "reference",
                f"Pupil reference must be {MAX_REFERENCE_SEARCH} characters or fewer",
            )
        )
    status_text = (params.get("status") or "").strip()
    status = None
    if status_text:
        try:
            status = SurveyState(status_text)
        except ValueError:
            words = ", ".join(SurveyState)
            errors.append(FieldError("status", f"Survey must be one of {words}"))
    filters = PlacementFilters(
        reference=reference if reference and SEARCHABLE.match(reference) else "",
        provider=_whole(params, "provider", 1, MAX_ID, errors),
        school=_whole(params, "school", 1, MAX_ID, errors),
        status=status,
        year_group=_whole(params, "year_group", 1, 14, errors),
        from_date=_date(params, "from", errors),
        to_date=_date(params, "to", errors),
    )
    if filters.from_date and filters.to_date and filters.from_date > filters.to_date:
        errors.append(FieldError("to", "To must be the same as or after From"))
    return filters, errors


def _like(text: str) -> str:
    # Searches hold only a reference's own characters (checked when read), so the one LIKE
    # wildcard left is _, which may match a dash too: a wider net within the same scope, never
    # another LA's rows. SQLite has no default escape character to do better portably.
    return f"%{text}%"


def _end_invitations(*conditions: Any) -> Any:
    query = Invitation.select(Invitation.placement).where(Invitation.kind == InvitationKind.END)
    for condition in conditions:
        query = query.where(condition)
    return query


def _status_clause(status: SurveyState, now: dt.datetime) -> Any:
    if status == SurveyState.NOT_OPEN_YET:
        return Placement.id.not_in(_end_invitations()) & Placement.ended_on.is_null()
    if status == SurveyState.BEING_PREPARED:
        return Placement.id.not_in(_end_invitations()) & Placement.ended_on.is_not_null()
    if status == SurveyState.COMPLETED:
        return Placement.id.is_in(_end_invitations(Invitation.status == InvitationStatus.COMPLETED))
    if status == SurveyState.WITHDRAWN:
        return Placement.id.is_in(_end_invitations(Invitation.status == InvitationStatus.REVOKED))
    if status == SurveyState.WAITING:
        return Placement.id.is_in(
            _end_invitations(
                Invitation.status == InvitationStatus.OPEN, Invitation.expires_at > now
            )
        )
    # Closed: open in the database but past its expiry.
    return Placement.id.is_in(
        _end_invitations(Invitation.status == InvitationStatus.OPEN, Invitation.expires_at <= now)
    )


def where(filters: PlacementFilters, now: dt.datetime) -> list[Any]:
    """The filters as where-clauses on ``Placement`` (to go beside ``scope()``, never instead)."""
    clauses: list[Any] = []
    if filters.reference:
        clauses.append(Placement.pupil_reference.ilike(_like(filters.reference)))
    if filters.provider is not None:
        clauses.append(Placement.provider == filters.provider)
    if filters.school is not None:
        clauses.append(Placement.school == filters.school)
    if filters.year_group is not None:
        clauses.append(Placement.year_group == filters.year_group)
    if filters.to_date is not None:
        clauses.append(Placement.start_date <= filters.to_date)
    if filters.from_date is not None:
        # Still running on that day: ended on or after it, or (not ended) planned to, or open-ended.
        clauses.append(
            (Placement.ended_on >= filters.from_date)
            | (
                Placement.ended_on.is_null()
                & (
                    (Placement.planned_end_date >= filters.from_date)
                    | Placement.planned_end_date.is_null()
                )
            )
        )
    if filters.status is not None:
        clauses.append(_status_clause(filters.status, now))
    return clauses
