"""民政统计月报 for November 2026, from a small register whose figures are known, read back.

城市低保: 甲 (3 persons, one dies on 12 Nov) stays; 丙 ends on 15 Nov; 丁 moves to 农村低保 on 1 Nov.
农村低保: 乙 (2 persons) starts on 10 Nov; 丁 from 1 Nov; 壬 closes on 20 Nov.
特困: 戊 集中 since 2024; 己's son 分散 from 20 Nov. 孤儿: 庚. 优抚: 辛 残疾军人 and his wife 烈属; 癸 烈属.
A November round of 城市低保 (¥590 a household) is paid on 10 November to 甲 and 丙.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import cli_env, status_in
from tests.support.reports import assert_print_ready, data_rows, open_book, settings_for
from tui_register import i18n
from tui_register.reports import ExportOptions, ReportError, export
from tui_register.storage.clock import current_login

NOV_1 = date(2026, 11, 1)


def dibao(code: str, start: date = date(2026, 1, 1)):
    return category(code, amount="590", period="monthly", start=start)


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.households import end_membership, set_person_status
    from tui_register.storage.models import Membership

    user = current_login()  # the command-line test runs as this login
    path = tmp_path_factory.mktemp("monthly") / "r.db"
    build = RegisterBuilder(path, user)
    grid = build.places("城关街道", "东关社区", "第一网格")

    def end(household, code: str, day: date) -> None:
        m = Membership.get((Membership.household == household.id) & (Membership.category == code))
        end_membership(user, m.uuid, m.version, day, "调整")

    jia = build.household(grid, "1号", "甲", members=[member("甲妻", relation="spouse"),
                                                        member("甲父", relation="father")],
                          categories=[dibao("urban_dibao")])
    father = next(p for p in jia.members if p.name == "甲父")
    set_person_status(user, father.uuid, father.version, status_in("deceased", "病故", date(2026, 11, 12)))
    build.household(grid, "2号", "乙", members=[member("乙妻", relation="spouse")],
                    categories=[dibao("rural_dibao", date(2026, 11, 10))])
    bing = build.household(grid, "3号", "丙", categories=[dibao("urban_dibao", date(2025, 6, 1))])
    end(bing, "urban_dibao", date(2026, 11, 15))
    ding = build.household(grid, "4号", "丁", categories=[dibao("urban_dibao"), dibao("rural_dibao", NOV_1)])
    end(ding, "urban_dibao", date(2026, 10, 31))
    ren = build.household(grid, "9号", "壬", categories=[dibao("rural_dibao", date(2025, 1, 1))])
    build.set_status(ren.uuid, "closed", "迁出", date(2026, 11, 20))

    build.household(grid, "5号", "戊", categories=[category("tekun_centralised", of_head=True,
                                                            start=date(2024, 1, 1))])
    ji = build.household(grid, "6号", "己", members=[member("己子", relation="son")])
    son = next(p for p in ji.members if p.name == "己子")
    build.membership("tekun_dispersed", person=son.uuid, start=date(2026, 11, 20))
    build.household(grid, "7号", "庚", birth=date(2015, 5, 6), categories=[category("orphan", of_head=True)])
    xin = build.household(grid, "8号", "辛", members=[member("辛妻", relation="spouse")],
                          categories=[category("disabled_serviceman", of_head=True)])
    wife = next(p for p in xin.members if p.name == "辛妻")
    build.membership("martyr_family", person=wife.uuid)
    build.household(grid, "10号", "癸", categories=[category("martyr_family", of_head=True)])

    for household in (jia, bing):
        payments.add_account(user, validate(AccountIn, {"household": household.uuid, "kind": "cash"}))
    paid = payments.create_round(user, ["urban_dibao"], "2026-11")
    payments.approve_round(user, paid.number, single_supervisor=True)
    payments.close_round(user, paid.number, date(2026, 11, 10))
    return path, settings_for(path, path.parent / "exports"), user


@pytest.fixture(autouse=True)
def chinese(register):
    from tui_register.storage.db import make_database
    from tui_register.storage.models import database

    if getattr(database.obj, "database", None) != str(register[0]):
        database.initialize(make_database(register[0]))
    i18n.set_language("zh_CN")


def monthly(register, tmp_path, **options):
    out = tmp_path / "monthly.xlsx"
    export("monthly", register[1], register[2], ExportOptions(out=out, **options))
    return open_book(out)["月报"]


def test_the_monthly_form(register, tmp_path):
    ws = monthly(register, tmp_path, month="2026-11")
    assert_print_ready(ws, landscape=True)  # A4, eight columns across
    assert ws["A1"].value == "城关街道民政办民政统计月报" and ws["A2"].value == "统计月份：2026年11月"
    assert [c.value for c in ws[3]] == ["对象类别", "月末户数", "月末人数", "本月新增户数", "本月新增人数",
                                        "本月减少户数", "本月减少人数", "本月发放金额（元）"]
    rows = {row[0]: row[1:] for row in data_rows(ws)}
    assert rows["城市低保"] == (1, 2, 0, 0, 2, 3, 1180)  # 丙, 丁 and 甲's father gone; paid 甲 and 丙
    assert rows["农村低保"] == (2, 3, 2, 3, 1, 1, 0)  # 乙 and 丁 came, 壬 closed; no round
    assert rows["低保合计"] == (3, 5, 1, 2, 2, 3, 1180)  # 丁 stayed on 低保 throughout
    assert rows["特困供养(集中)"] == (1, 1, 0, 0, 0, 0, 0)
    assert rows["特困供养(分散)"] == (1, 1, 1, 1, 0, 0, 0)
    assert rows["特困供养合计"] == (2, 2, 1, 1, 0, 0, 0)
    assert rows["孤儿"] == (1, 1, 0, 0, 0, 0, 0) and "孤儿合计" not in rows  # one orphan category
    assert rows["残疾军人"] == (1, 1, 0, 0, 0, 0, 0)
    assert rows["烈属"] == (2, 2, 0, 0, 0, 0, 0)
    assert rows["优抚对象合计"] == (2, 3, 0, 0, 0, 0, 0)  # 辛's household once, with two persons
    assert rows["在乡复员军人"] == (0, 0, 0, 0, 0, 0, 0)  # every 优抚 category has its row
    order = [row[0] for row in data_rows(ws)]
    assert order[:6] == ["城市低保", "农村低保", "低保合计", "特困供养(集中)", "特困供养(分散)", "特困供养合计"]
    assert order[-1] == "优抚对象合计"
    assert any("填报人" in str(row[0]) for row in ws.iter_rows(values_only=True) if row[0])


def test_the_month_before_adds_up_to_this_one(register, tmp_path):
    """月末 = 上月末 + 新增 - 减少, on every row."""
    october = {row[0]: row[1:] for row in data_rows(monthly(register, tmp_path / "oct", month="2026年10月"))}
    november = {row[0]: row[1:] for row in data_rows(monthly(register, tmp_path, month="2026-11"))}
    for name, (households, persons, h_added, p_added, h_removed, p_removed, _paid) in november.items():
        assert october[name][0] + h_added - h_removed == households, name
        assert october[name][1] + p_added - p_removed == persons, name
    assert october["城市低保"][:2] == (3, 5)  # 甲 (3 persons), 丙 and 丁 on 31 October


@pytest.mark.parametrize("month", ["2026-13", "2026Q4", "十一月"])
def test_a_month_that_is_not_one(register, tmp_path, month):
    with pytest.raises(ReportError) as caught:
        monthly(register, tmp_path, month=month)
    assert caught.value.key == "report.bad_month" and month in caught.value.message("zh_CN")


def test_from_the_command_line(register, tmp_path):
    out = tmp_path / "m.xlsx"
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(register[0]), "export", "monthly",
                           "--month", "2026-11", "--out", str(out)], env=cli_env("en"), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    rows = {row[0]: row[1:] for row in data_rows(open_book(out)["Monthly"])}
    assert rows["Urban minimum living allowance"] == (1, 2, 0, 0, 2, 3, 1180)
    wrong = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(register[0]), "export", "monthly",
                            "--month", "2026-13"], env=cli_env("en"), capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "is not a month" in wrong.stderr
