"""Sync against a real hub on 127.0.0.1: a normal push, a second run, dry runs, the service API."""

from __future__ import annotations

import threading

import pytest

from tests.support.records import ALICE
from tests.support.sync import (
    FAST,
    assert_in_step,
    hub_applied_seqs,
    populate,
    settings_for,
    start_client,
    synced_seqs,
)
from tui_register.storage import staff as S
from tui_register.storage.sync_state import SyncBatch
from tui_register.sync import service

pytestmark = pytest.mark.timeout(60)


def test_normal_push_then_nothing_more(reg, db_path, hub):
    populate()
    S.add_staff(ALICE, "bob", "Bob", "clerk")  # staff changes stay in the office
    total = service.pending_count()
    assert total == len(synced_seqs()) == 27
    progress: list[tuple[int, int]] = []

    summary = service.run_sync(settings_for(db_path, hub), ALICE, lambda done, all_: progress.append((done, all_)),
                               policy=FAST)

    assert (summary.exit_code, summary.problem) == (0, "")
    assert (summary.sent, summary.applied, summary.duplicates, summary.conflicts, summary.rejected,
            summary.pending) == (27, 27, 0, 0, 0, 0)
    assert summary.batches == 6 and summary.bytes_sent == sum(len(b.body) for b in SyncBatch.select())
    assert progress[-1] == (27, 27) and len(progress) == 6
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())
    assert_in_step(hub.db)
    assert service.pending_count() == 0 and service.pending_by_entity() == {}

    posts = len(hub.faults.posts)
    again = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert (again.exit_code, again.sent, again.pending) == (0, 0, 0)
    assert len(hub.faults.posts) == posts  # nothing was posted
    assert [r.sent for r in service.recent_runs(5)] == [0, 27]


def test_new_changes_go_in_the_next_run(reg, db_path, hub):
    names = populate()
    service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    from tests.support.sync import edit_household

    edit_household(names["household1"], "换了联系人")
    assert service.pending_by_entity() == {"household": 1}
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert (summary.exit_code, summary.sent, summary.applied) == (0, 1, 1)
    assert_in_step(hub.db)


def test_run_in_a_worker_thread(reg, db_path, hub):
    populate()
    result: list = []
    worker = threading.Thread(target=lambda: result.append(
        service.run_sync(settings_for(db_path, hub, batch_size=200), ALICE, policy=FAST)))
    worker.start()
    worker.join(30)
    assert result[0].exit_code == 0 and result[0].sent == 27
    assert service.pending_count() == 0
    assert_in_step(hub.db)


def test_summary_line_in_both_languages(reg, db_path, hub):
    populate()
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert summary.line("en") == ("sync: sent 27, applied 27, duplicates 0, conflicts 0, rejected 0, "
                                  "still pending 0")
    assert summary.line("zh_CN").startswith("同步:已发送 27 条")
    [latest] = service.recent_runs(1)
    assert latest.line("en") == summary.line("en") and latest.exit_code == 0 and latest.finished_at


def test_dry_run_sends_nothing(reg, db_path, hub):
    populate()
    client = start_client(db_path, hub, "--dry-run", batch_size=10)
    out, err = client.communicate(timeout=30)
    assert client.returncode == 0, err
    assert "27 changes would be sent in about 3 batches" in out
    assert "households" in out and "Changes in quarantine: 0" in out
    assert hub.faults.posts == [] and SyncBatch.select().count() == 0
    assert service.pending_count() == 27


def test_cli_sync_prints_one_summary_line(reg, db_path, hub):
    populate()
    client = start_client(db_path, hub)
    out, err = client.communicate(timeout=30)
    assert client.returncode == 0, err
    assert out.splitlines() == ["sync: sent 27, applied 27, duplicates 0, conflicts 0, rejected 0, still pending 0"]
    assert err == ""  # no progress bar without a terminal
    log = (db_path.parent / "tui-register.log").read_text()
    assert "sync run 1" in log and hub.token not in log
    assert_in_step(hub.db)


def test_payments_travel_to_the_centre_and_account_numbers_stay_out_of_the_log(reg, db_path, hub, caplog):
    from tests.support.sync import hub_records, populate_payments

    populate_payments(populate())
    # What the program, its HTTP client and the hub log, at their most talkative (peewee's own
    # statement log is a developer's tool, kept at INFO by the program: see cli._setup_logging).
    for name in ("tui_register", "httpx", "httpcore", "stamina", "uvicorn", "starlette"):
        caplog.set_level("DEBUG", logger=name)
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)

    assert (summary.exit_code, summary.rejected, summary.pending) == (0, 0, 0)
    assert_in_step(hub.db)
    at_hub = {entity for entity, _version, _snapshot in hub_records(hub.db).values()}
    assert {"payment_standard", "payment_account", "payment_round", "payment_line"} <= at_hub
    assert caplog.records  # the capture works
    assert "6222021234567890100" not in caplog.text  # sent in the record, never written to a log
