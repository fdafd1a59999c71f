"""The `tui-register` command in real subprocesses: demo, stats, check, backup, staff,
configuration errors, exit statuses, import hygiene, and the demo generator's determinism."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tests.support.records import ALICE, cli_env, sqlite_counts
from tui_register.storage.clock import current_login

TESTS_DIR = Path(__file__).parent
ENTITIES = {"place", "household", "person", "membership", "campaign", "campaign_target", "visit",
            "volunteer", "activity", "participation", "staff"}


def cli(cwd: Path, *args: str, db: Path | None = None, lang: str = "en", timeout: float = 120,
        env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "tui_register"]
    if db is not None:
        cmd += ["--db", str(db)]
    env = cli_env(lang)
    env.update(env_extra or {})
    return subprocess.run([*cmd, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def copy_db(src: Path, dest: Path) -> Path:
    """A consistent copy made with the backup API (the source may be in WAL mode)."""
    s, d = sqlite3.connect(str(src)), sqlite3.connect(str(dest))
    try:
        s.backup(d)
    finally:
        s.close()
        d.close()
    return dest


def stats_json(cwd: Path, db: Path) -> dict:
    result = cli(cwd, "stats", "--json", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """`demo --households 50 --seed 1`, made once for the module; tests copy it to change it."""
    cwd = tmp_path_factory.mktemp("demo")
    db = cwd / "demo.db"
    result = cli(cwd, "demo", "--households", "50", "--seed", "1", db=db)
    assert result.returncode == 0, result.stderr
    assert "50 households" in result.stdout
    assert "Traceback" not in result.stderr
    return db


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    return copy_db(demo_db, tmp_path / "copy.db")


# ---------------------------------------------------------------- demo and stats

def test_stats_json_after_demo(demo_db):
    figures = stats_json(demo_db.parent, demo_db)
    entities = figures["entities"]
    assert ENTITIES <= set(entities)
    assert entities["household"] == 50
    assert entities["person"] >= 50 and entities["visit"] >= 50 * 6 and entities["staff"] == 1
    assert sum(figures["statuses"]["household"].values()) == 50
    assert figures["change_log"] == sum(entities.values()), "one change-log row per record created"
    assert sum(c["households"] for c in figures["categories"].values()) >= 50 * 0.8
    assert demo_db.stat().st_mode & 0o777 == 0o600


def test_stats_in_chinese_and_english(demo_db):
    zh = cli(demo_db.parent, "stats", db=demo_db, lang="zh_CN")
    en = cli(demo_db.parent, "stats", db=demo_db, lang="en")
    assert zh.returncode == en.returncode == 0
    assert "变更日志" in zh.stdout and "户" in zh.stdout
    assert "Change log" in en.stdout and "households" in en.stdout
    assert "变更日志" not in en.stdout


def test_stats_on_a_missing_database_creates_nothing(tmp_path):
    missing = tmp_path / "nothing.db"
    result = cli(tmp_path, "stats", db=missing)
    assert result.returncode == 1
    assert str(missing) in result.stderr and "Traceback" not in result.stderr
    assert not missing.exists()


def test_demo_refuses_a_database_that_is_not_empty(demo_copy):
    before = sqlite_counts(demo_copy)
    result = cli(demo_copy.parent, "demo", "--households", "5", "--seed", "2", db=demo_copy)
    assert result.returncode == 1
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert sqlite_counts(demo_copy) == before

    result = cli(demo_copy.parent, "demo", "--households", "5", "--seed", "2", "--force", db=demo_copy)
    assert result.returncode == 0, result.stderr
    assert sqlite_counts(demo_copy)["household"] == 55
    assert cli(demo_copy.parent, "check", db=demo_copy).returncode == 0


def test_demo_force_with_the_same_seed_adds_data(demo_copy):
    result = cli(demo_copy.parent, "demo", "--households", "5", "--force", db=demo_copy)
    assert result.returncode == 0, result.stderr
    assert sqlite_counts(demo_copy)["household"] == 55


def test_demo_needs_a_positive_count(tmp_path):
    result = cli(tmp_path, "demo", "--households", "0", db=tmp_path / "r.db")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_demo_is_refused_to_a_login_not_on_the_staff_list(tmp_path):
    from tests.support.records import household_in, person_in, place_in
    from tui_register.storage import households as H
    from tui_register.storage.register import open_register

    db_path = tmp_path / "r.db"
    db = open_register(db_path, "someone_else")  # the register belongs to another supervisor
    place = H.create_place("someone_else", place_in("城关街道", "township"))
    H.create_household("someone_else", household_in(place.uuid, "人民路1号"), person_in(None, "张三丰"))
    db.close()
    assert current_login() != "someone_else"
    before = sqlite_counts(db_path)
    result = cli(tmp_path, "demo", "--households", "3", "--seed", "5", "--force", db=db_path)
    assert result.returncode == 1
    assert current_login() in result.stderr
    assert sqlite_counts(db_path) == before


# ---------------------------------------------------------------- check

def test_check_passes_then_finds_tampering(demo_copy):
    cwd = demo_copy.parent
    result = cli(cwd, "check", db=demo_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Check passed" in result.stdout

    conn = sqlite3.connect(str(demo_copy))
    person_uuid, household_uuid = conn.execute(
        "SELECT p.uuid, h.uuid FROM person p JOIN household h ON h.head_id = p.id ORDER BY p.id LIMIT 1").fetchone()
    # a visit that is not its household's latest, so that deleting it changes no derived column
    visit_uuid, = conn.execute("SELECT uuid FROM visit v WHERE status = 'valid' AND visit_date < "
                               "(SELECT last_visit FROM household WHERE id = v.household_id) "
                               "ORDER BY id DESC LIMIT 1").fetchone()
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE person SET name = '王五' WHERE uuid = ?", (person_uuid,))
    conn.execute("DELETE FROM visit WHERE uuid = ?", (visit_uuid,))
    conn.commit()
    conn.close()

    result = cli(cwd, "check", db=demo_copy)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("3 problems")
    problems = {line.strip() for line in lines[1:]}
    assert any(person_uuid in p and p.startswith("person") and "differs" in p for p in problems), problems
    assert any(visit_uuid in p and p.startswith("visit") for p in problems), problems
    # the household list still shows the old head name: its derived column no longer agrees
    assert any(household_uuid in p and "head_name" in p and "王五" in p for p in problems), problems

    zh = cli(cwd, "check", db=demo_copy, lang="zh_CN")
    assert zh.returncode == 1 and "发现 3 个问题" in zh.stdout and person_uuid in zh.stdout


def test_check_names_a_household_whose_head_name_was_edited(demo_copy):
    conn = sqlite3.connect(str(demo_copy))
    household_uuid, head_name = conn.execute("SELECT uuid, head_name FROM household ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE household SET head_name = '李冒名' WHERE uuid = ?", (household_uuid,))
    conn.commit()
    conn.close()
    result = cli(demo_copy.parent, "check", db=demo_copy)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("1 problem")
    assert household_uuid in lines[1] and "head_name" in lines[1] and "李冒名" in lines[1] and head_name in lines[1]


def test_a_fresh_demo_of_300_households_passes_check(tmp_path):
    db = tmp_path / "demo.db"
    result = cli(tmp_path, "demo", "--households", "300", db=db)
    assert result.returncode == 0, result.stderr
    result = cli(tmp_path, "check", db=db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Check passed" in result.stdout


def test_check_reports_rows_the_write_path_refuses(demo_copy):
    conn = sqlite3.connect(str(demo_copy))
    membership_uuid, person_id = conn.execute(
        "SELECT m.uuid, p.id FROM membership m JOIN person p ON p.id = m.person_id "
        "WHERE m.status = 'active' AND p.status = 'active' ORDER BY m.id LIMIT 1").fetchone()
    conn.execute("UPDATE person SET status = 'deceased', status_date = '2020-01-01' WHERE id = ?", (person_id,))
    visit_id, household_uuid = conn.execute(
        "SELECT v.id, h.uuid FROM visit v JOIN household h ON h.id = v.household_id "
        "WHERE v.status = 'valid' AND v.campaign_id IS NOT NULL ORDER BY v.id LIMIT 1").fetchone()
    columns = ", ".join(r[1] for r in conn.execute("PRAGMA table_info(visit)") if r[1] not in ("id", "uuid"))
    conn.execute(f"INSERT INTO visit (uuid, {columns}) SELECT '11111111-2222-4333-8444-555555555555', "
                 f"{columns} FROM visit WHERE id = ?", (visit_id,))
    conn.commit()
    conn.close()
    result = cli(demo_copy.parent, "check", db=demo_copy)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(membership_uuid in line and "2020-01-01" in line and "in force" in line for line in lines), lines
    assert any(household_uuid in line and "2 valid visits" in line for line in lines), lines


def test_check_finds_a_broken_reference(demo_copy):
    conn = sqlite3.connect(str(demo_copy))
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE visit SET household_id = 999999 WHERE id = 1")
    conn.commit()
    conn.close()
    result = cli(demo_copy.parent, "check", db=demo_copy)
    assert result.returncode == 1
    assert "foreign key" in result.stdout and "visit" in result.stdout


# ---------------------------------------------------------------- backup

def test_backup_while_another_program_writes(demo_copy, tmp_path):
    cwd = demo_copy.parent
    start_visits = sqlite_counts(demo_copy)["visit"]
    progress = tmp_path / "progress.txt"
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sys; from tests.support import records; "
         "records.visit_writer_main(sys.argv[1], 120.0, sys.argv[2])",
         str(demo_copy), str(progress)],
        cwd=TESTS_DIR, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (progress.exists() and int(progress.read_text() or 0) >= 5):
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.02)
        dest = tmp_path / "backup" / "copy.db"
        dest.parent.mkdir()
        result = cli(cwd, "backup", str(dest), db=demo_copy)
        written_during = int(progress.read_text())
        # The writer goes on after the backup (however long the backup took on a busy machine).
        deadline = time.monotonic() + 30
        while int(progress.read_text() or 0) <= written_during and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        Path(str(progress) + ".stop").touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert result.returncode == 0, result.stderr
    assert str(dest) in result.stdout
    total_written = int(out.strip())
    assert total_written > written_during, "the writer kept writing after the backup"

    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    conn = sqlite3.connect(str(dest))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = conn.execute("SELECT count(*) FROM visit").fetchone()[0]
    finally:
        conn.close()
    assert start_visits + 5 <= copied < start_visits + total_written
    assert sqlite_counts(demo_copy)["visit"] == start_visits + total_written
    # The copy is one consistent moment: every record agrees with its change log.
    check = cli(dest.parent, "check", db=dest)
    assert check.returncode == 0, check.stdout

    # An existing destination is never overwritten.
    before = dest.read_bytes()
    again = cli(cwd, "backup", str(dest), db=demo_copy)
    assert again.returncode == 1
    assert str(dest) in again.stderr and "Traceback" not in again.stderr
    assert dest.read_bytes() == before


# ---------------------------------------------------------------- staff

def test_staff_list_add_disable(tmp_path):
    db = tmp_path / "r.db"
    me = current_login()
    result = cli(tmp_path, "staff", "list", db=db)  # creates the register: I am its supervisor
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == [me]
    assert "supervisor" in result.stdout

    result = cli(tmp_path, "staff", "add", "bob", "--name", "鲍勃", "--role", "clerk", db=db)
    assert result.returncode == 0, result.stderr
    assert "bob" in result.stdout
    listing = cli(tmp_path, "staff", "list", db=db).stdout
    bob_line = next(line for line in listing.splitlines() if line.startswith("bob"))
    assert "鲍勃" in bob_line and "clerk" in bob_line and "active" in bob_line

    result = cli(tmp_path, "staff", "disable", "bob", db=db)
    assert result.returncode == 0, result.stderr
    listing = cli(tmp_path, "staff", "list", db=db).stdout
    bob_line = next(line for line in listing.splitlines() if line.startswith("bob"))
    assert "disabled" in bob_line

    zh = cli(tmp_path, "staff", "list", db=db, lang="zh_CN").stdout
    assert "已停用" in zh and "管理员" in zh

    result = cli(tmp_path, "staff", "disable", me, db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    result = cli(tmp_path, "staff", "disable", "nobody", db=db)
    assert result.returncode == 1 and "nobody" in result.stderr
    result = cli(tmp_path, "staff", "add", "eve", "--name", "   ", "--role", "clerk", db=db)
    assert result.returncode == 2
    result = cli(tmp_path, "staff", "add", "eve", "--name", "伊芙", "--role", "admin", db=db)
    assert result.returncode == 2
    assert "eve" not in cli(tmp_path, "staff", "list", db=db).stdout


def test_staff_commands_need_a_supervisor(tmp_path):
    from tui_register.storage.register import open_register

    db_path = tmp_path / "r.db"
    open_register(db_path, "someone_else").close()
    before = sqlite_counts(db_path)
    for args in (("staff", "list"), ("staff", "add", "bob", "--name", "鲍勃", "--role", "clerk"),
                 ("staff", "disable", "someone_else")):
        result = cli(tmp_path, *args, db=db_path)
        assert result.returncode == 1, args
        assert current_login() in result.stderr and "Traceback" not in result.stderr
    assert sqlite_counts(db_path) == before


# ---------------------------------------------------------------- configuration and usage errors

@pytest.mark.parametrize("text, named", [
    ("[database]\npath = \"x.db\"\n[ui\nmouse = true\n", "line 3"),
    ("frobnicate = 1\n", "frobnicate"),
    ("[sync]\nbatchsize = 10\n", "sync.batchsize"),
    ("[ui]\nescape_delay_ms = \"fast\"\n", "ui.escape_delay_ms"),
])
def test_bad_configuration_file_exits_2_with_one_line(tmp_path, text, named):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    db = tmp_path / "r.db"
    result = cli(tmp_path, "--config", str(config), "stats", db=db)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0] and str(config) in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()


def test_implicit_configuration_file_in_the_working_directory(tmp_path):
    (tmp_path / "tui-register.toml").write_text("[office]\ncolour = 'red'\n", encoding="utf-8")
    result = cli(tmp_path, "stats", db=tmp_path / "r.db")
    assert result.returncode == 2
    assert "office.colour" in result.stderr and "Traceback" not in result.stderr


def test_missing_configuration_file_exits_2(tmp_path):
    result = cli(tmp_path, "--config", str(tmp_path / "none.toml"), "stats")
    assert result.returncode == 2 and "none.toml" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("frobnicate",), ("stats", "--frob"), ("staff",), ("staff", "promote", "x"),
                                  ("--lang", "fr", "stats")])
def test_usage_errors_exit_2(tmp_path, args):
    result = cli(tmp_path, *args, db=tmp_path / "r.db")
    assert result.returncode == 2
    assert "usage" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.db").exists()


# ---------------------------------------------------------------- import hygiene

_NO_TEXTUAL = """
import sys
from tui_register.cli import main
db = sys.argv[1]
for args in (["stats"], ["stats", "--json"], ["check"], ["staff", "list"]):
    rc = main(["--db", db, *args])
    assert rc == 0, (args, rc)
heavy = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("TEXTUAL:" + ",".join(heavy))
"""


def test_commands_without_the_interface_do_not_import_textual(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "r.db")
    result = subprocess.run([sys.executable, "-c", _NO_TEXTUAL, str(db)], cwd=tmp_path, env=cli_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "TEXTUAL:"


def test_python_dash_m_stats_does_not_import_textual(demo_db, tmp_path):
    db = copy_db(demo_db, tmp_path / "r.db")
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "tui_register", "--db", str(db), "stats"],
                            cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "tui_register.cli" in imported
    assert not {m for m in imported if m == "textual" or m.startswith("textual.")}


# ---------------------------------------------------------------- demo determinism

def _generate(path: Path, seed: int, households: int = 30) -> list[tuple[str, str, str]]:
    from tui_register import demo
    from tui_register.storage.register import open_register

    db = open_register(path, ALICE)
    try:
        summary = demo.generate(households, seed=seed, user=ALICE, until=date(2026, 6, 30))
        assert summary["households"] == households
        rows = db.execute_sql("SELECT entity, uuid, snapshot FROM change_log WHERE entity != 'staff' "
                              "ORDER BY seq").fetchall()
    finally:
        db.close()
    return rows


def test_demo_is_deterministic_for_a_seed_and_an_end_date(tmp_path):
    a = _generate(tmp_path / "a.db", seed=7)
    b = _generate(tmp_path / "b.db", seed=7)
    c = _generate(tmp_path / "c.db", seed=8)
    assert len(a) > 30 * 5
    assert a == b
    assert a != c
    assert {u for _e, u, _s in a}.isdisjoint({u for _e, u, _s in c}), "another seed, other records"
    sa, sb, sc = (stats_json(tmp_path, tmp_path / f"{n}.db") for n in "abc")
    assert sa == sb
    assert sa != sc
    # Dates stay on or before `until` and the result checks clean.
    latest = max(json.loads(s).get("visit_date") or "" for e, _u, s in a if e == "visit")
    assert latest <= "2026-06-30"
    assert cli(tmp_path, "check", db=tmp_path / "a.db").returncode == 0


def test_the_log_never_gets_peewee_statements_with_their_values(tmp_path):
    """Peewee logs each statement with its values (account and ID numbers) at DEBUG."""
    import logging

    from tui_register.cli import _setup_logging
    from tui_register.config import Settings

    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("peewee").level
    try:
        _setup_logging(Settings(db_path=tmp_path / "r.db"))
        root.setLevel(logging.DEBUG)  # even if someone turns the whole log up
        assert not logging.getLogger("peewee").isEnabledFor(logging.DEBUG)
    finally:
        root.handlers[:], _level, peewee_level = saved
        root.setLevel(_level)
        logging.getLogger("peewee").setLevel(peewee_level)
