"""Summary benchmark: the year's 统计汇总 with and without 上期/增减, 比率与平均 and 图表.

    .venv/bin/python bench/bench_summary.py --db COPY.db [--from 2026-01-01] [--to 2026-12-31] [--repeat 1]

The register is only read (give it a copy: a register at another schema version is refused).
Two workbooks, each in a child process of its own, alternating:
- figures: `reports.export("summary", ...)` as it is;
- plain: the same with the three additions switched off (no previous period read, no rates
  sheet, no charts), i.e. the summary as it was before them.
Time is the child's own wall time for the export, peak RSS its own `ru_maxrss`.
Goal: figures < 30 s and < 150 MB on the 100,000-household demo.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import check_schema  # noqa: E402


def plain() -> None:
    """Switch the additions off, leaving the summary as it was before them."""
    from tui_register.reports import charts, rates, trends

    trends.previous = lambda scope: None
    rates.write = lambda pages, rows: None
    rates.rates = lambda scope, figures: []
    charts.add = lambda pages, categories: None


def child(mode: str, db: Path, out: Path, first: date, last: date) -> None:
    from tui_register.config import Settings
    from tui_register.reports import ExportOptions, export
    from tui_register.storage.db import open_database

    if mode == "plain":
        plain()
    check_schema(db)
    open_database(db, create=False)
    settings = Settings(db_path=db, export_dir=out.parent, office_code="BENCH", office_name="城关街道民政办",
                        language="zh_CN")
    start = time.perf_counter()
    export("summary", settings, "bench", ExportOptions(date_from=first, date_to=last, out=out))
    took = time.perf_counter() - start
    print(json.dumps({"mode": mode, "seconds": round(took, 2), "bytes": out.stat().st_size,
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--from", dest="first", default="2026-01-01")
    parser.add_argument("--to", dest="last", default="2026-12-31")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", choices=("figures", "plain"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    first, last = date.fromisoformat(args.first), date.fromisoformat(args.last)
    if args.child:
        return child(args.child, args.db, args.out, first, last)
    check_schema(args.db)
    results: dict[str, list[dict]] = {"plain": [], "figures": []}
    for _ in range(args.repeat):
        for mode in ("plain", "figures"):
            out = args.db.parent / f"summary-{mode}.xlsx"
            out.unlink(missing_ok=True)
            done = subprocess.run([sys.executable, __file__, "--child", mode, "--db", str(args.db), "--out", str(out),
                                   "--from", args.first, "--to", args.last], capture_output=True, text=True, check=True)
            results[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results[mode][-1]), flush=True)
    best = {mode: min(r["seconds"] for r in rs) for mode, rs in results.items()}
    print(json.dumps({"best_seconds": best, "ratio": round(best["figures"] / best["plain"], 2),
                      "peak_rss_mb": {m: max(r["peak_rss_mb"] for r in rs) for m, rs in results.items()}}))


if __name__ == "__main__":
    main()
