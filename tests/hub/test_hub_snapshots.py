"""domain/snapshots.py: the snapshots the register writes pass; what the forms would refuse,
in stored units, is refused with the same field and problem codes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.support.sync import populate, populate_payments
from tui_register.domain.snapshots import SNAPSHOTS, check_snapshot
from tui_register.storage.models import ENTITIES, database
from tui_register.storage.sync_state import SYNCED_ENTITIES

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> dict[str, dict]:
    """The newest snapshot of one record per entity as the register stored it, and a head's
    (whose ID number gives the birth date and sex)."""
    from tui_register.storage.register import open_register

    db = open_register(tmp_path_factory.mktemp("register") / "r.db", "alice")
    names = populate()
    populate_payments(names)
    _check_outcome(names)
    rows = database.execute_sql("SELECT entity, snapshot FROM change_log ORDER BY seq").fetchall()
    found = {entity: json.loads(snapshot) for entity, snapshot in rows}
    found["head"] = next(json.loads(s) for e, s in rows if e == "person" and json.loads(s)["relation"] == "head")
    db.close()
    return found


def _check_outcome(names: dict[str, str]) -> None:
    """A data check of one household with its head's outcome (a check_outcome record)."""
    from tests.support.builder import RegisterBuilder
    from tui_register.domain.records import CheckOutcomeIn, validate
    from tui_register.storage.checks import record_check_outcome
    from tui_register.storage.models import Household

    visit = RegisterBuilder(database.obj, "alice").visit(names["household0"], date(2025, 4, 1), purpose="data_check")
    head = Household.get(Household.uuid == names["household0"]).head
    record_check_outcome("alice", validate(CheckOutcomeIn, {"visit": visit.uuid, "person": head.uuid,
                                                            "outcome": "confirmed"}))


def codes(entity: str, snapshot: dict) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in check_snapshot(entity, snapshot, today=TODAY)]


def test_every_synced_entity_has_a_model():
    assert set(SNAPSHOTS) == set(SYNCED_ENTITIES) == set(ENTITIES) - {"staff"}


@pytest.mark.parametrize("entity", SYNCED_ENTITIES)
def test_models_have_the_fields_the_register_snapshots(entity):
    model = ENTITIES[entity]
    stored = {f.name for f in model._meta.sorted_fields if f.name != "id" and f.name not in model.SNAPSHOT_EXCLUDE}
    assert set(SNAPSHOTS[entity].model_fields) == stored


def test_register_snapshots_pass(snapshots):
    assert set(snapshots) >= set(SYNCED_ENTITIES)
    for entity in SYNCED_ENTITIES:
        assert codes(entity, snapshots[entity]) == [], entity


def test_generated_demo_snapshots_pass(reg):
    from tui_register import demo

    demo.generate(30, user="alice", until=TODAY)
    rows = database.execute_sql("SELECT entity, snapshot FROM change_log WHERE entity != 'staff'").fetchall()
    assert [(e, codes(e, json.loads(s))) for e, s in rows if codes(e, json.loads(s))] == []


@pytest.mark.parametrize("entity, changes, expected", [
    ("household", {"phone": "12345"}, [("phone", "phone_invalid")]),
    ("household", {"address": ""}, [("address", "required")]),
    ("household", {"status": "gone"}, [("status", "not_in_list")]),
    ("household", {"status_date": "2024/01/02"}, [("status_date", "date_invalid")]),
    ("household", {"place": "not-a-uuid"}, [("place", "bad_reference")]),
    ("household", {"notes": "a\x1bb"}, [("notes", "control_chars")]),
    ("household", {"extra": 1}, [("extra", "unknown_field")]),
    ("household", {"version": 0}, [("version", "invalid")]),
    ("household", {"version": True}, [("version", "not_a_number")]),
    ("household", {"updated_at": "2025-01-02 03:04"}, [("updated_at", "invalid")]),
    ("person", {"sex": "男"}, [("sex", "not_in_list")]),
    ("person", {"birth_date": "2030-01-01"}, [("birth_date", "date_future")]),
    ("person", {"birth_date": "1899-12-31"}, [("birth_date", "date_before_1900")]),
    ("person", {"name": "张3"}, [("name", "name_digits")]),
    ("person", {"relation": "户主"}, [("relation", "not_in_list")]),
    ("person", {"id_number": "11010519491231002"}, [("id_number", "id_length")]),
    ("membership", {"category": "nonsense"}, [("category", "unknown_category")]),
    ("membership", {"amount_fen": -1}, [("amount_fen", "money_negative")]),
    ("membership", {"amount_fen": 12.5}, [("amount_fen", "not_a_number")]),
    ("membership", {"amount_fen": 10 ** 10}, [("amount_fen", "money_too_large")]),
    ("membership", {"period": ""}, [("period", "period_required")]),
    ("membership", {"end_date": "2000-01-01"}, [("end_date", "end_before_start")]),
    ("visit", {"visitors": ""}, [("visitors", "required")]),
    ("visit", {"follow_up": "修房", "follow_up_due": None}, [("follow_up_due", "follow_up_due_required")]),
    ("visit", {"purpose": "节日慰问"}, [("purpose", "not_in_list")]),
    ("campaign", {"end_date": "2020-01-01"}, [("end_date", "end_before_start")]),
    ("participation", {"hours_tenths": 0}, [("hours_tenths", "hours_range")]),
    ("participation", {"hours_tenths": 241}, [("hours_tenths", "hours_range")]),
    ("activity", {"default_hours_tenths": "2"}, [("default_hours_tenths", "not_a_number")]),
    ("place", {"level": "village", "parent": None}, [("parent", "required")]),
])
def test_refusals(snapshots, entity, changes, expected):
    assert codes(entity, {**snapshots[entity], **changes}) == expected


def test_person_must_agree_with_the_id_number(snapshots):
    assert codes("person", {**snapshots["head"], "birth_date": "1960-01-01", "sex": "F"}) == [
        ("birth_date", "id_birth_mismatch"), ("sex", "id_sex_mismatch")]


def test_missing_fields_are_named(snapshots):
    snapshot = dict(snapshots["visit"])
    del snapshot["cash_fen"]
    assert codes("visit", snapshot) == [("cash_fen", "required")]


def test_messages_name_the_field_in_both_languages(snapshots):
    [problem] = check_snapshot("household", {**snapshots["household"], "phone": "12345"}, today=TODAY)
    assert problem.message("zh_CN").startswith("联系电话")
    assert problem.message("en").startswith("Phone")
