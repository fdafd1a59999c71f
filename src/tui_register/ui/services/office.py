"""The office the register belongs to: read at start, set once by a supervisor."""

from __future__ import annotations

from tui_register.ui.services.calls import db_call, later


@db_call
def stored_office() -> tuple[str, str]:
    from tui_register.storage.office import stored_office as read

    return read()


set_office = later("tui_register.storage.office", "set_office")
