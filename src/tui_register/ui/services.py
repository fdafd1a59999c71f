"""What the interface asks of the layers below, in one place.

Screens call these from worker threads (never on the event loop). Each call uses the
calling thread's own SQLite connection and closes it when it is a worker thread, so that
no connection or read transaction outlives the call while the interface waits for a key.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

import importlib

from tui_register.storage import queries, visit_queries
from tui_register.storage.core import staff_role
from tui_register.storage.models import ChangeLog, Staff, database

T = TypeVar("T")


def db_call(fn: Callable[..., T]) -> Callable[..., T]:
    """Run `fn` on this thread's connection; close it afterwards off the main thread."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            if threading.current_thread() is not threading.main_thread() and not database.is_closed():
                database.close()

    return wrapper


@db_call
def role_of(user: str) -> str | None:
    return staff_role(user)


@db_call
def staff_names() -> list[str]:
    return [s.display_name for s in Staff.select().where(Staff.status == "active").order_by(Staff.login)]


@db_call
def pending_sync_count() -> int:
    """Changes not yet acknowledged by the central endpoint."""
    try:
        from tui_register.sync.service import pending_count
    except ImportError:  # before the sync layer exists nothing has been sent
        return ChangeLog.select().count()
    return pending_count()


def _later(module: str, name: str) -> Callable[..., Any]:
    """A storage function imported on first call: writes (and the validation models they
    bring in) are not needed to draw the first list, and start-up time matters."""

    @db_call
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


page = db_call(queries.household_page)
totals = db_call(queries.household_totals)
detail = db_call(queries.household_detail)
places = db_call(queries.places)

visit_page = db_call(visit_queries.visit_page)
visit_totals = db_call(visit_queries.visit_totals)
visitor_names = db_call(visit_queries.visitor_names)
goods_choices = db_call(visit_queries.goods_choices)
campaigns = db_call(visit_queries.campaigns)
campaign_progress = db_call(visit_queries.campaign_progress)
campaign_targets = db_call(visit_queries.campaign_targets)
households_for_targets = db_call(visit_queries.households_for_targets)
due_list = db_call(visit_queries.due_list)

@db_call
def duplicate_lines(id_number: str | None, name: str, birth_date, exclude_uuid: str | None = None) -> list[str]:
    """Possible duplicates of a person as lines to show (read here, off the event loop)."""
    from tui_register.storage.households import possible_duplicates

    return [f"{p.name} {p.birth_date} {p.household.address}"
            for p in possible_duplicates(id_number, name, birth_date, exclude_uuid)]


_HOUSEHOLDS = "tui_register.storage.households"
_VISITS = "tui_register.storage.visits"
add_visit = _later(_VISITS, "add_visit")
void_visit = _later(_VISITS, "void_visit")
complete_follow_up = _later(_VISITS, "complete_follow_up")
create_campaign = _later(_VISITS, "create_campaign")
campaign_visit = _later(_VISITS, "campaign_visit")
add_target = _later(_VISITS, "add_target")
remove_target = _later(_VISITS, "remove_target")
create_household = _later(_HOUSEHOLDS, "create_household")
update_household = _later(_HOUSEHOLDS, "update_household")
set_household_status = _later(_HOUSEHOLDS, "set_household_status")
add_person = _later(_HOUSEHOLDS, "add_person")
update_person = _later(_HOUSEHOLDS, "update_person")
set_person_status = _later(_HOUSEHOLDS, "set_person_status")
add_membership = _later(_HOUSEHOLDS, "add_membership")
end_membership = _later(_HOUSEHOLDS, "end_membership")
record_audit = _later("tui_register.storage.staff", "record_audit")
