"""Category groups and lists in the reports' filters, and a place named by its code."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.records import ALICE
from tests.support.reports import build_register, column, open_book
from tui_register import i18n
from tui_register.reports import ExportOptions, export

YEAR_2025 = dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    return build_register(tmp_path_factory.mktemp("filters") / "f.db", ALICE)


@pytest.fixture(autouse=True)
def chinese(register):
    register.use()
    i18n.set_language("zh_CN")


def run(register, kind, tmp_path, **options):
    out = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.xlsx"
    return open_book(export(kind, register.settings, ALICE, ExportOptions(out=out, **options)))


@pytest.mark.parametrize("category", ["优抚对象", ("veteran",), "youfu,orphan"])
def test_visits_by_a_group_or_a_list(register, tmp_path, category):
    ws = run(register, "visits", tmp_path, category=category, **YEAR_2025)["走访慰问台账"]
    assert column(ws, "户主姓名") == ["王五"]  # the 退役军人's routine visit; the voided one is out


def test_the_subtitle_names_the_group_or_the_categories(register, tmp_path):
    ws = run(register, "visits", tmp_path, category="低保", **YEAR_2025)["走访慰问台账"]
    assert ws["A2"].value.endswith("类别：低保")
    ws = run(register, "visits", tmp_path, category="城市低保,退役军人", **YEAR_2025)["走访慰问台账"]
    assert ws["A2"].value.endswith("类别：城市低保、退役军人")
    assert sorted(column(ws, "户主姓名")) == ["张三丰", "张三丰", "王五"]


def test_receipts_by_a_group(register, tmp_path):
    ws = run(register, "receipts", tmp_path, campaign="2025年春节走访慰问", category="低保").worksheets[0]
    assert column(ws, "户主姓名") == ["张三丰", "赵大"]  # 城市低保 and 农村低保; not 王五 (退役军人)


def test_the_roster_by_a_group_lists_each_category_held_then(register, tmp_path):
    names = column(run(register, "roster", tmp_path, category="低保", at=date(2025, 3, 1))["花名册"], "姓名")
    assert len(column(run(register, "roster", tmp_path, category="城市低保", at=date(2025, 3, 1))["花名册"],
                      "姓名")) == 3
    assert "赵大" in names and "王五" not in names  # 农村低保 on 1 March; 王五 is 退役军人 only


def test_a_place_by_its_code(register, tmp_path):
    from tui_register.storage.core import writing
    from tui_register.storage.models import Place

    farm = Place.get(Place.name == "和平村")
    with writing(ALICE) as w:
        w.update(Place, farm.uuid, farm.version, code="410102001")
    ws = run(register, "visits", tmp_path, place="410102001", **YEAR_2025)["走访慰问台账"]
    assert column(ws, "户主姓名") == ["王五"]


def test_payment_lines_by_a_group(tmp_path):
    from tests.support.reports import data_rows
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import Household

    own = build_register(tmp_path / "own.db", ALICE)
    own.use()
    for name in ("张三丰", "赵大"):
        household = Household.get(Household.head_name == name)
        payments.add_account(ALICE, validate(AccountIn, {"household": household.uuid, "kind": "cash"}))
    payments.create_round(ALICE, ["urban_dibao", "rural_dibao"], "2025Q1")
    (tmp_path / "out").mkdir()
    both = run(own, "payments", tmp_path / "out", category="低保", **YEAR_2025)["发放明细"]
    assert sorted(row[4] for row in data_rows(both)) == ["张三丰", "赵大"]
    rural = run(own, "payments", tmp_path / "out", category="农村低保,孤儿", **YEAR_2025)["发放明细"]
    assert [row[4] for row in data_rows(rural)] == ["赵大"]
    none = run(own, "payments", tmp_path / "out", category="优抚对象", **YEAR_2025)["发放明细"]
    assert [row[0] for row in data_rows(none)] == ["（无记录）"]
