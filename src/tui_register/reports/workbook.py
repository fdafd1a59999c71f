"""The conventions every workbook we write follows (XlsxWriter in constant_memory mode).

A `Book` holds the formats; each `Sheet` is one table: a title row, a subtitle row (period
and filters), a frozen header row with an autofilter, the data rows, and a totals row of
SUBTOTAL formulas, so the totals follow the filter. Rows stream out one by one and are
never kept: column widths and totals are tracked while writing and applied at the end
(XlsxWriter writes `<cols>` and the autofilter when the workbook closes, so that is allowed
in constant_memory mode). A table longer than a worksheet continues on a new worksheet with
the same title and header.

Values come as the register stores them and are converted here: dates as ISO strings (or
dates), money as integer fen, hours as integer tenths. Text that Excel could take for a
formula is written with a quote prefix, so it stays text even when someone edits the cell.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from tui_register.i18n import _
from tui_register.reports.options import EXCEL_MAX_ROWS
from tui_register.storage import clock

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

# OWASP CSV/formula injection: a cell starting with one of these could become a formula.
FORMULA_START = frozenset("=+-@\t\r")
HEADER_ROW = 2  # row 0 title, row 1 subtitle
MIN_WIDTH, MAX_WIDTH = 6, 50
FILTER_BUTTON = 3  # room for the autofilter arrow beside a header
PORTRAIT_WIDTH = 110  # total column width above which a sheet prints landscape
SHEET_NAME_MAX = 31
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()

# Number formats; text is "@" only for codes (IDs, phones), which must never become numbers.
_NUMBER_FORMATS = {"code": "@", "date": "yyyy-mm-dd", "int": "#,##0", "hours": "#,##0.0"}
_MONEY_FORMATS = {"yuan": '"¥"#,##0.00', "wan": "#,##0.00"}  # 万元 as the reports quote them: 109.75
_MONEY_DIVISOR = {"yuan": 100, "wan": 1_000_000}


@dataclass(frozen=True)
class Column:
    header: str  # translated header text
    # text, code (IDs and phones: text that must never become a number), date, month, money
    # (fen), int, hours (tenths), blank (left empty to be filled by hand), mixed ((kind, value))
    kind: str = "text"
    total: str | None = None  # "sum", or "count" (of filled text or date cells): a SUBTOTAL
    width: float | None = None  # a fixed width instead of one measured from the content


def display_width(text: str) -> int:
    """Width in Excel character units: Chinese characters (three bytes in UTF-8) count two.

    Taken from the UTF-8 length, which is exact for ASCII and CJK text and costs one C call:
    it runs for many cells of a million-row export.
    """
    n = len(text)
    return n + (len(text.encode()) - n) // 2


def excel_serial(value: str | date) -> int:
    """Excel's day number of a date given as a date or as ISO text (a month "2024-01" = its 1st)."""
    if isinstance(value, str):
        value = date.fromisoformat(value if len(value) > 7 else value + "-01")
    return value.toordinal() - _EXCEL_EPOCH


class Book:
    """One workbook file; `sheet()` adds tables in order, `close()` writes the file."""

    def __init__(self, path: Path, *, unit: str = "yuan", sheet_rows: int = EXCEL_MAX_ROWS,
                 printed: date | None = None) -> None:
        import xlsxwriter

        # Row data spools in a private folder beside the export (not a shared /tmp), removed
        # whole at the end: XlsxWriter leaves the spool of a worksheet without rows behind.
        self._spool = tempfile.mkdtemp(prefix=".spool-", dir=path.parent)
        self._wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": self._spool,
        })
        self.unit = unit
        self.money_divisor = _MONEY_DIVISOR[unit]
        self.sheet_rows = sheet_rows
        # The print date as text: Excel's &D field is printed in the reader's locale (12/01/2026).
        self.footer = _("report.footer", date=(printed or clock.today()).isoformat())
        self._formats: dict[tuple[str, bool], Format] = {}
        self._serials: dict[Any, int] = {}
        self._sheets: list[Sheet] = []
        self._names: set[str] = set()

    def unit_label(self) -> str:
        return _(f"report.unit.{self.unit}")

    def format(self, name: str, quoted: bool = False) -> Format:
        key = (name, quoted)
        if key not in self._formats:
            props = self._format_properties(name)
            if quoted:
                props["quote_prefix"] = True
            self._formats[key] = self._wb.add_format(props)
        return self._formats[key]

    def _format_properties(self, name: str) -> dict[str, Any]:
        if name == "title":
            return {"bold": True, "font_size": 16, "center_across": True, "valign": "vcenter"}
        if name == "subtitle":
            return {"center_across": True}
        if name == "header":
            return {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                    "align": "center", "valign": "vcenter"}
        if name == "note":
            return {"italic": True}
        bold = name.startswith("total")
        kind = name.removeprefix("total_") if bold else name
        props: dict[str, Any] = {"bold": True, "top": 1} if bold else {}
        if kind == "money":
            props["num_format"] = _MONEY_FORMATS[self.unit]
        elif kind == "month":
            props["num_format"] = _("report.format_month")
        elif kind in _NUMBER_FORMATS:
            props["num_format"] = _NUMBER_FORMATS[kind]
        return props

    def serial(self, value: str | date) -> int:
        """`excel_serial`, remembered: the same few thousand dates recur a million times."""
        found = self._serials.get(value)
        if found is None:
            found = self._serials[value] = excel_serial(value)
        return found

    def sheet(self, name: str, columns: Sequence[Column], title: str, subtitle: str, *,
              row_height: float | None = None, closing_lines: Sequence[str] = (),
              page_header: str = "") -> Sheet:
        """A new table; the previous one is finished first (constant_memory writes in order).

        `page_header`: text printed at the top of every page (the sheet's printed title).
        """
        if self._sheets:
            self._sheets[-1].close()
        sheet = Sheet(self, name, columns, title, subtitle, row_height=row_height,
                      closing_lines=closing_lines, page_header=page_header)
        self._sheets.append(sheet)
        return sheet

    def add_worksheet(self, name: str) -> Worksheet:
        """A worksheet named `name`, or `name (2)`, `name (3)` … when taken."""
        base = name[:SHEET_NAME_MAX]
        n = 1
        while base in self._names:
            n += 1
            suffix = f" ({n})"
            base = name[:SHEET_NAME_MAX - len(suffix)] + suffix
        self._names.add(base)
        return self._wb.add_worksheet(base)

    def add_chart(self, options: dict[str, Any]) -> Any:
        """A native chart (XlsxWriter's), to insert into a worksheet of this book."""
        return self._wb.add_chart(options)

    def close(self) -> None:
        try:
            if self._sheets:
                self._sheets[-1].close()
            self._wb.close()
        finally:
            shutil.rmtree(self._spool, ignore_errors=True)

    def __enter__(self) -> Book:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
            return
        try:
            with suppress(Exception):
                self._wb.close()  # closes the spool files; the caller drops the half-made file
        finally:
            shutil.rmtree(self._spool, ignore_errors=True)


class _ColumnWriter:
    """Writes one column's cells and keeps what the end of the table needs: width and totals."""

    def __init__(self, book: Book, column: Column, index: int) -> None:
        self.book = book
        self.column = column
        self.c = index
        self.width = 0  # widest content so far, in character units
        self.largest = 0  # largest number so far (for the width of numeric columns)
        self.total = 0  # this worksheet's sum (fen, tenths, units) or count of filled cells
        kind = column.kind
        self.fmt = book.format(kind)
        self.quoted = book.format(kind, quoted=True) if kind in ("text", "code") else self.fmt
        self.write: Callable[[Worksheet, int, Any], None] = getattr(self, f"_write_{kind}")
        if kind == "mixed":
            self._parts = {k: _ColumnWriter(book, Column("", k), index) for k in ("int", "money", "hours")}

    def _write_text(self, ws: Worksheet, r: int, v: str | None) -> None:
        if not v:
            return
        ws.write_string(r, self.c, v, self.quoted if v[0] in FORMULA_START else self.fmt)
        self.total += 1
        if 2 * len(v) > self.width and self.width < MAX_WIDTH:
            self.width = max(self.width, display_width(v))

    _write_code = _write_text

    def _write_date(self, ws: Worksheet, r: int, v: str | date | None) -> None:
        if v:
            ws.write_number(r, self.c, self.book.serial(v), self.fmt)
            self.total += 1

    _write_month = _write_date

    def _write_money(self, ws: Worksheet, r: int, fen: int | None) -> None:
        if fen is not None:
            ws.write_number(r, self.c, fen / self.book.money_divisor, self.fmt)
            self.total += fen
            if fen > self.largest:
                self.largest = fen

    def _write_int(self, ws: Worksheet, r: int, v: int | None) -> None:
        if v is not None:
            ws.write_number(r, self.c, v, self.fmt)
            self.total += v
            if v > self.largest:
                self.largest = v

    def _write_hours(self, ws: Worksheet, r: int, tenths: int | None) -> None:
        if tenths is not None:
            ws.write_number(r, self.c, tenths / 10, self.fmt)
            self.total += tenths
            if tenths > self.largest:
                self.largest = tenths

    def _write_blank(self, ws: Worksheet, r: int, v: None) -> None:
        """A column left empty on purpose (a signature)."""

    def _write_mixed(self, ws: Worksheet, r: int, v: tuple[str, int] | None) -> None:
        """A value column of mixed units: each cell is (kind, value), kind int, money or hours."""
        if v is not None:
            self._parts[v[0]].write(ws, r, v[1])

    def shown(self, value: int) -> float:
        """A stored number as the sheet shows it."""
        if self.column.kind == "money":
            return value / self.book.money_divisor
        if self.column.kind == "hours":
            return value / 10
        return value

    def final_width(self) -> float:
        if self.column.width is not None:
            return self.column.width
        kind = self.column.kind
        if kind == "mixed":
            content = max(p.final_width() for p in self._parts.values())
        elif kind in ("text", "code"):
            content = self.width + 1
        elif kind in ("date", "month"):
            content = 11
        elif kind == "money":
            content = len(f"{self.shown(self.largest):,.2f}") + 2  # and the ¥
        else:
            content = len(f"{self.shown(self.largest):,}") + 1
        header = display_width(self.column.header) + FILTER_BUTTON if self.column.header else 0
        return float(min(MAX_WIDTH, max(MIN_WIDTH, content, header)))


class Sheet:
    """One table, possibly over several worksheets; `add()` a row at a time, then `close()`."""

    def __init__(self, book: Book, name: str, columns: Sequence[Column], title: str, subtitle: str,
                 *, row_height: float | None, closing_lines: Sequence[str], page_header: str = "") -> None:
        if columns[0].total:
            raise ValueError("the first column holds the totals label")
        self.book = book
        self.name = name
        self.columns = list(columns)
        self.title = title
        self.subtitle = subtitle
        self.row_height = row_height
        self.closing_lines = list(closing_lines)
        self.page_header = page_header
        self._writers = [_ColumnWriter(book, col, i) for i, col in enumerate(self.columns)]
        self._writes = [w.write for w in self._writers]
        self._worksheets: list[Worksheet] = []
        # (worksheet name, first data row, last data row) of each finished worksheet: where a
        # chart finds the table's cells (zero-based rows; last < first when it had none).
        self.extents: list[tuple[str, int, int]] = []
        # Rows kept free at the bottom of each worksheet: totals, a gap, the closing lines.
        tail = 1 + (1 + len(self.closing_lines) if self.closing_lines else 0)
        self._last_data_row = book.sheet_rows - 1 - tail
        self._closed = False
        self._start_worksheet()

    def _start_worksheet(self) -> None:
        ws = self.book.add_worksheet(self.name)
        self._worksheets.append(ws)
        self._ws = ws
        last = len(self.columns) - 1
        if self.row_height:
            ws.set_default_row(self.row_height)
        ws.set_row(0, 30)
        for r, (text, fmt) in enumerate(((self.title, "title"), (self.subtitle, "subtitle"))):
            # Centred across the table's width without merging (merge_range is not streamable).
            ws.write_string(r, 0, text, self.book.format(fmt, quoted=text[:1] in FORMULA_START))
            for c in range(1, last + 1):
                ws.write_blank(r, c, None, self.book.format(fmt))
        header = self.book.format("header")
        for c, col in enumerate(self.columns):
            ws.write_string(HEADER_ROW, c, col.header, header)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.hide_gridlines(0)  # gridlines on screen and on paper
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        ws.set_footer(self.book.footer)
        if self.page_header:
            ws.set_header("&C" + self.page_header.replace("&", "&&"))
        for w in self._writers:
            w.total = 0
        self._row = HEADER_ROW + 1

    def add(self, row: Sequence[Any]) -> None:
        if self._row > self._last_data_row:
            self._finish_worksheet()
            self._start_worksheet()
        ws, r = self._ws, self._row
        for write, value in zip(self._writes, row):
            write(ws, r, value)
        self._row = r + 1

    def insert_chart(self, row: int, chart: Any) -> None:
        """A chart (`Book.add_chart`) placed at `row` of the current worksheet, column A."""
        self._ws.insert_chart(row, 0, chart)

    def add_subtotal(self, row: Sequence[Any]) -> None:
        """A row in bold that the report computed itself (a group's subtotal, a total that
        counts each household once); left out of the SUBTOTAL totals of the columns.

        Text, int and money cells only."""
        if self._row > self._last_data_row:
            self._finish_worksheet()
            self._start_worksheet()
        ws, r = self._ws, self._row
        for w, value in zip(self._writers, row):
            if value is None:
                continue
            kind = w.column.kind
            fmt = self.book.format(f"total_{kind}")
            if kind == "text":
                ws.write_string(r, w.c, value, fmt)
                w.width = max(w.width, display_width(value))
            else:
                ws.write_number(r, w.c, w.shown(value), fmt)
                w.largest = max(w.largest, value)
        self._row = r + 1

    def _finish_worksheet(self) -> None:
        ws = self._ws
        first, last = HEADER_ROW + 1, self._row - 1
        self.extents.append((ws.name, first, last))
        if last < first:
            ws.write_string(first, 0, _("report.no_rows"), self.book.format("note"))
            ws.autofilter(HEADER_ROW, 0, HEADER_ROW, len(self.columns) - 1)
            for i, line in enumerate(self.closing_lines):
                ws.write_string(first + 2 + i, 0, line)
            return
        ws.autofilter(HEADER_ROW, 0, last, len(self.columns) - 1)
        totals = self._row
        if any(col.total for col in self.columns):
            ws.write_string(totals, 0, _("report.total"), self.book.format("total_text"))
            for w in self._writers:
                if w.column.total:
                    self._write_total(ws, totals, w, first, last)
        for i, line in enumerate(self.closing_lines):
            ws.write_string(totals + 2 + i, 0, line)

    def _write_total(self, ws: Worksheet, r: int, w: _ColumnWriter, first: int, last: int) -> None:
        from xlsxwriter.utility import xl_col_to_name

        letter = xl_col_to_name(w.c)
        function, fmt = (9, f"total_{w.column.kind}") if w.column.total == "sum" else (3, "total_int")
        value = w.shown(w.total) if w.column.total == "sum" else w.total
        ws.write_formula(r, w.c, f"=SUBTOTAL({function},{letter}{first + 1}:{letter}{last + 1})",
                         self.book.format(fmt), value)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._finish_worksheet()
        widths = [w.final_width() for w in self._writers]
        for ws in self._worksheets:
            for c, width in enumerate(widths):
                ws.set_column(c, c, width)
            if sum(widths) > PORTRAIT_WIDTH:
                ws.set_landscape()
            else:
                ws.set_portrait()
