"""The provider report's publications as each audience outside the LA was shown them.

``reports.provider.publish`` decides whether a view is served from the last publication shown
or makes a new one; this module only reads and writes it (``published_figures``), counts only.
"What changed" keeps its own publication beside the report's, under the audience marked
``:changes`` (``reports.journeys.publish_changes`` decides it by the same rule).
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from reports.journeys import ChangePublication
from reports.publication import Publication
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.reporting_tables import PublishedFigures


def audience_of(actor: Actor) -> str:
    """Whose publication a viewer outside the LA sees: the provider's staff share one, each
    school's contact has their own (their figures cover only their school's pupils)."""
    return "provider" if actor.role == Role.PROVIDER_STAFF else f"school:{actor.school_id}"


#: What a publication holds: the report's figures, or what changed.
Kept = TypeVar("Kept", Publication, ChangePublication)
#: The audience suffix of what changed's publications.
CHANGES = ":changes"


async def last_shown(
    actor: Actor, provider_id: int, kind: type[Kept], suffix: str = ""
) -> Kept | None:
    """The publication (of ``kind``, kept under the audience and ``suffix``) last shown to the
    actor's audience for this provider, if any."""
    row = await (
        PublishedFigures.select(PublishedFigures.figures)
        .where(
            PublishedFigures.provider == provider_id,
            PublishedFigures.audience == audience_of(actor) + suffix,
            scope(actor, PublishedFigures),
        )
        .first()
    )
    if row is None or not row["figures"]:
        return None
    return msgspec.json.decode(row["figures"], type=kind)


async def keep(
    actor: Actor, provider_id: int, publication: Publication | ChangePublication, suffix: str = ""
) -> None:
    """Remember the publication now shown; a later one replaces it. Two first views at once
    write the same figures, so the last write winning is harmless."""
    await PublishedFigures.insert(
        PublishedFigures(
            local_authority=actor.local_authority_id,
            provider=provider_id,
            audience=audience_of(actor) + suffix,
            cut=publication.cuts[-1] if publication.cuts else "",
            figures=msgspec.json.encode(publication).decode(),
        )
    ).on_conflict(
        target=(
            PublishedFigures.local_authority,
            PublishedFigures.provider,
            PublishedFigures.audience,
        ),
        action="DO UPDATE",
        values=[PublishedFigures.cut, PublishedFigures.figures],
    )
