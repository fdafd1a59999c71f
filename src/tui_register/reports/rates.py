"""比率与平均: averages and rates whose two terms are both figures of the summary.

Each row names how it is computed (计算方法). A rate is shown in per cent to one decimal; a
rate or average whose denominator is 0 is left blank. The terms are the summary's figures
for the same period (`Figures`), except person-months, read here:
- person-months (人月) of a category: for every membership of it, the months of the period it
  falls due in by the one counting rule of payment rounds (`domain.payments.membership_months`,
  the household's closing ending it as on 应发), times the persons it is for: one for a
  personal membership, the household's persons on the register at the end of the period for a
  household's (at least one);
- 月人均补差 of a category: its 实发 ÷ its person-months, in yuan, rounded to the fen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from peewee import fn

from tui_register.i18n import _
from tui_register.reports.data import Scope, code_label, household_on_roster, pages, person_on_roster
from tui_register.reports.workbook import Column

if TYPE_CHECKING:
    from tui_register.reports.summary import Figures, _Pages


@dataclass(frozen=True)
class Rate:
    key: str  # report.rate.<key> names it, report.rate_how.<key> says how it is computed
    category: str  # a category code, or ""
    kind: str  # "percent" (value in tenths of a per cent) or "money" (fen)
    value: int | None  # None when the denominator is 0
    numerator: int
    denominator: int


def _ratio(numerator: int, denominator: int, scale: int) -> int | None:
    """numerator ÷ denominator × scale, rounded half up; None for a denominator of 0."""
    if not denominator:
        return None
    return (2 * numerator * scale + denominator) // (2 * denominator)


def person_months(scope: Scope) -> Counter[str]:
    """Person-months per category code (see the module's definitions)."""
    from tui_register.domain.payments import Period, membership_months
    from tui_register.reports.summary import _here
    from tui_register.storage.models import Household, Membership, Person, database
    from tui_register.storage.payments import standards_for

    at = scope.date_to
    persons = dict(database.execute(
        Person.select(Person.household, fn.COUNT(Person.id)).join(Household)
        .where(household_on_roster(at) & person_on_roster(at) & _here(scope)).group_by(Person.household)).fetchall())
    span = Period("span", scope.date_from, scope.date_to)
    standards: dict[tuple[str, str], list] = {}
    found: Counter[str] = Counter()
    query = (Membership.select(Membership.category, Membership.amount_fen, Membership.period, Membership.grade,
                               Membership.start_date, Membership.end_date, Household.status,
                               Household.status_date, Membership.person, Membership.household, Membership.id)
             .join(Household)
             .where((Membership.status != "voided") & (Membership.start_date <= scope.date_to)
                    & (Membership.end_date.is_null() | (Membership.end_date >= scope.date_from)) & _here(scope)))
    for page in pages(query, (Membership.id,)):
        for code, amount, period, grade, start, end, status, closed, person, household, _id in page:
            if (code, grade) not in standards:
                standards[(code, grade)] = standards_for(code, grade)
            stops = [d for d in (end, closed if status == "closed" else None) if d]
            last = date.fromisoformat(min(stops)) if stops else None
            months = membership_months(date.fromisoformat(start), last, span, own_amount_fen=amount,
                                       own_period=period, standards=standards[(code, grade)])
            if months:
                found[code] += len(months) * (1 if person else max(1, persons.get(household, 0)))
    return found


def rates(scope: Scope, figures: Figures) -> list[Rate]:
    """The rows of 比率与平均, in the order shown."""
    out: list[Rate] = []
    months = person_months(scope)
    for code, c in figures.categories.items():
        if months.get(code) or c.paid:
            out.append(Rate("monthly_per_person", code, "money", _ratio(c.paid, months.get(code, 0), 1),
                            c.paid, months.get(code, 0)))
    tekun = next((c for g, c in figures.groups if g.code == "tekun"), None)
    centralised = figures.categories.get("tekun_centralised")
    if tekun is not None:
        held = centralised.persons if centralised else 0
        out.append(Rate("centralised_share", "", "percent", _ratio(held, tekun.persons, 1000), held, tekun.persons))
    total = figures.total
    for key, numerator, denominator in (
            ("visit_coverage", total("households_visited"), total("households_on_register")),
            ("check_coverage", total("households_checked"), total("households_on_register")),
            ("paid_share", total("amount_paid"), total("amount_due"))):
        out.append(Rate(key, "", "percent", _ratio(numerator, denominator, 1000), numerator, denominator))
    out.append(Rate("cash_per_household", "", "money", _ratio(total("cash"), total("households_given_cash"), 1),
                    total("cash"), total("households_given_cash")))
    return out


def write(pages_: _Pages, rows: list[Rate]) -> None:
    """The sheet 比率与平均: figure, category, value, unit, how it is computed."""
    book = pages_.book
    sheet = pages_.sheet("report.sheet.rates", [
        Column(_("report.col.figure")), Column(_("report.col.category")), Column(_("report.col.value"), "mixed"),
        Column(_("report.col.unit")), Column(_("report.col.how_computed")),
    ])
    for r in rows:
        # Per cent to one decimal is written as tenths, shown with one decimal (the hours format).
        value = None if r.value is None else (("hours", r.value) if r.kind == "percent" else ("money", r.value))
        unit = "%" if r.kind == "percent" else _(f"report.rate_unit.{r.key}", unit=book.unit_label())
        sheet.add((_(f"report.rate.{r.key}"), code_label("category", r.category) if r.category else "", value,
                   unit, _(f"report.rate_how.{r.key}")))
