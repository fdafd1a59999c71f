"""Kinds of one-off assistance and of housing repair on a membership (schema v11): stored and
logged by the write path, a repair's stage moved forward only, the demo's memberships, and an
older register upgraded with its memberships left without a kind."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests.support.builder import RegisterBuilder
from tests.support.records import ALICE, log_since, max_seq
from tui_register import i18n
from tui_register.domain.snapshots import check_snapshot
from tui_register.storage import db as dbmod
from tui_register.storage import households as H
from tui_register.storage import integrity
from tui_register.storage.core import RuleViolation
from tui_register.storage.models import Membership

TODAY = date(2026, 6, 1)


@pytest.fixture
def build(reg):
    i18n.set_language("zh_CN")
    return RegisterBuilder(reg, ALICE, today=TODAY)


@pytest.fixture
def home(build):
    grid = build.places("城关街道", "东关社区", "第一网格")
    return build.household(grid, "人民路1号", "张三丰")


def test_kinds_are_stored_and_logged_with_the_membership(build, home):
    seq = max_seq()
    aid = build.membership("temporary_assistance", household=home.uuid, amount="2000", period="once",
                           aid_kind="医疗")
    repair = build.membership("unsafe_housing", household=home.uuid, amount="20000", period="once",
                              repair_kind="翻建")
    stored = Membership.get_by_id(aid.id), Membership.get_by_id(repair.id)
    assert [(m.aid_kind, m.repair_kind, m.repair_stage) for m in stored] == [
        ("medical", "", ""), ("", "rebuild", "appraisal")]
    logged = [row.snapshot for row in log_since(seq) if row.entity == "membership"]
    assert [(s["aid_kind"], s["repair_kind"], s["repair_stage"]) for s in logged] == [
        ("medical", "", ""), ("", "rebuild", "appraisal")]
    assert all(check_snapshot("membership", s, today=TODAY) == [] for s in logged)
    assert integrity.check() == []


def test_a_repair_stage_moves_forward_and_never_back(build, home):
    repair = build.membership("unsafe_housing", household=home.uuid, repair_kind="修缮")
    seq = max_seq()
    moved = H.set_repair_stage(ALICE, repair.uuid, repair.version, "construction")
    assert (moved.repair_stage, moved.version) == ("construction", 2)
    (row,) = log_since(seq)
    assert (row.op, row.snapshot["repair_stage"]) == ("update", "construction")
    moved = H.set_repair_stage(ALICE, repair.uuid, moved.version, "acceptance")
    with pytest.raises(RuleViolation) as info:
        H.set_repair_stage(ALICE, repair.uuid, moved.version, "construction")
    assert info.value.message() == "改造进度只能向前推进（鉴定、施工、验收），现在已是「验收」，不能改回「施工」"
    assert Membership.get_by_id(repair.id).repair_stage == "acceptance"
    assert len(log_since(seq)) == 2  # the refused step wrote nothing


def test_only_a_repair_has_a_stage(build, home):
    aid = build.membership("temporary_assistance", household=home.uuid, aid_kind="急难")
    with pytest.raises(RuleViolation) as info:
        H.set_repair_stage(ALICE, aid.uuid, aid.version, "construction")
    assert info.value.key == "storage.not_a_repair"
    assert Membership.get_by_id(aid.id).repair_stage == ""


def test_the_demo_gives_some_of_each_kind(build):
    build.demo(400, seed=3, until=TODAY)
    aid = {k for (k,) in Membership.select(Membership.aid_kind)
           .where(Membership.category == "temporary_assistance").tuples()}
    repairs = set(Membership.select(Membership.repair_kind, Membership.repair_stage)
                  .where(Membership.category == "unsafe_housing").tuples())
    assert aid == {"medical", "emergency", "disaster", "education", "housing", "other"}
    assert {kind for kind, _stage in repairs} == {"rebuild", "repair"}
    assert {stage for _kind, stage in repairs} == {"appraisal", "construction", "acceptance"}
    others = Membership.select().where(Membership.category.not_in(["temporary_assistance", "unsafe_housing"])
                                       & ((Membership.aid_kind != "") | (Membership.repair_kind != "")
                                          | (Membership.repair_stage != "")))
    assert others.count() == 0
    assert integrity.check() == []


def test_an_older_register_keeps_its_memberships_without_a_kind(db_path):
    db = dbmod.make_database(db_path)
    db_path.touch(mode=0o600)
    db.connect()
    dbmod.migrate(db, db_path, migrations={v: dbmod.MIGRATIONS[v] for v in range(1, 10)})
    conn = db.connection()
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("INSERT INTO membership (uuid, version, created_at, created_by, updated_at, updated_by, "
                 "category, household_id, start_date, amount_fen, period, notes, status, status_reason, grade) "
                 "VALUES ('u1', 1, 't', 'alice', 't', 'alice', 'temporary_assistance', 1, '2024-01-01', 0, '', "
                 "'', 'active', '', '')")
    db.close()
    dbmod.open_database(db_path).close()
    with sqlite3.connect(db_path) as plain:
        row = plain.execute("SELECT aid_kind, repair_kind, repair_stage FROM membership").fetchone()
        version = plain.execute("PRAGMA user_version").fetchone()[0]
    assert row == ("", "", "") and version == dbmod.SCHEMA_VERSION >= 11

