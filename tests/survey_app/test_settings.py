"""Settings come from SURVEY_* variables; a bad one is named; the secret is generated once."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.settings import SettingsError, load_settings

pytestmark = pytest.mark.no_database


def test_defaults_put_sqlite_and_secret_under_var(tmp_path: Path) -> None:
    settings = load_settings({"SURVEY_VAR_DIR": str(tmp_path)})
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'survey.db'}"
    assert not settings.is_postgres
    secret_file = tmp_path / "secret_key"
    assert secret_file.read_text() == settings.secret_key
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert load_settings({"SURVEY_VAR_DIR": str(tmp_path)}).secret_key == settings.secret_key


def test_postgres_url_switches_engine(tmp_path: Path) -> None:
    settings = load_settings(
        {"SURVEY_VAR_DIR": str(tmp_path), "SURVEY_DATABASE_URL": "postgresql://u@h:5432/d"}
    )
    assert settings.is_postgres


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SURVEY_PORT", "eighty"),
        ("SURVEY_DATABASE_URL", "mysql://x"),
        ("SURVEY_DEMO_MODE", "perhaps"),
    ],
)
def test_bad_value_names_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({"SURVEY_VAR_DIR": str(tmp_path), variable: value})
