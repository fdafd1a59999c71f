"""Several programs on one register file at once: optimistic concurrency between two real
processes, concurrent writers without 'database is locked', and the connection settings."""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import stat
from pathlib import Path

import peewee
import pytest

from tests.support.records import (
    ALICE,
    busy_writer_worker,
    household_in,
    person_in,
    place_in,
    race_update_worker,
)
from tui_register.storage import households as H
from tui_register.storage import integrity
from tui_register.storage import staff as S
from tui_register.storage.db import open_database
from tui_register.storage.models import ChangeLog, Household
from tui_register.storage.register import open_register

SPAWN = multiprocessing.get_context("spawn")


def _collect(results, n: int, timeout: float = 60) -> list[tuple]:
    out = []
    for _ in range(n):
        try:
            out.append(results.get(timeout=timeout))
        except queue.Empty:  # pragma: no cover - reported as a failure below
            break
    return out


def _join(procs) -> None:
    for p in procs:
        p.join(timeout=60)
        if p.is_alive():  # pragma: no cover
            p.kill()
            p.join()


@pytest.fixture
def shared(tmp_path: Path):
    """A register with two households and a clerk bob; closed before the children use it."""
    path = tmp_path / "r.db"
    db = open_register(path, ALICE)
    place = H.create_place(ALICE, place_in("城关街道", "township"))
    h1 = H.create_household(ALICE, household_in(place.uuid, "人民路1号"), person_in(None, "张三丰"))
    h2 = H.create_household(ALICE, household_in(place.uuid, "解放路8号"), person_in(None, "李娜", sex="F"))
    S.add_staff(ALICE, "bob", "鲍勃", "clerk")
    info = dict(path=path, place=place.uuid, h1=h1.uuid, h1_version=Household.get_by_id(h1.id).version,
                h2=h2.uuid)
    db.close()
    return info


def test_two_processes_saving_the_same_version_one_wins(shared):
    path, uuid, base = str(shared["path"]), shared["h1"], shared["h1_version"]
    barrier = SPAWN.Barrier(2)
    results = SPAWN.Queue()
    procs = [SPAWN.Process(target=race_update_worker,
                           args=(path, user, uuid, base, f"{user} 的备注", shared["place"], "人民路1号",
                                 barrier, results))
             for user in (ALICE, "bob")]
    for p in procs:
        p.start()
    outcomes = _collect(results, 2)
    _join(procs)
    assert len(outcomes) == 2, outcomes
    assert not [o for o in outcomes if o[1] == "error"], outcomes
    winners = [o for o in outcomes if o[1] == "ok"]
    losers = [o for o in outcomes if o[1] == "conflict"]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner, loser = winners[0][0], losers[0]
    assert winner in loser[2], "the loser is told who saved first"

    db = open_database(path, create=False)
    try:
        stored = Household.get(Household.uuid == uuid)
        assert stored.notes == f"{winner} 的备注"
        assert (stored.version, stored.updated_by) == (base + 1, winner)
        updates = list(ChangeLog.select().where((ChangeLog.uuid == uuid) & (ChangeLog.base_version == base)))
        assert len(updates) == 1 and updates[0].user == winner and updates[0].version == base + 1
        assert integrity.check() == []
    finally:
        db.close()


def test_concurrent_writers_lose_nothing(shared):
    path = str(shared["path"])
    db = open_database(path, create=False)
    first_seq = db.execute_sql("SELECT max(seq) FROM change_log").fetchone()[0]
    versions = {u: Household.get(Household.uuid == u).version for u in (shared["h1"], shared["h2"])}
    db.close()

    start = SPAWN.Barrier(2)
    results = SPAWN.Queue()
    jobs = [(ALICE, shared["h1"], "人民路1号"), ("bob", shared["h2"], "解放路8号")]
    procs = [SPAWN.Process(target=busy_writer_worker,
                           args=(path, user, uuid, shared["place"], address, 4.0, start, results, 0.01))
             for user, uuid, address in jobs]
    for p in procs:
        p.start()
    outcomes = _collect(results, 2, timeout=90)
    _join(procs)
    assert len(outcomes) == 2, outcomes
    errors = [o for o in outcomes if o[1] != "done"]
    assert not errors, errors[0][2] if errors else ""
    done = {user: (visits, edits) for user, _status, visits, edits in outcomes}
    assert all(v >= 1 and e >= 1 for v, e in done.values()), done

    db = open_database(path, create=False)
    try:
        rows = list(ChangeLog.select().where(ChangeLog.seq > first_seq).order_by(ChangeLog.seq))
        seqs = [r.seq for r in rows]
        assert seqs == list(range(first_seq + 1, first_seq + 1 + len(rows))), "no gaps, no reuse"
        assert len(rows) == sum(v + e for v, e in done.values())
        # The two programs really wrote at the same time: their commits interleave.
        switches = sum(1 for a, b in zip(rows, rows[1:]) if a.user != b.user)
        print("writes per process (visits, edits):", done, "switches:", switches)
        assert switches >= 2, (done, switches)
        for user, uuid, _address in jobs:
            visits, edits = done[user]
            mine = [r for r in rows if r.user == user]
            assert sum(1 for r in mine if r.entity == "visit") == visits
            assert all(r.op == "create" and r.version == 1 for r in mine if r.entity == "visit")
            household_versions = [r.version for r in mine if r.entity == "household"]
            assert all(r.uuid == uuid for r in mine if r.entity == "household")
            assert household_versions == list(range(versions[uuid] + 1, versions[uuid] + 1 + edits))
            stored = Household.get(Household.uuid == uuid)
            assert stored.version == versions[uuid] + edits
            assert stored.notes == f"{user} {edits - 1}"
            assert stored.visits.count() == visits
        assert integrity.check() == []
    finally:
        db.close()


def test_connections_use_wal_full_sync_and_foreign_keys(tmp_path):
    path = tmp_path / "r.db"
    db = open_database(path)
    try:
        sql = db.execute_sql
        assert sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert sql("PRAGMA synchronous").fetchone()[0] == 2
        assert sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
        # Settings apply to every connection, e.g. one opened by another thread.
        import threading

        seen = {}

        def other_thread():
            seen["sync"] = db.execute_sql("PRAGMA synchronous").fetchone()[0]
            seen["fk"] = db.execute_sql("PRAGMA foreign_keys").fetchone()[0]
            db.close()

        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        assert seen == {"sync": 2, "fk": 1}
        with pytest.raises(peewee.IntegrityError):
            sql("INSERT INTO household_gram (gram, household_id) VALUES ('x', 999)")
    finally:
        db.close()
    # WAL is recorded in the file itself: a plain connection sees it too.
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_new_database_files_are_private(tmp_path):
    path = tmp_path / "sub" / "r.db"
    db = open_register(path, ALICE)
    try:
        H.create_place(ALICE, place_in("城关街道", "township"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            assert side.exists() and stat.S_IMODE(side.stat().st_mode) == 0o600, suffix
    finally:
        db.close()
