"""Schemathesis against the OpenAPI document: generated requests never cause a server error,
and every response matches what the document promises (status, content type, body shape)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from survey_app.accounts.users import create_api_token
from survey_app.db.staff_tables import StaffUser
from tests.world import Clock, World, run

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_api_honours_its_openapi_document(app: Any, world: World, clock: Clock) -> None:
    user = run(
        StaffUser.select(StaffUser.id)
        .where(StaffUser.email == world.logins["la_officer"][0])
        .first()
    )
    bearer = {"Authorization": f"Bearer {run(create_api_token(user['id'], 'fuzz', clock.now))}"}
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=30, deadline=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            # Requests valid by the schema may still break a domain rule the schema cannot say
            # (the provider must be in your area): those are documented 400s, checked here.
            case.call_and_validate(headers=bearer, checks=CHECKS)

        check()
