"""民政统计月报: the monthly statistics form of an office, one A4 sheet.

One row per category the form asks for, with a total per group: 城市低保, 农村低保, 低保合计;
特困供养(集中), 特困供养(分散), 特困供养合计; 孤儿 (every orphan category of the catalog); each
优抚 category and 优抚对象合计. How each column is counted (D = the month's last day, D0 = the
last day of the month before):

- 月末户数 / 月末人数: households on the register on D (`data.household_on_roster`: not closed) with a
  membership of the row's categories held on D (`models.membership_held`), and the persons it
  covers on D: a personal membership's person, every member on the roster for a household's;
- 本月新增 / 本月减少: households (persons) counted on D and not on D0 / on D0 and not on D, so
  that 月末 = 上月末 + 新增 - 减少 holds on every row; one who came and went within the month
  is in neither;
- 本月发放金额: payment lines of the row's categories reported paid with a payment date in the
  month, whatever period they pay for (0 when none).

A total row counts a household or a person once however many of its categories it holds.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Callable, Iterable

from peewee import Select, fn

from tui_register.domain.categories import load_categories
from tui_register.i18n import _
from tui_register.reports.data import (
    Scope,
    code_label,
    describe,
    household_status_at,
    person_on_roster,
    title,
)
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import Household, Membership, PaymentLine, Person, database, membership_held

DIBAO = ("urban_dibao", "rural_dibao")
TEKUN = ("tekun_centralised", "tekun_dispersed")


def sections() -> list[tuple[tuple[str, ...], str | None]]:
    """The form's groups in order: their category codes and the message key of their total row
    (None: a group of one category needs no total)."""
    catalog = load_categories()
    orphans = tuple(c.code for c in catalog if c.code == "orphan" or c.code.startswith("orphan_"))
    youfu = tuple(c.code for c in catalog if c.group == "youfu")
    found = [(DIBAO, "report.monthly.dibao_total"), (TEKUN, "report.monthly.tekun_total"),
             (orphans, "report.monthly.orphan_total"), (youfu, "report.monthly.youfu_total")]
    return [(group, key if len(group) > 1 else None) for group, key in found if group]


Held = dict[str, set[int]]  # category code -> household (or person) ids


def _held_on(days: tuple[date, date], codes: list[str]) -> list[tuple[Held, Held]]:
    """Households and persons that held each category on each of `days`, as the summary counts
    them. Two reads for both days: the memberships held on either, with the rules' verdict for
    each day (`membership_held`, the household's status), and their households' members with
    `person_on_roster`'s; the sets are made here."""
    flags = []
    for day in days:
        # `household_on_roster` without its registration test: a household holding a membership
        # on `day` was registered by then (`registered_on` is at most the membership's start).
        flags += [membership_held(day).alias(f"held_{len(flags)}"),
                  (household_status_at(day) != "closed").alias(f"on_{len(flags)}")]
    either = Membership.category.in_(codes) & membership_held(*days)
    memberships = _rows(Membership.select(Membership.category, Membership.household, Membership.person, *flags)
                        .join(Household, on=(Membership.household == Household.id)).where(either))
    present: dict[int, tuple[int, ...]] = {}
    members: dict[int, list[int]] = defaultdict(list)
    households = Membership.select(Membership.household).where(either)
    for pid, hid, *alive in _rows(Person.select(Person.id, Person.household, *(person_on_roster(d) for d in days))
                                  .where(Person.household.in_(households))):
        present[pid] = tuple(alive)
        members[hid].append(pid)
    found: list[tuple[Held, Held]] = [(defaultdict(set), defaultdict(set)) for _day in days]
    for code, hid, pid, *verdicts in memberships:
        for i, (by_household, by_person) in enumerate(found):
            if not (verdicts[2 * i] and verdicts[2 * i + 1]):
                continue
            by_household[code].add(hid)
            covered = [pid] if pid is not None else members[hid]
            by_person[code].update(p for p in covered if present.get(p, (0,) * len(days))[i])
    return found


def _paid(scope: Scope, codes: list[str]) -> dict[str, int]:
    """Fen paid in the month per category: lines reported paid with a payment date in it."""
    query = (PaymentLine.select(PaymentLine.category, fn.COALESCE(fn.SUM(PaymentLine.amount_fen), 0))
             .where((PaymentLine.state == "paid") & PaymentLine.category.in_(codes)
                    & (PaymentLine.paid_on >= scope.date_from) & (PaymentLine.paid_on <= scope.date_to))
             .group_by(PaymentLine.category))
    return dict(_rows(query))


def _rows(query: Select) -> list[tuple]:
    return database.execute(query).fetchall()


def _union(held: Held, codes: Iterable[str]) -> set[int]:
    out: set[int] = set()
    for code in codes:
        out |= held.get(code, set())
    return out


def figures(scope: Scope, progress: Callable[[int, int], None] = lambda done, total: None) -> list[tuple]:
    """The form's rows: (label, 月末户数, 月末人数, 新增户数, 新增人数, 减少户数, 减少人数, 发放金额)."""
    groups = sections()
    codes = [c for group, _key in groups for c in group]
    progress(0, 2)
    before, now = _held_on((scope.date_from - timedelta(days=1), scope.date_to), codes)
    progress(1, 2)
    paid = _paid(scope, codes)
    rows = []

    def row(label: str, group: Iterable[str]) -> tuple:
        group = list(group)
        h, p = _union(now[0], group), _union(now[1], group)
        h0, p0 = _union(before[0], group), _union(before[1], group)
        return (label, len(h), len(p), len(h - h0), len(p - p0), len(h0 - h), len(p0 - p),
                sum(paid.get(c, 0) for c in group))

    for group, total_key in groups:
        rows += [row(code_label("category", code), [code]) for code in group]
        if total_key:
            rows.append(row(_(total_key), group))
    progress(2, 2)
    return rows


def columns(book: Book) -> list[Column]:
    # No totals row: the group totals are rows of their own, and a column's sum would count them twice.
    return [
        Column(_("report.col.category")),
        Column(_("report.monthly.households"), "int"),
        Column(_("report.monthly.persons"), "int"),
        Column(_("report.monthly.households_added"), "int"),
        Column(_("report.monthly.persons_added"), "int"),
        Column(_("report.monthly.households_removed"), "int"),
        Column(_("report.monthly.persons_removed"), "int"),
        Column(_("report.monthly.paid", unit=book.unit_label()), "money"),
    ]


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    rows = figures(scope, progress)
    sheet = book.sheet(_("report.sheet.monthly"), columns(book), title(scope, _("report.name.monthly")),
                       describe(scope), closing_lines=[_("report.monthly.sign_off")])
    for r in rows:
        sheet.add(r)

