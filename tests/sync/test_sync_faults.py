"""The network misbehaving: server errors, dropped connections, 429, 401, 413, no server at all.

Each against the real hub on 127.0.0.1 with faults injected around it (`tests.support.sync.Faults`);
after each, the hub's records equal the office's and nothing was applied twice.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from tests.support.records import ALICE
from tests.support.sync import (
    FAST,
    assert_in_step,
    hub_applied_seqs,
    populate,
    settings_for,
    synced_seqs,
)
from tui_register.hub import app as hub_app
from tui_register.storage import households as H
from tui_register.storage.models import Household
from tui_register.storage.sync_state import SyncBatch, SyncQuarantine
from tui_register.sync import service
from tui_register.sync.backoff import RetryPolicy, retry_after

pytestmark = pytest.mark.timeout(60)


def _posted_keys(hub) -> list[str]:
    return [key for key, _outcome in hub.faults.posts]


def test_server_errors_then_recovery(reg, db_path, hub):
    populate()
    hub.faults.statuses = [(500, {}), (503, {}), (502, {})]

    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)

    assert (summary.exit_code, summary.sent, summary.applied, summary.duplicates) == (0, 27, 27, 0)
    outcomes = [outcome for _key, outcome in hub.faults.posts]
    assert outcomes[:4] == ["500", "503", "502", "200"]
    keys = _posted_keys(hub)
    assert keys[0] == keys[1] == keys[2] == keys[3]  # the same batch, resent
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())
    assert_in_step(hub.db)


def test_applied_then_connection_dropped_counts_as_duplicate(reg, db_path, hub):
    populate()
    hub.faults.drop_after_apply = 1

    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)

    assert summary.exit_code == 0
    assert (summary.sent, summary.applied, summary.duplicates) == (27, 22, 5)
    first, resent = hub.faults.posts[0], hub.faults.posts[1]
    assert first == (resent[0], "applied, connection dropped") and resent[1] == "200"
    # Same id, same bytes: the hub answered from its record of the batch (a different body
    # under the same id would have been refused with 422).
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())  # nothing twice
    assert_in_step(hub.db)


def test_429_waits_for_retry_after(reg, db_path, hub):
    populate()
    hub.faults.statuses = [(429, {"Retry-After": "1"})]
    start = time.monotonic()

    summary = service.run_sync(settings_for(db_path, hub, batch_size=100), ALICE, policy=FAST)

    assert summary.exit_code == 0 and summary.applied == 27
    assert time.monotonic() - start >= 1.0  # FAST alone would have waited 0.05 s at most
    assert [o for _k, o in hub.faults.posts] == ["429", "200"]
    assert_in_step(hub.db)


def test_retry_after_as_seconds_or_http_date():
    now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after({"retry-after": "120"}, now) == 120.0
    assert retry_after({"retry-after": format_datetime(now + timedelta(seconds=30), usegmt=True)}, now) == 30.0
    assert retry_after({"retry-after": format_datetime(now - timedelta(seconds=30), usegmt=True)}, now) == 0.0
    assert retry_after({}, now) is None
    assert retry_after({"retry-after": "soon"}, now) is None


def test_retry_after_beyond_the_time_limit_gives_up(reg, db_path, hub):
    populate()
    hub.faults.statuses = [(503, {"Retry-After": "3600"})]
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert (summary.exit_code, summary.problem, summary.sent) == (3, "sync.unreachable", 0)
    assert len(hub.faults.posts) == 1 and summary.pending == 27


def test_401_stops_with_a_message_about_the_token(reg, db_path, hub):
    populate()

    summary = service.run_sync(settings_for(db_path, hub, token="not-the-token"), ALICE, policy=FAST)

    assert (summary.exit_code, summary.problem, summary.sent, summary.pending) == (2, "sync.token_refused", 0, 27)
    assert "token" in summary.problem_message("en") and "令牌" in summary.problem_message("zh_CN")
    assert "TUI_REGISTER_SYNC_TOKEN" in summary.problem_message("en")
    assert len(hub.faults.posts) == 1  # never retried
    [recorded] = SyncBatch.select()
    assert recorded.state == "refused"  # never applied: recorded again next time

    again = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert again.exit_code == 0 and again.applied == 27
    assert _posted_keys(hub)[1] != recorded.id
    assert_in_step(hub.db)


def test_a_wrong_office_code_does_not_block_the_office_once_corrected(reg, db_path, hub):
    populate()
    wrong = settings_for(db_path, hub, office_code="GL-30")

    first = service.run_sync(wrong, ALICE, policy=FAST)

    assert (first.exit_code, first.problem, first.sent) == (2, "sync.office_refused", 0)
    for lang, words in (("en", "office code"), ("zh_CN", "办代码")):
        message = first.problem_message(lang)
        assert words in message and "GL-30" in message and "TUI_REGISTER_OFFICE_CODE" in message
    assert hub.faults.answered == [403]

    fixed = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)

    assert (fixed.exit_code, fixed.applied) == (0, 27), fixed.problem_message("en")
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())
    assert_in_step(hub.db)
    assert {b.state for b in SyncBatch.select()} == {"refused", "answered"}


def test_413_keeps_the_size_that_worked_for_the_rest_of_the_run(reg, db_path, hub, monkeypatch):
    populate()
    for i in range(15):
        populate_more(i)
    monkeypatch.setattr(hub_app, "MAX_CHANGES", 5)  # the hub's own cap, made small

    summary = service.run_sync(settings_for(db_path, hub, batch_size=24), ALICE, policy=FAST)

    assert summary.exit_code == 0 and summary.applied == summary.sent == 72
    assert hub.faults.answered.count(413) == 3  # 24 -> 12 -> 6 -> 3 once, not again for every later batch
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())
    assert_in_step(hub.db)


def populate_more(i: int) -> None:
    """More changes: edits of every household."""
    from tests.support.sync import edit_household

    for household in Household.select():
        edit_household(household.uuid, f"第{i}次走访后更新")


def test_total_timeout_is_kept_against_a_centre_that_never_answers(reg, db_path, hub):
    populate()
    accepted: list[float] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def accept() -> None:  # take connections, read nothing, answer nothing
        held = []
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
                accepted.append(time.monotonic())
            except OSError:
                continue
        for conn in held:
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    limit = 2.0
    settings = settings_for(db_path, hub, sync_total_timeout=limit, sync_read_timeout=30).model_copy(
        update={"sync_endpoint": f"http://127.0.0.1:{listener.getsockname()[1]}"})
    try:
        start = time.monotonic()
        summary = service.run_sync(settings, ALICE, policy=RetryPolicy(attempts=10, wait_initial=0.5, wait_max=1,
                                                                        wait_jitter=0))
        elapsed = time.monotonic() - start
    finally:
        stop.set()
        thread.join(5)
        listener.close()

    assert (summary.exit_code, summary.problem, summary.pending) == (3, "sync.time_limit", 27)
    assert elapsed <= limit + 1.0  # a bound: the run ends at its limit, not 30 s of reading later
    assert accepted and all(t <= start + limit for t in accepted)  # no request started after it


def test_413_splits_the_batch_and_a_lone_oversized_change_is_quarantined(reg, db_path, hub):
    names = populate()
    household = Household.get(Household.uuid == names["household2"])
    notes = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2000))  # barely compressible
    from tests.support.records import household_in

    H.update_household(ALICE, household.uuid, household.version, household_in(household.place.uuid, "人民路3号",
                                                                              notes=notes))
    hub.faults.max_body = 2500

    summary = service.run_sync(settings_for(db_path, hub, batch_size=16), ALICE, policy=FAST)

    assert summary.exit_code == 1
    assert (summary.sent, summary.applied, summary.rejected) == (28, 27, 1)
    superseded = list(SyncBatch.select().where(SyncBatch.state == "superseded"))
    assert superseded and all(b.changes > 1 for b in superseded)
    children = SyncBatch.select().where(SyncBatch.parent.in_([b.id for b in superseded]))
    assert sum(1 for _ in children) == 2 * len(superseded)
    [entry] = SyncQuarantine.select()
    assert (entry.uuid, entry.reason) == (household.uuid, "too_large")
    [item] = service.quarantine("en")
    assert "size limit" in item.message and item.label == "王建国"
    assert_in_step(hub.db)


def test_no_server_keeps_everything_queued(reg, db_path, hub):
    populate()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    settings = settings_for(db_path, hub).model_copy(update={"sync_endpoint": f"http://127.0.0.1:{port}"})

    summary = service.run_sync(settings, ALICE, policy=RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.02,
                                                                    wait_jitter=0))

    assert (summary.exit_code, summary.problem, summary.sent, summary.pending) == (3, "sync.unreachable", 0, 27)
    assert "ConnectError" in summary.problem_params["detail"]
    assert service.recent_runs(1)[0].exit_code == 3

    assert service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST).applied == 27
    assert_in_step(hub.db)


def test_overall_time_limit(reg, db_path, hub):
    populate()
    summary = service.run_sync(settings_for(db_path, hub, sync_total_timeout=0.001), ALICE, policy=FAST)
    assert (summary.exit_code, summary.problem, summary.pending) == (3, "sync.time_limit", 27)
