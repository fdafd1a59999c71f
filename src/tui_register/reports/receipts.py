"""慰问金发放签领表: one campaign's households, with cash and goods and room for a signature.

A household is on the sheet when it is one of the campaign's targets or was visited in it.
A visited household shows what its visits gave; one not yet visited shows the campaign's
standard cash and goods, which is what will be handed over when it signs. A household that
was not reached (未遇) is still open: it shows the standard cash, and 备注 says 未遇; one whose
cash someone else collected says 代领 and the collector's name. A household's categories (the
filter and the 类别 column) are the ones it held on some day of the campaign.
"""

from __future__ import annotations

from typing import Callable

from peewee import fn

from tui_register.i18n import _
from tui_register.reports.data import (
    Scope,
    categories_held,
    category_held,
    describe,
    held_text,
    household_filter,
    pages,
    title,
    village_of,
)
from tui_register.reports.options import ReportError
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import CampaignTarget, Household, Visit, database

HOUSEHOLDS_PER_PAGE = 2000
ROW_HEIGHT = 30  # room to sign by hand


def columns(book: Book) -> list[Column]:
    return [
        Column(_("report.col.number"), "int"),
        Column(_("report.col.village")),
        Column(_("report.col.head_name"), total="count"),
        Column(_("report.col.head_id"), "code"),
        Column(_("report.col.phone"), "code"),
        Column(_("report.col.address")),
        Column(_("report.col.categories")),
        Column(_("report.col.cash", unit=book.unit_label()), "money", total="sum"),
        Column(_("report.col.goods")),
        Column(_("report.col.signature"), "blank", width=18),
        Column(_("report.col.remark")),
    ]


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    campaign = scope.campaign
    if campaign is None:
        raise ReportError("report.campaign_required")
    targets = CampaignTarget.select(CampaignTarget.household).where(
        (CampaignTarget.campaign == campaign.id) & (CampaignTarget.status == "active"))
    visited = Visit.select(Visit.household).where((Visit.campaign == campaign.id) & Visit.counted())
    cond = Household.id.in_(targets) | Household.id.in_(visited)
    days = (campaign.start_date, campaign.end_date)
    for households in (household_filter(scope), category_held(scope, Household.id, *days)):
        if households is not None:
            cond &= households
    query = Household.select(Household.id, Household.head_name, Household.head_id_number, Household.phone,
                             Household.address, categories_held(Household.id, *days), Household.place_path,
                             Household.head_sort, Household.id).where(cond)
    total = query.count()
    sheet = book.sheet(_("report.sheet.receipts"), columns(book), title(scope, _("report.name.receipts")),
                       describe(scope), row_height=ROW_HEIGHT, closing_lines=[_("report.receipts.sign_off")])
    number = 0
    progress(0, total)
    for page in pages(query, (Household.place_path, Household.head_sort, Household.id), HOUSEHOLDS_PER_PAGE):
        ids = [row[0] for row in page]
        given, remarks = _given(campaign.id, ids), _remarks(campaign.id, ids)
        for hid, head, head_id, phone, address, codes, path, _sort, _id in page:
            number += 1
            cash, goods = given.get(hid, (campaign.default_cash_fen, campaign.default_goods))
            sheet.add((number, village_of(path), head, scope.id_text(head_id), phone, address,
                       held_text(codes), cash, goods, None, remarks.get(hid, "")))
        progress(number, total)


def _given(campaign_id: int, household_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Cash and goods of the campaign's visits that count, per household."""
    query = (Visit.select(Visit.household, fn.SUM(Visit.cash_fen), fn.GROUP_CONCAT(Visit.goods, "、"))
             .where((Visit.campaign == campaign_id) & Visit.counted()
                    & Visit.household.in_(household_ids))
             .group_by(Visit.household))
    found = {}
    for hid, cash, goods in database.execute(query).fetchall():
        items = dict.fromkeys(g for g in (goods or "").split("、") if g)  # once each, in order
        found[hid] = (cash, "、".join(items))
    return found


def _remarks(campaign_id: int, household_ids: list[int]) -> dict[int, str]:
    """备注: 代领 and the collector when someone else collected; 未遇 when the household was
    not reached and has no visit yet."""
    query = (Visit.select(Visit.household, Visit.outcome, Visit.collector)
             .where((Visit.campaign == campaign_id) & (Visit.status == "valid")
                    & (Visit.outcome != "visited") & Visit.household.in_(household_ids))
             .order_by(Visit.visit_date, Visit.id))
    counted: set[int] = set(
        hid for (hid,) in database.execute(Visit.select(Visit.household).where(
            (Visit.campaign == campaign_id) & Visit.counted() & Visit.household.in_(household_ids))).fetchall())
    remarks: dict[int, str] = {}
    for hid, outcome, collector in database.execute(query).fetchall():
        if outcome == "proxy":
            remarks[hid] = _("report.remark.proxy", name=collector)
        elif hid not in counted:
            remarks.setdefault(hid, _("report.remark.not_reached"))
    return remarks
