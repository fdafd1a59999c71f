"""The summary's groups, places and printed pages, read back from a register of known figures.

东关社区 has two grids: 张三's household (3 persons: 城市低保 for the household, 重度残疾人 for
him) in 第一网格, 李四's (2 persons: 农村低保 for the household, 烈属 for him) in 第二网格.
和平村 has no grids: 王五 (分散供养 and 退役军人, his own; his wife holds none) and 赵六's
城市低保 household, closed in May 2025.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import ALICE
from tests.support.reports import OFFICE, assert_print_ready, data_rows, open_book, settings_for
from tui_register import i18n
from tui_register.config import Settings
from tui_register.reports import ExportOptions, ReportError, export

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
START = date(2024, 1, 1)


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    path = tmp_path_factory.mktemp("groups") / "g.db"
    build = RegisterBuilder(path, ALICE)
    township = build.place("城关街道", "township")
    dongguan = build.place("东关社区", "village", township)
    first, second = build.place("第一网格", "grid", dongguan), build.place("第二网格", "grid", dongguan)
    heping = build.place("和平村", "village", township)
    zhang = build.household(first, "人民路1号", "张三", members=[member("李秀英", relation="spouse"),
                                                              member("张小明", relation="son")],
                            categories=[category("urban_dibao", start=START),
                                        category("severe_disability", of_head=True, start=START)])
    build.household(second, "人民路2号", "李四", members=[member("李小红", relation="daughter")],
                    categories=[category("rural_dibao", start=START),
                                category("martyr_family", of_head=True, start=START)])
    wang = build.household(heping, "和平村1组", "王五", members=[member("刘芳", relation="spouse")],
                           categories=[category("tekun_dispersed", of_head=True, start=START),
                                       category("veteran", of_head=True, start=START)])
    zhao = build.household(heping, "和平村2组", "赵六", categories=[category("urban_dibao", start=START)])
    build.set_status(zhao.uuid, "closed", "迁出本辖区", date(2025, 5, 6))
    build.visit(zhang.uuid, date(2025, 2, 1), cash="100")
    build.visit(wang.uuid, date(2025, 3, 1), cash="200")
    return path


@pytest.fixture(autouse=True)
def chinese(register):
    from tui_register.storage.db import make_database
    from tui_register.storage.models import database

    if getattr(database.obj, "database", None) != str(register):
        database.initialize(make_database(register))
    i18n.set_language("zh_CN")


def summary(register, tmp_path, key_youfu=(), **options):
    # Validated as the configuration file's [categories] key_youfu is: names become codes.
    settings = Settings(**{**settings_for(register, tmp_path).model_dump(), "key_youfu": list(key_youfu)})
    out = tmp_path / f"summary-{len(list(tmp_path.iterdir()))}.xlsx"
    return open_book(export("summary", settings, ALICE, ExportOptions(out=out, **YEAR_2025, **options)))


def rows_by_name(ws) -> dict:
    """Name → the row's figures; the overview's 上期 / 增减 columns are left out."""
    return {row[0]: row[1:3] if ws.title == "概览" else row[1:] for row in data_rows(ws)}


def test_groups_subtotal_and_the_total_counts_each_household_once(register, tmp_path):
    ws = summary(register, tmp_path, key_youfu=["烈属"])["按类别"]
    rows = rows_by_name(ws)
    assert list(rows) == ["城市低保", "农村低保", "特困供养(分散)", "重度残疾人", "烈属", "退役军人",
                          "小计：低保", "小计：特困", "小计：残疾", "小计：优抚对象", "小计：重点优抚对象",
                          "合计（户数、人数不重复计）"]
    # (households, persons, new, ended)
    assert rows["城市低保"][:4] == (1, 3, 0, 0) and rows["农村低保"][:4] == (1, 2, 0, 0)
    assert rows["小计：低保"][:2] == (2, 5)
    assert rows["小计：特困"][:2] == (1, 1) and rows["小计：残疾"][:2] == (1, 1)
    assert rows["小计：优抚对象"][:2] == (2, 2)  # 烈属 李四 and 退役军人 王五
    assert rows["小计：重点优抚对象"][:2] == (1, 1)  # only 烈属 is configured as key
    # Six category rows hold 6 households and 9 persons; there are 3 households and 6 persons.
    category_rows = [v for k, v in rows.items() if not k.startswith(("小计", "合计"))]
    assert sum(r[0] for r in category_rows) == 6 and sum(r[1] for r in category_rows) == 9
    assert rows["合计（户数、人数不重复计）"][:2] == (3, 6)
    assert ws.cell(row=4 + list(rows).index("小计：低保"), column=1).font.b  # subtotals in bold


def test_without_key_youfu_configured_there_is_no_such_subtotal(register, tmp_path):
    rows = rows_by_name(summary(register, tmp_path)["按类别"])
    assert "小计：重点优抚对象" not in rows and "小计：优抚对象" in rows


def test_village_by_category_with_grids(register, tmp_path):
    ws = summary(register, tmp_path)["按村分类别"]
    assert [c.value for c in ws[3]] == ["村（社区）", "网格", "对象类别", "在册户数", "在册人数"]
    assert data_rows(ws) == [
        ("东关社区", "全村（社区）", "城市低保", 1, 3),
        ("东关社区", "全村（社区）", "农村低保", 1, 2),
        ("东关社区", "全村（社区）", "重度残疾人", 1, 1),
        ("东关社区", "全村（社区）", "烈属", 1, 1),
        ("东关社区", "第一网格", "城市低保", 1, 3),
        ("东关社区", "第一网格", "重度残疾人", 1, 1),
        ("东关社区", "第二网格", "农村低保", 1, 2),
        ("东关社区", "第二网格", "烈属", 1, 1),
        ("和平村", "全村（社区）", "特困供养(分散)", 1, 1),  # the closed household is not on it
        ("和平村", "全村（社区）", "退役军人", 1, 1),
    ]


def test_overview_counts_places_per_level(register, tmp_path):
    overview = rows_by_name(summary(register, tmp_path)["概览"])
    assert overview["乡镇（街道）"] == (1, "个") and overview["村（社区）"] == (2, "个")
    assert overview["网格"] == (2, "个")
    assert overview["期末在册户数"] == (3, "户") and overview["期末在册人数"] == (7, "人")


def test_place_limits_every_figure(register, tmp_path):
    book = summary(register, tmp_path, place="和平村")
    assert "志愿服务按月" not in book.sheetnames  # activities record no place of the register
    assert book["概览"]["A2"].value == "统计期间：2025年1月1日至2025年12月31日；区域：城关街道/和平村"
    overview = rows_by_name(book["概览"])
    assert overview["期末在册户数"] == (1, "户") and overview["期末在册人数"] == (2, "人")
    assert overview["期内注销户数"] == (1, "户") and overview["走访慰问人次"] == (1, "人次")
    assert overview["发放慰问金"] == (200, "元")
    assert overview["村（社区）"] == (1, "个") and overview["网格"] == (0, "个")
    assert "志愿服务时长" not in overview
    rows = rows_by_name(book["按类别"])
    assert set(rows) == {"特困供养(分散)", "退役军人", "城市低保", "小计：低保", "小计：特困", "小计：残疾",
                         "小计：优抚对象", "合计（户数、人数不重复计）"}
    assert rows["城市低保"][:4] == (0, 0, 0, 0)  # 赵六's, closed: held in the period, not at its end
    assert rows["合计（户数、人数不重复计）"][:2] == (1, 1)
    assert list(rows_by_name(book["按村（社区）"])) == ["和平村"]
    assert data_rows(book["走访按月"])[2][1:] == (1, 1, 1, 200)


def test_place_by_path_or_grid(register, tmp_path):
    book = summary(register, tmp_path, place="城关街道/东关社区/第一网格")
    overview = rows_by_name(book["概览"])
    assert overview["期末在册户数"] == (1, "户") and overview["期末在册人数"] == (3, "人")
    assert overview["网格"] == (1, "个") and overview["发放慰问金"] == (100, "元")
    with pytest.raises(ReportError) as unknown:
        summary(register, tmp_path, place="火星村")
    assert unknown.value.key == "report.unknown_place"


def test_every_sheet_prints_its_name_and_the_lines_offices_sign(register, tmp_path):
    book = summary(register, tmp_path)
    for ws in book.worksheets:
        assert_print_ready(ws)
        assert ws["A1"].value == f"{OFFICE}统计汇总——{ws.title}"
        assert ws.oddHeader.center.text == f"{OFFICE}统计汇总——{ws.title}"
        last = [row[0] for row in ws.iter_rows(values_only=True) if row[0]][-1]
        assert last.startswith(f"填报单位：{OFFICE}") and all(
            word in last for word in ("负责人：", "填报人：", "填报日期："))


def test_english_names(register, tmp_path):
    i18n.set_language("en")
    book = summary(register, tmp_path)
    rows = rows_by_name(book["By category"])
    assert rows["Subtotal: Minimum living allowance"][:2] == (2, 5)
    assert rows["All categories (each household and person once)"][:2] == (3, 6)
    assert book["Overview"].oddHeader.center.text == f"{OFFICE}: Summary figures: Overview"
