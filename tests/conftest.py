"""Shared fixtures: a fresh register in a real SQLite file per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _restore_language():
    from tui_register import i18n

    before = i18n.get_language()
    yield
    i18n.set_language(before)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "r.db"


@pytest.fixture
def reg(db_path: Path):
    """A new register at tmp_path/r.db with alice as its first supervisor; closed afterwards."""
    from tui_register.storage.register import open_register

    db = open_register(db_path, "alice")
    yield db
    db.close()


@pytest.fixture
def hub_backend() -> str:
    """The hub's database for the `hub` fixture; tests/hub runs on both (tests/hub/conftest.py)."""
    return "sqlite"


@pytest.fixture
def hub(tmp_path: Path, hub_backend: str):
    """A running reference hub on 127.0.0.1 with its own database (SQLite unless `hub_backend`
    says postgresql: then a fresh database in the TUI_REGISTER_TEST_PG cluster, or a skip)."""
    from tests.support.sync import hub_server

    with hub_server(hub_backend, tmp_path) as server:
        yield server
