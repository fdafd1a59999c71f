"""`tui-register import roster` as a user runs it: exit status, summary, error report."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from openpyxl import Workbook

from tests.support.records import cli_env, resident_id, table_counts
from tui_register.storage.clock import current_login
from tui_register.storage.register import open_register

GOOD = ["张三丰", "户主", resident_id(date(1950, 3, 4), 11), "人民路1号", "东关社区", "城市低保", 590]
BAD = ["李四", "户主", "1.10101199001011E+17", "人民路2号", "东关社区", "城市低保", 590]


def roster(path, *rows):
    wb = Workbook()
    wb.active.append(["姓名", "与户主关系", "身份证号", "住址", "村（社区）", "类别", "金额"])
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def cli(tmp_path, *args):
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(tmp_path / "r.db"), *args],
                          env={**cli_env("en"), "TUI_REGISTER_EXPORT_DIR": str(tmp_path / "exports")},
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    return done


def test_import_from_the_command_line(tmp_path):
    open_register(tmp_path / "r.db", current_login())
    before = table_counts()
    refused = cli(tmp_path, "import", "roster", str(roster(tmp_path / "in.xlsx", GOOD, BAD)))
    assert refused.returncode == 1
    assert "1 of 2 rows are in error: nothing was imported" in refused.stderr
    assert "error report: " + str(tmp_path / "exports" / "import-errors_in_") in refused.stderr
    assert table_counts() == before
    checked = cli(tmp_path, "import", "roster", str(roster(tmp_path / "ok.xlsx", GOOD)), "--dry-run")
    assert checked.returncode == 0 and checked.stdout.startswith("Checked, nothing written: 1 new households")
    done = cli(tmp_path, "import", "roster", str(tmp_path / "in.xlsx"), "--skip-invalid")
    assert done.returncode == 1  # rows were rejected: a script must notice
    assert done.stdout.startswith("Imported: 1 new households, 1 new persons, 0 persons matched")
    again = cli(tmp_path, "import", "roster", str(tmp_path / "ok.xlsx"))
    assert again.returncode == 0 and "0 new persons, 1 persons matched (1 households)" in again.stdout


def test_import_problems(tmp_path):
    open_register(tmp_path / "r.db", current_login())
    missing = cli(tmp_path, "import", "roster", str(tmp_path / "none.xlsx"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    bad_map = tmp_path / "map.toml"
    bad_map.write_text("[columns]\nnom = '姓名'\n")
    mapped = cli(tmp_path, "import", "roster", str(roster(tmp_path / "in.xlsx", GOOD)), "--map", str(bad_map))
    assert mapped.returncode == 2 and "Unknown field “nom”" in mapped.stderr
    usage = cli(tmp_path, "import", "households", "x.xlsx")
    assert usage.returncode == 2


def test_importing_a_roster_creates_a_new_register(tmp_path):
    """A new office starts from the roster it keeps in Excel: the register is created with the
    importer as its first supervisor, as the interface's first run does."""
    done = cli(tmp_path, "import", "roster", str(roster(tmp_path / "ok.xlsx", GOOD)))
    assert done.returncode == 0, done.stderr
    assert "Created the register " + str(tmp_path / "r.db") in done.stderr
    assert done.stdout.startswith("Imported: 1 new households, 1 new persons")
    assert (tmp_path / "r.db").stat().st_mode & 0o777 == 0o600
    staff = cli(tmp_path, "staff", "list")  # needs a supervisor: the importer is one
    assert staff.returncode == 0 and current_login() in staff.stdout and "supervisor" in staff.stdout


def test_a_mistyped_roster_name_creates_no_register(tmp_path):
    done = cli(tmp_path, "import", "roster", str(tmp_path / "none.xlsx"))
    assert done.returncode == 1 and "does not exist" in done.stderr
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize("args", [("stats",), ("check",), ("backup", "copy.db"), ("export", "roster"), ("sync",)])
def test_commands_on_a_missing_register_say_how_to_create_one(tmp_path, args):
    done = cli(tmp_path, *args)
    assert done.returncode in (1, 2)  # sync: a wrong path is configuration (2)
    assert str(tmp_path / "r.db") in done.stderr
    assert "tui-register import roster" in done.stderr and "run tui-register" in done.stderr
    assert not (tmp_path / "r.db").exists()
