"""临时救助与危房改造: kinds through the roster import, and the summary's sheet read back from a
small register whose figures are known."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.builder import RegisterBuilder
from tests.support.records import ALICE, resident_id
from tests.support.reports import data_rows, headers, open_book, settings_for
from tui_register import i18n
from tui_register.reports import ExportOptions, export
from tui_register.reports.importer import ImportOptions, import_roster
from tui_register.storage.models import Membership, Person

from .test_import_roster import workbook

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
SHEET = "临时救助与危房改造"


@pytest.fixture
def settings(reg, tmp_path):
    i18n.set_language("zh_CN")
    return settings_for(tmp_path / "r.db", tmp_path / "exports")


# ---------------------------------------------------------------- the roster import

ROSTER = ["户主姓名", "身份证号", "性别", "住址", "社区", "类别", "金额", "救助类型", "改造类型", "改造进度"]


def test_kinds_are_imported_by_their_chinese_columns(settings, tmp_path):
    rows = [["甘棠", resident_id(date(1950, 3, 4), 901), "男", "导入路1号", "东关社区", "临时救助", 2000, "医疗",
             None, None],
            ["苏木", resident_id(date(1962, 8, 9), 902), "女", "导入路2号", "东关社区", "危房户", 20000, None,
             "修缮", "施工"],
            ["白芷", resident_id(date(1958, 1, 2), 904), "女", "导入路3号", "东关社区", "危房户", 30000, None,
             "翻建", None]]
    result = import_roster(workbook(tmp_path / "in.xlsx", ROSTER, rows), settings, ALICE, ImportOptions())
    assert result.written and result.rejected == 0
    kinds = {Person.get(Person.id == m.household.head_id).name: (m.category_id, m.aid_kind, m.repair_kind,
                                                                  m.repair_stage, m.amount_fen)
             for m in Membership.select()}
    assert kinds == {"甘棠": ("temporary_assistance", "medical", "", "", 200000),
                     "苏木": ("unsafe_housing", "", "repair", "construction", 2000000),
                     "白芷": ("unsafe_housing", "", "rebuild", "appraisal", 3000000)}


def test_english_columns_and_labels_are_read_too(settings, tmp_path):
    header = ["Head of household", "ID number", "Sex", "Address", "Community", "Category", "Kind of assistance"]
    rows = [["Gan Tang", resident_id(date(1950, 3, 4), 901), "male", "Road 1", "East", "Temporary assistance",
             "Disaster"]]
    result = import_roster(workbook(tmp_path / "en.xlsx", header, rows, title=False), settings, ALICE,
                           ImportOptions())
    assert result.written and result.rejected == 0
    assert Membership.get().aid_kind == "disaster"


def test_a_missing_or_misplaced_kind_is_reported_naming_the_column(settings, tmp_path):
    rows = [["甘棠", resident_id(date(1950, 3, 4), 901), "男", "导入路1号", "东关社区", "临时救助", 2000, None,
             None, None],
            ["苏木", resident_id(date(1962, 8, 9), 902), "女", "导入路2号", "东关社区", "城市低保", 500, "医疗",
             None, None],
            ["白芷", resident_id(date(1958, 1, 2), 904), "女", "导入路3号", "东关社区", "危房户", 30000, None,
             "翻建", "完工"]]
    result = import_roster(workbook(tmp_path / "bad.xlsx", ROSTER, rows), settings, ALICE, ImportOptions())
    assert not result.written and result.rejected == 3
    report = load_workbook(result.report).active
    problems = {(row, column): problem for row, column, _value, problem in report.iter_rows(min_row=4,
                                                                                          values_only=True)}
    assert problems[(4, "H 救助类型")] == "不能为空"  # the column left blank for a 临时救助
    assert problems[(5, "H 救助类型")] == "只有临时救助才填写"
    assert problems[(6, "J 改造进度")] == "不是可选的值，请从列表中选择"
    assert Membership.select().count() == 0


# ---------------------------------------------------------------- the summary's sheet

def build_known(path):
    """Five grants and three repairs in 2025 (one voided, one in 2024), figures known."""
    build = RegisterBuilder(path, ALICE)
    grid = build.places("城关街道", "东关社区", "第一网格")
    a, b, c = (build.household(grid, f"救助路{n}号", name) for n, name in ((1, "甲一"), (2, "乙二"), (3, "丙三")))

    def aid(home, kind, yuan, day):
        return build.membership("temporary_assistance", household=home.uuid, amount=yuan, period="once",
                                start=day, aid_kind=kind)

    def repair(home, kind, yuan, day, stage=""):
        return build.membership("unsafe_housing", household=home.uuid, amount=yuan, period="once", start=day,
                                repair_kind=kind, repair_stage=stage)

    aid(a, "medical", "2000", date(2025, 3, 1))
    aid(a, "medical", "1500", date(2025, 9, 1))  # the same household twice: 2 人次, 1 household
    aid(b, "medical", "1000", date(2025, 4, 1))
    aid(b, "disaster", "3000", date(2025, 7, 1))
    aid(c, "education", "800", date(2024, 9, 1))  # the year before: not counted
    wrong = aid(c, "emergency", "9999", date(2025, 5, 1))
    from tui_register.storage.households import end_membership
    end_membership(ALICE, wrong.uuid, wrong.version, date(2025, 5, 1), "录入错误", void=True)
    repair(a, "rebuild", "30000", date(2025, 2, 1), "acceptance")
    repair(b, "repair", "8000", date(2025, 6, 1), "construction")
    repair(c, "repair", "6000", date(2025, 8, 1))  # 鉴定
    return build


def test_the_summary_counts_assistance_and_repairs_by_kind(reg, tmp_path):
    i18n.set_language("zh_CN")
    build_known(tmp_path / "r.db")
    settings = settings_for(tmp_path / "r.db", tmp_path / "exports")
    book = open_book(export("summary", settings, ALICE, ExportOptions(out=tmp_path / "s.xlsx", **YEAR_2025)))
    ws = book[SHEET]
    assert headers(ws) == ["对象类别", "类型", "人次", "户数", "金额（元）", "鉴定（户）", "施工（户）", "验收（户）"]
    rows = {(r[0], r[1]): r[2:] for r in data_rows(ws)}
    assert list(rows) == [("临时救助", k) for k in ("医疗", "急难", "受灾", "助学", "住房", "其他", "小计")] + [
        ("危房户", k) for k in ("翻建", "修缮", "小计")]
    assert rows[("临时救助", "医疗")] == (3, 2, 4500, None, None, None)
    assert rows[("临时救助", "急难")] == (0, 0, 0, None, None, None)  # voided: not counted
    assert rows[("临时救助", "受灾")] == (1, 1, 3000, None, None, None)
    assert rows[("临时救助", "助学")] == (0, 0, 0, None, None, None)  # given in 2024
    assert rows[("临时救助", "小计")] == (4, 2, 7500, None, None, None)
    assert rows[("危房户", "翻建")] == (1, 1, 30000, 0, 0, 1)
    assert rows[("危房户", "修缮")] == (2, 2, 14000, 1, 1, 0)
    assert rows[("危房户", "小计")] == (3, 3, 44000, 1, 1, 1)


def test_the_sheet_speaks_english_too(reg, tmp_path):
    build_known(tmp_path / "r.db")
    i18n.set_language("en")
    try:
        settings = settings_for(tmp_path / "r.db", tmp_path / "exports", language="en")
        book = open_book(export("summary", settings, ALICE, ExportOptions(out=tmp_path / "s.xlsx", **YEAR_2025)))
        ws = book["Assistance and repairs"]
        assert headers(ws)[:4] == ["Category", "Kind", "Times", "Households"]
        assert [r[1] for r in data_rows(ws)][:2] == ["Medical", "Emergency"]
    finally:
        i18n.set_language("zh_CN")


def test_the_roster_carries_the_kinds_back_to_an_import(reg, tmp_path):
    from tui_register.storage.register import open_register

    i18n.set_language("zh_CN")
    build_known(tmp_path / "r.db")
    roster = export("roster", settings_for(tmp_path / "r.db", tmp_path / "exports"), ALICE,
                    ExportOptions(full_ids=True, at=date(2025, 12, 31)))
    ws = open_book(roster)["花名册"]
    assert headers(ws)[-3:] == ["救助类型", "改造类型", "改造进度"]

    def kinds() -> dict[tuple, tuple]:
        """(address, category) -> kinds; the import takes one membership per household and
        category (the roster's first), as it always has."""
        found: dict[tuple, tuple] = {}
        for m in Membership.select().where(Membership.status == "active").order_by(Membership.id):
            found.setdefault((m.household.address, m.category_id), (m.aid_kind, m.repair_kind, m.repair_stage))
        return found

    before = kinds()
    open_register(tmp_path / "empty.db", ALICE)
    result = import_roster(roster, settings_for(tmp_path / "empty.db", tmp_path / "exports"), ALICE,
                           ImportOptions())
    assert result.written and result.rejected == 0
    assert kinds() == before and len(before) == 6


def test_the_summary_counts_data_checks_and_closures_by_reason(reg, tmp_path):
    from tests.support.builder import member
    from tui_register.domain.records import CheckOutcomeIn, validate
    from tui_register.storage.checks import record_check_outcome

    i18n.set_language("zh_CN")
    build = RegisterBuilder(tmp_path / "r.db", ALICE)
    grid = build.places("城关街道", "东关社区", "第一网格")
    homes = [build.household(grid, f"核查路{n}号", name, members=[member(f"{name[0]}小{name[1]}", sex="M",
                                                                        birth=date(1990, 1, n))])
             for n, name in ((1, "甲一"), (2, "乙二"), (3, "丙三"))]

    def outcomes(home, day, *found):
        visit = build.visit(home.uuid, day, purpose="data_check")
        people = sorted(Person.select().where(Person.household == home.id), key=lambda p: p.id)
        for person, (outcome, reason) in zip(people, found):
            record_check_outcome(ALICE, validate(CheckOutcomeIn, {"visit": visit.uuid, "person": person.uuid,
                                                                  "outcome": outcome, "reason": reason,
                                                                  "notes": "重复享受" if reason == "other" else ""}))

    outcomes(homes[0], date(2025, 3, 1), ("confirmed", ""), ("closed", "deceased"))
    outcomes(homes[1], date(2025, 6, 1), ("changed", ""), ("confirmed", ""))
    outcomes(homes[2], date(2025, 9, 1), ("closed", "income_above_line"), ("closed", "moved_away"))
    outcomes(homes[1], date(2024, 6, 1), ("closed", "other"))  # the year before: not counted
    settings = settings_for(tmp_path / "r.db", tmp_path / "exports")
    book = open_book(export("summary", settings, ALICE, ExportOptions(out=tmp_path / "s.xlsx", **YEAR_2025)))
    ws = book["数据核查"]
    assert headers(ws) == ["指标", "人数", "户数"]
    assert data_rows(ws) == [("核查", 6, 3), ("情况属实", 2, 2), ("信息变更", 1, 1), ("清理退出", 3, 2),
                             ("清理退出：死亡", 1, 1), ("清理退出：迁出", 1, 1), ("清理退出：收入超标", 1, 1),
                             ("清理退出：其他", 0, 0)]
