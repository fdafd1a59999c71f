"""The client as cron runs it: a separate process, killed at any point, started twice at once,
misconfigured. After each, a rerun leaves the hub equal to the office with nothing doubled."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from tests.support.records import ALICE, cli_env
from tests.support.sync import (
    FAST,
    Gate,
    assert_in_step,
    hub_applied_seqs,
    populate,
    settings_for,
    start_client,
    synced_seqs,
)
from tui_register.storage.sync_state import SyncBatch
from tui_register.sync import service

pytestmark = pytest.mark.timeout(60)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)


def _finish_and_check(db_path, hub, *, duplicates: int) -> None:
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert summary.exit_code == 0, summary.problem_message("en")
    assert summary.duplicates == duplicates
    assert service.pending_count() == 0
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())  # every change once
    assert_in_step(hub.db)


def test_killed_after_recording_a_batch(reg, db_path, hub):
    populate()
    hub.faults.before = Gate(nth=2)  # the second batch reaches the hub's door, never the hub
    client = start_client(db_path, hub)
    assert hub.faults.before.reached.wait(20)
    _kill(client)
    hub.faults.before.release.set()
    [recorded] = SyncBatch.select().where(SyncBatch.state == "pending")
    assert recorded.id == hub.faults.before.key

    _finish_and_check(db_path, hub, duplicates=0)
    assert (recorded.id, "200") in hub.faults.posts  # resent under the same id


def test_killed_after_the_hub_applied(reg, db_path, hub):
    populate()
    hub.faults.after = Gate(nth=2)  # applied, and the answer never arrives
    client = start_client(db_path, hub)
    assert hub.faults.after.reached.wait(20)
    _kill(client)
    hub.faults.after.release.set()
    assert SyncBatch.get(SyncBatch.id == hub.faults.after.key).state == "pending"

    _finish_and_check(db_path, hub, duplicates=5)  # the resent batch: the hub had it
    assert (hub.faults.after.key, "200") in hub.faults.posts


def test_killed_at_random_points(reg, db_path, hub):
    populate()
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    hub.faults.delay = 0.03
    for _ in range(3):
        client = start_client(db_path, hub, batch_size=2)
        time.sleep(rng.uniform(0.3, 1.5))
        _kill(client)
    hub.faults.delay = 0
    print(f"seed {seed}: {len(hub.faults.posts)} posts before the last run")
    summary = service.run_sync(settings_for(db_path, hub), ALICE, policy=FAST)
    assert summary.exit_code == 0 and service.pending_count() == 0, seed
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs()), seed
    assert_in_step(hub.db)


def test_two_processes_started_together(reg, db_path, hub):
    populate()
    hub.faults.pause = Gate(nth=1)  # whoever got the lock waits at its first batch
    clients = [start_client(db_path, hub) for _ in range(2)]
    deadline = time.monotonic() + 20
    while all(c.poll() is None for c in clients) and time.monotonic() < deadline:
        time.sleep(0.02)
    hub.faults.pause.release.set()
    results = sorted((c.wait(20), *c.communicate()) for c in clients)

    (code_ok, out_ok, _err_ok), (code_busy, out_busy, err_busy) = results
    assert (code_ok, code_busy) == (0, 3)
    assert "Another sync of this database is running" in err_busy and "Traceback" not in err_busy
    assert out_busy.strip() == ("sync: sent 0, applied 0, duplicates 0, conflicts 0, rejected 0, "
                                "still pending 27")
    assert out_ok.strip().startswith("sync: sent 27, applied 27")
    assert hub_applied_seqs(hub.db) == sorted(synced_seqs())
    assert_in_step(hub.db)


def test_missing_settings_exit_2_with_one_message(reg, db_path, tmp_path):
    env = cli_env("en")
    result = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db_path), "sync"],
                            env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    [message, summary] = result.stderr.strip().splitlines() + result.stdout.strip().splitlines()
    assert message.startswith("Sync is not set up; missing: TUI_REGISTER_SYNC_ENDPOINT")
    assert "TUI_REGISTER_SYNC_TOKEN" in message and "TUI_REGISTER_OFFICE_CODE" in message
    assert summary.startswith("sync: sent 0")

    env.update(TUI_REGISTER_OFFICE_CODE="GL-03", TUI_REGISTER_SYNC_ENDPOINT="http://sync.example.org",
               TUI_REGISTER_SYNC_TOKEN="secret-token-value")
    result = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db_path), "sync"],
                            env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "is not https" in result.stderr
    assert "secret-token-value" not in result.stderr + result.stdout


def test_status_and_dismiss_from_the_command_line(reg, db_path, hub):
    from tests.sync.test_sync_quarantine import _bad_household

    names = populate()
    _bad_household(names["grid"])
    client = start_client(db_path, hub)
    out, err = client.communicate(timeout=30)
    assert client.returncode == 1
    assert "1 changes refused by the centre are in quarantine" in err
    [item] = service.quarantine()

    env = cli_env("en")
    status = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db_path), "sync", "status"],
                            env=env, capture_output=True, text=True, timeout=30)
    assert status.returncode == 0, status.stderr
    assert f"#{item.seq} households \"人民路9号\"" in status.stdout and "Quarantine: 1" in status.stdout

    # The test's OS login is not on the staff list: refused with a message, exit 1.
    refused = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db_path), "sync", "dismiss",
                              str(item.seq)], env=env, capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and refused.stderr.strip()
    assert len(service.quarantine()) == 1


def test_a_killed_run_shows_what_it_had_sent(reg, db_path, hub):
    populate()
    hub.faults.pause = Gate(nth=3)  # two batches of 5 answered, the third held at the door
    client = start_client(db_path, hub)
    assert hub.faults.pause.reached.wait(20)
    _kill(client)
    hub.faults.pause.release.set()

    status = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db_path), "sync", "status"],
                            env=cli_env("en"), capture_output=True, text=True, timeout=30)

    assert status.returncode == 0, status.stderr
    [run_line] = [line for line in status.stdout.splitlines() if "[unfinished]" in line]
    assert "sync: sent 10, applied 10, duplicates 0, conflicts 0, rejected 0, still pending 17" in run_line
    _finish_and_check(db_path, hub, duplicates=0)
