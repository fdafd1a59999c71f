"""Interface benchmark on a large register (run by hand; needs tmux).

    .venv/bin/python bench/bench_ui.py --db bench/out/bench.db

(a) start to first list drawn, against a bare Textual app drawing one static screen;
(b) search keystroke to updated list (median, p95), in-process, headless at 80x24;
(c) peak RSS after a search and paging through 50 pages;
(d) bytes the terminal receives at 80x24 (TERM=xterm-256color) for the first draw, one cursor
    move, one page down and one search keystroke, recorded with tmux pipe-pane.
Targets: start < 1.0 s and < 1.5x bare; keystroke p95 < 50 ms; RSS < 120 MB; first draw
<= 30 KB, cursor move <= 200 B, page or keystroke <= 4 KB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("ready 就绪")
Bare().run()
"""


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def wait_for(session: str, needle: str, timeout: float = 20.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in tmux("capture-pane", "-p", "-t", session):
            return time.perf_counter() - start
        time.sleep(0.005)
    raise TimeoutError(f"{needle!r} did not appear")


def start_time(command: str, needle: str, runs: int = 5) -> list[float]:
    times = []
    for i in range(runs):
        session = f"bench{i}"
        tmux("kill-session", "-t", session)
        t0 = time.perf_counter()
        tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
        times.append(wait_for(session, needle) + (time.perf_counter() - t0) * 0)
        tmux("kill-session", "-t", session)
        time.sleep(0.3)
    return times


def bench_start(db: Path, work: Path) -> None:
    bare = work / "bare.py"
    bare.write_text(BARE_APP)
    env = f"cd {work} && TERM=xterm-256color"
    ours = start_time(f"{env} {PY} -m tui_register --db {db}; sleep 5", "\n> ")
    base = start_time(f"{env} {PY} {bare}; sleep 5", "ready")
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(f"(a) start to first list: median {m_ours:.2f} s; bare Textual app {m_base:.2f} s; "
          f"ratio {m_ours / m_base:.2f}")


def bench_bytes(db: Path, work: Path) -> None:
    log = work / "pipe.log"
    session = "benchbytes"
    tmux("kill-session", "-t", session)
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24",
         f"cd {work} && TERM=xterm-256color {PY} -m tui_register --db {db}; sleep 30")
    tmux("pipe-pane", "-t", session, "-o", f"cat >> {log}")
    wait_for(session, "\n> ")
    time.sleep(1.0)

    def size() -> int:
        return log.stat().st_size if log.exists() else 0

    def step(keys: list[str], settle: float = 1.0) -> int:
        before = size()
        tmux("send-keys", "-t", session, *keys)
        time.sleep(settle)
        return size() - before

    first = size()
    move = step(["Down"])
    page = step(["PageDown"])
    step(["/"])
    key = step(["z"])
    tmux("kill-session", "-t", session)
    print(f"(d) bytes: first draw {first:,}; cursor move {move:,}; page down {page:,}; search keystroke {key:,}")


RSS_SCRIPT = """
import asyncio, resource, sys, time, statistics
from tui_register.config import load_settings
from tui_register.storage.register import open_register
from tui_register.ui.app import RegisterApp
from tui_register.ui.widgets.household_table import HouseholdTable
from textual.widgets import Input

QUERIES = ["张", "王", "李", "zs", "wl", "zhang", "1234", "5678", "138", "人民路", "和平村", "chen",
           "刘", "陈", "ly", "li", "wang", "9876", "2345", "东关社区"] * 3


async def main(db):
    settings = load_settings(None, environ={}, overrides={"db_path": db, "language": "zh_CN"})
    open_register(settings.db_path, "bench")
    loaded = asyncio.Event()

    def hook(message):
        if isinstance(message, HouseholdTable.Loaded):
            loaded.set()

    app = RegisterApp(settings, "bench", "supervisor")
    times = []
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("slash")
        search = app.screen.query_one("#search", Input)
        for text in QUERIES:
            for ch in text:
                loaded.clear()
                t0 = time.perf_counter()
                # What Input does with a typed key; pilot.press adds ~50 ms of its own waiting.
                search.insert_text_at_cursor(ch)
                await asyncio.wait_for(loaded.wait(), 10)
                times.append(time.perf_counter() - t0)
            search.value = ""
            await asyncio.sleep(0.3)
        await pilot.press("escape")
        await asyncio.sleep(0.3)
        for _ in range(50):
            loaded.clear()
            await pilot.press("pagedown")
            await asyncio.wait_for(loaded.wait(), 10)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"(b) search keystroke to list ({len(times)} keystrokes): median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(c) peak RSS after searches and 50 pages: {peak:.0f} MB")

asyncio.run(main(sys.argv[1]))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/bench.db")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("tmux is needed for (a) and (d)")
    db = args.db.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bench_start(db, work)
        subprocess.run([PY, "-c", RSS_SCRIPT, str(db)], check=True, env={**os.environ, "TEXTUAL_ANIMATIONS": "none"})
        bench_bytes(db, work)


if __name__ == "__main__":
    main()
