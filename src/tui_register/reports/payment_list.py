"""发放明细: every payment line of the rounds whose period overlaps the report's, with its round
and its result. A category filter takes the line's category (what the membership was when the
round was made), a place filter the household's place."""

from __future__ import annotations

from typing import Callable

from peewee import JOIN

from tui_register.i18n import _
from tui_register.reports.data import Scope, categories_text, describe, pages, title, under_places, village_of
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import Household, PaymentAccount, PaymentLine, PaymentRound, Person

PAGE = 5000


def columns(book: Book) -> list[Column]:
    return [
        Column(_("report.col.number"), "int"),
        Column(_("pay.col.round")),
        Column(_("pay.col.period")),
        Column(_("report.col.village")),
        Column(_("pay.col.recipient"), total="count"),
        Column(_("pay.col.id_number"), "code"),
        Column(_("pay.col.category")),
        Column(_("pay.col.kind")),
        Column(_("pay.col.months")),
        Column(_("pay.col.account"), "code"),
        Column(_("pay.col.amount", unit=book.unit_label()), "money", total="sum"),
        Column(_("pay.col.result")),
        Column(_("pay.col.paid_on"), "date"),
        Column(_("pay.col.remark")),
    ]


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    from tui_register.domain.payments import mask_account

    cond = ((PaymentRound.period_start <= scope.date_to) & (PaymentRound.period_end >= scope.date_from)
            & (PaymentLine.kind != "stop"))
    if scope.categories:
        cond &= PaymentLine.category.in_(scope.categories)
    if scope.place_paths:
        cond &= under_places(Household.place_path, scope.place_paths)
    query = (PaymentLine.select(PaymentRound.number, PaymentRound.name, PaymentRound.period, Household.place_path,
                                PaymentLine.recipient_name, Person.id_number, Household.head_id_number,
                                PaymentLine.category, PaymentLine.kind, PaymentLine.months,
                                PaymentAccount.kind, PaymentAccount.account_number, PaymentLine.amount_fen,
                                PaymentLine.state, PaymentLine.paid_on, PaymentLine.reason,
                                PaymentLine.result_reason, PaymentRound.number, PaymentLine.id)
             .join(PaymentRound, on=(PaymentLine.round == PaymentRound.id))
             .switch(PaymentLine).join(Household, on=(PaymentLine.household == Household.id))
             .switch(PaymentLine).join(Person, JOIN.LEFT_OUTER, on=(PaymentLine.person == Person.id))
             .switch(PaymentLine).join(PaymentAccount, JOIN.LEFT_OUTER, on=(PaymentLine.account == PaymentAccount.id))
             .where(cond))
    total = query.count()
    sheet = book.sheet(_("report.sheet.payments"), columns(book), title(scope, _("report.name.payments")),
                       describe(scope), row_height=None, closing_lines=[])
    n = 0
    progress(0, total)
    for page in pages(query, (PaymentRound.number, PaymentLine.id), PAGE):
        for (number, name, period, path, recipient, person_id, head_id, category, kind, months, account_kind,
             account, fen, state, paid_on, reason, result_reason, _number, _id) in page:
            n += 1
            shown_account = _("account_kind.cash") if account_kind == "cash" else mask_account(account or "")
            remark = result_reason if state == "failed" else reason
            sheet.add((n, f"#{number} {name}", period, village_of(path), recipient,
                       scope.id_text(person_id or head_id or ""), categories_text(f",{category},"),
                       _(f"pay.kind.{kind}"), months.replace(",", "、"), shown_account, fen,
                       _(f"pay.line_state.{state}"), paid_on, remark))
        progress(n, total)
