"""Sync benchmark: push about 100,000 pending changes to a local hub with the real client.

    .venv/bin/python bench/bench_sync.py [--households 5300] [--batch-size 200] [--keep DIR]

Generates a register with the demo generator in a temporary folder (or DIR), starts the hub as
its own process (`tui-register hub serve`, as in production) on 127.0.0.1, and pushes every
pending change with the real client (`sync.service.run_sync`): total time, changes per second,
bytes sent (gzip). Then the same recorded gzip bodies are posted with plain httpx in a loop to a
second, fresh hub (so that it does the same work) for the raw rate and the ratio.
Targets on the 2-core machine: 100,000 changes in under 60 s, at least 0.5x the raw rate.
"""

from __future__ import annotations

import argparse
import gzip
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
from pydantic import SecretStr

OFFICE = "BENCH-01"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui_register", *args], capture_output=True, text=True,
                          check=True, cwd=cwd)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def hub(db: Path) -> Iterator[tuple[str, str]]:
    """A hub process with the office registered: (url, token). It runs in the database's folder,
    where the command line puts its log."""
    token = _cli("hub", "add-office", OFFICE, "--db", str(db), cwd=db.parent).stdout.strip()
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "tui_register", "hub", "serve", "--port", str(port),
                                "--db", str(db)], cwd=db.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/v1/health").raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the hub did not start") from None
                time.sleep(0.1)
        yield url, token
    finally:
        process.terminate()
        process.wait(30)


def generate(db: Path, households: int) -> tuple[int, float]:
    from tui_register import demo
    from tui_register.progress import Progress
    from tui_register.storage.register import open_register
    from tui_register.sync import service

    open_register(db, "bench")
    start = time.perf_counter()
    with Progress("generating") as progress:
        demo.generate(households, seed=7, user="bench", on_progress=progress.update)
    return service.pending_count(), time.perf_counter() - start


def push(db: Path, url: str, token: str, batch_size: int):
    from tui_register.config import Settings
    from tui_register.progress import Progress
    from tui_register.sync import service

    settings = Settings.model_validate({"db_path": db, "office_code": OFFICE, "sync_endpoint": url,
                                        "sync_token": SecretStr(token), "sync_batch_size": batch_size})
    start = time.perf_counter()
    with Progress("pushing") as progress:
        summary = service.run_sync(settings, "bench", progress.update)
    return summary, time.perf_counter() - start


def post_raw(url: str, token: str, bodies: list[tuple[str, bytes]]) -> float:
    """The recorded gzip bodies posted one after another with plain httpx."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"}
    with httpx.Client(headers=headers, timeout=120) as client:
        start = time.perf_counter()
        for batch_id, body in bodies:
            client.post(url + "/v1/batches", content=body, headers={"Idempotency-Key": batch_id}).raise_for_status()
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5300)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        office_db = folder / "office.db"
        pending, gen_time = generate(office_db, args.households)
        print(f"register: {args.households:,} households, {pending:,} pending changes "
              f"(generated in {gen_time:.1f} s)")

        with hub(folder / "hub.db") as (url, token):
            summary, elapsed = push(office_db, url, token, args.batch_size)
        if summary.exit_code != 0:
            print(f"sync failed ({summary.exit_code}): {summary.problem_message('en')}")
            return 1

        from tui_register.storage.sync_state import SyncBatch

        bodies = [(b.id, bytes(b.body)) for b in SyncBatch.select().where(SyncBatch.state == "answered")
                  .order_by(SyncBatch.first_seq)]
        raw_json = sum(len(gzip.decompress(body)) for _id, body in bodies)
        with hub(folder / "hub-raw.db") as (url, token):
            raw_elapsed = post_raw(url, token, bodies)

    rate, raw_rate = summary.sent / elapsed, summary.sent / raw_elapsed
    print(f"client: {summary.line('en')}")
    print(f"  {summary.sent:,} changes in {summary.batches} batches of {args.batch_size}: {elapsed:.1f} s, "
          f"{rate:,.0f} changes/s")
    print(f"  bytes sent: {summary.bytes_sent:,} gzip ({summary.bytes_sent / summary.sent:.0f} per change), "
          f"{raw_json:,} as JSON ({raw_json / summary.bytes_sent:.1f}x compression)")
    print(f"raw httpx loop, same bodies, fresh hub: {raw_elapsed:.1f} s, {raw_rate:,.0f} changes/s")
    print(f"ratio client/raw: {rate / raw_rate:.2f}x")
    per_100k = elapsed * 100_000 / summary.sent
    ok = per_100k < 60 and rate / raw_rate >= 0.5
    print(f"targets: 100,000 changes in {per_100k:.1f} s (< 60 s), ratio >= 0.5x: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
