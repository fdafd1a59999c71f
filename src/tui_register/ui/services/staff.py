"""Who is using the register: roles, names, and the audit of what they reveal."""

from __future__ import annotations

from tui_register.storage.core import staff_role
from tui_register.storage.models import Staff
from tui_register.ui.services.calls import db_call, later


@db_call
def role_of(user: str) -> str | None:
    return staff_role(user)


@db_call
def staff_names() -> list[str]:
    return [s.display_name for s in Staff.select().where(Staff.status == "active").order_by(Staff.login)]


record_audit = later("tui_register.storage.staff", "record_audit")
