"""A data check's outcome for one person of the household: confirmed, details changed, or
closed with its reason (death, moved away, income above the line, other). The reason field is
shown only for a closure, and a hidden reason is not saved (as the membership form's kinds)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from tui_register.domain.records import CheckOutcomeIn
from tui_register.i18n import _
from tui_register.storage.household_queries import HouseholdDetail
from tui_register.storage.models import Visit
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import code_options
from tui_register.ui.services import households as household_service


class CheckOutcomeForm(FormScreen):
    MODEL = CheckOutcomeIn
    FORM_TITLE = "ui.form_check_outcome"

    def __init__(self, detail: HouseholdDetail, visit: Visit) -> None:
        self.visit = visit
        members = [(p.name, p.uuid) for p in detail.members if p.status == "active"]
        self.FIELDS = (
            Field("person", "field.check_outcome.person", kind="select", options=lambda _state: members),
            Field("outcome", "field.check_outcome.outcome", kind="select",
                  options=lambda _state: code_options("check_outcome")),
            Field("reason", "field.check_outcome.reason", kind="select",
                  options=lambda _state: code_options("close_reason")),
            Field("notes", "field.check_outcome.notes"),
        )
        super().__init__({"person": members[0][1] if members else "", "outcome": "confirmed"})

    def on_mount(self) -> None:
        title = _("ui.form_check_outcome_of", date=self.visit.visit_date.isoformat())
        self.query_one("#form-title", Static).update(title)
        self._show_reason()
        super().on_mount()

    def _show_reason(self) -> None:
        shown = super().values().get("outcome") == "closed"
        self.query_one("#f-reason").parent.display = shown
        error = self.query_one("#err-reason")
        if shown:
            error.styles.clear_rule("display")  # the form's own rule: shown when it has a problem
        else:
            error.display = False

    def field_left(self, name: str, model: Any | None) -> None:
        if name == "outcome":
            self._show_reason()

    # A Tab typed right after the outcome moves by the fields that outcome shows.
    def action_next_field(self) -> None:
        self._show_reason()
        super().action_next_field()

    def action_previous_field(self) -> None:
        self._show_reason()
        super().action_previous_field()

    def values(self) -> dict[str, str]:
        out = super().values()
        if out.get("outcome") != "closed":
            out["reason"] = ""
        return out

    def fixed(self) -> dict[str, Any]:
        return {"visit": self.visit.uuid}

    def persist(self, model: CheckOutcomeIn) -> str:
        return household_service.record_check_outcome(self.app.user, model).uuid
