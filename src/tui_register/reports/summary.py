"""统计汇总: the figures a year-end work report quotes, for a period, on six sheets.

Definitions (the same as the roster's, at the last day of the period):
- on the register: households registered by then and not closed by then; their persons who
  had not died or moved out; a category counts the households with a membership in force
  then, and its persons (the person of a personal membership, every member for a household's);
- new / closed: households registered (see `data.registered_on`) / closed within the period;
  categories: memberships that started / ended within the period;
- amount due (应发金额): by the one counting rule of payment rounds (`domain.payments`): every
  month of the period in which a membership was in force on at least one day (and its household
  open), in full; its own amount, else the standard in force on each month's first day; yearly
  amounts in twelfths, rounded once per membership; a one-off amount once, in its start month;
- amount paid (实发金额): payment lines reported paid with a payment date in the period, by the
  line's category; 发放人次 counts those lines, 发放人数 the distinct recipients (a person, or a
  household for a household's payment). A month's 应发 on the payments sheet is rounded once per
  month, so yearly amounts may differ from the category totals by a fen per membership;
- visits: valid visits in the period (not voided, not 未遇) as 人次, distinct households visited, distinct
  households given cash, and the cash; by category (按类别): by the categories the household held on
  the day of the visit (`reports.visits.by_category`), a visit once per category.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Callable, Iterable

from peewee import SQL, Case, Expression, Select, fn

from tui_register.i18n import _
from tui_register.reports import visits as visit_report
from tui_register.reports.data import (
    Scope,
    code_label,
    describe,
    household_on_roster,
    membership_in_force,
    pages,
    path_parts,
    person_on_roster,
    registered_on,
    title,
)
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import (
    Activity,
    Campaign,
    CampaignTarget,
    Category,
    Household,
    Membership,
    Participation,
    PaymentLine,
    Person,
    Visit,
    database,
)


def _rows(query: Select) -> list[tuple]:
    return database.execute(query).fetchall()


def _between(column: Any, scope: Scope) -> Expression:
    """A date column within the period (Peewee turns the dates into the column's text)."""
    return (column >= scope.date_from) & (column <= scope.date_to)


def _days_between(day: Any, scope: Scope) -> Expression:
    """A day computed in SQL (text, no column to convert for it) within the period."""
    return (day >= scope.date_from.isoformat()) & (day <= scope.date_to.isoformat())


def _month(column: Any) -> Any:
    return fn.substr(column, 1, 7)


def months(first: date, last: date) -> list[str]:
    """Every month from `first` to `last` as "YYYY-MM"."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- visits --------------------------------------------------------------------------------

def _visit_figures(*group: Any) -> list[Any]:
    """人次, households, households given cash, cash: the columns of every visit summary."""
    return [*group, fn.COUNT(Visit.id), fn.COUNT(fn.DISTINCT(Visit.household)),
            fn.COUNT(fn.DISTINCT(Case(None, [(Visit.cash_fen > 0, Visit.household)]))),
            fn.COALESCE(fn.SUM(Visit.cash_fen), 0)]


def _valid_visits(scope: Scope) -> Expression:
    """The visits that count in the period: not voided, and not an attempt (未遇)."""
    return Visit.counted() & _between(Visit.visit_date, scope)


def visits_by_month(scope: Scope) -> list[tuple]:
    found = {row[0]: row[1:] for row in _rows(
        Visit.select(*_visit_figures(_month(Visit.visit_date))).where(_valid_visits(scope))
        .group_by(_month(Visit.visit_date)))}
    return [(m, *found.get(m, (0, 0, 0, 0))) for m in months(scope.date_from, scope.date_to)]


def visits_by_campaign(scope: Scope) -> list[tuple]:
    found = {row[0]: row[1:] for row in _rows(
        Visit.select(*_visit_figures(Visit.campaign)).where(_valid_visits(scope)).group_by(Visit.campaign))}
    targets = dict(_rows(CampaignTarget.select(CampaignTarget.campaign, fn.COUNT(CampaignTarget.id))
                         .where(CampaignTarget.status == "active").group_by(CampaignTarget.campaign)))
    overlapping = (Campaign.status != "voided") & (Campaign.start_date <= scope.date_to) & (
        Campaign.end_date >= scope.date_from)
    rows = []
    for cid, name, start, end in _rows(Campaign.select(Campaign.id, Campaign.name, Campaign.start_date,
                                                       Campaign.end_date)
                                       .where(overlapping | Campaign.id.in_([c for c in found if c is not None]))
                                       .order_by(Campaign.start_date, Campaign.id)):
        rows.append((name, start, end, targets.get(cid, 0), *found.get(cid, (0, 0, 0, 0))))
    if None in found:
        rows.append((_("report.summary.no_campaign"), None, None, None, *found[None]))
    return rows


# --- households, persons, categories ----------------------------------------------------

@dataclass
class _Village:
    households: int = 0
    persons: int = 0
    new: int = 0
    closed: int = 0
    visits: int = 0
    cash: int = 0


def by_village(scope: Scope) -> dict[str, _Village]:
    at = scope.date_to
    villages: dict[str, _Village] = defaultdict(_Village)

    def add(query: Select, *names: str) -> None:
        for path, *values in _rows(query.group_by(Household.place_path)):
            township, village, _grid = path_parts(path)
            entry = villages[village or township]
            for name, value in zip(names, values):
                setattr(entry, name, getattr(entry, name) + (value or 0))

    add(Household.select(Household.place_path, fn.COUNT(Household.id)).where(household_on_roster(at)),
        "households")
    add(Person.select(Household.place_path, fn.COUNT(Person.id)).join(Household)
        .where(household_on_roster(at) & person_on_roster(at)), "persons")
    add(Household.select(Household.place_path, fn.COUNT(Household.id))
        .where(_days_between(registered_on(), scope)), "new")
    add(Household.select(Household.place_path, fn.COUNT(Household.id))
        .where((Household.status == "closed") & _between(Household.status_date, scope)), "closed")
    add(Visit.select(Household.place_path, fn.COUNT(Visit.id), fn.SUM(Visit.cash_fen)).join(Household)
        .where(_valid_visits(scope)), "visits", "cash")
    return dict(sorted(villages.items()))


@dataclass
class _Category:
    households: int = 0
    persons: int = 0
    new: int = 0
    ended: int = 0
    due: int = 0
    paid: int = 0
    paid_lines: int = 0
    paid_persons: int = 0
    visits: int = 0
    visited: int = 0
    cash: int = 0


def by_category(scope: Scope, due: Counter[str] | None = None) -> dict[str, _Category]:
    at = scope.date_to
    found: dict[str, _Category] = defaultdict(_Category)
    in_force = membership_in_force(at) & household_on_roster(at)
    for code, n in _rows(Membership.select(Membership.category, fn.COUNT(fn.DISTINCT(Membership.household)))
                         .join(Household).where(in_force).group_by(Membership.category)):
        found[code].households = n
    for code, n in _persons_per_category(at):
        found[code].persons = n
    for code, n in _rows(Membership.select(Membership.category, fn.COUNT(fn.DISTINCT(Membership.household)))
                         .where(_between(Membership.start_date, scope) & (Membership.status != "voided"))
                         .group_by(Membership.category)):
        found[code].new = n
    for code, n in _rows(Membership.select(Membership.category, fn.COUNT(fn.DISTINCT(Membership.household)))
                         .where(_between(Membership.end_date, scope) & (Membership.status == "ended"))
                         .group_by(Membership.category)):
        found[code].ended = n
    for code, fen in (due if due is not None else _amounts_due(scope)[0]).items():
        found[code].due = fen
    for code, fen, lines, persons in _rows(_paid_lines(scope, PaymentLine.category)):
        found[code].paid, found[code].paid_lines, found[code].paid_persons = fen, lines, persons
    for code, n, households, cash in visit_report.by_category(scope):
        found[code].visits, found[code].visited, found[code].cash = n, households, cash
    order = {c: i for i, (c,) in enumerate(_rows(Category.select(Category.code).order_by(Category.sort)))}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def _persons_per_category(at: date) -> list[tuple[str, int]]:
    """Distinct persons per category: the person of a personal membership, else every member."""
    alive = membership_in_force(at) & household_on_roster(at) & person_on_roster(at)
    personal = (Membership.select(Membership.category, Person.id.alias("pid"))
                .join(Person, on=(Membership.person == Person.id))
                .join(Household, on=(Person.household == Household.id))
                .where(Membership.person.is_null(False) & alive))
    whole = (Membership.select(Membership.category, Person.id.alias("pid"))
             .join(Person, on=(Person.household == Membership.household))
             .join(Household, on=(Membership.household == Household.id))
             .where(Membership.person.is_null() & alive))
    both = (personal | whole).alias("u")  # UNION: a person counted once per category
    return _rows(Select([both], [both.c.category, fn.COUNT(SQL("*"))]).group_by(both.c.category))


def _amounts_due(scope: Scope) -> tuple[Counter[str], dict[str, Fraction]]:
    """应发 per category (rounded once per membership) and per month (exact, rounded by the caller)."""
    from tui_register.domain.payments import Period, amount_due, membership_months, month_share
    from tui_register.storage.payments import standards_for

    due: Counter[str] = Counter()
    per_month: dict[str, Fraction] = defaultdict(Fraction)
    span = Period("span", scope.date_from, scope.date_to)
    standards: dict[tuple[str, str], list] = {}
    query = (Membership.select(Membership.category, Membership.amount_fen, Membership.period, Membership.grade,
                               Membership.start_date, Membership.end_date, Household.status,
                               Household.status_date, Membership.id)
             .join(Household)
             .where((Membership.status != "voided") & (Membership.start_date <= scope.date_to)
                    & (Membership.end_date.is_null() | (Membership.end_date >= scope.date_from))))
    for page in pages(query, (Membership.id,)):
        for code, amount, period, grade, start, end, household_status, closed, _id in page:
            if (code, grade) not in standards:
                standards[(code, grade)] = standards_for(code, grade)
            rule = dict(own_amount_fen=amount, own_period=period, standards=standards[(code, grade)])
            # Nothing falls due after the household is closed, whatever its memberships say.
            stops = [d for d in (end, closed if household_status == "closed" else None) if d]
            last = date.fromisoformat(min(stops)) if stops else None
            months_due = membership_months(date.fromisoformat(start), last, span, **rule)
            if not months_due:
                continue
            due[code] += amount_due(months_due, **rule)
            for month in months_due:
                per_month[f"{month[0]:04d}-{month[1]:02d}"] += month_share(month, **rule)
    return due, per_month


# --- payments --------------------------------------------------------------------------------

def _paid_lines(scope: Scope, *group: Any) -> Select:
    """实发: lines paid with a payment date in the period: fen, lines (人次), distinct recipients."""
    recipient = PaymentLine.household.concat("-").concat(fn.COALESCE(PaymentLine.person, "h"))
    query = (PaymentLine.select(*group, fn.COALESCE(fn.SUM(PaymentLine.amount_fen), 0), fn.COUNT(PaymentLine.id),
                                fn.COUNT(fn.DISTINCT(recipient)))
             .where((PaymentLine.state == "paid") & _between(PaymentLine.paid_on, scope)))
    return query.group_by(*group) if group else query


def payments_by_month(scope: Scope, due_per_month: dict[str, Fraction]) -> list[tuple]:
    paid = {row[0]: row[1:] for row in _rows(_paid_lines(scope, _month(PaymentLine.paid_on)))}
    return [(m, _round_fen(due_per_month.get(m, Fraction(0))), *paid.get(m, (0, 0, 0)))
            for m in months(scope.date_from, scope.date_to)]


def _round_fen(value: Fraction) -> int:
    return int(value + Fraction(1, 2))


# --- volunteers ----------------------------------------------------------------------------

def volunteers_by_month(scope: Scope) -> list[tuple]:
    valid = (Activity.status == "valid") & _between(Activity.activity_date, scope)
    activities = dict(_rows(Activity.select(_month(Activity.activity_date), fn.COUNT(Activity.id))
                            .where(valid).group_by(_month(Activity.activity_date))))
    taking_part = {row[0]: row[1:] for row in _rows(_participation(valid, _month(Activity.activity_date)))}
    return [(m, activities.get(m, 0), *taking_part.get(m, (0, 0, 0)))
            for m in months(scope.date_from, scope.date_to)]


def _participation(valid: Expression, *group: Any) -> Select:
    """人次, distinct volunteers, hours (tenths) of valid participations in valid activities."""
    query = (Participation.select(*group, fn.COUNT(Participation.id), fn.COUNT(fn.DISTINCT(Participation.volunteer)),
                                  fn.COALESCE(fn.SUM(Participation.hours_tenths), 0))
             .join(Activity).where(valid & (Participation.status == "valid")))
    return query.group_by(*group) if group else query


# --- the workbook -----------------------------------------------------------------------------

@dataclass
class _Figures:
    villages: dict[str, _Village]
    categories: dict[str, _Category]
    months: list[tuple]
    campaigns: list[tuple]
    volunteer_months: list[tuple]
    payment_months: list[tuple]


STEPS = 7  # six queries, then the workbook


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    progress(0, STEPS)
    villages = by_village(scope)
    progress(1, STEPS)
    due, due_per_month = _amounts_due(scope)
    categories = by_category(scope, due)
    progress(2, STEPS)
    by_month = visits_by_month(scope)
    progress(3, STEPS)
    by_campaign = visits_by_campaign(scope)
    progress(4, STEPS)
    volunteer_months = volunteers_by_month(scope)
    progress(5, STEPS)
    figures = _Figures(villages, categories, by_month, by_campaign, volunteer_months,
                       payments_by_month(scope, due_per_month))
    progress(6, STEPS)
    heading, subtitle = title(scope, _("report.name.summary")), describe(scope)
    _write_overview(book, scope, figures, heading, subtitle)
    _table(book, "report.sheet.by_category", heading, subtitle, [
        Column(_("report.col.category")), Column(_("report.col.households_on_register"), "int"),
        Column(_("report.col.persons_on_register"), "int"), Column(_("report.col.households_new"), "int"),
        Column(_("report.col.households_ended"), "int"),
        Column(_("report.col.amount_due", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.amount_paid", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.payment_lines"), "int", total="sum"),
        Column(_("report.col.persons_paid"), "int"),
        *_visit_columns(book, given_cash=False),
    ], ((code_label("category", code), c.households, c.persons, c.new, c.ended, c.due, c.paid, c.paid_lines,
         c.paid_persons, c.visits, c.visited, c.cash) for code, c in figures.categories.items()))
    _table(book, "report.sheet.by_village", heading, subtitle, [
        Column(_("report.col.village")), Column(_("report.col.households_on_register"), "int", total="sum"),
        Column(_("report.col.persons_on_register"), "int", total="sum"),
        Column(_("report.col.households_new"), "int", total="sum"),
        Column(_("report.col.households_closed"), "int", total="sum"),
        Column(_("report.col.visit_count"), "int", total="sum"),
        Column(_("report.col.cash", unit=book.unit_label()), "money", total="sum"),
    ], ((name, v.households, v.persons, v.new, v.closed, v.visits, v.cash)
        for name, v in figures.villages.items()))
    _table(book, "report.sheet.by_month", heading, subtitle, [
        Column(_("report.col.month"), "month"), *_visit_columns(book)], figures.months)
    _table(book, "report.sheet.by_campaign", heading, subtitle, [
        Column(_("report.col.campaign")), Column(_("report.col.start_date"), "date"),
        Column(_("report.col.end_date"), "date"), Column(_("report.col.targets"), "int", total="sum"),
        *_visit_columns(book)], figures.campaigns)
    _table(book, "report.sheet.volunteer_months", heading, subtitle, [
        Column(_("report.col.month"), "month"), Column(_("report.col.activity_count"), "int", total="sum"),
        Column(_("report.col.participations"), "int", total="sum"),
        Column(_("report.col.volunteer_count"), "int"),
        Column(_("report.col.hours"), "hours", total="sum"),
    ], figures.volunteer_months)
    _table(book, "report.sheet.payment_months", heading, subtitle, [
        Column(_("report.col.month"), "month"),
        Column(_("report.col.amount_due", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.amount_paid", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.payment_lines"), "int", total="sum"),
        Column(_("report.col.persons_paid"), "int"),
    ], figures.payment_months)
    progress(STEPS, STEPS)


def _visit_columns(book: Book, given_cash: bool = True) -> list[Column]:
    # Distinct households do not add up over months or campaigns: no total for them.
    return [Column(_("report.col.visit_count"), "int", total="sum"),
            Column(_("report.col.households_visited"), "int"),
            *([Column(_("report.col.households_given_cash"), "int")] if given_cash else []),
            Column(_("report.col.cash", unit=book.unit_label()), "money", total="sum")]


def _table(book: Book, sheet_key: str, heading: str, subtitle: str, columns: list[Column],
           rows: Iterable[tuple]) -> None:
    sheet = book.sheet(_(sheet_key), columns, heading, subtitle)
    for row in rows:
        sheet.add(row)


def _write_overview(book: Book, scope: Scope, f: _Figures, heading: str, subtitle: str) -> None:
    valid = _valid_visits(scope)
    visits, households, given_cash, cash = _rows(Visit.select(*_visit_figures()).where(valid))[0]
    checked = Visit.select(fn.COUNT(fn.DISTINCT(Visit.household))).where(
        valid & (Visit.purpose == "data_check")).scalar()
    deceased = Person.select().where((Person.status == "deceased") & _between(Person.status_date, scope)).count()
    in_period = (Activity.status == "valid") & _between(Activity.activity_date, scope)
    activities = Activity.select().where(in_period).count()
    participations, volunteers, tenths = _rows(_participation(in_period))[0]
    paid, paid_lines, paid_persons = _rows(_paid_lines(scope))[0]
    villages = f.villages.values()
    figures = [
        ("households_on_register", "int", sum(v.households for v in villages), "households"),
        ("persons_on_register", "int", sum(v.persons for v in villages), "persons"),
        ("households_new", "int", sum(v.new for v in villages), "households"),
        ("households_closed", "int", sum(v.closed for v in villages), "households"),
        ("persons_deceased", "int", deceased, "persons"),
        ("visits", "int", visits, "times"),
        ("households_visited", "int", households, "households"),
        ("households_given_cash", "int", given_cash, "households"),
        ("cash", "money", cash, None),
        ("households_checked", "int", checked, "households"),
        ("amount_due", "money", sum(c.due for c in f.categories.values()), None),
        ("amount_paid", "money", paid, None),
        ("payment_lines", "int", paid_lines, "times"),
        ("persons_paid", "int", paid_persons, "persons"),
        ("activities", "int", activities, "activities"),
        ("volunteers", "int", volunteers, "volunteers"),
        ("participations", "int", participations, "times"),
        ("hours", "hours", tenths, "hours"),
    ]
    sheet = book.sheet(_("report.sheet.overview"), [
        Column(_("report.col.figure")), Column(_("report.col.value"), "mixed"), Column(_("report.col.unit")),
    ], heading, subtitle)
    for key, kind, value, unit in figures:
        sheet.add((_(f"report.figure.{key}"), (kind, value or 0),
                   _(f"report.u.{unit}") if unit else book.unit_label()))
