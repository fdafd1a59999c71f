"""Payment rules (发放), no I/O: payment periods, the months a membership is due, the amount due
under the standards in force, and payment accounts.

The one counting rule, used by payment rounds and by the summary's 应发 alike:

* A membership is due for every calendar month in which it is in force on at least one day:
  from the month of its start date through the month of its end date, each month in full
  (no daily proration). A membership that starts on 2026-11-20 is due for November; one that
  ends on 2026-11-03 is due for November too, and not for December.
* A monthly amount is due once per due month. A yearly amount is due in twelfths: for a
  quarter of due months a quarter of it, rounded to the fen once per line (half up), so that
  a whole year gives exactly the yearly amount. A one-off amount is due once, for the month
  of the membership's start date.
* Where the amount changes within a period (a new standard from 2026-07-01), each month uses
  the amount in force on its first day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Iterable, Sequence

from tui_register.domain.errors import FieldError

PERIOD_KINDS = ("month", "quarter", "half", "year", "once")
AMOUNT_PERIODS = ("monthly", "yearly", "once")
ACCOUNT_KINDS = ("bank", "card", "cash")  # 银行账户, 社保卡/一卡通, 现金(签领)
ACCOUNT_DIGITS = (12, 30)

Month = tuple[int, int]  # (year, month)


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class Period:
    """What a payment round covers: a month, quarter, half-year, year, or one date."""

    kind: str
    start: date
    end: date

    @property
    def code(self) -> str:
        """The canonical text: 2026-11, 2026Q4, 2026H2, 2026, 2026-11-15."""
        y = self.start.year
        if self.kind == "month":
            return f"{y}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{y}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{y}H{1 if self.start.month == 1 else 2}"
        if self.kind == "year":
            return str(y)
        return self.start.isoformat()

    def months(self) -> list[Month]:
        return months_between(self.start, self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def _span(kind: str, year: int, first_month: int, months: int) -> Period:
    last = first_month + months - 1
    return Period(kind, date(year, first_month, 1), _month_end(year, last))


_PERIOD_FORMS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "once"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), "once"),
    (re.compile(r"^(\d{4})-?(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), "month"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})年?第?([1-4一二三四])季度?$"), "quarter"),
    (re.compile(r"^(\d{4})[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})年?(上|下)半年$"), "half"),
    (re.compile(r"^(\d{4})年?$"), "year"),
)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}


def parse_period(raw: str, *, field: str = "period") -> Period:
    """2026-11 / 2026年11月, 2026Q4 / 2026年第四季度, 2026H2 / 2026年下半年, 2026, or one date."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(" ", "")
    if not text:
        raise FieldError(field, "required")
    for pattern, kind in _PERIOD_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        parts = [int(_CN_DIGITS.get(g, g)) for g in match.groups()[1:]]
        try:
            if kind == "once":
                day = date(year, parts[0], parts[1])
                return Period("once", day, day)
            if kind == "month":
                return _span("month", year, _check_month(parts[0]), 1)
            if kind == "quarter":
                return _span("quarter", year, (parts[0] - 1) * 3 + 1, 3)
            if kind == "half":
                return _span("half", year, 1 if parts[0] == 1 else 7, 6)
            return _span("year", year, 1, 12)
        except ValueError:
            break
    raise FieldError(field, "bad_period", {"value": text})


def _check_month(month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(month)
    return month


def months_between(start: date, end: date) -> list[Month]:
    """Every calendar month that has at least one day in [start, end]."""
    out: list[Month] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# ---------------------------------------------------------------- what is due

def due_months(start: date, end: date | None, period: Period) -> list[Month]:
    """The months of `period` for which a membership in force from `start` to `end` (None:
    still in force) is due, by the one counting rule of this module."""
    if start > period.end or (end is not None and end < period.start):
        return []
    if period.kind == "once":
        return [(period.start.year, period.start.month)]
    first = max(start, period.start)
    last = period.end if end is None else min(end, period.end)
    return months_between(first, last)


@dataclass(frozen=True)
class Standard:
    """A standard amount (救助/补助/抚恤标准) from a date on, for a category (and grade or kind)."""

    valid_from: date
    amount_fen: int
    period: str = "monthly"  # monthly / yearly / once


def standard_on(standards: Iterable[Standard], day: date) -> Standard | None:
    """The standard in force on `day`: the latest one that applies from that day or earlier."""
    best: Standard | None = None
    for standard in standards:
        if standard.valid_from <= day and (best is None or standard.valid_from > best.valid_from):
            best = standard
    return best


def _in_force(month: Month, own_amount_fen: int, own_period: str,
              standards: Sequence[Standard]) -> tuple[int, str] | None:
    """(fen, period) due for `month`: the membership's own amount, else the standard in force
    on the month's first day; None when there is neither."""
    if own_amount_fen:
        return own_amount_fen, own_period or "monthly"
    standard = standard_on(standards, date(month[0], month[1], 1))
    return (standard.amount_fen, standard.period) if standard else None


def month_twelfths(month: Month, *, own_amount_fen: int = 0, own_period: str = "",
                   standards: Sequence[Standard] = ()) -> int:
    """One month's share of what a membership is due, in twelfths of a fen (whole numbers):
    a yearly amount's own fen (a twelfth of it), a monthly or one-off amount twelve times."""
    found = _in_force(month, own_amount_fen, own_period, standards)
    if found is None:
        return 0
    fen, period = found
    return fen if period == "yearly" else 12 * fen


def month_share(month: Month, *, own_amount_fen: int = 0, own_period: str = "",
                standards: Sequence[Standard] = ()) -> Fraction:
    """One month's share of what a membership is due, unrounded: a twelfth of a yearly amount,
    a monthly or one-off amount whole."""
    return Fraction(month_twelfths(month, own_amount_fen=own_amount_fen, own_period=own_period,
                                   standards=standards), 12)


def amount_due(months: Sequence[Month], *, own_amount_fen: int = 0, own_period: str = "",
               standards: Sequence[Standard] = ()) -> int:
    """Fen due for `months`: the month shares added up and rounded once; a one-off amount once,
    whatever the months."""
    # Added up in twelfths of a fen, whole numbers: the same sum as the month shares' (each a
    # whole fen or a twelfth of one), without a Fraction per month (a year's summary adds up
    # every membership's months).
    twelfths = 0
    for month in months:
        found = _in_force(month, own_amount_fen, own_period, standards)
        if found is None:
            continue
        fen, period = found
        if period == "once":
            return fen
        twelfths += fen if period == "yearly" else 12 * fen
    return _twelfths_half_up(twelfths)


def amount_period(start: date, *, own_amount_fen: int, own_period: str, standards: Sequence[Standard]) -> str:
    """How the membership's amount is paid: its own period, else the standard's on its start."""
    if own_amount_fen:
        return own_period or "monthly"
    standard = standard_on(standards, start) or standard_on(standards, date.max)
    return standard.period if standard else "monthly"


def membership_months(start: date, end: date | None, period: Period, *, own_amount_fen: int = 0,
                      own_period: str = "", standards: Sequence[Standard] = ()) -> list[Month]:
    """The months of `period` a membership is due for: `due_months`, except that a one-off
    amount is due for its start month only."""
    kind = amount_period(start, own_amount_fen=own_amount_fen, own_period=own_period, standards=standards)
    if kind == "once":
        first = (start.year, start.month)
        return [first] if first in period.months() and (end is None or end >= start) else []
    return due_months(start, end, period)


def last_day_due(end: date | None, household_closed_on: date | None) -> date | None:
    """Nothing falls due after the household is closed, whatever its memberships say."""
    stops = [d for d in (end, household_closed_on) if d]
    return min(stops) if stops else None


class DueTally:
    """应发 of many memberships over one span (the summary's, the county's): the fen due and each
    month's share in twelfths of a fen. Memberships that follow the same rule over the same
    months are due the same, so each such rule is worked out once (most memberships of a
    category run through the whole span)."""

    def __init__(self, span: Period) -> None:
        self.span = span
        self._worked_out: dict[tuple, tuple[int, tuple[tuple[Month, int], ...]]] = {}

    def due(self, start: date, last: date | None, *, own_amount_fen: int = 0, own_period: str = "",
            standards: tuple[Standard, ...] = ()) -> tuple[int, tuple[tuple[Month, int], ...]]:
        rule = dict(own_amount_fen=own_amount_fen, own_period=own_period, standards=standards)
        kind = amount_period(start, **rule)
        # The months in force within the span do not change when the dates are cut to it (a
        # one-off amount is due in its own start month: kept as it is).
        key = (own_amount_fen, own_period, standards, kind,
               start if kind == "once" else max(start, self.span.start),
               last if last is None or kind == "once" else min(last, self.span.end))
        if key not in self._worked_out:
            months = membership_months(start, last, self.span, **rule)
            self._worked_out[key] = (amount_due(months, **rule) if months else 0,
                                     tuple((m, month_twelfths(m, **rule)) for m in months))
        return self._worked_out[key]


def _twelfths_half_up(twelfths: int) -> int:
    """`twelfths` / 12 rounded to a whole fen, halves away from zero."""
    return (twelfths + 6) // 12 if twelfths >= 0 else -((-twelfths + 6) // 12)


# ---------------------------------------------------------------- accounts

def clean_account_number(raw: object, *, field: str = "account_number") -> str:
    """Digits only, after removing spaces, dashes and full-width forms; 12 to 30 digits."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = re.sub(r"[\s\-]", "", text)
    if not text:
        raise FieldError(field, "required")
    if not text.isdigit() or not text.isascii():
        raise FieldError(field, "account_not_digits")
    low, high = ACCOUNT_DIGITS
    if not low <= len(text) <= high:
        raise FieldError(field, "account_length", {"n": len(text), "low": low, "high": high})
    return text


def mask_account(number: str) -> str:
    """First 4 and last 4 digits visible: 6222********1234."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def check_holder(holder: str, recipient: str, *, proxy: bool, field: str = "holder_name") -> None:
    """The account holder is the recipient, or the account is marked as a proxy's (代领)."""
    def fold(name: str) -> str:
        return unicodedata.normalize("NFKC", name or "").replace(" ", "").replace("·", "").replace(".", "")

    if not proxy and fold(holder) != fold(recipient):
        raise FieldError(field, "holder_mismatch", {"holder": holder, "recipient": recipient})
