"""Payment rounds of many lines (a round of every 低保 household): written in a few multi-row
statements, whatever the number of lines, and every line still a record with its own
change-log row, the same as a line written alone."""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from contextlib import contextmanager
from datetime import date
from itertools import islice
from types import SimpleNamespace
from typing import Iterator

import pytest

from tests.support.records import (
    ALICE,
    household_in,
    log_since,
    max_seq,
    membership_in,
    person_in,
    place_in,
    resident_id,
)
from tui_register.domain.records import AccountIn, validate
from tui_register.storage import db as dbmod
from tui_register.storage import households, payment_queries, payments, staff
from tui_register.storage.core import RuleViolation, ordered_uuids, snapshot
from tui_register.storage.models import PaymentLine, PaymentRound, Person, database

BOB = "bob"
NAMES = [s + g for s in "王李张刘陈" for g in "伟芳敏静磊"]  # 25 recipients
RURAL = 3  # the first three households are 农村低保, the others 城市低保


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements run on this thread's connection inside the block."""
    seen: list[str] = []
    conn = database.connection()
    conn.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        conn.set_trace_callback(None)


@pytest.fixture
def office(reg):
    staff.add_staff(ALICE, BOB, "鲍主任", "supervisor")
    town = households.create_place(ALICE, place_in("城关街道", "township"))
    village = households.create_place(ALICE, place_in("东关社区", "village", town.uuid))
    w = SimpleNamespace(homes=[])
    for i, name in enumerate(NAMES):
        home = households.create_household(ALICE, household_in(village.uuid, f"人民路{i + 1}号"),
                                           person_in(None, name, id_number=resident_id(date(1950 + i, 3, 4), i + 1),
                                                     relation="head"))
        code = "rural_dibao" if i < RURAL else "urban_dibao"
        households.add_membership(ALICE, membership_in(code, household=home.uuid, start=date(2026, 1, 1),
                                                       amount=str(300 + i), period="monthly"))
        payments.add_account(ALICE, validate(AccountIn, {
            "household": home.uuid, "kind": "bank", "bank_name": "农业银行",
            "account_number": f"62220212345{i:08d}", "holder_name": name}))
        w.homes.append(home)
    return w


def by_name(r: PaymentRound) -> dict[str, PaymentLine]:
    return {line.recipient_name: line for line in PaymentLine.select().where(PaymentLine.round == r)}


def test_the_statements_that_write_a_round_do_not_grow_with_its_lines(office):
    with statements() as small:
        payments.create_round(ALICE, ["rural_dibao"], "2026-10")
    before = max_seq()
    with statements() as large:
        r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    lines = by_name(r)
    assert len(lines) == len(NAMES) - RURAL
    assert len(large) == len(small)  # 22 lines are written as 3 are
    # Each line is a record with its change-log row, as written alone: the same snapshot.
    logged = {row.uuid: row for row in log_since(before) if row.entity == "payment_line"}
    assert set(logged) == {line.uuid for line in lines.values()}
    for line in lines.values():
        row = logged[line.uuid]
        assert (row.op, row.version, row.base_version, row.user) == ("create", 1, 0, ALICE)
        assert row.snapshot == snapshot(PaymentLine.get_by_id(line.id))
    # The recipient's initials are those stored with the person: a line is found by them.
    head = Person.get(Person.name == "张伟")
    assert lines["张伟"].recipient_initials == head.name_initials == "zw"


def test_a_rounds_lines_get_uuids_in_the_order_they_are_written(office):
    # Side by side in the uuid indexes (the change log's is large), not one page each.
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    uuids = [u for (u,) in PaymentLine.select(PaymentLine.uuid).where(PaymentLine.round == r)
             .order_by(PaymentLine.id).tuples()]
    assert len(uuids) == len(NAMES) - RURAL
    assert uuids == sorted(uuids)
    assert {uuidlib.UUID(u).version for u in uuids} == {7}
    logged = [row.uuid for row in log_since(0) if row.entity == "payment_line"]
    assert logged == uuids


def test_ordered_uuids_keep_rising_past_4096_in_one_millisecond():
    made = list(islice(ordered_uuids(), 20_000))
    assert made == sorted(made) and len(set(made)) == len(made)
    assert all(str(uuidlib.UUID(u)) == u and uuidlib.UUID(u).variant == uuidlib.RFC_4122 for u in made)


def test_a_result_for_every_line_is_recorded_with_a_change_log_row_each(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    payments.approve_round(BOB, r.number)
    lines = by_name(r)
    failed = {"李伟", "陈磊"}
    results = [(line.uuid, name not in failed, "账户已注销" if name in failed else "")
               for name, line in lines.items()]
    before = max_seq()
    assert payments.record_results(ALICE, r.uuid, results, date(2026, 10, 20)) == len(lines)
    after = by_name(r)
    assert {n: (li.state, li.paid_on, li.result_reason) for n, li in after.items() if n in failed} == {
        "李伟": ("failed", None, "账户已注销"), "陈磊": ("failed", None, "账户已注销")}
    assert {(li.state, li.paid_on, li.version) for n, li in after.items() if n not in failed} == {
        ("paid", date(2026, 10, 20), 2)}
    rows = log_since(before)
    assert [row.uuid for row in rows] == [uuid for uuid, _paid, _reason in results]
    for row in rows:
        assert (row.entity, row.op, row.version, row.base_version) == ("payment_line", "status", 2, 1)
        assert row.snapshot == snapshot(PaymentLine.get(PaymentLine.uuid == row.uuid))


def test_results_with_a_line_of_another_round_change_nothing(office):
    october = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    other = payments.create_round(ALICE, ["rural_dibao"], "2026-10")
    payments.approve_round(BOB, october.number)
    stray = next(iter(by_name(other).values()))
    results = [(line.uuid, True, "") for line in by_name(october).values()] + [(stray.uuid, True, "")]
    before = max_seq()
    with pytest.raises(RuleViolation) as err:
        payments.record_results(ALICE, october.uuid, results, date(2026, 10, 20))
    assert err.value.key == "storage.line_of_other_round" and err.value.params["recipient"] == stray.recipient_name
    assert {line.state for line in by_name(october).values()} == {"due"}
    assert log_since(before) == []


def test_closing_marks_every_line_still_due_paid_and_logs_each(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    lines = by_name(r)
    excluded = lines["王静"]
    payments.exclude_line(ALICE, excluded.uuid, excluded.version, "待核查")
    payments.approve_round(BOB, r.number)
    payments.mark_failed(ALICE, lines["刘静"].uuid, "户名不符")
    before = max_seq()
    closed, marked = payments.close_round(BOB, r.number, date(2026, 10, 25))
    assert (closed.state, marked) == ("closed", len(lines) - 2)
    after = by_name(r)
    assert (after["王静"].state, after["刘静"].state) == ("excluded", "failed")
    paid = {n for n, li in after.items() if li.state == "paid"}
    assert paid == set(lines) - {"王静", "刘静"}
    assert {li.paid_on for n, li in after.items() if n in paid} == {date(2026, 10, 25)}
    rows = log_since(before)
    assert sorted(row.uuid for row in rows if row.entity == "payment_line") == sorted(after[n].uuid for n in paid)
    assert [(row.entity, row.op) for row in rows][-1] == ("payment_round", "status")
    for row in rows[:-1]:
        assert (row.op, row.base_version, row.version) == ("status", 1, 2)
        assert row.snapshot == snapshot(PaymentLine.get(PaymentLine.uuid == row.uuid))


def test_a_rounds_lines_read_back_in_pages_with_accounts_and_results(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    payments.approve_round(BOB, r.number)
    lines = by_name(r)
    payments.record_results(ALICE, r.uuid, [(lines["张伟"].uuid, True, ""), (lines["陈磊"].uuid, False, "户名不符")],
                            date(2026, 10, 20))
    rows = payment_queries.round_lines(r)
    assert [row.key for row in rows] == sorted(row.key for row in rows)  # by initials, then entry
    zhang = next(row for row in rows if row.recipient == "张伟")
    home = office.homes[NAMES.index("张伟")]
    assert (zhang.id_number, zhang.household_address, zhang.category, zhang.months, zhang.amount_fen) == (
        home.head.id_number, home.address, "urban_dibao", "2026-10", 31000)
    assert (zhang.state, zhang.paid_on, zhang.account_kind, zhang.bank_name, zhang.holder_name) == (
        "paid", date(2026, 10, 20), "bank", "农业银行", "张伟")
    assert (zhang.account_number, zhang.masked_account) == ("6222021234500000010", "6222***********0010")
    chen = next(row for row in rows if row.recipient == "陈磊")
    assert (chen.state, chen.paid_on, chen.result_reason) == ("failed", None, "户名不符")
    # Keyset pages give the same lines; the search finds a name by its initials.
    first = payment_queries.round_lines(r, limit=10)
    rest = payment_queries.round_lines(r, after=first[-1].key, limit=100)
    assert [row.uuid for row in first + rest] == [row.uuid for row in rows]
    assert [row.recipient for row in payment_queries.round_lines(r, search="zw")] == ["张伟"]
    # The household's own payments, newest round first.
    found = payment_queries.household_payments(home.uuid)
    assert [(number, period, line.recipient, line.state) for number, period, line in found] == [
        (r.number, "2026-10", "张伟", "paid")]


def test_approval_names_the_lines_without_a_usable_account_and_only_those(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    home = office.homes[NAMES.index("陈敏")]
    # The account is replaced after the round was made: the line still names the closed one.
    payments.add_account(ALICE, validate(AccountIn, {
        "household": home.uuid, "kind": "card", "bank_name": "", "account_number": "6217000011112222333",
        "holder_name": "陈敏"}))
    problems = payments.line_problems(r)
    assert [(p.recipient, p.key) for p in problems] == [("陈敏", "payment.problem.account_closed")]
    with pytest.raises(RuleViolation) as err:
        payments.approve_round(BOB, r.number)
    assert (err.value.key, err.value.params["n"], err.value.params["first"]) == (
        "storage.round_has_problems", 1, "陈敏")


def line_indexes(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                           "AND tbl_name = 'payment_line'")}


def test_an_older_register_loses_the_two_line_indexes_no_read_uses(db_path):
    db = dbmod.make_database(db_path)
    db_path.touch(mode=0o600)
    db.connect()
    dbmod.migrate(db, db_path, migrations={v: dbmod.MIGRATIONS[v] for v in range(1, 12)})
    db.close()
    older = line_indexes(db_path)
    assert {"payment_line_person_id", "payment_line_account_id"} <= older
    dbmod.open_database(db_path).close()
    assert line_indexes(db_path) == older - {"payment_line_person_id", "payment_line_account_id"}
    assert {"payment_line_uuid", "payment_line_household_id", "payment_line_category",
            "payment_line_round_id_recipient_initials_id", "payment_line_membership_id_state"} <= line_indexes(db_path)
