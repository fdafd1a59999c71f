"""A bulk load sets indexes aside and builds them again, even when it was killed halfway."""

from __future__ import annotations

import sqlite3

from tui_register.storage import bulk
from tui_register.storage.bulk import BULK_INDEXES
from tui_register.storage.db import open_database
from tui_register.storage.register import open_register


def index_names(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_load_killed_halfway_gets_its_indexes_back_on_the_next_open(tmp_path):
    path = tmp_path / "r.db"
    open_register(path, "alice")
    before = index_names(path)
    assert set(BULK_INDEXES) <= before

    deferred = bulk.indexes_deferred()
    deferred.__enter__()  # the load starts, and the process dies before the end
    assert not set(BULK_INDEXES) & index_names(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM pending_index").fetchone()[0] == len(BULK_INDEXES)

    open_database(path)  # the next program to open the register
    assert index_names(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM pending_index").fetchone()[0] == 0


def test_a_finished_load_builds_its_indexes_at_the_end(tmp_path):
    path = tmp_path / "r.db"
    open_register(path, "alice")
    before = index_names(path)
    with bulk.indexes_deferred():
        assert not set(BULK_INDEXES) & index_names(path)
    assert index_names(path) == before
