"""The Reports section's category field takes a group or a list, read by the domain's one parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui import SIZE, TODAY, build_register, copy_register, make_app, screen_text, settle, type_text

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_register(tmp_path_factory.mktemp("ui-categories") / "source.db", 40, extras=False)


async def test_a_group_typed_in_the_category_field(built: Path, tmp_path: Path):
    from textual.widgets import Input, Select

    from tests.support.reports import column, open_book
    from tests.support.ui import compact, press
    from tui_register.storage.models import database

    path = copy_register(built, tmp_path / "register.db")
    out = tmp_path / "visits.xlsx"
    app = make_app(path, today=TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "4")
            app.screen.query_one("#kind", Select).value = "visits"
            await settle(pilot)
            app.screen.query_one("#opt-out", Input).value = str(out)
            app.screen.query_one("#opt-category", Input).focus()
            await type_text(pilot, "城市低保,农村低宝")
            await press(pilot, "ctrl+s")
            assert compact("对象类别：“农村低宝”不是对象类别或类别组，是不是“农村低保”？") in compact(screen_text(app))
            assert app.screen.query_one("#opt-category", Input).value == "城市低保,农村低宝"  # kept
            assert not out.exists()
            app.screen.query_one("#opt-category", Input).value = ""
            await type_text(pilot, "低保")
            await press(pilot, "ctrl+s")
            await settle(pilot)
            assert compact(str(out)) in compact(screen_text(app))
    finally:
        database.close()
    ws = open_book(out).active
    assert ws["A2"].value.endswith("类别：低保")
    held = column(ws, "对象类别")
    assert held and all("城市低保" in c or "农村低保" in c for c in held)
