"""What changed at county scale (issue 18): the provider report and the area summary pair each
pupil's answers in the database (``changed_counts``) rather than reading every answer into
Python, and no figure changes: on random journeys (several start surveys, check-ins and end
surveys, answers given on the same second, skipped, or "I don't know", two councils) the
database's counts equal ``count_changes(pair_up(answer_rows(...)))``, for every viewer."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from questionnaires.bands import band_for, questionnaire_for
from questionnaires.loader import all_versions
from reports.journeys import count_changes, pair_up
from reports.periods import academic_year_of, term_key
from survey_app.accounts.scoping import Actor, Role
from survey_app.db.tables import Answer, Invitation, Placement, Response
from survey_app.reporting.journey_queries import answer_rows, changed_counts
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from tests.world import Clock, World, placement_row, run

#: Kinds drawn for each survey a pupil answers: start surveys more often, so most pupils pair.
KINDS = [InvitationKind.START] * 2 + [InvitationKind.REVIEW] * 2 + [InvitationKind.END]
#: Few distinct moments, so surveys answered at the same time (ties) are common.
DAYS, MICROSECONDS = (0, 20, 20, 45, 90), (0, 0, 1, 500_000)
BEGAN = dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC)


def versions(questionnaire_id: str) -> list[int]:
    return sorted(v for (name, v) in all_versions() if name == questionnaire_id)


def random_journeys(world: World, clock: Clock, rng: random.Random, pupils: int) -> None:
    """Placements at the world's providers in both councils, each with 0 to 4 surveys of
    random kinds, questionnaire versions, moments and answers, saved as the service saves them
    (each answer carries its LA, provider, school, term and kind)."""
    where = [
        (world.la, world.provider, world.school),
        (world.la, world.second_provider, world.second_school),
        (world.other_la, world.other_provider, world.other_school),
    ]
    for n in range(pupils):
        la, provider, school = rng.choice(where)
        year = rng.randint(4, 11)
        band = band_for(year)
        placement = run(
            Placement.insert(
                placement_row(
                    world,
                    clock,
                    local_authority=la,
                    provider=provider,
                    school=school,
                    pupil_reference=f"RND-{n}",
                    year_group=year,
                )
            ).returning(Placement.id)
        )[0]["id"]
        for survey in range(rng.randint(0, 4)):
            kind = rng.choice(KINDS)
            # Now and then the simplest end survey: another questionnaire, same indicators.
            questionnaire_id = questionnaire_for(kind, year, simplest=rng.random() < 0.2)
            version = rng.choice(versions(questionnaire_id))
            moment = BEGAN + dt.timedelta(
                days=rng.choice(DAYS), microseconds=rng.choice(MICROSECONDS)
            )
            invitation = uuid.uuid4()
            run(
                Invitation.insert(
                    Invitation(
                        id=invitation,
                        placement=placement,
                        kind=kind,
                        period=f"p{survey}",
                        questionnaire_id=questionnaire_id,
                        token_hash=uuid.uuid4().hex,
                        short_code_hash=uuid.uuid4().hex,
                        opened_at=moment - dt.timedelta(days=1),
                        expires_at=moment + dt.timedelta(days=20),
                        status=InvitationStatus.COMPLETED,
                        completed_at=moment,
                    )
                )
            )
            day = moment.date()
            dimensions: dict[str, Any] = {
                "local_authority": la,
                "provider": provider,
                "school": school,
                "term": term_key(day),
                "academic_year": academic_year_of(day),
                "kind": kind,
            }
            response = run(
                Response.insert(
                    Response(
                        invitation=invitation,
                        questionnaire_id=questionnaire_id,
                        questionnaire_version=version,
                        band=band,
                        submitted_at=moment,
                        **dimensions,
                    )
                ).returning(Response.id)
            )[0]["id"]
            answers = []
            for question in all_versions()[(questionnaire_id, version)].questions:
                if not question.indicator or rng.random() < 0.15:
                    continue  # skipped
                option = rng.choice(question.options)
                answers.append(
                    Answer(
                        response=response,
                        question_id=question.id,
                        indicator=question.indicator,
                        value=option.value,
                        polarity=option.polarity,
                        year_group=year,
                        **dimensions,
                    )
                )
            if answers:
                run(Answer.insert(*answers))


def both_ways(actor: Actor, *where: Any) -> tuple[Any, Any]:
    """The counts from the database's pairing, and from pairing every answer in Python."""
    return (
        run(changed_counts(actor, *where)),
        count_changes(pair_up(run(answer_rows(actor, *where)))),
    )


def test_the_database_pairs_and_counts_exactly_as_python_does_on_random_journeys(
    world: World, clock: Clock
) -> None:
    officer = Actor(user_id=1, email="o@example", role=Role.LA_OFFICER, local_authority_id=world.la)
    other_officer = Actor(
        user_id=2, email="x@example", role=Role.LA_OFFICER, local_authority_id=world.other_la
    )
    provider_staff = Actor(
        user_id=3,
        email="p@example",
        role=Role.PROVIDER_STAFF,
        local_authority_id=world.la,
        provider_id=world.provider,
    )
    pupils_paired = 0
    for seed in range(4):
        for table in (Answer, Response, Invitation, Placement):
            run(table.delete(force=True))
        random_journeys(world, clock, random.Random(seed), pupils=60)
        views = [
            (officer, Answer.local_authority == world.la),
            (officer, Answer.provider == world.provider),
            (officer, Answer.provider == world.second_provider),
            (provider_staff, Answer.provider == world.provider),
            (other_officer, Answer.local_authority == world.other_la),
            # Scope still holds: another council's officer sees none of this council's pupils.
            (other_officer, Answer.provider == world.provider),
        ]
        for actor, where in views:
            in_sql, in_python = both_ways(actor, where)
            assert in_sql == in_python, (seed, actor.role, where)
        area, _ = both_ways(officer, Answer.local_authority == world.la)
        pupils_paired += sum(area.pupils_by_term.values())
        elsewhere, _ = both_ways(other_officer, Answer.provider == world.provider)
        assert elsewhere.cells == []
    # Not vacuous: many pupils had a pair, in many terms and ways.
    assert pupils_paired > 20
