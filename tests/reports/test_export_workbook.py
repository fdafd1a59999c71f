"""The workbook conventions every report follows (reports.workbook), read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.support.reports import assert_print_ready, data_rows, headers, open_book, totals_row
from tui_register import i18n
from tui_register.reports.workbook import Book, Column, display_width, excel_serial

COLUMNS = [
    Column("姓名"), Column("身份证号", "code"), Column("日期", "date"), Column("金额（元）", "money", total="sum"),
    Column("人数", "int", total="sum"), Column("时长", "hours", total="sum"), Column("备注", total="count"),
]


def write(path, rows, *, columns=COLUMNS, sheet_rows=1_048_576, unit="yuan", **sheet_options):
    with Book(path, unit=unit, sheet_rows=sheet_rows) as book:
        sheet = book.sheet("台账", columns, "城关街道民政办走访慰问台账", "统计期间：2025年1月1日至2025年12月31日",
                           **sheet_options)
        for row in rows:
            sheet.add(row)
    return path


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh_CN")


def test_values_keep_their_types_and_formats(tmp_path):
    path = write(tmp_path / "t.xlsx", [
        ("张三", "110101195003041234", "2025-01-31", 123456, 3, 25, "备注"),
        ("0012", "11010119500304123X", date(2024, 2, 29), 10, 0, 5, None),
    ])
    ws = open_book(path)["台账"]
    name, id_number, day, money, count, hours, _note = (ws.cell(4, c) for c in range(1, 8))
    assert name.value == "张三" and name.data_type == "s"
    assert ws["A5"].value == "0012" and ws["A5"].data_type == "s"  # digits stay text
    assert id_number.value == "110101195003041234" and id_number.number_format == "@"
    assert isinstance(day.value, datetime) and day.value.date() == date(2025, 1, 31)
    assert day.number_format == "yyyy-mm-dd"
    assert ws["C5"].value.date() == date(2024, 2, 29)
    assert money.data_type == "n" and Decimal(str(money.value)) == Decimal("1234.56")
    assert money.number_format == '"¥"#,##0.00'
    assert ws["D5"].value == 0.1
    assert count.value == 3 and count.number_format == "#,##0"
    assert hours.value == 2.5 and hours.number_format == "#,##0.0"
    assert ws["G5"].value is None


@pytest.mark.parametrize("text", ["=SUM(A1:A3)", "+8613800000000", "-1", "@SUM(A1)", "\tindent", "\rreturn",
                                  "=HYPERLINK(\"http://evil.example\")"])
def test_formula_like_text_stays_text(tmp_path, text):
    path = write(tmp_path / "t.xlsx", [(text, text, None, None, None, None, text)])
    ws = open_book(path)["台账"]
    for cell in (ws["A4"], ws["B4"], ws["G4"]):
        # A carriage return is stored as OOXML's _x000D_ escape, which openpyxl leaves as it is.
        assert cell.value.replace("_x000D_", "\r") == text
        assert cell.data_type == "s"  # not "f": no formula
        assert cell.quotePrefix  # stays text when someone edits the cell
    plain = write(tmp_path / "p.xlsx", [("张三", None, None, None, None, None, None)])
    assert not open_book(plain)["台账"]["A4"].quotePrefix


def test_urls_are_not_links(tmp_path):
    path = write(tmp_path / "t.xlsx", [("http://example.org", None, None, None, None, None, "mailto:a@b.c")])
    ws = open_book(path)["台账"]
    assert ws["A4"].value == "http://example.org" and ws["A4"].hyperlink is None
    assert ws["G4"].hyperlink is None and not ws._hyperlinks


def test_title_header_filter_and_print_settings(tmp_path):
    path = write(tmp_path / "t.xlsx", [("张三", None, "2025-01-01", 100, 1, 10, "x")] * 3)
    ws = open_book(path)["台账"]
    assert_print_ready(ws, landscape=False)
    assert ws["A1"].value == "城关街道民政办走访慰问台账"
    assert ws["A1"].alignment.horizontal == "centerContinuous"  # centred over the table, not merged
    assert ws["A2"].value == "统计期间：2025年1月1日至2025年12月31日"
    assert headers(ws) == [c.header for c in COLUMNS]
    assert ws.auto_filter.ref == "A3:G6"
    assert not ws.merged_cells.ranges


def test_footer_prints_the_export_date_as_iso_text(tmp_path, monkeypatch):
    """LibreOffice printed Excel's &D field as 12/01/2026: the footer carries the date as text."""
    from tui_register.storage import clock

    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 1))
    ws = open_book(write(tmp_path / "t.xlsx", [("张三", None, "2025-01-01", 100, 1, 10, "x")]))["台账"]
    assert ws.oddFooter.left.text == "打印日期：2026-12-01"
    assert ws.oddFooter.right.text == "第 &P 页，共 &N 页"


def test_wide_tables_print_landscape(tmp_path):
    wide = [Column(f"很长的列标题第{i}列") for i in range(12)]
    path = write(tmp_path / "t.xlsx", [tuple("内容" * 5 for _ in range(12))], columns=wide)
    assert open_book(path)["台账"].page_setup.orientation == "landscape"


def test_totals_are_subtotals_that_follow_the_filter(tmp_path):
    path = write(tmp_path / "t.xlsx", [("甲", None, None, 100, 1, 10, "x"), ("乙", None, None, 250, 2, 5, None)])
    ws = open_book(path)["台账"]
    row = totals_row(ws)
    assert row[0] == "合计"
    assert row[3] == "=SUBTOTAL(9,D4:D5)" and row[4] == "=SUBTOTAL(9,E4:E5)" and row[5] == "=SUBTOTAL(9,F4:F5)"
    assert row[6] == "=SUBTOTAL(3,G4:G5)"
    cached = totals_row(open_book(path, values=True)["台账"])  # what a viewer that does not recalculate shows
    assert cached[3] == 3.5 and cached[4] == 3 and cached[5] == 1.5 and cached[6] == 1
    assert ws.auto_filter.ref == "A3:G5"  # the totals row is outside the filter


def test_amounts_in_wan(tmp_path):
    path = write(tmp_path / "t.xlsx", [("甲", None, None, 1_097_500_00, None, None, None)], unit="wan")
    cell = open_book(path)["台账"]["D4"]
    assert cell.value == 109.75 and cell.number_format == "#,##0.00"


def test_column_widths_count_chinese_characters_double(tmp_path):
    columns = [Column("A"), Column("B"), Column("C")]
    path = write(tmp_path / "t.xlsx", [("abcdefghij", "一二三四五六七八九十", "x" * 500)], columns=columns)
    widths = open_book(path)["台账"].column_dimensions
    assert widths["B"].width > widths["A"].width + 8
    assert widths["C"].width <= 51  # long text is capped
    assert display_width("中文ab") == 6 and display_width("ＡＢ") == 4


def test_a_long_table_continues_on_a_second_sheet(tmp_path):
    rows = [(f"人{i}", None, "2025-01-01", 100, 1, 10, None) for i in range(15)]
    # 10 rows a sheet: title, subtitle, header, six data rows, totals.
    book = open_book(write(tmp_path / "t.xlsx", rows, sheet_rows=10))
    assert book.sheetnames == ["台账", "台账 (2)", "台账 (3)"]
    names = []
    for ws in book.worksheets:
        assert headers(ws) == [c.header for c in COLUMNS]
        assert_print_ready(ws)
        assert ws.max_row <= 10
        names += [row[0] for row in data_rows(ws)]
        assert totals_row(ws)[3] == f"=SUBTOTAL(9,D4:D{3 + len(data_rows(ws))})"
    assert names == [f"人{i}" for i in range(15)]


def test_an_empty_table_says_so(tmp_path):
    ws = open_book(write(tmp_path / "t.xlsx", []))["台账"]
    assert ws["A4"].value == "（无记录）"
    assert all(row[0] != "合计" for row in ws.iter_rows(values_only=True))


def test_closing_lines_and_row_height(tmp_path):
    path = write(tmp_path / "t.xlsx", [("甲", None, None, 100, 1, 10, "x")], row_height=30,
                 closing_lines=["经办人签字："])
    ws = open_book(path)["台账"]
    assert ws["A7"].value == "经办人签字："
    assert ws.sheet_format.defaultRowHeight == 30


def test_excel_serial():
    assert excel_serial("1900-03-01") == 61
    assert excel_serial(date(2024, 1, 31)) == 45322
    assert excel_serial("2024-01") == excel_serial("2024-01-01")
