"""What the household screens and forms ask of storage."""

from __future__ import annotations

from tui_register.storage import household_queries
from tui_register.ui.services.calls import db_call, later

page = db_call(household_queries.household_page)
totals = db_call(household_queries.household_totals)
detail = db_call(household_queries.household_detail)
places = db_call(household_queries.places)


@db_call
def duplicate_lines(id_number: str | None, name: str, birth_date, exclude_uuid: str | None = None) -> list[str]:
    """Possible duplicates of a person as lines to show (read here, off the event loop)."""
    from tui_register.storage.households import possible_duplicates

    return [f"{p.name} {p.birth_date} {p.household.address}"
            for p in possible_duplicates(id_number, name, birth_date, exclude_uuid)]


_HOUSEHOLDS = "tui_register.storage.households"
create_household = later(_HOUSEHOLDS, "create_household")
update_household = later(_HOUSEHOLDS, "update_household")
set_household_status = later(_HOUSEHOLDS, "set_household_status")
add_person = later(_HOUSEHOLDS, "add_person")
update_person = later(_HOUSEHOLDS, "update_person")
set_person_status = later(_HOUSEHOLDS, "set_person_status")
add_membership = later(_HOUSEHOLDS, "add_membership")
end_membership = later(_HOUSEHOLDS, "end_membership")
set_repair_stage = later(_HOUSEHOLDS, "set_repair_stage")
record_check_outcome = later("tui_register.storage.checks", "record_check_outcome")
