"""统计汇总: the figures a year-end work report quotes, for a period, on eight sheets.

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
  households given cash, and the cash.
- groups (按类别, after the categories): one subtotal row per group of `domain.categories`
  (低保 = 城市低保 + 农村低保, 特困 = 集中 + 分散, 残疾, 优抚对象, 重点优抚对象 as configured in
  `[categories] key_youfu`), then the total of every category (合计). A group's or the total's
  households, persons, new and ended households and recipients paid are distinct: a household
  (or person) in two of its categories counts once; its amounts and 发放人次 are the sum of its
  categories'.
- by village and category (按村分类别): households and persons on the register at the end of
  the period per village (社区) and category, counted as on 按类别; where a village has grids, a
  row per grid and category follows the village's rows (the village's row includes them).
- places (概览): the places of each level (乡镇（街道）, 村（社区）, 网格) in the register, not
  voided, at or below `--place`.
- `--place P` (a township, village or grid, by name, code or path): every figure counts only
  households at or below P (their persons, memberships, visits, campaign targets and payment
  lines). Volunteer activities record no place of the register: with --place the volunteer
  figures and their sheet are left out.

- previous period (上期 / 增减 on 概览 and 按类别): households and persons on the register at the
  end of the period of the same length just before (`trends.previous_dates`), by the rules above.
- rates and averages (比率与平均), each with its 计算方法: 月人均补差 per category (实发 ÷ person-months,
  person-months as defined in `reports.rates`), 集中供养率, 走访覆盖率, 数据核查覆盖率, 实发占应发比例,
  户均慰问金; charts (图表, `reports.charts`) drawn from the cells of 走访按月, 按类别 and 发放按月.

Printed pages: every sheet's page header names the report and the sheet, and the end of every
sheet has the lines an office signs (填报单位, 负责人, 填报人, 填报日期).
  households given cash, and the cash; by category (按类别): by the categories the household held on
  the day of the visit (`reports.visits.by_category`), a visit once per category.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Callable, Iterable

from peewee import SQL, Case, Expression, Select, fn

from tui_register.domain.categories import CategoryGroup, category_groups
from tui_register.i18n import _
from tui_register.reports import assistance, charts, rates, trends
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
    under_places,
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
    Place,
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


def _here(scope: Scope) -> Expression:
    """Households at or below the summary's place (every household without --place)."""
    if scope.place_paths:
        return under_places(Household.place_path, scope.place_paths)
    return Household.id.is_null(False)


def _in_place(query: Select, scope: Scope, on: Any = None) -> Select:
    """`query` limited to the place; `on` joins Household to it first (a query without it)."""
    if not scope.place_paths:
        return query
    if on is not None:
        query = query.join(Household, on=on)
    return query.where(_here(scope))


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


def _visits(scope: Scope, *columns: Any) -> Select:
    """The valid visits of the period at the place."""
    return _in_place(Visit.select(*columns).where(_valid_visits(scope)), scope, Visit.household == Household.id)


def visits_by_month(scope: Scope) -> list[tuple]:
    found = {row[0]: row[1:] for row in _rows(
        _visits(scope, *_visit_figures(_month(Visit.visit_date))).group_by(_month(Visit.visit_date)))}
    return [(m, *found.get(m, (0, 0, 0, 0))) for m in months(scope.date_from, scope.date_to)]


def visits_by_campaign(scope: Scope) -> list[tuple]:
    found = {row[0]: row[1:] for row in _rows(_visits(scope, *_visit_figures(Visit.campaign)).group_by(Visit.campaign))}
    targets = dict(_rows(_in_place(CampaignTarget.select(CampaignTarget.campaign, fn.COUNT(CampaignTarget.id))
                                   .where(CampaignTarget.status == "active"), scope,
                                   CampaignTarget.household == Household.id)
                         .group_by(CampaignTarget.campaign)))
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

    here = _here(scope)
    add(Household.select(Household.place_path, fn.COUNT(Household.id)).where(household_on_roster(at) & here),
        "households")
    add(Person.select(Household.place_path, fn.COUNT(Person.id)).join(Household)
        .where(household_on_roster(at) & person_on_roster(at) & here), "persons")
    add(Household.select(Household.place_path, fn.COUNT(Household.id))
        .where(_days_between(registered_on(), scope) & here), "new")
    add(Household.select(Household.place_path, fn.COUNT(Household.id))
        .where((Household.status == "closed") & _between(Household.status_date, scope) & here), "closed")
    add(Visit.select(Household.place_path, fn.COUNT(Visit.id), fn.SUM(Visit.cash_fen)).join(Household)
        .where(_valid_visits(scope) & here), "visits", "cash")
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


# (place path, the set of category codes held) → how many households, persons or recipients
Held = Counter


@dataclass
class _Holding:
    """Who held which categories, read once for 按类别, its subtotals and 按村分类别: each key is
    a place path and a set of category codes, each value the households (or persons, or
    recipients paid) with exactly that set. A group's distinct count is then the sum over
    the sets that meet it, without a query per group."""

    households: Held  # on the register at the end of the period, per categories in force then
    persons: Held
    new: Held  # households with memberships started in the period, per those categories
    ended: Held
    paid: Held  # recipients of lines paid in the period, per the lines' categories


def held(scope: Scope) -> _Holding:
    """Five reads, each streamed into counts per (place path, set of categories)."""
    at = scope.date_to
    codes = fn.GROUP_CONCAT(fn.DISTINCT(Membership.category))
    on_roster = membership_in_force(at) & household_on_roster(at)

    def per_household(cond: Expression) -> Held:
        return _sets(Membership.select(Household.place_path, codes).join(Household)
                     .where(cond & _here(scope)).group_by(Membership.household))

    recipient = PaymentLine.household.concat("-").concat(fn.COALESCE(PaymentLine.person, "h"))
    return _Holding(
        households=per_household(on_roster),
        persons=_persons_held(scope, on_roster),
        new=per_household(_between(Membership.start_date, scope) & (Membership.status != "voided")),
        ended=per_household(_between(Membership.end_date, scope) & (Membership.status == "ended")),
        paid=_sets(_in_place(PaymentLine.select(SQL("''"), fn.GROUP_CONCAT(fn.DISTINCT(PaymentLine.category)))
                             .where((PaymentLine.state == "paid") & _between(PaymentLine.paid_on, scope)),
                             scope, PaymentLine.household == Household.id).group_by(recipient)),
    )


def _sets(query: Select) -> Held:
    """Count the rows of (path, "code,code") by path and set of codes, streaming the rows."""
    found: Held = Counter()
    for path, codes in database.execute(query):
        found[(path, frozenset(codes.split(",")))] += 1
    return found


def _persons_held(scope: Scope, on_roster: Expression) -> Held:
    """Persons on the register at the end of the period per the categories they count in: their
    own memberships, and every membership of their household's that is not personal."""
    alive = on_roster & person_on_roster(scope.date_to) & _here(scope)
    columns = [Household.place_path.alias("path"), Person.id.alias("pid"), Membership.category.alias("code")]
    personal = (Membership.select(*columns)
                .join(Person, on=(Membership.person == Person.id))
                .join(Household, on=(Person.household == Household.id))
                .where(Membership.person.is_null(False) & alive))
    whole = (Membership.select(*columns)
             .join(Person, on=(Person.household == Membership.household))
             .join(Household, on=(Membership.household == Household.id))
             .where(Membership.person.is_null() & alive))
    both = (personal | whole).alias("u")
    return _sets(Select([both], [fn.MIN(both.c.path), fn.GROUP_CONCAT(fn.DISTINCT(both.c.code))])
                 .group_by(both.c.pid))


def _count(found: Held, codes: Iterable[str]) -> int:
    """The households (or persons) of `found` holding any of `codes`: each once."""
    wanted = set(codes)
    return sum(n for (_path, held_codes), n in found.items() if wanted & held_codes)


def by_category(scope: Scope, holding: _Holding, due: Counter[str] | None = None,
                visits: dict[str, visit_report.VisitFigures] | None = None) -> dict[str, _Category]:
    """The figures of each category that has any, in catalog order."""
    found: dict[str, _Category] = defaultdict(_Category)
    for name in ("households", "persons", "new", "ended"):
        per_code: Counter[str] = Counter()
        for (_path, codes), n in getattr(holding, name).items():
            for code in codes:
                per_code[code] += n
        for code, n in per_code.items():
            setattr(found[code], name, n)
    for code, fen in (due if due is not None else _amounts_due(scope)[0]).items():
        found[code].due = fen
    for code, fen, lines, persons in _rows(_paid_lines(scope, PaymentLine.category)):
        found[code].paid, found[code].paid_lines, found[code].paid_persons = fen, lines, persons
    for code, v in (visits if visits is not None else visit_report.by_category(scope)[0]).items():
        found[code].visits, found[code].visited, found[code].cash = v.visits, v.households, v.cash
    order = {c: i for i, (c,) in enumerate(_rows(Category.select(Category.code).order_by(Category.sort)))}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def of_codes(codes: tuple[str, ...], categories: dict[str, _Category], holding: _Holding,
             visits: visit_report.VisitFigures | None = None) -> _Category:
    """The figures of several categories together (a group, or all of them): households,
    persons, recipients and visits each counted once; amounts and 发放人次 the categories' sums."""
    v = visits or visit_report.VisitFigures()
    total = _Category(households=_count(holding.households, codes), persons=_count(holding.persons, codes),
                      new=_count(holding.new, codes), ended=_count(holding.ended, codes),
                      paid_persons=_count(holding.paid, codes), visits=v.visits, visited=v.households, cash=v.cash)
    for code in codes:
        if code in categories:
            total.due += categories[code].due
            total.paid += categories[code].paid
            total.paid_lines += categories[code].paid_lines
    return total


def by_village_and_category(holding: _Holding) -> list[tuple]:
    """(village, grid, category, households, persons) at the end of the period; a village's
    rows (grid "") first, then its grids' rows when it has grids."""
    households: Counter[tuple[str, str, str]] = Counter()
    persons: Counter[tuple[str, str, str]] = Counter()
    for found, counts in ((holding.households, households), (holding.persons, persons)):
        for (path, codes), n in found.items():
            township, village, grid = path_parts(path)
            for place in [(village or township, "")] + ([(village or township, grid)] if grid else []):
                for code in codes:
                    counts[(*place, code)] += n
    order = {c: i for i, (c,) in enumerate(_rows(Category.select(Category.code).order_by(Category.sort)))}
    keys = sorted(households.keys() | persons.keys(),
                  key=lambda k: (k[0], k[1] != "", k[1], order.get(k[2], len(order))))
    return [(village, grid, code, households[(village, grid, code)], persons[(village, grid, code)])
            for village, grid, code in keys]


def _amounts_due(scope: Scope) -> tuple[Counter[str], dict[str, Fraction]]:
    """应发 per category (rounded once per membership) and per month (exact, rounded by the caller)."""
    from tui_register.domain.payments import DueTally, Period, last_day_due
    from tui_register.storage.payments import standards_for

    due: Counter[str] = Counter()
    per_month: Counter[str] = Counter()  # twelfths of a fen
    tally = DueTally(Period("span", scope.date_from, scope.date_to))
    standards: dict[tuple[str, str], tuple] = {}
    query = (Membership.select(Membership.category, Membership.amount_fen, Membership.period, Membership.grade,
                               Membership.start_date, Membership.end_date, Household.status,
                               Household.status_date, Membership.id)
             .join(Household)
             .where((Membership.status != "voided") & (Membership.start_date <= scope.date_to)
                    & (Membership.end_date.is_null() | (Membership.end_date >= scope.date_from)) & _here(scope)))
    for page in pages(query, (Membership.id,)):
        for code, amount, period, grade, start, end, household_status, closed, _id in page:
            if (code, grade) not in standards:
                standards[(code, grade)] = tuple(standards_for(code, grade))
            last = last_day_due(end and date.fromisoformat(end),
                                date.fromisoformat(closed) if household_status == "closed" and closed else None)
            fen, shares = tally.due(date.fromisoformat(start), last, own_amount_fen=amount, own_period=period,
                                    standards=standards[(code, grade)])
            due[code] += fen
            for (year, month), twelfths in shares:
                per_month[f"{year:04d}-{month:02d}"] += twelfths
    return due, {month: Fraction(twelfths, 12) for month, twelfths in per_month.items()}


# --- payments --------------------------------------------------------------------------------

def _paid_lines(scope: Scope, *group: Any) -> Select:
    """实发: lines paid with a payment date in the period: fen, lines (人次), distinct recipients."""
    recipient = PaymentLine.household.concat("-").concat(fn.COALESCE(PaymentLine.person, "h"))
    query = (PaymentLine.select(*group, fn.COALESCE(fn.SUM(PaymentLine.amount_fen), 0), fn.COUNT(PaymentLine.id),
                                fn.COUNT(fn.DISTINCT(recipient)))
             .where((PaymentLine.state == "paid") & _between(PaymentLine.paid_on, scope)))
    query = _in_place(query, scope, PaymentLine.household == Household.id)
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


# --- places ----------------------------------------------------------------------------------

def places_by_level(scope: Scope) -> dict[str, int]:
    """Places of each level in the register (not voided), at or below the summary's place."""
    cond = Place.status != "voided"
    if scope.place_paths:
        cond &= under_places(Place.path, scope.place_paths)
    return dict(_rows(Place.select(Place.level, fn.COUNT(Place.id)).where(cond).group_by(Place.level)))


# --- the workbook -----------------------------------------------------------------------------

@dataclass
class Figures:
    """Every figure of the summary, as its sheets show them (the narrative quotes the same)."""

    villages: dict[str, _Village]
    categories: dict[str, _Category]
    groups: list[tuple[CategoryGroup, _Category]]  # the subtotals; the last is every category
    village_categories: list[tuple]
    places: dict[str, int]
    months: list[tuple]
    campaigns: list[tuple]
    volunteer_months: list[tuple] | None  # None with --place: activities have no place
    payment_months: list[tuple]
    overview: list[tuple[str, str, int, str | None]] = field(default_factory=list)  # (key, kind, value, unit)
    previous: trends.Previous | None = None  # 上期: the previous period's at-date figures

    def total(self, key: str) -> int:
        """An overview figure by its key (`visits`, `amount_paid` …); 0 where it is not given."""
        return next((value for name, _kind, value, _unit in self.overview if name == key), 0) or 0


STEPS = 9  # eight reads, then the workbook


def compute(scope: Scope, progress: Callable[[int, int], None] = lambda done, total: None) -> Figures:
    """Every figure of the summary for `scope`, read once (the workbook and the narrative)."""
    progress(0, STEPS)
    villages = by_village(scope)
    progress(1, STEPS)
    due, due_per_month = _amounts_due(scope)
    progress(2, STEPS)
    holding = held(scope)
    progress(3, STEPS)
    wanted = [g for g in category_groups(scope.key_youfu) if g.codes]
    visit_codes, visit_groups = visit_report.by_category(scope, {g.code: g.codes for g in wanted})
    categories = by_category(scope, holding, due, visit_codes)
    groups = [(g, of_codes(g.codes, categories, holding, visit_groups[g.code])) for g in wanted]
    village_categories = by_village_and_category(holding)
    progress(4, STEPS)
    by_month = visits_by_month(scope)
    progress(5, STEPS)
    by_campaign = visits_by_campaign(scope)
    progress(6, STEPS)
    volunteer_months = None if scope.place_paths else volunteers_by_month(scope)
    progress(7, STEPS)
    figures = Figures(villages, categories, groups, village_categories, places_by_level(scope), by_month,
                      by_campaign, volunteer_months, payments_by_month(scope, due_per_month))
    figures.overview = _overview(scope, figures)
    figures.previous = trends.previous(scope)
    progress(8, STEPS)
    return figures


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    figures = compute(scope, progress)
    heading, subtitle = title(scope, _("report.name.summary")), describe(scope)
    printed = _Pages(book, heading, subtitle, _("report.summary.sign_off", office=scope.office or ""))
    _write_overview(printed, scope, figures)
    _write_categories(printed, figures)
    printed.table("report.sheet.by_village", [
        Column(_("report.col.village")), Column(_("report.col.households_on_register"), "int", total="sum"),
        Column(_("report.col.persons_on_register"), "int", total="sum"),
        Column(_("report.col.households_new"), "int", total="sum"),
        Column(_("report.col.households_closed"), "int", total="sum"),
        Column(_("report.col.visit_count"), "int", total="sum"),
        Column(_("report.col.cash", unit=book.unit_label()), "money", total="sum"),
    ], ((name, v.households, v.persons, v.new, v.closed, v.visits, v.cash)
        for name, v in figures.villages.items()))
    # Distinct counts do not add up over categories: no totals row (filter by a category instead).
    printed.table("report.sheet.village_categories", [
        Column(_("report.col.village")), Column(_("report.col.grid")), Column(_("report.col.category")),
        Column(_("report.col.households_on_register"), "int"), Column(_("report.col.persons_on_register"), "int"),
    ], ((village, grid or _("report.summary.whole_village"), code_label("category", code), h, p)
        for village, grid, code, h, p in figures.village_categories))
    printed.table("report.sheet.by_month", [
        Column(_("report.col.month"), "month"), *_visit_columns(book)], figures.months)
    printed.table("report.sheet.by_campaign", [
        Column(_("report.col.campaign")), Column(_("report.col.start_date"), "date"),
        Column(_("report.col.end_date"), "date"), Column(_("report.col.targets"), "int", total="sum"),
        *_visit_columns(book)], figures.campaigns)
    if figures.volunteer_months is not None:
        printed.table("report.sheet.volunteer_months", [
            Column(_("report.col.month"), "month"), Column(_("report.col.activity_count"), "int", total="sum"),
            Column(_("report.col.participations"), "int", total="sum"),
            Column(_("report.col.volunteer_count"), "int"),
            Column(_("report.col.hours"), "hours", total="sum"),
        ], figures.volunteer_months)
    printed.table("report.sheet.payment_months", [
        Column(_("report.col.month"), "month"),
        Column(_("report.col.amount_due", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.amount_paid", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.payment_lines"), "int", total="sum"),
        Column(_("report.col.persons_paid"), "int"),
    ], figures.payment_months)
    assistance.write_sheet(printed, scope)
    rates.write(printed, rates.rates(scope, figures))
    charts.add(printed, len(figures.categories))
    progress(STEPS, STEPS)


def _visit_columns(book: Book, given_cash: bool = True) -> list[Column]:
    # Distinct households do not add up over months or campaigns: no total for them.
    return [Column(_("report.col.visit_count"), "int", total="sum"),
            Column(_("report.col.households_visited"), "int"),
            *([Column(_("report.col.households_given_cash"), "int")] if given_cash else []),
            Column(_("report.col.cash", unit=book.unit_label()), "money", total="sum")]


@dataclass
class _Pages:
    """The summary's sheets as printed: each titled and headed with its own name, each ending
    with the lines the office signs."""

    book: Book
    heading: str
    subtitle: str
    sign_off: str
    made: dict[str, Any] = field(default_factory=dict)  # sheet key → its table (for the charts)

    def sheet(self, sheet_key: str, columns: list[Column]):
        name = _(sheet_key)
        titled = _("report.summary.sheet_title", title=self.heading, sheet=name)
        self.made[sheet_key] = self.book.sheet(name, columns, titled, self.subtitle,
                                               closing_lines=[self.sign_off], page_header=titled)
        return self.made[sheet_key]

    def table(self, sheet_key: str, columns: list[Column], rows: Iterable[tuple]) -> None:
        sheet = self.sheet(sheet_key, columns)
        for row in rows:
            sheet.add(row)


def _category_row(name: str, c: _Category) -> tuple:
    return (name, c.households, c.persons, c.new, c.ended, c.due, c.paid, c.paid_lines, c.paid_persons,
            c.visits, c.visited, c.cash)


def _write_categories(pages: _Pages, f: Figures) -> None:
    """按类别: a row per category, a subtotal per group, and the total of every category, each
    household and person counted once (the rows are computed here, not SUBTOTALs: a household
    of two categories would count twice)."""
    unit = pages.book.unit_label()
    sheet = pages.sheet("report.sheet.by_category", [
        Column(_("report.col.category")), Column(_("report.col.households_on_register"), "int"),
        Column(_("report.col.persons_on_register"), "int"), Column(_("report.col.households_new"), "int"),
        Column(_("report.col.households_ended"), "int"),
        Column(_("report.col.amount_due", unit=unit), "money"),
        Column(_("report.col.amount_paid", unit=unit), "money"),
        Column(_("report.col.payment_lines"), "int"),
        Column(_("report.col.persons_paid"), "int"),
        # By the category held on each visit's day (a visit once per category or group).
        Column(_("report.col.visit_count"), "int"), Column(_("report.col.households_visited"), "int"),
        Column(_("report.col.cash", unit=unit), "money"), *trends.category_columns(),
    ])
    for code, c in f.categories.items():
        sheet.add(_category_row(code_label("category", code), c)
                  + trends.category_cells(f.previous, code, c.households, c.persons))
    *groups, (every, total) = f.groups
    for group, c in groups:
        sheet.add_subtotal(_category_row(_("report.summary.group_subtotal", group=group.name()), c)
                           + trends.group_cells(f.previous, group.code, c.households, c.persons))
    sheet.add_subtotal(_category_row(_("report.summary.all_categories"), total)
                       + trends.group_cells(f.previous, every.code, total.households, total.persons))


def _overview(scope: Scope, f: Figures) -> list[tuple[str, str, int, str | None]]:
    visits, households, given_cash, cash = _rows(_visits(scope, *_visit_figures()))[0]
    checked = _visits(scope, fn.COUNT(fn.DISTINCT(Visit.household))).where(Visit.purpose == "data_check").scalar()
    deceased = _in_place(Person.select().where((Person.status == "deceased") & _between(Person.status_date, scope)),
                         scope, Person.household == Household.id).count()
    paid, paid_lines, paid_persons = _rows(_paid_lines(scope))[0]
    villages = f.villages.values()
    figures = [
        ("households_on_register", "int", sum(v.households for v in villages), "households"),
        ("persons_on_register", "int", sum(v.persons for v in villages), "persons"),
        ("households_new", "int", sum(v.new for v in villages), "households"),
        ("households_closed", "int", sum(v.closed for v in villages), "households"),
        ("persons_deceased", "int", deceased, "persons"),
        *((f"places_{level}", "int", f.places.get(level, 0), "places") for level in ("township", "village", "grid")),
        ("visits", "int", visits, "times"),
        ("households_visited", "int", households, "households"),
        ("households_given_cash", "int", given_cash, "households"),
        ("cash", "money", cash, None),
        ("households_checked", "int", checked, "households"),
        ("amount_due", "money", sum(c.due for c in f.categories.values()), None),
        ("amount_paid", "money", paid, None),
        ("payment_lines", "int", paid_lines, "times"),
        ("persons_paid", "int", paid_persons, "persons"),
    ]
    if not scope.place_paths:
        in_period = (Activity.status == "valid") & _between(Activity.activity_date, scope)
        activities = Activity.select().where(in_period).count()
        participations, volunteers, tenths = _rows(_participation(in_period))[0]
        figures += [
            ("activities", "int", activities, "activities"),
            ("volunteers", "int", volunteers, "volunteers"),
            ("participations", "int", participations, "times"),
            ("hours", "hours", tenths, "hours"),
        ]
    return figures


def _write_overview(pages: _Pages, scope: Scope, f: Figures) -> None:
    sheet = pages.sheet("report.sheet.overview", [
        Column(_("report.col.figure")), Column(_("report.col.value"), "mixed"), Column(_("report.col.unit")),
        *trends.overview_columns(),
    ])
    for key, kind, value, unit in f.overview:
        sheet.add((_(f"report.figure.{key}"), (kind, value or 0),
                   _(f"report.u.{unit}") if unit else pages.book.unit_label(),
                   *trends.overview_cells(f.previous, key, value)))
