"""Storage benchmark: a large generated register, search and save times.

    .venv/bin/python bench/bench_storage.py [--households 100000] [--db bench/out/bench.db] [--reuse]

Measures: generation time and database size; search (200 varied queries, first page of 50
households, median and p95) through the storage layer and the same SQL through plain sqlite3
for the ratio; the totals line for the same queries; saving one visit with its change-log
row (median, p95). Targets on the 2-core machine: search p95 < 30 ms, save p95 < 10 ms,
generation < 3 min for 100,000 households.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.2f} ms, p95 {pct(values, 95) * 1000:.2f} ms"


def build(path: Path, households: int) -> float:
    from tui_register import demo
    from tui_register.progress import Progress
    from tui_register.storage.register import open_register

    open_register(path, "bench")
    start = time.perf_counter()
    with Progress("generating") as progress:
        demo.generate(households, seed=7, user="bench", until=date(2026, 11, 1), on_progress=progress.update)
    return time.perf_counter() - start


def queries(conn: sqlite3.Connection, n: int = 200) -> list[str]:
    """Varied queries drawn from the data: names (1–3 characters), initials, pinyin, ID digits,
    phone digits, address fragments."""
    rng = random.Random(11)
    people = conn.execute(
        "SELECT name, name_pinyin, name_initials, id_number, phone FROM person "
        "WHERE id IN (SELECT abs(random()) % (SELECT max(id) FROM person) + 1 FROM person LIMIT 400)").fetchall()
    addresses = [r[0] for r in conn.execute("SELECT address FROM household LIMIT 2000")]
    makers = [
        lambda p: p[0][0],                     # surname, one character
        lambda p: p[0][:2],                    # two characters
        lambda p: p[0],                        # full name
        lambda p: p[2][:2],                    # initials, two letters
        lambda p: p[2],                        # full initials
        lambda p: p[1][: rng.randint(4, len(p[1]))] if len(p[1]) >= 4 else p[1],  # pinyin prefix
        lambda p: p[3][-rng.randint(4, 6):],   # last ID digits
        lambda p: (p[4] or p[3])[-4:],         # phone digits
        lambda p: rng.choice(addresses)[: rng.randint(3, 6)],  # address fragment
    ]
    out = []
    while len(out) < n:
        out.append(makers[len(out) % len(makers)](rng.choice(people)))
    return out


def bench_search(path: Path, qs: list[str]) -> dict[str, list[float]]:
    from tui_register.storage.household_queries import HouseholdFilter, household_page, household_totals, page_sql

    times: dict[str, list[float]] = {"page": [], "raw": [], "totals": []}
    raw = sqlite3.connect(str(path))
    for q in qs * 2:  # the first pass warms the cache; keep the second
        flt = HouseholdFilter(text=q)
        t0 = time.perf_counter()
        household_page(flt, "place")
        t1 = time.perf_counter()
        sql, params = page_sql(flt, "place")
        raw.execute(sql, params).fetchall()
        t2 = time.perf_counter()
        household_totals(flt)
        t3 = time.perf_counter()
        times["page"].append(t1 - t0)
        times["raw"].append(t2 - t1)
        times["totals"].append(t3 - t2)
    return {k: v[len(qs):] for k, v in times.items()}


def bench_save(n: int = 300) -> list[float]:
    from tui_register.domain.records import VisitIn, validate
    from tui_register.storage.models import Household
    from tui_register.storage.visits import add_visit

    uuids = [h.uuid for h in Household.select(Household.uuid).order_by(Household.id).limit(n)]
    times = []
    for i, uuid in enumerate(uuids):
        data = validate(VisitIn, {"household": uuid, "visit_date": str(date(2026, 10, 1) - timedelta(days=i % 30)),
                                  "visitors": "王敏、李强", "purpose": "routine", "cash": "200", "goods": "大米"})
        t0 = time.perf_counter()
        add_visit("bench", data)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/bench.db"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    if not args.db.exists():
        took = build(args.db, args.households)
        print(f"generation: {args.households:,} households in {took:.1f} s")

    from tui_register.storage.integrity import counts_per_entity
    from tui_register.storage.register import open_register

    open_register(args.db, "bench")
    counts = counts_per_entity()
    size = sum(os.path.getsize(f"{args.db}{s}") for s in ("", "-wal") if os.path.exists(f"{args.db}{s}"))
    print(f"records: {counts['household']:,} households, {counts['person']:,} persons, "
          f"{counts['visit']:,} visits; database {size / 2**20:.0f} MiB")
    raw = sqlite3.connect(str(args.db))
    qs = queries(raw)
    times = bench_search(args.db, qs)
    ratio = statistics.median(times["page"]) / statistics.median(times["raw"])
    print(f"search, first page (200 queries): {fmt(times['page'])}")
    print(f"  same SQL through sqlite3:       {fmt(times['raw'])}  (ratio of medians {ratio:.2f})")
    print(f"  totals line for the query:      {fmt(times['totals'])}")
    slow = sorted(zip(times["page"], qs), reverse=True)[:5]
    print("  slowest: " + ", ".join(f"{q!r} {t * 1000:.1f} ms" for t, q in slow))
    print(f"save one visit with change log (300): {fmt(bench_save())}")


if __name__ == "__main__":
    sys.exit(main())
