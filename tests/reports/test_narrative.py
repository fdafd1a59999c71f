"""The year's figures as text (export narrative): written from a small known register, read
back from the Word document, every number the summary's for the same period."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.records import ALICE
from tests.support.reports import build_register, data_rows, open_book
from tui_register import i18n
from tui_register.reports import ExportOptions, ReportError, export
from tui_register.reports.exporting import export_narrative
from tui_register.reports.narrative import money

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """The reports' small register, with a March round of 城市低保 paid on 10 March."""
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import Household

    reg = build_register(tmp_path_factory.mktemp("narrative") / "r.db", ALICE)
    reg.use()
    zhang = Household.get(Household.head_name == "张三丰")
    payments.add_account(ALICE, validate(AccountIn, {"household": zhang.uuid, "kind": "cash"}))
    r = payments.create_round(ALICE, ["urban_dibao"], "2025-03")
    payments.approve_round(ALICE, r.number, single_supervisor=True)
    payments.close_round(ALICE, r.number, date(2025, 3, 10))
    return reg


@pytest.fixture(autouse=True)
def chinese(register):
    register.use()
    i18n.set_language("zh_CN")


def paragraphs_and_sources(path):
    from docx import Document

    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs if p.text]
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    return texts, rows


def test_the_text_quotes_the_summary_and_says_where_each_figure_is(register, tmp_path):
    path, text = export_narrative(register.settings, ALICE, ExportOptions(out=tmp_path / "n.docx", **YEAR_2025))
    texts, rows = paragraphs_and_sources(path)
    assert texts[0] == "城关街道民政办年度工作情况" or texts[0].endswith("年度工作情况")
    body = "\n".join(texts)
    # The figures the summary's overview gives for 2025 (see test_export_reports.test_summary).
    assert "截至2025-12-31，共有在册困难群众2户4人，其中城市低保1户3人" in body
    assert "全年共走访慰问3人次、2户，发放慰问金1,534.56元" in body
    assert "2025年春节走访慰问覆盖1户、慰问金300元" in body
    # By the category held on the day of each visit, a group's visit once (城市低保 is 低保).
    assert "按对象类别，走访慰问低保" in body
    assert "全年发放各类救助、补助和抚恤资金590元（应发1.03万元），共1人次、1人，其中城市低保590元（1人次）" in body
    assert "服务时长4.5小时" in body
    # The printed text is the document's.
    for paragraph in texts[2:-2]:
        assert paragraph in text
    assert rows[0] == ["指标", "数值", "工作表", "行", "列"]
    sources = {row[0]: row[1:] for row in rows[1:]}
    assert sources["发放慰问金"] == ["1,534.56元", "概览", "发放慰问金", "数值"]
    assert sources["城市低保在册人数"] == ["3", "按类别", "城市低保", "在册人数"]
    assert sources["城市低保实发金额"] == ["590元", "按类别", "城市低保", "期内实发金额（元）"]


def test_every_quoted_overview_figure_is_the_summary_workbook_figure(register, tmp_path):
    path, _text = export_narrative(register.settings, ALICE, ExportOptions(out=tmp_path / "n.docx", **YEAR_2025))
    book = open_book(export("summary", register.settings, ALICE, ExportOptions(out=tmp_path / "s.xlsx", **YEAR_2025)))
    overview = {row[0]: row[1] for row in data_rows(book["概览"])}
    _texts, rows = paragraphs_and_sources(path)
    quoted = [row for row in rows[1:] if row[2] == "概览"]
    assert len(quoted) >= 12
    for figure, value, _sheet, row, _column in quoted:
        number = overview[row]
        assert value in (f"{number:,}", money(round(number * 100)), f"{number:,}".removesuffix(".0")), figure


def test_english_and_a_period_not_a_year(register, tmp_path):
    i18n.set_language("en")
    _path, text = export_narrative(register.settings, ALICE, ExportOptions(
        out=tmp_path / "n.docx", date_from=date(2025, 1, 1), date_to=date(2025, 6, 30)))
    assert "From 2025-01-01 to 2025-06-30, 3 visits were made to 2 households and CNY 1,534.56 given in cash" in text


def test_amounts_as_reports_quote_them():
    i18n.set_language("zh_CN")
    assert money(946_400) == "9,464元" and money(13_200_000) == "13.2万元" and money(1_097_500_00) == "109.75万元"
    assert money(12_345) == "123.45元" and money(0) == "0元"


def test_only_the_period_applies(register, tmp_path):
    with pytest.raises(ReportError) as err:
        export("narrative", register.settings, ALICE, ExportOptions(out=tmp_path / "n.docx", category="城市低保"))
    assert "--category" in err.value.message()


def test_the_command_prints_the_text_and_names_the_document(register, tmp_path, capsys):
    from tui_register.cli import main

    out = tmp_path / "year.docx"
    code = main(["--db", str(register.path), "--lang", "zh_CN", "export", "narrative",
                 "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    assert "全年共走访慰问3人次" in printed and str(out) in printed
