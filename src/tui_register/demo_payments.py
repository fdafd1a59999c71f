"""The demo's payments (发放): standards, accounts and three years of payment rounds.

Written through the bulk loader, by the rules of the write path (`storage.payments`), applied
to each membership as the rounds came: a round lists the memberships of its categories known
when it was made (entered before that day) and due in its period, on a household on the
register then, with the months not yet in any line (`domain.payments.membership_months`, the
one counting rule) at the amount due (`amount_due`, the membership's own amount or the
standard in force); back pay (补发) for months since the series' first round that no round
holds yet; a failed line of an earlier round offered again, once, with the account in use
now; a stop note (停发) for a membership paid in the round before and due no more. A closed
round's bank lines are paid on its pay date or failed (账户已注销, 户名不符); a failed
recipient's account is replaced before the next round, as `storage.payments.add_account`
does (the old one closed, never deleted). Cash lines are paid at the close.

The office has one supervisor (the demo's user), who prepares and approves its rounds.
A round is made on its period's first day (a one-off round on its date, the 优待金 round on
1 June), approved the next day, paid on the tenth and closed on the fifteenth; rounds not
closed by the demo's end date are left approved (or a draft) with their lines due.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from tui_register.domain.payments import (
    Period,
    Standard,
    amount_due,
    clean_account_number,
    membership_months,
    parse_period,
)
from tui_register.storage.bulk import BulkWriter
from tui_register.storage.models import PaymentAccount, PaymentLine, PaymentRound, PaymentStandard
from tui_register.storage.payments import round_name

# Rounds: (categories, period kind). Monthly 低保 and disability subsidies, quarterly 特困 and
# 抚恤金, yearly 优待金, a one-off round of 临时救助 and 危房改造 at each month's end.
SERIES = (
    (("rural_dibao", "urban_dibao"), "month"),
    (("severe_disability", "tekun_disability"), "month"),
    (("orphan",), "month"),
    (("tekun_centralised", "tekun_dispersed"), "quarter"),
    (("demobilised_in_village", "disabled_serviceman", "duty_death_family", "ill_returned_veteran",
      "illness_death_family", "martyr_family", "war_and_test_veteran"), "quarter"),
    (("serving_family",), "year"),
    (("temporary_assistance", "unsafe_housing"), "once"),
)
PAID_CATEGORIES = frozenset(code for codes, _kind in SERIES for code in codes)

# Standards (fen, period) from long before the demo's years; memberships of FOLLOW_STANDARD
# have no amount of their own and are due the standard in force. The one raise: 重度残疾人
# 50 -> 65 yuan a month from 1 July of the middle year.
STANDARDS = {
    "urban_dibao": (75000, "monthly"), "rural_dibao": (55000, "monthly"),
    "severe_disability": (5000, "monthly"), "tekun_disability": (8000, "monthly"),
    "orphan": (120000, "monthly"), "tekun_dispersed": (332000, "yearly"),
    "tekun_centralised": (392000, "yearly"), "serving_family": (800000, "yearly"),
}
RAISE = ("severe_disability", 6500)
FOLLOW_STANDARD = frozenset({"severe_disability", "tekun_disability", "tekun_dispersed", "tekun_centralised",
                             "serving_family"})

BANKS = (("中国农业银行", "622848"), ("中国邮政储蓄银行", "621799"), ("农村商业银行", "623066"),
         ("中国工商银行", "622202"), ("中国建设银行", "621700"))
CARDS = (("社会保障卡", "621467"), ("惠民惠农一卡通", "623190"))
FAILURES = ("账户已注销", "户名不符")
CASH_SHARE, CARD_SHARE, FAIL_SHARE = 0.07, 0.25, 0.005
APPROVED_AFTER, PAID_AFTER, CLOSED_AFTER = 1, 9, 14  # days after a round is made


@dataclass(frozen=True)
class Round:
    id: int
    uuid: str
    codes: frozenset[str]
    period: Period
    made: date
    state: str  # draft / approved / closed

    @property
    def pay_date(self) -> date:
        return self.made + timedelta(days=PAID_AFTER)

    @property
    def closed_on(self) -> date:
        return self.made + timedelta(days=CLOSED_AFTER)


@dataclass
class Schedule:
    """The rounds of each series, oldest first, and the standards by category."""

    series: dict[str, list[Round]] = field(default_factory=dict)  # category -> its series' rounds
    standards: dict[str, tuple[Standard, ...]] = field(default_factory=dict)

    def standards_of(self, code: str) -> tuple[Standard, ...]:
        return self.standards.get(code, ())


@dataclass(frozen=True)
class Held:
    """A membership as the demo made it, with what a round needs to know of its holder."""

    id: int
    code: str
    person: int | None  # None: the household's membership
    start: date
    end: date | None
    amount_fen: int
    period: str
    entered: date  # the day it was entered: rounds made before that day do not list it
    recipient: str
    initials: str


def _iso(day: date, minutes: int = 0) -> str:
    moment = datetime.combine(day, time(9)) + timedelta(minutes=minutes)
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="microseconds")


# ---------------------------------------------------------------- standards and rounds

def plan(bulk: BulkWriter, user: str, today: date) -> Schedule:
    """The standards and the rounds of the three years up to `today` (their lines come with
    each household, `household_payments`)."""
    schedule = Schedule()
    middle = today.year - 1
    since = date(today.year - 10, 1, 1)
    raise_on = date(middle, 7, 1)
    for code, (fen, period) in STANDARDS.items():
        bulk.add(PaymentStandard, dict(category=code, valid_from=since, amount_fen=fen, period=period,
                                       notes=""), at=_iso(since))
        found = [Standard(since, fen, period)]
        if code == RAISE[0]:
            bulk.add(PaymentStandard, dict(category=code, valid_from=raise_on, amount_fen=RAISE[1], period=period,
                                           notes="提标"), at=_iso(raise_on - timedelta(days=10)))
            found.append(Standard(raise_on, RAISE[1], period))
        schedule.standards[code] = tuple(found)
    made = sorted(((start, i, p) for i, (codes, kind) in enumerate(SERIES)
                   for start, p in _periods(kind, today)), key=lambda t: (t[0], t[1]))
    number = 0
    for day, i, period in made:
        codes = SERIES[i][0]
        number += 1
        state = "closed" if day + timedelta(days=CLOSED_AFTER) <= today else \
            "approved" if day + timedelta(days=APPROVED_AFTER) <= today else "draft"
        r = _add_round(bulk, user, number, codes, period, day, state)
        for code in codes:
            schedule.series.setdefault(code, []).append(r)
    return schedule


def _periods(kind: str, today: date) -> list[tuple[date, Period]]:
    """(the day the round is made, its period) for the demo's three years, made by `today`."""
    out = []
    for year in range(today.year - 2, today.year + 1):
        if kind == "month":
            found = [(date(year, m, 1), parse_period(f"{year}-{m:02d}")) for m in range(1, 13)]
        elif kind == "quarter":
            found = [(date(year, 3 * q - 2, 1), parse_period(f"{year}Q{q}")) for q in range(1, 5)]
        elif kind == "year":
            found = [(date(year, 6, 1), parse_period(str(year)))]
        else:
            ends = [date(year + (m == 12), m % 12 + 1, 1) - timedelta(days=1) for m in range(1, 13)]
            found = [(d, parse_period(d.isoformat())) for d in ends]
        out += [(day, period) for day, period in found if day <= today]
    return out


def _add_round(bulk: BulkWriter, user: str, number: int, codes: tuple[str, ...], period: Period, day: date,
               state: str) -> Round:
    made = Round(0, "", frozenset(codes), period, day, state)
    values = dict(number=number, name=round_name(sorted(codes), period, "regular"), kind="regular",
                  categories=",".join(sorted(codes)), period=period.code, period_start=period.start,
                  period_end=period.end, pay_date=made.pay_date, state=state, prepared_by=user, notes="")
    if state != "draft":
        values.update(approved_by=user, approved_at=_iso(day + timedelta(days=APPROVED_AFTER)))
    if state == "closed":
        values.update(closed_at=_iso(made.closed_on, 60))
    rid = bulk.add(PaymentRound, values, at=_iso(day, 30))
    return Round(rid, bulk.uuid(PaymentRound, rid), made.codes, period, day, state)


# ---------------------------------------------------------------- one household's payments

@dataclass
class _Account:
    key: tuple[int, int | None]
    kind: str
    bank: str
    number: str
    holder: str
    opened: date
    closed: bool = False
    id: int = 0


@dataclass
class _Line:
    round: Round
    held: Held
    kind: str
    months: list[tuple[int, int]]
    fen: int
    account: _Account | None
    state: str = "due"
    reason: str = ""
    result: str = ""
    corrects: _Line | None = None
    offered: bool = False  # a failed line offered again in a later round
    uuid: str = ""


class _Household:
    """The accounts and lines of one household, made round by round."""

    def __init__(self, rng: random.Random, hid: int, opened: date, taken: set[str]) -> None:
        self.rng, self.hid, self.opened, self.taken = rng, hid, opened, taken
        self.accounts: dict[tuple[int, int | None], list[_Account]] = {}
        self.lines: list[_Line] = []

    def account(self, held: Held, on: date) -> _Account:
        """The recipient's account in use on `on` (opened as the household was registered)."""
        key = (self.hid, held.person)
        if key not in self.accounts:
            self.accounts[key] = [self._new_account(key, held.recipient, self.opened)]
        return [a for a in self.accounts[key] if a.opened <= on][-1]

    def _new_account(self, key: tuple[int, int | None], holder: str, opened: date, kind: str = "") -> _Account:
        roll = self.rng.random()
        kind = kind or ("cash" if roll < CASH_SHARE else "card" if roll < CASH_SHARE + CARD_SHARE else "bank")
        if kind == "cash":
            return _Account(key, "cash", "", "", holder, opened)
        bank, prefix = self.rng.choice(CARDS if kind == "card" else BANKS)
        while True:
            number = clean_account_number(prefix + f"{self.rng.randrange(10 ** 13):013d}")
            if number not in self.taken:
                self.taken.add(number)
                break
        return _Account(key, kind, bank, number, holder, opened)  # the holder is the recipient

    def replace(self, old: _Account, on: date, reason: str) -> None:
        """After a failure the office enters a new account (户名不符: the same number, the name
        put right), which closes the old one."""
        old.closed = True
        new = self._new_account(old.key, old.holder, on, old.kind)
        if reason == FAILURES[1]:
            self.taken.discard(new.number)
            new.number = old.number
        self.accounts[old.key].append(new)


def household_payments(bulk: BulkWriter, schedule: Schedule, rng: random.Random, hid: int, registered: date,
                       on_register_until: date | None, held: list[Held], accounts_taken: set[str],
                       registered_at: str) -> None:
    """The household's accounts and payment lines in every round of the schedule, round by
    round in the order they were made (an account replaced after one round's failure is the
    one the next rounds use, whichever membership they pay).

    `on_register_until`: the day the household was closed or suspended (None: on the register).
    """
    house = _Household(rng, hid, registered, accounts_taken)
    steps = []
    for j, h in enumerate(held):
        if h.code in PAID_CATEGORIES:
            state = _Held(h, schedule.series.get(h.code, []), schedule.standards_of(h.code), on_register_until)
            steps += [(r.made, r.id, j, i, state) for i, r in enumerate(state.rounds)]
    for _made, _id, _j, i, state in sorted(steps, key=lambda step: step[:3]):
        state.round(house, i)
    _write(bulk, house, registered_at)


class _Held:
    """One membership through the rounds of its series, as `storage.payments._fill_round`
    treats it in each."""

    def __init__(self, h: Held, rounds: list[Round], standards: tuple[Standard, ...], gone: date | None) -> None:
        self.h, self.rounds, self.gone = h, rounds, gone
        self.rule = dict(own_amount_fen=h.amount_fen, own_period=h.period, standards=standards)
        self.covered: set[tuple[int, int]] = set()
        # Every month due from the series' first round to its last: the back pay of a round is
        # those before its period not yet in a line (`_fill_round`'s span, read once).
        self.due_all: list[tuple[int, int]] = []
        if rounds and rounds[0].period.kind != "once":
            span = Period("span", rounds[0].period.start, rounds[-1].period.end)
            self.due_all = membership_months(h.start, h.end, span, **self.rule)
        self.failed: list[_Line] = []
        self.paid_before = False  # a regular line in the series' previous round

    def round(self, house: _Household, i: int) -> None:
        h, r, rule, covered = self.h, self.rounds[i], self.rule, self.covered
        listed = h.entered < r.made and _in_force(h, r.period) and (self.gone is None or self.gone >= r.period.start)
        made: list[_Line] = []
        if listed:
            months = [m for m in membership_months(h.start, h.end, r.period, **rule) if m not in covered]
            if months:
                made.append(_Line(r, h, "regular", months, _due(months, rule), house.account(h, r.made)))
            if i > 0 and r.period.kind != "once":
                first = (r.period.start.year, r.period.start.month)
                earlier = [m for m in self.due_all if m < first and m not in covered]
                if earlier:
                    made.append(_Line(r, h, "back_pay", earlier, _due(earlier, rule), house.account(h, r.made)))
            covered.update(m for line in made for m in line.months)
        for old in [f for f in self.failed if not f.offered and f.round.closed_on < r.made]:
            old.offered = True
            made.append(_Line(r, h, "back_pay", old.months, old.fen, house.account(h, r.made),
                              reason="failed_before", corrects=old))
        if not listed and self.paid_before:
            made.append(_Line(r, h, "stop", [], 0, None, state="excluded", reason="stopped"))
        self.paid_before = any(line.kind == "regular" for line in made)
        self.failed += _results(house, r, made)
        house.lines += made


def _in_force(h: Held, period: Period) -> bool:
    return h.start <= period.end and (h.end is None or h.end >= period.start)


def _due(months: list[tuple[int, int]], rule: dict) -> int:
    """`amount_due`, remembered: a membership's own amount is the same in every month, so its
    sum depends on how many months only (a million lines, a few hundred amounts)."""
    own = rule["own_amount_fen"]
    key = (len(months),) if own else tuple(months)
    return _amount(key, tuple(months), own, rule["own_period"], rule["standards"])


_amounts: dict[tuple, int] = {}


def _amount(key: tuple, months: tuple, own_amount_fen: int, own_period: str, standards: tuple[Standard, ...]) -> int:
    key = (key, own_amount_fen, own_period, standards)
    if key not in _amounts:
        if len(_amounts) > 200_000:
            _amounts.clear()
        _amounts[key] = amount_due(months, own_amount_fen=own_amount_fen, own_period=own_period, standards=standards)
    return _amounts[key]


def _results(house: _Household, r: Round, lines: list[_Line]) -> list[_Line]:
    """A closed round's lines: paid, or failed at the bank (the account then replaced)."""
    if r.state != "closed":
        return []
    failed = []
    for line in lines:
        if line.kind == "stop" or line.state != "due":
            continue
        account = line.account
        if account is not None and account.kind != "cash" and house.rng.random() < FAIL_SHARE:
            line.state, line.result = "failed", house.rng.choice(FAILURES)
            failed.append(line)
            if not account.closed:
                house.replace(account, r.closed_on, line.result)
        else:
            line.state = "paid"
    return failed


def _write(bulk: BulkWriter, house: _Household, registered_at: str) -> None:
    used = {id(line.account) for line in house.lines if line.account is not None}
    for accounts in house.accounts.values():
        for a in accounts:
            if id(a) not in used and a.opened == house.opened:
                continue  # never paid into: not entered
            person = a.key[1]
            a.id = bulk.add(PaymentAccount, dict(
                household=house.hid, person=person, kind=a.kind, bank_name=a.bank, account_number=a.number,
                holder_name=a.holder, proxy=0, notes="", status="closed" if a.closed else "active",
                status_reason="replaced" if a.closed else ""),
                at=registered_at if a.opened == house.opened else _iso(a.opened, 120))
    for line in house.lines:
        h, r = line.held, line.round
        rid = bulk.add(PaymentLine, dict(
            round=r.id, household=house.hid, person=h.person, membership=h.id, category=h.code,
            account=line.account.id if line.account else None, kind=line.kind,
            months=",".join(f"{y}-{m:02d}" for y, m in line.months), amount_due_fen=line.fen,
            amount_fen=line.fen, state=line.state, reason=line.reason, result_reason=line.result,
            paid_on=r.pay_date if line.state == "paid" else None,
            corrects=line.corrects.uuid if line.corrects else "", recipient_name=h.recipient,
            recipient_initials=h.initials), at=_iso(r.made, 30))
        line.uuid = bulk.uuid(PaymentLine, rid)
