"""The first run's question: the office's name and code, kept in the register."""

from __future__ import annotations

from typing import Any

from tui_register.domain.office import OfficeIn
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.services import office as office_service

OFFICE_FIELDS = (
    Field("name", "field.office.name", placeholder="ui.office_name_placeholder"),
    Field("code", "field.office.code", placeholder="ui.office_code_placeholder"),
)


class OfficeForm(FormScreen):
    """Asked of a supervisor when neither the configuration nor the register names the office."""

    MODEL = OfficeIn
    FIELDS = OFFICE_FIELDS
    FORM_TITLE = "ui.form_office"

    def __init__(self, name: str = "", code: str = "") -> None:
        super().__init__({"name": name, "code": code})

    def persist(self, model: Any) -> str:
        office_service.set_office(self.app.user, model)
        return model.code
