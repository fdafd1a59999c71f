"""Pilot tests of the long work in the Reports and Sync sections: while a worker runs, its
progress line is on screen; when it ends, its last line (where the workbook is, what the sync
did) replaces it. Each run is held half-way (in the report's own progress call, or by the
hub holding a batch) so that the test sees the progress line a slow run would show."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.support.ui import SIZE, TODAY, build_register, compact, copy_register, open_db, screen_text, settle

pytestmark = pytest.mark.timeout(120)


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


async def until(pilot, predicate, what: str, timeout: float = 20.0) -> None:
    """Until `predicate()` holds. Not `wait_until`: that waits for the workers, and here one
    is held on purpose until the test has seen its progress."""
    loop_time = asyncio.get_running_loop().time
    deadline = loop_time() + timeout
    while not predicate():
        if loop_time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen_text(pilot.app)}")
        await pilot.pause(0.05)


async def shows(pilot, text: str) -> None:
    await until(pilot, lambda: compact(text) in compact(screen_text(pilot.app)), repr(text))


def send(pilot, key: str) -> None:
    """A key, without waiting for what it starts (the work it starts is held)."""
    from tests.support.ui import _send

    _send(pilot.app, key)


def test_a_newer_progress_message_replaces_a_waiting_one_but_never_the_last_line():
    from tui_register.ui.messages import PendingCounted, WorkDone, WorkProgress

    assert WorkProgress(1, 9).can_replace(WorkProgress(2, 9))
    assert not WorkProgress(1, 9).can_replace(WorkDone("done"))
    assert not WorkDone("done").can_replace(WorkDone("again"))
    assert PendingCounted(3).can_replace(PendingCounted(4)) and not PendingCounted(3).can_replace(WorkProgress(1, 9))


# ---------------------------------------------------------------- Reports


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_register(tmp_path_factory.mktemp("ui-reports") / "source.db", 40, extras=False)


async def test_an_export_shows_its_progress_then_where_the_workbook_is(built: Path, tmp_path: Path, monkeypatch):
    from textual.widgets import Input, Select

    from tests.support.reports import data_rows, open_book
    from tests.support.ui import make_app
    from tui_register import reports
    from tui_register.storage.models import database

    path = copy_register(built, tmp_path / "register.db")
    open_db(path)
    held = threading.Event()
    steps: list[tuple[int, int]] = []
    real_export = reports.export

    def held_export(kind, settings, user, options, on_progress):
        def progress(done: int, total: int) -> None:
            steps.append((done, total))
            on_progress(done, total)
            held.wait(30)  # the first step waits until the test has seen its line

        return real_export(kind, settings, user, options, progress)

    monkeypatch.setattr(reports, "export", held_export)
    out = tmp_path / "roster.xlsx"
    app = make_app(path, today=TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            send(pilot, "4")
            await shows(pilot, _("ui.report_kind"))
            app.screen.query_one("#kind", Select).value = "roster"
            app.screen.query_one("#opt-out", Input).value = str(out)
            send(pilot, "ctrl+s")
            await until(pilot, lambda: steps, "the first step")
            done, total = steps[0]
            progress = _("ui.export_progress", done=f"{done:,}", total=f"{total:,}")
            await shows(pilot, progress)
            held.set()
            await shows(pilot, _("ui.exported", path=str(out)))
            assert compact(progress) not in compact(screen_text(app))
            await settle(pilot)  # the work it started has ended (a superseded read may be cancelled)
    finally:
        held.set()
        database.close()
    assert steps[-1] == (total, total) and total > 0
    assert len(data_rows(open_book(out).worksheets[0])) >= total  # one row per member on the roster


async def test_a_roster_import_shows_its_progress_then_what_it_did(built: Path, tmp_path: Path, monkeypatch):
    from datetime import date

    from openpyxl import Workbook
    from textual.widgets import Input, Select

    from tests.support.records import resident_id
    from tests.support.ui import make_app
    from tui_register.reports import importer
    from tui_register.storage.models import Household, database

    sheet = tmp_path / "花名册.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "户主姓名", "公民身份号码", "性别", "住址", "村/社区", "类别"])
    wb.active.append([1, "甘棠", resident_id(date(1950, 3, 4), 901), "男", "导入路1号", "东关社区", "城市低保"])
    wb.active.append([2, "苏木", resident_id(date(1962, 8, 9), 902), "女", "导入路2号", "东关社区", "城市低保"])
    wb.save(sheet)
    path = copy_register(built, tmp_path / "register.db")
    open_db(path)
    before = Household.select().count()
    held = threading.Event()
    steps: list[tuple[int, int]] = []
    results: list = []
    real_import = importer.import_roster

    def held_import(path, settings, user, options, on_progress=None):
        def progress(done: int, total: int) -> None:
            steps.append((done, total))
            on_progress(done, total)
            held.wait(30)  # the first household waits until the test has seen its line

        results.append(real_import(path, settings, user, options, progress))
        return results[-1]

    monkeypatch.setattr(importer, "import_roster", held_import)
    app = make_app(path, today=TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            send(pilot, "4")
            await shows(pilot, _("ui.report_kind"))
            send(pilot, "ctrl+o")
            await shows(pilot, _("ui.import_file"))
            app.screen.query_one("#file", Input).value = str(sheet)
            app.screen.query_one("#dry-run", Select).value = "no"
            send(pilot, "ctrl+s")
            await until(pilot, lambda: steps, "the first household")
            progress = _("ui.import_progress", done="1", total="2")
            await shows(pilot, progress)
            held.set()
            await until(pilot, lambda: results, "the import's result")
            await shows(pilot, _("import.cli.done", **results[0].counts()))
            assert compact(progress) not in compact(screen_text(app))
            await settle(pilot)  # the work it started has ended (a superseded read may be cancelled)
        assert Household.select().count() == before + 2
    finally:
        held.set()
        database.close()


# ---------------------------------------------------------------- Sync


async def test_sync_now_shows_progress_then_the_summary_line(reg, db_path: Path, hub):
    from tests.support.records import ALICE
    from tests.support.sync import Gate, populate, settings_for
    from tui_register.sync import service
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.widgets.app_header import AppHeader

    populate()
    total = service.pending_count()
    hub.faults.pause = Gate(nth=2)  # the first batch goes through, the second waits at the hub
    settings = settings_for(db_path, hub, batch_size=5, office_name="城关街道民政办")
    app = RegisterApp(settings, ALICE, "supervisor", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        send(pilot, "5")
        await shows(pilot, _("ui.sync_pending", n=total))
        send(pilot, "s")
        await shows(pilot, _("ui.sync_progress", done=5, total=total))
        assert hub.faults.pause.reached.wait(10)
        hub.faults.pause.release.set()
        summary = _("sync.summary", sent=total, applied=total, duplicates=0, conflicts=0, rejected=0, pending=0)
        await shows(pilot, summary)
        await shows(pilot, _("ui.sync_pending", n=0))  # the view read again
        assert compact(_("ui.sync_progress", done=5, total=total)) not in compact(screen_text(app))
        # Not `workers.wait_for_complete()`: it raises for a read superseded on purpose (an
        # exclusive worker cancelled by a newer one), which would make this test flaky.
        await until(pilot, lambda: app.screen.query_one(AppHeader).pending == 0, "the header's count of 0")
    [run] = service.recent_runs(1)
    assert (run.exit_code, run.sent, run.applied, run.pending) == (0, total, total, 0)
