"""走访慰问台账: the visits of a period, one row each; voided visits and households not
reached (未遇, an attempt, not a visit) are left out. A visit's categories are the ones its
household held on the day of the visit: the category filter and the 类别 column alike."""

from __future__ import annotations

from typing import Callable

from peewee import SQL, Expression, Select, fn

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


def by_category(scope: Scope) -> list[tuple[str, int, int, int]]:
    """(category, 人次, households, cash) of the period's visits that count, by the categories
    their households held on the day of each visit; a visit counts once per category."""
    m = Membership.alias("held")
    # One row per visit and category (grouped, not DISTINCT: a third faster on a year of the
    # 100k demo), though two members may hold the same category.
    held = (Visit.select(m.category.alias("code"), Visit.household.alias("hid"), Visit.cash_fen.alias("cash"))
            .join(m, on=(m.household == Visit.household) & membership_held(Visit.visit_date, table=m))
            .where(Visit.counted() & (Visit.visit_date >= scope.date_from) & (Visit.visit_date <= scope.date_to))
            .group_by(m.category, Visit.id))
    u = held.alias("u")
    query = Select([u], [u.c.code, fn.COUNT(SQL("*")), fn.COUNT(u.c.hid.distinct()), fn.COALESCE(fn.SUM(u.c.cash), 0)])
    return database.execute(query.group_by(u.c.code)).fetchall()
