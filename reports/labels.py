"""Readable labels for stored codes, shared by the pages and the downloads.

Pages and spreadsheets say "Amber" and "Not yet rated", never ``amber`` or ``not_rated``; both
read these tables (``survey_app/web/display.py`` for the pages), so the words agree.
"""

from __future__ import annotations

REGISTRATION_STATUS = {
    "unregistered": "Unregistered (non-school AP)",
    "registered_independent_school": "Registered independent school",
    "ofsted_registered_other": "Registered with Ofsted (other register)",
    "under_review": "Registration under review",
}
OFFER_TYPE = {
    "tutoring": "Tutoring",
    "vocational": "Vocational",
    "therapeutic": "Therapeutic",
    "mentoring": "Mentoring",
    "mixed": "Mixed offer",
}
QA_STAGE = {
    "referred": "Referred, checks not started",
    "documents_checked": "Documents checked",
    "visited": "Visited",
    "approved": "Approved",
    "suspended": "Suspended",
}
RAG = {"red": "Red", "amber": "Amber", "green": "Green", "not_rated": "Not yet rated"}
#: Where a school's end-of-placement request stands (``reports.school.PlacementFeedback``).
REQUEST_STATUS = {
    "not_due": "Not due yet",
    "open": "Waiting for the pupil",
    "completed": "Completed",
    "expired": "Closed, not answered",
    "revoked": "Withdrawn",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The readable label of a code, or the code itself if it has none (never blank)."""
    return table.get(code or "", code or "")
