"""Campaign exceptions in the workbooks: a household not reached (未遇) is no visit in any
figure and stays open on the receipt sheet; one collected by someone else (代领) is a visit,
and the receipt sheet's 备注 says who collected.

The register of `tests.support.reports` plus, in its campaign 2025年春节走访慰问: 王五 not
reached on 2025-01-23, and a new target 孙七 whose cash his son 孙小七 collected on 2025-01-24.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.records import ALICE, household_in, person_in
from tests.support.reports import build_register, column, data_rows, open_book
from tui_register import i18n
from tui_register.domain.records import VisitIn, validate
from tui_register.reports import ExportOptions, export

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
CAMPAIGN = "2025年春节走访慰问"


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from tui_register.storage import households, visits
    from tui_register.storage.models import Household

    reg = build_register(tmp_path_factory.mktemp("outcomes") / "r.db", ALICE)
    place = Household.get(Household.uuid == reg.h2).place.uuid
    sun = households.create_household(ALICE, household_in(place, "和平村5组1号"), person_in(None, "孙七"))
    visits.add_target(ALICE, reg.campaign, sun.uuid)
    common = {"visitors": "王敏", "purpose": "festival", "campaign": reg.campaign}
    visits.add_visit(ALICE, validate(VisitIn, {**common, "household": reg.h2, "visit_date": "2025-01-23",
                                               "outcome": "not_reached"}))
    visits.add_visit(ALICE, validate(VisitIn, {**common, "household": sun.uuid, "visit_date": "2025-01-24",
                                               "cash": "300", "goods": "大米", "outcome": "proxy",
                                               "collector": "孙小七"}))
    return reg


@pytest.fixture(autouse=True)
def chinese(register):
    register.use()
    i18n.set_language("zh_CN")


def run(register, kind, tmp_path, **options):
    return open_book(export(kind, register.settings, ALICE, ExportOptions(out=tmp_path / f"{kind}.xlsx", **options)))


def test_receipts_say_not_reached_or_who_collected(register, tmp_path):
    ws = run(register, "receipts", tmp_path, campaign=CAMPAIGN)["签领表"]
    rows = dict(zip(column(ws, "户主姓名"), zip(column(ws, "慰问金（元）"), column(ws, "备注"))))
    assert rows == {"张三丰": (300, None), "王五": (300, "未遇"), "赵大": (300, None), "孙七": (300, "代领 孙小七")}
    # 王五 is still open: the standard cash is what he will sign for.


def test_receipts_in_english(register, tmp_path):
    i18n.set_language("en")
    book = run(register, "receipts", tmp_path, campaign=CAMPAIGN)
    ws = book.worksheets[0]
    remarks = dict(zip(column(ws, ws[3][2].value), column(ws, "Remarks")))
    assert remarks["王五"] == "Not reached" and remarks["孙七"] == "Collected by 孙小七"


def test_the_visit_register_leaves_out_not_reached(register, tmp_path):
    ws = run(register, "visits", tmp_path, **YEAR_2025)["走访慰问台账"]
    assert [(d.date() if hasattr(d, "date") else d, name) for d, name in zip(column(ws, "走访日期"),
                                                                              column(ws, "户主姓名"))] == [
        (date(2025, 1, 20), "王五"), (date(2025, 1, 22), "张三丰"), (date(2025, 1, 24), "孙七"),
        (date(2025, 3, 1), "张三丰")]


def test_the_summary_counts_no_attempt(register, tmp_path):
    book = run(register, "summary", tmp_path, **YEAR_2025)
    overview = {row[0]: (row[1], row[2]) for row in data_rows(book["概览"])}
    # Before: 3 visits (人次), 1 household given cash, ¥1,534.56; now the proxy visit too, never 未遇.
    assert overview["走访慰问人次"] == (4, "人次") and overview["发放慰问金户数"] == (2, "户")
    assert overview["发放慰问金"] == (1834.56, "元")
    months = data_rows(book["走访按月"])
    assert months[0][1:] == (3, 3, 2, 600)
    campaign = data_rows(book["走访按活动"])[0]
    assert campaign[0] == CAMPAIGN and campaign[3:] == (4, 2, 2, 2, 600)
