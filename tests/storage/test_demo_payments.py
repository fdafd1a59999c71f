"""The demo's payments: rounds in each of its three years with failed lines, back pay, stops
and cash accounts; the same lines as the write path makes; `check` clean."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tui_register import demo
from tui_register.storage import integrity, payments
from tui_register.storage.models import database
from tui_register.storage.register import open_register

UNTIL = date(2026, 10, 1)  # the October rounds and the fourth quarter's are made that day (drafts)


def rows(sql: str, params: tuple = ()) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo-payments") / "demo.db"
    db = open_register(path, "alice")
    demo.generate(400, seed=3, user="alice", until=UNTIL)
    db.close()
    return path


@pytest.fixture
def office(template, db_path):
    """A copy of the module's demo register (400 households, seed 3), open."""
    source, dest = sqlite3.connect(str(template)), sqlite3.connect(str(db_path))
    source.backup(dest)
    source.close()
    dest.close()
    db = open_register(db_path, "alice")
    yield db
    db.close()


def test_rounds_in_each_year_with_failed_lines_back_pay_and_stops(office):
    assert integrity.check() == []
    for year in ("2024", "2025", "2026"):
        kinds = dict(rows("SELECT l.kind, count(*) FROM payment_line l JOIN payment_round r ON r.id = l.round_id "
                          "WHERE substr(r.period, 1, 4) = ? GROUP BY l.kind", (year,)))
        assert kinds.get("regular", 0) > 100 and kinds.get("back_pay", 0) > 0 and kinds.get("stop", 0) > 0, year
        periods = {p for (p,) in rows("SELECT period FROM payment_round WHERE substr(period, 1, 4) = ?", (year,))}
        assert {f"{year}-01", f"{year}Q1", year} <= periods, "monthly, quarterly and yearly rounds"
        assert rows("SELECT count(*) FROM payment_round r JOIN payment_line l ON l.round_id = r.id "
                    "WHERE l.state = 'failed' AND substr(r.period, 1, 4) = ?", (year,))[0][0] > 0, year
    assert {r for (r,) in rows("SELECT DISTINCT result_reason FROM payment_line WHERE state = 'failed'")} \
        == {"账户已注销", "户名不符"}
    # Every failed line of a closed round is paid again later, once, linked to it.
    unpaid = rows("SELECT count(*) FROM payment_line f WHERE f.state = 'failed' AND NOT EXISTS "
                  "(SELECT 1 FROM payment_line b WHERE b.corrects = f.uuid AND b.kind = 'back_pay' "
                  "AND b.amount_fen = f.amount_fen)")[0][0]
    later = rows("SELECT count(*) FROM payment_line f JOIN payment_round r ON r.id = f.round_id "
                 "WHERE f.state = 'failed' AND r.period_end >= '2026-07-01'")[0][0]
    assert unpaid <= later, "only the latest failures wait for their next round"
    assert rows("SELECT count(*) FROM payment_line b JOIN payment_line f ON f.uuid = b.corrects "
                "WHERE b.state = 'paid'")[0][0] > 0
    cash = rows("SELECT count(*) FROM payment_account WHERE kind = 'cash'")[0][0]
    accounts = rows("SELECT count(*) FROM payment_account WHERE kind != 'cash'")[0][0]
    assert 0 < cash < accounts / 5, "cash for a few"
    assert rows("SELECT count(*) FROM payment_line l JOIN payment_account a ON a.id = l.account_id "
                "WHERE a.kind = 'cash' AND l.state = 'paid'")[0][0] > 0
    # The state of a round follows the end date: closed; yesterday's approved; the day's drafts.
    states = dict(rows("SELECT period, state FROM payment_round WHERE period_end >= '2026-09-01'"))
    assert (states["2026-09"], states["2026-09-30"], states["2026-10"], states["2026Q4"]) \
        == ("closed", "approved", "draft", "draft")


def test_the_raise_applies_from_july_of_the_middle_year(office):
    amounts = dict(rows("SELECT r.period, max(l.amount_fen) FROM payment_line l "
                        "JOIN payment_round r ON r.id = l.round_id JOIN membership m ON m.id = l.membership_id "
                        "WHERE l.category = 'severe_disability' AND l.kind = 'regular' AND m.amount_fen = 0 "
                        "GROUP BY r.period"))
    assert amounts["2025-06"] == 5000 and amounts["2025-07"] == 6500 and amounts["2026-09"] == 6500
    assert rows("SELECT count(*) FROM payment_standard WHERE category = 'severe_disability'") == [(2,)]


def test_accounts_are_valid_and_held_by_the_recipient(office):
    from tui_register.domain.payments import check_holder, clean_account_number

    found = rows("SELECT a.kind, a.account_number, a.holder_name, coalesce(p.name, h.head_name) "
                 "FROM payment_account a JOIN household h ON h.id = a.household_id "
                 "LEFT JOIN person p ON p.id = a.person_id")
    for kind, number, holder, recipient in found:
        if kind != "cash":
            assert clean_account_number(number) == number
            check_holder(holder, recipient, proxy=False)
    replaced = rows("SELECT count(*) FROM payment_account WHERE status = 'closed' AND status_reason = 'replaced'")
    assert replaced[0][0] > 0


@pytest.mark.parametrize("categories, period", [
    (["urban_dibao", "rural_dibao"], "2026-10"),
    (["severe_disability", "tekun_disability"], "2026-10"),
    (["tekun_centralised", "tekun_dispersed"], "2026Q4"),
])
def test_a_demo_round_has_the_lines_the_write_path_makes(office, categories, period):
    """The demo's draft round, made again by `storage.payments.create_round` on the same
    register (without it): the same lines, amounts, accounts, back pay and stops."""
    def lines(number: int) -> list[tuple]:
        return sorted(rows("SELECT l.membership_id, l.kind, l.months, l.amount_fen, l.account_id, l.state, "
                           "l.reason, l.corrects FROM payment_line l JOIN payment_round r ON r.id = l.round_id "
                           "WHERE r.number = ?", (number,)), key=repr)

    number, = (n for (n,) in rows("SELECT number FROM payment_round WHERE period = ? AND categories = ?",
                                  (period, ",".join(sorted(categories)))))
    made_by_demo = lines(number)
    assert len(made_by_demo) > 5
    # Only on a scratch register: take the demo's round away so that the write path may make it.
    database.execute_sql("DELETE FROM change_log WHERE uuid IN (SELECT l.uuid FROM payment_line l "
                         "JOIN payment_round r ON r.id = l.round_id WHERE r.number = ?)", (number,))
    database.execute_sql("DELETE FROM payment_line WHERE round_id = (SELECT id FROM payment_round "
                         "WHERE number = ?)", (number,))
    database.execute_sql("UPDATE payment_round SET kind = 'gone' WHERE number = ?", (number,))
    again = payments.create_round("alice", categories, period)
    assert lines(again.number) == made_by_demo
    payments.approve_round("alice", again.number, single_supervisor=True)  # nothing in error


def test_more_demo_households_into_a_register_with_rounds_get_no_payments(office):
    rounds, lines = rows("SELECT (SELECT count(*) FROM payment_round), (SELECT count(*) FROM payment_line)")[0]
    last = rows("SELECT max(id) FROM household")[0][0]
    demo.generate(30, seed=4, user="alice", until=UNTIL)  # `demo --force`
    assert rows("SELECT (SELECT count(*) FROM payment_round), (SELECT count(*) FROM payment_line)") == [
        (rounds, lines)], "a second round for a category and period is refused: none is made"
    assert rows("SELECT count(*) FROM household WHERE id > ?", (last,)) == [(30,)]
    assert integrity.check() == []
