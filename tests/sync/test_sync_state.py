"""The office side without a network: schema v3, what is pending, batches as recorded, splitting,
the run lock, record labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.records import ALICE
from tests.support.sync import OFFICE, populate
from tui_register.storage import db as dbmod
from tui_register.storage import staff as S
from tui_register.storage import sync_state
from tui_register.storage.models import ENTITIES
from tui_register.storage.sync_state import SyncBatch
from tui_register.sync import labels, outbox, protocol
from tui_register.sync.lock import SyncBusy, lock_path, run_lock


def test_v3_adds_the_sync_tables_to_a_register_with_data(tmp_path: Path):
    from tui_register.storage.register import open_register

    path = tmp_path / "old.db"
    db = open_register(path, ALICE)
    populate()
    changes = db.execute_sql("SELECT count(*) FROM change_log").fetchone()[0]
    for table in ("sync_cursor", "sync_batch", "sync_quarantine", "sync_held", "sync_run"):
        db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql("PRAGMA user_version = 2")  # as a register written before schema v3

    steps = {v: dbmod.MIGRATIONS[v] for v in (1, 2, 3)}
    assert dbmod.migrate(db, path, migrations=steps) == 1  # the v3 step alone, on real data
    assert dbmod.user_version(db.connection()) == 3
    assert sync_state.acked_seq() == 0
    assert sync_state.pending_count() == changes - 1  # all but the first supervisor's staff row
    assert db.execute_sql("SELECT count(*) FROM change_log").fetchone()[0] == changes
    assert list(tmp_path.glob("old.v2-*.bak.db"))  # backed up before migrating
    db.close()


def test_staff_changes_are_never_pending(reg):
    S.add_staff(ALICE, "bob", "Bob", "clerk")
    assert sync_state.pending_count() == 0
    populate()
    assert "staff" not in sync_state.pending_by_entity()
    assert sync_state.SYNCED_ENTITIES == tuple(e for e in ENTITIES if e != "staff")


def test_a_batch_is_recorded_before_sending_and_returned_until_answered(reg):
    populate()
    batch = outbox.next_batch(OFFICE, 10)
    assert batch.state == "pending" and batch.changes == 10
    assert outbox.next_batch(OFFICE, 10).id == batch.id  # resent, not rebuilt
    envelope = protocol.decode_batch(batch.body)
    assert envelope["batch_id"] == batch.id and envelope["office"] == OFFICE
    assert [c["seq"] for c in envelope["changes"]] == list(range(batch.first_seq, batch.last_seq + 1))
    assert protocol.Batch.model_validate(envelope).changes[0].snapshot["uuid"] == envelope["changes"][0]["uuid"]
    assert sync_state.pending_count() == 27  # recorded is not sent


def test_split_keeps_every_change_as_recorded(reg):
    populate()
    batch = outbox.next_batch(OFFICE, 9)
    original = protocol.decode_batch(batch.body)["changes"]
    first, second = outbox.split(batch)
    halves = [protocol.decode_batch(half.body) for half in (first, second)]
    assert halves[0]["changes"] + halves[1]["changes"] == original
    assert [h["batch_id"] for h in halves] == [first.id, second.id]
    assert (first.parent, second.parent) == (batch.id, batch.id)
    assert SyncBatch.get_by_id(batch.id).state == "superseded"
    assert [b.id for b in sync_state.pending_batches()] == [first.id, second.id]
    assert second.covers_to == batch.covers_to and first.covers_to == first.last_seq
    single = outbox.split(outbox.split(first)[0])
    assert single is not None and outbox.split(single[0]) is None  # one change: nothing to split


def test_one_run_at_a_time(tmp_path: Path):
    db = tmp_path / "r.db"
    db.touch(mode=0o660)
    with run_lock(db):
        with pytest.raises(SyncBusy):
            with run_lock(db):
                pass
    with run_lock(db):
        pass  # released when the first run ended
    assert lock_path(db) == tmp_path / "r.db.sync-lock" and lock_path(db).exists()


def test_labels_name_the_record(reg):
    names = populate()
    from tui_register.storage.models import Campaign, Household, Participation, Person, Visit

    assert labels.record_label("household", names["household0"]) == "张三丰"
    person = Person.select().where(Person.name == "张小明").get()
    assert labels.record_label("person", person.uuid) == "张小明 (张三丰)"
    visit = Visit.get(Visit.household == Household.get(Household.uuid == names["household1"]))
    assert labels.record_label("visit", visit.uuid) == "2025-03-02 / 李秀英"
    assert labels.record_label("campaign", names["campaign"]) == Campaign.get().name
    participation = Participation.get()
    assert labels.record_label("participation", participation.uuid) == "赵敏 / 环境整治"
    assert labels.record_label("household", "00000000-0000-4000-8000-000000000000") == (
        "00000000-0000-4000-8000-000000000000")


def test_a_partial_answer_moves_the_cursor_over_the_answered_changes_only(reg):
    from tui_register.sync import answers
    from tui_register.sync.protocol import Result

    populate()
    batch = outbox.next_batch(OFFICE, 5)
    changes = protocol.decode_batch(batch.body)["changes"]
    tally = answers.record(batch, [Result(seq=c["seq"], result="applied", version=c["version"])
                                   for c in changes[:3]])
    assert (tally.sent, tally.applied) == (3, 3)
    assert sync_state.acked_seq() == changes[3]["seq"] - 1
    assert SyncBatch.get_by_id(batch.id).state == "answered"
    following = outbox.next_batch(OFFICE, 5)
    assert following.first_seq == changes[3]["seq"]  # the unanswered ones go again
