"""Data checks with outcomes (schema v11): one outcome per person checked; a closure ends the
case in the same transaction and every membership it ends names it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import ALICE, log_since, max_seq
from tui_register import i18n
from tui_register.domain.errors import InputError
from tui_register.domain.records import CheckOutcomeIn, validate
from tui_register.domain.snapshots import check_snapshot
from tui_register.storage import integrity
from tui_register.storage.checks import record_check_outcome
from tui_register.storage.core import RuleViolation
from tui_register.storage.models import CheckOutcome, Membership, Person

TODAY = date(2026, 6, 1)
CHECKED_ON = date(2026, 3, 10)


@pytest.fixture
def build(reg):
    i18n.set_language("zh_CN")
    return RegisterBuilder(reg, ALICE, today=TODAY)


@pytest.fixture
def home(build):
    grid = build.places("城关街道", "东关社区", "第一网格")
    return build.household(grid, "人民路1号", "张三丰",
                           members=[member("李秀英", sex="F", birth=date(1952, 6, 7), relation="spouse")],
                           categories=[category("urban_dibao", amount="590", period="monthly"),
                                       category("severe_disability", of_head=True, amount="100", period="monthly")])


def outcome_in(visit, person, outcome, reason="", notes=""):
    return validate(CheckOutcomeIn, {"visit": visit.uuid, "person": person.uuid, "outcome": outcome,
                                     "reason": reason, "notes": notes}, today=TODAY)


def persons(home):
    return {p.name: p for p in Person.select().where(Person.household == home.id)}


def test_a_closure_names_its_reason_and_only_a_closure_has_one():
    uid = "7d1c2b3a-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
    with pytest.raises(InputError) as info:
        validate(CheckOutcomeIn, {"visit": uid, "person": uid, "outcome": "清理退出"})
    assert info.value.messages("zh_CN") == ["退出原因：不能为空"]
    with pytest.raises(InputError) as info:
        validate(CheckOutcomeIn, {"visit": uid, "person": uid, "outcome": "情况属实", "reason": "死亡"})
    assert info.value.messages("zh_CN") == ["退出原因：只有清理退出才填写原因"]
    with pytest.raises(InputError) as info:
        validate(CheckOutcomeIn, {"visit": uid, "person": uid, "outcome": "closed", "reason": "other"})
    assert [e.field for e in info.value.errors] == ["notes"]
    assert validate(CheckOutcomeIn, {"visit": uid, "person": uid, "outcome": "Closed",
                                     "reason": "收入超标"}).reason == "income_above_line"


def test_outcomes_per_person_and_a_death_closes_with_a_link(build, home):
    check = build.visit(home.uuid, CHECKED_ON, purpose="data_check")
    people = persons(home)
    seq = max_seq()
    kept = record_check_outcome(ALICE, outcome_in(check, people["李秀英"], "confirmed"))
    closed = record_check_outcome(ALICE, outcome_in(check, people["张三丰"], "closed", "deceased"))
    head = Person.get_by_id(people["张三丰"].id)
    assert (head.status, head.status_date, head.status_reason) == ("deceased", CHECKED_ON, "死亡")
    own = Membership.get((Membership.person == head.id))
    assert (own.status, own.end_date, own.closed_by_check) == ("ended", CHECKED_ON, closed.uuid)
    assert Membership.get(Membership.person.is_null()).status == "active"  # a household's own stays
    assert kept.outcome == "confirmed" and kept.household_id == home.id
    logged = log_since(seq)
    assert [r.entity for r in logged] == ["check_outcome", "check_outcome", "person", "membership"]
    assert all(check_snapshot(r.entity, r.snapshot, today=TODAY) == [] for r in logged)
    assert logged[-1].snapshot["closed_by_check"] == closed.uuid
    assert integrity.check() == []


def test_income_above_the_line_ends_the_heads_and_the_households_memberships(build, home):
    check = build.visit(home.uuid, CHECKED_ON, purpose="data_check")
    closed = record_check_outcome(ALICE, outcome_in(check, persons(home)["张三丰"], "closed", "income_above_line"))
    ended = list(Membership.select().order_by(Membership.id))
    assert [(m.category_id, m.status, m.end_date, m.closed_by_check) for m in ended] == [
        ("urban_dibao", "ended", CHECKED_ON, closed.uuid), ("severe_disability", "ended", CHECKED_ON, closed.uuid)]
    assert Person.get_by_id(persons(home)["张三丰"].id).status == "active"


def test_only_a_data_check_records_outcomes_once_per_person(build, home):
    people = persons(home)
    routine = build.visit(home.uuid, CHECKED_ON, purpose="routine")
    with pytest.raises(RuleViolation) as info:
        record_check_outcome(ALICE, outcome_in(routine, people["李秀英"], "confirmed"))
    assert info.value.key == "storage.not_a_data_check"
    check = build.visit(home.uuid, CHECKED_ON, purpose="data_check")
    record_check_outcome(ALICE, outcome_in(check, people["李秀英"], "changed"))
    with pytest.raises(RuleViolation) as info:
        record_check_outcome(ALICE, outcome_in(check, people["李秀英"], "confirmed"))
    assert info.value.message() == "李秀英 在这次核查中已有核查结果"
    assert CheckOutcome.select().count() == 1
