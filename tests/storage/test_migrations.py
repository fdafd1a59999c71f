"""Schema migrations: upgrading a version-1 register (backup first, search index backfilled),
a failing step leaving everything as it was, a database newer than the program refused."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tests.support.records import ALICE, cli_env, person_in, place_in, resident_id, table_counts
from tui_register.domain.names import pinyin_keys
from tui_register.storage import db as dbmod
from tui_register.storage import household_queries as queries
from tui_register.storage import households as H
from tui_register.storage import integrity, models
from tui_register.storage.db import SCHEMA_VERSION, StorageError, open_database
from tui_register.storage.household_queries import HouseholdFilter
from tui_register.storage.models import Household, Place

HEAD_ID = resident_id(date(1950, 3, 4), 11)


V1_AT = "2024-01-02T03:04:05.000000+00:00"
U_STAFF, U_PLACE, U_HOUSEHOLD, U_HEAD, U_SPOUSE = (
    f"{n}0000000-0000-4000-8000-000000000000" for n in "12345")


def _common(uuid: str, version: int = 1) -> dict:
    return dict(uuid=uuid, version=version, created_at=V1_AT, created_by=ALICE, updated_at=V1_AT, updated_by=ALICE)


def _insert(conn: sqlite3.Connection, table: str, row: dict) -> None:
    cols = ", ".join(f'"{k}"' for k in row)
    conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" for _ in row)})', list(row.values()))


def _log(conn: sqlite3.Connection, entity: str, snap: dict, op: str = "create", base: int = 0) -> None:
    conn.execute("INSERT INTO change_log (entity, uuid, op, version, base_version, snapshot, at, user) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (entity, snap["uuid"], op, snap["version"], base,
                  json.dumps(snap, ensure_ascii=False, sort_keys=True), V1_AT, ALICE))


def build_v1(path: Path) -> None:
    """A register at schema version 1 (before the search index) with one household of two.

    The schema comes from the real first migration alone (with the category catalog); the
    records and their change-log rows are written in plain SQL, as version 1 stored them.
    """
    db = dbmod.make_database(path)
    db.connect()
    models.database.initialize(db)
    try:
        assert dbmod.migrate(db, path, migrations={1: dbmod.MIGRATIONS[1]}) == 1
    finally:
        db.close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN")
        staff_snap = dict(_common(U_STAFF), login=ALICE, display_name=ALICE, role="supervisor", status="active")
        _insert(conn, "staff", dict(id=1, **staff_snap))
        _log(conn, "staff", staff_snap)
        place_snap = dict(_common(U_PLACE), name="城关街道", level="township", parent=None, code="", status="active")
        _insert(conn, "place", dict(id=1, **{k: v for k, v in place_snap.items() if k != "parent"},
                                    parent_id=None, path="城关街道"))
        _log(conn, "place", place_snap)
        hh_snap = dict(_common(U_HOUSEHOLD), place=U_PLACE, address="人民路12号3栋201室", phone="13912345678",
                       notes="", status="active", status_reason="", status_date=None, head=None)
        hh_row = {k: v for k, v in hh_snap.items() if k not in ("place", "head")}
        _insert(conn, "household", dict(id=1, **hh_row, place_id=1, head_id=None, place_path="城关街道",
                                        head_name="", head_sort="", head_id_number="", member_count=0,
                                        category_codes="", last_visit=None))
        _log(conn, "household", hh_snap)
        for pid, uuid, name, id_number, sex, birth, relation in (
                (1, U_HEAD, "张三丰", HEAD_ID, "M", "1950-03-04", "head"),
                (2, U_SPOUSE, "李娜", None, "F", "1952-07-08", "spouse")):
            snap = dict(_common(uuid), household=U_HOUSEHOLD, name=name, id_number=id_number, sex=sex,
                        birth_date=birth, relation=relation, disability_grade=None, phone="", status="active",
                        status_reason="", status_date=None)
            pinyin, initials = pinyin_keys(name)
            _insert(conn, "person", dict(id=pid, **{k: v for k, v in snap.items() if k != "household"},
                                         household_id=1, name_pinyin=pinyin, name_initials=initials))
            _log(conn, "person", snap)
        hh_snap = dict(hh_snap, version=2, head=U_HEAD)
        conn.execute("UPDATE household SET version = 2, head_id = 1, head_name = '张三丰', "
                     "head_sort = 'zhangsanfeng', head_id_number = ?, member_count = 2 WHERE id = 1", (HEAD_ID,))
        _log(conn, "household", hh_snap, op="update", base=1)
        conn.execute("COMMIT")
    finally:
        conn.close()


def sqlite_tables(path: Path) -> set[str]:
    conn = sqlite3.connect(str(path))
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
    finally:
        conn.close()


def pragma(path: Path, name: str):
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def v1_path(tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    build_v1(path)
    return path


def test_the_v1_fixture_is_a_v1_register(v1_path):
    assert pragma(v1_path, "user_version") == 1
    assert "household_fts" not in sqlite_tables(v1_path) and "household" in sqlite_tables(v1_path)
    assert SCHEMA_VERSION > 1


def test_upgrade_from_v1_backs_up_and_backfills_the_search_index(v1_path):
    db = open_database(v1_path)
    try:
        assert dbmod.user_version(db.connection()) == SCHEMA_VERSION
        for text in ("张三丰", "李娜", "zsf", "zs", "zhangsanfeng", "人民路", HEAD_ID[-6:], "12345678"):
            rows = queries.household_page(HouseholdFilter(text=text), "place")
            assert [r.address for r in rows] == ["人民路12号3栋201室"], text
        assert integrity.check() == []
        # The upgraded register works as usual.
        H.add_person(ALICE, person_in(Household.get().uuid, "王小明", sex="M", birth=date(1980, 1, 1)))
        assert [r.head_name for r in queries.household_page(HouseholdFilter(text="wxm"), "place")] == ["张三丰"]
    finally:
        db.close()

    backups = list(v1_path.parent.glob("r.v1-*.bak.db"))
    assert len(backups) == 1
    backup = backups[0]
    assert backup.stat().st_mode & 0o777 == 0o600
    assert pragma(backup, "user_version") == 1
    assert pragma(backup, "integrity_check") == "ok"
    assert "household_fts" not in sqlite_tables(backup)
    conn = sqlite3.connect(str(backup))
    try:
        assert conn.execute("SELECT count(*) FROM household").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM category").fetchone()[0] > 0
    finally:
        conn.close()


def test_opening_a_current_register_makes_no_backup(v1_path):
    open_database(v1_path).close()
    open_database(v1_path).close()
    assert len(list(v1_path.parent.glob("*.bak.db"))) == 1


def test_backup_dir_is_honoured(v1_path, tmp_path):
    elsewhere = tmp_path / "backups"
    elsewhere.mkdir()
    open_database(v1_path, backup_dir=elsewhere).close()
    assert len(list(elsewhere.glob("r.v1-*.bak.db"))) == 1
    assert not list(v1_path.parent.glob("*.bak.db"))


def _columns(table: str) -> list[str]:
    return [r[1] for r in models.database.execute_sql(f'PRAGMA table_info("{table}")').fetchall()]


def test_failed_migration_rolls_back_its_ddl_and_data(reg, db_path):
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    before_counts = table_counts()
    before_columns = _columns("place")
    before_schema = sorted(sqlite_tables(db_path))

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE extra (x INTEGER)")
        conn.execute("ALTER TABLE place ADD COLUMN extra TEXT")
        conn.execute("CREATE INDEX place_name ON place (name)")
        conn.execute("UPDATE place SET name = 'changed'")
        raise RuntimeError("step 3 went wrong")

    steps = {**dbmod.MIGRATIONS, SCHEMA_VERSION + 1: broken}
    with pytest.raises(StorageError) as info:
        dbmod.migrate(reg, db_path, migrations=steps)
    assert str(SCHEMA_VERSION + 1) in str(info.value)
    assert dbmod.user_version(reg.connection()) == SCHEMA_VERSION
    assert _columns("place") == before_columns
    assert sorted(sqlite_tables(db_path)) == before_schema
    assert Place.get(Place.uuid == township.uuid).name == "城关街道"
    assert table_counts() == before_counts
    # No transaction was left open: the register still takes writes.
    H.create_place(ALICE, place_in("西关街道", "township"))
    assert pragma(db_path, "user_version") == SCHEMA_VERSION


def test_failed_first_step_leaves_a_new_file_empty(tmp_path):
    path = tmp_path / "new.db"
    db = dbmod.make_database(path)
    db.connect()

    def broken(conn):
        dbmod.MIGRATIONS[1](conn)
        raise RuntimeError("no")

    try:
        with pytest.raises(StorageError):
            dbmod.migrate(db, path, migrations={1: broken})
        assert dbmod.user_version(db.connection()) == 0
        assert db.connection().execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        db.close()


def test_a_newer_database_is_refused_and_left_alone(reg, db_path):
    reg.close()
    conn = sqlite3.connect(str(db_path))
    conn.execute("PRAGMA user_version = 999")  # newer than any version this program knows
    conn.close()
    with pytest.raises(StorageError) as info:
        open_database(db_path)
    assert "newer" in str(info.value)
    assert pragma(db_path, "user_version") == 999
    assert not list(db_path.parent.glob("*.bak.db"))

    result = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db_path), "stats"],
                            cwd=db_path.parent, env=cli_env("en"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "newer" in result.stderr and "Traceback" not in result.stderr


_UPGRADE = """
import sys
from pathlib import Path
from tui_register.storage.db import open_database
open_database(Path(sys.argv[1]), backup_dir=Path(sys.argv[2])).close()
"""


def test_two_programs_upgrading_at_once_both_open_the_register(v1_path, tmp_path):
    # A writer holds the lock for a moment, so that both programs are past their backups
    # (the time a real backup of a large register takes) before either migrates.
    holder = sqlite3.connect(str(v1_path), isolation_level=None, timeout=10)
    holder.execute("BEGIN IMMEDIATE")
    dirs = [tmp_path / "a", tmp_path / "b"]
    procs = []
    try:
        for d in dirs:
            d.mkdir()
            procs.append(subprocess.Popen([sys.executable, "-c", _UPGRADE, str(v1_path), str(d)],
                                          env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
        deadline = time.monotonic() + 30
        while not all(list(d.glob("*.bak.db")) for d in dirs):
            assert time.monotonic() < deadline, "the programs did not start their backups"
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    assert [rc for _out, _err, rc in results] == [0, 0], [err[-300:] for _out, err, _rc in results]
    assert pragma(v1_path, "user_version") == SCHEMA_VERSION
