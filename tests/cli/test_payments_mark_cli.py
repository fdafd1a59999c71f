"""`tui-register payments mark ROUND LINE --paid [--date D] | --failed REASON`: one line's
result by hand, the line given by its number in `payments show` or the recipient's ID number."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from tests.support.records import cli_env, household_in, membership_in, person_in, place_in, resident_id
from tui_register.storage.clock import current_login

ZHANG_ID = resident_id(date(1950, 3, 4), 11)
LI_ID = resident_id(date(1951, 3, 4), 13)


@pytest.fixture
def db(tmp_path):
    """Round #1 (2026-11, approved): 张三丰's household (城市低保) and 张三丰 himself (重度残疾人),
    both paid into accounts, and 李秀英's household. Round #2 (2026-12) is a draft."""
    from tui_register.domain.records import AccountIn, StandardIn, validate
    from tui_register.storage import households as H
    from tui_register.storage import payments as P
    from tui_register.storage.register import open_register

    path = tmp_path / "r.db"
    me = current_login()
    conn = open_register(path, me)
    for code, amount in (("urban_dibao", "590"), ("severe_disability", "50")):
        P.add_standard(me, validate(StandardIn, {"category": code, "valid_from": "2020-01-01", "amount": amount,
                                                 "period": "monthly"}))
    town = H.create_place(me, place_in("城关街道", "township"))
    village = H.create_place(me, place_in("东关社区", "village", town.uuid))
    for i, (name, id_number) in enumerate((("张三丰", ZHANG_ID), ("李秀英", LI_ID))):
        h = H.create_household(me, household_in(village.uuid, f"人民路{i + 1}号"),
                               person_in(None, name, id_number=id_number, relation="head"))
        H.add_membership(me, membership_in("urban_dibao", household=h.uuid, start=date(2025, 1, 1)))
        P.add_account(me, validate(AccountIn, {"household": h.uuid, "kind": "bank", "bank_name": "农业银行",
                                               "holder_name": name, "account_number": f"622202123456789{i}123"}))
        if i == 0:
            head = h.head
            H.add_membership(me, membership_in("severe_disability", person=head.uuid, start=date(2025, 1, 1)))
            P.add_account(me, validate(AccountIn, {"person": head.uuid, "kind": "card", "bank_name": "社会保障卡",
                                                   "holder_name": name, "account_number": "6214670000111122"}))
    P.create_round(me, ["urban_dibao", "severe_disability"], "2026-11")
    P.approve_round(me, 1, single_supervisor=True)
    P.create_round(me, ["urban_dibao", "severe_disability"], "2026-12")
    conn.close()
    return path


def cli(db, *args, language="en"):
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db), *args],
                          env=cli_env(language), capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    return done


def shown(db, number: int = 1) -> dict:
    return json.loads(cli(db, "payments", "show", str(number), "--json").stdout)


def line_of(data: dict, recipient: str, category: str) -> dict:
    return next(x for x in data["lines"] if x["recipient"] == recipient and x["category"] == category)


def test_lines_are_numbered_as_show_lists_them(db):
    data = shown(db)
    assert [x["line"] for x in data["lines"]] == [1, 2, 3]
    text = cli(db, "payments", "show", "1").stdout.splitlines()[1:]
    assert [row.split()[:2] for row in text] == [[str(x["line"]), x["recipient"]] for x in data["lines"]]


def test_mark_a_line_paid_by_its_number(db):
    li = line_of(shown(db), "李秀英", "urban_dibao")
    done = cli(db, "payments", "mark", "1", str(li["line"]), "--paid", "--date", "2026-11-12")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"payment round #1 line {li['line']} (李秀英 ¥590.00) marked paid on 2026-11-12"
    after = shown(db)
    li = line_of(after, "李秀英", "urban_dibao")
    assert (li["state"], li["paid_on"], after["paid_yuan"], after["paid_lines"]) == ("paid", "2026-11-12", "590.00", 1)


def test_mark_a_line_failed_by_the_recipients_id_number(db):
    done = cli(db, "payments", "mark", "#1", LI_ID.lower(), "--failed", "账户已注销", language="zh_CN")
    assert done.returncode == 0, done.stderr
    assert "李秀英" in done.stdout and "发放失败:账户已注销" in done.stdout
    li = line_of(shown(db), "李秀英", "urban_dibao")
    assert (li["state"], li["result_reason"], li["paid_on"]) == ("failed", "账户已注销", None)
    # The failed line stays due: a later round offers it again.
    cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2027-01")
    offered = [(x["recipient"], x["kind"], x["months"]) for x in shown(db, 3)["lines"]]
    assert ("李秀英", "back_pay", ["2026-11"]) in offered


def test_an_id_number_with_two_lines_asks_for_the_number(db):
    two = cli(db, "payments", "mark", "1", ZHANG_ID, "--paid")
    assert two.returncode == 1
    numbers = sorted(x["line"] for x in shown(db)["lines"] if x["recipient"] == "张三丰")
    assert f"lines {numbers[0]}, {numbers[1]}" in two.stderr and "give the line's number" in two.stderr
    assert shown(db)["paid_lines"] == 0


@pytest.mark.parametrize("args, status, said", [
    (("1", "9", "--paid"), 1, "payment round #1 2026-11 重度残疾、城市低保发放 has no line 9 (it has 3;"),
    (("1", "0", "--paid"), 1, "has no line 0"),
    (("1", "张三丰", "--paid"), 2, 'line "张三丰" is neither a line number nor an ID number'),
    (("1", resident_id(date(1970, 1, 1), 21), "--paid"), 1, "no line of payment round #1"),
    (("1", "1", "--failed", "账户已注销", "--date", "2026-11-12"), 2, "--date is the date paid"),
    (("1", "1", "--failed", " "), 2, "Reason"),
    (("1", "1"), 2, "one of the arguments --paid --failed is required"),
    (("1", "1", "--paid", "--failed", "x"), 2, "not allowed with argument"),
    (("1", "1", "--paid", "--date", "2026-13-01"), 2, "2026-13-01"),
    (("2", "1", "--paid"), 1, "is not approved"),
    (("7", "1", "--paid"), 1, '"7"'),
])
def test_bad_input_is_refused_with_the_reason_and_nothing_recorded(db, args, status, said):
    done = cli(db, "payments", "mark", *args)
    assert done.returncode == status, done.stderr
    assert said in done.stderr
    after = shown(db)
    assert after["paid_lines"] == 0 and after["failed_lines"] == 0


def test_a_correction_is_a_new_line_in_a_correction_round_linked_to_the_line(db):
    """`payments correct 1 LINE --into N --recover 100 --reason R`: round #1 is not edited; the
    correction round holds a 扣回 line of -100 linked to the line it corrects."""
    made = cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11", "--correction")
    assert made.returncode == 0, made.stderr
    before = json.loads(cli(db, "payments", "show", "1", "--json").stdout)
    done = cli(db, "payments", "correct", "1", LI_ID, "--into", "3", "--recover", "100", "--reason", "多发一个月")
    assert done.returncode == 0, done.stderr
    assert "-¥100.00" in done.stdout or "¥-100.00" in done.stdout or "-100.00" in done.stdout
    correction = json.loads(cli(db, "payments", "show", "3", "--json").stdout)
    (line,) = [ln for ln in correction["lines"] if ln["corrects"]]
    assert (line["amount_yuan"], line["kind"]) == ("-100.00", "recovery")
    corrected = next(ln for ln in before["lines"] if ln["recipient"] == "李秀英")
    assert line["corrects"] == corrected["uuid"]
    assert json.loads(cli(db, "payments", "show", "1", "--json").stdout) == before  # never edited


def test_a_correction_needs_a_reason_and_a_correction_round(db):
    refused = cli(db, "payments", "correct", "1", "1", "--into", "2", "--pay", "50", "--reason", "补发")
    assert refused.returncode != 0 and "#2" in refused.stderr  # a regular draft round, not a correction round
    missing = cli(db, "payments", "correct", "1", "1", "--into", "2", "--pay", "50")
    assert missing.returncode == 2 and "--reason" in missing.stderr
