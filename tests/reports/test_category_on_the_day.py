"""Figures by category take the category held on the day the figure is about (issue 12 item 1).

张三丰's household is 城市低保 until 30 June 2025, and he is 特困供养(分散) from 1 July; 王五's
household stays 城市低保; 李四 and his wife are each 重度残疾人. The visits, the summary, a January
campaign's receipts and checklist, the visit list's filter and the roster must each use what was
held on their own date.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import ALICE
from tests.support.reports import column, data_rows, open_book, settings_for
from tui_register import i18n
from tui_register.reports import ExportOptions, export

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from tui_register.storage.households import end_membership
    from tui_register.storage.models import Membership

    path = tmp_path_factory.mktemp("asof") / "r.db"
    build = RegisterBuilder(path, ALICE)
    grid = build.places("城关街道", "东关社区", "第一网格")
    zhang = build.household(grid, "人民路1号", "张三丰", categories=[
        category("urban_dibao", amount="590", period="monthly", start=date(2025, 1, 1)),
        category("tekun_dispersed", of_head=True, start=date(2025, 7, 1))])
    wang = build.household(grid, "人民路2号", "王五", categories=[
        category("urban_dibao", amount="590", period="monthly", start=date(2025, 1, 1))])
    li = build.household(grid, "人民路3号", "李四", members=[member("李妻", relation="spouse")],
                         categories=[category("severe_disability", of_head=True, start=date(2024, 1, 1))])
    wife = next(p for p in li.members if p.name == "李妻")
    build.membership("severe_disability", person=wife.uuid, start=date(2024, 1, 1))
    build.visit(li.uuid, date(2025, 4, 1), cash="50")
    dibao = Membership.get((Membership.household == zhang.id) & (Membership.category == "urban_dibao"))
    end_membership(ALICE, dibao.uuid, dibao.version, date(2025, 6, 30), "转特困")
    campaign = build.campaign([zhang.uuid, wang.uuid], "2025年春节走访慰问")
    build.campaign_visit(campaign.uuid, zhang.uuid, date(2025, 1, 22))
    build.visit(zhang.uuid, date(2025, 3, 10), cash="100")
    build.visit(zhang.uuid, date(2025, 8, 5), cash="200")
    build.visit(wang.uuid, date(2025, 3, 11))
    settings = settings_for(path, path.parent / "exports")
    return path, settings, zhang.uuid, campaign.uuid


@pytest.fixture(autouse=True)
def chinese(register):
    from tui_register.storage.db import make_database
    from tui_register.storage.models import database

    if getattr(database.obj, "database", None) != str(register[0]):
        database.initialize(make_database(register[0]))
    i18n.set_language("zh_CN")


def run(register, kind, tmp_path, **options):
    name = "-".join([kind, *map(str, options.values())]).replace("/", "_")
    return open_book(export(kind, register[1], ALICE, ExportOptions(out=tmp_path / f"{name}.xlsx", **options)))


def test_a_visit_counts_for_the_category_held_on_its_day(register, tmp_path):
    ws = run(register, "visits", tmp_path, category="城市低保", **YEAR_2025)["走访慰问台账"]
    rows = [(r[0].date(), r[2], r[5]) for r in data_rows(ws)]
    assert rows == [(date(2025, 1, 22), "张三丰", "城市低保"), (date(2025, 3, 10), "张三丰", "城市低保"),
                    (date(2025, 3, 11), "王五", "城市低保")]
    tekun = run(register, "visits", tmp_path, category="tekun_dispersed", **YEAR_2025)["走访慰问台账"]
    assert [(r[0].date(), r[5]) for r in data_rows(tekun)] == [(date(2025, 8, 5), "特困供养(分散)")]
    every = run(register, "visits", tmp_path, **YEAR_2025)["走访慰问台账"]
    assert column(every, "对象类别") == ["城市低保", "城市低保", "城市低保", "重度残疾人", "特困供养(分散)"]


def test_the_summary_counts_visits_by_the_category_held_that_day(register, tmp_path):
    ws = run(register, "summary", tmp_path, **YEAR_2025)["按类别"]
    header = [c.value for c in ws[3]]
    at = header.index("走访人次")
    assert header[at:at + 3] == ["走访人次", "走访户数", "慰问金（元）"]
    by_code = {row[0]: row[at:at + 3] for row in data_rows(ws)}
    assert by_code["城市低保"] == (3, 2, 400)  # 张三丰 in January and March, 王五 in March
    assert by_code["特困供养(分散)"] == (1, 1, 200)  # 张三丰 in August
    assert by_code["重度残疾人"] == (1, 1, 50)  # one visit, though two of the household hold it
    # A group and the total: each visit once, by the categories held on its day.
    assert by_code["小计：低保"] == (3, 2, 400) and by_code["小计：特困"] == (1, 1, 200)
    assert by_code["小计：残疾"] == (1, 1, 50)
    assert by_code["合计（户数、人数不重复计）"] == (5, 3, 650)


def test_a_january_campaign_shows_the_category_held_then(register, tmp_path):
    _path, _settings, zhang, campaign = register
    ws = run(register, "receipts", tmp_path, campaign=campaign)["签领表"]
    assert dict(zip(column(ws, "户主姓名"), column(ws, "对象类别"))) == {"张三丰": "城市低保", "王五": "城市低保"}
    only = run(register, "receipts", tmp_path, campaign=campaign, category="城市低保")["签领表"]
    assert column(only, "户主姓名") == ["王五", "张三丰"]
    none = run(register, "receipts", tmp_path, campaign=campaign, category="tekun_dispersed")["签领表"]
    assert not [name for name in column(none, "户主姓名") if name]  # nobody was 特困 in January

    from tui_register.storage.visit_queries import campaign_targets

    assert {r.head_name: r.category_codes for r in campaign_targets(campaign)} == {
        "张三丰": ("urban_dibao",), "王五": ("urban_dibao",)}


def test_the_visit_list_filters_by_the_category_held_on_the_visit_day(register):
    from tui_register.storage.visit_queries import VisitFilter, visit_page, visit_totals

    dibao = VisitFilter(category="urban_dibao", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    assert [(r.visit_date, r.head_name) for r in visit_page(dibao)] == [
        (date(2025, 3, 11), "王五"), (date(2025, 3, 10), "张三丰"), (date(2025, 1, 22), "张三丰")]
    assert visit_totals(dibao).visits == 3 and visit_totals(dibao).households == 2
    tekun = visit_totals(VisitFilter(category="tekun_dispersed"))
    assert (tekun.visits, tekun.cash_fen) == (1, 20000)


def test_the_roster_takes_its_own_date(register, tmp_path):
    march = run(register, "roster", tmp_path, at=date(2025, 3, 31), category="城市低保")["花名册"]
    assert column(march, "姓名") == ["王五", "张三丰"]
    december = run(register, "roster", tmp_path, at=date(2025, 12, 31), category="城市低保")["花名册"]
    assert column(december, "姓名") == ["王五"]
