"""The bank's result workbook for a payment round: which lines were paid, which failed and why.

Each row is matched to a line of the round by account number and amount. Every row is checked
first; if any row matches no line, matches with another amount, repeats a row, or cannot be
read, nothing is applied and an error workbook beside the file lists each such row. Otherwise
all rows are recorded in one transaction (`storage.payments.record_results`).

Columns are found by their headers (账号 / 银行账号 / 银行卡号 / 一卡通账号 / account, 金额 /
发放金额 / amount, 状态 / 处理结果 / result, 失败原因 / 原因 / reason); without a status
column, a row with a reason is a failure.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from tui_register.domain.errors import FieldError
from tui_register.domain.fields import parse_money
from tui_register.domain.payments import clean_account_number, mask_account
from tui_register.i18n import _
from tui_register.reports import output
from tui_register.reports.import_sheet import EXACT_DIGITS, HEADER_SCAN_ROWS, cell_text, normalise_header
from tui_register.reports.options import ReportError
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import PaymentRound
from tui_register.storage.payment_queries import payable_lines

HEADERS: dict[str, tuple[str, ...]] = {
    "account": ("账号", "银行账号", "银行卡号", "卡号", "一卡通账号", "收款账号", "account", "account number",
                "account no."),
    "amount": ("金额", "发放金额", "实发金额", "交易金额", "amount"),
    "status": ("状态", "处理结果", "结果", "交易状态", "发放结果", "status", "result"),
    "reason": ("失败原因", "原因", "退回原因", "备注", "reason", "failure reason", "remark"),
    "name": ("姓名", "户名", "收款人", "name", "holder"),
}
PAID_WORDS = ("成功", "已发放", "已入账", "发放成功", "入账成功", "paid", "success", "ok", "done")
FAILED_WORDS = ("失败", "退回", "未入账", "发放失败", "failed", "failure", "returned", "rejected")


@dataclass
class ResultRow:
    row: int  # the sheet's row number, as Excel shows it
    account: str
    amount_fen: int | None
    paid: bool
    reason: str
    name: str = ""
    problem: str = ""  # a message, when the row cannot be applied


@dataclass
class ResultCheck:
    rows: list[ResultRow] = field(default_factory=list)
    matches: list[tuple[str, bool, str]] = field(default_factory=list)  # (line uuid, paid?, reason)
    report: Path | None = None

    @property
    def problems(self) -> list[ResultRow]:
        return [r for r in self.rows if r.problem]

    @property
    def paid(self) -> int:
        return sum(1 for _uuid, paid, _reason in self.matches if paid)

    @property
    def failed(self) -> int:
        return len(self.matches) - self.paid


def read_results(path: Path) -> list[ResultRow]:
    rows = _sheet_rows(path)
    header_at, columns = _find_header(rows[:HEADER_SCAN_ROWS])
    found = []
    for index, raw in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {name: (raw[i] if i < len(raw) else None) for name, i in columns.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        found.append(_row(index, cells, "status" in columns))
    return found


def _sheet_rows(path: Path) -> list[tuple]:
    """The cell values of the workbook's active sheet, row by row, as openpyxl's read-only
    mode gives them; read with ElementTree when the file is plain (several times faster over
    a result of every 低保 household), else by openpyxl itself."""
    try:
        return _plain_rows(path)
    except Exception:  # noqa: BLE001 - anything unusual: openpyxl reads it, or says why not
        pass
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise ReportError("pay.results.unreadable", usage=True, path=str(path), detail=str(err)) from None
    try:
        return list(book.active.iter_rows(values_only=True))
    finally:
        book.close()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _plain_rows(path: Path) -> list[tuple]:
    """Rows of the active sheet: shared and inline strings, numbers (int or float, as openpyxl
    casts them), booleans, cached formula values; missing rows as empty tuples. Dates are
    not converted (no column of a result file is a date)."""
    import zipfile
    from xml.etree.ElementTree import fromstring, iterparse

    with zipfile.ZipFile(path) as book:
        workbook = fromstring(book.read("xl/workbook.xml"))
        view = workbook.find(f"{_MAIN}bookViews/{_MAIN}workbookView")
        active = int(view.get("activeTab", 0)) if view is not None else 0
        rel_id = workbook.findall(f"{_MAIN}sheets/{_MAIN}sheet")[active].get(f"{_REL}id")
        rels = fromstring(book.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels.iter(f"{_PACKAGE_REL}Relationship") if r.get("Id") == rel_id)
        sheet_path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        shared: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            with book.open("xl/sharedStrings.xml") as f:
                for _event, si in iterparse(f):
                    if si.tag == f"{_MAIN}si":
                        shared.append(_text(si))
                        si.clear()
        rows: list[tuple] = []
        with book.open(sheet_path) as f:
            for _event, row in iterparse(f):
                if row.tag != f"{_MAIN}row":
                    continue
                number = int(row.get("r", len(rows) + 1))
                rows.extend(() for _ in range(number - 1 - len(rows)))
                rows.append(_row_values(row, shared))
                row.clear()
    return rows


_CELL, _VALUE, _INLINE = f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"


def _row_values(row, shared: list[str]) -> tuple:
    values: list[Any] = []
    for cell in row.iter(_CELL):
        ref = cell.get("r")
        column = _column_index(ref.rstrip("0123456789")) if ref else len(values)
        if column > len(values):
            values.extend([None] * (column - len(values)))
        kind = cell.get("t", "n")
        v = cell.find(_VALUE)
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            value: Any = None if inline is None else _text(inline)
        elif v is None or v.text is None:
            value = None
        elif kind == "s":
            value = shared[int(v.text)]
        elif kind in ("str", "e"):
            value = v.text
        elif kind == "b":
            value = v.text == "1"
        elif kind == "n":
            value = float(v.text) if any(ch in v.text for ch in ".Ee") else int(v.text)
        else:
            raise ValueError(f"cell type {kind}")  # a date cell (t="d"): openpyxl reads it
        values.append(value)
    return tuple(values)


def _text(node) -> str:
    """A string item's text: its own <t>, or its runs' (not the phonetic guides, <rPh>)."""
    parts = []
    for child in node:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


@lru_cache(maxsize=1024)
def _column_index(letters: str) -> int:
    """0 for A, 25 for Z, 26 for AA …"""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _find_header(top: list[tuple]) -> tuple[int, dict[str, int]]:
    known = {normalise_header(s): name for name, synonyms in HEADERS.items() for s in synonyms}
    for r, row in enumerate(top):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            name = known.get(normalise_header(value)) if value not in (None, "") else None
            if name and name not in columns:
                columns[name] = c
        if "account" in columns and "amount" in columns:
            return r, columns
    raise ReportError("pay.results.no_header", usage=True)


def _row(number: int, cells: dict[str, Any], has_status: bool) -> ResultRow:
    reason = cell_text(cells.get("reason") or "").strip()
    status = unicodedata.normalize("NFKC", cell_text(cells.get("status") or "")).strip().lower()
    row = ResultRow(number, "", None, True, reason, cell_text(cells.get("name") or "").strip())
    if has_status:
        if any(word in status for word in FAILED_WORDS):
            row.paid = False
        elif not any(word in status for word in PAID_WORDS):
            row.problem = _("pay.results.bad_status", value=status or "—")
    else:
        row.paid = not reason
    raw_account = cells.get("account")
    if isinstance(raw_account, float) and raw_account >= 10 ** EXACT_DIGITS:
        row.problem = row.problem or _("pay.results.account_as_number")
    else:
        try:
            row.account = clean_account_number(cell_text(raw_account))
        except FieldError as err:
            row.problem = row.problem or err.message()
    row.amount_fen = _amount(cells.get("amount"))
    if row.amount_fen is None:
        row.problem = row.problem or _("pay.results.bad_amount")
    return row


def _amount(raw: Any) -> int | None:
    try:
        if isinstance(raw, float):
            raw = Decimal(repr(raw))
        return parse_money(raw if isinstance(raw, (int, Decimal)) else cell_text(raw or ""))
    except (FieldError, InvalidOperation, TypeError):
        return None


def check_results(r: PaymentRound, rows: list[ResultRow]) -> ResultCheck:
    """Match every row to a line; a row's `problem` says why it cannot be applied."""
    by_key: dict[tuple[str, int], list[str]] = defaultdict(list)
    amounts: dict[str, set[int]] = defaultdict(set)
    for uuid, account_number, amount_fen in payable_lines(r):
        by_key[(account_number, amount_fen)].append(uuid)
        amounts[account_number].add(amount_fen)
    check = ResultCheck(rows=rows)
    seen: set[tuple[str, int]] = set()
    for row in rows:
        if row.problem:
            continue
        key = (row.account, row.amount_fen)
        if by_key.get(key):
            check.matches.append((by_key[key].pop(0), row.paid, row.reason))
            seen.add(key)
        elif key in seen:
            row.problem = _("pay.results.duplicate")
        elif row.account in amounts:
            row.problem = _("pay.results.other_amount", amount=_yuan(min(amounts[row.account])))
        else:
            row.problem = _("pay.results.unknown_account")
    return check


def write_error_report(source: Path, check: ResultCheck) -> Path:
    target = output.reserve(source.with_name(f"{source.stem}_errors.xlsx"), numbered=True)
    columns = [Column(_("pay.results.col.row"), "int"), Column(_("pay.col.recipient")),
               Column(_("pay.col.account"), "code"), Column(_("pay.col.amount", unit="元"), "money"),
               Column(_("pay.results.col.problem"))]
    with output.written(target) as temporary, Book(temporary) as book:
        sheet = book.sheet(_("pay.results.sheet"), columns, _("pay.results.title", file=source.name),
                           _("pay.results.subtitle", n=len(check.problems)), row_height=None, closing_lines=[])
        for row in check.problems:
            sheet.add((row.row, row.name, mask_account(row.account), row.amount_fen, row.problem))
    return target


def apply_results(r: PaymentRound, source: Path, user: str, paid_on: date, *, dry_run: bool = False) -> ResultCheck:
    """Check the result workbook; apply it when nothing is wrong and this is no dry run."""
    from tui_register.storage.payments import record_results

    check = check_results(r, read_results(source))
    if check.problems:
        check.report = write_error_report(source, check)
        return check
    if not dry_run:
        record_results(user, r.uuid, check.matches, paid_on)
    return check


def _yuan(fen: int) -> str:
    from tui_register.domain.fields import format_money

    return format_money(fen)
