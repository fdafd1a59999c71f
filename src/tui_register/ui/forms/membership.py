"""Adding a category membership to a household or one of its members."""

from __future__ import annotations

from typing import Any

from tui_register.domain.records import MembershipIn
from tui_register.i18n import _
from tui_register.storage.household_queries import HouseholdDetail
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import category_options, code_options
from tui_register.ui.services import households as household_service

WHOLE_HOUSEHOLD = "*"


class MembershipForm(FormScreen):
    MODEL = MembershipIn
    FORM_TITLE = "ui.form_new_category"

    def __init__(self, detail: HouseholdDetail) -> None:
        self.detail = detail
        members = [(_("ui.whole_household"), WHOLE_HOUSEHOLD)] + [
            (p.name, p.uuid) for p in detail.members if p.status == "active"]
        self.FIELDS = (
            Field("category", "field.membership.category", kind="select", options=lambda _state: category_options()),
            Field("person", "field.membership.person", kind="select", options=lambda _state: members),
            Field("start_date", "field.membership.start_date", kind="date", placeholder="ui.date_placeholder"),
            Field("end_date", "field.membership.end_date", kind="date", placeholder="ui.date_placeholder"),
            Field("amount", "field.membership.amount"),
            Field("period", "field.membership.period", kind="select", options=lambda _state: code_options("period")),
            Field("notes", "field.membership.notes", kind="multiline"),
        )
        super().__init__({"person": WHOLE_HOUSEHOLD, "start_date": self.app.today().isoformat()})

    def fixed(self) -> dict[str, Any]:
        person = self.values().get("person")
        if person and person != WHOLE_HOUSEHOLD:
            return {"person": person, "household": None}
        return {"person": None, "household": self.detail.household.uuid}

    def persist(self, model: MembershipIn) -> str:
        return household_service.add_membership(self.app.user, model).uuid
