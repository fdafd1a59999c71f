"""Reads of payments (发放): rounds with their totals, a round's lines, a household's payments,
its accounts in use, and the standards.

Totals by state of a line: due (to pay, not yet reported), paid, failed; excluded lines and
stop notes count in none of them. 应发 of a round is what its lines to pay add up to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN, fn

from tui_register.domain.ids import mask_id
from tui_register.domain.payments import mask_account
from tui_register.storage.models import (
    Household,
    PaymentAccount,
    PaymentLine,
    PaymentRound,
    PaymentStandard,
    Person,
)


@dataclass(frozen=True)
class Totals:
    lines: int = 0
    due_fen: int = 0  # 应发: every line to pay (due, paid or failed)
    paid_fen: int = 0
    paid_lines: int = 0
    failed_fen: int = 0
    failed_lines: int = 0
    open_fen: int = 0  # not yet reported paid or failed
    excluded_lines: int = 0


@dataclass(frozen=True)
class RoundRow:
    uuid: str
    version: int
    number: int
    name: str
    kind: str
    categories: tuple[str, ...]
    period: str
    period_start: date
    period_end: date
    pay_date: date | None
    state: str
    prepared_by: str
    approved_by: str
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True)
class LineRow:
    uuid: str
    version: int
    recipient: str
    id_number: str  # in full: mask it where it is shown (`masked_id`)
    household_address: str
    category: str
    kind: str
    months: str
    amount_due_fen: int
    amount_fen: int
    state: str
    reason: str
    result_reason: str
    paid_on: date | None
    account_kind: str
    bank_name: str
    account_number: str  # in full: mask it where it is shown (`masked_account`)
    holder_name: str
    corrects: str
    key: tuple[str, int] = ("", 0)  # the keyset position: (recipient's initials, line id)

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number)

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)


def round_totals(round_ids: list[int]) -> dict[int, Totals]:
    """Totals of several rounds in one grouped read."""
    rows = (PaymentLine.select(PaymentLine.round, PaymentLine.state, fn.COUNT(PaymentLine.id),
                               fn.SUM(PaymentLine.amount_fen))
            .where(PaymentLine.round.in_(round_ids) & (PaymentLine.kind != "stop"))
            .group_by(PaymentLine.round, PaymentLine.state).tuples())
    acc: dict[int, dict[str, int]] = {}
    for round_id, state, n, fen in rows:
        a = acc.setdefault(round_id, dict(lines=0, due_fen=0, paid_fen=0, paid_lines=0, failed_fen=0,
                                          failed_lines=0, open_fen=0, excluded_lines=0))
        fen = fen or 0
        if state == "excluded":
            a["excluded_lines"] += n
            continue
        a["lines"] += n
        a["due_fen"] += fen
        if state == "paid":
            a["paid_fen"] += fen
            a["paid_lines"] += n
        elif state == "failed":
            a["failed_fen"] += fen
            a["failed_lines"] += n
        else:
            a["open_fen"] += fen
    return {round_id: Totals(**a) for round_id, a in acc.items()}


def _row(r: PaymentRound, totals: Totals) -> RoundRow:
    return RoundRow(r.uuid, r.version, r.number, r.name, r.kind, tuple(r.categories.split(",")), r.period,
                    r.period_start, r.period_end, r.pay_date, r.state, r.prepared_by, r.approved_by, totals)


def rounds(*, limit: int = 200) -> list[RoundRow]:
    """The newest rounds first, with their totals."""
    found = list(PaymentRound.select().order_by(PaymentRound.number.desc()).limit(limit))
    totals = round_totals([r.id for r in found])
    return [_row(r, totals.get(r.id, Totals())) for r in found]


def round_row(r: PaymentRound) -> RoundRow:
    return _row(r, round_totals([r.id]).get(r.id, Totals()))


# A line as read for its row: plain tuples, not models (a round of every 低保 household is
# large, and building three joined models per line cost more than the query).
_LINE_COLUMNS = (PaymentLine.uuid, PaymentLine.version, PaymentLine.recipient_name, PaymentLine.person,
                 Person.id_number, Household.head_id_number, Household.address, PaymentLine.category,
                 PaymentLine.kind, PaymentLine.months, PaymentLine.amount_due_fen, PaymentLine.amount_fen,
                 PaymentLine.state, PaymentLine.reason, PaymentLine.result_reason, PaymentLine.paid_on,
                 PaymentAccount.kind, PaymentAccount.bank_name, PaymentAccount.account_number,
                 PaymentAccount.holder_name, PaymentLine.corrects, PaymentLine.recipient_initials, PaymentLine.id)


def _lines_query(condition, *extra):
    return (PaymentLine.select(*_LINE_COLUMNS, *extra)
            .join(Household, on=(PaymentLine.household == Household.id))
            .switch(PaymentLine).join(Person, JOIN.LEFT_OUTER, on=(PaymentLine.person == Person.id))
            .switch(PaymentLine).join(PaymentAccount, JOIN.LEFT_OUTER, on=(PaymentLine.account == PaymentAccount.id))
            .where(condition))


def _line_row(row: tuple) -> LineRow:
    (uuid, version, recipient, person_id, person_id_number, head_id_number, address, category, kind, months,
     amount_due_fen, amount_fen, state, reason, result_reason, paid_on, account_kind, bank_name, account_number,
     holder_name, corrects, initials, line_id) = row[:len(_LINE_COLUMNS)]
    # A household's payment goes to its head.
    id_number = person_id_number if person_id else head_id_number
    return LineRow(uuid, version, recipient, id_number or "", address, category, kind, months, amount_due_fen,
                   amount_fen, state, reason, result_reason, paid_on, account_kind or "", bank_name or "",
                   account_number or "", holder_name or "", corrects, (initials, line_id))


def round_lines(r: PaymentRound, *, after: tuple[str, int] | None = None, limit: int | None = None,
                search: str = "") -> list[LineRow]:
    """A round's lines by recipient (pinyin initials, then entry): a keyset page when `limit`
    is given, every line otherwise. `search` matches the name or its initials."""
    query = _lines_query(PaymentLine.round == r)
    if search:
        query = query.where(PaymentLine.recipient_name.contains(search)
                            | PaymentLine.recipient_initials.startswith(search.lower()))
    if after is not None:
        initials, last_id = after
        query = query.where((PaymentLine.recipient_initials > initials)
                            | ((PaymentLine.recipient_initials == initials) & (PaymentLine.id > last_id)))
    query = query.order_by(PaymentLine.recipient_initials, PaymentLine.id)
    if limit is not None:
        query = query.limit(limit)
    return [_line_row(row) for row in query.tuples()]


def household_payments(household_uuid: str, *, limit: int = 50) -> list[tuple[int, str, LineRow]]:
    """A household's payment lines, newest round first: (round number, period, line)."""
    household = Household.get(Household.uuid == household_uuid)
    query = (_lines_query(PaymentLine.household == household, PaymentRound.number, PaymentRound.period)
             .switch(PaymentLine).join(PaymentRound, on=(PaymentLine.round == PaymentRound.id))
             .order_by(PaymentRound.number.desc(), PaymentLine.id).limit(limit))
    return [(*row[-2:], _line_row(row)) for row in query.tuples()]


def payable_lines(r: PaymentRound) -> list[tuple[str, str, int]]:
    """(line uuid, account number, amount in fen) of every line of the round that a bank's
    result can name: to pay (due, paid or failed), not a stop note, into an account."""
    return list(PaymentLine.select(PaymentLine.uuid, PaymentAccount.account_number, PaymentLine.amount_fen)
                .join(PaymentAccount, on=(PaymentLine.account == PaymentAccount.id))
                .where((PaymentLine.round == r) & PaymentLine.state.in_(("due", "paid", "failed"))
                       & (PaymentLine.kind != "stop") & (PaymentAccount.account_number != ""))
                .order_by(PaymentLine.recipient_initials, PaymentLine.id).tuples())


# ---------------------------------------------------------------- accounts and standards


@dataclass(frozen=True)
class AccountRow:
    """An account in use: the household's own (person_uuid None) or a member's."""

    uuid: str
    person_uuid: str | None
    recipient: str
    kind: str
    bank_name: str
    account_number: str  # in full: mask it where it is shown (`masked_account`)
    holder_name: str
    proxy: bool

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number)


def household_accounts(household_uuid: str) -> list[AccountRow]:
    """The active accounts of a household and its members: the household's first."""
    household = Household.get(Household.uuid == household_uuid)
    people = {p.id: (p.uuid, p.name) for p in Person.select(Person.id, Person.uuid, Person.name)
              .where(Person.household == household)}
    query = (PaymentAccount.select()
             .where((PaymentAccount.household == household) & (PaymentAccount.status == "active"))
             .order_by(PaymentAccount.person.is_null(False), PaymentAccount.id))
    rows = []
    for a in query:
        person_uuid, name = people.get(a.person_id, (None, household.head_name))
        rows.append(AccountRow(a.uuid, person_uuid, name, a.kind, a.bank_name, a.account_number,
                               a.holder_name, bool(a.proxy)))
    return rows


@dataclass(frozen=True)
class StandardRow:
    id: int
    category: str
    grade: str
    valid_from: date
    amount_fen: int
    period: str


def standard_page(*, after: int | None = None, before: int | None = None, last: bool = False,
                  limit: int = 20) -> list[StandardRow]:
    """Standards in force or planned (not voided), newest entered first: keyset pages by id,
    after (older than) or before (newer than) one, or the oldest page."""
    query = PaymentStandard.select().where(PaymentStandard.status == "active")
    if after is not None:
        query = query.where(PaymentStandard.id < after)
    if before is not None or last:
        if before is not None:
            query = query.where(PaymentStandard.id > before)
        rows = list(query.order_by(PaymentStandard.id).limit(limit))[::-1]
    else:
        rows = list(query.order_by(PaymentStandard.id.desc()).limit(limit))
    return [StandardRow(s.id, s.category_id, s.grade, s.valid_from, s.amount_fen, s.period) for s in rows]
