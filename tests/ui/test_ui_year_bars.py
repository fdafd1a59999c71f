"""The year at a glance on the Reports screen at 80x24: visits, visit cash and paid per month
as bars two lines high (a whole cell is reverse video, a low bar an underscore), the same with
NO_COLOR.

张三 was visited once in January 2026 (100 yuan) and four times in March (50 yuan each); the
February round of 城市低保 paid him 500 yuan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.support.builder import RegisterBuilder, category
from tests.support.records import ALICE
from tests.support.ui import SIZE, TODAY, copy_register, make_app, press, settle

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments

    path = tmp_path_factory.mktemp("ui-glance") / "source.db"
    with RegisterBuilder(path, ALICE) as build:
        village = build.place("东关社区", "village", build.place("城关街道", "township"))
        zhang = build.household(village, "人民路1号", "张三",
                                categories=[category("urban_dibao", start=date(2025, 1, 1), amount="500",
                                                     period="monthly")])
        build.visit(zhang.uuid, date(2026, 1, 10), cash="100")
        for day in (3, 10, 17, 24):
            build.visit(zhang.uuid, date(2026, 3, day), cash="50")
        payments.add_account(ALICE, validate(AccountIn, {"household": zhang.uuid, "kind": "cash"}))
        r = payments.create_round(ALICE, ["urban_dibao"], "2026-02")
        payments.approve_round(ALICE, r.number, single_supervisor=True)
        payments.close_round(ALICE, r.number, date(2026, 2, 10))
    return path


def marked_lines(app) -> list[str]:
    """The screen's lines with every reverse-video cell shown as '#'."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        lines.append("".join("#" * len(s.text) if s.style and s.style.reverse else s.text for s in strip))
    return lines


def bars(lines: list[str], label: str) -> tuple[list[str], list[str]]:
    """The top and bottom line of a row's twelve bars (two cells each, a space between)."""
    at = next(i for i, line in enumerate(lines) if label in line)
    left = lines[at].index(label)
    # The label is padded to ten cells: Chinese characters are two cells, one character each;
    # the bottom line has ten spaces there.
    starts = (left + len(label) + (10 - 2 * len(label)), left + 10)
    return tuple([line[start + 3 * m:start + 3 * m + 2] for m in range(12)]
                 for line, start in zip(lines[at:at + 2], starts))


async def glance(path: Path) -> list[str]:
    from tui_register.storage.models import database

    app = make_app(path, today=TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "4")
            await settle(pilot)
            return marked_lines(app)
    finally:
        database.close()


@pytest.mark.parametrize("no_color", [False, True])
async def test_reports_screen_shows_the_year_per_month_as_bars(built: Path, tmp_path: Path, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    lines = await glance(copy_register(built, tmp_path / "register.db"))
    text = "\n".join(lines)
    assert "2026年" in text and "全年 5人次" in text and "全年 ¥300.00" in text and "全年 ¥500.00" in text
    top, bottom = bars(lines, "走访人次")  # 1 and 4 visits: a low bar, then a full one
    assert (top[0], bottom[0]) == ("  ", "__") and (top[2], bottom[2]) == ("##", "##")
    assert top[1] == bottom[1] == "  " and set(top[3:] + bottom[3:]) == {"  "}
    top, bottom = bars(lines, "慰问金")  # 100 and 200 yuan: half and whole
    assert (top[0], bottom[0]) == ("  ", "##") and (top[2], bottom[2]) == ("##", "##")
    top, bottom = bars(lines, "实发")  # 500 yuan in February only
    assert (top[1], bottom[1]) == ("##", "##") and set(top[:1] + top[2:] + bottom[:1] + bottom[2:]) == {"  "}
    assert not set(text) & set("▁▂▃▄▅▆▇█"), "no ambiguous-width block characters"
