"""The hub at its limits: integers wider than its columns, oversized batches, a busy or
restarting database. Every refusal is JSON; none is a 500."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time

import httpx
import pytest

from tests.hub.test_hub_app import batch, change, post, results
from tests.support.sync import hub_records, pg_server
from tui_register.hub import app as hub_app
from tui_register.sync.protocol import MAX_BATCH_BYTES, MAX_BATCH_CHANGES

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("field, value", [("seq", 2**63), ("version", 2**63), ("base_version", 2**64)])
def test_integers_wider_than_64_bits_are_refused_naming_the_change(hub, field, value):
    bad = change(2, 2, 1)
    bad[field] = value
    response = post(hub, batch(change(1, 1, 0), bad))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_batch"
    assert body["problems"][0]["change"] == 1 and body["problems"][0]["field"] == field
    assert f"(seq {bad['seq']})" in body["message"] and f"{field}:" in body["message"]
    assert hub_records(hub.db) == {}  # nothing of the batch was applied


def test_versions_past_32_bits_are_stored(hub):
    big = 2**31 + 5
    response = post(hub, batch(change(1, big, 0), change(2**62, big + 1, big)))
    assert results(response) == [(1, "applied", big), (2**62, "applied", big + 1)]
    ((_entity, version, snapshot),) = hub_records(hub.db).values()
    assert version == big + 1 and snapshot["version"] == big + 1


def test_too_many_changes_is_413(hub):
    changes = [change(seq, seq, seq - 1) for seq in range(1, MAX_BATCH_CHANGES + 2)]
    response = post(hub, batch(*changes))
    assert response.status_code == 413 and response.json()["error"] == "too_many_changes"
    assert str(MAX_BATCH_CHANGES) in response.json()["message"]


def test_a_body_that_inflates_past_the_cap_is_413(hub):
    body = batch(change(1, 1, 0, notes="x" * (MAX_BATCH_BYTES + 10)))
    raw = gzip.compress(json.dumps(body).encode())
    assert len(raw) < MAX_BATCH_BYTES // 100  # small on the wire
    response = httpx.post(hub.url + "/v1/batches", content=raw, headers={
        "Authorization": f"Bearer {hub.token}", "Content-Encoding": "gzip", "Idempotency-Key": body["batch_id"]})
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_a_streamed_body_past_the_cap_is_413(hub):
    def chunks():  # no Content-Length: the hub counts while reading
        for _ in range(MAX_BATCH_BYTES // 65536 + 2):
            yield b" " * 65536

    try:
        response = httpx.post(hub.url + "/v1/batches", content=chunks(),
                              headers={"Authorization": f"Bearer {hub.token}"})
    except httpx.WriteError:  # the hub may close before the client finishes: also a refusal
        return
    assert response.status_code == 413 and response.json()["error"] == "too_large"


@pytest.mark.parametrize("hub_backend", ["sqlite"])
def test_a_busy_database_is_503_with_retry_after(hub, hub_backend):
    from tui_register.hub.models import hub_database

    hub_database.obj._timeout = 0.2  # the busy timeout of the hub's next connections
    blocker = sqlite3.connect(hub.db)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = post(hub, batch(change(1, 1, 0)))
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "busy" and response.headers["Retry-After"].isdigit()
    assert results(post(hub, batch(change(1, 1, 0)))) == [(1, "applied", 1)]


def _wait_for(check, seconds: float = 30):
    """Poll until `check()` is truthy (a bound on waiting, not a speed assertion)."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)
    return value


@pytest.mark.parametrize("hub_backend", ["postgresql"])
def test_reconnects_after_postgresql_restarts(hub, hub_backend):
    assert results(post(hub, batch(change(1, 1, 0)))) == [(1, "applied", 1)]
    pg_server("pause")
    try:
        health = httpx.get(hub.url + "/v1/health")
        assert health.status_code == 503 and health.json()["error"] == "unavailable"
        assert health.headers["Retry-After"].isdigit()
        away = post(hub, batch(change(2, 2, 1)))
        assert away.status_code == 503 and away.json()["error"] in ("unavailable", "busy")
    finally:
        pg_server("resume")
    _wait_for(lambda: httpx.get(hub.url + "/v1/health").status_code == 200)
    # Every worker thread's connection died with the server: each must come back.
    for seq in range(2, 8):
        response = _wait_for(lambda s=seq: (r := post(hub, batch(change(s, s, s - 1)))).status_code == 200 and r)
        assert results(response) == [(seq, "applied", seq)]


def test_an_unexpected_error_is_a_json_500(hub, monkeypatch):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(hub_app.batches, "apply_batch", broken)
    response = post(hub, batch(change(1, 1, 0)))
    assert response.status_code == 500 and response.json()["error"] == "internal"


def test_a_postgresql_hub_created_before_is_widened_in_place():
    from tests.support.sync import hub_rows, pg_database
    from tui_register.hub.db import open_hub_database

    with pg_database() as url:
        db = open_hub_database(url)
        db.execute_sql("ALTER TABLE hub_record ALTER COLUMN version TYPE integer, "
                       "ALTER COLUMN snapshot TYPE text")  # as an older release created it
        db.execute_sql("INSERT INTO hub_record VALUES ('GL-03', 'household', 'u-1', 3, '{\"a\": 1}', 7, 'now')")
        db.close()

        open_hub_database(url).close()

        types = dict(hub_rows(url, "SELECT column_name, data_type FROM information_schema.columns "
                                   "WHERE table_name = ?", ("hub_record",)))
        assert (types["version"], types["snapshot"]) == ("bigint", "jsonb")
        assert hub_rows(url, "SELECT version, snapshot FROM hub_record", ()) == [(3, {"a": 1})]
