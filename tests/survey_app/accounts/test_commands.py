"""``survey-app user add`` as a slip of the keyboard would meet it: another LA's school or
provider, or an id that does not exist, gets a plain error and creates nobody."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.staff_tables import StaffUser
from tests.world import World, run


def add(role: str, option: str, value: int) -> object:
    command = ["user", "add", "--email", "new@westshire.example", "--role", role]
    return CliRunner().invoke(
        main,
        [*command, "--la", "E90000001", option, str(value)],
        input="a long enough passphrase\n",
    )


@pytest.mark.parametrize(
    ("role", "option", "which"),
    [
        ("school_contact", "--school-id", "other_school"),
        ("provider_staff", "--provider-id", "other_provider"),
    ],
)
def test_user_add_refuses_an_organisation_of_another_la(
    world: World, role: str, option: str, which: str
) -> None:
    result = add(role, option, getattr(world, which))
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert "not in local authority E90000001" in result.output  # type: ignore[attr-defined]
    assert run(StaffUser.count().where(StaffUser.email == "new@westshire.example")) == 0


@pytest.mark.parametrize(
    ("role", "option"), [("school_contact", "--school-id"), ("provider_staff", "--provider-id")]
)
def test_user_add_refuses_an_unknown_id_without_a_traceback(
    world: World, role: str, option: str
) -> None:
    result = add(role, option, 999999)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "Traceback" not in result.output and "999999" in result.output  # type: ignore[attr-defined]
    assert result.exception is None or isinstance(result.exception, SystemExit)  # type: ignore[attr-defined]
    assert run(StaffUser.count().where(StaffUser.email == "new@westshire.example")) == 0
