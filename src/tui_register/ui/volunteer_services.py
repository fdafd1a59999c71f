"""What the volunteer screens ask of the storage layer, called from worker threads only.

The same door as `ui.services`: each call on the worker thread's own connection, closed
afterwards; writes are imported on first use.
"""

from __future__ import annotations

from tui_register.storage import volunteer_queries
from tui_register.ui.services import _later, db_call

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
add_volunteer = _later(_VOLUNTEERS, "add_volunteer")
update_volunteer = _later(_VOLUNTEERS, "update_volunteer")
add_activity = _later(_VOLUNTEERS, "add_activity")
add_participation = _later(_VOLUNTEERS, "add_participation")
set_participation_hours = _later(_VOLUNTEERS, "set_participation_hours")
void_participation = _later(_VOLUNTEERS, "void_participation")
