"""Code issue 13 found with no caller stays gone, so a reader is never sent to a second way of
doing something the service does one way (the live way is named beside each)."""

from __future__ import annotations

import importlib

import pytest

pytestmark = pytest.mark.no_database

REMOVED = [
    # (module, attribute path, what to use instead)
    ("questionnaires.loader", "version", "loader.current / loader.version_for"),
    ("questionnaires.schema", "Questionnaire.question", "loader.question_in"),
    ("survey_app.surveys.drafts", "has_follow_up", "the response's needs_follow_up flag"),
    ("survey_app.ops.demo", "demo_api_token", "`survey-app token add`"),
    ("reports.disclosure", "DEFAULT_THRESHOLD", "Settings.disclosure_threshold"),
]


@pytest.mark.parametrize(("module", "path", "instead"), REMOVED, ids=[r[1] for r in REMOVED])
def test_dead_code_named_in_issue_13_stays_removed(module: str, path: str, instead: str) -> None:
    found: object = importlib.import_module(module)
    for part in path.split("."):
        found = getattr(found, part, None)
        if found is None:
            return
    pytest.fail(f"{module}.{path} is back: use {instead}")
