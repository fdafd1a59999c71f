"""Adding and editing a household member."""

from __future__ import annotations

from typing import Any, Callable

from tui_register.domain.errors import FieldError
from tui_register.domain.ids import parse_resident_id
from tui_register.domain.records import PersonIn
from tui_register.i18n import _
from tui_register.storage.models import Person
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.options import code_options
from tui_register.ui.screens.dialogs import ConfirmDialog
from tui_register.ui.services import households as household_service

DATE_HINT = "ui.date_placeholder"
PERSON_FIELDS = (
    Field("name", "field.person.name"),
    Field("id_number", "field.person.id_number"),
    Field("sex", "field.person.sex", kind="select", options=lambda _state: code_options("sex")),
    Field("birth_date", "field.person.birth_date", placeholder=DATE_HINT),
    Field("relation", "field.person.relation", kind="select", options=lambda _state: code_options("relation")),
    Field("disability_grade", "field.person.disability_grade", kind="select",
          options=lambda _state: code_options("disability_grade")),
    Field("phone", "field.person.phone"),
)


def person_values(p: Person) -> dict[str, str]:
    return {"name": p.name, "id_number": p.id_number or "", "sex": p.sex,
            "birth_date": p.birth_date.isoformat() if p.birth_date else "", "relation": p.relation,
            "disability_grade": str(p.disability_grade or ""), "phone": p.phone}


def id_fills(form: FormScreen, prefix: str = "") -> None:
    """A valid ID number fills birth date and sex when they are still empty."""
    values = form.values()
    try:
        rid = parse_resident_id(values.get(prefix + "id_number", ""), allow_unknown_region=True)
    except FieldError:
        return
    form.set_value(prefix + "id_number", rid.number)
    if not values.get(prefix + "birth_date"):
        form.set_value(prefix + "birth_date", rid.birth_date.isoformat())
    if not values.get(prefix + "sex"):
        form.set_value(prefix + "sex", rid.sex)


class PersonForm(FormScreen):
    MODEL = PersonIn
    FIELDS = PERSON_FIELDS

    def __init__(self, household_uuid: str, person: Person | None = None) -> None:
        self.household_uuid = household_uuid
        self.person = person
        self.FORM_TITLE = "ui.form_edit_person" if person else "ui.form_new_person"
        super().__init__(person_values(person) if person else {"relation": "other"},
                         base_version=person.version if person else None,
                         record_uuid=person.uuid if person else None)

    def fixed(self) -> dict[str, Any]:
        return {"household": self.household_uuid}

    def field_left(self, name: str, model: Any | None) -> None:
        if name == "id_number":
            id_fills(self)

    def before_save(self, model: PersonIn, go: Callable[[], None]) -> None:
        """Show possible duplicates (same ID anywhere, or same name and birth date) first."""
        self._look_for_duplicates(model, go)

    def _look_for_duplicates(self, model: PersonIn, go: Callable[[], None]) -> None:
        def found(lines: list[str]) -> None:
            if not lines:
                go()
                return
            self.app.push_screen(ConfirmDialog(_("ui.possible_duplicates"), "\n".join(lines)),
                                 lambda yes: go() if yes else None)

        def work() -> None:
            lines = household_service.duplicate_lines(model.id_number or None, model.name, model.birth_date,
                                             exclude_uuid=self.record_uuid)
            self.app.call_from_thread(found, lines)

        self.run_worker(work, thread=True, group="duplicates")

    def persist(self, model: PersonIn) -> str:
        if self.person is None:
            return household_service.add_person(self.app.user, model).uuid
        return household_service.update_person(self.app.user, self.person.uuid, self.base_version, model).uuid

    def current_values(self) -> tuple[dict[str, str], int] | None:
        if self.person is None:
            return None
        detail = household_service.detail(self.household_uuid)
        person = next((p for p in detail.members if p.uuid == self.person.uuid), None) if detail else None
        return (person_values(person), person.version) if person else None
