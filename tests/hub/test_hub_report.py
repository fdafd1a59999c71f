"""`tui-register hub report summary`: two offices pushed through the real sync to a hub on
127.0.0.1 (SQLite, and PostgreSQL when TUI_REGISTER_TEST_PG is set), the county's workbook read
back: known figures per office, the county's total, and each office equal to its own summary.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.support.records import ALICE, cli_env
from tests.support.reports import build_register, data_rows, headers, open_book, totals_row
from tests.support.sync import FAST, OFFICE, populate, populate_payments, settings_for
from tui_register import i18n
from tui_register.config import Settings
from tui_register.domain.categories import code_for

pytestmark = pytest.mark.timeout(120)

OTHER = "GL-05"
SILENT = "GL-09"  # registered, never synced
YEAR = ("--from", "2025-01-01", "--to", "2025-12-31")


def hub_report(hub_db: Path | str, *args: str, cwd: Path, language: str = "zh_CN") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_register", "hub", "report", "summary", "--db", str(hub_db),
                           *args], env=cli_env(language), cwd=cwd, capture_output=True, text=True, timeout=60)


def _office_a(path: Path) -> None:
    """tests.support.reports' register (two households on it at the end of 2025, one closed in
    May, three counted visits, two volunteers) with its March 城市低保 round paid."""
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import Household

    build_register(path, ALICE)
    zhang = Household.get(Household.head_name == "张三丰")
    payments.add_account(ALICE, validate(AccountIn, {"household": zhang.uuid, "kind": "cash"}))
    r = payments.create_round(ALICE, ["urban_dibao"], "2025-03")
    payments.approve_round(ALICE, r.number, single_supervisor=True)
    payments.close_round(ALICE, r.number, date(2025, 3, 10))


def _office_b(path: Path) -> None:
    """tests.support.sync's register: three 城市低保 households of two, ¥500 a month, three
    visits in March, one volunteer; its March round paid to all three."""
    from tui_register.storage import payments
    from tui_register.storage.register import open_register

    open_register(path, ALICE)
    names = populate()
    populate_payments(names)
    payments.close_round(ALICE, 1, date(2025, 3, 10))  # its only round


def _own_summary(path: Path, code: str, out: Path) -> dict[str, object]:
    """The office's own summary of 2025 (the figure's label -> its value)."""
    from tui_register.reports import ExportOptions, export

    settings = Settings(db_path=path, export_dir=out.parent, office_code=code, office_name=code, language="zh_CN")
    book = open_book(export("summary", settings, ALICE, ExportOptions(out=out, date_from=date(2025, 1, 1),
                                                                      date_to=date(2025, 12, 31))))
    own = {row[0]: row[1] for row in data_rows(book["概览"])}
    # The category rows, then the group subtotals and the once-only total after them.
    own["categories"] = {row[0]: row[1:] for row in data_rows(book["按类别"])
                         if code_for("category", row[0]) is not None}
    own["subtotals"] = {row[0]: row[1:] for row in data_rows(book["按类别"])
                        if row[0].startswith("小计：") or row[0].startswith("合计（")}
    return own


@pytest.fixture
def county(hub, tmp_path):
    """Both offices built, synced through the real client and summarised by themselves."""
    from tui_register.hub.offices import add_office
    from tui_register.storage.models import database
    from tui_register.sync import service

    tokens = {OFFICE: hub.token, OTHER: add_office(OTHER)}
    add_office(SILENT)
    own = {}
    i18n.set_language("zh_CN")
    for code, build in ((OFFICE, _office_a), (OTHER, _office_b)):
        path = tmp_path / f"{code}.db"
        build(path)
        run = service.run_sync(settings_for(path, hub, token=tokens[code], office_code=code, batch_size=50),
                               ALICE, policy=FAST)
        assert (run.exit_code, run.conflicts, run.rejected, run.pending) == (0, 0, 0, 0)
        own[code] = _own_summary(path, code, tmp_path / f"own-{code}.xlsx")
        own[code]["sent"] = run.sent
        database.obj.close()
    return own


def test_the_county_workbook_gives_each_office_its_own_figures_and_their_total(hub, county, tmp_path):
    out = tmp_path / "county.xlsx"
    done = hub_report(hub.db, *YEAR, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and (out.stat().st_mode & 0o777) == 0o600
    book = open_book(out)
    assert book.sheetnames == ["按办汇总", "按办按类别", "全县按类别", "同步情况"]
    offices = book["按办汇总"]
    assert offices["A1"].value == "全县统计汇总（各办）"
    assert "2025年1月1日至2025年12月31日" in offices["A2"].value and "3 个办" in offices["A2"].value
    head = headers(offices)
    rows = {row[0]: dict(zip(head, row)) for row in data_rows(offices)}
    assert list(rows) == [OFFICE, OTHER, SILENT]
    a, b, silent = rows[OFFICE], rows[OTHER], rows[SILENT]
    # Known figures of the two registers.
    assert (a["在册户数"], a["在册人数"], b["在册户数"], b["在册人数"]) == (2, 4, 3, 6)
    assert (a["走访人次"], a["走访户数"], a["发放慰问金户数"], a["慰问金（元）"]) == (3, 2, 1, 1534.56)
    assert (b["走访人次"], b["走访户数"]) == (3, 3)
    assert a["期内应发金额（按标准计，元）"] == 7080 + 1206 + 2000 and b["期内应发金额（按标准计，元）"] == 3 * 12 * 500
    assert (a["期内实发金额（元）"], a["发放人次"], b["期内实发金额（元）"], b["发放人次"]) == (590, 1, 1500, 3)
    assert (a["志愿者人数"], a["参与人次"], a["服务时长（小时）"]) == (2, 2, 4.5)
    assert (b["活动次数"], b["志愿者人数"], b["服务时长（小时）"]) == (1, 1, 2.5)
    assert all(value in (0, None) for key, value in silent.items() if key != "办")
    # Each office as its own summary counts it: the same definitions.
    own_labels = {"在册户数": "期末在册户数", "在册人数": "期末在册人数", "走访人次": "走访慰问人次",
                  "走访户数": "走访户数", "发放慰问金户数": "发放慰问金户数", "慰问金（元）": "发放慰问金",
                  "期内应发金额（按标准计，元）": "期内应发金额（按标准计）", "期内实发金额（元）": "期内实发金额",
                  "发放人次": "发放人次", "发放人数（户）": "发放人数（户）", "活动次数": "志愿服务活动",
                  "志愿者人数": "参与志愿者", "参与人次": "志愿服务人次", "服务时长（小时）": "志愿服务时长"}
    for code in (OFFICE, OTHER):
        for column, label in own_labels.items():
            assert rows[code][column] == county[code][label], f"{code} {column}"
    # The county: the totals row adds the offices up (its formulas' values as written).
    total = dict(zip(head, totals_row(open_book(out, values=True)["按办汇总"])))
    for column in own_labels:
        assert total[column] == pytest.approx(a[column] + b[column]), column

    by_office = {(row[0], row[1]): row[2:] for row in data_rows(book["按办按类别"])}
    for code in (OFFICE, OTHER):
        for category, figures in county[code]["categories"].items():
            ours = by_office.get((code, category), (0, 0, 0, 0, 0, 0))
            # households, persons, due, paid, lines, recipients as in the office's 按类别 sheet
            assert ours == (figures[0], figures[1], *figures[4:8]), f"{code} {category}"
    assert by_office[(OFFICE, "城市低保")] == (1, 3, 7080, 590, 1, 1)
    assert by_office[(OTHER, "城市低保")] == (3, 6, 18000, 1500, 3, 3)
    categories = {row[0]: row[1:] for row in data_rows(book["全县按类别"])}
    assert categories["城市低保"] == (4, 9, 7080 + 18000, 590 + 1500, 4, 4)
    assert categories["农村低保"][:3] == (0, 0, 2000)  # closed in May: due until then, not on the register


def test_the_category_sheets_have_the_office_summary_group_subtotals(hub, county, tmp_path):
    out = tmp_path / "county.xlsx"
    assert hub_report(hub.db, *YEAR, "--out", str(out), cwd=tmp_path).returncode == 0
    book = open_book(out)
    by_office = {(row[0], row[1]): row[2:] for row in data_rows(book["按办按类别"])}
    for code in (OFFICE, OTHER):
        own = county[code]["subtotals"]
        assert list(own) == ["小计：低保", "小计：特困", "小计：残疾", "小计：优抚对象", "合计（户数、人数不重复计）"]
        for label, figures in own.items():
            # households, persons, due, paid, lines, recipients as on the office's 按类别 sheet
            assert by_office[(code, label)] == (figures[0], figures[1], *figures[4:8]), f"{code} {label}"
    # Office A: one household of 城市低保 that is also 重度残疾人 and 退役军人, counted once in
    # the total; 农村低保 closed in May: its 应发 in 低保's, no household on the register.
    assert by_office[(OFFICE, "小计：低保")] == (1, 3, 7080 + 2000, 590, 1, 1)
    assert by_office[(OFFICE, "合计（户数、人数不重复计）")][:3] == (2, 4, 7080 + 2000 + 1206)
    assert (SILENT, "小计：低保") not in by_office  # an office without categories has no subtotals
    county_rows = {row[0]: row[1:] for row in data_rows(book["全县按类别"])}
    assert county_rows["小计：低保"] == (4, 9, 7080 + 2000 + 18000, 590 + 1500, 4, 4)
    every = county_rows["合计（户数、人数不重复计）"]
    assert every == tuple(a + b for a, b in zip(by_office[(OFFICE, "合计（户数、人数不重复计）")],
                                                by_office[(OTHER, "合计（户数、人数不重复计）")]))


def test_the_sync_sheet_shows_each_office_last_run_and_the_one_that_never_synced(hub, county, tmp_path):
    out = tmp_path / "county.xlsx"
    assert hub_report(hub.db, *YEAR, "--out", str(out), cwd=tmp_path, language="en").returncode == 0
    ws = open_book(out)["Syncs"]
    head = headers(ws)
    rows = {row[0]: dict(zip(head, row)) for row in data_rows(ws)}
    assert list(rows) == [OFFICE, OTHER, SILENT]
    for code in (OFFICE, OTHER):
        row = rows[code]
        assert row["Token"] == "valid" and row["Days since"] == 0 and not row["Attention"]
        assert row["Last sync"].startswith(date.today().isoformat())
        assert (row["Changes"], row["Applied"], row["Duplicates"], row["Conflicts"], row["Rejected"],
                row["Refused, not taken since"]) == (county[code]["sent"], county[code]["sent"], 0, 0, 0, 0)
        assert row["Batches"] == -(-county[code]["sent"] // 50)
    assert rows[SILENT]["Last sync"] == "never" and rows[SILENT]["Attention"] == "never synced"
    assert rows[SILENT]["Days since"] is None and not rows[SILENT]["Batches"]


def _hub_write(hub_db: Path | str, sql: str, params: tuple) -> None:
    """A change made to the hub's database behind its back (to set up the past)."""
    if isinstance(hub_db, str):
        import psycopg2

        conn = psycopg2.connect(hub_db)
        with conn, conn.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
        conn.close()
        return
    with sqlite3.connect(hub_db) as conn:
        conn.execute(sql, params)
    conn.close()


def test_a_late_office_and_a_refused_change_are_marked(hub, county, tmp_path):
    from tests.support.sync import edit_household
    from tui_register.storage.models import Household
    from tui_register.storage.register import open_register
    from tui_register.sync import service

    days_ago = (datetime.now(timezone.utc) - timedelta(days=4)).isoformat()
    _hub_write(hub.db, "UPDATE hub_batch SET received_at = ? WHERE office = ?", (days_ago, OTHER))
    _hub_write(hub.db, "UPDATE hub_batch SET received_at = ? WHERE office = ?",
               ((datetime.now(timezone.utc) - timedelta(days=1)).isoformat(), OFFICE))
    db = open_register(tmp_path / f"{OFFICE}.db", ALICE)
    household = Household.select().order_by(Household.id).first()
    # Someone else's version at the hub: the office's next edit of it is a conflict.
    _hub_write(hub.db, "UPDATE hub_record SET version = version + 5 WHERE office = ? AND uuid = ?",
               (OFFICE, household.uuid))
    edit_household(household.uuid, "换了联系人")
    edit_household(Household.select().order_by(Household.id.desc()).first().uuid, "新地址")
    run = service.run_sync(settings_for(tmp_path / f"{OFFICE}.db", hub), ALICE, policy=FAST)
    db.close()
    assert (run.sent, run.applied, run.conflicts) == (2, 1, 1)

    out = tmp_path / "county.xlsx"
    assert hub_report(hub.db, *YEAR, "--out", str(out), cwd=tmp_path, language="en").returncode == 0
    ws = open_book(out)["Syncs"]
    head = headers(ws)
    rows = {row[0]: dict(zip(head, row)) for row in data_rows(ws)}
    a, late = rows[OFFICE], rows[OTHER]
    # The office's last run is today's alone: yesterday's batches were another run.
    assert (a["Days since"], a["Batches"], a["Changes"], a["Applied"], a["Conflicts"]) == (0, 1, 2, 1, 1)
    assert a["Refused, not taken since"] == 1 and a["Attention"] == "changes refused in the last run"
    assert late["Days since"] == 4 and late["Attention"] == "no sync for 4 days"
    assert late["Changes"] == county[OTHER]["sent"] and late["Refused, not taken since"] == 0
    assert totals_row(open_book(out, values=True)["Syncs"])[-1] == 1


def _sync_row(hub_db, tmp_path: Path) -> dict:
    """The office's row of the sync sheet of a county workbook written now."""
    out = tmp_path / f"county-{datetime.now():%H%M%S%f}.xlsx"
    assert hub_report(hub_db, *YEAR, "--out", str(out), cwd=tmp_path, language="en").returncode == 0
    ws = open_book(out)["Syncs"]
    return {row[0]: dict(zip(headers(ws), row)) for row in data_rows(ws)}[OFFICE]


def test_the_quarantine_count_is_the_office_s_own(hub, county, tmp_path):
    """Two edits of a record the hub holds in another version: both refused, one quarantine entry
    at the office (the second waits behind it); the record edited again is taken: none."""
    from tests.support.sync import edit_household
    from tui_register.storage import sync_state
    from tui_register.storage.models import Household
    from tui_register.storage.register import open_register
    from tui_register.sync import service

    db = open_register(tmp_path / f"{OFFICE}.db", ALICE)
    household = Household.select().order_by(Household.id).first()
    _hub_write(hub.db, "UPDATE hub_record SET version = version + 5 WHERE office = ? AND uuid = ?",
               (OFFICE, household.uuid))
    edit_household(household.uuid, "换了联系人")
    edit_household(household.uuid, "又换了联系人")
    run = service.run_sync(settings_for(tmp_path / f"{OFFICE}.db", hub), ALICE, policy=FAST)
    assert run.sent == 2 and len(sync_state.quarantined()) == 1
    row = _sync_row(hub.db, tmp_path)
    assert (row["Conflicts"], row["Refused, not taken since"]) == (2, 1)

    edit_household(household.uuid, "核实后更正")
    run = service.run_sync(settings_for(tmp_path / f"{OFFICE}.db", hub), ALICE, policy=FAST)
    assert (run.sent, run.applied, run.exit_code) == (1, 1, 0)
    assert sync_state.quarantined() == []
    db.close()
    assert _sync_row(hub.db, tmp_path)["Refused, not taken since"] == 0


def test_only_the_offices_asked_for_and_a_clear_word_for_an_unknown_one(hub, county, tmp_path):
    out = tmp_path / "one.xlsx"
    done = hub_report(hub.db, *YEAR, "--office", OTHER, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = open_book(out)
    assert [row[0] for row in data_rows(book["按办汇总"])] == [OTHER]
    assert [row[0] for row in data_rows(book["同步情况"])] == [OTHER]
    assert {row[0] for row in data_rows(book["按办按类别"])} == {OTHER}

    unknown = hub_report(hub.db, *YEAR, "--office", "GL-99", "--out", str(tmp_path / "x.xlsx"), cwd=tmp_path,
                         language="en")
    assert unknown.returncode == 2 and "no office GL-99" in unknown.stderr and OTHER in unknown.stderr
    assert "Traceback" not in unknown.stderr and not (tmp_path / "x.xlsx").exists()
    again = hub_report(hub.db, *YEAR, "--out", str(out), cwd=tmp_path, language="en")
    assert again.returncode == 1 and "will not be overwritten" in again.stderr


def test_a_missing_hub_database_is_not_created(tmp_path):
    missing = tmp_path / "no-such-hub.db"
    done = hub_report(missing, cwd=tmp_path, language="en")
    assert done.returncode == 1 and "does not exist" in done.stderr and not missing.exists()


@pytest.fixture
def shanghai(monkeypatch):
    """The machine's time zone is UTC+8 for the test (as a county office's would be)."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_household_counts_from_its_local_day_of_creation(hub, shanghai):
    """Created at 01:00 on 1 January in Beijing time (17:00 UTC the day before): not on the
    register at the end of 2025, on it the next day, on either database."""
    from tui_register.hub.figures import county
    from tui_register.hub.models import HubRecord

    moment = "2025-12-31T17:00:00.000000+00:00"
    snapshot = {"uuid": "0b5a1c3e-8a5f-4c1e-9a57-2f6d1c0e4b11", "version": 1, "created_at": moment,
                "created_by": ALICE, "updated_at": moment, "updated_by": ALICE, "status": "active",
                "status_date": None}
    HubRecord.insert(office=OFFICE, entity="household", uuid=snapshot["uuid"], version=1,
                     snapshot=json.dumps(snapshot), seq=1, updated_at=moment).execute()
    assert county(date(2025, 1, 1), date(2025, 12, 31)).offices[OFFICE].households == 0
    assert county(date(2026, 1, 1), date(2026, 1, 1)).offices[OFFICE].households == 1
