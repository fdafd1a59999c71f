"""Logging a visit (走访), from a household or a campaign's checklist, and voiding one."""

from __future__ import annotations

from datetime import date
from typing import Any

from tui_register.domain.fields import fen_to_yuan
from tui_register.domain.records import StatusChange, VisitIn
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import code_options
from tui_register.ui.services import visits as visit_service

VISIT_FIELDS = (
    Field("visit_date", "field.visit.visit_date", kind="date", placeholder="ui.date_placeholder"),
    Field("visitors", "field.visit.visitors", placeholder="ui.visitors_placeholder",
          suggestions="visitors"),
    Field("purpose", "field.visit.purpose", kind="select", options=lambda _state: code_options("purpose")),
    Field("cash", "field.visit.cash"),
    Field("goods", "field.visit.goods", suggestions="goods"),
    Field("findings", "field.visit.findings", kind="multiline"),
    Field("follow_up", "field.visit.follow_up"),
    Field("follow_up_due", "field.visit.follow_up_due", kind="date", placeholder="ui.date_placeholder"),
)


class VisitForm(FormScreen):
    """`v` on a household; `e` on a campaign's checklist opens it with the campaign's defaults
    for an exception (another amount, not at home)."""

    MODEL = VisitIn
    FIELDS = VISIT_FIELDS
    FORM_TITLE = "ui.form_new_visit"

    def __init__(self, household_uuid: str, *, campaign=None, visitors: str = "", today: date) -> None:
        self.household_uuid = household_uuid
        self.campaign = campaign
        initial = {"visit_date": today.isoformat(), "visitors": visitors, "purpose": "routine"}
        if campaign is not None:
            initial |= {"purpose": campaign.purpose, "visitors": campaign.visitors or visitors,
                        "cash": str(fen_to_yuan(campaign.default_cash_fen)) if campaign.default_cash_fen else "",
                        "goods": campaign.default_goods}
        super().__init__(initial)

    def fixed(self) -> dict[str, Any]:
        return {"household": self.household_uuid, "campaign": self.campaign.uuid if self.campaign else None}

    def persist(self, model: VisitIn) -> str:
        visit = visit_service.add_visit(self.app.user, model)
        self.app.call_from_thread(self._remember, model)
        return visit.uuid

    def _remember(self, model: VisitIn) -> None:
        # The visitors are remembered for the next entry; the goods join the choices.
        state = self.app.state
        state.last_visitors = "、".join(model.visitors)
        state.remember({"visitors": model.visitors, "goods": [model.goods]})


class VoidVisitForm(FormScreen):
    """A wrong visit is voided with a reason, never deleted."""

    MODEL = StatusChange
    FORM_TITLE = "ui.form_void_visit"
    FIELDS = (Field("reason", "field.status.reason"),)

    def __init__(self, visit_uuid: str, version: int, today: date) -> None:
        self.visit_uuid = visit_uuid
        self.today = today
        super().__init__(base_version=version)

    def fixed(self) -> dict[str, Any]:
        return {"status": "voided", "effective_date": self.today}

    def persist(self, model: StatusChange) -> str:
        return visit_service.void_visit(self.app.user, self.visit_uuid, self.base_version, model.reason).uuid
