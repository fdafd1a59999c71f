"""Adding a category membership to a household or one of its members.

临时救助 and 危房改造 record their kind (and a repair its stage): those select fields are
shown only while the category is one that records them (`domain.assistance`), and a hidden
field counts as blank, so that choosing another category never saves a stale kind.
"""

from __future__ import annotations

from typing import Any

from tui_register.domain import assistance
from tui_register.domain.records import MembershipIn, RepairStageIn
from tui_register.i18n import _
from tui_register.storage.household_queries import HouseholdDetail
from tui_register.storage.models import Membership
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import category_options, code_options
from tui_register.ui.services import households as household_service

WHOLE_HOUSEHOLD = "*"


def _codes(kind: str):
    return lambda _state: code_options(kind)


class MembershipForm(FormScreen):
    MODEL = MembershipIn
    FORM_TITLE = "ui.form_new_category"

    def __init__(self, detail: HouseholdDetail) -> None:
        self.detail = detail
        members = [(_("ui.whole_household"), WHOLE_HOUSEHOLD)] + [
            (p.name, p.uuid) for p in detail.members if p.status == "active"]
        self.FIELDS = (
            Field("category", "field.membership.category", kind="select", options=lambda _state: category_options()),
            Field("aid_kind", "field.membership.aid_kind", kind="select", options=_codes("aid_kind")),
            Field("repair_kind", "field.membership.repair_kind", kind="select", options=_codes("repair_kind")),
            Field("repair_stage", "field.membership.repair_stage", kind="select", options=_codes("repair_stage")),
            Field("person", "field.membership.person", kind="select", options=lambda _state: members),
            Field("start_date", "field.membership.start_date", kind="date", placeholder="ui.date_placeholder"),
            Field("end_date", "field.membership.end_date", kind="date", placeholder="ui.date_placeholder"),
            Field("amount", "field.membership.amount"),
            Field("period", "field.membership.period", kind="select", options=lambda _state: code_options("period")),
            Field("notes", "field.membership.notes", kind="multiline"),
        )
        super().__init__({"person": WHOLE_HOUSEHOLD, "start_date": self.app.today().isoformat()})

    def on_mount(self) -> None:
        self._show_kinds()
        super().on_mount()

    # --- the kind fields of the chosen category -------------------------------------------

    def _category(self) -> str:
        return super().values().get("category", "")

    def _show_kinds(self) -> None:
        wanted = assistance.kind_fields(self._category())
        for name in assistance.KIND_FIELDS:
            shown = name in wanted
            self.query_one(f"#f-{name}").parent.display = shown
            if not shown:
                self.query_one(f"#err-{name}").display = False
            else:
                self.query_one(f"#err-{name}").styles.clear_rule("display")
        if "repair_stage" in wanted and not super().values()["repair_stage"]:
            self.set_value("repair_stage", assistance.FIRST_STAGE)  # every repair starts there

    def field_left(self, name: str, model: Any | None) -> None:
        if name == "category":
            self._show_kinds()

    # Keys typed ahead: a Tab right after the category is chosen moves on by the fields the
    # category shows, whether or not its Changed message has been handled yet.
    def action_next_field(self) -> None:
        self._show_kinds()
        super().action_next_field()

    def action_previous_field(self) -> None:
        self._show_kinds()
        super().action_previous_field()

    def values(self) -> dict[str, str]:
        out = super().values()
        wanted = assistance.kind_fields(out.get("category", ""))
        for name in assistance.KIND_FIELDS:
            if name not in wanted:
                out[name] = ""  # hidden: not part of what is saved
        return out

    # --- saving -----------------------------------------------------------------------------

    def fixed(self) -> dict[str, Any]:
        person = self.values().get("person")
        if person and person != WHOLE_HOUSEHOLD:
            return {"person": person, "household": None}
        return {"person": None, "household": self.detail.household.uuid}

    def persist(self, model: MembershipIn) -> str:
        return household_service.add_membership(self.app.user, model).uuid


class RepairStageForm(FormScreen):
    """Moving a housing repair on: 鉴定 -> 施工 -> 验收, never back (said under the field)."""

    MODEL = RepairStageIn
    FORM_TITLE = "ui.form_repair_stage"
    FIELDS = (Field("repair_stage", "field.membership.repair_stage", kind="select",
                    options=_codes("repair_stage")),)

    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        super().__init__({"repair_stage": membership.repair_stage}, base_version=membership.version)

    def fixed(self) -> dict[str, Any]:
        return {"current": self.membership.repair_stage}

    def persist(self, model: RepairStageIn) -> str:
        return household_service.set_repair_stage(self.app.user, self.membership.uuid, self.base_version,
                                                  model.repair_stage).uuid
