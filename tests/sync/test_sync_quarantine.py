"""Refused changes: a rejected record does not block the others, its later changes wait, an edit
sends it again, a supervisor may dismiss it; conflicts carry the hub's version."""

from __future__ import annotations

import json

import pytest

from tests.support.records import ALICE, household_in
from tests.support.sync import (
    FAST,
    OFFICE,
    assert_in_step,
    hub_records,
    populate,
    settings_for,
)
from tui_register.storage import staff as S
from tui_register.storage.core import NotSupervisor, PermissionDenied, RuleViolation, writing
from tui_register.storage.households import update_household
from tui_register.storage.models import AuditEvent, Household, Place
from tui_register.storage.sync_state import SyncHeld, SyncQuarantine
from tui_register.sync import service

pytestmark = pytest.mark.timeout(60)


def _bad_household(grid_uuid: str, notes: str = "") -> Household:
    """A household whose phone the forms would have refused (written around the validation)."""
    with writing(ALICE) as w:
        return w.create(Household, place=Place.get(Place.uuid == grid_uuid), address="人民路9号", phone="12345",
                        notes=notes, place_path="城关街道/东关社区/第一网格")


def _touch(uuid: str, **values) -> Household:
    with writing(ALICE) as w:
        return w.update(Household, uuid, None, **values)


def _run(db_path, hub, **extra):
    return service.run_sync(settings_for(db_path, hub, **extra), ALICE, policy=FAST)


def test_rejected_change_does_not_block_the_others(reg, db_path, hub):
    names = populate()
    bad = _bad_household(names["grid"])
    _touch(bad.uuid, notes="还是旧电话")  # a later change of the same record, before any sync

    summary = _run(db_path, hub)

    assert (summary.exit_code, summary.applied, summary.rejected, summary.conflicts) == (1, 27, 1, 0)
    assert summary.pending == 1  # the later change waits behind the refused one
    [item] = service.quarantine("en")
    assert (item.entity, item.uuid, item.kind, item.reason) == ("household", bad.uuid, "rejected", "invalid_snapshot")
    assert item.label == "人民路9号" and item.waiting == 1
    assert "Phone" in item.message and "Edit the record" in item.message
    assert "联系电话" in service.quarantine("zh_CN")[0].message
    assert bad.uuid not in hub_records(hub.db)
    assert_in_step(hub.db)  # every other record is there

    fixed = _touch(bad.uuid, phone="13912345678")  # the staff's edit
    summary = _run(db_path, hub)

    assert (summary.exit_code, summary.sent, summary.applied, summary.pending) == (0, 1, 1, 0)
    assert service.quarantine() == []
    assert SyncQuarantine.get(SyncQuarantine.uuid == bad.uuid).state == "edited"
    assert [h.state for h in SyncHeld.select()] == ["superseded"]  # the in-between change
    assert hub_records(hub.db)[bad.uuid][1] == fixed.version
    assert_in_step(hub.db)


def test_an_edit_that_is_still_wrong_is_quarantined_again(reg, db_path, hub):
    names = populate()
    bad = _bad_household(names["grid"])
    _run(db_path, hub)
    [first] = service.quarantine()
    _touch(bad.uuid, notes="电话还没改")

    summary = _run(db_path, hub)

    assert (summary.exit_code, summary.sent, summary.rejected) == (1, 1, 1)
    [second] = service.quarantine()
    assert second.seq > first.seq and second.reason == "invalid_snapshot"
    assert SyncQuarantine.get_by_id(first.seq).state == "edited"
    fixed = _touch(bad.uuid, phone="13912345678")
    assert _run(db_path, hub).exit_code == 0
    assert hub_records(hub.db)[bad.uuid][1] == fixed.version
    assert_in_step(hub.db)


def test_later_changes_wait_across_runs(reg, db_path, hub):
    names = populate()
    bad = _bad_household(names["grid"])
    assert _run(db_path, hub, batch_size=200).exit_code == 1
    # No edit of the bad record: other records' changes still go, the bad one stays.
    update = Household.get(Household.uuid == names["household0"])
    update_household(ALICE, update.uuid, update.version, household_in(update.place.uuid, "人民路1号", notes="新"))
    summary = _run(db_path, hub)
    assert (summary.exit_code, summary.sent, summary.applied) == (1, 1, 1)
    assert len(service.quarantine()) == 1 and service.quarantine()[0].uuid == bad.uuid
    assert_in_step(hub.db)


def test_supervisor_dismisses(reg, db_path, hub):
    names = populate()
    bad = _bad_household(names["grid"])
    _run(db_path, hub)
    [item] = service.quarantine()
    S.add_staff(ALICE, "bob", "Bob", "clerk")

    with pytest.raises(NotSupervisor):
        service.dismiss("bob", item.seq)
    with pytest.raises(PermissionDenied):
        service.dismiss("mallory", item.seq)
    service.dismiss(ALICE, item.seq)
    with pytest.raises(RuleViolation):
        service.dismiss(ALICE, item.seq)  # no longer in the quarantine

    assert service.quarantine() == [] and service.pending_count() == 0
    audit = AuditEvent.get(AuditEvent.action == "sync_dismiss")
    assert (audit.user, audit.entity, audit.uuid) == (ALICE, "household", bad.uuid)
    assert json.loads(audit.detail)["seq"] == item.seq
    assert _run(db_path, hub).exit_code == 0
    assert_in_step(hub.db)  # without the dismissed record

    fixed = _touch(bad.uuid, phone="13912345678")  # a later edit goes, on the hub's version (none)
    summary = _run(db_path, hub)
    assert (summary.exit_code, summary.applied) == (0, 1)
    assert hub_records(hub.db)[bad.uuid][1] == fixed.version
    assert_in_step(hub.db)


def test_dismiss_releases_the_newest_waiting_change(reg, db_path, hub):
    names = populate()
    bad = _bad_household(names["grid"])
    _run(db_path, hub)
    latest = _touch(bad.uuid, phone="13912345678")  # made after the quarantine: resolves it by itself
    held = _touch(latest.uuid, notes="再改一次")
    [item] = service.quarantine()
    service.dismiss(ALICE, item.seq)
    summary = _run(db_path, hub)
    assert (summary.exit_code, summary.sent) == (0, 1)
    assert hub_records(hub.db)[bad.uuid][1] == held.version
    assert_in_step(hub.db)


def _seed_hub_record(hub, uuid: str, entity: str, version: int, snapshot: dict) -> None:
    from tui_register.hub.models import HubRecord

    HubRecord.create(office=OFFICE, entity=entity, uuid=uuid, version=version, seq=0, updated_at="x",
                     snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True))


def test_conflict_returns_the_hub_version_and_an_edit_resolves_it(reg, db_path, hub):
    names = populate()
    uuid = names["household1"]
    household = Household.get(Household.uuid == uuid)
    theirs = {"address": "中心改过的地址", "version": 7}
    _seed_hub_record(hub, uuid, "household", 7, theirs)

    summary = _run(db_path, hub)

    assert (summary.exit_code, summary.conflicts, summary.rejected) == (1, 1, 0)
    [item] = service.quarantine("en")
    assert (item.kind, item.reason, item.hub_version, item.hub_snapshot) == ("conflict", "version_conflict", 7, theirs)
    assert item.waiting == 1 and item.label == "李秀英"  # the head's update waits behind the create
    assert "version 7" in item.message
    assert_in_step(hub.db)

    edited = update_household(ALICE, uuid, household.version,
                              household_in(household.place.uuid, "人民路2号", notes="核对后"))
    summary = _run(db_path, hub)
    assert (summary.exit_code, summary.applied, summary.conflicts) == (0, 1, 0)
    assert hub_records(hub.db)[uuid][1] == edited.version  # based on the hub's 7, numbered by the office
    assert_in_step(hub.db)


def test_in_batch_followers_of_a_refused_change_wait(reg, db_path, hub):
    names = populate()
    bad = _bad_household(names["grid"])
    for n in range(3):
        _touch(bad.uuid, notes=f"第{n}次")

    summary = _run(db_path, hub, batch_size=200)  # all four changes in one batch

    assert (summary.rejected, summary.conflicts, summary.pending) == (1, 0, 3)
    assert [h.state for h in SyncHeld.select()] == ["waiting"] * 3
    assert service.pending_by_entity() == {"household": 3}
