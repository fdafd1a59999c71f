"""走访慰问台账: the visits of a period, one row each; voided visits and households not
reached (未遇, an attempt, not a visit) are left out. A visit's categories are the ones its
household held on the day of the visit: the category filter and the 类别 column alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from peewee import Expression

from tui_register.i18n import _
from tui_register.reports.data import (
    Scope,
    categories_held,
    category_held,
    code_label,
    describe,
    held_text,
    household_filter,
    pages,
    title,
    under_places,
    village_of,
)
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import Campaign, Household, Membership, Visit, database, membership_held


def columns(book: Book) -> list[Column]:
    return [
        Column(_("report.col.visit_date"), "date"),
        Column(_("report.col.village")),
        Column(_("report.col.head_name"), total="count"),
        Column(_("report.col.head_id"), "code"),
        Column(_("report.col.address")),
        Column(_("report.col.categories")),
        Column(_("report.col.purpose")),
        Column(_("report.col.campaign")),
        Column(_("report.col.visitors")),
        Column(_("report.col.cash", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.goods")),
        Column(_("report.col.findings")),
        Column(_("report.col.follow_up")),
        Column(_("report.col.follow_up_due"), "date"),
    ]


def _conditions(scope: Scope) -> Expression:
    cond = (Visit.counted() & (Visit.visit_date >= scope.date_from)
            & (Visit.visit_date <= scope.date_to))
    if scope.purpose:
        cond &= Visit.purpose == scope.purpose
    if scope.campaign:
        cond &= Visit.campaign == scope.campaign.id
    for households in (household_filter(scope), category_held(scope, Visit.household, Visit.visit_date)):
        if households is not None:
            cond &= households
    return cond


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    cond = _conditions(scope)
    total = Visit.select().join(Household).where(cond).count()
    campaigns = dict(Campaign.select(Campaign.id, Campaign.name).tuples())
    sheet = book.sheet(_("report.sheet.visits"), columns(book), title(scope, _("report.name.visits")),
                       describe(scope))
    query = (Visit.select(Household.place_path, Household.head_name, Household.head_id_number,
                          Household.address, categories_held(Visit.household, Visit.visit_date), Visit.purpose,
                          Visit.campaign, Visit.visitors, Visit.cash_fen, Visit.goods, Visit.findings, Visit.follow_up,
                          Visit.follow_up_due, Visit.visit_date, Visit.id)
             .join(Household).where(cond))
    add, id_text = sheet.add, scope.id_text
    # Plain dicts for the labels: a million rows repeat a few hundred values.
    villages: dict[str, str] = {}
    categories: dict[str, str] = {}
    purposes: dict[str, str] = {}
    done = 0
    progress(done, total)
    for page in pages(query, (Visit.visit_date, Visit.id)):
        for (path, head, head_id, address, codes, purpose, campaign, visitors, cash, goods, findings,
             follow_up, due, day, _id) in page:
            if path not in villages:
                villages[path] = village_of(path)
            if codes not in categories:
                categories[codes] = held_text(codes)
            if purpose not in purposes:
                purposes[purpose] = code_label("purpose", purpose)
            add((day, villages[path], head, id_text(head_id), address, categories[codes], purposes[purpose],
                 campaigns.get(campaign, ""), visitors, cash or None, goods, findings, follow_up, due))
        done += len(page)
        progress(done, total)


@dataclass
class VisitFigures:
    """人次, distinct households and cash of some visits."""

    visits: int = 0
    households: int = 0
    cash: int = 0


def by_category(scope: Scope, groups: dict[str, tuple[str, ...]] | None = None
                ) -> tuple[dict[str, VisitFigures], dict[str, VisitFigures]]:
    """The period's visits that count, by the categories their households held on the day of
    each visit: per category, and per group of categories (`groups`: name -> codes). A visit
    counts once in a category or a group, however many of its categories the household held."""
    m = Membership.alias("held")
    # One row per visit and category (grouped, not DISTINCT: a third faster on a year of the
    # 100k demo), though two members may hold the same category.
    held = (Visit.select(Visit.id, m.category, Visit.household, Visit.cash_fen)
            .join(m, on=(m.household == Visit.household) & membership_held(Visit.visit_date, table=m))
            .where(Visit.counted() & (Visit.visit_date >= scope.date_from) & (Visit.visit_date <= scope.date_to)))
    if scope.place_paths:
        held = held.join(Household, on=(Visit.household == Household.id)).where(
            under_places(Household.place_path, scope.place_paths))
    groups = groups or {}
    of_code = {code: [name for name, codes in groups.items() if code in codes] for g in groups.values() for code in g}
    per_code: dict[str, list] = {}
    per_group: dict[str, list] = {name: [set(), set(), 0] for name in groups}
    for visit, code, household, cash in database.execute(held.group_by(m.category, Visit.id)):
        figures = per_code.setdefault(code, [0, set(), 0])
        figures[0] += 1
        figures[1].add(household)
        figures[2] += cash or 0
        for name in of_code.get(code, ()):
            seen = per_group[name]
            if visit not in seen[0]:
                seen[0].add(visit)
                seen[1].add(household)
                seen[2] += cash or 0
    return ({code: VisitFigures(n, len(households), cash) for code, (n, households, cash) in per_code.items()},
            {name: VisitFigures(len(visits), len(households), cash) for name, (visits, households, cash)
             in per_group.items()})
