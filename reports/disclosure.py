"""Small-number suppression: no figure shown to a non-LA user rests on fewer than k pupils."""

from __future__ import annotations

DEFAULT_THRESHOLD = 5
SUPPRESSION_MARK = "[c]"
SUPPRESSION_NOTE = (
    "[c] means fewer than {k} pupils answered, so the figures are hidden to protect their privacy."
)


def is_suppressed(respondents: int, threshold: int) -> bool:
    """True when a figure from this many respondents must not be shown (0 reveals nothing)."""
    return 0 < respondents < threshold


def note(threshold: int) -> str:
    """The explanation shown beside any suppressed figure."""
    return SUPPRESSION_NOTE.format(k=threshold)
