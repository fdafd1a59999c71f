"""Logging a visit (走访), from a household or a campaign's checklist, correcting one, and
voiding one. Each form names the household in its title (head and address)."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from textual import work
from textual.widgets import Static

from tui_register.domain.fields import fen_to_yuan, format_money
from tui_register.domain.records import StatusChange, VisitIn
from tui_register.i18n import _
from tui_register.storage.visit_queries import TargetVisit
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import code_options
from tui_register.ui.services import visits as visit_service
from tui_register.ui.text import iso, safe

# Cash more than this many times the campaign's standard amount is asked about.
CASH_FACTOR = 5

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
    # Last, so that the usual Tab order stays: what came of it (未遇, 代领) and who collected.
    Field("outcome", "field.visit.outcome", kind="select", options=lambda _state: code_options("outcome")),
    Field("collector", "field.visit.collector"),
)

Household = tuple[str, str]  # head's name, address


class HouseholdTitle:
    """A form whose title names the household: given by the caller, or read off the event loop."""

    household_uuid: str
    household: Household | None

    def title_text(self, name: str, address: str) -> str:
        raise NotImplementedError

    def show_title(self) -> None:
        if not self.is_attached:
            return  # closed before the name was read
        if self.household is not None:
            # One line: the household comes first, so that a long address cuts only the rest.
            title = safe(self.title_text(*self.household))
            title.no_wrap, title.overflow = True, "crop"  # no "…": ambiguous width
            self.query_one("#form-title", Static).update(title)
        else:
            self._read_household()

    @work(thread=True, group="household-title")
    def _read_household(self) -> None:
        self.household = visit_service.household_label(self.household_uuid)
        self.app.call_from_thread(self.show_title)


class VisitForm(HouseholdTitle, FormScreen):
    """`v` on a household; `e` on a campaign's checklist opens it with the campaign's defaults
    for an exception (another amount, not at home, collected by someone else), or with the
    household's campaign visit to correct it (`visit`)."""

    MODEL = VisitIn
    FIELDS = VISIT_FIELDS
    FORM_TITLE = "ui.form_new_visit"

    def __init__(self, household_uuid: str, *, campaign=None, visitors: str = "", today: date,
                 household: Household | None = None, visit: TargetVisit | None = None,
                 cash_ceiling_fen: int | None = None) -> None:
        self.household_uuid = household_uuid
        self.household = household
        self.campaign = campaign
        self.visit = visit
        self.cash_ceiling_fen = cash_ceiling_fen
        initial = {"visit_date": today.isoformat(), "visitors": visitors, "purpose": "routine",
                   "outcome": "visited"}
        if campaign is not None:
            initial |= {"purpose": campaign.purpose, "visitors": campaign.visitors or visitors,
                        "cash": str(fen_to_yuan(campaign.default_cash_fen)) if campaign.default_cash_fen else "",
                        "goods": campaign.default_goods}
        if visit is not None:
            initial = _visit_values(visit)
        super().__init__(initial, base_version=visit.version if visit else None,
                         record_uuid=visit.uuid if visit else None)

    def on_mount(self) -> None:
        super().on_mount()
        self.show_title()

    def title_text(self, name: str, address: str) -> str:
        key = "ui.form_edit_visit_for" if self.visit else "ui.form_new_visit_for"
        return _(key, name=name, address=address)

    def fixed(self) -> dict[str, Any]:
        return {"household": self.household_uuid, "campaign": self.campaign.uuid if self.campaign else None}

    def field_left(self, name: str, model: Any | None) -> None:
        # Not reached: nothing was handed over (the campaign's defaults would be refused).
        if name == "outcome" and self.values()["outcome"] == "not_reached":
            for cleared in ("cash", "goods"):
                self.set_value(cleared, "")

    # --- an amount far from the usual one is asked about ---------------------------------------

    def before_save(self, model: VisitIn, go: Callable[[], None]) -> None:
        reason = self._unusual_cash(model.cash)
        if reason is None:
            go()
            return
        from tui_register.ui.screens.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(_("ui.confirm_cash", cash=format_money(model.cash)), reason),
                             lambda yes: go() if yes else self.query_one("#f-cash").focus())

    def _unusual_cash(self, cash_fen: int) -> str | None:
        standard = self.campaign.default_cash_fen if self.campaign is not None else 0
        if standard and cash_fen > CASH_FACTOR * standard:
            return _("ui.cash_above_standard", factor=CASH_FACTOR, standard=format_money(standard))
        ceiling = self.cash_ceiling_fen if self.cash_ceiling_fen is not None else self._configured_ceiling()
        if ceiling and cash_fen > ceiling:
            return _("ui.cash_above_ceiling", ceiling=format_money(ceiling))
        return None

    def _configured_ceiling(self) -> int:
        return self.app.settings.visit_cash_ceiling * 100

    def current_values(self) -> tuple[dict[str, str], int] | None:
        """The visit as saved now, after someone else changed it (called in a worker)."""
        if self.record_uuid is None:
            return None
        visit = visit_service.visit_as_saved(self.record_uuid)
        return (_visit_values(visit), visit.version) if visit is not None else None

    # --- saving --------------------------------------------------------------------------------

    def persist(self, model: VisitIn) -> str:
        if self.record_uuid is not None:
            visit = visit_service.update_visit(self.app.user, self.record_uuid, self.base_version, model)
        else:
            visit = visit_service.add_visit(self.app.user, model)
        self.app.call_from_thread(self._remember, model)
        return visit.uuid

    def _remember(self, model: VisitIn) -> None:
        # The visitors are remembered for the next entry; the goods join the choices.
        state = self.app.state
        state.last_visitors = "、".join(model.visitors)
        state.remember({"visitors": model.visitors, "goods": [model.goods]})


def _visit_values(visit: TargetVisit) -> dict[str, str]:
    return {"visit_date": visit.visit_date.isoformat(), "visitors": visit.visitors, "purpose": visit.purpose,
            "cash": str(fen_to_yuan(visit.cash_fen)) if visit.cash_fen else "", "goods": visit.goods,
            "findings": visit.findings, "follow_up": visit.follow_up, "follow_up_due": iso(visit.follow_up_due),
            "outcome": visit.outcome, "collector": visit.collector}


class VoidVisitForm(HouseholdTitle, FormScreen):
    """A wrong visit is voided with a reason, never deleted."""

    MODEL = StatusChange
    FORM_TITLE = "ui.form_void_visit"
    FIELDS = (Field("reason", "field.status.reason"),)

    def __init__(self, visit_uuid: str, version: int, today: date, *, household_uuid: str = "",
                 household: Household | None = None, visit_date: date | None = None) -> None:
        self.visit_uuid = visit_uuid
        self.today = today
        self.household_uuid = household_uuid
        self.household = household
        self.visit_date = visit_date
        super().__init__(base_version=version)

    def on_mount(self) -> None:
        super().on_mount()
        if self.household is not None or self.household_uuid:
            self.show_title()

    def title_text(self, name: str, address: str) -> str:
        return _("ui.form_void_visit_for", name=name, address=address, date=iso(self.visit_date))

    def fixed(self) -> dict[str, Any]:
        return {"status": "voided", "effective_date": self.today}

    def persist(self, model: StatusChange) -> str:
        return visit_service.void_visit(self.app.user, self.visit_uuid, self.base_version, model.reason).uuid
