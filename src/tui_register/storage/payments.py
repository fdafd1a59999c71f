"""Writes of payments (发放): standards, accounts, payment rounds and their lines.

A round is made from the register in one transaction: every membership of its categories due
in its period (`domain.payments.due_months`, the one counting rule) on a household on the
register then, with the amount due from the membership or the standard in force; back pay
(补发) for months due since the category's first round and in no earlier round, and failed
lines offered again; a stop line (停发) for memberships paid in the last round and due no more.
A draft is checked line by line (exclude, change an amount, always with a reason); a
supervisor approves it; after that a line changes only by its result (paid / failed), and a
correction is a new line in a later round that names the line it corrects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Iterable, Iterator, Sequence

from peewee import JOIN, fn

from tui_register.domain.categories import category_by_code
from tui_register.domain.errors import FieldError
from tui_register.domain.names import pinyin_keys
from tui_register.domain.payments import (
    Period,
    Standard,
    amount_due,
    check_holder,
    membership_months,
    parse_period,
)
from tui_register.domain.records import AccountIn, StandardIn
from tui_register.storage.clock import now_iso
from tui_register.storage.core import BATCH, ID_CHUNK, RuleViolation, Writer, writing
from tui_register.storage.models import (
    Household,
    Membership,
    PaymentAccount,
    PaymentLine,
    PaymentRound,
    PaymentStandard,
    Person,
    database,
    membership_held,
)

# ---------------------------------------------------------------- standards

def standards_for(category: str, grade: str = "") -> list[Standard]:
    rows = (PaymentStandard.select()
            .where((PaymentStandard.category == category) & (PaymentStandard.grade == grade)
                   & (PaymentStandard.status == "active")))
    return [Standard(r.valid_from, r.amount_fen, r.period) for r in rows]


def add_standard(user: str, data: StandardIn) -> PaymentStandard:
    """A supervisor enters a new standard once; memberships that follow it (no amount of their
    own) are due the new amount from its date. Refused when an approved round it would change
    exists: its lines are paid as they were, a correction round pays the difference."""
    with writing(user, supervisor=True) as w:
        clash = (PaymentRound.select()
                 .where((PaymentRound.state != "draft") & (PaymentRound.period_end >= data.valid_from))
                 .order_by(PaymentRound.number))
        for found in clash:
            if data.category in found.categories.split(","):
                raise RuleViolation("storage.standard_before_round", round=_round_label(found),
                                    valid_from=data.valid_from.isoformat())
        return w.create(PaymentStandard, category=data.category, grade=data.grade, valid_from=data.valid_from,
                        amount_fen=data.amount, period=data.period, notes=data.notes)


def standards_affecting(household: Household) -> list[str]:
    """UUIDs of the standards that changed what this household's memberships are due: their
    entries belong in the household's history."""
    uuids: list[str] = []
    for m in Membership.select().where((Membership.household == household) & (Membership.amount_fen == 0)
                                       & (Membership.status != "voided")):
        for s in (PaymentStandard.select()
                  .where((PaymentStandard.category == m.category_id) & (PaymentStandard.grade == m.grade))):
            if s.valid_from >= m.start_date and (m.end_date is None or s.valid_from <= m.end_date):
                uuids.append(s.uuid)
    return sorted(set(uuids))


# ---------------------------------------------------------------- accounts

def add_account(user: str, data: AccountIn) -> PaymentAccount:
    """A new account for a person (or a household); it replaces the one in use, which is
    closed, never deleted."""
    with writing(user) as w:
        person = w.load(Person, data.person) if data.person else None
        household = person.household if person is not None else w.load(Household, data.household)
        recipient = person.name if person is not None else household.head_name
        if data.kind != "cash":
            check_holder(data.holder_name, recipient, proxy=data.proxy)
        for old in _active_accounts(household, person):
            w.update(PaymentAccount, old.uuid, None, op="status", status="closed",
                     status_reason="replaced")
        return w.create(PaymentAccount, household=household, person=person, kind=data.kind,
                        bank_name=data.bank_name, account_number=data.account_number,
                        holder_name=data.holder_name or recipient, proxy=int(data.proxy), notes=data.notes)


def _active_accounts(household: Household, person: Person | None) -> list[PaymentAccount]:
    query = PaymentAccount.select().where((PaymentAccount.household == household)
                                          & (PaymentAccount.status == "active"))
    query = query.where(PaymentAccount.person == person) if person is not None \
        else query.where(PaymentAccount.person.is_null())
    return list(query)


def _accounts_by_recipient() -> dict[tuple[int, int | None], int]:
    """(household id, person id or None) -> the active account's id, read once per round."""
    return {(household, person): account for account, household, person in database.execute_sql(
        "SELECT id, household_id, person_id FROM payment_account WHERE status = 'active'")}


# ---------------------------------------------------------------- rounds

def _round_label(r: PaymentRound) -> str:
    return f"#{r.number} {r.name}"


def find_round(ref: str | int) -> PaymentRound:
    """A round by its number (7, #7) or its name."""
    text = str(ref).strip().lstrip("#")
    found = None
    if text.isdigit():
        found = PaymentRound.get_or_none(PaymentRound.number == int(text))
    if found is None:
        found = PaymentRound.get_or_none(PaymentRound.name == str(ref).strip())
    if found is None:
        raise RuleViolation("storage.no_round", ref=str(ref))
    return found


def _categories(codes: Iterable[str]) -> list[str]:
    out = sorted({category_by_code(c).code for c in codes})
    if not out:
        raise FieldError("category", "required")
    return out


def round_name(categories: Sequence[str], period: Period, kind: str) -> str:
    names = "、".join(category_by_code(c).short("zh_CN") for c in categories)
    suffix = "更正" if kind == "correction" else "发放"
    return f"{period.code} {names}{suffix}"


def create_round(user: str, categories: Sequence[str], period_text: str, *, pay_date: date | None = None,
                 kind: str = "regular", name: str = "", today: date | None = None) -> PaymentRound:
    """A draft round with every line due, in one transaction (see the module's text)."""
    period = parse_period(period_text, field="round_period")
    codes = _categories(categories)
    with writing(user) as w:
        if kind == "regular":
            _refuse_second_round(codes, period)
        number = (PaymentRound.select(fn.MAX(PaymentRound.number)).scalar() or 0) + 1
        new = w.create(PaymentRound, number=number, name=name or round_name(codes, period, kind), kind=kind,
                       categories=",".join(codes), period=period.code, period_start=period.start,
                       period_end=period.end, pay_date=pay_date, prepared_by=user)
        if kind == "regular":
            _fill_round(w, new, codes, period)
        return new


def _refuse_second_round(codes: Sequence[str], period: Period) -> None:
    for other in PaymentRound.select().where((PaymentRound.kind == "regular")
                                             & (PaymentRound.period_start <= period.end)
                                             & (PaymentRound.period_end >= period.start)):
        shared = set(codes) & set(other.categories.split(","))
        if shared:
            raise RuleViolation("storage.round_exists", round=_round_label(other), period=other.period,
                                category=category_by_code(sorted(shared)[0]).name())


@dataclass(slots=True)
class _Due:
    """A membership due in the period, with what a line needs of it and of its household."""

    id: int
    category: str
    grade: str
    amount_fen: int
    period: str
    start_date: date
    end_date: date | None
    recipient: tuple[int, int | None]
    name: str
    initials: str  # the recipient's, as stored with the person (the household's head's)
    head_id: int | None = None


def _memberships(codes: Sequence[str], period: Period) -> list[_Due]:
    """Memberships of the categories in force on some day of the period, on households that
    were on the register then (not closed, voided, or moved before the period began)."""
    head = Person.alias()
    query = (Membership.select(Membership.id, Membership.category, Membership.grade, Membership.amount_fen,
                               Membership.period, Membership.start_date, Membership.end_date, Household.id,
                               Household.head_name, Household.head, Household.status, Household.status_date,
                               Person.id, Person.name, Person.name_initials, head.name_initials)
             .join(Household, on=(Membership.household == Household.id))
             .switch(Membership).join(Person, join_type=JOIN.LEFT_OUTER, on=(Membership.person == Person.id))
             .switch(Household).join(head, join_type=JOIN.LEFT_OUTER, on=(Household.head == head.id))
             .where(Membership.category.in_(list(codes)) & membership_held(period.start, period.end))
             .order_by(Membership.id))
    out: list[_Due] = []
    # Raw rows (dates as stored, ISO text): Peewee's conversions cost more than the query here.
    for (mid, category, grade, fen, amount_period, start, end, household_id, head_name, head_id, status,
         status_date, person_id, person_name, person_initials, head_initials) in database.execute_sql(*query.sql()):
        if status != "active" and status_date is not None and _day(status_date) < period.start:
            continue
        name, initials = (person_name, person_initials) if person_id else (head_name, head_initials)
        out.append(_Due(mid, category, grade, fen, amount_period, _day(start), _day(end) if end else None,
                        (household_id, person_id), name, initials or "", head_id))
    return out


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


@dataclass(frozen=True)
class _Recipient:
    recipient: tuple[int, int | None]  # (household, person or None for the household's own payment)
    head_id: int | None


def _account_for(accounts: dict[tuple[int, int | None], int], due: _Due | _Recipient) -> int | None:
    """The recipient's account; a household's payment goes to the household's own account,
    else to its head's."""
    found = accounts.get(due.recipient)
    if found is None and due.recipient[1] is None and due.head_id is not None:
        found = accounts.get((due.recipient[0], due.head_id))
    return found


def _covered_months(membership_ids: Sequence[int]) -> dict[int, int]:
    """For each membership, the months already in a line of some round, whatever became of it:
    paid or due; excluded by a reviewer's decision; failed (offered again on its own). A set of
    months as the bits of one integer (`_month_bit`): years of monthly rounds of every 低保
    household as sets of strings took tens of MB."""
    covered: dict[int, int] = defaultdict(int)
    for chunk in _chunks(list(membership_ids), ID_CHUNK):
        marks = ", ".join("?" * len(chunk))
        for membership_id, months in database.execute_sql(
                f"SELECT membership_id, months FROM payment_line WHERE membership_id IN ({marks})", chunk):
            bits = covered[membership_id]
            for m in months.split(","):
                if m:
                    bits |= 1 << _month_bit((int(m[:4]), int(m[5:7])))
            covered[membership_id] = bits
    return covered


def _month_bit(month: tuple[int, int]) -> int:
    """A month's bit in a set of months: months since January 1900."""
    return (month[0] - 1900) * 12 + month[1] - 1


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _first_round_starts(codes: Sequence[str]) -> dict[str, date | None]:
    """Back pay reaches back to a category's first approved round, not to the start of time."""
    first: dict[str, date | None] = {code: None for code in codes}
    for r in PaymentRound.select().where((PaymentRound.kind == "regular") & (PaymentRound.state != "draft")):
        for code in r.categories.split(","):
            if code in first and (first[code] is None or r.period_start < first[code]):
                first[code] = r.period_start
    return first


def _month_text(month: tuple[int, int]) -> str:
    return f"{month[0]}-{month[1]:02d}"


def _fill_round(w: Writer, new: PaymentRound, codes: Sequence[str], period: Period) -> None:
    """Every line of a new round, written in batches as they are made (`Writer.create_many`):
    each line is a record with its change-log row, as one written alone."""
    due = _memberships(codes, period)
    accounts = _accounts_by_recipient()
    covered = _covered_months([d.id for d in due])
    first_start = _first_round_starts(codes)
    again = _failed_lines_again(new, codes, accounts)
    stops = _stops(new, codes, period, {d.id for d in due})
    w.create_many(PaymentLine, chain(_due_lines(new, due, accounts, covered, first_start, period), again, stops))


def _due_lines(new: PaymentRound, due: list[_Due], accounts: dict[tuple[int, int | None], int],
               covered: dict[int, int], first_start: dict[str, date | None], period: Period) -> Iterator[dict]:
    """The regular and back-pay lines of the memberships due, one after the other."""
    standards: dict[tuple[str, str], list[Standard]] = {}
    this_month = (period.start.year, period.start.month)
    # Back pay reaches from the category's first approved round to this period.
    spans = {code: Period("span", since, period.start) for code, since in first_start.items()
             if since is not None and period.kind != "once"}
    for d in due:
        key = (d.category, d.grade)
        if key not in standards:
            standards[key] = standards_for(*key)
        rule = dict(own_amount_fen=d.amount_fen, own_period=d.period, standards=standards[key])
        paid_for = covered.get(d.id, 0)
        months = [mm for mm in membership_months(d.start_date, d.end_date, period, **rule)
                  if not paid_for >> _month_bit(mm) & 1]
        base = dict(membership=d.id, household=d.recipient[0], person=d.recipient[1], category=d.category,
                    account=_account_for(accounts, d), recipient=d.name, initials=d.initials)
        if months:
            yield _line(new, "regular", months, amount_due(months, **rule), **base)
        span = spans.get(d.category)
        if span is not None:
            earlier = [mm for mm in membership_months(d.start_date, d.end_date, span, **rule)
                       if mm < this_month and not paid_for >> _month_bit(mm) & 1]
            if earlier:
                yield _line(new, "back_pay", earlier, amount_due(earlier, **rule), **base)


def _line(new: PaymentRound, kind: str, months: Sequence[tuple[int, int]], fen: int, *, recipient: str,
          initials: str = "", corrects: str = "", state: str = "due", reason: str = "", **refs) -> dict:
    """A line's field values (references as ids). The recipient's initials are those stored
    with the person when known: reading pypinyin's tables costs a round 55 MB."""
    if not initials and recipient:
        _pinyin, initials = pinyin_keys(recipient)
    return dict(round=new.id, kind=kind, months=",".join(_month_text(m) for m in months), amount_due_fen=fen,
                amount_fen=fen, state=state, reason=reason, corrects=corrects, recipient_name=recipient,
                recipient_initials=initials, **refs)


def _failed_lines_again(new: PaymentRound, codes: Sequence[str],
                        accounts: dict[tuple[int, int | None], int]) -> list[dict]:
    """A failed line stays due: it is offered again, once, with the account in use now."""
    offered = {c for (c,) in PaymentLine.select(PaymentLine.corrects).where(PaymentLine.corrects != "").tuples()}
    failed = (PaymentLine.select(PaymentLine.uuid, PaymentLine.months, PaymentLine.amount_fen,
                                 PaymentLine.membership, PaymentLine.household, PaymentLine.person,
                                 PaymentLine.category, PaymentLine.recipient_name, PaymentLine.recipient_initials,
                                 Household.head)
              .join(Household, on=(PaymentLine.household == Household.id))
              .where((PaymentLine.state == "failed") & PaymentLine.category.in_(list(codes))).tuples())
    rows = []
    for uuid, months_text, fen, membership, household, person, category, recipient, initials, head in failed:
        if uuid in offered:
            continue
        months = [tuple(int(x) for x in m.split("-")) for m in months_text.split(",") if m]
        # The account chosen as for any line: a household's payment to its own, else its head's.
        account = _account_for(accounts, _Recipient((household, person), head))
        rows.append(_line(new, "back_pay", months, fen, membership=membership, household=household,
                          person=person, category=category, account=account,
                          recipient=recipient, initials=initials, corrects=uuid, reason="failed_before"))
    return rows


def _stops(new: PaymentRound, codes: Sequence[str], period: Period, due_now: set[int]) -> list[dict]:
    """停发: memberships paid in the last earlier round of these categories that are not due now."""
    last = (PaymentRound.select().where((PaymentRound.kind == "regular") & (PaymentRound.id != new.id)
                                        & (PaymentRound.period_end < period.start)
                                        & (PaymentRound.state != "draft"))
            .order_by(PaymentRound.period_end.desc()))
    seen: set[int] = set()
    rows = []
    for earlier in last:
        if not set(codes) & set(earlier.categories.split(",")):
            continue
        marks = ", ".join("?" * len(codes))
        for membership, household, person, category, recipient, initials in database.execute_sql(
                "SELECT membership_id, household_id, person_id, category, recipient_name, recipient_initials "
                f"FROM payment_line WHERE round_id = ? AND kind = 'regular' AND category IN ({marks}) ORDER BY id",
                [earlier.id, *codes]):
            if membership and membership not in due_now and membership not in seen:
                seen.add(membership)
                rows.append(_line(new, "stop", [], 0, membership=membership, household=household, person=person,
                                  category=category, account=None, recipient=recipient, initials=initials,
                                  state="excluded", reason="stopped"))
        break  # the last round of these categories only
    return rows


# ---------------------------------------------------------------- checking a draft

def _draft(w: Writer, line_uuid: str) -> PaymentLine:
    line = w.load(PaymentLine, line_uuid)
    if line.round.state != "draft":
        raise RuleViolation("storage.round_not_draft", round=_round_label(line.round))
    return line


def exclude_line(user: str, line_uuid: str, base_version: int, reason: str) -> PaymentLine:
    if not reason.strip():
        raise FieldError("reason", "required")
    with writing(user) as w:
        _draft(w, line_uuid)
        return w.update(PaymentLine, line_uuid, base_version, op="status", state="excluded", reason=reason.strip())


def include_line(user: str, line_uuid: str, base_version: int) -> PaymentLine:
    with writing(user) as w:
        line = _draft(w, line_uuid)
        if line.kind == "stop":
            raise RuleViolation("storage.stop_line")
        return w.update(PaymentLine, line_uuid, base_version, op="status", state="due", reason="")


def change_amount(user: str, line_uuid: str, base_version: int, amount_fen: int, reason: str) -> PaymentLine:
    if not reason.strip():
        raise FieldError("reason", "required")
    with writing(user) as w:
        _draft(w, line_uuid)
        return w.update(PaymentLine, line_uuid, base_version, amount_fen=amount_fen, reason=reason.strip())


@dataclass(frozen=True)
class LineProblem:
    line_uuid: str
    recipient: str
    key: str  # a message key: payment.problem.*


def line_problems(round_: PaymentRound) -> list[LineProblem]:
    """What stops a round from being approved: lines to pay with no usable account."""
    problems: list[LineProblem] = []
    query = (PaymentLine.select(PaymentLine.uuid, PaymentLine.recipient_name, PaymentLine.account,
                                PaymentAccount.status)
             .join(PaymentAccount, join_type=JOIN.LEFT_OUTER, on=(PaymentLine.account == PaymentAccount.id))
             .where((PaymentLine.round == round_) & (PaymentLine.state == "due") & (PaymentLine.amount_fen != 0)
                    & (PaymentLine.account.is_null() | (PaymentAccount.status != "active")))
             .order_by(PaymentLine.id).tuples())
    for uuid, recipient, account_id, status in query:
        if account_id is None:
            problems.append(LineProblem(uuid, recipient, "payment.problem.no_account"))
        elif status != "active":
            problems.append(LineProblem(uuid, recipient, "payment.problem.account_closed"))
    return problems


def approve_round(user: str, ref: str | int, *, single_supervisor: bool = False) -> PaymentRound:
    """A supervisor approves; not the login that prepared the round, unless the office has
    one supervisor (`[payments] single_supervisor = true`)."""
    with writing(user, supervisor=True) as w:
        found = find_round(ref)
        if found.state != "draft":
            raise RuleViolation("storage.round_not_draft", round=_round_label(found))
        if found.prepared_by == user and not single_supervisor:
            raise RuleViolation("storage.approve_own_round", round=_round_label(found))
        problems = line_problems(found)
        if problems:
            raise RuleViolation("storage.round_has_problems", round=_round_label(found), n=len(problems),
                                first=problems[0].recipient)
        return w.update(PaymentRound, found.uuid, None, op="status", state="approved", approved_by=user,
                        approved_at=now_iso())


# ---------------------------------------------------------------- results

def _approved(w: Writer, line_uuid: str) -> PaymentLine:
    line = w.load(PaymentLine, line_uuid)
    if line.round.state != "approved":
        raise RuleViolation("storage.round_not_approved", round=_round_label(line.round))
    if line.state not in ("due", "paid", "failed"):
        raise RuleViolation("storage.line_not_payable", recipient=line.recipient_name)
    return line


def mark_paid(user: str, line_uuid: str, paid_on: date) -> PaymentLine:
    with writing(user) as w:
        _approved(w, line_uuid)
        return w.update(PaymentLine, line_uuid, None, op="status", state="paid", paid_on=paid_on, result_reason="")


def mark_failed(user: str, line_uuid: str, reason: str) -> PaymentLine:
    if not reason.strip():
        raise FieldError("result_reason", "required")
    with writing(user) as w:
        _approved(w, line_uuid)
        return w.update(PaymentLine, line_uuid, None, op="status", state="failed", paid_on=None,
                        result_reason=reason.strip())


def record_results(user: str, round_uuid: str, results: Sequence[tuple[str, bool, str]], paid_on: date) -> int:
    """The bank's answer for many lines at once, all or nothing: (line uuid, paid?, failure
    reason). Returns the number of lines recorded. Lines are read and written a batch at a
    time (`Writer.rows`, `Writer.update_many`), each with its change-log row."""
    with writing(user) as w:
        found = w.load(PaymentRound, round_uuid)
        if found.state != "approved":
            raise RuleViolation("storage.round_not_approved", round=_round_label(found))
        for batch in _chunks(list(results), BATCH):
            lines = {data["uuid"]: data for data in w.rows(PaymentLine, "uuid", [uuid for uuid, _p, _r in batch])}
            changes: dict[str, tuple[dict, dict]] = {}
            for line_uuid, paid, reason in batch:
                line = lines.get(line_uuid)
                if line is None:
                    w.load(PaymentLine, line_uuid)  # NotFound
                if line["round"] != found.id:
                    raise RuleViolation("storage.line_of_other_round", recipient=line["recipient_name"])
                if line["state"] not in ("due", "paid", "failed"):
                    raise RuleViolation("storage.line_not_payable", recipient=line["recipient_name"])
                values = dict(state="paid", paid_on=paid_on, result_reason="") if paid else \
                    dict(state="failed", paid_on=None, result_reason=reason.strip() or "bank_refused")
                if line_uuid in changes:  # the same line twice: both are recorded, the last one stays
                    w.update_many(PaymentLine, list(changes.values()), op="status")
                    changes.clear()
                changes[line_uuid] = (line, values)
            w.update_many(PaymentLine, list(changes.values()), op="status")
        return len(results)


def close_round(user: str, ref: str | int, paid_on: date) -> tuple[PaymentRound, int]:
    """Every line still due is marked paid on `paid_on`; the round is closed. Returns the round
    and the number of lines marked."""
    with writing(user, supervisor=True) as w:
        found = find_round(ref)
        if found.state != "approved":
            raise RuleViolation("storage.round_not_approved", round=_round_label(found))
        due = [i for (i,) in PaymentLine.select(PaymentLine.id)
               .where((PaymentLine.round == found) & (PaymentLine.state == "due")).order_by(PaymentLine.id).tuples()]
        for batch in _chunks(due, BATCH):
            w.update_many(PaymentLine, [(line, dict(state="paid", paid_on=paid_on))
                                        for line in w.rows(PaymentLine, "id", batch)], op="status")
        closed = w.update(PaymentRound, found.uuid, None, op="status", state="closed", closed_at=now_iso(),
                          pay_date=found.pay_date or paid_on)
        return closed, len(due)


# ---------------------------------------------------------------- corrections

def correct_line(user: str, line_uuid: str, round_ref: str | int, amount_fen: int, reason: str) -> PaymentLine:
    """A correction of an approved line: a new line (补发 when positive, 扣回 when negative) in a
    draft correction round, linked to the line it corrects."""
    if not reason.strip():
        raise FieldError("reason", "required")
    if amount_fen == 0:
        raise FieldError("amount", "required")
    with writing(user) as w:
        old = w.load(PaymentLine, line_uuid)
        if old.round.state == "draft":
            raise RuleViolation("storage.correct_draft", round=_round_label(old.round))
        target = find_round(round_ref)
        if target.kind != "correction" or target.state != "draft":
            raise RuleViolation("storage.not_correction_round", round=_round_label(target))
        months = [tuple(int(x) for x in m.split("-")) for m in old.months.split(",") if m]
        account = _account_for(_accounts_by_recipient(),
                               _Recipient((old.household_id, old.person_id), old.household.head_id))
        return w.create(PaymentLine, **_line(
            target, "back_pay" if amount_fen > 0 else "recovery", months, amount_fen,
            membership=old.membership_id, household=old.household_id, person=old.person_id,
            category=old.category_id, account=account,
            recipient=old.recipient_name, initials=old.recipient_initials, corrects=old.uuid,
            reason=reason.strip()))
