"""The forms of the Payments section: a new round, and the checks of a draft's line (exclude,
change an amount), a line's result by hand (paid, failed), closing a round.

Their fields are read by the domain's rules (`parse_period`, `parse_money`, `parse_date`), the
same the command line and storage use; storage refuses what needs the register to know (a
second round for a period, a round no longer a draft) and its sentence is shown as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual.widgets import Static

from tui_register.domain.categories import code_for, load_categories
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.fields import fen_to_yuan, format_money, parse_date, parse_money
from tui_register.domain.payments import Period, parse_period
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.payment_queries import LineRow
from tui_register.ui.forms.base import Field, FormScreen, SaveResult
from tui_register.ui.services import payments as payment_service
from tui_register.ui.text import safe

SEPARATORS = re.compile(r"[,，、;；\s]+")


def category_codes(text: str) -> list[str]:
    """Category codes from what is typed: codes, names or short names (城市低保、农村低保)."""
    codes: list[str] = []
    for part in (p for p in SEPARATORS.split(text.strip()) if p):
        code = code_for("category", part) or _short_name_code(part)
        if code is None:
            raise FieldError("category", "unknown_category")
        if code not in codes:
            codes.append(str(code))
    if not codes:
        raise FieldError("category", "required")
    return codes


def _short_name_code(text: str) -> str | None:
    for c in load_categories():
        if text in (c.short("zh_CN"), c.short("en"), c.zh_short, c.en_short):
            return c.code
    return None


def _reason(values: dict[str, str], name: str = "reason") -> str:
    reason = values[name].strip()
    if not reason:
        raise FieldError(name, "required")
    return reason


class PaymentForm(FormScreen):
    """A form whose values are read by `parse` (raising FieldErrors), not an input model."""

    def parse(self, values: dict[str, str]) -> Any:
        raise NotImplementedError

    def check(self) -> tuple[Any | None, InputError | None]:
        try:
            return self.parse(self.values()), None
        except FieldError as err:
            return None, InputError([err])
        except InputError as err:
            return None, err

    def title_text(self) -> str:
        return _(self.FORM_TITLE)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form-title", Static).update(safe(self.title_text()))
        # Storage's refusals are whole sentences (the round that exists, and what to do): the
        # status line grows to show them, instead of cutting them at 80 columns.
        self.query_one("#form-status", Static).styles.height = "auto"

    def _saved(self, result: SaveResult) -> None:
        super()._saved(result)
        if result.error and self.is_attached:
            self.query_one("#form-status", Static).update(Text(display_safe(result.error), style="bold"))


# ---------------------------------------------------------------- a new round


@dataclass(frozen=True)
class NewRound:
    categories: list[str]
    period: Period
    pay_date: date | None


class NewRoundForm(PaymentForm):
    FORM_TITLE = "pay.ui.form_new_round"
    FIELDS = (
        Field("category", "field.category", placeholder="pay.ui.categories_placeholder"),
        Field("round_period", "field.round_period", placeholder="pay.ui.period_placeholder"),
        Field("pay_date", "field.pay_date", kind="date", placeholder="ui.date_placeholder"),
    )

    def __init__(self) -> None:
        today = self.app.today()
        super().__init__({"round_period": f"{today.year}-{today.month:02d}"})

    def parse(self, values: dict[str, str]) -> NewRound:
        errors: list[FieldError] = []
        codes: list[str] = []
        period = None
        pay_date = None
        try:
            codes = category_codes(values["category"])
        except FieldError as err:
            errors.append(err)
        try:
            period = parse_period(values["round_period"], field="round_period")
        except FieldError as err:
            errors.append(err)
        try:
            text = values["pay_date"].strip()
            pay_date = parse_date(text, field="pay_date", today=self.app.today()) if text else None
        except FieldError as err:
            errors.append(err)
        if errors:
            raise InputError(errors)
        return NewRound(codes, period, pay_date)

    def persist(self, model: NewRound) -> str:
        made = payment_service.create_round(self.app.user, model.categories, model.period.code,
                                            pay_date=model.pay_date, today=self.app.today())
        return str(made.number)


# ---------------------------------------------------------------- one line


class LineForm(PaymentForm):
    """A form about one line of a round: its title names the recipient and the amount."""

    def __init__(self, line: LineRow, initial: dict[str, str] | None = None) -> None:
        self.line = line
        super().__init__(initial, base_version=line.version, record_uuid=line.uuid)

    def title_text(self) -> str:
        return _(self.FORM_TITLE, recipient=self.line.recipient, amount=format_money(self.line.amount_fen))


class ExcludeForm(LineForm):
    FORM_TITLE = "pay.ui.form_exclude"
    FIELDS = (Field("reason", "field.reason"),)

    def parse(self, values: dict[str, str]) -> str:
        return _reason(values)

    def persist(self, model: str) -> str:
        return payment_service.exclude_line(self.app.user, self.line.uuid, self.base_version, model).uuid


class AmountForm(LineForm):
    FORM_TITLE = "pay.ui.form_amount"
    FIELDS = (Field("amount", "field.amount"), Field("reason", "field.reason"))

    def __init__(self, line: LineRow) -> None:
        super().__init__(line, {"amount": str(fen_to_yuan(line.amount_fen))})

    def parse(self, values: dict[str, str]) -> tuple[int, str]:
        errors: list[FieldError] = []
        fen = 0
        try:
            fen = parse_money(values["amount"], field="amount")
        except FieldError as err:
            errors.append(err)
        try:
            reason = _reason(values)
        except FieldError as err:
            errors.append(err)
        if errors:
            raise InputError(errors)
        return fen, reason

    def persist(self, model: tuple[int, str]) -> str:
        fen, reason = model
        return payment_service.change_amount(self.app.user, self.line.uuid, self.base_version, fen, reason).uuid


class FailedForm(LineForm):
    FORM_TITLE = "pay.ui.form_failed"
    FIELDS = (Field("result_reason", "field.result_reason", placeholder="pay.ui.failed_placeholder"),)

    def parse(self, values: dict[str, str]) -> str:
        return _reason(values, "result_reason")

    def persist(self, model: str) -> str:
        return payment_service.mark_failed(self.app.user, self.line.uuid, model).uuid


def _day(values: dict[str, str], name: str, today: date) -> date:
    text = values[name].strip()
    if not text:
        raise FieldError(name, "required")
    return parse_date(text, field=name, today=today)


class PaidForm(LineForm):
    FORM_TITLE = "pay.ui.form_paid"
    FIELDS = (Field("paid_on", "field.paid_on", kind="date", placeholder="ui.date_placeholder"),)

    def __init__(self, line: LineRow) -> None:
        super().__init__(line, {"paid_on": self.app.today().isoformat()})

    def parse(self, values: dict[str, str]) -> date:
        return _day(values, "paid_on", self.app.today())

    def persist(self, model: date) -> str:
        return payment_service.mark_paid(self.app.user, self.line.uuid, model).uuid


# ---------------------------------------------------------------- a whole round


class CloseForm(PaymentForm):
    """Closing an approved round: the lines still due are marked paid on the date given."""

    FORM_TITLE = "pay.ui.form_close"
    FIELDS = (Field("paid_on", "field.paid_on", kind="date", placeholder="ui.date_placeholder"),)

    def __init__(self, number: int, name: str) -> None:
        self.number, self.round_name = number, name
        super().__init__({"paid_on": self.app.today().isoformat()})

    def title_text(self) -> str:
        return _(self.FORM_TITLE, number=self.number, name=self.round_name)

    def parse(self, values: dict[str, str]) -> date:
        return _day(values, "paid_on", self.app.today())

    def persist(self, model: date) -> str:
        _closed, marked = payment_service.close_round(self.app.user, self.number, model)
        return str(marked)
