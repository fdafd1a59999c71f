"""`tui-register payments …` as a script runs it: output, JSON, exit status, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from tests.support.records import cli_env, household_in, membership_in, person_in, place_in, resident_id
from tui_register.storage.clock import current_login


@pytest.fixture
def db(tmp_path):
    """Two 城市低保 households, one with an account, one without; made by the login the
    command runs as (the register's first supervisor)."""
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import households as H
    from tui_register.storage import payments as P
    from tui_register.storage.register import open_register

    path = tmp_path / "r.db"
    me = current_login()
    conn = open_register(path, me)
    town = H.create_place(me, place_in("城关街道", "township"))
    village = H.create_place(me, place_in("东关社区", "village", town.uuid))
    for i, name in enumerate(("张三丰", "李秀英")):
        h = H.create_household(me, household_in(village.uuid, f"人民路{i + 1}号"),
                               person_in(None, name, id_number=resident_id(date(1950 + i, 3, 4), 11 + i * 2),
                                         relation="head"))
        H.add_membership(me, membership_in("urban_dibao", household=h.uuid, start=date(2025, 1, 1)))
        if i == 0:
            P.add_account(me, validate(AccountIn, {"household": h.uuid, "kind": "bank", "bank_name": "农业银行",
                                                   "holder_name": name, "account_number": "6222021234567890123"}))
    conn.close()
    return path


def cli(db, *args, language="en", config=None):
    extra = ["--config", str(config)] if config else []
    done = subprocess.run([sys.executable, "-m", "tui_register", "--db", str(db), *extra, *args],
                          env=cli_env(language), capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    return done


def test_a_round_from_standard_to_close(db, tmp_path):
    assert cli(db, "payments", "standard", "--category", "城市低保", "--from", "2020-01-01",
               "--amount", "590").returncode == 0
    made = cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026Q4", "--date", "2026-10-10")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "made payment round #1 2026Q4 城市低保发放: 2 lines, ¥3,540.00 due"

    shown = json.loads(cli(db, "payments", "show", "1", "--json").stdout)
    totals = (shown["state"], shown["line_count"], shown["due_yuan"], shown["paid_yuan"])
    assert totals == ("draft", 2, "3540.00", "0.00")
    zhang = next(line for line in shown["lines"] if line["recipient"] == "张三丰")
    assert zhang["months"] == ["2026-10", "2026-11", "2026-12"] and zhang["amount_yuan"] == "1770.00"
    assert zhang["account_number"] == "6222***********0123"  # masked
    assert "*" in zhang["id_number"] and len(zhang["id_number"]) == 18

    # 李秀英 has no account: the round cannot be approved until that is fixed.
    refused = cli(db, "payments", "approve", "1", config=_one_supervisor(tmp_path))
    assert refused.returncode == 1 and "1 lines with problems" in refused.stderr and "李秀英" in refused.stderr


def test_the_maker_does_not_approve_unless_the_office_has_one_supervisor(db, tmp_path):
    cli(db, "payments", "standard", "--category", "urban_dibao", "--from", "2020-01-01", "--amount", "590")
    cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11")
    _exclude_unpaid_line(db)
    own = cli(db, "payments", "approve", "1")
    assert own.returncode == 1 and "another supervisor approves it" in own.stderr
    ok = cli(db, "payments", "approve", "#1", config=_one_supervisor(tmp_path))
    assert ok.returncode == 0 and "approved" in ok.stdout
    closed = cli(db, "payments", "close", "1", "--date", "2026-11-15")
    assert closed.returncode == 0 and "1 lines marked paid" in closed.stdout
    rounds = json.loads(cli(db, "payments", "list", "--json").stdout)
    assert [(r["number"], r["state"], r["paid_yuan"], r["paid_lines"], r["excluded_lines"]) for r in rounds] == [
        (1, "closed", "590.00", 1, 1)]


def test_bad_input_names_the_field_and_exits_2(db):
    bad = cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026Q5", language="zh_CN")
    assert bad.returncode == 2 and "发放期间" in bad.stderr and "2026Q4" in bad.stderr
    unknown = cli(db, "payments", "new", "--category", "低保户", "--period", "2026-11")
    assert unknown.returncode == 2 and "Category" in unknown.stderr
    missing = cli(db, "payments", "show", "9")
    assert missing.returncode == 1 and '"9"' in missing.stderr
    second = cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11")
    assert second.returncode == 0
    again = cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11")
    assert again.returncode == 1 and "#1" in again.stderr


def _one_supervisor(tmp_path):
    config = tmp_path / "one.toml"
    config.write_text("[payments]\nsingle_supervisor = true\n", encoding="utf-8")
    return config


def _exclude_unpaid_line(db):
    from tui_register.storage import payments as P
    from tui_register.storage.models import PaymentLine
    from tui_register.storage.register import open_register

    conn = open_register(db, current_login(), create=False)
    line = PaymentLine.get(PaymentLine.recipient_name == "李秀英")
    P.exclude_line(current_login(), line.uuid, line.version, "暂无账户,待补录")
    conn.close()


def test_export_writes_the_bank_file_and_the_roster(db, tmp_path):
    from tests.support.reports import assert_print_ready, column, data_rows, open_book, totals_row

    cli(db, "payments", "standard", "--category", "urban_dibao", "--from", "2020-01-01", "--amount", "590")
    _cash_for_the_second(db)
    cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11", "--date", "2026-11-10")
    out = tmp_path / "bank.xlsx"
    done = cli(db, "payments", "export", "1", "--out", str(out), language="zh_CN")
    assert done.returncode == 0, done.stderr
    roster = out.with_name("bank_roster.xlsx")
    assert str(out) in done.stdout and str(roster) in done.stdout

    bank = open_book(out).active
    assert bank.title == "代发清单" and "发放花名册" not in bank["A1"].value
    assert column(bank, "姓名") == ["张三丰"]  # the cash line is not for the bank
    assert column(bank, "账号") == ["6222021234567890123"]  # in full: the bank pays into it
    assert "*" in column(bank, "身份证号")[0]  # IDs masked without --full-ids
    assert totals_row(open_book(out, values=True).active)[6] == 590
    sheet = open_book(roster).active
    assert_print_ready(sheet)
    assert [(r[1], r[5]) for r in data_rows(sheet)] == [("李秀英", "现金(签领)"), ("张三丰", "6222***********0123")]
    assert sheet.oddFooter.right.text and "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    closing = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] and "审核人" in str(row[0])]
    assert closing and "2026-11-10" in closing[0]

    from tui_register.storage.models import AuditEvent
    from tui_register.storage.register import open_register

    conn = open_register(db, current_login(), create=False)
    assert [e.action for e in AuditEvent.select()] == ["export_bank_file"]
    conn.close()


def test_full_ids_put_id_numbers_in_full(db, tmp_path):
    from tests.support.reports import column, open_book

    cli(db, "payments", "standard", "--category", "urban_dibao", "--from", "2020-01-01", "--amount", "590")
    cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11")
    out = tmp_path / "bank.xlsx"
    assert cli(db, "payments", "export", "1", "--out", str(out), "--full-ids").returncode == 0
    assert "*" not in column(open_book(out).active, "ID number")[0]
    again = cli(db, "payments", "export", "1", "--out", str(out))
    assert again.returncode == 1 and "will not be overwritten" in again.stderr


def _cash_for_the_second(db):
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments as P
    from tui_register.storage.models import Household
    from tui_register.storage.register import open_register

    me = current_login()
    conn = open_register(db, me, create=False)
    li = Household.get(Household.head_name == "李秀英")
    P.add_account(me, validate(AccountIn, {"household": li.uuid, "kind": "cash"}))
    conn.close()


def _bank_answer(path, rows, *, status=True):
    """A result workbook as a bank sends it: a title row, then the header."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["代发结果回盘"])
    ws.write_row(1, 0, ["序号", "户名", "银行账号", "金额(元)"] + (["处理结果", "失败原因"] if status else ["备注"]))
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write_number(r, c, value)
    book.close()
    return path


ZHANG_ACCOUNT = "6222021234567890123"


def _approved_round(db, tmp_path):
    cli(db, "payments", "standard", "--category", "urban_dibao", "--from", "2020-01-01", "--amount", "590")
    cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-11")
    _exclude_unpaid_line(db)
    assert cli(db, "payments", "approve", "1", config=_one_supervisor(tmp_path)).returncode == 0


def test_results_record_paid_and_failed_lines(db, tmp_path):
    _approved_round(db, tmp_path)
    answer = _bank_answer(tmp_path / "answer.xlsx", [[1, "张三丰", ZHANG_ACCOUNT, 590, "失败", "账户已注销"]])
    checked = cli(db, "payments", "results", "1", str(answer), "--dry-run")
    assert checked.returncode == 0 and "0 paid, 1 failed (nothing recorded)" in checked.stdout
    assert json.loads(cli(db, "payments", "show", "1", "--json").stdout)["failed_lines"] == 0
    done = cli(db, "payments", "results", "1", str(answer), "--date", "2026-11-12")
    assert done.returncode == 0 and "recorded: 0 paid, 1 failed" in done.stdout
    shown = json.loads(cli(db, "payments", "show", "1", "--json").stdout)
    zhang = next(line for line in shown["lines"] if line["recipient"] == "张三丰")
    assert (zhang["state"], zhang["result_reason"], shown["failed_yuan"]) == ("failed", "账户已注销", "590.00")
    # The failed line is offered again in the next round.
    cli(db, "payments", "new", "--category", "urban_dibao", "--period", "2026-12")
    december = json.loads(cli(db, "payments", "show", "2", "--json").stdout)
    assert ("张三丰", "back_pay", ["2026-11"]) in [(x["recipient"], x["kind"], x["months"]) for x in december["lines"]]


def test_results_with_unknown_accounts_other_amounts_or_repeats_apply_nothing(db, tmp_path):
    from tests.support.reports import column, open_book

    _approved_round(db, tmp_path)
    answer = _bank_answer(tmp_path / "answer.xlsx", [
        [1, "张三丰", ZHANG_ACCOUNT, 590, "成功", None],
        [2, "张三丰", ZHANG_ACCOUNT, 590, "成功", None],  # repeated
        [3, "张三丰", ZHANG_ACCOUNT, 500, "成功", None],  # another amount
        [4, "无名", "6222999999999999999", 590, "成功", None],  # no such account
        [5, "张三丰", 6222021234567890123.0, 590, "成功", None],  # digits lost as a number
    ])
    refused = cli(db, "payments", "results", "1", str(answer), language="zh_CN")
    assert refused.returncode == 1 and "4 行不能导入" in refused.stderr
    errors = open_book(tmp_path / "answer_errors.xlsx").active
    assert column(errors, "行号") == [4, 5, 6, 7]
    problems = column(errors, "问题")
    assert "重复" in problems[0] and "¥590.00" in problems[1] and "没有这个账号" in problems[2]
    assert "文本" in problems[3]
    shown = json.loads(cli(db, "payments", "show", "1", "--json").stdout)
    assert shown["paid_lines"] == 0 and shown["failed_lines"] == 0  # nothing half-written


def test_a_round_for_a_group(db):
    cli(db, "payments", "standard", "--category", "urban_dibao", "--from", "2020-01-01", "--amount", "590")
    made = cli(db, "payments", "new", "--category", "低保", "--period", "2026-11")
    assert made.returncode == 0, made.stderr
    shown = json.loads(cli(db, "payments", "show", "1", "--json").stdout)
    assert {line["category"] for line in shown["lines"]} == {"urban_dibao"}
    typo = cli(db, "payments", "new", "--category", "城市低宝", "--period", "2026-12", language="zh_CN")
    assert typo.returncode == 2 and "是不是“城市低保”" in typo.stderr
