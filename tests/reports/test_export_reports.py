"""Every report kind written from a small known register and read back with openpyxl."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.records import ALICE
from tests.support.reports import (
    CLOSED_ID,
    FORMULA_LIKE,
    HEAD1_ID,
    HEAD2_ID,
    OFFICE,
    SPOUSE1_ID,
    as_date,
    assert_print_ready,
    build_register,
    cells,
    column,
    data_rows,
    headers,
    open_book,
    totals_row,
)
from tui_register import i18n
from tui_register.domain.ids import mask_id
from tui_register.reports import ExportOptions, ReportError, export
from tui_register.storage.core import NotSupervisor

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    return build_register(tmp_path_factory.mktemp("reports") / "r.db", ALICE)


@pytest.fixture(autouse=True)
def chinese(register):
    register.use()
    i18n.set_language("zh_CN")


def run(register, kind, tmp_path, **options):
    return open_book(export(kind, register.settings, ALICE, ExportOptions(out=tmp_path / f"{kind}.xlsx", **options)))


def test_roster(register, tmp_path):
    ws = run(register, "roster", tmp_path, at=date(2025, 12, 31))["花名册"]
    assert_print_ready(ws, landscape=True)
    assert ws["A1"].value == f"{OFFICE}花名册" and ws["A2"].value == "截至2025年12月31日"
    rows = data_rows(ws)
    # The head has two rows (the household's 城市低保 and his own 重度残疾人); the closed household is out.
    assert column(ws, "姓名") == ["张三丰", "张三丰", "李秀英", "张小明", "王五"]
    assert column(ws, "户编号") == [1, 1, 1, 1, 2]
    assert column(ws, "与户主关系") == ["户主", "户主", "配偶", "子", "户主"]
    assert column(ws, "对象类别")[:2] == ["重度残疾人", "城市低保"] and column(ws, "对象类别")[4] == "退役军人"
    assert column(ws, "身份证号") == [mask_id(HEAD1_ID)] * 2 + [mask_id(SPOUSE1_ID), None, mask_id(HEAD2_ID)]
    assert all(c.data_type == "s" and c.number_format == "@" for c in cells(ws, "身份证号") if c.value)
    assert column(ws, "村（社区）") == ["东关社区"] * 4 + ["和平村"]
    assert column(ws, "网格")[0] == "第一网格" and column(ws, "家庭电话")[4] == "0371-12345678"
    amounts = cells(ws, "金额（元）")
    assert [c.value for c in amounts] == [100.5, 590, None, None, None]
    assert all(c.number_format == '"¥"#,##0.00' for c in amounts if c.value is not None)
    assert [as_date(v) for v in column(ws, "出生日期")[:2]] == [date(1950, 3, 4)] * 2
    assert as_date(column(ws, "开始日期")[0]) == date(2024, 7, 1)
    # The address that looks like a formula is text, kept as text.
    address = cells(ws, "家庭住址")[4]
    assert address.value.startswith("=HYPERLINK") and address.data_type == "s" and address.quotePrefix
    assert totals_row(ws)[headers(ws).index("金额（元）")] == f"=SUBTOTAL(9,P4:P{3 + len(rows)})"


def test_roster_filters_and_date(register, tmp_path):
    ws = run(register, "roster", tmp_path, at=date(2025, 12, 31), category="城市低保")["花名册"]
    assert column(ws, "姓名") == ["张三丰", "李秀英", "张小明"]
    assert column(ws, "对象类别") == ["城市低保", None, None]  # only the category asked for
    assert "类别：城市低保" in ws["A2"].value
    closed = run(register, "roster", tmp_path / "c", at=date(2025, 12, 31), status="已注销")["花名册"]
    assert column(closed, "身份证号") == [mask_id(CLOSED_ID)]
    before = run(register, "roster", tmp_path / "b", at=date(2024, 1, 1))["花名册"]
    assert mask_id(CLOSED_ID) in column(before, "身份证号")  # closed only on 2025-05-06
    assert "重度残疾人" not in column(before, "对象类别")  # from July 2024
    village = run(register, "roster", tmp_path / "v", at=date(2025, 12, 31), place="和平村")["花名册"]
    assert column(village, "姓名") == ["王五"]


def test_visits(register, tmp_path):
    ws = run(register, "visits", tmp_path, **YEAR_2025)["走访慰问台账"]
    assert_print_ready(ws, landscape=True)
    assert ws["A2"].value == "统计期间：2025年1月1日至2025年12月31日"
    assert [as_date(v) for v in column(ws, "走访日期")] == [date(2025, 1, 20), date(2025, 1, 22), date(2025, 3, 1)]
    assert column(ws, "户主姓名") == ["王五", "张三丰", "张三丰"]  # the voided visit is left out
    assert column(ws, "走访事由") == ["日常走访", "节日慰问", "帮扶解困"]
    assert column(ws, "慰问活动") == [None, "2025年春节走访慰问", None]
    cash = cells(ws, "慰问金（元）")
    assert [c.value for c in cash] == [None, 300, 1234.56]
    assert Decimal(str(cash[2].value)) == Decimal("1234.56") and cash[2].data_type == "n"
    findings = cells(ws, "走访情况")
    assert [c.value for c in findings] == list(FORMULA_LIKE[:3])
    assert all(c.data_type == "s" and c.quotePrefix for c in findings)
    follow_up = cells(ws, "后续事项")[1]
    assert follow_up.value == FORMULA_LIKE[3] and follow_up.data_type == "s" and follow_up.quotePrefix
    assert as_date(column(ws, "跟进期限")[1]) == date(2025, 2, 15)
    goods = cells(ws, "慰问物品")[2]
    assert goods.value == "https://example.org/goods" and goods.hyperlink is None
    assert column(ws, "户主身份证号")[0] == mask_id(HEAD2_ID)
    totals = totals_row(open_book(Path(tmp_path / "visits.xlsx"), values=True)["走访慰问台账"])
    assert totals[2] == 3 and totals[9] == 1534.56


def test_visits_filters(register, tmp_path):
    ws = run(register, "visits", tmp_path, purpose="节日慰问", **YEAR_2025)["走访慰问台账"]
    assert column(ws, "户主姓名") == ["张三丰"]
    by_campaign = run(register, "visits", tmp_path / "c", campaign=register.campaign, **YEAR_2025)["走访慰问台账"]
    assert column(by_campaign, "慰问金（元）") == [300]
    by_place = run(register, "visits", tmp_path / "p", place="城关街道/东关社区", category="urban_dibao",
                   **YEAR_2025)["走访慰问台账"]
    assert column(by_place, "户主姓名") == ["张三丰", "张三丰"]
    empty = run(register, "visits", tmp_path / "e", date_from=date(2020, 1, 1), date_to=date(2020, 1, 2))
    assert empty.active["A4"].value == "（无记录）"


def test_receipts(register, tmp_path):
    ws = run(register, "receipts", tmp_path, campaign="2025年春节走访慰问")["签领表"]
    assert_print_ready(ws)
    assert ws["A2"].value == "2025年春节走访慰问（2025年1月20日至2025年1月31日）"
    assert column(ws, "户主姓名") == ["张三丰", "王五", "赵大"]
    # Visited: what the visit gave; not yet visited: the campaign's standard cash and goods.
    assert column(ws, "慰问金（元）") == [300, 300, 300]
    assert column(ws, "慰问物品") == ["大米", "大米", "大米"]
    assert column(ws, "领取人签字") == [None, None, None]
    assert ws.column_dimensions["J"].width >= 18
    assert ws.sheet_format.defaultRowHeight == 30
    assert any(str(v).startswith("经办人签字") for row in ws.iter_rows(values_only=True) for v in row if v)


def test_volunteers(register, tmp_path):
    book = run(register, "volunteers", tmp_path, **YEAR_2025)
    activities, hours = book["志愿服务活动"], book["志愿者服务时长"]
    for ws in (activities, hours):
        assert_print_ready(ws)
    assert data_rows(activities)[0][1:] == ("环境整治", "环境", None, None, None, 2, 4.5, "钱七、赵六")
    assert column(hours, "志愿者姓名") == ["钱七", "赵六"] and column(hours, "服务时长（小时）") == [2, 2.5]
    assert all(c.data_type == "s" for c in cells(hours, "联系电话"))


def test_summary(register, tmp_path):
    book = run(register, "summary", tmp_path, **YEAR_2025)
    assert book.sheetnames == ["概览", "按类别", "按村（社区）", "按村分类别", "走访按月", "走访按活动", "志愿服务按月",
                               "发放按月", "临时救助与危房改造", "数据核查", "比率与平均", "图表"]
    for ws in book.worksheets:
        assert_print_ready(ws)
    overview = {row[0]: (row[1], row[2]) for row in data_rows(book["概览"])}
    assert overview["期末在册户数"] == (2, "户") and overview["期末在册人数"] == (4, "人")
    assert overview["期内注销户数"] == (1, "户")
    assert overview["走访慰问人次"] == (3, "人次") and overview["发放慰问金户数"] == (1, "户")
    assert overview["发放慰问金"] == (1534.56, "元")
    assert overview["志愿服务时长"] == (4.5, "小时") and overview["参与志愿者"] == (2, "名")
    categories = {row[0]: row[1:] for row in data_rows(book["按类别"])}
    # 城市低保: one household of three; due 12 months × ¥590. 重度残疾人: one person, 12 × ¥100.50.
    assert categories["城市低保"][:2] == (1, 3) and categories["城市低保"][4] == 7080
    assert categories["重度残疾人"][:2] == (1, 1) and categories["重度残疾人"][4] == 1206
    assert categories["农村低保"][:2] == (0, 0) and categories["农村低保"][4] == 2000  # closed on 6 May
    villages = {row[0]: row[1:] for row in data_rows(book["按村（社区）"])}
    assert villages["东关社区"][:2] == (1, 3) and villages["和平村"][3] == 1
    months = data_rows(book["走访按月"])
    assert len(months) == 12 and as_date(months[0][0]) == date(2025, 1, 1)
    assert book["走访按月"]["A4"].number_format == 'yyyy"年"m"月"'
    assert months[0][1:] == (2, 2, 1, 300) and months[2][1:] == (1, 1, 1, 1234.56)
    campaign = data_rows(book["走访按活动"])[0]
    assert campaign[0] == "2025年春节走访慰问" and campaign[3:] == (3, 1, 1, 1, 300)


def test_summary_in_wan(register, tmp_path):
    book = run(register, "summary", tmp_path, unit="wan", **YEAR_2025)
    overview = {row[0]: (row[1], row[2]) for row in data_rows(book["概览"])}
    assert overview["发放慰问金"] == (0.153456, "万元")
    assert "万元" in headers(book["按村（社区）"])[-1]


def test_english_workbook(register, tmp_path):
    i18n.set_language("en")
    ws = run(register, "visits", tmp_path, **YEAR_2025)["Visits"]
    assert ws["A1"].value == f"{OFFICE}: Visit log"
    assert ws["A2"].value == "Period: 2025-01-01 to 2025-12-31"
    assert headers(ws)[:3] == ["Visit date", "Village", "Head of household"]
    assert column(ws, "Purpose")[0] == "Routine visit"


def test_full_ids_need_a_supervisor_and_leave_an_audit_line(register, tmp_path):
    from tui_register.storage import staff
    from tui_register.storage.models import AuditEvent

    staff.add_staff(ALICE, "bob", "鲍勃", "clerk")
    with pytest.raises(NotSupervisor):
        export("roster", register.settings, "bob", ExportOptions(full_ids=True, out=tmp_path / "bob.xlsx"))
    assert not (tmp_path / "bob.xlsx").exists()
    path = export("roster", register.settings, ALICE, ExportOptions(full_ids=True, out=tmp_path / "full.xlsx"))
    assert HEAD2_ID in column(open_book(path)["花名册"], "身份证号")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.user, event.action) == (ALICE, "export_full_ids") and str(path) in event.detail


def test_default_names_never_overwrite(register, tmp_path):
    from tui_register.config import Settings

    settings = Settings(**{**register.settings.model_dump(), "export_dir": tmp_path / "exports"})
    first = export("visits", settings, ALICE, ExportOptions(**YEAR_2025))
    second = export("visits", settings, ALICE, ExportOptions(**YEAR_2025))
    assert first.name == "visits_GL-03_20250101-20251231.xlsx"
    assert second.name == "visits_GL-03_20250101-20251231-2.xlsx"
    assert (first.stat().st_mode & 0o777) == 0o600  # personal data: the owner's only
    with pytest.raises(ReportError) as refused:
        export("visits", settings, ALICE, ExportOptions(out=first, **YEAR_2025))
    assert not refused.value.usage and first.stat().st_size > 0


def test_a_failed_export_leaves_no_file(register, tmp_path, monkeypatch):
    from tui_register.reports import visits

    def broken(book, scope, progress):
        raise RuntimeError("disk full")

    monkeypatch.setattr(visits, "write", broken)
    with pytest.raises(RuntimeError):
        export("visits", register.settings, ALICE, ExportOptions(out=tmp_path / "v.xlsx"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind, options, key", [
    ("nope", {}, "report.unknown_kind"),
    ("visits", {"at": date(2025, 1, 1)}, "report.option_not_for_kind"),
    ("volunteers", {"full_ids": True}, "report.option_not_for_kind"),
    ("roster", {"unit": "wan"}, "report.option_not_for_kind"),
    ("receipts", {}, "report.campaign_required"),
    ("visits", {"date_from": date(2025, 2, 1), "date_to": date(2025, 1, 1)}, "report.period_reversed"),
    ("visits", {"category": "不存在"}, "report.unknown_category"),
    ("visits", {"place": "火星"}, "report.unknown_place"),
    ("visits", {"purpose": "聊天"}, "report.unknown_purpose"),
    ("receipts", {"campaign": "没有的活动"}, "report.unknown_campaign"),
    ("roster", {"status": "休眠"}, "report.unknown_status"),
])
def test_bad_requests(register, tmp_path, kind, options, key):
    with pytest.raises(ReportError) as err:
        export(kind, register.settings, ALICE, ExportOptions(out=tmp_path / "x.xlsx", **options))
    assert err.value.key == key and err.value.usage
    assert not (tmp_path / "x.xlsx").exists()


def test_progress_reaches_the_total(register, tmp_path):
    seen = []
    export("visits", register.settings, ALICE, ExportOptions(out=tmp_path / "v.xlsx", **YEAR_2025),
           on_progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_summary_puts_paid_beside_due(tmp_path):
    """A March round of 城市低保 paid on 10 March; the other categories were due, not paid."""
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import Household

    own = build_register(tmp_path / "own.db", ALICE)
    own.use()
    i18n.set_language("zh_CN")
    zhang = Household.get(Household.head_name == "张三丰")
    payments.add_account(ALICE, validate(AccountIn, {"household": zhang.uuid, "kind": "cash"}))
    r = payments.create_round(ALICE, ["urban_dibao"], "2025-03")
    payments.approve_round(ALICE, r.number, single_supervisor=True)
    payments.close_round(ALICE, r.number, date(2025, 3, 10))
    book = run(own, "summary", tmp_path, **YEAR_2025)
    overview = {row[0]: (row[1], row[2]) for row in data_rows(book["概览"])}
    assert overview["期内实发金额"] == (590, "元") and overview["发放人次"] == (1, "人次")
    assert overview["发放人数（户）"] == (1, "人")
    categories = {row[0]: row[1:] for row in data_rows(book["按类别"])}
    assert categories["城市低保"][4:8] == (7080, 590, 1, 1)  # due the year, paid one month
    assert categories["重度残疾人"][4:8] == (1206, 0, 0, 0)
    by_month = data_rows(book["发放按月"])
    assert len(by_month) == 12 and as_date(by_month[2][0]) == date(2025, 3, 1)
    assert by_month[2][1:] == (590 + 100.5 + 400, 590, 1, 1)  # March: all three due, one paid
    assert by_month[5][1:] == (590 + 100.5, 0, 0, 0)  # June: 农村低保 closed in May
    assert sum(row[1] for row in by_month) == 7080 + 1206 + 2000  # the months add up to the categories


def test_payment_lines_with_their_round_and_result(tmp_path):
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import Household, PaymentLine

    own = build_register(tmp_path / "own.db", ALICE)
    own.use()
    i18n.set_language("zh_CN")
    for name in ("张三丰", "赵大"):
        household = Household.get(Household.head_name == name)
        payments.add_account(ALICE, validate(AccountIn, {"household": household.uuid, "kind": "bank",
                                                         "bank_name": "农业银行", "holder_name": name,
                                                         "account_number": "6222021234567890123"}))
    r = payments.create_round(ALICE, ["urban_dibao", "rural_dibao"], "2025Q1")
    payments.approve_round(ALICE, r.number, single_supervisor=True)
    sun = PaymentLine.get(PaymentLine.recipient_name == "赵大")
    payments.mark_failed(ALICE, sun.uuid, "户名不符")
    payments.close_round(ALICE, r.number, date(2025, 3, 10))
    book = run(own, "payments", tmp_path, **YEAR_2025)
    ws = book["发放明细"]
    assert_print_ready(ws)
    rows = {row[4]: row for row in data_rows(ws)}
    assert set(rows) == {"张三丰", "赵大"}
    assert rows["张三丰"][1] == "#1 2025Q1 农村低保、城市低保发放" and rows["张三丰"][6] == "城市低保"
    assert rows["张三丰"][9] == "6222***********0123" and "*" in rows["张三丰"][5]
    assert (rows["张三丰"][10], rows["张三丰"][11], as_date(rows["张三丰"][12])) == (1770, "已发", date(2025, 3, 10))
    assert (rows["赵大"][11], rows["赵大"][13]) == ("失败", "户名不符")
    only = run(own, "payments", tmp_path / "only", category="城市低保", **YEAR_2025)
    assert [row[4] for row in data_rows(only["发放明细"])] == ["张三丰"]
