"""Shared helpers for the storage and command-line tests.

Everything here writes through the real storage functions into real SQLite files. The
worker functions at the bottom run in child processes (multiprocessing 'spawn'), so they
must stay importable top-level functions.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tui_register.domain.ids import known_region_codes, make_resident_id
from tui_register.domain.records import (
    ActivityIn,
    CampaignIn,
    HouseholdIn,
    MembershipIn,
    ParticipationIn,
    PersonIn,
    PlaceIn,
    StatusChange,
    VisitIn,
    VolunteerIn,
    validate,
)

ALICE = "alice"  # first supervisor of every test register
NO_UUID = "00000000-0000-4000-8000-000000000000"  # a head's `household` before it exists

TABLES = ("place", "household", "person", "membership", "campaign", "campaign_target", "visit",
          "volunteer", "activity", "participation", "staff", "change_log", "audit_event",
          "category")


# ---------------------------------------------------------------- ID numbers

def resident_id(birth: date, seq: int, *, region_index: int = 0) -> str:
    """A valid 18-character ID (known region, right check character); seq odd = male."""
    region = known_region_codes(birth.year)[region_index]
    return make_resident_id(region, birth, seq)


def resident_id_ending_x(birth: date) -> str:
    """A valid ID whose check character is X."""
    for seq in range(1000):
        number = resident_id(birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID with check character X")  # pragma: no cover


# ---------------------------------------------------------------- input models

def place_in(name: str, level: str, parent: str | None = None) -> PlaceIn:
    return validate(PlaceIn, {"name": name, "level": level, "parent": parent or ""})


def household_in(place: str, address: str, phone: str = "", notes: str = "", *,
                 today: date | None = None) -> HouseholdIn:
    return validate(HouseholdIn, {"place": place, "address": address, "phone": phone, "notes": notes},
                    today=today)


def person_in(household: str | None, name: str, *, id_number: str = "", sex: str = "M",
              birth: date | None = date(1950, 3, 4), relation: str = "other", phone: str = "",
              disability_grade: Any = None, today: date | None = None) -> PersonIn:
    data: dict[str, Any] = {"household": household or NO_UUID, "name": name, "relation": relation,
                            "phone": phone}
    if id_number:
        data["id_number"] = id_number
    else:
        data["sex"] = sex
        data["birth_date"] = birth.isoformat() if birth else ""
    if disability_grade is not None:
        data["disability_grade"] = disability_grade
    return validate(PersonIn, data, today=today)


def membership_in(category: str, *, person: str | None = None, household: str | None = None,
                  start: date = date(2023, 1, 1), amount: str = "", period: str = "",
                  today: date | None = None, **kinds: str) -> MembershipIn:
    """`kinds`: aid_kind, repair_kind, repair_stage (临时救助 and 危房户 only)."""
    return validate(MembershipIn, {"category": category, "person": person or "",
                                   "household": household or "", "start_date": start.isoformat(),
                                   "amount": amount, "period": period, **kinds}, today=today)


def visit_in(household: str, day: date, *, visitors: str = "王敏、李强", purpose: str = "routine",
             cash: str = "", goods: str = "", follow_up: str = "", due: date | None = None,
             campaign: str | None = None, today: date | None = None) -> VisitIn:
    return validate(VisitIn, {"household": household, "visit_date": day.isoformat(),
                              "visitors": visitors, "purpose": purpose, "cash": cash, "goods": goods,
                              "follow_up": follow_up, "follow_up_due": due.isoformat() if due else "",
                              "campaign": campaign or ""}, today=today)


def status_in(status: str, reason: str = "", day: date = date(2025, 5, 6), *,
              today: date | None = None) -> StatusChange:
    return validate(StatusChange, {"status": status, "reason": reason, "effective_date": day.isoformat()},
                    today=today)


def campaign_in(name: str = "2025年春节走访慰问", *, today: date | None = None, **fields: str) -> CampaignIn:
    """A festival campaign; `fields` (start_date, visitors, budget, ...) replace the defaults."""
    return validate(CampaignIn, {"name": name, "start_date": "2025-01-20", "end_date": "2025-01-31",
                                 "purpose": "festival", "visitors": "王敏,李强", "default_cash": "300",
                                 "default_goods": "大米", "budget": "30000", **fields}, today=today)


def volunteer_in(name: str, id_number: str = "", *, phone: str = "13912340000", organisation: str = "妇联",
                 today: date | None = None) -> VolunteerIn:
    return validate(VolunteerIn, {"name": name, "phone": phone, "organisation": organisation,
                                  "id_number": id_number}, today=today)


def activity_in(title: str = "环境整治", day: date = date(2025, 4, 5), *, today: date | None = None) -> ActivityIn:
    return validate(ActivityIn, {"activity_date": day.isoformat(), "title": title, "kind": "环境",
                                 "default_hours": "2"}, today=today)


def participation_in(activity: str, volunteer: str, hours: str = "2.5") -> ParticipationIn:
    return validate(ParticipationIn, {"activity": activity, "volunteer": volunteer, "hours": hours})


# ---------------------------------------------------------------- reading the database

def max_seq() -> int:
    from tui_register.storage.models import database

    return database.execute_sql("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]


@dataclass(frozen=True)
class LogRow:
    seq: int
    entity: str
    uuid: str
    op: str
    version: int
    base_version: int
    snapshot: dict[str, Any]
    at: str
    user: str


def log_since(seq: int) -> list[LogRow]:
    """Change-log rows written after `seq`, oldest first."""
    from tui_register.storage.models import database

    rows = database.execute_sql(
        "SELECT seq, entity, uuid, op, version, base_version, snapshot, at, user FROM change_log "
        "WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
    return [LogRow(s, e, u, o, v, b, json.loads(snap), at, user)
            for s, e, u, o, v, b, snap, at, user in rows]


def table_counts() -> dict[str, int]:
    from tui_register.storage.models import database

    return {t: database.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def sqlite_counts(path: Path | str) -> dict[str, int]:
    """Row counts read with a plain sqlite3 connection (for files the tests did not open)."""
    conn = sqlite3.connect(str(path))
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        conn.close()


# ---------------------------------------------------------------- subprocess environment

def cli_env(language: str = "en") -> dict[str, str]:
    """The environment for `python -m tui_register`: no stray TUI_REGISTER_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_REGISTER_")}
    env["TUI_REGISTER_LANGUAGE"] = language
    # The package under test, and the repository root for `tests.support` in child processes.
    root = Path(__file__).resolve().parents[2]
    paths = [str(root / "src"), str(root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


# ---------------------------------------------------------------- child-process workers

def race_update_worker(path: str, user: str, household_uuid: str, base_version: int, notes: str,
                       place_uuid: str, address: str, barrier: Any, results: Any) -> None:
    """Update one household from `base_version` at the same moment as another process."""
    try:
        from tui_register.storage.core import ConflictError
        from tui_register.storage.households import update_household
        from tui_register.storage.register import open_register

        db = open_register(path, user, create=False)
        data = household_in(place_uuid, address, notes=notes)
        barrier.wait(timeout=30)
        try:
            update_household(user, household_uuid, base_version, data)
            results.put((user, "ok", notes))
        except ConflictError as err:
            results.put((user, "conflict", err.message("en")))
        db.close()
    except BaseException:  # noqa: BLE001 - reported to the test
        results.put((user, "error", traceback.format_exc()))


def busy_writer_worker(path: str, user: str, household_uuid: str, place_uuid: str, address: str,
                       seconds: float, start: Any, results: Any, pause: float = 0.0) -> None:
    """For `seconds`, add visits to one household and edit it, `pause` seconds apart.

    Reports (user, 'done', visits, edits) or (user, 'error', traceback).
    """
    try:
        from tui_register.storage.households import update_household
        from tui_register.storage.models import Household
        from tui_register.storage.register import open_register
        from tui_register.storage.visits import add_visit

        db = open_register(path, user, create=False)
        version = Household.get(Household.uuid == household_uuid).version
        visit = visit_in(household_uuid, date(2025, 3, 1))
        start.wait(timeout=30)
        visits = edits = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            add_visit(user, visit)
            visits += 1
            version = update_household(user, household_uuid, version,
                                       household_in(place_uuid, address, notes=f"{user} {edits}")).version
            edits += 1
            if pause:
                time.sleep(pause)
        db.close()
        results.put((user, "done", visits, edits))
    except BaseException:  # noqa: BLE001 - reported to the test
        results.put((user, "error", traceback.format_exc()))


def visit_writer_main(path: str, seconds: float, progress_file: str) -> None:
    """`python -c` entry: keep adding visits to the register's households until the file
    `progress_file + ".stop"` appears (or, as a bound, `seconds` have passed).

    Writes the number of visits added so far to `progress_file` after each one.
    """
    from tui_register.storage.clock import current_login
    from tui_register.storage.models import Household
    from tui_register.storage.register import open_register
    from tui_register.storage.visits import add_visit

    db = open_register(path, current_login(), create=False)
    uuids = [h.uuid for h in Household.select(Household.uuid).order_by(Household.id)]
    deadline = time.monotonic() + seconds
    stop = Path(progress_file + ".stop")
    n = 0
    while time.monotonic() < deadline and not stop.exists():
        add_visit(current_login(), visit_in(uuids[n % len(uuids)], date(2025, 6, 1)))
        n += 1
        tmp = progress_file + ".tmp"
        Path(tmp).write_text(str(n))
        os.replace(tmp, progress_file)
    db.close()
    sys.stdout.write(f"{n}\n")


# Another program that has a lock file and keeps it until its stdin is closed.
_HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


class LockHolder:
    """Another process holding the flock on `path` (the writers' turn is `<db>.lock`) from
    the start until `release()`."""

    def __init__(self, path: Path) -> None:
        import subprocess

        self.proc = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline() == "held\n"

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
