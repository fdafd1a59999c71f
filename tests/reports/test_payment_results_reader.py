"""The bank's result workbook is read without openpyxl when it is plain (a result of every
低保 household took seconds through openpyxl): the values must be those openpyxl gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook

from tui_register.reports.payment_results import _plain_rows, read_results

ROWS = [
    ("代发结果", None, None, None, None),
    None,  # an empty row
    ("户名", "账号", "金额", "处理结果", "失败原因"),
    ("张伟", "6222021234500000010", 310, "成功", None),
    ("李伟", "6222021234500000005", 305.5, "失败", "账户已注销"),
    (None, 6.222021234500001e18, 1e3, "成功", ""),
    ("=1+1", "6222021234500000011", -2.25, True, "  空格  "),
]


def openpyxl_rows(path: Path) -> list[tuple]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return list(book.active.iter_rows(values_only=True))
    finally:
        book.close()


def trimmed(rows: list[tuple]) -> list[tuple]:
    """Rows without trailing empty cells (openpyxl pads rows to the sheet's width)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(tuple(row))
    while out and not out[-1]:
        out.pop()
    return out


def write_xlsxwriter(path: Path, *, constant_memory: bool) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "strings_to_formulas": False})
    book.add_worksheet("说明").write_string(0, 0, "not this sheet")
    sheet = book.add_worksheet("结果")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row or ()):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    sheet.write_formula(len(ROWS), 2, "=SUM(C4:C7)", None, 1413.25)
    sheet.activate()
    book.close()


def write_openpyxl(path: Path) -> None:
    book = Workbook()
    book.active.title = "说明"
    sheet = book.create_sheet("结果")
    for r, row in enumerate(ROWS, start=1):
        for c, value in enumerate(row or (), start=1):
            if value is not None:
                sheet.cell(r, c, value).data_type = "s" if isinstance(value, str) else sheet.cell(r, c).data_type
    book.active = 1
    book.save(path)


@pytest.mark.parametrize("make", ["inline_strings", "shared_strings", "openpyxl"])
def test_plain_reading_gives_what_openpyxl_gives(tmp_path, make):
    path = tmp_path / "result.xlsx"
    if make == "openpyxl":
        write_openpyxl(path)
    else:
        write_xlsxwriter(path, constant_memory=make == "inline_strings")
    expected = trimmed(openpyxl_rows(path))
    assert expected[3] == ("张伟", "6222021234500000010", 310, "成功")  # the sheet in front, not the first
    assert trimmed(_plain_rows(path)) == expected


def test_a_file_that_is_not_a_workbook_gets_the_clear_message(tmp_path):
    from tui_register.reports.options import ReportError

    path = tmp_path / "result.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(ReportError) as err:
        read_results(path)
    assert err.value.key == "pay.results.unreadable"
