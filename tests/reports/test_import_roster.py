"""The roster import with workbooks as offices really keep them (built here with openpyxl)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.support.records import ALICE, resident_id, table_counts
from tests.support.reports import settings_for
from tui_register import i18n
from tui_register.reports import ReportError
from tui_register.reports.importer import ImportOptions, import_roster
from tui_register.storage.models import Household, Membership, Person, Place

ID_ZHANG = resident_id(date(1950, 3, 4), 11)
ID_LI = resident_id(date(1962, 8, 9), 22)
ID_SUN = resident_id(date(1940, 2, 3), 42)
ID_QIAN = resident_id(date(1971, 1, 1), 51)
ID_WANG = resident_id(date(1955, 5, 5), 61)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

# A 低保 roster as a community keeps it: one row per household, merged title rows, a totals row.
HEADS_ONLY = ["序号", "户主姓名", "公民身份号码", "性别", "联系电话", "住址", "村/社区", "类别", "人数", "保障金额(元)"]


def heads_only_rows() -> list[list]:
    return [
        [1, "张三丰", ID_ZHANG, "男", "13800000001", "人民路1号", "东关社区", "城市低保", 3, 590],
        [2, "李秀英", ID_LI.translate(FULL_WIDTH), None, "１３９００００００００", "人民路2号", "东关社区",
         "农村低保", 1, "400"],
        [None] * 10,
        [3, "王五", 1.10101199001011e17, "男", None, "人民路3号", "东关社区", "城市低保", 1, 500],  # digits lost
        [4, "赵六", ID_ZHANG, "男", None, "人民路4号", "东关社区", "城市低保", 1, 500],  # same ID as row 4
        [5, "钱七", ID_QIAN, None, None, "和平村3组", "和平村", "外星人补贴", 2, None],
        [6, "孙八", ID_SUN, "女", None, "和平村5组", "和平村", "特困供养（集中）", 1, 3920],
        ["合计", None, None, None, None, None, None, None, 9, 5910],
    ]


def workbook(path: Path, header: list, rows: list[list], *, title: bool = True, sheet: str = "花名册",
             merges: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append(["城关街道2025年城乡低保对象花名册"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["填报单位：城关街道民政办", None, None, "填报日期：2025年1月"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


@pytest.fixture
def settings(reg, tmp_path):
    i18n.set_language("zh_CN")
    return settings_for(tmp_path / "r.db", tmp_path / "exports")


def run(path, settings, **options):
    return import_roster(path, settings, ALICE, ImportOptions(**options))


def report_rows(result) -> list[tuple]:
    ws = load_workbook(result.report).active
    assert [c.value for c in ws[3]] == ["行号", "列", "内容", "问题"]
    return [row for row in ws.iter_rows(min_row=4, values_only=True)]


def test_rows_in_error_block_the_whole_import(settings, tmp_path):
    before = table_counts()
    result = run(workbook(tmp_path / "in.xlsx", HEADS_ONLY, heads_only_rows()), settings)
    assert not result.written and table_counts() == before
    assert (result.rows, result.rejected) == (6, 3)  # blank and totals rows are not rows
    assert (result.households_new, result.persons_new, result.persons_matched) == (3, 3, 0)
    problems = {(row, column): (value, problem) for row, column, value, problem in report_rows(result)}
    value, problem = problems[(7, "C 公民身份号码")]
    assert value == "1.10101199001011E+17" and "科学计数法" in problem
    assert problems[(8, "C 公民身份号码")] == (ID_ZHANG, "身份证号与第 4 行重复")
    assert "外星人补贴" in problems[(9, "H 类别")][1]
    assert result.report.parent == settings.export_dir and result.report.name.startswith("import-errors_in_")


def test_skip_invalid_imports_the_rest(settings, tmp_path):
    result = run(workbook(tmp_path / "in.xlsx", HEADS_ONLY, heads_only_rows()), settings, skip_invalid=True)
    assert result.written and result.rejected == 3
    assert (result.households_new, result.persons_new, result.memberships_new) == (3, 3, 3)
    zhang = Person.get(Person.id_number == ID_ZHANG)
    household = zhang.household
    assert (zhang.name, zhang.relation, zhang.sex, zhang.phone) == ("张三丰", "head", "M", "13800000001")
    assert household.head_id == zhang.id and household.address == "人民路1号"
    assert household.place.path == "城关街道民政办/东关社区"  # no township in the register: the office's
    assert "原花名册人数:3" in household.notes  # NFKC, as every stored text
    low = Membership.get(Membership.household == household)
    assert (low.category_id, low.amount_fen, low.period, low.person_id) == ("urban_dibao", 59000, "monthly", None)
    assert low.start_date == date.today()  # the roster gives no start: the day it was imported
    li = Person.get(Person.id_number == ID_LI)  # full-width digits normalised
    assert li.household.phone == "13900000000" and li.sex == "F"
    sun = Person.get(Person.id_number == ID_SUN)
    care = Membership.get(Membership.person == sun)  # a personal category goes to the person
    assert (care.category_id, care.amount_fen, care.period) == ("tekun_centralised", 392000, "yearly")
    assert Place.select().where(Place.name == "和平村").count() == 1


def test_dry_run_checks_only(settings, tmp_path):
    rows = [r for i, r in enumerate(heads_only_rows()) if i in (0, 1, 6)]
    before = table_counts()
    result = run(workbook(tmp_path / "in.xlsx", HEADS_ONLY, rows), settings, dry_run=True)
    assert not result.written and result.report is None and table_counts() == before
    assert (result.households_new, result.persons_new, result.places_new) == (3, 3, 3)


FAMILY = ["姓名", "与户主关系", "身份证号", "出生日期", "性别", "家庭住址", "社区", "类别", "金额", "发放周期"]


def family_rows() -> list[list]:
    return [
        ["张三丰", "本人", ID_ZHANG, None, None, "人民路1号", "东关社区", "城市低保", 590, "按月"],
        ["李秀英", "妻", ID_LI, None, None, None, None, None, None, None],
        ["张小明", "之子", None, datetime(2010, 5, 6), "男", None, None, "重度残疾人", "120.5", None],
        ["钱七", "户主", ID_QIAN, None, None, "人民路9号", "东关社区", None, None, None],
        ["钱小七", "之女", "11010120100101002", None, None, None, None, None, None, None],  # 17 characters
    ]


def test_households_from_relations(settings, tmp_path):
    result = run(workbook(tmp_path / "f.xlsx", FAMILY, family_rows(), title=False), settings, skip_invalid=True)
    assert result.written and (result.households_new, result.persons_new, result.rejected) == (2, 4, 1)
    zhang = Household.get(Household.head == Person.get(Person.id_number == ID_ZHANG).id)
    members = {p.name: p for p in zhang.members}
    assert set(members) == {"张三丰", "李秀英", "张小明"}
    assert members["李秀英"].relation == "spouse" and members["张小明"].relation == "son"
    assert members["张小明"].birth_date == date(2010, 5, 6)
    grant = Membership.get(Membership.person == members["张小明"])
    assert (grant.category_id, grant.amount_fen, grant.period) == ("severe_disability", 12050, "monthly")
    qian = Person.get(Person.id_number == ID_QIAN).household
    assert [p.name for p in qian.members] == ["钱七"]  # the daughter's row was rejected, not the household
    assert report_rows(result)[0][:2] == (6, "C 身份证号")


def test_a_rejected_head_rejects_the_household(settings, tmp_path):
    rows = family_rows()[:3]
    rows[0][2] = "110101195003041235"  # wrong check digit
    result = run(workbook(tmp_path / "f.xlsx", FAMILY, rows), settings, skip_invalid=True)
    assert result.rejected == 3 and result.households_new == 0 and Person.select().count() == 0
    problems = report_rows(result)
    assert problems[0][:2] == (4, "C 身份证号") and "校验位" in problems[0][3]
    assert {p[0] for p in problems[1:]} == {5, 6} and all("整户未导入" in p[3] for p in problems[1:])


def test_households_by_number_with_merged_cells(settings, tmp_path):
    header = ["户号", "姓名", "关系", "身份证号", "地址", "村"]
    rows = [[1, "张三丰", "户主", ID_ZHANG, "人民路1号", "东关社区"],
            [None, "李秀英", "配偶", ID_LI, None, None],
            [2, "孙八", "户主", ID_SUN, "和平村5组", "和平村"],
            [None, "王小五", "孙女", ID_WANG, None, None]]
    # The household number and address are merged down the household's rows, as offices do.
    path = workbook(tmp_path / "n.xlsx", header, rows, merges=("A4:A5", "E4:E5", "F4:F5", "A6:A7"))
    result = run(path, settings)
    assert result.written and (result.households_new, result.persons_new) == (2, 4)
    li = Person.get(Person.id_number == ID_LI)
    assert li.household.address == "人民路1号" and li.household.head.name == "张三丰"
    assert Person.get(Person.id_number == ID_WANG).relation == "grandchild"


def test_registered_persons_are_matched_not_duplicated(settings, tmp_path):
    first = run(workbook(tmp_path / "a.xlsx", FAMILY, family_rows()[:2]), settings)
    assert first.written and first.persons_new == 2
    rows = family_rows()[:3]  # the same two, and a son not yet registered
    again = run(workbook(tmp_path / "b.xlsx", FAMILY, rows), settings)
    assert again.written and (again.persons_matched, again.persons_new, again.households_matched) == (2, 1, 1)
    assert again.households_new == 0 and Household.select().count() == 1
    assert Person.select().where(Person.id_number == ID_ZHANG).count() == 1
    assert Person.get(Person.name == "张小明").household.head.id_number == ID_ZHANG
    # The household's 城市低保 was registered already: not added twice.
    assert Membership.select().where(Membership.category == "urban_dibao").count() == 1


def test_column_map_file(settings, tmp_path):
    header = ["户主", "证件", "居住", "所在村", "保障类型"]
    path = workbook(tmp_path / "m.xlsx", header, [["张三丰", ID_ZHANG, "人民路1号", "东关社区", "城市低保"]])
    mapping = tmp_path / "map.toml"
    mapping.write_text('header_row = 3\n[columns]\nname = "户主"\nid_number = "证件"\naddress = "居住"\n'
                       'village = "所在村"\ncategory = "保障类型"\n', encoding="utf-8")
    result = run(path, settings, column_map=mapping)
    assert result.written and result.persons_new == 1
    assert Person.get(Person.id_number == ID_ZHANG).household.address == "人民路1号"
    mapping.write_text('[columns]\nfull_name = "户主"\n', encoding="utf-8")
    with pytest.raises(ReportError) as err:
        run(path, settings, column_map=mapping)
    assert err.value.key == "import.map_unknown_field" and err.value.usage


def test_sheet_choice_and_unreadable_files(settings, tmp_path):
    path = workbook(tmp_path / "s.xlsx", HEADS_ONLY, heads_only_rows()[:1], sheet="低保")
    with pytest.raises(ReportError) as err:
        run(path, settings, sheet="五保")
    assert err.value.key == "import.no_such_sheet" and "低保" in err.value.message()
    assert run(path, settings, sheet="低保", dry_run=True).persons_new == 1
    text = tmp_path / "roster.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(ReportError) as err:
        run(text, settings)
    assert err.value.key == "import.file_unreadable" and not err.value.usage
    no_header = workbook(tmp_path / "h.xlsx", ["甲", "乙"], [["1", "2"]])
    with pytest.raises(ReportError) as err:
        run(no_header, settings)
    assert err.value.key == "import.no_header"


def test_scientific_notation_typed_as_text_is_refused(settings, tmp_path):
    rows = [[1, "张三丰", "1.10101E+17", "男", None, "人民路1号", "东关社区", None, 1, None]]
    result = run(workbook(tmp_path / "t.xlsx", HEADS_ONLY, rows), settings)
    assert result.rejected == 1 and "科学计数法" in report_rows(result)[0][3]


def test_english_headers(settings, tmp_path):
    i18n.set_language("en")
    header = ["Name", "Relation", "ID number", "Address", "Village", "Category", "Amount"]
    rows = [["Zhang Sanfeng", "head", ID_ZHANG, "1 Renmin Road", "Dongguan", "Urban minimum living allowance", 590]]
    result = run(workbook(tmp_path / "e.xlsx", header, rows, title=False), settings)
    assert result.written and result.memberships_new == 1


def test_households_by_head_name(settings, tmp_path):
    header = ["户主姓名", "姓名", "身份证号", "住址", "村"]
    rows = [["张三丰", "张三丰", ID_ZHANG, "人民路1号", "东关社区"],
            ["张三丰", "李秀英", ID_LI, "人民路1号", None],
            ["孙八", "孙八", ID_SUN, "和平村5组", "和平村"]]
    result = run(workbook(tmp_path / "h.xlsx", header, rows), settings)
    assert result.written and (result.households_new, result.persons_new) == (2, 3)
    li = Person.get(Person.id_number == ID_LI)
    assert li.household.head.name == "张三丰" and li.relation == "other"


def test_bank_columns_become_payment_accounts(settings, tmp_path):
    from tui_register.storage import payments
    from tui_register.storage.models import PaymentAccount, PaymentLine

    header = ["户主姓名", "公民身份号码", "住址", "村/社区", "类别", "保障金额(元)", "开户银行", "银行账号"]
    rows = [["张三丰", ID_ZHANG, "人民路1号", "东关社区", "城市低保", 590, "农业银行", "6228 4800 1234 5678 901"],
            ["李秀英", ID_LI, "人民路2号", "东关社区", "城市低保", 400, "农业银行", "6228abc"]]
    refused = run(workbook(tmp_path / "in.xlsx", header, rows), settings)
    assert not refused.written
    assert [(r[1], r[3]) for r in report_rows(refused)] == [("H 银行账号", "账号只能是数字(空格和横线会自动去掉)")]

    rows[1][7] = "６２２８４８００１２３４５６７８９０２"  # full-width, as typed with a Chinese IME
    result = run(workbook(tmp_path / "fixed.xlsx", header, rows), settings)
    assert result.written and result.accounts_new == 2
    accounts = {(a.person.name, a.kind, a.bank_name, a.account_number) for a in PaymentAccount.select()}
    assert accounts == {("张三丰", "bank", "农业银行", "6228480012345678901"),
                        ("李秀英", "bank", "农业银行", "6228480012345678902")}
    # The household's 低保 is paid into its head's account.
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    assert PaymentLine.select().where((PaymentLine.round == r) & PaymentLine.account.is_null()).count() == 0
    # Importing the same roster again adds no second account.
    again = run(workbook(tmp_path / "again.xlsx", header, rows), settings)
    assert again.written and again.accounts_new == 0 and PaymentAccount.select().count() == 2


def test_a_one_card_column_is_a_card_account(settings, tmp_path):
    from tui_register.storage.models import PaymentAccount

    header = ["户主姓名", "公民身份号码", "住址", "村/社区", "类别", "一卡通账号"]
    rows = [["张三丰", ID_ZHANG, "人民路1号", "东关社区", "城市低保", "6230 5211 0000 1234"]]
    assert run(workbook(tmp_path / "in.xlsx", header, rows), settings).written
    assert [(a.kind, a.account_number) for a in PaymentAccount.select()] == [("card", "6230521100001234")]
