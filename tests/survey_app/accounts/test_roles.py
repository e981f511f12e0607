"""Every role the code knows, against every staff door: who is let in, who sees what, and that a
role nobody wrote a rule for is let into nothing (the scoping function and guards fail closed)."""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.qa_tables import QAAction, QARecordChange, QAVisit
from survey_app.db.reporting_tables import IndicatorTally
from survey_app.db.tables import (
    Answer,
    Invitation,
    OutboxMessage,
    Placement,
    Provider,
    ProviderRecord,
    Response,
    SafeguardingAlert,
    School,
)
from tests.world import Clock, World, complete_survey, issue_for_year, run, sign_in

SCOPED_TABLES = [
    Placement,
    Invitation,
    Response,
    Answer,
    Provider,
    School,
    OutboxMessage,
    IndicatorTally,
    SafeguardingAlert,
    ProviderRecord,
    QAVisit,
    QAAction,
    QARecordChange,
]

#: The world's login for each role; a role added to ``Role`` without one fails the matrix.
LOGIN_OF_ROLE = {
    Role.LA_ADMIN: "la_admin",
    Role.LA_OFFICER: "la_officer",
    Role.LA_SAFEGUARDING: "safeguarding",
    Role.SCHOOL_CONTACT: "school_contact",
    Role.PROVIDER_STAFF: "provider_staff",
}

#: Staff pages and who may open each (everyone else gets "Page not found").
PAGES: dict[str, set[Role]] = {
    # Providers see counts on their own page, never a pupil's placement (issue 14).
    "/staff/placements": set(Role) - {Role.PROVIDER_STAFF},
    "/staff/my-learners": {Role.PROVIDER_STAFF},
    "/staff/placements/new": {
        Role.LA_ADMIN,
        Role.LA_OFFICER,
        Role.LA_SAFEGUARDING,
        Role.SCHOOL_CONTACT,
    },
    "/staff/placements/import": {
        Role.LA_ADMIN,
        Role.LA_OFFICER,
        Role.LA_SAFEGUARDING,
        Role.SCHOOL_CONTACT,
    },
    "/staff/outbox": {Role.LA_ADMIN, Role.LA_OFFICER, Role.LA_SAFEGUARDING},
    "/staff/chasing": {Role.LA_ADMIN, Role.LA_OFFICER, Role.LA_SAFEGUARDING},
    "/staff/area": {Role.LA_ADMIN, Role.LA_OFFICER, Role.LA_SAFEGUARDING},
    "/staff/safeguarding": {Role.LA_ADMIN, Role.LA_SAFEGUARDING},
    "/staff/comments": {Role.LA_ADMIN, Role.LA_SAFEGUARDING},
    "/staff/providers/new": {Role.LA_ADMIN, Role.LA_OFFICER},
    "/staff/providers/import": {Role.LA_ADMIN, Role.LA_OFFICER},
    # Staff administration is the administrators'; school contacts invite their colleagues.
    "/staff/people": {Role.LA_ADMIN},
    "/staff/people/invite": {Role.LA_ADMIN, Role.SCHOOL_CONTACT},
}


def test_every_role_has_a_login_in_the_test_world() -> None:
    assert set(LOGIN_OF_ROLE) == set(Role), "a new role needs a user in tests/world.py"


def _visible(actor: Actor) -> dict[str, int]:
    return {
        table.__name__: run(table.count().where(scope(actor, table))) for table in SCOPED_TABLES
    }


@pytest.fixture
def answered(world: World, settings: Any, clock: Clock, pupil: Any) -> World:
    """One completed survey at the world's first school and provider (alerts and tallies too)."""
    issued = issue_for_year(world, settings, clock)
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    return world


def test_a_role_with_no_rule_sees_nothing_in_any_table(answered: World) -> None:
    # A role added to the enum but given no rule must fail closed, not fall through to LA-wide.
    stranger = Actor(
        user_id=1, email="x@example.test", role="mystery", local_authority_id=answered.la
    )  # type: ignore[arg-type]
    officer = Actor(
        user_id=2, email="o@example.test", role=Role.LA_OFFICER, local_authority_id=answered.la
    )
    assert _visible(officer)["Placement"] == 1, "the world has a placement to leak"
    assert _visible(stranger) == dict.fromkeys(_visible(stranger), 0)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_placement_and_nothing_of_the_other_la(
    role: Role, answered: World
) -> None:
    org = {"school_id": answered.school, "provider_id": answered.provider}
    own = Actor(user_id=1, email="a@example.test", role=role, local_authority_id=answered.la, **org)
    other = Actor(
        user_id=2,
        email="b@example.test",
        role=role,
        local_authority_id=answered.other_la,
        school_id=answered.other_school,
        provider_id=answered.other_provider,
    )
    assert _visible(own)["Placement"] == 1
    assert _visible(other)["Placement"] == 0
    # Alerts carry a child's words about safety: the named contact and admins only.
    assert _visible(own)["SafeguardingAlert"] == (
        1 if role in {Role.LA_SAFEGUARDING, Role.LA_ADMIN} else 0
    )
    # The outbox names pupils' references: LA staff only.
    assert (_visible(own)["OutboxMessage"] > 0) == own.is_la


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_let_through_exactly_the_doors_meant_for_it(
    role: Role, client: Any, world: World
) -> None:
    sign_in(client, world, LOGIN_OF_ROLE[role])
    for path, allowed in PAGES.items():
        status = client.get(path).status_code
        assert status == (200 if role in allowed else 404), (role, path, status)
