"""Who and when: the operating-system login of the user and the time of a change."""

from __future__ import annotations

import os
import pwd
from datetime import date, datetime, timezone


def current_login() -> str:
    """The OS login (staff reach the server over SSH with their own accounts).

    Taken from the effective uid, not $USER, so that the audit trail cannot be
    signed with another name by setting a variable.
    """
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid{os.geteuid()}"


def now_iso() -> str:
    """Now, UTC, ISO 8601 with microseconds: sortable and unambiguous on the wire."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def today() -> date:
    return date.today()


def local_time(iso: str) -> str:
    """An ISO UTC time shown in the server's local time, to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
