"""The hub tests run against SQLite and PostgreSQL (skipped without TUI_REGISTER_TEST_PG)."""

from __future__ import annotations

import pytest

from tests.support.sync import BACKENDS


@pytest.fixture(params=BACKENDS)
def hub_backend(request) -> str:
    return request.param
