"""The provider report's publications as each audience outside the LA was shown them.

``reports.provider.publish`` decides whether a view is served from the last publication shown
or makes a new one; this module only reads and writes it (``published_figures``), counts only.
"What changed" keeps its own publication beside the report's, under the audience marked
``:changes`` (``reports.journeys.publish_changes`` decides it by the same rule).

The LA's area summary is meant to be published, and a provider handed two published copies
could subtract them just as from its own report: its "what changed" is kept the same way, under
the audience ``area`` with no provider (``AREA_PROVIDER``), read and written by the LA's staff.
"""

from __future__ import annotations

from typing import TypeVar

import msgspec

from reports.change_publications import ChangePublication
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
#: The audience of the area summary's publications (whoever at the LA opens it: one copy).
AREA = "area"
#: The provider key of an area publication: no provider (ids start at 1), so the unique index
#: on LA, provider and audience keeps one per LA without a migration.
AREA_PROVIDER = 0


async def last_shown(
    actor: Actor, provider_id: int, kind: type[Kept], suffix: str = ""
) -> Kept | None:
    """The publication (of ``kind``, kept under the audience and ``suffix``) last shown to the
    actor's audience for this provider, if any."""
    return await _read(actor, provider_id, audience_of(actor) + suffix, kind)


async def area_last_shown(actor: Actor, kind: type[Kept], suffix: str = "") -> Kept | None:
    """The area summary's publication (of ``kind``) last shown for the actor's LA, if any."""
    return await _read(actor, AREA_PROVIDER, AREA + suffix, kind)


async def _read(actor: Actor, provider_id: int, audience: str, kind: type[Kept]) -> Kept | None:
    row = await (
        PublishedFigures.select(PublishedFigures.figures)
        .where(
            PublishedFigures.provider == provider_id,
            PublishedFigures.audience == audience,
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
    await _write(actor, provider_id, audience_of(actor) + suffix, publication)


async def keep_area(
    actor: Actor, publication: Publication | ChangePublication, suffix: str = ""
) -> None:
    """Remember the area summary's publication now shown for the actor's LA."""
    await _write(actor, AREA_PROVIDER, AREA + suffix, publication)


async def _write(
    actor: Actor, provider_id: int, audience: str, publication: Publication | ChangePublication
) -> None:
    await PublishedFigures.insert(
        PublishedFigures(
            local_authority=actor.local_authority_id,
            provider=provider_id,
            audience=audience,
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
