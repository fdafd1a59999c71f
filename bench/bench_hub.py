"""Hub benchmark: three offices pushing at once, to a SQLite hub and to a PostgreSQL hub.

    .venv/bin/python bench/bench_hub.py [--households 2000] [--pg postgresql://...] [--keep DIR]
                                        [--offices-only] [--rounds N]

Generates one register with the demo generator and copies it for three offices (backup API),
then for each backend: a fresh hub database, the three offices registered, the hub as its own
process (`tui-register hub serve`), and three `tui-register sync` processes started together.
Reports the wall time until the last office is done, changes per second, the hub's peak
resident memory (VmHWM) and CPU time (the database server's is not in it), and the load average:
the machine is shared, and its load moves every figure. The PostgreSQL URL comes from --pg or
TUI_REGISTER_TEST_PG (a test cluster: `eval "$(.ci/postgres start DIR)"`); a fresh database is
created in it and dropped.
Targets on the 2-core machine: hub peak RSS under 200 MB; PostgreSQL at least as fast as SQLite
with three offices syncing at once (the exit status; the other two comparisons are printed).
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).parent))
from bench_sync import _cli, _free_port, generate  # noqa: E402

OFFICES = ("BENCH-01", "BENCH-02", "BENCH-03")


def peak_rss_mb(pid: int) -> float:
    """The peak resident set (VmHWM) in MB of the process and any children, summed."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else ():
        total += peak_rss_mb(int(child))
    return total


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ticks(pid: int, children: bool) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15 if children else 13])


def server_cpu(target: str) -> float:
    """The PostgreSQL server's CPU time so far: the postmaster, the backends it reaped and those
    running (0 for SQLite, whose work is in the hub's own CPU time)."""
    if "://" not in target:
        return 0.0
    import psycopg2

    conn = psycopg2.connect(target)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        total = _ticks(postmaster, children=True)
        for child in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split():
            try:
                total += _ticks(int(child), children=False)
            except (FileNotFoundError, ProcessLookupError):
                pass  # ended meanwhile: counted by the postmaster next time
    finally:
        conn.close()
    return total / os.sysconf("SC_CLK_TCK")


def clients_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def pg_database(base: str) -> Iterator[str]:
    import psycopg2

    name = f"bench_{uuid.uuid4().hex[:8]}"

    def admin(sql: str) -> None:
        conn = psycopg2.connect(base)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    admin(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_backend(target: str, folder: Path, template: Path) -> dict:
    tokens = {code: _cli("hub", "add-office", code, "--db", target, cwd=folder).stdout.strip() for code in OFFICES}
    offices = []
    for code in OFFICES:
        db = folder / f"office-{code}-{uuid.uuid4().hex[:6]}.db"
        with sqlite3.connect(template) as src, sqlite3.connect(db) as dst:
            src.backup(dst)
        offices.append((code, db))
    port = _free_port()
    hub = subprocess.Popen([sys.executable, "-m", "tui_register", "hub", "serve", "--port", str(port),
                            "--db", target],
                           cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url)
        server_start, clients_start = server_cpu(target), clients_cpu()
        start = time.perf_counter()
        clients = []
        for code, db in offices:
            env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_REGISTER_")}
            env.update(TUI_REGISTER_OFFICE_CODE=code, TUI_REGISTER_SYNC_ENDPOINT=url,
                       TUI_REGISTER_SYNC_TOKEN=tokens[code], TUI_REGISTER_LANGUAGE="en")
            clients.append(subprocess.Popen([sys.executable, "-m", "tui_register", "--db", str(db), "sync"],
                                            env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True))
        outputs = [(c.wait(), *c.communicate()) for c in clients]
        elapsed = time.perf_counter() - start
        peak, cpu = peak_rss_mb(hub.pid), cpu_seconds(hub.pid)
        server, client = server_cpu(target) - server_start, clients_cpu() - clients_start
    finally:
        hub.terminate()
        hub.wait(30)
    sent = 0
    for code, (status, out, err) in zip(OFFICES, outputs):
        line = out.strip().splitlines()[-1] if out.strip() else ""
        if status != 0:
            raise SystemExit(f"{code}: sync exited {status}: {err.strip()} {line}")
        sent += int(line.split("sent ")[1].split(",")[0])
    return {"elapsed": elapsed, "sent": sent, "peak_mb": peak, "cpu": cpu, "server": server, "clients": client,
            "offices": offices, "load": os.getloadavg()[0]}


def recorded_bodies(db: Path) -> list[tuple[str, bytes]]:
    """The gzip bodies an office's run sent and got answered, in order."""
    with sqlite3.connect(db) as conn:
        return [(batch_id, bytes(body)) for batch_id, body in conn.execute(
            "SELECT id, body FROM sync_batch WHERE state = 'answered' ORDER BY first_seq")]


def largest_bodies(template: Path, code: str, count: int) -> list[tuple[str, bytes]]:
    """`count` batches at the cap (MAX_BATCH_CHANGES changes each) from the register's change log."""
    from tui_register.storage.sync_state import LogChange
    from tui_register.sync import protocol

    size = protocol.MAX_BATCH_CHANGES
    with sqlite3.connect(template) as conn:
        rows = [LogChange(*row) for row in conn.execute(
            "SELECT seq, entity, uuid, op, version, base_version, snapshot, at, user FROM change_log "
            "WHERE entity != 'staff' ORDER BY seq LIMIT ?", (size * count,))]
    bodies = []
    for start in range(0, len(rows), size):
        part, batch_id = rows[start:start + size], str(uuid.uuid4())
        body = protocol.encode_batch(code, batch_id, part[0].seq, part[-1].seq,
                                     [protocol.change_json(c, c.base_version) for c in part])
        bodies.append((batch_id, body))
    return bodies


def replay(target: str, folder: Path, bodies: dict[str, list[tuple[str, bytes]]]) -> dict:
    """The hub alone: the offices' recorded bodies posted at once, one thread per office, to a
    fresh hub (the same work as the clients gave it, without the clients' own time)."""
    import httpx

    tokens = {code: _cli("hub", "add-office", code, "--db", target, cwd=folder).stdout.strip() for code in OFFICES}
    port = _free_port()
    hub = subprocess.Popen([sys.executable, "-m", "tui_register", "hub", "serve", "--port", str(port),
                            "--db", target],
                           cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    failures: list[str] = []

    def post_all(code: str) -> None:
        headers = {"Authorization": f"Bearer {tokens[code]}", "Content-Type": "application/json",
                   "Content-Encoding": "gzip"}
        with httpx.Client(headers=headers, timeout=120) as client:
            for batch_id, body in bodies[code]:
                while (r := client.post(url + "/v1/batches", content=body,
                                        headers={"Idempotency-Key": batch_id})).status_code == 503:
                    time.sleep(float(r.headers.get("retry-after", "1")))
                if r.status_code != 200:
                    failures.append(f"{code}: HTTP {r.status_code}")
                    return

    try:
        _wait_healthy(url)
        server_start = server_cpu(target)
        start = time.perf_counter()
        threads = [threading.Thread(target=post_all, args=(code,)) for code in OFFICES]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        peak, cpu = peak_rss_mb(hub.pid), cpu_seconds(hub.pid)
        server = server_cpu(target) - server_start
    finally:
        hub.terminate()
        hub.wait(30)
    if failures:
        raise SystemExit("; ".join(failures))
    return {"elapsed": elapsed, "batches": sum(len(b) for b in bodies.values()), "peak_mb": peak, "cpu": cpu,
            "server": server}


def _wait_healthy(url: str) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/v1/health").raise_for_status()
            return
        except (httpx.TransportError, httpx.HTTPStatusError):
            if time.monotonic() > deadline:
                raise RuntimeError("the hub did not start") from None
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--pg", default=os.environ.get("TUI_REGISTER_TEST_PG", ""),
                        help="a PostgreSQL URL to create the hub's database in (default TUI_REGISTER_TEST_PG)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--offices-only", action="store_true",
                        help="only the three offices syncing at once (not the hub-alone replays)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="the three offices syncing this many times on each backend, the order "
                             "alternating (SQLite first, then PostgreSQL first, ...): the target compares the sums")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        template = folder / "template.db"
        if not template.exists():
            pending, gen_time = generate(template, args.households)
            from tui_register.storage.models import database

            database.close()
            print(f"register: {args.households:,} households, {pending:,} pending changes per office "
                  f"(generated in {gen_time:.1f} s)")
        # Each comparison's two runs back to back: the machine's load drifts over minutes (with
        # --rounds, in alternating order, so that a drift favours neither).
        rounds = []
        for number in range(max(1, args.rounds)):
            found: dict[str, dict] = {}
            for backend in ("sqlite", "postgresql")[::1 if number % 2 == 0 else -1]:
                if backend == "sqlite":
                    found["sqlite"] = run_backend(str(folder / f"hub-{uuid.uuid4().hex[:6]}.db"), folder, template)
                elif args.pg:
                    with pg_database(args.pg) as url:
                        found["postgresql"] = run_backend(url, folder, template)
            rounds.append(found)
        results = rounds[0]
        replays: dict[str, dict] = {}
        bigs: dict[str, dict] = {}
        if not args.offices_only:
            bodies = {code: recorded_bodies(db) for code, db in results["sqlite"]["offices"]}
            replays["sqlite"] = replay(str(folder / f"hub-{uuid.uuid4().hex[:6]}.db"), folder, bodies)
            if args.pg:
                with pg_database(args.pg) as url:
                    replays["postgresql"] = replay(url, folder, bodies)
            big = {code: largest_bodies(template, code, 4) for code in OFFICES}
            bigs["sqlite"] = replay(str(folder / f"hub-{uuid.uuid4().hex[:6]}.db"), folder, big)
            if args.pg:
                with pg_database(args.pg) as url:
                    bigs["postgresql"] = replay(url, folder, big)
        if not args.pg:
            print("postgresql: skipped (no --pg and no TUI_REGISTER_TEST_PG)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("three `tui-register sync` processes at once (CPU: the hub's, the database server's, the clients'):")
    for number, found in enumerate(rounds, 1):
        if len(rounds) > 1:
            print(f"  round {number}, {' then '.join(found)}:")
        for backend, r in sorted(found.items(), key=lambda item: item[0] != "sqlite"):
            print(f"{backend:>12}: {r['sent']:,} changes in {r['elapsed']:.1f} s "
                  f"({r['sent'] / r['elapsed']:,.0f} changes/s), hub peak RSS {r['peak_mb']:.0f} MB, "
                  f"CPU hub {r['cpu']:.1f} s, server {r['server']:.1f} s, clients {r['clients']:.1f} s; "
                  f"load average after {r['load']:.1f}")
    totals = {backend: sum(found[backend]["elapsed"] for found in rounds) for backend in results}
    if len(rounds) > 1:
        print("  in all: " + ", ".join(f"{backend} {total:.1f} s" for backend, total in totals.items()))
    if replays:
        print("the hub alone: the same recorded bodies, three threads posting at once:")
    for backend, r in replays.items():
        print(f"{backend:>12}: {r['batches']:,} batches in {r['elapsed']:.1f} s, hub peak RSS {r['peak_mb']:.0f} MB, "
              f"CPU hub {r['cpu']:.1f} s, server {r['server']:.1f} s")
    if bigs:
        print("the hub alone, batches at the cap (5,000 changes), three threads posting 4 each at once:")
    for backend, r in bigs.items():
        print(f"{backend:>12}: {r['batches']} batches in {r['elapsed']:.1f} s, hub peak RSS {r['peak_mb']:.0f} MB, "
              f"CPU hub {r['cpu']:.1f} s, server {r['server']:.1f} s")
    every = [r for found in rounds for r in found.values()]
    ok = all(r["peak_mb"] < 200 for r in (*every, *replays.values(), *bigs.values()))
    print(f"target: hub peak RSS < 200 MB: {'met' if ok else 'NOT met'}")
    if "postgresql" in results:
        offices = {backend: {"elapsed": total} for backend, total in totals.items()}
        for name, figures in (("three offices syncing", offices), ("the hub alone", replays), ("at the cap", bigs)):
            if not figures:
                continue
            faster = figures["postgresql"]["elapsed"] <= figures["sqlite"]["elapsed"]
            print(f"target: PostgreSQL hub at least as fast as SQLite, {name}: {'met' if faster else 'NOT met'}")
        ok = ok and totals["postgresql"] <= totals["sqlite"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
