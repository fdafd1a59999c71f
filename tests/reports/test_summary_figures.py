"""上期 / 增减, 比率与平均 and the charts of the summary, read back from a register of known figures.

东关社区: 张三's 城市低保 household (3 persons, 500 a month since 2024), 李四's (2 persons, since
July 2025: new in 2025), 王五 特困供养(集中) with his wife, 赵六 特困供养(分散) alone, and 钱七
特困供养(分散) alone, whose household closed in March 2025. March 2025's 城市低保 round paid
张三 500 yuan; 张三 and 王五 were visited in 2025 with 100 and 200 yuan.
"""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal

import pytest

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import ALICE
from tests.support.reports import data_rows, headers, open_book, settings_for
from tui_register import i18n
from tui_register.reports import ExportOptions, export
from tui_register.reports.trends import previous_dates

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments

    path = tmp_path_factory.mktemp("figures") / "f.db"
    build = RegisterBuilder(path, ALICE)
    village = build.place("东关社区", "village", build.place("城关街道", "township"))
    monthly = dict(amount="500", period="monthly")
    zhang = build.household(village, "人民路1号", "张三", members=[member("李秀英", relation="spouse"),
                                                               member("张小明", relation="son")],
                            categories=[category("urban_dibao", start=START, **monthly)])
    build.household(village, "人民路2号", "李四", members=[member("李小红", relation="daughter")],
                    categories=[category("urban_dibao", start=date(2025, 7, 1), **monthly)])
    wang = build.household(village, "人民路3号", "王五", members=[member("刘芳", relation="spouse")],
                           categories=[category("tekun_centralised", of_head=True, start=START)])
    build.household(village, "人民路4号", "赵六", categories=[category("tekun_dispersed", of_head=True, start=START)])
    qian = build.household(village, "人民路5号", "钱七",
                           categories=[category("tekun_dispersed", of_head=True, start=START)])
    build.set_status(qian.uuid, "closed", "死亡", date(2025, 3, 31))
    build.visit(zhang.uuid, date(2025, 2, 1), cash="100")
    build.visit(wang.uuid, date(2025, 3, 1), cash="200")
    payments.add_account(ALICE, validate(AccountIn, {"household": zhang.uuid, "kind": "cash"}))
    r = payments.create_round(ALICE, ["urban_dibao"], "2025-03")
    payments.approve_round(ALICE, r.number, single_supervisor=True)
    payments.close_round(ALICE, r.number, date(2025, 3, 10))
    return path


@pytest.fixture(autouse=True)
def chinese(register):
    from tui_register.storage.db import make_database
    from tui_register.storage.models import database

    if getattr(database.obj, "database", None) != str(register):
        database.initialize(make_database(register))
    i18n.set_language("zh_CN")


@pytest.fixture(scope="module")
def workbook_path(register, tmp_path_factory):
    from tui_register.storage.db import make_database
    from tui_register.storage.models import database

    database.initialize(make_database(register))
    i18n.set_language("zh_CN")
    out = tmp_path_factory.mktemp("out") / "summary.xlsx"
    return export("summary", settings_for(register, out.parent), ALICE, ExportOptions(out=out, **YEAR_2025))


def by_name(ws) -> dict:
    return {row[0]: row[1:] for row in data_rows(ws)}


def test_previous_period_is_the_same_length_just_before():
    assert previous_dates(date(2026, 1, 1), date(2026, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert previous_dates(date(2025, 1, 1), date(2025, 12, 31)) == (date(2024, 1, 1), date(2024, 12, 31))
    assert previous_dates(date(2026, 1, 1), date(2026, 3, 31)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert previous_dates(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_dates(date(2026, 3, 5), date(2026, 3, 14)) == (date(2026, 2, 23), date(2026, 3, 4))


def test_overview_shows_the_previous_year_and_the_change(workbook_path):
    ws = open_book(workbook_path)["概览"]
    assert headers(ws)[3:5] == ["上期", "增减"]
    rows = by_name(ws)
    # 2025: 张三, 李四, 王五, 赵六 (钱七 closed); 2024: 张三, 王五, 赵六, 钱七 (李四 not yet).
    assert rows["期末在册户数"] == (4, "户", 4, 0)
    assert rows["期末在册人数"] == (8, "人", 7, 1)
    assert rows["走访慰问人次"][2:] == (None, None)


def test_by_category_shows_the_previous_year_and_the_change(workbook_path):
    ws = open_book(workbook_path)["按类别"]
    assert headers(ws)[-4:] == ["上期在册户数", "上期在册人数", "户数增减", "人数增减"]
    rows = by_name(ws)
    # (households, persons) now, then before and the change
    assert rows["城市低保"][:2] == (2, 5) and rows["城市低保"][-4:] == (1, 3, 1, 2)
    assert rows["特困供养(分散)"][:2] == (1, 1) and rows["特困供养(分散)"][-4:] == (2, 2, -1, -1)
    assert rows["小计：特困"][:2] == (2, 2) and rows["小计：特困"][-4:] == (3, 3, -1, -1)
    # 王五's wife holds no category: 7 persons in a category now, 6 at the end of 2024.
    assert rows["合计（户数、人数不重复计）"][:2] == (4, 7)
    assert rows["合计（户数、人数不重复计）"][-4:] == (4, 6, 0, 1)


def test_rates_and_averages_say_how_they_are_computed(workbook_path):
    ws = open_book(workbook_path)["比率与平均"]
    assert headers(ws) == ["指标", "对象类别", "数值", "单位", "计算方法"]
    rows = {(r[0], r[1]): r[2:] for r in data_rows(ws)}
    # 500 yuan over 张三's 12 months × 3 persons and 李四's 6 months × 2 persons: 500 / 48.
    value, unit, how = rows[("月人均补差", "城市低保")]
    assert (round(Decimal(str(value)), 2), unit) == (Decimal("10.42"), "元/人·月") and "人月" in how
    assert rows[("集中供养率", None)][:2] == (50, "%")  # 王五 of 王五 and 赵六
    assert rows[("走访覆盖率", None)][:2] == (50, "%")  # 2 of 4 households
    assert rows[("户均慰问金", None)][:2] == (150, "元/户")
    assert all(r[4] for r in data_rows(ws)), "every row says how it is computed"


def test_charts_draw_from_the_cells_of_the_sheets(workbook_path):
    assert "图表" in open_book(workbook_path).sheetnames
    with zipfile.ZipFile(workbook_path) as z:
        charts = [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]
    xml = "\n".join(charts)
    assert len(charts) == 3
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml and "<c:valAx>" in xml
    assert "走访按月!$B$4:$B$15" in xml and "走访按月!$E$4:$E$15" in xml  # visits, cash
    assert "按类别!$B$4:$B$6" in xml and "按类别!$A$4:$A$6" in xml  # three categories, no subtotals
    assert "发放按月!$B$4:$B$15" in xml and "发放按月!$C$4:$C$15" in xml  # due, paid


def test_a_continued_table_is_charted_from_its_first_worksheet(register, tmp_path):
    # Six data rows per worksheet: 走访按月's twelve months go on over 走访按月 (2).
    out = tmp_path / "continued.xlsx"
    export("summary", settings_for(register, tmp_path), ALICE, ExportOptions(out=out, sheet_rows=12, **YEAR_2025))
    assert "走访按月 (2)" in open_book(out).sheetnames
    with zipfile.ZipFile(out) as z:
        xml = "\n".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert "走访按月!$B$4:$B$9" in xml and "(2)" not in xml
