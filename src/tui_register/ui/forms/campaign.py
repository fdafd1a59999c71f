"""A festival campaign (慰问活动): name, dates, defaults, and its target list from a filter."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import Static

from tui_register.domain.errors import InputError
from tui_register.domain.records import CampaignIn, validate
from tui_register.i18n import _
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import category_options, code_options
from tui_register.ui.services import visits as visit_service

ALL = "*"


class CampaignForm(FormScreen):
    MODEL = CampaignIn
    FORM_TITLE = "ui.form_new_campaign"
    FIELDS = (
        Field("name", "field.campaign.name", placeholder="ui.campaign_name_placeholder"),
        Field("start_date", "field.campaign.start_date", kind="date", placeholder="ui.date_placeholder"),
        Field("end_date", "field.campaign.end_date", kind="date", placeholder="ui.date_placeholder"),
        Field("purpose", "field.campaign.purpose", kind="select", options=lambda _state: code_options("purpose")),
        Field("visitors", "field.campaign.visitors", suggestions="visitors"),
        Field("default_cash", "field.campaign.default_cash"),
        Field("default_goods", "field.campaign.default_goods", suggestions="goods"),
        Field("budget", "field.campaign.budget"),
        Field("target_category", "ui.target_category", kind="select",
              options=lambda _state: [(_("ui.all"), ALL), *category_options()]),
        Field("target_place", "ui.target_place", kind="select",
              options=lambda state: [(_("ui.all"), ALL), *state.places]),
    )

    def __init__(self, today, visitors: str = "") -> None:
        super().__init__({"start_date": today.isoformat(), "purpose": "festival", "visitors": visitors,
                          "target_category": ALL, "target_place": ALL})

    def on_mount(self) -> None:
        super().on_mount()
        self.mount(Static(id="target-count", classes="form-status"), before="#form-status")
        self._count_targets(*self._target())

    def field_left(self, name: str, model: Any | None) -> None:
        if name in ("target_category", "target_place"):
            self._count_targets(*self._target())

    def _target(self) -> tuple[str | None, str | None]:
        """The target list's filter as chosen now: a category code, a place path (None: all)."""
        values = self.values()
        category, place = values["target_category"], values["target_place"]
        return (None if category in ("", ALL) else category,
                None if place in ("", ALL) else self._place_path(place))

    @work(thread=True, exclusive=True, group="target-count")
    def _count_targets(self, category: str | None, place: str | None) -> None:
        n = visit_service.count_households_for_targets([category] if category else [], place)
        self.app.call_from_thread(self._show_count, n)

    def _show_count(self, n: int) -> None:
        self.query_one("#target-count", Static).update(_("ui.campaign_target_count", n=f"{n:,}"))

    def check(self) -> tuple[Any | None, InputError | None]:
        values = self.values()
        target = {k: values.pop(k) for k in ("target_category", "target_place")}
        try:
            campaign = validate(CampaignIn, values, today=self.app.today())
        except InputError as err:
            return None, err
        return (campaign, target), None

    def persist(self, model: Any) -> str:
        campaign, target = model
        category = None if target["target_category"] in ("", ALL) else target["target_category"]
        place = None if target["target_place"] in ("", ALL) else self._place_path(target["target_place"])
        # The same filter as the count shown (`_target`).
        households = visit_service.households_for_targets([category] if category else [], place)
        return visit_service.create_campaign(self.app.user, campaign, households).uuid

    def _place_path(self, place_uuid: str) -> str | None:
        label = dict((uuid, text) for text, uuid in self.app.state.places).get(place_uuid)
        return label.replace(" / ", "/") if label else None
