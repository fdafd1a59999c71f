"""Payments benchmark: a monthly round for every 低保 household of the 100,000-household demo.

    .venv/bin/python bench/bench_payments.py [--db bench/out/bench.db] [--households 100000]
                                             [--work bench/out/payments.db] [--repeat 3] [--until STEP] [--keep]
                                             [--reuse]

The demo register (built at --db with the export benchmark's settings when missing) is only
read: it is copied (SQLite backup API) to --work, and everything below happens in the copy,
which is removed afterwards unless --keep. Before any timing, the copy gets what the demo
may not have yet, through the storage layer: a second supervisor (the approver), standards
for 城市低保 and 农村低保 with a mid-year raise, and an account for every 低保 household that
has none (most bank or card, one in twenty cash; written by `storage.bulk.BulkWriter`).
With --reuse, the copy so prepared is kept beside --work (`<work>.prepared.db`) and later runs
start from a plain file copy of it, as long as the demo and the schema are the ones it was made
from: the timed steps start from the same register, without the copy and preparation.

Then, each step in a child process of its own, timed around the one call that does the step
(the child's imports and opening the register excluded), peak RSS of the whole child:

    create    storage.payments.create_round: 城市低保 + 农村低保 for month A   goal < 5 s
    approve   storage.payments.approve_round by the second supervisor      goal < 2 s
    raw       the same two workbooks by a plain XlsxWriter script          (the baseline)
    export    reports.payments.export_round: bank file + 花名册             goal <= 1.3 x raw
              (raw and export back to back --repeat times: the median pair's ratio)
    results   reports.payment_results.apply_results of a result workbook of every bank-file
              line (one in fifty failed), made beforehand                  goal < 5 s
    close     storage.payments.close_round of A (its cash lines)           goal < 5 s
    create B  month A + 1: back pay of A's failed lines, stops             goal < 5 s
    close B   every line of B marked paid                                  goal < 5 s
    summary   reports.export("summary") of A's year, with 实发               goal < 30 s
    memory    every step's peak RSS                                        goal < 150 MB

Month A is 2026-10, or the month after the latest 低保 round the demo already has. Peak RSS is
`ru_maxrss` of RUSAGE_CHILDREN read by a middle process whose only child is the worker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
USER, APPROVER = "bench", "bench2"
CODES = ("rural_dibao", "urban_dibao")
OFFICE = dict(office_code="BENCH", office_name="城关街道民政办", language="zh_CN")
GOALS = {"create": 5, "approve": 2, "results": 5, "close": 5, "create_b": 5, "approve_b": 2, "close_b": 5,
         "summary": 30}
PEAK_GOAL_MB = 150
EXPORT_RATIO_GOAL = 1.3


def build(path: Path, households: int) -> None:
    from tui_register import demo
    from tui_register.progress import Progress
    from tui_register.storage.register import open_register

    open_register(path, USER)
    with Progress("generating") as progress:
        demo.generate(households, seed=7, user=USER, until=date(2026, 11, 1), on_progress=progress.update)


def check_schema(db: Path) -> None:
    """Refuse a demo at another schema version: copying and opening it would migrate the copy,
    and the figures would include the migration."""
    from tui_register.storage.db import SCHEMA_VERSION

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    if version != SCHEMA_VERSION:
        sys.exit(f"{db} is at schema v{version} and this code at v{SCHEMA_VERSION}: migrate it (or a copy) "
                 f"with the current code first")


def copy_register(source: Path, work: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(str(work))
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    os.chmod(work, 0o600)


def month_after(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return f"{y + (m == 12)}-{m % 12 + 1:02d}"


def first_month(work: Path) -> str:
    """2026-10, or the month after the latest 低保 round already in the register."""
    conn = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    try:
        ends = [end for end, cats in conn.execute("SELECT period_end, categories FROM payment_round "
                                                  "WHERE kind = 'regular'")
                if set(cats.split(",")) & set(CODES)]
    finally:
        conn.close()
    if not ends:
        return "2026-10"
    return month_after(max(ends)[:7])


# --- preparing the copy (not timed) ------------------------------------------------------------

def prepare(work: Path) -> dict:
    """What the demo may lack: the approver, standards, accounts for every 低保 household."""
    from tui_register.domain.records import StandardIn, validate
    from tui_register.storage import payments, staff
    from tui_register.storage.bulk import BulkWriter
    from tui_register.storage.clock import now_iso
    from tui_register.storage.core import RuleViolation
    from tui_register.storage.models import Household, Membership, PaymentAccount, PaymentStandard
    from tui_register.storage.register import open_register

    open_register(work, USER)
    staff.add_staff(USER, APPROVER, "审核人", "supervisor")
    for code, amounts in (("urban_dibao", ("590", "650")), ("rural_dibao", ("420", "470"))):
        if PaymentStandard.select().where(PaymentStandard.category == code).exists():
            continue
        for valid_from, amount in zip(("2024-01-01", "2026-07-01"), amounts):
            try:
                payments.add_standard(USER, validate(StandardIn, {"category": code, "valid_from": valid_from,
                                                                  "amount": amount, "period": "monthly"}))
            except RuleViolation:
                pass  # an approved round of the demo already covers that date
    with_account = {h for (h,) in PaymentAccount.select(PaymentAccount.household)
                    .where((PaymentAccount.status == "active") & PaymentAccount.person.is_null()).tuples()}
    recipients = (Household.select(Household.id, Household.uuid, Household.head_name)
                  .where(Household.id.in_(Membership.select(Membership.household)
                                          .where(Membership.category.in_(CODES) & (Membership.status != "voided"))))
                  .order_by(Household.id).tuples())
    rng = random.Random(23)
    bulk = BulkWriter(USER)
    at = now_iso()
    added = 0
    for hid, uuid, head in recipients:
        if hid in with_account:
            continue
        bulk.know(Household, {hid: uuid})
        kind = rng.choices(("bank", "card", "cash"), weights=(75, 20, 5))[0]
        number = "" if kind == "cash" else "6" + "".join(rng.choice("0123456789") for _ in range(18))
        bulk.add(PaymentAccount, dict(household=hid, person=None, kind=kind,
                                      bank_name="农业银行" if kind == "bank" else "", account_number=number,
                                      holder_name=head), at=at)
        added += 1
        if bulk.pending() >= 20_000:
            bulk.flush()
    bulk.flush()
    return {"accounts_added": added}


def make_result_file(work: Path, round_number: int, out: Path) -> dict:
    """The bank's answer for every line of the bank file: one in fifty failed."""
    import xlsxwriter

    conn = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT l.recipient_name, a.account_number, l.amount_fen FROM payment_line l "
        "JOIN payment_round r ON r.id = l.round_id JOIN payment_account a ON a.id = l.account_id "
        "WHERE r.number = ? AND l.state = 'due' AND l.kind != 'stop' AND a.kind IN ('bank', 'card') "
        "ORDER BY l.id", (round_number,)).fetchall()
    conn.close()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("代发结果")
    for c, header in enumerate(("户名", "账号", "金额", "处理结果", "失败原因")):
        ws.write_string(0, c, header)
    failed = 0
    for r, (name, account, fen) in enumerate(rows, start=1):
        fails = r % 50 == 0
        failed += fails
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, account)
        ws.write_number(r, 2, fen / 100)
        ws.write_string(r, 3, "失败" if fails else "成功")
        if fails:
            ws.write_string(r, 4, "账户已注销")
    wb.close()
    return {"rows": len(rows), "failed": failed}


# --- the timed steps (each in its own child) ---------------------------------------------------

def _settings(work: Path):
    from tui_register.config import Settings

    return Settings(db_path=work, export_dir=work.parent, **OFFICE)


def _round(period: str):
    from tui_register.storage.models import PaymentRound
    from tui_register.storage.payments import find_round

    found = [r for r in PaymentRound.select().where((PaymentRound.period == period)
                                                   & (PaymentRound.kind == "regular"))
             if set(r.categories.split(",")) & set(CODES)]
    return find_round(found[0].number)


def _counts(period: str) -> dict:
    from tui_register.storage.models import PaymentLine

    r = _round(period)
    lines = PaymentLine.select().where(PaymentLine.round == r)
    return {"lines": lines.count(), "paid": lines.where(PaymentLine.state == "paid").count(),
            "state": r.state, "number": r.number}


def run_step(step: str, work: Path, period: str, out: Path | None) -> dict:
    """Open the copy, then time the one call that does `step` (wall and CPU seconds)."""
    from tui_register.i18n import set_language
    from tui_register.storage.register import open_register

    set_language("zh_CN")
    open_register(work, USER, create=False)
    act, after = _step(step, work, period, out)
    wall, cpu = time.perf_counter(), time.process_time()
    done = act()
    figures = {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}
    return dict(after(done), **figures)


def _step(step: str, work: Path, period: str, out: Path | None):
    """(the call to time, what to report of its result)."""
    day = date.fromisoformat(f"{period}-01")
    if step in ("create", "create_b"):
        from tui_register.storage.payments import create_round

        return (lambda: create_round(USER, list(CODES), period, pay_date=day.replace(day=15)),
                lambda _made: _counts(period))
    r = _round(period) if step != "summary" else None
    if step in ("approve", "approve_b"):
        from tui_register.storage.payments import approve_round

        return lambda: approve_round(APPROVER, r.number), lambda _done: _counts(period)
    if step == "export":
        from tui_register.reports.payments import export_round

        def files(made) -> dict:
            size = made.bank.stat().st_size + made.roster.stat().st_size
            return {"bank_rows": made.bank_lines, "roster_rows": made.roster_lines, "bytes": size}

        return lambda: export_round(r, _settings(work), USER, out=out), files
    if step == "raw":
        return lambda: raw_export(work, r.number, out), lambda figures: figures
    if step == "results":
        from tui_register.reports.payment_results import apply_results

        def checked(check) -> dict:
            if check.problems:
                raise SystemExit(f"result file refused: row {check.problems[0].row}: {check.problems[0].problem}")
            return {"paid": check.paid, "failed": check.failed}

        return lambda: apply_results(r, out, USER, day.replace(day=20)), checked
    if step in ("close", "close_b"):
        from tui_register.storage.payments import close_round

        return (lambda: close_round(APPROVER, r.number, day.replace(day=25)),
                lambda done: {"marked": done[1]})
    if step == "summary":
        from tui_register.reports import ExportOptions, export

        options = ExportOptions(date_from=date(day.year, 1, 1), date_to=date(day.year, 12, 31), out=out)
        return lambda: export("summary", _settings(work), USER, options), lambda path: {"bytes": path.stat().st_size}
    raise SystemExit(f"unknown step {step}")


RAW_SQL = """
SELECT l.recipient_name, coalesce(p.id_number, h.head_id_number, ''), h.address, l.category, l.kind, l.months,
       l.reason, l.amount_fen, a.kind, a.bank_name, a.account_number, a.holder_name
FROM payment_line l JOIN household h ON h.id = l.household_id
LEFT JOIN person p ON p.id = l.person_id LEFT JOIN payment_account a ON a.id = l.account_id
WHERE l.round_id = (SELECT id FROM payment_round WHERE number = ?) AND l.state IN ('due', 'paid')
  AND l.kind != 'stop'
ORDER BY l.recipient_initials, l.id
"""


def raw_export(work: Path, number: int, out: Path) -> dict:
    """What a plain script writing the same two workbooks would do: one sqlite3 query, the
    same labels and masks, the same cells, formats and totals, in constant_memory mode."""
    import xlsxwriter

    from tui_register.domain.categories import label
    from tui_register.domain.ids import mask_id
    from tui_register.domain.payments import mask_account
    from tui_register.i18n import _

    conn = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    books, sheets, fmts = [], [], []
    bank_headers = ("序号", "姓名", "身份证号", "开户银行", "账号", "户名", "金额（元）", "备注")
    roster_headers = ("序号", "姓名", "身份证号", "家庭住址", "类别", "账号", "金额（元）", "备注", "签名")
    for path, name, headers in ((out, "代发清单", bank_headers),
                                (out.with_name(f"{out.stem}_roster.xlsx"), "发放花名册", roster_headers)):
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                             "strings_to_urls": False, "tmpdir": str(out.parent)})
        ws = wb.add_worksheet(name)
        fmt = {"code": wb.add_format({"num_format": "@"}), "money": wb.add_format({"num_format": '"¥"#,##0.00'}),
               "int": wb.add_format({"num_format": "#,##0"}), "bold": wb.add_format({"bold": True})}
        ws.write_string(0, 0, f"城关街道民政办{name}", fmt["bold"])
        ws.write_string(1, 0, f"第{number}批")
        for c, header in enumerate(headers):
            ws.write_string(2, c, header, fmt["bold"])
        books.append(wb)
        sheets.append(ws)
        fmts.append(fmt)
    (bank, roster), (bf, rf) = sheets, fmts
    categories: dict[str, str] = {}
    cash, card = _("account_kind.cash"), _("account_kind.card")
    n_bank = n_roster = total = 0
    for (name, id_number, address, category, kind, months, reason, fen, account_kind, bank_name, account,
         holder) in conn.execute(RAW_SQL, (number,)):
        if category not in categories:
            categories[category] = label("category", category)
        parts = [_(f"pay.kind.{kind}")] if kind != "regular" else []
        if months:
            ms = months.split(",")
            parts.append(ms[0] if len(ms) == 1 else f"{ms[0]}~{ms[-1]}")
        if reason and reason != "failed_before":
            parts.append(reason)
        remark = " ".join(parts)
        masked = mask_id(id_number)
        total += fen
        n_roster += 1
        r = n_roster + 2
        roster.write_number(r, 0, n_roster, rf["int"])
        roster.write_string(r, 1, name)
        roster.write_string(r, 2, masked, rf["code"])
        roster.write_string(r, 3, address)
        roster.write_string(r, 4, categories[category])
        roster.write_string(r, 5, cash if account_kind == "cash" else mask_account(account or ""), rf["code"])
        roster.write_number(r, 6, fen / 100, rf["money"])
        if remark:
            roster.write_string(r, 7, remark)
        if account_kind in ("bank", "card"):
            n_bank += 1
            b = n_bank + 2
            bank.write_number(b, 0, n_bank, bf["int"])
            bank.write_string(b, 1, name)
            bank.write_string(b, 2, masked, bf["code"])
            bank.write_string(b, 3, bank_name or card)
            bank.write_string(b, 4, account, bf["code"])
            bank.write_string(b, 5, holder)
            bank.write_number(b, 6, fen / 100, bf["money"])
            if remark:
                bank.write_string(b, 7, remark)
    conn.close()
    for ws, fmt, n, money_col in ((bank, bf, n_bank, "G"), (roster, rf, n_roster, "G")):
        ws.write_string(n + 3, 0, "合计", fmt["bold"])
        ws.write_formula(n + 3, 6, f"=SUBTOTAL(9,{money_col}4:{money_col}{n + 3})", fmt["money"])
        ws.freeze_panes(3, 0)
        ws.autofilter(2, 0, n + 2, 7)
    for wb in books:
        wb.close()
    size = out.stat().st_size + out.with_name(f"{out.stem}_roster.xlsx").stat().st_size
    return {"bank_rows": n_bank, "roster_rows": n_roster, "bytes": size}


def child(step: str, work: Path, period: str, out: Path | None) -> None:
    print(json.dumps(run_step(step, work, period, out)))


def measure(step: str, work: Path, period: str, out: Path | None) -> dict:
    """Run the worker as this process's only child: RUSAGE_CHILDREN is then its own peak."""
    command = [sys.executable, __file__, "--child", step, "--work", str(work), "--period", period]
    done = subprocess.run(command + (["--out", str(out)] if out else []), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{step} failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def timed(step: str, work: Path, period: str, out: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--measure", step, "--work", str(work), "--period", period]
    done = subprocess.run(command + (["--out", str(out)] if out else []), capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr or done.stdout)
    return json.loads(done.stdout)


def show(label: str, r: dict, goal: str) -> None:
    detail = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in r.items()
                       if k not in ("seconds", "cpu_seconds", "peak_rss_mb"))
    print(f"{label:<9} {r['seconds']:7.2f} s (CPU {r['cpu_seconds']:6.2f} s)  peak RSS {r['peak_rss_mb']:4.0f} MB  "
          f"{goal:<14} {detail}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=OUT / "bench.db")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=OUT / "payments.db")
    parser.add_argument("--keep", action="store_true", help="keep the working copy and the workbooks")
    parser.add_argument("--reuse", action="store_true", help="keep the prepared copy beside --work and start "
                        "from it when it was made from this --db and schema")
    parser.add_argument("--until", help="stop after this step (create, approve, raw, export, results, close, "
                        "create_b, approve_b, close_b, summary)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of raw and export, best of them")
    parser.add_argument("--child")
    parser.add_argument("--measure")
    parser.add_argument("--period")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.work, args.period, args.out)
    if args.measure:
        return print(json.dumps(measure(args.measure, args.work, args.period, args.out)))
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        build(args.db, args.households)
    check_schema(args.db)
    start = time.perf_counter()
    prepared = reuse_prepared(args.db, args.work) if args.reuse else None
    reused = prepared is not None
    if prepared is None:
        prepared = copy_and_prepare(args.db, args.work)
        on_disk(args.work)
        if args.reuse:
            keep_prepared(args.db, args.work, prepared)
    a = first_month(args.work)
    b = month_after(a)
    print(f"copy of {args.db.name} {'reused' if reused else 'prepared'} in {time.perf_counter() - start:.0f} s "
          f"({prepared['accounts_added']:,} accounts added); rounds for {a} and {b}", flush=True)
    files = {name: args.work.with_name(f"{args.work.stem}-{name}.xlsx")
             for name in ("raw", "export", "results", "summary")}
    for path in files.values():
        for p in (path, path.with_name(f"{path.stem}_roster.xlsx"), path.with_name(f"{path.stem}_errors.xlsx")):
            p.unlink(missing_ok=True)
    results: dict[str, dict] = {}

    def step(name: str, period: str, out: Path | None = None, label: str | None = None) -> dict:
        results[name] = r = timed(name, args.work, period, out)
        goal = f"goal < {GOALS[name]} s" if name in GOALS else ""
        show(label or name, r, goal)
        return r

    plan = [("create", a, None), ("approve", a, None), ("export", a, "export"), ("results", a, "results"),
            ("close", a, None), ("create_b", b, None), ("approve_b", b, None), ("close_b", b, None),
            ("summary", a, "summary")]
    for name, period, out in plan:
        if name == "results":
            made = make_result_file(args.work, _round_number(args.work, a), files["results"])
            print(f"{'':<9} result file: {made['rows']:,} rows, {made['failed']:,} failed", flush=True)
        if name == "export":
            compare_export(step, results, period, files, args.repeat)
        else:
            step(name, period, files[out] if out else None, label=name.replace("_b", " B"))
        if name == args.until:
            break
    peak = max(r["peak_rss_mb"] for r in results.values())
    slow = [name for name, limit in GOALS.items() if name in results and results[name]["seconds"] >= limit]
    print(f"peak RSS of all steps {peak:.0f} MB (goal < {PEAK_GOAL_MB} MB); "
          f"over their time goal: {', '.join(slow) or 'none'}")
    if not args.keep:
        for path in files.values():
            for p in (path, path.with_name(f"{path.stem}_roster.xlsx")):
                p.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(f"{args.work}{suffix}").unlink(missing_ok=True)


def copy_and_prepare(db: Path, work: Path) -> dict:
    copy_register(db, work)
    prepare_child = subprocess.run([sys.executable, "-c", "import sys, json; sys.path.insert(0, sys.argv[1]); "
                                    "import bench_payments as b; from pathlib import Path; "
                                    "print(json.dumps(b.prepare(Path(sys.argv[2]))))",
                                    str(Path(__file__).parent), str(work)],
                                   capture_output=True, text=True)
    if prepare_child.returncode:
        sys.exit(prepare_child.stderr)
    return json.loads(prepare_child.stdout.strip().splitlines()[-1])


def _prepared_paths(work: Path) -> tuple[Path, Path]:
    kept = work.with_name(f"{work.stem}.prepared.db")
    return kept, kept.with_suffix(".json")


def _made_from(db: Path) -> dict:
    """What a kept copy must have been made from: this demo file as it is now, this schema."""
    from tui_register.storage.db import SCHEMA_VERSION

    st = db.stat()
    return {"db": str(db.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "schema": SCHEMA_VERSION}


def keep_prepared(db: Path, work: Path, prepared: dict) -> None:
    """A copy of the prepared register (backup API: the work copy may still have a WAL)."""
    kept, note = _prepared_paths(work)
    note.unlink(missing_ok=True)
    copy_register(work, kept)
    on_disk(kept)
    note.write_text(json.dumps({"made_from": _made_from(db), "prepared": prepared}))


def reuse_prepared(db: Path, work: Path) -> dict | None:
    """The work copy from the kept prepared one (a plain file copy), or None when there is
    none made from this demo and schema."""
    kept, note = _prepared_paths(work)
    if not kept.exists() or not note.exists():
        return None
    noted = json.loads(note.read_text())
    if noted["made_from"] != _made_from(db):
        return None
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(kept, work)
    os.chmod(work, 0o600)
    on_disk(work)
    return noted["prepared"]


def on_disk(path: Path) -> None:
    """Wait for the copy's pages to reach the disk: written back during a timed step, the
    gigabytes just copied slowed its commits by seconds."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def compare_export(step, results: dict[str, dict], period: str, files: dict[str, Path], repeat: int) -> None:
    """Raw XlsxWriter and the report back to back, `repeat` times. The figure is the median of
    the pairs' ratios: the two runs of a pair share the machine's load of the moment, whereas
    the best of each alone pairs one lucky moment with another (the CPU time of the same raw
    run moved by half on the shared machine). The best times and the largest peak are kept too."""
    runs: dict[str, list[dict]] = {"raw": [], "export": []}
    for _ in range(repeat):
        for name in ("raw", "export"):
            for p in (files[name], files[name].with_name(f"{files[name].stem}_roster.xlsx")):
                p.unlink(missing_ok=True)
            runs[name].append(step(name, period, files[name]))
    for name, done in runs.items():
        best = min(done, key=lambda r: r["seconds"])
        results[name] = dict(best, peak_rss_mb=max(r["peak_rss_mb"] for r in done))
    pairs = [(e["seconds"] / r["seconds"], e["cpu_seconds"] / r["cpu_seconds"])
             for r, e in zip(runs["raw"], runs["export"])]
    ratio, cpu = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
    results["export"]["ratio"] = ratio
    each = ", ".join(f"{wall:.2f}" for wall, _cpu in pairs)
    print(f"{'':<9} export / raw, median of {repeat} pairs ({each}): {ratio:.2f} (CPU {cpu:.2f}) "
          f"(goal <= {EXPORT_RATIO_GOAL})", flush=True)


def _round_number(work: Path, period: str) -> int:
    conn = sqlite3.connect(f"file:{work}?mode=ro", uri=True)
    try:
        for number, cats in conn.execute("SELECT number, categories FROM payment_round WHERE period = ? AND "
                                         "kind = 'regular'", (period,)):
            if set(cats.split(",")) & set(CODES):
                return number
    finally:
        conn.close()
    raise SystemExit(f"no round for {period}")


if __name__ == "__main__":
    os.environ.setdefault("TUI_REGISTER_LANGUAGE", "zh_CN")
    sys.exit(main())
