"""走访慰问台账: the visits of a period, one row each; voided visits and households not
reached (未遇, an attempt, not a visit) are left out."""

from __future__ import annotations

from typing import Callable

from peewee import Expression

from tui_register.i18n import _
from tui_register.reports.data import (
    Scope,
    categories_text,
    code_label,
    describe,
    household_filter,
    pages,
    title,
    village_of,
)
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import Campaign, Household, Visit


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
    households = household_filter(scope)
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
                          Household.address, Household.category_codes, Visit.purpose, Visit.campaign,
                          Visit.visitors, Visit.cash_fen, Visit.goods, Visit.findings, Visit.follow_up,
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
                categories[codes] = categories_text(codes)
            if purpose not in purposes:
                purposes[purpose] = code_label("purpose", purpose)
            add((day, villages[path], head, id_text(head_id), address, categories[codes], purposes[purpose],
                 campaigns.get(campaign, ""), visitors, cash or None, goods, findings, follow_up, due))
        done += len(page)
        progress(done, total)
