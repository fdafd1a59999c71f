"""`tui-register export` as a user runs it: exit status, messages, no traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from tests.support.records import cli_env
from tests.support.reports import HEAD1_ID, build_register, column, open_book
from tui_register.storage.clock import current_login


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    # Made by the login the command runs as, which makes it the register's supervisor.
    return build_register(tmp_path_factory.mktemp("cli") / "r.db", current_login()).path


def cli(db, *args):
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db), *args], env=cli_env("en"),
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    return done


def test_export_writes_the_workbook(db, tmp_path):
    out = tmp_path / "visits.xlsx"
    done = cli(db, "export", "visits", "--from", "2025-01-01", "--to", "2025年12月31日", "--purpose", "festival",
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Exported to {out}"
    ws = open_book(out).active
    assert ws["A2"].value == "Period: 2025-01-01 to 2025-12-31; Purpose: Festival visit"
    assert column(ws, "Head of household") == ["张三丰"]
    again = cli(db, "export", "visits", "--out", str(out))
    assert again.returncode == 1 and "will not be overwritten" in again.stderr


def test_full_ids_for_the_supervisor(db, tmp_path):
    done = cli(db, "export", "roster", "--full-ids", "--at", str(date.today()), "--out", str(tmp_path / "r.xlsx"))
    assert done.returncode == 0, done.stderr
    assert HEAD1_ID in column(open_book(tmp_path / "r.xlsx").active, "ID number")


@pytest.mark.parametrize("args, says", [
    (("export", "visits", "--at", "2025-01-01"), "--at does not apply to the visits report"),
    (("export", "visits", "--from", "2025-02-30"), "usage error"),
    (("export", "receipts"), "needs a campaign"),
    (("export", "pie"), "usage error"),
    (("export", "visits", "--category", "nope"), "“nope” is not a category"),
])
def test_usage_errors_exit_2(db, args, says):
    done = cli(db, *args)
    assert done.returncode == 2 and says in done.stderr


def test_export_file_name_has_the_office_code_kept_in_the_register(tmp_path):
    """Set on the interface's first run (no [office] in the configuration): the code still
    names the export file of the command line."""
    import subprocess
    import sys

    from tests.support.records import cli_env
    from tui_register.domain.office import OfficeIn
    from tui_register.domain.records import validate
    from tui_register.storage.clock import current_login
    from tui_register.storage.models import database
    from tui_register.storage.office import set_office
    from tui_register.storage.register import open_register

    open_register(tmp_path / "r.db", current_login())
    set_office(current_login(), validate(OfficeIn, {"name": "城关街道民政办", "code": "GL-03"}))
    database.close()
    env = {**cli_env("en"), "TUI_REGISTER_EXPORT_DIR": str(tmp_path / "exports")}
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(tmp_path / "r.db"), "export",
                           "summary"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [p.name[:14] for p in (tmp_path / "exports").glob("*.xlsx")] == ["summary_GL-03_"]


@pytest.mark.parametrize("category", ["dibao", "低保", "urban_dibao,rural_dibao", "城市低保，农村低保"])
def test_category_groups_and_lists(db, tmp_path, category):
    out = tmp_path / "visits.xlsx"
    done = cli(db, "export", "visits", "--from", "2025-01-01", "--to", "2025-12-31", "--category", category,
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    ws = open_book(out).active
    assert ws["A2"].value.endswith("Category: Minimum living allowance")
    assert column(ws, "Head of household") == ["张三丰", "张三丰"]  # 赵大's 农村低保 household was not visited
    both = cli(db, "export", "visits", "--category", "veteran,urban_dibao", "--from", "2025-01-01",
               "--to", "2025-12-31", "--out", str(tmp_path / "both.xlsx"))
    assert both.returncode == 0, both.stderr
    assert sorted(column(open_book(tmp_path / "both.xlsx").active, "Head of household")) == ["张三丰", "张三丰", "王五"]


def test_an_unknown_category_names_the_nearest(db):
    done = cli(db, "export", "visits", "--category", "urban_dibao,rurall_dibao")
    assert done.returncode == 2
    assert done.stderr.strip() == ("Category (--category): “rurall_dibao” is not a category or a group of "
                                   "categories; did you mean “rural_dibao”?")
    unset = cli(db, "export", "visits", "--category", "key_youfu")
    assert unset.returncode == 2 and "key_youfu under [categories]" in unset.stderr


def test_key_youfu_from_the_configuration(db, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[categories]\nkey_youfu = ["退役军人"]\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db), "--config", str(config),
                           "export", "visits", "--category", "key_youfu", "--from", "2025-01-01", "--to",
                           "2025-12-31", "--out", str(tmp_path / "k.xlsx")],
                          env=cli_env("en"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert column(open_book(tmp_path / "k.xlsx").active, "Head of household") == ["王五"]
