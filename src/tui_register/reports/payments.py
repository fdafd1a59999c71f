"""A payment round's two workbooks: the bank file (代发清单) and the printable roster (发放花名册).

* The bank file lists one row per line paid into an account (bank or card): recipient, ID
  number, bank, account number, amount, remark, and the total. It exists to be sent to the
  bank, so it carries account numbers in full: writing it is a supervisor's action and is
  audited. ID numbers are masked unless `full_ids` (also a supervisor's, audited).
* The roster is the whole round on A4 for signing off: every line with its amount, the
  account masked (or 现金), a signature column for cash lines, totals, page N of M, and the
  经办人 / 审核人 / 发放日期 lines.
Excluded lines and stop notes are on neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from tui_register.domain.ids import mask_id
from tui_register.domain.payments import mask_account
from tui_register.i18n import _
from tui_register.reports import output
from tui_register.reports.data import categories_text
from tui_register.reports.workbook import Book, Column
from tui_register.storage import clock, staff
from tui_register.storage.core import require_writer
from tui_register.storage.models import PaymentRound
from tui_register.storage.payment_queries import LineRow, round_lines, round_totals

PAGE = 5000
ROW_HEIGHT = 28  # room to sign by hand on the roster


@dataclass(frozen=True)
class RoundFiles:
    bank: Path
    roster: Path
    bank_lines: int
    roster_lines: int


def export_round(r: PaymentRound, settings, user: str, *, out: Path | None = None, full_ids: bool = False,
                 on_progress: Callable[[int, int], None] | None = None) -> RoundFiles:
    """Write the bank file (at `out`, or exports/) and the roster beside it."""
    require_writer(user, supervisor=True)
    bank_target = output.reserve(out or Path(settings.export_dir) / output.file_name(
        "payments", settings.office_code, f"{r.number:03d}", r.period), numbered=out is None)
    roster_target = output.reserve(bank_target.with_name(f"{bank_target.stem}_roster.xlsx"), numbered=True)
    # Recorded before a byte is written: an interrupted export still leaves its trace.
    staff.record_audit(user, "export_bank_file", entity="payment_round", uuid=r.uuid,
                       detail=f"#{r.number} {bank_target}" + (" full_ids" if full_ids else ""))
    total = round_totals([r.id]).get(r.id)
    progress = on_progress or (lambda done, total: None)
    with output.written(bank_target) as bank_tmp, output.written(roster_target) as roster_tmp, \
            Book(bank_tmp) as bank_book, Book(roster_tmp) as roster_book:
        bank = _BankSheet(bank_book, r, settings)
        roster = _RosterSheet(roster_book, r, settings)
        for line in _lines(r):
            # What both sheets show of a line is worked out once.
            id_text, remark = _id_text(line.id_number, full_ids), _remark(line)
            bank.add(line, id_text, remark)
            roster.add(line, id_text, remark)
            if roster.n % PAGE == 0:
                progress(roster.n, total.lines if total else roster.n)
        progress(roster.n, roster.n)
    return RoundFiles(bank_target, roster_target, bank.n, roster.n)


def _lines(r: PaymentRound) -> Iterator[LineRow]:
    """Every line to pay, read in keyset pages: a round of every 低保 household is large."""
    after = None
    while True:
        page = round_lines(r, after=after, limit=PAGE)
        yield from (line for line in page if line.state in ("due", "paid") and line.kind != "stop")
        if len(page) < PAGE:
            return
        after = page[-1].key


def _title(r: PaymentRound, settings, name: str) -> str:
    report = _("pay.report.title", period=r.period, name=name)
    return _("report.title", office=settings.office_name, report=report) if settings.office_name else report


def _subtitle(r: PaymentRound) -> str:
    return _("pay.report.subtitle", number=r.number, round=r.name, categories=categories_text(f",{r.categories},"),
             state=_(f"pay.state.{r.state}"), when=clock.today().isoformat())


def _id_text(number: str, full: bool) -> str:
    return number if full else mask_id(number)


def _remark(line: LineRow) -> str:
    parts = [_(f"pay.kind.{line.kind}")] if line.kind != "regular" else []
    if line.months:
        months = line.months.split(",")
        parts.append(months[0] if len(months) == 1 else f"{months[0]}~{months[-1]}")
    if line.reason and line.reason not in ("failed_before",):
        parts.append(line.reason)
    return " ".join(parts)


class _BankSheet:
    """代发清单: the lines paid into an account, account numbers in full (for the bank)."""

    def __init__(self, book: Book, r: PaymentRound, settings) -> None:
        columns = [
            Column(_("report.col.number"), "int"),
            Column(_("pay.col.recipient"), total="count"),
            Column(_("pay.col.id_number"), "code"),
            Column(_("pay.col.bank")),
            Column(_("pay.col.account"), "code"),
            Column(_("pay.col.holder")),
            Column(_("pay.col.amount", unit=book.unit_label()), "money", total="sum"),
            Column(_("pay.col.remark")),
        ]
        self.sheet = book.sheet(_("pay.sheet.bank"), columns, _title(r, settings, _("pay.report.bank")),
                                _subtitle(r), row_height=None, closing_lines=[])
        self.card = _("account_kind.card")
        self.n = 0

    def add(self, line: LineRow, id_text: str, remark: str) -> None:
        if line.account_kind not in ("bank", "card"):
            return
        self.n += 1
        self.sheet.add((self.n, line.recipient, id_text, line.bank_name or self.card, line.account_number,
                        line.holder_name, line.amount_fen, remark))


class _RosterSheet:
    """发放花名册: every line, accounts masked, room to sign for cash, the sign-off lines."""

    def __init__(self, book: Book, r: PaymentRound, settings) -> None:
        columns = [
            Column(_("report.col.number"), "int"),
            Column(_("pay.col.recipient"), total="count"),
            Column(_("pay.col.id_number"), "code"),
            Column(_("report.col.address")),
            Column(_("pay.col.category")),
            Column(_("pay.col.account"), "code"),
            Column(_("pay.col.amount", unit=book.unit_label()), "money", total="sum"),
            Column(_("pay.col.remark")),
            Column(_("pay.col.signature"), "blank", width=16),
        ]
        pay_date = r.pay_date.isoformat() if r.pay_date else ""
        self.sheet = book.sheet(_("pay.sheet.roster"), columns, _title(r, settings, _("pay.report.roster")),
                                _subtitle(r), row_height=ROW_HEIGHT,
                                closing_lines=[_("pay.report.sign_off", date=pay_date)])
        self.cash = _("account_kind.cash")
        self.categories: dict[str, str] = {}
        self.n = 0

    def add(self, line: LineRow, id_text: str, remark: str) -> None:
        self.n += 1
        account = self.cash if line.account_kind == "cash" else mask_account(line.account_number)
        if line.category not in self.categories:
            self.categories[line.category] = categories_text(f",{line.category},")
        self.sheet.add((self.n, line.recipient, id_text, line.household_address, self.categories[line.category],
                        account, line.amount_fen, remark, None))
