"""Export benchmark: the visit log of about 1,000,000 visits, against raw XlsxWriter, and
the monthly statistics form.

    .venv/bin/python bench/bench_export.py [--db bench/out/bench.db] [--households 100000]
                                           [--to 2026-12-31] [--repeat 1] [--keep]
                                           [--modes raw,report,monthly] [--month 2026-10]

Without --db (or when the file is missing) a register of --households generated households
(about ten visits each) is built in bench/out/export.db first. The register is only read: a
register at another schema version is refused, since opening it would migrate it.

Two measurements, each in a child process of its own:
- report: `reports.export("visits", ...)` — keyset pages through Peewee, labels, masked IDs,
  title, header, SUBTOTAL totals, widths, print set-up;
- raw: the same cells written by a plain script: one sqlite3 query, the same label lookups
  and masking, `write_string` / `write_number` / `write_datetime` with the same formats, in
  constant_memory mode.
- monthly: `reports.export("monthly", ...)` for --month (default the demo's last full month).
Time is the child's own wall time for the export; peak RSS is `ru_maxrss` of RUSAGE_CHILDREN
read by a middle process whose only child is the worker. Targets: report ≤ 1.3 × raw time,
report peak RSS < 150 MB; the monthly form < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
FIRST_DAY = date(2000, 1, 1)
MODES = ("raw", "report", "monthly")


def build(path: Path, households: int) -> None:
    from tui_register import demo
    from tui_register.progress import Progress
    from tui_register.storage.register import open_register

    open_register(path, "bench")
    with Progress("generating") as progress:
        demo.generate(households, seed=7, user="bench", until=date(2026, 11, 1), on_progress=progress.update)


def check_schema(db: Path) -> None:
    """Refuse a register at another schema version: opening it would migrate (write) it."""
    import sqlite3

    from tui_register.storage.db import SCHEMA_VERSION

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    if version != SCHEMA_VERSION:
        sys.exit(f"{db} is at schema v{version} and this code at v{SCHEMA_VERSION}; the benchmark never "
                 f"changes a register: migrate it (or a copy) with the current code first")


# --- the two workers ---------------------------------------------------------------------------

def _export(db: Path, kind: str, options) -> None:
    from tui_register.config import Settings
    from tui_register.reports import export
    from tui_register.storage.db import open_database

    check_schema(db)
    open_database(db, create=False)
    settings = Settings(db_path=db, export_dir=options.out.parent, office_code="BENCH",
                        office_name="城关街道民政办", language="zh_CN")
    export(kind, settings, "bench", options)


def run_report(db: Path, out: Path, last: date, month: str) -> None:
    from tui_register.reports import ExportOptions

    _export(db, "visits", ExportOptions(date_from=FIRST_DAY, date_to=last, out=out))


def run_monthly(db: Path, out: Path, last: date, month: str) -> None:
    from tui_register.reports import ExportOptions

    _export(db, "monthly", ExportOptions(month=month, out=out))


RAW_SQL = """
SELECT v.visit_date, h.place_path, h.head_name, h.head_id_number, h.address,
       (SELECT group_concat(DISTINCT m.category) FROM membership m WHERE m.household_id = v.household_id
          AND m.status != 'voided' AND m.start_date <= v.visit_date
          AND (m.end_date IS NULL OR m.end_date >= v.visit_date)), v.purpose,
       v.campaign_id, v.visitors, v.cash_fen, v.goods, v.findings, v.follow_up, v.follow_up_due
FROM visit v JOIN household h ON h.id = v.household_id
WHERE v.status = 'valid' AND v.visit_date >= ? AND v.visit_date <= ?
ORDER BY v.visit_date, v.id
"""


def run_raw(db: Path, out: Path, last: date, month: str) -> None:
    """What a plain script writing the same workbook would do."""
    import sqlite3

    import xlsxwriter

    from tui_register.domain.categories import label
    from tui_register.domain.ids import mask_id
    from tui_register.i18n import _, set_language

    set_language("zh_CN")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    campaigns = dict(conn.execute("SELECT id, name FROM campaign"))
    purposes: dict[str, str] = {}
    categories: dict[str, str] = {}
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "tmpdir": str(out.parent)})
    ws = wb.add_worksheet("走访慰问台账")
    fmt = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}), "code": wb.add_format({"num_format": "@"}),
           "money": wb.add_format({"num_format": '"¥"#,##0.00'}), "bold": wb.add_format({"bold": True})}
    ws.write_string(0, 0, "城关街道民政办走访慰问台账", fmt["bold"])
    ws.write_string(1, 0, f"统计期间：{FIRST_DAY}至{last}")
    headers = ["走访日期", "村（社区）", "户主姓名", "户主身份证号", "家庭住址", "对象类别", "走访事由", "慰问活动",
               "走访人员", "慰问金（元）", "慰问物品", "走访情况", "后续事项", "跟进期限"]
    for c, header in enumerate(headers):
        ws.write_string(2, c, header, fmt["bold"])
    r = 3
    for (day, path, head, head_id, address, codes, purpose, campaign, visitors, cash, goods, findings,
         follow_up, due) in conn.execute(RAW_SQL, (FIRST_DAY.isoformat(), last.isoformat())):
        if purpose not in purposes:
            purposes[purpose] = _(f"purpose.{purpose}")
        if codes not in categories:
            categories[codes] = "、".join(label("category", c) for c in sorted((codes or "").split(",")) if c)
        ws.write_datetime(r, 0, date.fromisoformat(day), fmt["date"])
        ws.write_string(r, 1, path.split("/")[1])
        ws.write_string(r, 2, head)
        ws.write_string(r, 3, mask_id(head_id), fmt["code"])
        ws.write_string(r, 4, address)
        if codes:
            ws.write_string(r, 5, categories[codes])
        ws.write_string(r, 6, purposes[purpose])
        if campaign:
            ws.write_string(r, 7, campaigns[campaign])
        ws.write_string(r, 8, visitors)
        if cash:
            ws.write_number(r, 9, cash / 100, fmt["money"])
        for c, text in ((10, goods), (11, findings), (12, follow_up)):
            if text:
                ws.write_string(r, c, text)
        if due:
            ws.write_datetime(r, 13, date.fromisoformat(due), fmt["date"])
        r += 1
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, r - 1, len(headers) - 1)
    wb.close()


def data_rows(db: Path, last: date) -> int:
    """The visits exported: valid ones up to `last` (read after the timing, read-only)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM visit WHERE status = 'valid' AND visit_date >= ? "
                            "AND visit_date <= ?", (FIRST_DAY.isoformat(), last.isoformat())).fetchone()[0]
    finally:
        conn.close()


def child(mode: str, db: Path, out: Path, last: date, month: str) -> None:
    start = time.perf_counter()
    {"report": run_report, "raw": run_raw, "monthly": run_monthly}[mode](db, out, last, month)
    took = time.perf_counter() - start
    rows = data_rows(db, last) if mode != "monthly" else 0
    print(json.dumps({"rows": rows, "seconds": took, "bytes": out.stat().st_size}))


def measure(mode: str, db: Path, out: Path, last: date, month: str) -> dict:
    """Run the worker as this process's only child: RUSAGE_CHILDREN is then its own peak."""
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--db", str(db), "--out", str(out),
                           "--to", last.isoformat(), "--month", month], capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=OUT / "bench.db")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--to", default="2099-12-31", help="last visit date (a smaller run)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the workbooks")
    parser.add_argument("--modes", default=",".join(MODES), help="which of raw, report, monthly to run")
    parser.add_argument("--month", default="2026-10", help="the monthly form's month")
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--measure", choices=MODES)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    last = date.fromisoformat(args.to)
    if args.child:
        return child(args.child, args.db, args.out, last, args.month)
    if args.measure:
        return print(json.dumps(measure(args.measure, args.db, args.out, last, args.month)))
    if not args.db.exists():
        args.db = OUT / "export.db"
        if not args.db.exists():
            build(args.db, args.households)
    check_schema(args.db)
    OUT.mkdir(parents=True, exist_ok=True)
    modes = [m for m in MODES if m in args.modes.split(",")]
    results: dict[str, list[dict]] = {mode: [] for mode in modes}
    for i in range(args.repeat):
        for mode in modes:
            out = OUT / f"{'monthly' if mode == 'monthly' else 'visits-' + mode}.xlsx"
            out.unlink(missing_ok=True)
            done = subprocess.run([sys.executable, __file__, "--measure", mode, "--db", str(args.db),
                                   "--out", str(out), "--to", last.isoformat(), "--month", args.month],
                                  capture_output=True, text=True, check=True)
            results[mode].append(json.loads(done.stdout))
            r = results[mode][-1]
            print(f"run {i + 1} {mode:<7}: {r['rows']:,} rows in {r['seconds']:.1f} s, "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB, file {r['bytes'] / 2**20:.1f} MiB", flush=True)
            if not args.keep:
                out.unlink()
    best = {mode: min(r["seconds"] for r in runs) for mode, runs in results.items()}
    if "report" in best and "raw" in best:
        peak = max(r["peak_rss_mb"] for r in results["report"])
        print(f"time ratio report/raw (best of {args.repeat}): {best['report'] / best['raw']:.2f} (target ≤ 1.3); "
              f"report peak RSS {peak:.0f} MB (target < 150 MB)")
    if "monthly" in best:
        peak = max(r["peak_rss_mb"] for r in results["monthly"])
        print(f"monthly form {args.month} (best of {args.repeat}): {best['monthly']:.1f} s (target < 10 s), "
              f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    os.environ.setdefault("TUI_REGISTER_LANGUAGE", "zh_CN")
    sys.exit(main())
