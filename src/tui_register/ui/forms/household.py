"""New household (with its head) and editing a household."""

from __future__ import annotations

from typing import Any

from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.records import HouseholdIn, PersonIn, validate
from tui_register.storage.models import Household
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.forms.person import PERSON_FIELDS, id_fills
from tui_register.ui.options import place_options
from tui_register.ui.services import households as household_service

HOUSEHOLD_FIELDS = (
    Field("address", "field.household.address"),
    Field("place", "field.household.place", kind="select", options=place_options),
    Field("phone", "field.household.phone"),
    Field("notes", "field.household.notes", kind="multiline"),
)
HEAD_PREFIX = "head_"
HEAD_FIELDS = tuple(
    Field(HEAD_PREFIX + f.name, f.label, f.kind, f.options, f.placeholder)
    for f in PERSON_FIELDS if f.name in ("name", "id_number", "sex", "birth_date", "phone")
)


def household_values(h: Household) -> dict[str, str]:
    return {"address": h.address, "place": h.place.uuid, "phone": h.phone, "notes": h.notes}


class HouseholdForm(FormScreen):
    """`n` on the list: the household and its head in one form; `e` on a household: edit it."""

    MODEL = HouseholdIn

    def __init__(self, household: Household | None = None) -> None:
        self.household = household
        self.FIELDS = HOUSEHOLD_FIELDS if household else HOUSEHOLD_FIELDS + HEAD_FIELDS
        self.FORM_TITLE = "ui.form_edit_household" if household else "ui.form_new_household"
        super().__init__(household_values(household) if household else None,
                         base_version=household.version if household else None,
                         record_uuid=household.uuid if household else None)

    def _split(self) -> tuple[dict[str, str], dict[str, str]]:
        values = self.values()
        own = {k: v for k, v in values.items() if not k.startswith(HEAD_PREFIX)}
        head = {k[len(HEAD_PREFIX):]: v for k, v in values.items() if k.startswith(HEAD_PREFIX)}
        return own, head

    def check(self) -> tuple[Any | None, InputError | None]:
        own, head = self._split()
        errors: list[FieldError] = []
        household = person = None
        try:
            household = validate(HouseholdIn, own, today=self.app.today())
        except InputError as err:
            errors += err.errors
        if self.household is None:
            # The head joins the household being created; its UUID is not known yet.
            head["household"] = "00000000-0000-4000-8000-000000000000"
            head["relation"] = "head"
            try:
                person = validate(PersonIn, head, accept=self.accept, today=self.app.today())
            except InputError as err:
                errors += [_prefixed(e) for e in err.errors]
        if errors:
            return None, InputError(errors)
        return (household, person), None

    def field_left(self, name: str, model: Any | None) -> None:
        if name == HEAD_PREFIX + "id_number":
            id_fills(self, HEAD_PREFIX)

    def persist(self, model: Any) -> str:
        household, head = model
        if self.household is None:
            return household_service.create_household(self.app.user, household, head).uuid
        return household_service.update_household(self.app.user, self.household.uuid, self.base_version, household).uuid

    def current_values(self) -> tuple[dict[str, str], int] | None:
        h = household_service.detail(self.household.uuid).household if self.household else None
        return (household_values(h), h.version) if h else None


def _prefixed(err: FieldError) -> FieldError:
    return FieldError(HEAD_PREFIX + err.field, err.code, err.params, warning=err.warning, scope=err.scope)
