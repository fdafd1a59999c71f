"""What the volunteer and activity screens ask of storage."""

from __future__ import annotations

from tui_register.storage import volunteer_queries
from tui_register.ui.services.calls import db_call, later

volunteer_page = db_call(volunteer_queries.volunteer_page)
volunteer_count = db_call(volunteer_queries.volunteer_count)
volunteer_detail = db_call(volunteer_queries.volunteer_detail)
service_page = db_call(volunteer_queries.service_page)
activity_page = db_call(volunteer_queries.activity_page)
activity_detail = db_call(volunteer_queries.activity_detail)
participant_page = db_call(volunteer_queries.participant_page)
volunteer_lookup = db_call(volunteer_queries.volunteer_lookup)
remembered_choices = db_call(volunteer_queries.remembered_choices)

_VOLUNTEERS = "tui_register.storage.volunteers"
add_volunteer = later(_VOLUNTEERS, "add_volunteer")
update_volunteer = later(_VOLUNTEERS, "update_volunteer")
add_activity = later(_VOLUNTEERS, "add_activity")
add_participation = later(_VOLUNTEERS, "add_participation")
set_participation_hours = later(_VOLUNTEERS, "set_participation_hours")
void_participation = later(_VOLUNTEERS, "void_participation")
