"""Shared helpers of the export and import tests: a small register with known contents,
settings for it, and readers for the workbooks written.

The register is written through the real storage functions. It holds text that Excel
could take for a formula or a link, an ID ending in X, a closed household, a voided visit,
a campaign with targets and volunteers, so that every report has something to get wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import resident_id, resident_id_ending_x
from tui_register.config import Settings

OFFICE = "城关街道民政办"
OFFICE_CODE = "GL-03"
FORMULA_LIKE = ("=SUM(A1:A3)", "+86 在外地务工", "-3度，需添衣", "@社区医生", "\t制表符开头")
HEAD1_ID = resident_id(date(1950, 3, 4), 11)
SPOUSE1_ID = resident_id(date(1952, 6, 7), 22)
HEAD2_ID = resident_id_ending_x(date(1948, 1, 2))
CLOSED_ID = resident_id(date(1960, 1, 1), 33)


@dataclass(frozen=True)
class Register:
    path: Path
    user: str
    h1: str
    h2: str
    h3: str
    campaign: str
    settings: Settings

    def use(self) -> None:
        """Point the models at this register (tests of other registers may have moved them)."""
        from tui_register.storage.db import make_database
        from tui_register.storage.models import database

        if getattr(database.obj, "database", None) != str(self.path):
            database.initialize(make_database(self.path))


def settings_for(db: Path, export_dir: Path, language: str = "zh_CN") -> Settings:
    return Settings(db_path=db, export_dir=export_dir, office_code=OFFICE_CODE, office_name=OFFICE,
                    language=language)


def build_register(path: Path, user: str) -> Register:
    """Three households, four visits (one voided), a campaign, two volunteers; left open."""
    build = RegisterBuilder(path, user)
    township = build.place("城关街道", "township")
    grid = build.place("第一网格", "grid", build.place("东关社区", "village", township))
    farm = build.place("和平村", "village", township)

    h1 = build.household(grid, "人民路1号", "张三丰", phone="13800000001", id_number=HEAD1_ID,
                         head_phone="13900000001",
                         members=[member("李秀英", id_number=SPOUSE1_ID, relation="spouse"),
                                  member("张小明", sex="M", birth=date(2010, 5, 6), relation="son")],
                         categories=[category("urban_dibao", amount="590", period="monthly"),
                                     category("severe_disability", of_head=True, amount="100.5",
                                              period="monthly", start=date(2024, 7, 1))])
    # An address that Excel would read as a formula.
    h2 = build.household(farm, '=HYPERLINK("http://example.org")', "王五", phone="0371-12345678",
                         id_number=HEAD2_ID, categories=[category("veteran", of_head=True)])
    h3 = build.household(farm, "和平村3组8号", "赵大", id_number=CLOSED_ID,
                         categories=[category("rural_dibao", amount="400", period="monthly")])
    build.set_status(h3.uuid, "closed", "迁出本辖区", date(2025, 5, 6))

    campaign = build.campaign([h1.uuid, h2.uuid, h3.uuid])
    build.visit(h1.uuid, date(2025, 1, 22), purpose="festival", cash="300", goods="大米",
                campaign=campaign.uuid, follow_up=FORMULA_LIKE[3], due=date(2025, 2, 15))
    build.visit(h2.uuid, date(2025, 1, 20), purpose="routine")
    wrong = build.visit(h2.uuid, date(2025, 1, 21), purpose="routine", cash="999")
    build.void_visit(wrong, "录入重复")
    build.visit(h1.uuid, date(2025, 3, 1), purpose="help", cash="1234.56", goods="https://example.org/goods")
    _set_findings(FORMULA_LIKE)

    zhao = build.volunteer("赵六")
    qian = build.volunteer("钱七")
    activity = build.activity("环境整治", date(2025, 4, 5))
    build.participation(activity.uuid, zhao.uuid, "2.5")
    build.participation(activity.uuid, qian.uuid, "2")
    return Register(path, user, h1.uuid, h2.uuid, h3.uuid, campaign.uuid,
                    settings_for(path, path.parent / "exports"))


def _set_findings(texts: tuple[str, ...]) -> None:
    """Findings of the valid visits, one formula-like text each, through the write path."""
    from tui_register.storage.core import writing
    from tui_register.storage.models import Visit

    visits = list(Visit.select().where(Visit.status == "valid").order_by(Visit.visit_date))
    with writing(visits[0].created_by) as w:
        for visit, text in zip(visits, texts):
            w.update(Visit, visit.uuid, visit.version, findings=text)


# --- reading workbooks -------------------------------------------------------------------------

def open_book(path: Path, *, values: bool = False):
    from openpyxl import load_workbook

    return load_workbook(path, data_only=values)


def headers(ws) -> list[str]:
    return [c.value for c in ws[3]]


def data_rows(ws) -> list[tuple]:
    """The rows between the header and the totals row (or the end)."""
    rows = []
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] in ("合计", "Total") or all(v is None for v in row):
            break
        rows.append(row)
    return rows


def column(ws, header: str) -> list[Any]:
    index = headers(ws).index(header)
    return [row[index] for row in data_rows(ws)]


def cells(ws, header: str) -> list:
    """The cell objects of a column's data rows (for types and formats)."""
    index = headers(ws).index(header)
    return [ws.cell(row=r, column=index + 1) for r in range(4, 4 + len(data_rows(ws)))]


def totals_row(ws) -> tuple:
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] in ("合计", "Total"):
            return row
    raise AssertionError("no totals row")


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def as_date(value: Any) -> date:
    assert isinstance(value, datetime), f"{value!r} is not an Excel date"
    return value.date()


def assert_print_ready(ws, *, landscape: bool | None = None) -> None:
    """Title, frozen header, filter and the print settings every report sheet has."""
    assert ws["A1"].value and ws["A1"].font.b
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:")
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the default, which the file leaves out), as many pages tall as needed.
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    footer = ws.oddFooter.left.text + ws.oddFooter.right.text
    assert "&P" in footer and "&N" in footer
    # The print date is text (YYYY-MM-DD), not Excel's &D field that each reader formats its own way.
    assert "&D" not in footer and re.search(r"\d{4}-\d{2}-\d{2}", footer), footer
    if landscape is not None:
        assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
