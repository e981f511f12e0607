"""Each test starts with no erasures remembered: the ledger file outlives the emptied tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_remembered_erasures(settings: Any) -> Iterator[None]:
    from survey_app.ops.erasures import ledger_file

    ledger_file(settings).unlink(missing_ok=True)
    yield
    ledger_file(settings).unlink(missing_ok=True)
