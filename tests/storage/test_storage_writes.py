"""Every write function of the storage layer: the change log it appends, versions, permissions,
conflicts, duplicate IDs, derived columns, history and possible duplicates.

All against a real SQLite file (tmp_path/r.db) opened with `open_register`.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import pytest
from peewee import ForeignKeyField

from tests.support.records import (
    ALICE,
    activity_in,
    campaign_in,
    household_in,
    log_since,
    max_seq,
    membership_in,
    participation_in,
    person_in,
    place_in,
    resident_id,
    status_in,
    table_counts,
    visit_in,
    volunteer_in,
)
from tui_register.storage import household_queries as queries
from tui_register.storage import households as H
from tui_register.storage import integrity
from tui_register.storage import staff as S
from tui_register.storage import visits as V
from tui_register.storage import volunteers as VOL
from tui_register.storage.core import (
    ConflictError,
    NotFound,
    NotSupervisor,
    PermissionDenied,
    RuleViolation,
    StaffDisabled,
)
from tui_register.storage.models import (
    Activity,
    Campaign,
    CampaignTarget,
    Household,
    Membership,
    Participation,
    Person,
    Place,
    Staff,
    Visit,
    Volunteer,
)
from tui_register.storage.register import open_register

HEAD_ID = resident_id(date(1950, 3, 4), 11)
SPOUSE_ID = resident_id(date(1952, 7, 8), 22)


# ---------------------------------------------------------------- fixtures and checks

def _build_world() -> SimpleNamespace:
    """Places, one household (head 张三丰 with an ID, spouse 李娜 without), a clerk bob and a
    disabled clerk carol."""
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    village = H.create_place(ALICE, place_in("东关社区", "village", township.uuid))
    grid = H.create_place(ALICE, place_in("第一网格", "grid", village.uuid))
    grid2 = H.create_place(ALICE, place_in("第二网格", "grid", village.uuid))
    hh = H.create_household(ALICE, household_in(grid.uuid, "人民路12号3栋201室", "13912345678"),
                            person_in(None, "张三丰", id_number=HEAD_ID))
    head = Person.get(Person.household == hh, Person.relation == "head")
    spouse = H.add_person(ALICE, person_in(hh.uuid, "李娜", sex="F", birth=date(1952, 7, 8),
                                           relation="spouse"))
    S.add_staff(ALICE, "bob", "鲍勃", "clerk")
    S.add_staff(ALICE, "carol", "卡罗", "clerk")
    S.disable_staff(ALICE, "carol")
    return SimpleNamespace(township=township, village=village, grid=grid, grid2=grid2,
                           household=Household.get_by_id(hh.id), head=head, spouse=spouse)


def _extend_world(world: SimpleNamespace) -> SimpleNamespace:
    """One of each record the write functions of WRITES and UPDATES refer to."""
    world.membership = H.add_membership(ALICE, membership_in("urban_dibao", household=world.household.uuid))
    world.visit = V.add_visit(ALICE, visit_in(world.household.uuid, date(2025, 2, 1), follow_up="复核家庭收入",
                                              due=date(2025, 2, 28)))
    world.volunteer = VOL.add_volunteer(ALICE, volunteer_in("周婷"))
    world.activity = VOL.add_activity(ALICE, activity_in("助残帮扶"))
    world.household = Household.get_by_id(world.household.id)
    return world


def _template(tmp_path_factory, name: str, extend: bool) -> tuple[Path, dict[str, tuple[type, str]]]:
    """Build a world once per module; each test gets a copy of the file (writes with fsync are slow)."""
    path = tmp_path_factory.mktemp(name) / "template.db"
    db = open_register(path, ALICE)
    try:
        world = _build_world()
        if extend:
            _extend_world(world)
        refs = {key: (type(record), record.uuid) for key, record in vars(world).items()}
    finally:
        db.close()
    return path, refs


def _open_copy(template: tuple[Path, dict], dest: Path):
    path, refs = template
    shutil.copyfile(path, dest)  # closed: the file is complete, no -wal left
    db = open_register(dest, ALICE)
    world = SimpleNamespace(**{key: model.get(model.uuid == uuid) for key, (model, uuid) in refs.items()})
    return db, world


@pytest.fixture(scope="module")
def world_template(tmp_path_factory):
    return _template(tmp_path_factory, "world", extend=False)


@pytest.fixture(scope="module")
def full_world_template(tmp_path_factory):
    return _template(tmp_path_factory, "full_world", extend=True)


@pytest.fixture
def world(world_template, db_path):
    db, world = _open_copy(world_template, db_path)
    yield world
    db.close()


@pytest.fixture
def full_world(full_world_template, db_path):
    """`world` plus one of each record the write functions below refer to."""
    db, world = _open_copy(full_world_template, db_path)
    yield world
    db.close()


def fresh(model, uuid: str):
    return model.get(model.uuid == uuid)


def stored_view(model, uuid: str) -> dict[str, Any]:
    """The record as it is in the database, in snapshot terms (references as UUIDs)."""
    record = fresh(model, uuid)
    view: dict[str, Any] = {}
    for field in model._meta.sorted_fields:
        if field.name == "id" or field.name in model.SNAPSHOT_EXCLUDE:
            continue
        raw = record.__data__.get(field.name)
        if isinstance(field, ForeignKeyField) and raw is not None and hasattr(field.rel_model, "uuid"):
            raw = field.rel_model.get_by_id(raw).uuid
        if isinstance(raw, date):
            raw = raw.isoformat()
        view[field.name] = raw
    return view


def assert_rows(rows, expected: list[tuple[str, str, str, int, int]], user: str = ALICE) -> None:
    """Rows are exactly (entity, uuid, op, version, base_version) in this order, by `user`."""
    assert [(r.entity, r.uuid, r.op, r.version, r.base_version) for r in rows] == expected
    assert {r.user for r in rows} == {user}
    assert len({r.at for r in rows}) == 1, "one user action, one moment"
    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def assert_snapshot_is_record(row, model) -> None:
    """The row's snapshot is the record as stored now: no derived columns, no row id."""
    snap = row.snapshot
    assert "id" not in snap
    assert not set(snap) & set(model.SNAPSHOT_EXCLUDE)
    assert snap == stored_view(model, row.uuid)
    assert snap["version"] == row.version
    assert snap["updated_by"] == row.user and snap["updated_at"] == row.at


def local_minute(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------- places and households

def test_create_place_appends_one_create_row_with_parent_as_uuid(reg):
    before = max_seq()
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    village = H.create_place(ALICE, place_in("东关社区", "village", township.uuid))
    rows = log_since(before)
    assert_rows(rows[:1], [("place", township.uuid, "create", 1, 0)])
    assert_rows(rows[1:], [("place", village.uuid, "create", 1, 0)])
    assert rows[1].snapshot["parent"] == township.uuid
    assert rows[1].snapshot["name"] == "东关社区" and rows[1].snapshot["level"] == "village"
    assert rows[0].snapshot["parent"] is None
    for row in rows:
        assert_snapshot_is_record(row, Place)
    assert fresh(Place, village.uuid).path == "城关街道/东关社区"
    assert fresh(Place, village.uuid).version == 1


def test_create_place_with_unknown_parent_writes_nothing(reg):
    counts = table_counts()
    with pytest.raises(NotFound):
        H.create_place(ALICE, place_in("东关社区", "village", "11111111-1111-4111-8111-111111111111"))
    assert table_counts() == counts


def test_create_household_without_head(world):
    before = max_seq()
    hh = H.create_household("bob", household_in(world.grid.uuid, "解放路8号", "13800001111"))
    rows = log_since(before)
    assert_rows(rows, [("household", hh.uuid, "create", 1, 0)], user="bob")
    snap = rows[0].snapshot
    assert snap["place"] == world.grid.uuid and snap["head"] is None
    assert snap["address"] == "解放路8号" and snap["phone"] == "13800001111"
    assert snap["created_by"] == "bob"
    assert_snapshot_is_record(rows[0], Household)
    stored = fresh(Household, hh.uuid)
    assert (stored.version, stored.head_name, stored.member_count) == (1, "", 0)
    assert stored.place_path == "城关街道/东关社区/第一网格"


def test_create_household_with_head_logs_household_person_and_head_link(reg):
    township = H.create_place(ALICE, place_in("城关街道", "township"))
    before = max_seq()
    hh = H.create_household(ALICE, household_in(township.uuid, "人民路1号"),
                            person_in(None, "张三丰", id_number=HEAD_ID, relation="son"))
    head = Person.get(Person.household == hh)
    rows = log_since(before)
    assert_rows(rows, [("household", hh.uuid, "create", 1, 0),
                       ("person", head.uuid, "create", 1, 0),
                       ("household", hh.uuid, "update", 2, 1)])
    assert rows[0].snapshot["head"] is None
    assert rows[1].snapshot["household"] == hh.uuid
    assert rows[1].snapshot["relation"] == "head"  # whatever the form said
    assert rows[1].snapshot["id_number"] == HEAD_ID
    assert rows[2].snapshot["head"] == head.uuid
    assert_snapshot_is_record(rows[1], Person)
    assert_snapshot_is_record(rows[2], Household)
    stored = fresh(Household, hh.uuid)
    assert stored.version == 2
    assert (stored.head_name, stored.head_sort, stored.head_id_number, stored.member_count) == (
        "张三丰", "zhangsanfeng", HEAD_ID, 1)


def test_add_person_appends_one_row_and_counts_the_member(world):
    hh = world.household
    before = max_seq()
    son = H.add_person("bob", person_in(hh.uuid, "张伟", sex="M", birth=date(1980, 1, 2), relation="son"))
    rows = log_since(before)
    assert_rows(rows, [("person", son.uuid, "create", 1, 0)], user="bob")
    assert rows[0].snapshot["household"] == hh.uuid
    assert rows[0].snapshot["birth_date"] == "1980-01-02"
    assert_snapshot_is_record(rows[0], Person)
    stored = fresh(Household, hh.uuid)
    assert stored.member_count == 3
    assert stored.version == hh.version, "a new member is not a change of the household record"


def test_add_person_as_head_of_headless_household_links_the_head(world):
    hh = H.create_household(ALICE, household_in(world.grid.uuid, "解放路8号"))
    before = max_seq()
    head = H.add_person(ALICE, person_in(hh.uuid, "王小明", relation="head"))
    rows = log_since(before)
    assert_rows(rows, [("person", head.uuid, "create", 1, 0), ("household", hh.uuid, "update", 2, 1)])
    assert rows[1].snapshot["head"] == head.uuid
    stored = fresh(Household, hh.uuid)
    assert (stored.version, stored.head_name, stored.member_count) == (2, "王小明", 1)


def test_second_head_is_refused_and_nothing_written(world):
    counts = table_counts()
    with pytest.raises(RuleViolation) as info:
        H.add_person(ALICE, person_in(world.household.uuid, "张伟", relation="head"))
    assert info.value.key == "storage.head_exists"
    assert "张三丰" in info.value.message("zh_CN") and "张三丰" in info.value.message("en")
    assert table_counts() == counts


def test_update_person_appends_update_row_and_bumps_version(world):
    before = max_seq()
    person = H.update_person("bob", world.spouse.uuid, 1,
                             person_in(world.household.uuid, "李娜", sex="F", birth=date(1952, 7, 8),
                                       relation="spouse", phone="13700001234"))
    rows = log_since(before)
    assert_rows(rows, [("person", world.spouse.uuid, "update", 2, 1)], user="bob")
    assert rows[0].snapshot["phone"] == "13700001234"
    assert rows[0].snapshot["created_by"] == ALICE and rows[0].snapshot["updated_by"] == "bob"
    assert_snapshot_is_record(rows[0], Person)
    assert person.version == 2 and fresh(Person, world.spouse.uuid).version == 2


def test_update_household_moves_place_and_follows_place_path(world):
    hh = world.household
    before = max_seq()
    H.update_household("bob", hh.uuid, hh.version,
                       household_in(world.grid2.uuid, "人民路12号3栋202室", "13912345678", notes="门口有狗"))
    rows = log_since(before)
    assert_rows(rows, [("household", hh.uuid, "update", hh.version + 1, hh.version)], user="bob")
    snap = rows[0].snapshot
    assert snap["place"] == world.grid2.uuid and snap["notes"] == "门口有狗"
    assert snap["head"] == world.head.uuid, "the head is kept"
    assert_snapshot_is_record(rows[0], Household)
    stored = fresh(Household, hh.uuid)
    assert stored.version == hh.version + 1
    assert stored.place_path == "城关街道/东关社区/第二网格"
    assert stored.head_name == "张三丰" and stored.member_count == 2


def test_household_suspend_close_and_reopen_needs_supervisor(world):
    hh = world.household
    v = hh.version

    before = max_seq()
    H.set_household_status("bob", hh.uuid, v, status_in("suspended", "待复核收入情况"))
    rows = log_since(before)
    assert_rows(rows, [("household", hh.uuid, "status", v + 1, v)], user="bob")
    assert (rows[0].snapshot["status"], rows[0].snapshot["status_reason"],
            rows[0].snapshot["status_date"]) == ("suspended", "待复核收入情况", "2025-05-06")

    # A suspended household may be made active again by a clerk.
    H.set_household_status("bob", hh.uuid, v + 1, status_in("active"))
    assert fresh(Household, hh.uuid).status == "active"

    before = max_seq()
    H.set_household_status("bob", hh.uuid, v + 2, status_in("closed", "迁出本辖区"))
    assert_rows(log_since(before), [("household", hh.uuid, "status", v + 3, v + 2)], user="bob")
    closed = fresh(Household, hh.uuid)
    assert (closed.status, closed.status_reason, closed.status_date) == ("closed", "迁出本辖区", date(2025, 5, 6))

    counts = table_counts()
    with pytest.raises(NotSupervisor) as info:
        H.set_household_status("bob", hh.uuid, v + 3, status_in("active"))
    assert "bob" in info.value.message("zh_CN") and "bob" in info.value.message("en")
    assert table_counts() == counts
    assert fresh(Household, hh.uuid).status == "closed" and fresh(Household, hh.uuid).version == v + 3

    before = max_seq()
    H.set_household_status(ALICE, hh.uuid, v + 3, status_in("active"))
    rows = log_since(before)
    assert_rows(rows, [("household", hh.uuid, "status", v + 4, v + 3)])
    assert (rows[0].snapshot["status"], rows[0].snapshot["status_reason"],
            rows[0].snapshot["status_date"]) == ("active", "", None)
    assert_snapshot_is_record(rows[0], Household)


def test_unknown_household_status_is_refused(world):
    counts = table_counts()
    with pytest.raises(RuleViolation):
        H.set_household_status(ALICE, world.household.uuid, world.household.version,
                               status_in("deceased", "病故"))
    assert table_counts() == counts


# ---------------------------------------------------------------- persons' status, memberships

def test_deceased_person_ends_own_active_memberships_only(world):
    hh, head, spouse = world.household, world.head, world.spouse
    veteran = H.add_membership(ALICE, membership_in("veteran", person=head.uuid))
    disabled = H.add_membership(ALICE, membership_in("severe_disability", person=head.uuid,
                                                     amount="200", period="monthly"))
    old = H.add_membership(ALICE, membership_in("orphan", person=head.uuid, start=date(2020, 1, 1)))
    H.end_membership(ALICE, old.uuid, 1, date(2021, 1, 1), "年满18周岁")
    dibao = H.add_membership(ALICE, membership_in("urban_dibao", household=hh.uuid, amount="500",
                                                  period="monthly"))
    nest = H.add_membership(ALICE, membership_in("empty_nest_elderly", person=spouse.uuid))
    assert fresh(Household, hh.uuid).category_codes == ",empty_nest_elderly,severe_disability,urban_dibao,veteran,"

    before = max_seq()
    H.set_person_status("bob", head.uuid, 1, status_in("deceased", "病故", date(2025, 2, 3)))
    rows = log_since(before)
    assert_rows(rows, [("person", head.uuid, "status", 2, 1),
                       ("membership", veteran.uuid, "status", 2, 1),
                       ("membership", disabled.uuid, "status", 2, 1)], user="bob")
    assert (rows[0].snapshot["status"], rows[0].snapshot["status_reason"],
            rows[0].snapshot["status_date"]) == ("deceased", "病故", "2025-02-03")
    for row in rows[1:]:
        assert (row.snapshot["status"], row.snapshot["end_date"]) == ("ended", "2025-02-03")
        assert_snapshot_is_record(row, Membership)
    assert fresh(Membership, old.uuid).end_date == date(2021, 1, 1), "an ended membership is left alone"
    assert fresh(Membership, dibao.uuid).status == "active"
    assert fresh(Membership, nest.uuid).status == "active"
    stored = fresh(Household, hh.uuid)
    assert stored.member_count == 1
    assert stored.category_codes == ",empty_nest_elderly,urban_dibao,"
    assert stored.version == hh.version, "the household record itself did not change"


def test_a_departed_person_holds_no_membership_after_that_date(world):
    head = world.head
    later = H.add_membership(ALICE, membership_in("veteran", person=head.uuid, start=date(2025, 3, 1)))
    counts = table_counts()
    with pytest.raises(RuleViolation) as info:  # the membership starts after the death date
        H.set_person_status("bob", head.uuid, 1, status_in("deceased", "病故", date(2025, 2, 3)))
    assert "2025-02-03" in info.value.message("zh_CN") and head.name in info.value.message("en")
    assert table_counts() == counts and fresh(Person, head.uuid).status == "active"

    H.end_membership(ALICE, later.uuid, 1, date(2025, 3, 1), "录入错误", void=True)
    H.set_person_status("bob", head.uuid, 1, status_in("deceased", "病故", date(2025, 2, 3)))
    counts = table_counts()
    for start, end in ((date(2025, 3, 1), None), (date(2024, 1, 1), None)):
        data = membership_in("orphan", person=head.uuid, start=start)
        with pytest.raises(RuleViolation) as info:
            H.add_membership(ALICE, data.model_copy(update={"end_date": end}))
        assert info.value.key == "storage.held_after_departure"
    assert table_counts() == counts
    # a past membership, ended by the death date, may still be recorded
    old = H.add_membership(ALICE, membership_in("orphan", person=head.uuid, start=date(2024, 1, 1))
                           .model_copy(update={"end_date": date(2025, 1, 1)}))
    with pytest.raises(RuleViolation):
        H.end_membership(ALICE, old.uuid, 1, date(2025, 6, 1), "x")
    assert integrity.check() == []


def test_add_membership_logs_category_code_and_uuids(world):
    hh, head = world.household, world.head
    before = max_seq()
    m = H.add_membership("bob", membership_in("severe_disability", person=head.uuid, amount="200.50",
                                              period="monthly"))
    rows = log_since(before)
    assert_rows(rows, [("membership", m.uuid, "create", 1, 0)], user="bob")
    snap = rows[0].snapshot
    assert (snap["category"], snap["person"], snap["household"]) == ("severe_disability", head.uuid, hh.uuid)
    assert (snap["amount_fen"], snap["period"], snap["start_date"]) == (20050, "monthly", "2023-01-01")
    assert_snapshot_is_record(rows[0], Membership)
    assert fresh(Household, hh.uuid).category_codes == ",severe_disability,"

    m2 = H.add_membership("bob", membership_in("urban_dibao", household=hh.uuid))
    assert log_since(rows[0].seq)[0].snapshot["person"] is None
    assert fresh(Membership, m2.uuid).household_id == hh.id
    assert fresh(Household, hh.uuid).category_codes == ",severe_disability,urban_dibao,"


def test_end_and_void_membership(world):
    hh = world.household
    a = H.add_membership(ALICE, membership_in("urban_dibao", household=hh.uuid))
    b = H.add_membership(ALICE, membership_in("veteran", person=world.head.uuid))

    before = max_seq()
    H.end_membership("bob", a.uuid, 1, date(2024, 6, 30), "收入超过保障标准")
    rows = log_since(before)
    assert_rows(rows, [("membership", a.uuid, "status", 2, 1)], user="bob")
    assert (rows[0].snapshot["status"], rows[0].snapshot["end_date"],
            rows[0].snapshot["status_reason"]) == ("ended", "2024-06-30", "收入超过保障标准")
    assert fresh(Household, hh.uuid).category_codes == ",veteran,"

    H.end_membership("bob", b.uuid, 1, date(2023, 1, 1), "录入错误", void=True)
    assert fresh(Membership, b.uuid).status == "voided"
    assert fresh(Household, hh.uuid).category_codes == ""

    counts = table_counts()
    c = H.add_membership(ALICE, membership_in("veteran", person=world.head.uuid, start=date(2024, 1, 1)))
    counts = table_counts()
    with pytest.raises(RuleViolation):
        H.end_membership(ALICE, c.uuid, 1, date(2023, 12, 31), "x")
    assert table_counts() == counts and fresh(Membership, c.uuid).status == "active"


# ---------------------------------------------------------------- visits and campaigns

def test_add_visit_logs_visit_only_and_moves_last_visit_forward(world):
    hh = world.household
    before = max_seq()
    v1 = V.add_visit("bob", visit_in(hh.uuid, date(2025, 3, 1), cash="200", goods="大米"))
    rows = log_since(before)
    assert_rows(rows, [("visit", v1.uuid, "create", 1, 0)], user="bob")
    snap = rows[0].snapshot
    assert (snap["household"], snap["visit_date"], snap["visitors"], snap["cash_fen"], snap["goods"]) == (
        hh.uuid, "2025-03-01", "王敏、李强", 20000, "大米")
    assert snap["campaign"] is None and snap["status"] == "valid"
    assert_snapshot_is_record(rows[0], Visit)
    stored = fresh(Household, hh.uuid)
    assert stored.last_visit == date(2025, 3, 1)
    assert stored.version == hh.version, "last_visit is derived: no new household version"

    V.add_visit("bob", visit_in(hh.uuid, date(2024, 12, 1)))
    assert fresh(Household, hh.uuid).last_visit == date(2025, 3, 1), "an older visit does not move it back"
    V.add_visit("bob", visit_in(hh.uuid, date(2025, 4, 1)))
    assert fresh(Household, hh.uuid).last_visit == date(2025, 4, 1)


def test_visit_in_a_campaign_refers_to_it_by_uuid(world):
    campaign = V.create_campaign(ALICE, campaign_in(), [world.household.uuid])
    before = max_seq()
    visit = V.add_visit(ALICE, visit_in(world.household.uuid, date(2025, 1, 25), purpose="festival",
                                        campaign=campaign.uuid))
    assert log_since(before)[0].snapshot["campaign"] == campaign.uuid
    assert fresh(Visit, visit.uuid).campaign_id == campaign.id


def test_void_visit_keeps_the_row_and_recomputes_last_visit(world):
    hh = world.household
    older = V.add_visit(ALICE, visit_in(hh.uuid, date(2025, 1, 10)))
    newer = V.add_visit(ALICE, visit_in(hh.uuid, date(2025, 3, 1)))

    before = max_seq()
    counts = table_counts()
    V.void_visit("bob", newer.uuid, 1, "录入重复")
    rows = log_since(before)
    assert_rows(rows, [("visit", newer.uuid, "status", 2, 1)], user="bob")
    assert (rows[0].snapshot["status"], rows[0].snapshot["status_reason"]) == ("voided", "录入重复")
    assert table_counts()["visit"] == counts["visit"], "voided, not deleted"
    assert fresh(Household, hh.uuid).last_visit == date(2025, 1, 10)

    V.void_visit("bob", older.uuid, 1, "录入错误")
    assert fresh(Household, hh.uuid).last_visit is None

    counts = table_counts()
    with pytest.raises(RuleViolation) as info:
        V.void_visit("bob", older.uuid, 2, "again")
    assert info.value.key == "storage.already_voided"
    assert table_counts() == counts


def test_complete_follow_up(world):
    visit = V.add_visit(ALICE, visit_in(world.household.uuid, date(2025, 3, 1), follow_up="联系维修房屋",
                                        due=date(2025, 3, 20)))
    before = max_seq()
    V.complete_follow_up("bob", visit.uuid, 1, date(2025, 3, 18))
    rows = log_since(before)
    assert_rows(rows, [("visit", visit.uuid, "update", 2, 1)], user="bob")
    assert (rows[0].snapshot["follow_up_due"], rows[0].snapshot["follow_up_done"]) == ("2025-03-20", "2025-03-18")
    assert_snapshot_is_record(rows[0], Visit)
    assert queries.household_detail(world.household.uuid).open_follow_ups == []


def test_create_campaign_with_targets_in_one_action(world):
    other = H.create_household(ALICE, household_in(world.grid.uuid, "解放路8号"))
    before = max_seq()
    campaign = V.create_campaign("bob", campaign_in(), [world.household.uuid, other.uuid, world.household.uuid])
    rows = log_since(before)
    targets = list(CampaignTarget.select().order_by(CampaignTarget.id))
    assert len(targets) == 2, "a household listed twice is one target"
    assert_rows(rows, [("campaign", campaign.uuid, "create", 1, 0),
                       ("campaign_target", targets[0].uuid, "create", 1, 0),
                       ("campaign_target", targets[1].uuid, "create", 1, 0)], user="bob")
    snap = rows[0].snapshot
    assert (snap["visitors"], snap["default_cash_fen"], snap["budget_fen"], snap["default_goods"]) == (
        "王敏、李强", 30000, 3000000, "大米")
    assert [(r.snapshot["campaign"], r.snapshot["household"]) for r in rows[1:]] == [
        (campaign.uuid, world.household.uuid), (campaign.uuid, other.uuid)]
    for row, model in zip(rows, (Campaign, CampaignTarget, CampaignTarget)):
        assert_snapshot_is_record(row, model)


def test_campaign_with_unknown_household_writes_nothing(world):
    counts = table_counts()
    with pytest.raises(NotFound):
        V.create_campaign(ALICE, campaign_in(), [world.household.uuid, "11111111-1111-4111-8111-111111111111"])
    assert table_counts() == counts


# ---------------------------------------------------------------- volunteers

def test_volunteer_activity_participation(world):
    vid = resident_id(date(1990, 5, 6), 33)
    before = max_seq()
    volunteer = VOL.add_volunteer("bob", volunteer_in("欧阳娜娜", vid))
    activity = VOL.add_activity("bob", activity_in())
    part = VOL.add_participation("bob", participation_in(activity.uuid, volunteer.uuid, "2.5"))
    rows = log_since(before)
    assert [(r.entity, r.uuid, r.op, r.version, r.base_version, r.user) for r in rows] == [
        ("volunteer", volunteer.uuid, "create", 1, 0, "bob"),
        ("activity", activity.uuid, "create", 1, 0, "bob"),
        ("participation", part.uuid, "create", 1, 0, "bob")]
    assert rows[0].snapshot["id_number"] == vid and "name_pinyin" not in rows[0].snapshot
    assert rows[1].snapshot["default_hours_tenths"] == 20
    assert (rows[2].snapshot["activity"], rows[2].snapshot["volunteer"],
            rows[2].snapshot["hours_tenths"]) == (activity.uuid, volunteer.uuid, 25)
    for row, model in zip(rows, (Volunteer, Activity, Participation)):
        assert_snapshot_is_record(row, model)
    assert fresh(Volunteer, volunteer.uuid).name_initials == "oynn"

    counts = table_counts()
    with pytest.raises(RuleViolation) as info:
        VOL.add_participation("bob", participation_in(activity.uuid, volunteer.uuid, "1"))
    assert "欧阳娜娜" in info.value.message("en")
    with pytest.raises(RuleViolation):
        VOL.add_volunteer("bob", volunteer_in("别人", vid))
    assert table_counts() == counts


# ---------------------------------------------------------------- staff

def test_staff_add_disable_and_reenable(reg):
    before = max_seq()
    bob = S.add_staff(ALICE, "bob", "鲍勃", "clerk")
    rows = log_since(before)
    assert_rows(rows, [("staff", bob.uuid, "create", 1, 0)])
    assert (rows[0].snapshot["login"], rows[0].snapshot["role"], rows[0].snapshot["status"]) == (
        "bob", "clerk", "active")
    assert_snapshot_is_record(rows[0], Staff)

    before = max_seq()
    S.disable_staff(ALICE, "bob")
    rows = log_since(before)
    assert_rows(rows, [("staff", bob.uuid, "status", 2, 1)])
    assert rows[0].snapshot["status"] == "disabled"
    with pytest.raises(StaffDisabled):
        H.create_place("bob", place_in("城关街道", "township"))

    before = max_seq()
    S.add_staff(ALICE, "bob", "鲍勃", "supervisor")
    rows = log_since(before)
    assert_rows(rows, [("staff", bob.uuid, "update", 3, 2)])
    assert (rows[0].snapshot["status"], rows[0].snapshot["role"]) == ("active", "supervisor")
    H.create_place("bob", place_in("城关街道", "township"))  # can write again
    assert [s.login for s in S.list_staff()] == [ALICE, "bob"]


def test_staff_rules(reg):
    S.add_staff(ALICE, "bob", "鲍勃", "clerk")
    counts = table_counts()
    with pytest.raises(NotSupervisor):
        S.add_staff("bob", "dave", "戴夫", "clerk")
    with pytest.raises(NotSupervisor):
        S.disable_staff("bob", ALICE)
    with pytest.raises(RuleViolation) as info:
        S.disable_staff(ALICE, ALICE)
    assert info.value.key == "storage.disable_self"
    with pytest.raises(RuleViolation):
        S.disable_staff(ALICE, "nobody")
    with pytest.raises(RuleViolation):
        S.add_staff(ALICE, "dave", "戴夫", "admin")
    assert table_counts() == counts


def test_first_opener_is_the_only_supervisor(db_path):
    from tui_register.storage.register import open_register

    db = open_register(db_path, ALICE)
    db.close()
    db = open_register(db_path, "mallory")  # a later opener is not added
    try:
        assert [(s.login, s.role) for s in S.list_staff()] == [(ALICE, "supervisor")]
        with pytest.raises(PermissionDenied):
            H.create_place("mallory", place_in("城关街道", "township"))
    finally:
        db.close()


# ---------------------------------------------------------------- every write: permissions

# name -> function(world, user) doing that write
WRITES: dict[str, Callable[[Any, str], Any]] = {
    "create_place": lambda w, u: H.create_place(u, place_in("西关社区", "village", w.township.uuid)),
    "create_household": lambda w, u: H.create_household(u, household_in(w.grid.uuid, "解放路8号")),
    "create_household_with_head": lambda w, u: H.create_household(
        u, household_in(w.grid.uuid, "解放路8号"), person_in(None, "王小明")),
    "add_person": lambda w, u: H.add_person(u, person_in(w.household.uuid, "张伟", relation="son")),
    "update_person": lambda w, u: H.update_person(
        u, w.spouse.uuid, 1, person_in(w.household.uuid, "李娜", sex="F", birth=date(1952, 7, 8),
                                       relation="spouse", phone="13700001234")),
    "update_household": lambda w, u: H.update_household(
        u, w.household.uuid, w.household.version, household_in(w.grid.uuid, "人民路13号")),
    "set_household_status": lambda w, u: H.set_household_status(
        u, w.household.uuid, w.household.version, status_in("suspended", "长期外出务工")),
    "set_person_status": lambda w, u: H.set_person_status(
        u, w.spouse.uuid, 1, status_in("moved_out", "随子女迁居")),
    "add_membership": lambda w, u: H.add_membership(u, membership_in("veteran", person=w.head.uuid)),
    "end_membership": lambda w, u: H.end_membership(u, w.membership.uuid, 1, date(2024, 1, 1), "复核后退出"),
    "add_visit": lambda w, u: V.add_visit(u, visit_in(w.household.uuid, date(2025, 3, 1))),
    "void_visit": lambda w, u: V.void_visit(u, w.visit.uuid, 1, "录入重复"),
    "complete_follow_up": lambda w, u: V.complete_follow_up(u, w.visit.uuid, 1, date(2025, 2, 20)),
    "create_campaign": lambda w, u: V.create_campaign(u, campaign_in(), [w.household.uuid]),
    "add_volunteer": lambda w, u: VOL.add_volunteer(u, volunteer_in("赵敏")),
    "add_activity": lambda w, u: VOL.add_activity(u, activity_in()),
    "add_participation": lambda w, u: VOL.add_participation(u, participation_in(w.activity.uuid, w.volunteer.uuid)),
    "add_staff": lambda w, u: S.add_staff(u, "dave", "戴夫", "clerk"),
    "disable_staff": lambda w, u: S.disable_staff(u, "bob"),
}
SUPERVISOR_ONLY = {"add_staff", "disable_staff"}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_login_not_on_staff_list_writes_nothing(full_world, write):
    counts = table_counts()
    with pytest.raises(PermissionDenied) as info:
        WRITES[write](full_world, "mallory")
    assert type(info.value) is PermissionDenied
    assert "mallory" in info.value.message("zh_CN") and "mallory" in info.value.message("en")
    assert table_counts() == counts


@pytest.mark.parametrize("write", sorted(WRITES))
def test_disabled_login_writes_nothing(full_world, write):
    counts = table_counts()
    with pytest.raises(StaffDisabled) as info:
        WRITES[write](full_world, "carol")
    assert "carol" in info.value.message("zh_CN") and "carol" in info.value.message("en")
    assert table_counts() == counts


@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_write_works_for_its_role_and_never_deletes(full_world, write):
    """The clerk may do everything but staff changes; every write adds log rows, removes nothing."""
    user = ALICE if write in SUPERVISOR_ONLY else "bob"
    counts = table_counts()
    before = max_seq()
    WRITES[write](full_world, user)
    after = table_counts()
    assert all(after[t] >= counts[t] for t in counts), after
    rows = log_since(before)
    assert rows and all(r.user == user for r in rows)
    assert after["change_log"] == counts["change_log"] + len(rows)
    assert integrity.check() == [], "records and change log agree after the write"


@pytest.mark.parametrize("write", sorted(SUPERVISOR_ONLY))
def test_staff_changes_need_a_supervisor(full_world, write):
    counts = table_counts()
    with pytest.raises(NotSupervisor):
        WRITES[write](full_world, "bob")
    assert table_counts() == counts


# ---------------------------------------------------------------- conflicts

# name -> (model, uuid getter, function(world, user, base_version), field that shows the change)
UPDATES: dict[str, tuple[type, Callable[[Any], str], Callable[[Any, str, int], Any], str]] = {
    "update_person": (Person, lambda w: w.spouse.uuid, lambda w, u, b: H.update_person(
        u, w.spouse.uuid, b, person_in(w.household.uuid, "李娜", sex="F", birth=date(1952, 7, 8),
                                       relation="spouse", phone="1370000" + ("1111" if u == "bob" else "2222"))),
                      "phone"),
    "update_household": (Household, lambda w: w.household.uuid, lambda w, u, b: H.update_household(
        u, w.household.uuid, b, household_in(w.grid.uuid, "人民路12号", notes=f"{u} 记")), "notes"),
    "set_household_status": (Household, lambda w: w.household.uuid, lambda w, u, b: H.set_household_status(
        u, w.household.uuid, b, status_in("suspended", f"{u} 暂停")), "status_reason"),
    "set_person_status": (Person, lambda w: w.spouse.uuid, lambda w, u, b: H.set_person_status(
        u, w.spouse.uuid, b, status_in("moved_out", f"{u} 迁出")), "status_reason"),
    "end_membership": (Membership, lambda w: w.membership.uuid, lambda w, u, b: H.end_membership(
        u, w.membership.uuid, b, date(2024, 1, 1), f"{u} 退出"), "status_reason"),
    # bob's change here is an edit (voiding twice is refused for another reason)
    "void_visit": (Visit, lambda w: w.visit.uuid, lambda w, u, b: V.void_visit(
        u, w.visit.uuid, b, f"{u} 作废") if u != "bob" else V.complete_follow_up(
        u, w.visit.uuid, b, date(2025, 2, 10)), "status"),
    "complete_follow_up": (Visit, lambda w: w.visit.uuid, lambda w, u, b: V.complete_follow_up(
        u, w.visit.uuid, b, date(2025, 2, 10) if u == "bob" else date(2025, 2, 11)), "follow_up_done"),
}


@pytest.mark.parametrize("update", sorted(UPDATES))
def test_stale_update_raises_conflict_naming_who_and_when(full_world, update):
    model, get_uuid, do, field = UPDATES[update]
    uuid = get_uuid(full_world)
    base = fresh(model, uuid).version
    do(full_world, "bob", base)  # bob saves first
    saved = fresh(model, uuid)
    assert saved.version == base + 1
    counts = table_counts()

    with pytest.raises(ConflictError) as info:
        do(full_world, ALICE, base)  # alice still has the old version open
    err = info.value
    assert err.current_version == base + 1
    when = local_minute(saved.updated_at)
    for lang in ("zh_CN", "en"):
        text = err.message(lang)
        assert "bob" in text and when in text and str(base + 1) in text
    assert err.message("zh_CN") != err.message("en")
    after = fresh(model, uuid)
    assert after.version == base + 1 and getattr(after, field) == getattr(saved, field)
    assert after.updated_by == "bob"
    assert table_counts() == counts


def test_update_of_unknown_record_is_not_found(world):
    counts = table_counts()
    with pytest.raises(NotFound):
        H.update_household(ALICE, "11111111-1111-4111-8111-111111111111", 1,
                           household_in(world.grid.uuid, "人民路12号"))
    assert table_counts() == counts


# ---------------------------------------------------------------- duplicate ID numbers

def test_duplicate_id_number_is_refused_naming_the_existing_person(world):
    other = H.create_household(ALICE, household_in(world.grid.uuid, "解放路8号"))
    counts = table_counts()
    with pytest.raises(RuleViolation) as info:
        H.add_person(ALICE, person_in(other.uuid, "张山峰", id_number=HEAD_ID.lower()))
    err = info.value
    assert err.key == "storage.duplicate_id"
    for lang in ("zh_CN", "en"):
        assert "张三丰" in err.message(lang) and "人民路12号3栋201室" in err.message(lang)
    assert table_counts() == counts


def test_duplicate_id_of_a_new_head_creates_no_household(world):
    counts = table_counts()
    with pytest.raises(RuleViolation) as info:
        H.create_household(ALICE, household_in(world.grid.uuid, "解放路8号"),
                           person_in(None, "张山峰", id_number=HEAD_ID))
    assert "张三丰" in info.value.message("zh_CN")
    assert table_counts() == counts, "the household and its head are one action"


def test_update_person_to_someone_elses_id_is_refused(world):
    H.update_person(ALICE, world.spouse.uuid, 1, person_in(world.household.uuid, "李娜", id_number=SPOUSE_ID,
                                                           relation="spouse"))
    counts = table_counts()
    with pytest.raises(RuleViolation) as info:
        H.update_person(ALICE, world.spouse.uuid, 2, person_in(world.household.uuid, "李娜", id_number=HEAD_ID,
                                                               relation="spouse"))
    assert "张三丰" in info.value.message("en")
    assert fresh(Person, world.spouse.uuid).id_number == SPOUSE_ID
    assert table_counts() == counts
    # Saving a person with their own ID is no duplicate.
    H.update_person(ALICE, world.spouse.uuid, 2, person_in(world.household.uuid, "李娜", id_number=SPOUSE_ID,
                                                           relation="spouse", phone="13700001234"))
    assert fresh(Person, world.spouse.uuid).version == 3


# ---------------------------------------------------------------- derived columns

def test_derived_columns_follow_edits_of_the_head(world):
    hh = world.household
    H.update_person(ALICE, world.head.uuid, 1, person_in(hh.uuid, "张三峰", id_number=HEAD_ID, relation="head"))
    stored = fresh(Household, hh.uuid)
    assert (stored.head_name, stored.head_sort, stored.head_id_number) == ("张三峰", "zhangsanfeng", HEAD_ID)
    H.update_person(ALICE, world.head.uuid, 2, person_in(hh.uuid, "刘德华", sex="M", birth=date(1950, 3, 4),
                                                         relation="head"))
    stored = fresh(Household, hh.uuid)
    assert (stored.head_name, stored.head_sort, stored.head_id_number) == ("刘德华", "liudehua", "")
    assert stored.version == hh.version, "derived columns do not make a new household version"
    person = fresh(Person, world.head.uuid)
    assert (person.name_pinyin, person.name_initials) == ("liudehua", "ldh")


def test_member_count_counts_active_members_only(world):
    hh = world.household
    assert fresh(Household, hh.uuid).member_count == 2
    son = H.add_person(ALICE, person_in(hh.uuid, "张伟", relation="son"))
    assert fresh(Household, hh.uuid).member_count == 3
    H.set_person_status(ALICE, son.uuid, 1, status_in("moved_out", "外出务工"))
    assert fresh(Household, hh.uuid).member_count == 2
    H.set_person_status(ALICE, son.uuid, 2, status_in("active"))
    assert fresh(Household, hh.uuid).member_count == 3
    assert (fresh(Person, son.uuid).status_reason, fresh(Person, son.uuid).status_date) == ("", None)


# ---------------------------------------------------------------- history and duplicates

def test_record_history_shows_before_and_after_of_an_edit(world):
    hh = world.household
    H.update_person("bob", world.spouse.uuid, 1,
                    person_in(hh.uuid, "李丽娜", sex="F", birth=date(1952, 7, 8), relation="spouse",
                              phone="13700001234"))
    history = queries.record_history([world.spouse.uuid])
    assert [(e.op, e.version, e.user) for e in history] == [("update", 2, "bob"), ("create", 1, ALICE)]
    assert history[0].changes == {"name": ("李娜", "李丽娜"), "phone": ("", "13700001234")}
    assert history[1].changes["name"] == (None, "李娜")

    detail = queries.household_detail(hh.uuid)
    assert detail.history[0].uuid == world.spouse.uuid and detail.history[0].changes["name"] == ("李娜", "李丽娜")
    assert [p.uuid for p in detail.members] == [world.head.uuid, world.spouse.uuid]


def test_record_history_of_status_changes(world):
    hh = world.household
    H.set_household_status("bob", hh.uuid, hh.version, status_in("suspended", "长期外出务工"))
    H.set_household_status(ALICE, hh.uuid, hh.version + 1, status_in("active"))
    history = queries.record_history([hh.uuid], limit=2)
    assert history[0].changes == {"status": ("suspended", "active"), "status_reason": ("长期外出务工", ""),
                                  "status_date": ("2025-05-06", None)}
    assert history[1].changes == {"status": ("active", "suspended"), "status_reason": ("", "长期外出务工"),
                                  "status_date": (None, "2025-05-06")}
    assert (history[0].user, history[1].user) == (ALICE, "bob")


def test_possible_duplicates(world):
    other = H.create_household(ALICE, household_in(world.grid2.uuid, "解放路8号"))
    twin = H.add_person(ALICE, person_in(other.uuid, "李娜", sex="F", birth=date(1952, 7, 8)))
    H.add_person(ALICE, person_in(other.uuid, "李娜", sex="F", birth=date(1960, 1, 1)))

    found = H.possible_duplicates(None, "李娜", date(1952, 7, 8))
    assert {p.uuid for p in found} == {world.spouse.uuid, twin.uuid}
    found = H.possible_duplicates(None, "李娜", date(1952, 7, 8), exclude_uuid=twin.uuid)
    assert [p.uuid for p in found] == [world.spouse.uuid]
    found = H.possible_duplicates(HEAD_ID, "王小明", date(2000, 1, 1))
    assert [p.uuid for p in found] == [world.head.uuid]
    found = H.possible_duplicates(HEAD_ID, "李娜", date(1952, 7, 8))
    assert {p.uuid for p in found} == {world.head.uuid, world.spouse.uuid, twin.uuid}
    assert H.possible_duplicates(None, "李娜", None) == []
    assert H.possible_duplicates(None, "王小明", date(1952, 7, 8)) == []


def test_hours_are_stored_exactly_in_tenths(world):
    volunteer = VOL.add_volunteer(ALICE, volunteer_in("周婷"))
    activity = VOL.add_activity(ALICE, activity_in())
    part = VOL.add_participation(ALICE, participation_in(activity.uuid, volunteer.uuid, "0.3"))
    assert fresh(Participation, part.uuid).hours_tenths == 3
    VOL.set_participation_hours(ALICE, part.uuid, 1, Decimal("1.1"))
    assert fresh(Participation, part.uuid).hours_tenths == 11


# ---------------------------------------------------------------- one head per household

def _heads(household_uuid: str) -> tuple[list[str], str | None]:
    """(names of members whose relation is head, name of the household's head)."""
    hh = fresh(Household, household_uuid)
    names = [p.name for p in Person.select().where((Person.household == hh) & (Person.relation == "head"))]
    return names, hh.head.name if hh.head_id else None


def test_editing_a_member_into_a_second_head_keeps_one_head(world):
    hh = world.household
    try:
        H.update_person(ALICE, world.spouse.uuid, 1, person_in(hh.uuid, "李娜", sex="F", birth=date(1952, 7, 8),
                                                               relation="head"))
    except RuleViolation as err:
        assert err.key == "storage.head_exists"
    names, head = _heads(hh.uuid)
    assert len(names) == 1 and names[0] == head


def test_changing_the_head_leaves_one_head(world):
    hh = world.household
    H.set_household_head(ALICE, hh.uuid, hh.version, world.spouse.uuid)
    names, head = _heads(hh.uuid)
    assert head == "李娜"
    assert names == ["李娜"]
