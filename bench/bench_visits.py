"""Visit register benchmark on a large register (run by hand).

    .venv/bin/python bench/bench_visits.py --db bench/out/bench.db

(a) saving one campaign visit from the key press (Space on the checklist) to the checklist
    updated, median and p95 over 100 households; target p95 < 30 ms;
(b) opening the due list (query and first page drawn); target < 300 ms.
The campaign visits are written to a copy of the database, which is removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def run(db: Path) -> None:
    from tui_register.config import load_settings
    from tui_register.domain.records import CampaignIn, validate
    from tui_register.storage import visit_queries, visits
    from tui_register.storage.register import open_register
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.screens.campaigns import ChecklistScreen
    from tui_register.ui.screens.due import DueScreen
    from tui_register.ui.widgets.paged_table import PagedTable

    settings = load_settings(None, environ={}, overrides={"db_path": db, "language": "zh_CN"})
    open_register(settings.db_path, "bench")
    targets = visit_queries.households_for_targets(["veteran"], None)[:400]
    campaign = visits.create_campaign("bench", validate(CampaignIn, {
        "name": "2026年元旦走访慰问", "start_date": "2026-11-20", "end_date": "2026-11-28",
        "purpose": "festival", "visitors": "王敏、李强", "default_cash": "300", "default_goods": "大米"}), targets)
    loaded = asyncio.Event()

    def hook(message) -> None:
        if isinstance(message, PagedTable.Loaded):
            loaded.set()

    app = RegisterApp(settings, "bench", "supervisor")
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        progress = visit_queries.campaign_progress(campaign.uuid)
        loaded.clear()
        await app.push_screen(ChecklistScreen(progress))
        await asyncio.wait_for(loaded.wait(), 10)
        screen = app.screen
        table = screen.table
        times, shown = [], []
        for _ in range(100):
            visited = screen.progress.visited
            t0 = time.perf_counter()
            screen.action_visited()  # what Space does
            shown.append(time.perf_counter() - t0)  # the row shows [x] at once
            while screen.progress.visited == visited:  # the visit is saved and counted
                await asyncio.sleep(0.0005)
            times.append(time.perf_counter() - t0)
            while table.reading:  # Space on the last row reads the next page itself
                await asyncio.sleep(0.0005)
        print(f"(a) campaign visit, key to saved and progress updated (100): median "
              f"{statistics.median(times) * 1000:.1f} ms, p95 {pct(times, 95) * 1000:.1f} ms; "
              f"the row itself shows [x] after {statistics.median(shown) * 1000:.2f} ms (median)")
        due_times = []
        loaded.clear()
        await app.push_screen(DueScreen())  # once to warm the page cache of the fresh copy
        await asyncio.wait_for(loaded.wait(), 60)
        await app.pop_screen()
        for _ in range(5):
            loaded.clear()
            t0 = time.perf_counter()
            await app.push_screen(DueScreen())
            await asyncio.wait_for(loaded.wait(), 30)
            due_times.append(time.perf_counter() - t0)
            await app.pop_screen()
            await pilot.pause()
        print(f"(b) open the due list: median {statistics.median(due_times) * 1000:.0f} ms, "
              f"max {max(due_times) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/bench.db")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        copy = Path(tmp) / "visits.db"
        with sqlite3.connect(args.db) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # a consistent copy, never a file copy of a live database
        asyncio.run(run(copy))


if __name__ == "__main__":
    sys.exit(main())
