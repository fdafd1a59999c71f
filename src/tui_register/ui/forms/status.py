"""Status changes: close or suspend (or reopen) a household, a member deceased or moved out,
a category ended. Nothing is deleted: each keeps its reason and date."""

from __future__ import annotations

from typing import Any

from tui_register.domain.categories import HOUSEHOLD_STATUSES, PERSON_STATUSES
from tui_register.domain.errors import InputError
from tui_register.domain.records import StatusChange, validate
from tui_register.i18n import _
from tui_register.storage.models import Household, Membership, Person
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.services import households as household_service


def _status_field(codes: tuple[str, ...]) -> Field:
    return Field("status", "field.status.status", kind="select",
                 options=lambda _state: [(_("status." + c), c) for c in codes])


REASON = Field("reason", "field.status.reason")
WHEN = Field("effective_date", "field.status.effective_date", kind="date", placeholder="ui.date_placeholder")


class HouseholdStatusForm(FormScreen):
    MODEL = StatusChange
    FORM_TITLE = "ui.form_household_status"
    FIELDS = (_status_field(HOUSEHOLD_STATUSES), REASON, WHEN)

    def __init__(self, household: Household) -> None:
        self.household = household
        super().__init__({"status": "closed" if household.status == "active" else "active",
                          "effective_date": self.app.today().isoformat()}, base_version=household.version)

    def persist(self, model: StatusChange) -> str:
        return household_service.set_household_status(self.app.user, self.household.uuid, self.base_version, model).uuid


class PersonStatusForm(FormScreen):
    MODEL = StatusChange
    FORM_TITLE = "ui.form_person_status"
    FIELDS = (_status_field(PERSON_STATUSES), REASON, WHEN)

    def __init__(self, person: Person) -> None:
        self.person = person
        super().__init__({"status": "deceased" if person.status == "active" else "active",
                          "effective_date": self.app.today().isoformat()}, base_version=person.version)

    def persist(self, model: StatusChange) -> str:
        return household_service.set_person_status(self.app.user, self.person.uuid, self.base_version, model).uuid


class EndMembershipForm(FormScreen):
    """Ending a category at a date (status 'ended'), or voiding one entered by mistake."""

    MODEL = StatusChange
    FORM_TITLE = "ui.form_end_category"
    FIELDS = (Field("status", "field.status.status", kind="select",
                    options=lambda _state: [(_("status.ended"), "ended"), (_("status.voided"), "voided")]),
              REASON, WHEN)

    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        super().__init__({"status": "ended", "effective_date": self.app.today().isoformat()},
                         base_version=membership.version)

    def check(self) -> tuple[Any | None, InputError | None]:
        # StatusChange knows "voided"; a normal end is checked like a closing (reason, date).
        values = self.values()
        data = dict(values, status="voided" if values["status"] == "voided" else "closed")
        try:
            change = validate(StatusChange, data, today=self.app.today())
        except InputError as err:
            return None, err
        return (values["status"] == "voided", change), None

    def persist(self, model: Any) -> str:
        void, change = model
        return household_service.end_membership(self.app.user, self.membership.uuid, self.base_version,
                                       change.effective_date, change.reason, void=void).uuid
