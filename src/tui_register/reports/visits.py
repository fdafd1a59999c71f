"""走访慰问台账: the visits of a period, one row each; voided visits and households not
reached (未遇, an attempt, not a visit) are left out. A visit's categories are the ones its
household held on the day of the visit: the category filter and the 类别 column alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from peewee import SQL, Case, Expression, Select, fn

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
    # One row per visit and category held that day (grouped, not DISTINCT: a third faster on a
    # year of the 100k demo), though two members may hold the same category.
    held = (Visit.select(Visit.id.alias("vid"), m.category.alias("code"), Visit.household.alias("hid"),
                         Visit.cash_fen.alias("cash"))
            .join(m, on=(m.household == Visit.household) & membership_held(Visit.visit_date, table=m))
            .where(Visit.counted() & (Visit.visit_date >= scope.date_from) & (Visit.visit_date <= scope.date_to)))
    if scope.place_paths:
        held = held.join(Household, on=(Visit.household == Household.id)).where(
            under_places(Household.place_path, scope.place_paths))
    held = held.group_by(m.category, Visit.id).alias("u")
    figures = [fn.COUNT(SQL("*")), fn.COUNT(held.c.hid.distinct()), fn.COALESCE(fn.SUM(held.c.cash), 0)]
    per_code = {code: VisitFigures(*rest) for code, *rest in database.execute(
        Select([held], [held.c.code, *figures]).group_by(held.c.code))}
    names = list(groups or {})
    if not names:
        return per_code, {}
    # Per group: one row per visit, marked for each group one of its categories was held in.
    marks = [fn.MAX(Case(None, [(held.c.code.in_(list(groups[name])), 1)], 0)).alias(f"g{i}")
             for i, name in enumerate(names)]
    visits = Select([held], [held.c.hid, held.c.cash, *marks]).group_by(held.c.vid).alias("v")
    columns = []
    for i in range(len(names)):
        mark = getattr(visits.c, f"g{i}")
        columns += [fn.COALESCE(fn.SUM(mark), 0), fn.COUNT(Case(None, [(mark == 1, visits.c.hid)]).distinct()),
                    fn.COALESCE(fn.SUM(Case(None, [(mark == 1, visits.c.cash)], 0)), 0)]
    row = database.execute(Select([visits], columns)).fetchone()
    return per_code, {name: VisitFigures(*row[3 * i:3 * i + 3]) for i, name in enumerate(names)}
