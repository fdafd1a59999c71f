"""Staff: operating-system logins with a display name and a role (clerk or supervisor).

Whoever creates the database is its first supervisor. A login that is not on the list, or
is disabled, can read but not write (see `core.require_writer`).
"""

from __future__ import annotations

from tui_register.storage.clock import now_iso
from tui_register.storage.core import RuleViolation, writing
from tui_register.storage.models import AuditEvent, Staff

ROLES = ("clerk", "supervisor")


def bootstrap(login: str, display_name: str | None = None) -> Staff | None:
    """Make `login` the first supervisor of a database that has no staff yet."""
    with writing(login, check=False) as w:
        if Staff.select().exists():
            return None
        return w.create(Staff, login=login, display_name=display_name or login, role="supervisor")


def list_staff() -> list[Staff]:
    return list(Staff.select().order_by(Staff.login))


def add_staff(user: str, login: str, display_name: str, role: str) -> Staff:
    if role not in ROLES:
        raise RuleViolation("storage.bad_role", role=role)
    with writing(user, supervisor=True) as w:
        existing = Staff.get_or_none(Staff.login == login)
        if existing is None:
            return w.create(Staff, login=login, display_name=display_name, role=role)
        # Adding a known login again updates it (and re-enables a disabled one).
        return w.update(Staff, existing.uuid, None, display_name=display_name, role=role, status="active")


def disable_staff(user: str, login: str) -> Staff:
    with writing(user, supervisor=True) as w:
        existing = Staff.get_or_none(Staff.login == login)
        if existing is None:
            raise RuleViolation("storage.no_such_staff", login=login)
        if login == user:
            raise RuleViolation("storage.disable_self")
        return w.update(Staff, existing.uuid, None, op="status", status="disabled")


def record_audit(user: str, action: str, entity: str = "", uuid: str = "", detail: str = "",
                 *, supervisor: bool = False) -> None:
    """An audit line for an action that changes no record (revealing or exporting full IDs)."""
    with writing(user, supervisor=supervisor):
        AuditEvent.insert(at=now_iso(), user=user, action=action, entity=entity, uuid=uuid,
                          detail=detail).execute()
