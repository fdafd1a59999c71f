"""The hub over HTTP: health, tokens, the batch envelope, idempotency, per-change answers, figures."""

from __future__ import annotations

import gzip
import json
import uuid as uuidlib

import httpx
import pytest

from tests.support.sync import OFFICE
from tui_register.hub import app as hub_app
from tui_register.hub.offices import add_office, revoke_office

pytestmark = pytest.mark.timeout(30)

HOUSEHOLD = "6f1c2a4e-8b1d-4c3e-9f00-0123456789ab"
PLACE = "0741c7a8-7ce4-4c82-9807-2e8c35bf992d"


def snapshot(version: int = 1, **changes) -> dict:
    data = {"address": "人民路1号", "created_at": "2025-01-02T03:04:05.000000+00:00", "created_by": "alice",
            "head": None, "notes": "", "phone": "13912345678", "place": PLACE, "status": "active",
            "status_date": None, "status_reason": "", "updated_at": "2025-01-02T03:04:05.000000+00:00",
            "updated_by": "alice", "uuid": HOUSEHOLD, "version": version}
    return {**data, **changes}


def change(seq: int, version: int, base: int, **snap) -> dict:
    return {"seq": seq, "entity": "household", "uuid": HOUSEHOLD, "op": "update" if base else "create",
            "version": version, "base_version": base, "at": "2025-01-02T03:04:05.000000+00:00", "user": "alice",
            "snapshot": snapshot(version, **snap)}


def batch(*changes: dict, batch_id: str | None = None, office: str = OFFICE) -> dict:
    return {"protocol": 1, "office": office, "batch_id": batch_id or str(uuidlib.uuid4()),
            "first_seq": changes[0]["seq"], "last_seq": changes[-1]["seq"], "changes": list(changes)}


def post(hub, body: dict, *, token: str | None = None, key: str | None = None,
         gzipped: bool = True) -> httpx.Response:
    raw = json.dumps(body).encode()
    headers = {"Idempotency-Key": key if key is not None else body["batch_id"], "Content-Type": "application/json"}
    if token != "":
        headers["Authorization"] = f"Bearer {hub.token if token is None else token}"
    if gzipped:
        raw = gzip.compress(raw)
        headers["Content-Encoding"] = "gzip"
    return httpx.post(hub.url + "/v1/batches", content=raw, headers=headers)


def results(response: httpx.Response) -> list[tuple]:
    assert response.status_code == 200, response.text
    return [(r["seq"], r["result"], r["version"]) for r in response.json()["results"]]


def test_health(hub):
    response = httpx.get(hub.url + "/v1/health")
    assert response.status_code == 200 and response.json() == {"status": "ok", "protocol": 1}


def test_apply_duplicate_conflict_reject_in_one_batch(hub):
    response = post(hub, batch(change(1, 1, 0), change(2, 2, 1, notes="改"), change(3, 3, 1, notes="旧底"),
                               change(4, 3, 2, phone="123")))
    assert results(response) == [(1, "applied", 1), (2, "applied", 2), (3, "conflict", 2), (4, "rejected", 2)]
    conflict, rejected = response.json()["results"][2:]
    assert conflict["reason"] == "version_conflict" and conflict["snapshot"]["notes"] == "改"
    assert rejected["reason"] == "invalid_snapshot"
    assert rejected["errors"] == [{"field": "phone", "code": "phone_invalid", "params": {}}]

    # The same changes under a new batch id: (office, seq) already applied -> duplicate.
    assert results(post(hub, batch(change(1, 1, 0), change(2, 2, 1, notes="改"))))[:2] == [
        (1, "duplicate", 2), (2, "duplicate", 2)]


def test_same_batch_id_gets_the_stored_answer(hub):
    body = batch(change(1, 1, 0), change(2, 2, 0, notes="x"))
    first = post(hub, body).json()
    again = post(hub, body).json()
    assert [r["result"] for r in first["results"]] == ["applied", "conflict"]
    assert [r["result"] for r in again["results"]] == ["duplicate", "conflict"] and again["replay"] is True
    assert again["results"][1] == first["results"][1]

    changed = {**body, "changes": [change(1, 1, 0, notes="其他内容")], "last_seq": 1}
    refused = post(hub, changed)
    assert refused.status_code == 422 and refused.json()["error"] == "idempotency_reused"


def test_unknown_entity_and_mismatched_change_are_rejected(hub):
    odd = {**change(1, 1, 0), "entity": "spaceship"}
    wrong_uuid = change(2, 1, 0)
    wrong_uuid["snapshot"]["uuid"] = PLACE
    body = results(post(hub, batch(odd, wrong_uuid)))
    assert body == [(1, "rejected", 0), (2, "rejected", 0)]


@pytest.mark.parametrize("token", ["", "nonsense"])
def test_unknown_token_is_401(hub, token):
    response = post(hub, batch(change(1, 1, 0)), token=token)
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"


def test_revoked_token_is_401(hub):
    revoke_office(OFFICE)
    assert post(hub, batch(change(1, 1, 0))).status_code == 401


def test_a_token_revoked_between_two_batches_writes_nothing(hub):
    """The hub trusts a token it just found valid for the next batches' reading; the batch's
    transaction checks it again."""
    from tui_register.hub.batches import office_stats

    assert results(post(hub, batch(change(1, 1, 0)))) == [(1, "applied", 1)]
    revoke_office(OFFICE)
    response = post(hub, batch(change(2, 2, 1, address="人民路2号")))
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert office_stats(OFFICE)["max_seq"] == 1 and office_stats(OFFICE)["batches"] == 1
    assert post(hub, batch(change(3, 2, 1))).status_code == 401


def test_a_token_writes_for_its_own_office_only(hub):
    other_token = add_office("OTHER-1")
    response = post(hub, batch(change(1, 1, 0)), token=other_token)
    assert response.status_code == 403 and response.json()["error"] == "office_mismatch"
    stats = httpx.get(hub.url + f"/v1/offices/{OFFICE}/stats", headers={"Authorization": f"Bearer {other_token}"})
    assert stats.status_code == 403


@pytest.mark.parametrize("mutate, status, error", [
    (lambda b: {**b, "protocol": 2}, 422, "invalid_batch"),
    (lambda b: {**b, "first_seq": 5}, 422, "invalid_batch"),
    (lambda b: {**b, "changes": []}, 422, "invalid_batch"),
    (lambda b: {**b, "changes": list(reversed(b["changes"]))}, 422, "invalid_batch"),
])
def test_malformed_batches(hub, mutate, status, error):
    response = post(hub, mutate(batch(change(1, 1, 0), change(2, 2, 1))))
    assert (response.status_code, response.json()["error"]) == (status, error)


def test_envelope_errors(hub, monkeypatch):
    body = batch(change(1, 1, 0))
    assert post(hub, body, key="another-id").json()["error"] == "idempotency_key"
    broken = httpx.post(hub.url + "/v1/batches", content=b"not gzip at all",
                        headers={"Authorization": f"Bearer {hub.token}", "Content-Encoding": "gzip"})
    assert (broken.status_code, broken.json()["error"]) == (400, "bad_gzip")
    plain = post(hub, body, gzipped=False)
    assert plain.status_code == 200  # uncompressed JSON is accepted too
    monkeypatch.setattr(hub_app, "MAX_JSON", 100)
    bomb = post(hub, batch(change(9, 1, 0)))
    assert (bomb.status_code, bomb.json()["error"]) == (413, "too_large")


def test_stats(hub):
    post(hub, batch(change(1, 1, 0), change(2, 2, 1, notes="改")))
    headers = {"Authorization": f"Bearer {hub.token}"}
    stats = httpx.get(hub.url + f"/v1/offices/{OFFICE}/stats", headers=headers)
    assert stats.json() == {"office": OFFICE, "records": {"household": 1}, "max_seq": 2, "batches": 1}
    assert httpx.get(hub.url + f"/v1/offices/{OFFICE}/stats").status_code == 401


def test_a_later_batch_updates_the_record_and_a_conflict_returns_the_stored_snapshot(hub):
    from tests.support.sync import hub_records

    assert results(post(hub, batch(change(1, 1, 0)))) == [(1, "applied", 1)]
    assert results(post(hub, batch(change(2, 2, 1, notes="改")))) == [(2, "applied", 2)]
    ((entity, version, stored),) = hub_records(hub.db).values()
    assert (entity, version, stored["notes"], stored["version"]) == ("household", 2, "改", 2)

    stale = post(hub, batch(change(3, 2, 1, notes="旧底")))
    assert results(stale) == [(3, "conflict", 2)]
    assert stale.json()["results"][0]["snapshot"] == stored
