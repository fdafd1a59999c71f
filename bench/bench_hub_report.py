"""County workbook benchmark: `tui-register hub report summary` over many offices' records.

    .venv/bin/python bench/bench_hub_report.py [--offices 10] [--households 10000] [--pg URL]
        [--sqlite] [--register OFFICE.db] [--keep DIR] [--hub URL_OR_PATH]

One register is generated with the demo generator (or `--register` names one made before),
and what the hub holds after every office pushed it is loaded into a fresh hub database for
each office: the newest snapshot of every record (`hub_record`, by COPY on PostgreSQL) and the
batches of a first full sync with their all-applied answers (`hub_batch`, 5,000 changes each).
That is the state the real sync leaves (tests/hub/test_hub_report.py checks the report on
records pushed by the real client); building it by syncing 10 x 190,000 changes would take
longer than everything else here. Then the report runs as the county runs it, its own process
(`tui-register hub report summary --db URL`): wall time, peak resident memory, and the time of
each step of the figures measured in this process.

The PostgreSQL URL comes from --pg or TUI_REGISTER_TEST_PG (a test cluster:
`eval "$(.ci/postgres start DIR)"`); a fresh database is created in it and dropped.
Goal on the 2-core machine: 10 offices of 10,000 households on PostgreSQL in under 60 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import suppress
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_hub import pg_database  # noqa: E402
from bench_sync import generate  # noqa: E402

BATCH = 5000


def latest_records(register: Path) -> list[tuple]:
    """(entity, uuid, version, seq, snapshot) of every synced record's newest change."""
    from tui_register.storage.sync_state import SYNCED_ENTITIES

    marks = ", ".join("?" for _ in SYNCED_ENTITIES)
    with sqlite3.connect(register) as conn:
        return conn.execute(
            f"SELECT entity, uuid, version, seq, snapshot FROM change_log WHERE seq IN "
            f"(SELECT MAX(seq) FROM change_log WHERE entity IN ({marks}) GROUP BY uuid) ORDER BY seq",
            SYNCED_ENTITIES).fetchall()


def load_hub(target: str, offices: list[str], records: list[tuple]) -> float:
    """The hub's tables as the offices' first full syncs leave them; seconds taken."""
    from tui_register.hub.db import is_postgres, open_hub_database
    from tui_register.hub.models import HubBatch, HubRecord, hub_database
    from tui_register.hub.offices import add_office

    start = time.perf_counter()
    db = open_hub_database(target)
    now = datetime.now(timezone.utc)
    for code in offices:
        add_office(code)
        at = now.isoformat()
        rows = [(code, entity, uid, version, snapshot, seq, at) for entity, uid, version, seq, snapshot in records]
        with db.atomic():
            if is_postgres():
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                buffer.seek(0)
                db.cursor().copy_expert("COPY hub_record (office, entity, uuid, version, snapshot, seq, updated_at) "
                                        "FROM STDIN WITH (FORMAT csv)", buffer)
            else:
                fields = [HubRecord.office, HubRecord.entity, HubRecord.uuid, HubRecord.version, HubRecord.snapshot,
                          HubRecord.seq, HubRecord.updated_at]
                for i in range(0, len(rows), 500):
                    HubRecord.insert_many(rows[i:i + 500], fields=fields).execute()
            parts = [records[i:i + BATCH] for i in range(0, len(records), BATCH)]
            for n, part in enumerate(parts):
                batch_id = str(uuid.uuid4())
                answer = {"protocol": 1, "office": code, "batch_id": batch_id, "replay": False,
                          "results": [{"seq": r[3], "result": "applied", "version": r[2]} for r in part]}
                received = now - timedelta(seconds=2 * (len(parts) - n))
                HubBatch.create(office=code, batch_id=batch_id, body_hash=uuid.uuid4().hex * 2, first_seq=part[0][3],
                                last_seq=part[-1][3], changes=len(part), answer=json.dumps(answer),
                                received_at=received.isoformat())
    if is_postgres():
        hub_database.execute_sql("ANALYZE")
    db.close()
    return time.perf_counter() - start


def phases(target: str, first: date, last: date) -> list[tuple[str, float]]:
    """The figures computed in this process, with the time of each step."""
    from tui_register.hub import figures
    from tui_register.hub.db import open_hub_database

    names = ["snapshots into tables, roster", "households, persons, categories", "visits, volunteers",
             "payments, due", "syncs"]
    marks: list[float] = []
    db = open_hub_database(target)
    start = time.perf_counter()
    figures.county(first, last, progress=lambda done, total: marks.append(time.perf_counter()))
    end = time.perf_counter()
    db.close()
    stamps = [start, *marks[1:], end]
    return [(name, b - a) for name, a, b in zip(names, stamps, stamps[1:])]


def run_report(target: str, folder: Path, first: date, last: date) -> tuple[float, float, Path]:
    """The command as the county runs it: (seconds, peak RSS in MB, the workbook)."""
    out = folder / f"county-{uuid.uuid4().hex[:6]}.xlsx"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_REGISTER_")}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "tui_register", "hub", "report", "summary", "--db", target,
                                "--from", first.isoformat(), "--to", last.isoformat(), "--out", str(out)],
                               env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Its own peak (VmHWM, read until it ends): a child's ru_maxrss counts this large process
    # as it was when forked.
    peak = 0.0
    while process.poll() is None:
        with suppress(OSError, IndexError, ValueError):
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]) / 1024)
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"hub report exited {process.returncode}: {process.stderr.read().strip()}")
    return elapsed, peak, out


def check(out: Path, offices: list[str]) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).worksheets[0]
    rows = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] in offices]
    if rows != offices:
        raise SystemExit(f"the workbook lists {rows}, not {offices}")


def bench(label: str, target: str, folder: Path, offices: list[str], records: list[tuple]) -> None:
    loaded = load_hub(target, offices, records)
    print(f"{label}: hub loaded in {loaded:.1f} s ({len(offices)} offices x {len(records):,} records)")
    report(label, target, folder, offices)


def report(label: str, target: str, folder: Path, offices: list[str]) -> None:
    last = date.today()
    first = date(last.year, 1, 1)
    for name, seconds in phases(target, first, last):
        print(f"  {name}: {seconds:.1f} s")
    elapsed, peak, out = run_report(target, folder, first, last)
    check(out, offices)
    print(f"{label}: hub report summary {elapsed:.1f} s, peak RSS {peak:.0f} MB, "
          f"{out.stat().st_size / 1e3:.0f} kB workbook")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=10)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("TUI_REGISTER_TEST_PG", ""))
    parser.add_argument("--sqlite", action="store_true", help="also on a SQLite hub")
    parser.add_argument("--register", type=Path, help="an office register made before (skips generating)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--hub", help="a hub database loaded before (by this script): report on it only")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-hub-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.hub:
        report("given hub", args.hub, folder, [f"BENCH-{n:02d}" for n in range(1, args.offices + 1)])
        return
    register = args.register
    if register is None:
        register = folder / "office.db"
        changes, seconds = generate(register, args.households)
        print(f"register: {args.households:,} households, {changes:,} changes in {seconds:.1f} s")
    records = latest_records(register)
    offices = [f"BENCH-{n:02d}" for n in range(1, args.offices + 1)]
    if args.pg:
        with pg_database(args.pg) as url:
            bench("PostgreSQL", url, folder, offices, records)
    else:
        print("PostgreSQL: skipped (no --pg and no TUI_REGISTER_TEST_PG)")
    if args.sqlite:
        bench("SQLite", str(folder / f"hub-{uuid.uuid4().hex[:6]}.db"), folder, offices, records)


if __name__ == "__main__":
    main()
