"""The SQL behind "what changed": each pupil's start, check-in and end answers, always scoped.

A change is one pupil's answer set against their own earlier one. For a few pupils (the
school's page) ``answer_rows`` reads one row per answer to an indicator, of pupils who answered a
start survey only, with no row limit (a cut-off list would silently drop pupils), and
``reports.journeys`` pairs them. For the provider report and the area summary
``changed_counts`` has the database pick each pupil's start and later answer with the same rules
(window functions, on SQLite and PostgreSQL alike) and group the pairs: a county's area summary
read 800,000 rows into Python for this before (about 15 s at 100,000 end surveys). Outside the
LA the paired counts are served as a kept publication, like the provider report's
(``published_figures``, under an audience of its own), so one more pupil, or an erasure, changes
nothing until k more have a pair; the area summary's, meant to be published, is kept the same
way for the LA.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from reports.change_publications import ChangePublication, area_changes, checked_at, publish_changes
from reports.journeys import (
    AnswerRow,
    ChangeCounts,
    ChangesReport,
    PairGroup,
    build_changes,
    count_grouped,
    pair_up,
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

#: The pupil an answer belongs to: its response's invitation's placement.
PUPIL = Answer.response.invitation.placement  # type: ignore[union-attr]


def pairable_columns() -> tuple[Any, ...]:
    """What pairing reads of each answer (``reports.journeys.AnswerRow``'s fields), for
    ``answer_rows`` and ``changed_counts`` alike."""
    response = Answer.response
    return (
        PUPIL.as_alias("pupil"),
        Answer.indicator,
        Answer.kind,
        Answer.value,
        Answer.polarity,
        Answer.term,
        response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
        response.questionnaire_version.as_alias("questionnaire_version"),  # type: ignore[union-attr]
        response.submitted_at.as_alias("submitted_at"),  # type: ignore[union-attr]
    )


def pairable(actor: Actor, *where: Any) -> list[Any]:
    """Answers that can pair (an indicator answered, not skipped), in the actor's scope."""
    return [
        Answer.indicator.is_not_null(),
        Answer.value.is_not_null(),
        Answer.polarity.is_not_null(),
        scope(actor, Answer),
        *where,
    ]


async def answer_rows(actor: Actor, *where: Any) -> list[AnswerRow]:
    """Every answer to an indicator, in any kind of survey, of pupils who answered a start
    survey, within ``where`` and the actor's scope."""
    started = Response.select(Response.invitation.placement).where(  # type: ignore[union-attr]
        Response.kind == InvitationKind.START
    )
    rows = await (
        Answer.select(*pairable_columns())
        .where(*pairable(actor, *where), PUPIL.is_in(started))
        .order_by(Answer.id)
    )
    return [AnswerRow(**row) for row in rows]


#: ``pair_up``'s rules in SQL over the answers ``{}`` (one row per answer to an indicator, with
#: its pupil): each pupil's earliest start answer to an indicator (side 1; ties: the first
#: saved) and their later answer to it (side 2: the end survey's if any, else the latest
#: check-in's, sent after the start; ties: the first saved), put side by side with a GROUP BY,
#: not a join (a join of two derived tables let SQLite pick a nested loop on small databases),
#: then grouped as ``reports.journeys.PairGroup``. The kinds are parameters: start, start,
#: review, end, end.
_PAIRED_GROUPS = """
WITH base AS MATERIALIZED ({}),
sided AS (
  SELECT pupil, indicator, kind, value, polarity, term, questionnaire_id,
    questionnaire_version, submitted_at, answer_id,
    CASE WHEN kind = {} THEN 1
      WHEN kind IN ({}, {}) AND submitted_at > start_at THEN 2 ELSE 0 END AS side
  FROM (
    SELECT base.*, MIN(CASE WHEN kind = {} THEN submitted_at END)
      OVER (PARTITION BY pupil, indicator) AS start_at
    FROM base) AS marked
  WHERE start_at IS NOT NULL),
picked AS (
  SELECT sided.*, ROW_NUMBER() OVER (
    PARTITION BY pupil, indicator, side
    ORDER BY CASE WHEN side = 1 THEN submitted_at END,
      CASE WHEN side = 2 AND kind = {} THEN 1 ELSE 0 END DESC,
      CASE WHEN side = 2 THEN submitted_at END DESC,
      answer_id) AS nth
  FROM sided WHERE side > 0),
pairs AS (
  SELECT pupil, indicator,
    MAX(CASE WHEN side = 1 THEN value END) AS before_value,
    MAX(CASE WHEN side = 1 THEN polarity END) AS before_polarity,
    MAX(CASE WHEN side = 2 THEN questionnaire_id END) AS questionnaire_id,
    MAX(CASE WHEN side = 2 THEN questionnaire_version END) AS questionnaire_version,
    MAX(CASE WHEN side = 2 THEN value END) AS after_value,
    MAX(CASE WHEN side = 2 THEN polarity END) AS after_polarity,
    MAX(CASE WHEN side = 2 THEN term END) AS after_term
  FROM picked WHERE nth = 1
  GROUP BY pupil, indicator
  HAVING COUNT(*) = 2),
counted AS (
  SELECT pairs.*, MAX(after_term) OVER (PARTITION BY pupil) AS term,
    ROW_NUMBER() OVER (PARTITION BY pupil ORDER BY indicator) AS nth
  FROM pairs)
SELECT term, indicator, before_value, before_polarity, questionnaire_id, questionnaire_version,
  after_value, after_polarity, COUNT(*) AS pairs,
  SUM(CASE WHEN nth = 1 THEN 1 ELSE 0 END) AS pupils
FROM counted
GROUP BY term, indicator, before_value, before_polarity, questionnaire_id,
  questionnaire_version, after_value, after_polarity
"""


async def changed_counts(actor: Actor, *where: Any) -> ChangeCounts:
    """``count_changes(pair_up(await answer_rows(actor, *where)))``, paired and grouped in the
    database: the same counts, without reading every answer of every started pupil."""
    shown = pairable(actor, *where)
    # Only indicators someone answered in a start survey can pair: the rest of the end survey's
    # answers (half of them) are left out before each answer is joined to its pupil.
    asked_at_start = (
        Answer.select(Answer.indicator)
        .where(Answer.kind == InvitationKind.START, *shown)
        .distinct()
    )
    base = Answer.select(*pairable_columns(), Answer.id.as_alias("answer_id")).where(
        *shown,
        # No "pupils who answered a start survey" filter here, unlike answer_rows: the windows
        # do that, and testing each answer's joined pupil made SQLite far slower.
        Answer.indicator.is_in(asked_at_start),
    )
    rows = await Answer.raw(
        _PAIRED_GROUPS,
        base.querystrings[0],
        InvitationKind.START.value,
        InvitationKind.REVIEW.value,
        InvitationKind.END.value,
        InvitationKind.START.value,
        InvitationKind.END.value,
    )
    return count_grouped(PairGroup(**row) for row in rows)


async def fingerprint(actor: Actor, today: dt.date, *where: Any) -> str:
    """How many answers to an indicator there are, and the newest's id, within ``where``: one
    indexed aggregate, where the pairs take every answer joined to its pupil."""
    row = await (
        Answer.select(Count(Answer.id).as_alias("answers"), Max(Answer.id).as_alias("newest"))
        .where(Answer.indicator.is_not_null(), scope(actor, Answer), *where)
        .first()
    )
    return checked_at(today, int(row["answers"]) if row else 0, row["newest"] if row else None)


async def provider_changes(
    settings: Settings, actor: Actor, provider_id: int, now: dt.datetime
) -> ChangesReport:
    """What changed for the provider's pupils, as ``actor`` may see it: live counts for LA
    staff; for anyone else the kept publication, small numbers hidden. Call it only once the
    provider report has been opened (its scope check and audit)."""
    threshold = await disclosure_threshold(settings, actor.local_authority_id)
    if actor.is_la:
        live = await changed_counts(actor, Answer.provider == provider_id)
        return build_changes(live, controlled=False, k=threshold)
    today = today_in_england(now)
    shown = await last_shown(actor, provider_id, ChangePublication, CHANGES)
    checked = await fingerprint(actor, today, Answer.provider == provider_id)
    publication = shown
    if publication is None or publication.checked != checked:
        live = await changed_counts(actor, Answer.provider == provider_id)
        publication = publish_changes(shown, live, today, threshold, checked)
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
    today = today_in_england(now)
    shown = await area_last_shown(actor, ChangePublication, CHANGES)
    in_area = Answer.local_authority == actor.local_authority_id
    checked = await fingerprint(actor, today, in_area)
    publication = shown
    if publication is None or publication.checked != checked:
        # Every answer of the area is read again only once one is saved or erased, or a term
        # ends: a county's takes seconds.
        live = await changed_counts(actor, in_area)
        publication = publish_changes(shown, live, today, threshold, checked)
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
    # Every pupil: filtered by school, not by a list of thousands of ids (a database caps the
    # parameters of one query).
    on_page = [] if placement_ids is None else [PUPIL.is_in(placement_ids)]
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
