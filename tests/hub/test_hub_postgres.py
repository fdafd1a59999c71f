"""The hub on PostgreSQL: a batch's lookups read one row per key, whatever the tables' statistics
say (none yet on a new hub, or gathered before an office's first batch). A plan that reads every
record of the office for each batch made a night's sync slower with every batch."""

from __future__ import annotations

import hashlib
import uuid as uuidlib

import pytest

from tests.support.sync import pg_database
from tui_register.hub import batches
from tui_register.hub.db import open_hub_database
from tui_register.sync.protocol import Batch

pytestmark = pytest.mark.timeout(60)

HELD = 20_000  # records and applied changes the office already has at the hub
KEYS = 200  # a batch's changes: half of them to records the hub holds


def key_uuid(i: int) -> str:
    return str(uuidlib.UUID(hashlib.md5(str(i).encode()).hexdigest()))


@pytest.fixture
def pg_hub():
    with pg_database() as url:
        db = open_hub_database(url)
        yield db
        db.close()


def hold(db, office: str, count: int) -> None:
    """`count` records and applied changes of `office`, written straight into the tables."""
    db.execute_sql("INSERT INTO hub_office VALUES (%s, NULL, 'now', NULL)", (office,))
    db.execute_sql("INSERT INTO hub_record SELECT %s, 'household', md5(i::text)::uuid::text, 1, '{}'::jsonb, i, 'now' "
                   "FROM generate_series(1, %s) AS i", (office, count))
    db.execute_sql("INSERT INTO hub_change SELECT %s, i, 'b', 'household', md5(i::text)::uuid::text, 1, 'now' "
                   "FROM generate_series(1, %s) AS i", (office, count))


def a_batch(office: str, held: int) -> Batch:
    """KEYS changes: the first half to held records (sequence numbers already applied), the rest new."""
    numbers = [*range(held - KEYS // 2 + 1, held + 1), *range(held + 1, held + KEYS // 2 + 1)]
    changes = [{"seq": n, "entity": "household", "uuid": key_uuid(n), "op": "update", "version": 2,
                "base_version": 1, "at": "now", "user": "alice", "snapshot": {}} for n in numbers]
    return Batch.model_validate({"protocol": 1, "office": office, "batch_id": str(uuidlib.uuid4()),
                                 "first_seq": numbers[0], "last_seq": numbers[-1], "changes": changes})


def rows_read_by_lookup(db, office: str, batch: Batch):
    """What `read_state` found, and the rows of hub_record and hub_change it read to find it
    (the current transaction's counts)."""
    with db.atomic():
        state, _stored = batches.read_state(office, batch)
        (read,) = db.execute_sql(
            "SELECT COALESCE(SUM(COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)), 0) "
            "FROM pg_stat_xact_user_tables WHERE relname IN ('hub_record', 'hub_change')").fetchone()
    return state, read


def test_a_new_hub_without_statistics_reads_one_row_per_key(pg_hub):
    hold(pg_hub, "GL-01", HELD)
    batch = a_batch("GL-01", HELD)

    state, read = rows_read_by_lookup(pg_hub, "GL-01", batch)

    assert len(state.records) == len(state.applied) == KEYS // 2
    assert read <= 2 * KEYS


def test_an_office_the_statistics_do_not_know_yet_reads_one_row_per_key(pg_hub):
    hold(pg_hub, "GL-01", HELD)
    pg_hub.execute_sql("ANALYZE")  # statistics of a hub that had only GL-01 so far
    hold(pg_hub, "GL-02", HELD)
    batch = a_batch("GL-02", HELD)

    state, read = rows_read_by_lookup(pg_hub, "GL-02", batch)

    assert len(state.records) == len(state.applied) == KEYS // 2
    assert read <= 2 * KEYS


def test_sequence_numbers_far_apart_are_read_as_ranges_and_only_the_batch_s_count(pg_hub):
    """Released changes held behind a quarantine come long before the new ones: each run of
    sequence numbers is one range read; an applied number inside a range but not in the batch
    (6) is not taken for one of the batch's."""
    hold(pg_hub, "GL-01", HELD)
    numbers = [5, 7, HELD // 2, *range(HELD + 1, HELD + 51)]
    changes = [{"seq": n, "entity": "household", "uuid": key_uuid(n), "op": "update", "version": 2,
                "base_version": 1, "at": "now", "user": "alice", "snapshot": {}} for n in numbers]
    batch = Batch.model_validate({"protocol": 1, "office": "GL-01", "batch_id": str(uuidlib.uuid4()),
                                  "first_seq": numbers[0], "last_seq": numbers[-1], "changes": changes})

    state, read = rows_read_by_lookup(pg_hub, "GL-01", batch)

    assert state.applied == {5, 7, HELD // 2}
    assert batches.seq_ranges(numbers) == ([5, HELD // 2, HELD + 1], [7, HELD // 2, HELD + 50])
    assert read <= 2 * len(numbers)
