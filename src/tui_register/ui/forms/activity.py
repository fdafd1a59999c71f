"""A new volunteer activity (志愿活动); its participants are added on the activity's screen."""

from __future__ import annotations

from datetime import date

from tui_register.domain.records import ActivityIn
from tui_register.ui.forms.base import Field, FormScreen
from tui_register.ui.services import volunteers as volunteer_service

REMEMBERED_FIELDS = ("kind", "place", "organiser", "partner_unit")
ACTIVITY_FIELDS = (
    Field("activity_date", "field.activity.activity_date", placeholder="ui.date_placeholder"),
    Field("title", "field.activity.title"),
    Field("kind", "field.activity.kind", suggestions="kind"),
    Field("place", "field.activity.place", suggestions="place"),
    Field("organiser", "field.activity.organiser", suggestions="organiser"),
    Field("partner_unit", "field.activity.partner_unit", placeholder="vol.partner_placeholder",
          suggestions="partner_unit"),
    Field("default_hours", "vol.label_default_hours", placeholder="vol.default_hours_placeholder"),
    Field("notes", "field.activity.notes", kind="multiline"),
)


class ActivityForm(FormScreen):
    """`n` on the activity list."""

    MODEL = ActivityIn
    FIELDS = ACTIVITY_FIELDS
    FORM_TITLE = "vol.form_new_activity"

    def __init__(self, today: date) -> None:
        super().__init__({"activity_date": today.isoformat()})

    def persist(self, model: ActivityIn) -> str:
        activity = volunteer_service.add_activity(self.app.user, model)
        self.app.call_from_thread(self.app.state.remember, {name: [getattr(model, name)] for name in REMEMBERED_FIELDS})
        return activity.uuid
