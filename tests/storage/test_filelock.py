"""The writers' turn (a lock file beside the database) is waited for no longer than a busy
database, and ends in the same message; the sync lock is the same helper, not waited for."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.support.records import ALICE, LockHolder, max_seq, place_in
from tui_register.i18n import _
from tui_register.storage import households as H
from tui_register.storage.core import DatabaseBusy
from tui_register.storage.models import Place, database


@pytest.fixture
def holder(db_path: Path):
    """Another process holds `db_path`.lock (the writers' turn); calling this lets it go."""
    held = LockHolder(Path(f"{db_path}.lock"))
    yield held.release
    held.release()


@pytest.fixture
def short_busy_timeout(reg):
    """The database's busy timeout (10 s in use) cut short, so that a test waits it out quickly."""
    reg.timeout = 0.2
    yield


def test_a_write_gives_up_on_a_held_writer_turn_with_the_busy_message(reg, holder, short_busy_timeout):
    seq = max_seq()
    with pytest.raises(DatabaseBusy) as err:
        H.create_place(ALICE, place_in("城关镇", "township"))
    assert err.value.message("en") == _("storage.busy", lang="en")
    assert err.value.message("zh_CN") == _("storage.busy", lang="zh_CN")
    assert max_seq() == seq and Place.select().count() == 0  # nothing written

    holder()  # the other program lets go: the next write goes through
    H.create_place(ALICE, place_in("城关镇", "township"))
    assert [p.name for p in Place.select()] == ["城关镇"]


def test_a_write_waiting_for_the_turn_goes_on_when_it_is_released(reg, holder):
    reg.timeout = 30  # long enough never to run out here
    done: list[object] = []

    def write() -> None:
        try:
            done.append(H.create_place(ALICE, place_in("城关镇", "township")).name)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            done.append(exc)
        finally:
            database.close()

    writer = threading.Thread(target=write)
    writer.start()
    for _poll in range(3000):  # until the write waits for the turn (its waiting thread is there)
        if any(t.name == "file-lock-wait" for t in threading.enumerate()) or done:
            break
        time.sleep(0.01)
    assert not done, done  # still waiting: the other program has the turn
    holder()
    writer.join(timeout=30)
    assert done == ["城关镇"]


def test_a_busy_database_gives_the_same_message(reg, db_path, short_busy_timeout):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program in a write transaction, outside the turn
    try:
        with pytest.raises(DatabaseBusy) as err:
            H.create_place(ALICE, place_in("城关镇", "township"))
        assert err.value.message("en") == _("storage.busy", lang="en")
    finally:
        other.rollback()
        other.close()
    H.create_place(ALICE, place_in("城关镇", "township"))
    assert Place.select().count() == 1
