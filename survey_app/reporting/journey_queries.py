"""The SQL behind "what changed": each pupil's start, check-in and end answers, always scoped.

A change is one pupil's answer set against their own earlier one, so unlike the other report
queries this cannot be a ``GROUP BY``: it reads one row per answer to an indicator, of pupils
who answered a start survey only, with no row limit (a cut-off list would silently drop
pupils), and ``reports.journeys`` pairs and counts them. Outside the LA the paired counts are
served as a kept publication, like the provider report's (``published_figures``, under an
audience of its own), so one more pupil, or an erasure, changes nothing until k more have a pair;
the area summary's, meant to be published, is kept the same way for the LA.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reports.journeys import (
    AnswerRow,
    ChangePublication,
    ChangesReport,
    area_changes,
    build_changes,
    count_changes,
    pair_up,
    publish_changes,
)
from reports.pupil_journeys import PupilJourney, journeys, option_label
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.tables import Answer, Placement, Response
from survey_app.organisations.la_settings import disclosure_threshold
from survey_app.reporting.publications import (
    CHANGES,
    area_last_shown,
    keep,
    keep_area,
    last_shown,
)
from survey_app.settings import Settings
from survey_app.surveys.statuses import InvitationKind
from survey_app.time_in_england import today_in_england


async def answer_rows(actor: Actor, *where: Any) -> list[AnswerRow]:
    """Every answer to an indicator, in any kind of survey, of pupils who answered a start
    survey, within ``where`` and the actor's scope."""
    pupil = Answer.response.invitation.placement  # type: ignore[union-attr]
    started = Response.select(Response.invitation.placement).where(  # type: ignore[union-attr]
        Response.kind == InvitationKind.START
    )
    rows = await (
        Answer.select(
            pupil.as_alias("pupil"),
            Answer.indicator,
            Answer.kind,
            Answer.value,
            Answer.polarity,
            Answer.response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
            Answer.response.questionnaire_version.as_alias("questionnaire_version"),  # type: ignore[union-attr]
            Answer.term,
            Answer.response.submitted_at.as_alias("submitted_at"),  # type: ignore[union-attr]
        )
        .where(
            Answer.indicator.is_not_null(),
            Answer.value.is_not_null(),
            Answer.polarity.is_not_null(),
            pupil.is_in(started),
            scope(actor, Answer),
            *where,
        )
        .order_by(Answer.id)
    )
    return [AnswerRow(**row) for row in rows]


async def provider_changes(
    settings: Settings, actor: Actor, provider_id: int, now: dt.datetime
) -> ChangesReport:
    """What changed for the provider's pupils, as ``actor`` may see it: live counts for LA
    staff; for anyone else the kept publication, small numbers hidden. Call it only once the
    provider report has been opened (its scope check and audit)."""
    threshold = await disclosure_threshold(settings, actor.local_authority_id)
    live = count_changes(pair_up(await answer_rows(actor, Answer.provider == provider_id)))
    if actor.is_la:
        return build_changes(live, controlled=False, k=threshold)
    shown = await last_shown(actor, provider_id, ChangePublication, CHANGES)
    publication = publish_changes(shown, live, today_in_england(now), threshold)
    if publication != shown and publication.cuts:
        await keep(actor, provider_id, publication, CHANGES)
    return build_changes(publication.counts, controlled=True, k=threshold, cuts=publication.cuts)


async def area_changes_for(
    settings: Settings, actor: Actor, now: dt.datetime
) -> ChangesReport | None:
    """What changed across the LA's providers, for the area summary (LA staff only). It is meant
    to be published, so whoever looks sees the area's kept publication, never live counts: two
    copies published weeks apart differ by at least k pupils, and an erasure changes nothing."""
    if not actor.is_la:
        return None
    threshold = await disclosure_threshold(settings, actor.local_authority_id)
    rows = await answer_rows(actor, Answer.local_authority == actor.local_authority_id)
    live = count_changes(pair_up(rows))
    shown = await area_last_shown(actor, ChangePublication, CHANGES)
    publication = publish_changes(shown, live, today_in_england(now), threshold)
    if publication != shown and publication.cuts:
        await keep_area(actor, publication, CHANGES)
    return area_changes(publication, threshold)


async def school_journeys(
    actor: Actor, school_id: int, placement_ids: list[int] | None
) -> list[PupilJourney]:
    """The journeys of the school's own pupils on the page shown (``placement_ids``, the page's
    placements, so the journeys page with the pupils; None for every one of its pupils, as the
    downloads and the API list them), start answer to later answer per indicator: the school
    commissioned the placement and already sees that pupil's own answers. Provider staff never
    see one pupil's answers; anyone else sees only what ``scope`` lets in."""
    if actor.role == Role.PROVIDER_STAFF or placement_ids == []:
        return []
    pupil = Answer.response.invitation.placement  # type: ignore[union-attr]
    # Every pupil: filtered by school, not by a list of thousands of ids (a database caps the
    # parameters of one query).
    on_page = [] if placement_ids is None else [pupil.is_in(placement_ids)]
    pairs = pair_up(await answer_rows(actor, Answer.school == school_id, *on_page))
    if not pairs:
        return []
    paired = [] if placement_ids is None else [Placement.id.is_in(sorted({p.pupil for p in pairs}))]
    references = await Placement.select(Placement.id, Placement.pupil_reference).where(
        *paired,
        Placement.school == school_id,
        scope(actor, Placement),
    )
    known = {row["id"]: row["pupil_reference"] for row in references}
    return journeys([p for p in pairs if p.pupil in known], known, option_label)
