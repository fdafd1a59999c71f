"""图表: native Excel charts of the summary, drawn from the cells of its sheets.

Every series refers to the rows the tables wrote (`Sheet.extents`), so a chart shows what the
sheet it is drawn from says and follows a correction made in its cells. The sheet 图表 lists
each chart with the cells it is drawn from, then shows the charts below the list. A table
continued on a second worksheet is charted from its first (a month table never is).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from tui_register.i18n import _
from tui_register.reports.workbook import HEADER_ROW, Column

if TYPE_CHECKING:
    from tui_register.reports.summary import _Pages
    from tui_register.reports.workbook import Book, Sheet

CHART_SIZE = {"x_scale": 1.6, "y_scale": 1.2}
ROWS_PER_CHART = 20  # a chart of that size takes about 18 rows

Where = tuple[str, int, int]  # worksheet name, first and last data row (zero-based)


def _rows(sheet: Sheet | None, count: int | None = None) -> Where | None:
    """Where a table's data rows are (on its first worksheet), `count` rows at most."""
    if sheet is None or not sheet.extents:
        return None
    name, first, last = sheet.extents[0]
    if count is not None:
        last = min(last, first + count - 1)
    return (name, first, last) if last >= first else None


def _series(where: Where, column: int, **extra: Any) -> dict:
    name, first, last = where
    return {"name": [name, HEADER_ROW, column], "categories": [name, first, 0, last, 0],
            "values": [name, first, column, last, column], **extra}


def _cells(where: Where, *columns: int) -> str:
    """The cells a chart is drawn from, as a reader would look them up: 走访按月!B4:B15."""
    from xlsxwriter.utility import xl_col_to_name

    name, first, last = where
    return "、".join(f"{name}!{xl_col_to_name(c)}{first + 1}:{xl_col_to_name(c)}{last + 1}" for c in columns)


def _visits_and_cash(book: Book, where: Where) -> Any:
    visits = book.add_chart({"type": "column"})
    visits.add_series(_series(where, 1))
    cash = book.add_chart({"type": "line"})
    cash.add_series(_series(where, 4, y2_axis=True, marker={"type": "circle"}))
    visits.combine(cash)
    visits.set_y_axis({"name": _("report.col.visit_count")})
    cash.set_y2_axis({"name": _("report.col.cash", unit=book.unit_label())})
    return visits


def _households(book: Book, where: Where) -> Any:
    households = book.add_chart({"type": "bar"})
    households.add_series(_series(where, 1))
    households.set_y_axis({"reverse": True})  # categories top to bottom, as on the sheet
    households.set_legend({"none": True})
    return households


def _due_and_paid(book: Book, where: Where) -> Any:
    chart = book.add_chart({"type": "column"})
    chart.add_series(_series(where, 1))
    chart.add_series(_series(where, 2))
    return chart


def add(pages: _Pages, categories: int) -> None:
    """The sheet 图表 after the tables: visits and cash per month, households per category, due
    and paid per month. `categories`: how many rows 按类别 has before its subtotals."""
    tables = dict(pages.made)
    index = pages.sheet("report.sheet.charts", [Column(_("report.col.chart")), Column(_("report.col.chart_cells"))])
    # Making the index finished the last table: every table's rows are known now.
    wanted = [
        ("report.chart.visits_cash", _rows(tables.get("report.sheet.by_month")), _visits_and_cash, (1, 4)),
        ("report.chart.households_per_category", _rows(tables.get("report.sheet.by_category"), categories),
         _households, (1,)),
        ("report.chart.due_paid", _rows(tables.get("report.sheet.payment_months")), _due_and_paid, (1, 2)),
    ]
    charts = []
    for key, where, make, columns in wanted:
        if where is None:
            continue
        chart = make(pages.book, where)
        chart.set_title({"name": _(key)})
        chart.set_size(CHART_SIZE)
        index.add((_(key), _cells(where, *columns)))
        charts.append(chart)
    # Below the list, its totals row, the gap and the sign-off line.
    top = HEADER_ROW + 1 + max(1, len(charts)) + 4
    for i, chart in enumerate(charts):
        index.insert_chart(top + i * ROWS_PER_CHART, chart)


def year_months(year: int, today: date) -> list[tuple[str, int, int, int]]:
    """(month, valid visits, visit cash in fen, paid in fen) for each month of `year`: the
    summary's 走访按月 and 发放按月 figures (the Reports screen's year at a glance)."""
    from tui_register.reports.data import resolve
    from tui_register.reports.options import ExportOptions
    from tui_register.reports.summary import payments_by_month, visits_by_month

    scope = resolve("summary", ExportOptions(date_from=date(year, 1, 1), date_to=date(year, 12, 31)), today)
    paid = {row[0]: row[2] for row in payments_by_month(scope, {})}
    return [(month, visits, cash, paid.get(month, 0)) for month, visits, _h, _c, cash in visits_by_month(scope)]
