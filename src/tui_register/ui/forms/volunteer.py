"""New volunteer and editing one."""

from __future__ import annotations

from tui_register.domain.records import VolunteerIn
from tui_register.storage.models import Volunteer
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.services import volunteers as volunteer_service

VOLUNTEER_FIELDS = (
    Field("name", "field.volunteer.name"),
    Field("phone", "field.volunteer.phone"),
    Field("organisation", "field.volunteer.organisation", placeholder="vol.organisation_placeholder",
          suggestions="organisation"),
    Field("id_number", "field.volunteer.id_number"),
    Field("notes", "field.volunteer.notes", kind="multiline"),
)


def volunteer_values(v: Volunteer) -> dict[str, str]:
    return {"name": v.name, "phone": v.phone, "organisation": v.organisation, "id_number": v.id_number or "",
            "notes": v.notes}


class VolunteerForm(FormScreen):
    """`n` on the volunteer list; `e` on a volunteer edits it."""

    MODEL = VolunteerIn
    FIELDS = VOLUNTEER_FIELDS

    def __init__(self, volunteer: Volunteer | None = None) -> None:
        self.volunteer = volunteer
        self.FORM_TITLE = "vol.form_edit_volunteer" if volunteer else "vol.form_new_volunteer"
        super().__init__(volunteer_values(volunteer) if volunteer else None,
                         base_version=volunteer.version if volunteer else None,
                         record_uuid=volunteer.uuid if volunteer else None)

    def persist(self, model: VolunteerIn) -> str:
        if self.volunteer is None:
            saved = volunteer_service.add_volunteer(self.app.user, model)
        else:
            saved = volunteer_service.update_volunteer(self.app.user, self.volunteer.uuid, self.base_version, model)
        self.app.call_from_thread(self.app.state.remember, {"organisation": [model.organisation]})
        return saved.uuid

    def current_values(self) -> tuple[dict[str, str], int] | None:
        detail = volunteer_service.volunteer_detail(self.volunteer.uuid) if self.volunteer else None
        return (volunteer_values(detail.volunteer), detail.volunteer.version) if detail else None
