"""A payment account (收款账户), entered at the household screen, and a standard (救助标准),
entered in the Payments section by a supervisor.

Both are checked by the domain's input models (`AccountIn`, `StandardIn`). The holder's name
is checked against the recipient's with the domain's `check_holder` as the user leaves the
field, so that the problem is said under it; storage checks it again as it writes, and
refuses a standard dated before an approved round it would change (its sentence is the
form's message).
"""

from __future__ import annotations

from typing import Any

from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.payments import check_holder
from tui_register.domain.records import AccountIn, StandardIn
from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.storage.household_queries import HouseholdDetail
from tui_register.storage.payment_queries import AccountRow
from tui_register.ui.forms.base import Field, FormScreen, SaveResult
from tui_register.ui.options import category_options, code_options
from tui_register.ui.services import payments as payment_service
from tui_register.ui.text import safe

WHOLE_HOUSEHOLD = "*"


class HolderRefused(StorageProblem):
    """The holder check failing as storage writes (a name changed meanwhile): said under the field."""

    def __init__(self, error: FieldError) -> None:
        self.error = error
        super().__init__()

    def message(self, lang: str | None = None) -> str:
        return self.error.message(lang)


def account_text(account: AccountRow, *, revealed: bool = False) -> str:
    """农业银行 6222****0100 张三(代领); cash as its kind alone."""
    from tui_register.domain.categories import label

    kind = label("account_kind", account.kind)
    if account.kind == "cash":
        return kind
    number = account.account_number if revealed else account.masked_account
    proxy = f"({_('field.proxy')})" if account.proxy else ""
    return " ".join(part for part in (account.bank_name or kind, number, account.holder_name + proxy) if part)


class AccountForm(FormScreen):
    """A new account for the household or one of its members; it replaces the one in use."""

    MODEL = AccountIn
    FORM_TITLE = "pay.ui.form_account"

    def __init__(self, detail: HouseholdDetail, accounts: list[AccountRow]) -> None:
        self.detail = detail
        head = next((p for p in detail.members if p.id == detail.household.head_id), None)
        self.names = {WHOLE_HOUSEHOLD: detail.household.head_name or (head.name if head else "")}
        self.names |= {p.uuid: p.name for p in detail.members if p.status == "active"}
        self.in_use = {a.person_uuid or WHOLE_HOUSEHOLD: a for a in accounts}
        recipients = [(_("pay.ui.account_household", name=self.names[WHOLE_HOUSEHOLD]), WHOLE_HOUSEHOLD)]
        recipients += [(p.name, p.uuid) for p in detail.members if p.status == "active"]
        yes_no = [(_("key.no"), "0"), (_("key.yes"), "1")]
        self.FIELDS = (
            Field("person", "field.account.person", kind="select", options=lambda _state: recipients),
            Field("kind", "field.account.kind", kind="select", options=lambda _state: code_options("account_kind")),
            Field("bank_name", "field.bank_name"),
            Field("account_number", "field.account_number", placeholder="pay.ui.account_placeholder"),
            Field("holder_name", "field.holder_name"),
            Field("proxy", "field.account.proxy", kind="select", options=lambda _state: yes_no),
            Field("notes", "field.notes", kind="multiline"),
        )
        super().__init__({"person": WHOLE_HOUSEHOLD, "kind": "bank", "proxy": "0",
                          "holder_name": self.names[WHOLE_HOUSEHOLD]})
        self.recipient = WHOLE_HOUSEHOLD
        self.refused: FieldError | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form-status").styles.height = "auto"
        self._show_in_use()

    def _show_in_use(self) -> None:
        """What saving replaces: the recipient's account in use, masked."""
        account = self.in_use.get(self.recipient)
        text = _("pay.ui.account_replaces", account=account_text(account)) if account else ""
        self.query_one("#form-status").update(safe(text))

    def field_left(self, name: str, model: Any | None) -> None:
        if name in ("person", "kind", "proxy"):
            self._recipient_changed()
            # Whether the holder's name is right depends on these too: said again under it.
            _model, err = self.check()
            self.show_errors(err, only="holder_name")

    def _recipient_changed(self) -> None:
        chosen = self.values()["person"] or WHOLE_HOUSEHOLD
        if chosen == self.recipient:
            return
        # The holder offered follows the recipient, unless the user typed another name.
        if self.values()["holder_name"] == self.names.get(self.recipient, ""):
            self.set_value("holder_name", self.names.get(chosen, ""))
        self.recipient = chosen
        self._show_in_use()

    def fixed(self) -> dict[str, Any]:
        person = self.values().get("person")
        if person and person != WHOLE_HOUSEHOLD:
            return {"person": person, "household": None}
        return {"person": None, "household": self.detail.household.uuid}

    def check(self) -> tuple[Any | None, InputError | None]:
        model, err = super().check()
        errors = list(err.errors) if err else []
        values = self.values()
        holder = values["holder_name"].strip()
        if values["kind"] != "cash" and holder and not any(e.field == "holder_name" for e in errors):
            recipient = self.names.get(values["person"] or WHOLE_HOUSEHOLD, "")
            try:
                check_holder(holder, recipient, proxy=values["proxy"] == "1")
            except FieldError as problem:
                errors.append(problem)
        if errors:
            return None, InputError(errors)
        return model, None

    def persist(self, model: AccountIn) -> str:
        try:
            return payment_service.add_account(self.app.user, model).uuid
        except FieldError as err:
            self.refused = err
            raise HolderRefused(err) from err

    def _saved(self, result: SaveResult) -> None:
        super()._saved(result)
        if result.error and self.refused is not None and self.is_attached:
            self.show_errors(InputError([self.refused]), only=self.refused.field)
            self.refused = None


class StandardForm(FormScreen):
    """A new standard from a date (a supervisor's): memberships without an amount of their own
    are due it from that date."""

    MODEL = StandardIn
    FORM_TITLE = "pay.ui.form_standard"
    FIELDS = (
        Field("category", "field.category", kind="select", options=lambda _state: category_options()),
        Field("grade", "field.grade", placeholder="pay.ui.grade_placeholder"),
        Field("valid_from", "field.valid_from", kind="date", placeholder="ui.date_placeholder"),
        Field("amount", "field.standard.amount"),
        Field("period", "field.period", kind="select", options=lambda _state: code_options("period")),
        Field("notes", "field.notes", kind="multiline"),
    )

    def __init__(self) -> None:
        super().__init__({"period": "monthly"})

    def on_mount(self) -> None:
        super().on_mount()
        # Storage's refusal (an approved round it would change) is a whole sentence.
        self.query_one("#form-status").styles.height = "auto"

    def persist(self, model: StandardIn) -> str:
        return payment_service.add_standard(self.app.user, model).uuid
