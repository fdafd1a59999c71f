"""The monthly statistics form in the Reports section: chosen like the other reports, with its
month field shown only for it, typed, exported, and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui import (
    SIZE,
    TODAY,
    build_register,
    compact,
    copy_register,
    open_db,
    screen_text,
    settle,
    wait_until,
)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_register(tmp_path_factory.mktemp("ui-monthly") / "source.db", 40, extras=False)


async def test_the_monthly_form_from_the_reports_section(built: Path, tmp_path: Path):
    from textual.widgets import Input, Select

    from tests.support.reports import data_rows, open_book
    from tests.support.ui import make_app
    from tui_register.i18n import _
    from tui_register.storage.models import database

    path = copy_register(built, tmp_path / "register.db")
    open_db(path)
    out = tmp_path / "monthly.xlsx"
    app = make_app(path, today=TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("4")
            await wait_until(pilot, lambda: compact(_("ui.report_kind")) in compact(screen_text(app)))
            month = app.screen.query_one("#opt-month", Input)
            assert not month.display  # the summary, shown first, takes no month
            app.screen.query_one("#kind", Select).value = "monthly"
            await pilot.pause()
            assert month.display and compact(_("ui.report_month")) in compact(screen_text(app))
            assert not app.screen.query_one("#opt-date_from", Input).display
            month.focus()
            await pilot.press(*"2026-05")
            app.screen.query_one("#opt-out", Input).value = str(out)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: compact(_("ui.exported", path=str(out))) in compact(screen_text(app)),
                             "the exported line", timeout=30)
            await settle(pilot)
    finally:
        database.close()
    ws = open_book(out)["月报"]
    assert ws["A2"].value == "统计月份：2026年5月"
    assert [row[0] for row in data_rows(ws)][:3] == ["城市低保", "农村低保", "低保合计"]
