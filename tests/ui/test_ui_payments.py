"""Pilot tests of the Payments section (发放) at 80x24: a round from its creation to its
results, typed at the keyboard, and the refusals a user meets on the way.

The register: five 城市低保 households under a 590-yuan standard, four with a bank account and
one paid in cash; bob (a clerk) prepares rounds, alice (a supervisor) approves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.support.builder import RegisterBuilder, category
from tests.support.records import resident_id
from tests.support.ui import (
    ALICE,
    BOB,
    SIZE,
    compact,
    make_app,
    press,
    screen_text,
    settle,
    type_text,
    wait_until,
)

pytestmark = pytest.mark.timeout(90)

NAMES = ("张三丰", "李秀英", "王建国", "赵敏", "聂芸")  # the last is paid in cash


def account_number(i: int) -> str:
    return f"62220212345678901{i:02d}"


@dataclass(frozen=True)
class Built:
    path: Path
    households: dict[str, str]  # head's name -> household uuid


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    from tui_register.domain.records import AccountIn, StandardIn, validate
    from tui_register.storage import payments

    path = tmp_path_factory.mktemp("ui-payments") / "source.db"
    households = {}
    with RegisterBuilder(path, ALICE) as build:
        build.staff(BOB, "Bob", "clerk")
        grid = build.places("城关街道", "东关社区", "第一网格")
        for i, name in enumerate(NAMES):
            id_number = resident_id(date(1950 + i, 3, 4), 11 + 2 * i)
            home = build.household(grid, f"人民路{i + 1}号", name, id_number=id_number,
                                   categories=[category("urban_dibao", start=date(2025, 1, 1))])
            households[name] = home.uuid
            cash = i == len(NAMES) - 1
            payments.add_account(ALICE, validate(AccountIn, {
                "household": home.uuid, "kind": "cash" if cash else "bank", "bank_name": "" if cash else "农业银行",
                "holder_name": "" if cash else name, "account_number": "" if cash else account_number(i)}))
        payments.add_standard(ALICE, validate(StandardIn, {"category": "urban_dibao", "valid_from": "2020-01-01",
                                                           "amount": "590", "period": "monthly"}))
    return Built(path, households)


async def burst(pilot, *keys: str) -> None:
    """Keys sent at once, as one read over a slow link delivers them; then what they started."""
    from tests.support.ui import _send

    for key in keys:
        _send(pilot.app, key)
    await settle(pilot)


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


def head_text(app) -> str:
    return str(app.screen.query_one("#round-head").render())


def status_text(app, widget: str = "#round-status") -> str:
    return str(app.screen.query_one(widget).render())


def lines_shown(app) -> list[tuple[str, str, int]]:
    from tui_register.ui.screens.payments import LineTable

    return [(row.recipient, row.state, row.amount_fen) for row in app.screen.query_one(LineTable).page_rows]


async def lines_drawn(pilot) -> None:
    from tui_register.ui.screens.payments import LineTable

    app = pilot.app
    await wait_until(pilot, lambda: app.screen.query_one(LineTable).page_rows and app.screen.info is not None,
                     "the round's lines and totals")


async def new_round(pilot, categories: str, period: str | None = None) -> None:
    """From the rounds list: `n`, the categories, the period (or the month offered), Ctrl+S."""
    from tui_register.ui.forms.payments import NewRoundForm

    await press(pilot, "n")
    assert isinstance(pilot.app.screen, NewRoundForm)
    await type_text(pilot, categories)
    await press(pilot, "tab")
    if period is not None:
        await type_text(pilot, period)  # the month offered is selected: typing replaces it
    await press(pilot, "ctrl+s")


def bank_answer(path: Path, rows: list[tuple]) -> Path:
    """A result workbook as a bank sends it: a title row, then the header."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["代发结果回盘"])
    ws.write_row(1, 0, ["户名", "银行账号", "金额(元)", "处理结果", "失败原因"])
    for r, (name, account, amount, result, reason) in enumerate(rows, start=2):
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, account)
        ws.write_number(r, 2, amount)
        ws.write_string(r, 3, result)
        ws.write_string(r, 4, reason)
    book.close()
    return path


def data_rows(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    from tests.support.reports import data_rows as rows

    book = load_workbook(path, read_only=True)
    try:
        return rows(book.active)
    finally:
        book.close()


# ---------------------------------------------------------------- a round from start to end


async def test_a_round_made_checked_approved_exported_and_paid_at_the_keyboard(register: Built, tmp_path: Path):
    from tui_register.ui.screens.payments import PaymentsScreen, ResultsScreen, RoundScreen

    # bob, a clerk, makes the round for June and excludes 张三丰's line, found by initials.
    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        assert isinstance(app.screen, PaymentsScreen)
        assert _("pay.ui.no_rounds") in screen_text(app)
        await new_round(pilot, "城市低保")
        assert isinstance(app.screen, RoundScreen)
        await lines_drawn(pilot)
        assert sorted(lines_shown(app)) == sorted((name, "due", 59000) for name in NAMES)
        assert "#1 2026-06 城市低保发放" in head_text(app)
        shown = screen_text(app)
        assert "6222*********890100" not in shown and "6222***********0100" in shown  # masked: 4 + 4
        await press(pilot, "slash")
        await type_text(pilot, "zsf")
        await press(pilot, "enter")
        assert lines_shown(app) == [("张三丰", "due", 59000)]
        await press(pilot, "x")
        await type_text(pilot, "已迁出本辖区")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RoundScreen)
        await wait_until(pilot, lambda: lines_shown(app) == [("张三丰", "excluded", 59000)], "the line excluded")
        await press(pilot, "slash", "escape")  # the search cleared: every line again
        await wait_until(pilot, lambda: len(lines_shown(app)) == 5, "every line")
        await wait_until(pilot, lambda: "应发 ¥2,360.00" in head_text(app), "the totals without the line")

    # alice, a supervisor, approves it, exports it, records the bank's answer and closes it.
    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        await press(pilot, "a", "y")
        await wait_until(pilot, lambda: _("pay.state.approved") in head_text(app), "the round approved")
        assert "审核 alice" in head_text(app)

        await press(pilot, "e")
        await wait_until(pilot, lambda: "代发清单:" in status_text(app), "the files written")
        exports = register.path.parent / "exports"
        bank, roster = sorted(exports.glob("*.xlsx"), key=lambda p: "_roster" in p.name)
        assert str(bank) in compact(status_text(app)) or bank.name in compact(status_text(app))
        assert [row[1] for row in data_rows(bank)] == ["李秀英", "王建国", "赵敏"]  # not excluded, not cash
        assert "聂芸" in [row[1] for row in data_rows(roster)]

        answer = bank_answer(tmp_path / "回盘.xlsx", [
            ("李秀英", account_number(1), 590, "成功", ""),
            ("王建国", account_number(2), 590, "成功", ""),
            ("赵敏", account_number(3), 590, "失败", "账户已注销")])
        await press(pilot, "o")
        assert isinstance(app.screen, ResultsScreen)
        await type_text(pilot, str(answer))
        await press(pilot, "ctrl+s")
        await wait_until(pilot, lambda: "检查通过" in status_text(app, "#results-status"), "the dry run")
        assert "成功 2 行,失败 1 行" in status_text(app, "#results-status")
        assert app.screen.applied is False
        await press(pilot, "ctrl+s")
        await wait_until(pilot, lambda: "已记录" in status_text(app, "#results-status"), "the results recorded")
        await press(pilot, "escape")
        assert isinstance(app.screen, RoundScreen)
        await wait_until(pilot, lambda: "实发 ¥1,180.00" in head_text(app), "the totals with the results")
        assert "失败 ¥590.00" in head_text(app) and "待发 ¥590.00" in head_text(app)
        assert ("赵敏", "failed", 59000) in lines_shown(app)
        assert "账户已注销" in screen_text(app)

        await press(pilot, "c", "ctrl+s")  # closed today: the cash line still due is paid
        await wait_until(pilot, lambda: _("pay.state.closed") in head_text(app), "the round closed")
        assert "实发 ¥1,770.00" in head_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, PaymentsScreen)
        await wait_until(pilot, lambda: "1,770.00" in screen_text(app), "the rounds list read again")
        row = compact(screen_text(app))
        assert compact("1 2026-06 城市低保 已结束 4 2,360.00 1,770.00 590.00") in row


# ---------------------------------------------------------------- refusals


async def test_a_bad_period_and_a_second_round_are_refused_naming_the_field_and_the_round(register: Built):
    from tui_register.storage.models import PaymentRound
    from tui_register.ui.forms.payments import NewRoundForm
    from tui_register.ui.screens.payments import RoundScreen

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        await new_round(pilot, "城市低保", "2026-13")
        form = app.screen
        assert isinstance(form, NewRoundForm)
        assert "无法识别的期间「2026-13」" in compact(screen_text(app))
        await press(pilot, "shift+tab")
        await type_text(pilot, "孤老")
        await press(pilot, "tab")
        assert compact(_("err.unknown_category")) in compact(screen_text(app))
        await press(pilot, "escape", "y")

        await new_round(pilot, "城市低保")
        assert isinstance(app.screen, RoundScreen)
        await press(pilot, "escape")
        await new_round(pilot, "城市低保,农村低保", "2026Q2")  # June is in the quarter
        assert isinstance(app.screen, NewRoundForm)
        shown = compact(screen_text(app))
        assert compact("城市低保 2026-06 已有发放批次 #1 2026-06 城市低保发放") in shown
        assert app.screen.values()["round_period"] == "2026Q2"  # nothing typed is lost
    assert PaymentRound.select().count() == 1


async def test_a_clerk_cannot_approve_and_a_supervisor_not_her_own_round(register: Built):
    from tui_register.storage.models import PaymentRound

    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        await new_round(pilot, "城市低保")
        await lines_drawn(pilot)
        await press(pilot, "a", "y")
        await wait_until(pilot, lambda: "是您制作的" in status_text(app), "the refusal")
        assert "需由另一位管理员审核" in status_text(app)

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        await press(pilot, "a", "y")
        await wait_until(pilot, lambda: _("storage.not_supervisor", user=BOB) in status_text(app), "the refusal")
        # A draft's amount is changed with a reason; the list and the totals follow.
        await press(pilot, "m")
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "400")
        await press(pilot, "tab")
        await type_text(pilot, "按新核定的补差")
        await press(pilot, "ctrl+s")
        await wait_until(pilot, lambda: "应发 ¥2,760.00" in head_text(app), "the new amount in the totals")
        await press(pilot, "enter")  # the line in full below the list
        assert compact("李秀英(人民路2号) 正常 2026-06 ¥400.00(原应发 ¥590.00)") in compact(status_text(app))
        assert "按新核定的补差" in status_text(app)
    assert PaymentRound.get().state == "draft"


async def test_keys_typed_ahead_act_on_the_round_they_were_typed_for(register: Built):
    """Enter, then `x`, a reason and Ctrl+S in one burst (a slow link): the round opens, and its
    first line (李秀英, by initials) is excluded with that reason, as if typed slowly."""
    from tui_register.storage.models import PaymentLine
    from tui_register.ui.screens.payments import RoundScreen

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        await new_round(pilot, "城市低保")
        await press(pilot, "escape")
        await burst(pilot, "enter", "x", "重", "复", "ctrl+s")
        assert isinstance(app.screen, RoundScreen)
        await wait_until(pilot, lambda: ("李秀英", "excluded", 59000) in lines_shown(app), "the line excluded")
    excluded = PaymentLine.select().where(PaymentLine.state == "excluded")
    assert [(line.recipient_name, line.reason) for line in excluded] == [("李秀英", "重复")]


async def test_a_search_typed_ahead_of_the_section_key_searches_the_round_not_the_households(register: Built):
    """From the household list, `6` Enter `/lxy` Enter in one burst: the Payments section opens,
    then the newest round, and `/` (a key every list binds before its widgets) searches the
    round's lines, as when typed slowly. It used to run on the household list while `6` was
    still waiting at the list, so the households were searched for lxy."""
    from tui_register.storage import payments
    from tui_register.ui.screens.payments import RoundScreen

    payments.create_round(BOB, ["urban_dibao"], "2026-06")
    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "6", "enter", "slash", "l", "x", "y", "enter")
        assert isinstance(app.screen, RoundScreen)
        await wait_until(pilot, lambda: lines_shown(app) == [("李秀英", "due", 59000)], "the search's one line")
        assert "lxy" in screen_text(app)


async def test_a_result_file_with_an_unknown_account_records_nothing_and_names_the_error_workbook(
        register: Built, tmp_path: Path):
    from tui_register.storage import payments
    from tui_register.storage.models import PaymentLine

    made = payments.create_round(BOB, ["urban_dibao"], "2026-06")
    payments.approve_round(ALICE, made.number)
    answer = bank_answer(tmp_path / "回盘.xlsx", [("李秀英", account_number(1), 590, "成功", ""),
                                                  ("外人", "6222029999999999999", 590, "成功", "")])
    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        await press(pilot, "o")
        await type_text(pilot, str(answer))
        await press(pilot, "ctrl+s")
        await wait_until(pilot, lambda: "未记录任何结果" in status_text(app, "#results-status"), "the refusal")
        errors = tmp_path / "回盘_errors.xlsx"
        assert errors.exists() and compact(str(errors)) in compact(status_text(app, "#results-status"))
        assert [row[-1] for row in data_rows(errors)] == [_("pay.results.unknown_account")]
        await press(pilot, "ctrl+s")  # not checked clean: checked again, never recorded
        await wait_until(pilot, lambda: "未记录任何结果" in status_text(app, "#results-status"), "the refusal")
        assert app.screen.applied is False
    assert {line.state for line in PaymentLine.select()} == {"due"}


async def test_a_supervisor_reveals_one_line_s_numbers_and_it_is_audited(register: Built):
    from tui_register.domain.ids import mask_id
    from tui_register.storage import payments
    from tui_register.storage.models import AuditEvent, Person

    payments.create_round(BOB, ["urban_dibao"], "2026-06")
    full_id = Person.get(Person.name == "李秀英").id_number
    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:  # a clerk: refused, nothing shown in full
        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        await press(pilot, "r")
        await wait_until(pilot, lambda: _("storage.not_supervisor", user=BOB) in status_text(app), "the refusal")
        assert account_number(1) not in screen_text(app) and full_id not in screen_text(app)
    assert AuditEvent.select().where(AuditEvent.action == "reveal_account").count() == 0

    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        await press(pilot, "enter")
        assert mask_id(full_id) in status_text(app) and full_id not in status_text(app)
        await press(pilot, "r")
        await wait_until(pilot, lambda: account_number(1) in status_text(app), "the account in full")
        assert full_id in status_text(app)
        assert account_number(1) not in str(app.screen.table.visible_text())  # the list stays masked
    audit = AuditEvent.get(AuditEvent.action == "reveal_account")
    assert (audit.user, audit.entity) == (ALICE, "payment_line") and "李秀英" in audit.detail


# ---------------------------------------------------------------- a household's payments


async def test_the_household_screen_lists_its_payments_at_80x24(register: Built):
    from tui_register.storage import payments

    made = payments.create_round(BOB, ["urban_dibao"], "2026-05")
    payments.approve_round(ALICE, made.number)
    line = next(line for line in _lines(made) if line.recipient_name == "赵敏")
    payments.mark_failed(ALICE, line.uuid, "户名不符")
    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "赵敏")
        await press(pilot, "enter", "enter")
        await wait_until(pilot, lambda: _("ui.payments") in screen_text(app), "the payments block")
        shown = compact(screen_text(app))
        assert compact("#1 2026-05 城市低保 正常 ¥590.00 失败 户名不符") in shown


def _lines(r):
    from tui_register.storage.models import PaymentLine

    return list(PaymentLine.select().where(PaymentLine.round == r))


# ---------------------------------------------------------------- keyset pages


def shown_numbers(app) -> list[int]:
    from tui_register.ui.screens.payments import RoundTable

    return [row.number for row in app.screen.query_one(RoundTable).page_rows]


async def test_the_rounds_list_reads_a_page_at_a_time_by_number(register: Built):
    from tui_register.storage import payments

    for i in range(50):  # 2022-01 … 2026-02
        payments.create_round(BOB, ["urban_dibao"], f"{2022 + i // 12}-{i % 12 + 1:02d}")
    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        first = shown_numbers(app)
        size = len(first)
        assert first == list(range(50, 50 - size, -1)) and 2 * size < 50
        await press(pilot, "pagedown")
        assert shown_numbers(app) == list(range(50 - size, 50 - 2 * size, -1))
        await press(pilot, "up")  # above the first row: the page before, the cursor on its last row
        assert shown_numbers(app) == first
        await press(pilot, "G")
        assert shown_numbers(app) == list(range(size, 0, -1))
        await press(pilot, "pageup")
        assert shown_numbers(app) == list(range(2 * size, size, -1))
        await press(pilot, "g")
        assert shown_numbers(app) == first
        assert "2026-02" in screen_text(app) and "2022-01" not in screen_text(app)


SURNAMES, GIVEN = "赵钱孙李周吴郑冯陈褚卫蒋沈韩杨朱", "伟芳娜"


async def test_a_round_s_lines_page_forward_and_back_in_the_order_of_the_list(register: Built):
    from tests.support.builder import RegisterBuilder as Builder
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payment_queries, payments
    from tui_register.storage.models import Place, database

    grid = Place.select().where(Place.level == "grid").get().uuid
    build = Builder(database.obj, ALICE)
    for i, (surname, given) in enumerate((s, g) for s in SURNAMES for g in GIVEN):
        home = build.household(grid, f"幸福路{i + 1}号", surname + given,
                               categories=[category("urban_dibao", start=date(2025, 1, 1))])
        payments.add_account(ALICE, validate(AccountIn, {"household": home.uuid, "kind": "cash"}))
    made = payments.create_round(BOB, ["urban_dibao"], "2026-06")
    every = [line.key for line in payment_queries.round_lines(made)]
    assert len(every) == 53

    def keys(app) -> list:
        from tui_register.ui.screens.payments import LineTable

        return [row.key for row in app.screen.query_one(LineTable).page_rows]

    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        size = len(keys(app))
        assert keys(app) == every[:size]
        await press(pilot, "pagedown", "pagedown")
        assert keys(app) == every[2 * size:3 * size]
        await press(pilot, "j", "x")  # a line on the third page excluded: the page and the cursor stay
        await type_text(pilot, "重复")
        await press(pilot, "ctrl+s")
        await wait_until(pilot, lambda: app.screen.table.current.state == "excluded", "the line excluded")
        assert keys(app) == every[2 * size:3 * size] and app.screen.table.current.key == every[2 * size + 1]
        await press(pilot, "up", "up")  # to the first row, then above it: the page before
        assert keys(app) == every[size:2 * size] and app.screen.table.current.key == every[2 * size - 1]
        await press(pilot, "pageup")
        assert keys(app) == every[:size]
        await press(pilot, "G")  # read forward to the end: the last page
        assert keys(app) == every[-size:]
        await press(pilot, "pageup")  # no page start noted there: read on from the nearest one
        assert keys(app) == every[-2 * size:-size]
        await press(pilot, "slash")
        await type_text(pilot, "zw")  # by their initials, in the order entered
        await press(pilot, "enter")
        assert [row.recipient for row in app.screen.table.page_rows] == ["赵伟", "周伟", "郑伟", "朱伟"]


# ---------------------------------------------------------------- what it looks like

MESSAGE_KEY = re.compile(r"\b(?:ui|key|field|section|err|storage|pay|payment)\.[a-z_.]+")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_every_payments_screen_speaks_the_language_at_80x24(register: Built, language: str):
    """6 / F7 from anywhere; the rounds, a round, its forms, the results screen and the help:
    words of the interface language, no message keys, the footer's last key (q) on screen."""
    from tui_register.storage import payments
    from tui_register.ui.forms.payments import PaymentForm
    from tui_register.ui.screens.dialogs import HelpScreen

    payments.create_round(BOB, ["urban_dibao"], "2026-06")
    app = make_app(register.path, ALICE, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "6" if language == "zh_CN" else "f7")
        assert app.current_mode == "payments"
        seen = [screen_text(app)]
        await press(pilot, "enter")
        await lines_drawn(pilot)
        seen.append(screen_text(app))
        assert _("key.quit") in seen[-1].splitlines()[-1]  # the footer fits in 80 columns
        for key in ("x", "m", "f", "p", "c"):
            await press(pilot, key)
            assert isinstance(app.screen, PaymentForm), key
            seen.append(screen_text(app))
            await press(pilot, "escape")
        await press(pilot, "o")
        seen.append(screen_text(app))
        await press(pilot, "escape", "f1")
        assert isinstance(app.screen, HelpScreen)
        seen.append(screen_text(app))
    for text in seen:
        assert not MESSAGE_KEY.search(text), MESSAGE_KEY.search(text)
    assert _("section.payments") in seen[0] and _("pay.ui.col_due") in seen[0]
    assert compact(_("pay.ui.results_title", round="#1 2026-06 城市低保发放")) in compact(seen[-2])



def test_a_round_snapshot(register: Built, snap_compare, monkeypatch):
    from tui_register.storage import payments

    monkeypatch.delenv("NO_COLOR", raising=False)
    payments.create_round(BOB, ["urban_dibao"], "2026-06", pay_date=date(2026, 6, 28))

    async def open_round(pilot) -> None:
        from tui_register.ui.widgets.app_header import AppHeader

        await settle(pilot)
        await press(pilot, "6", "enter")
        await lines_drawn(pilot)
        # The header's sync count is read a moment after a screen opens: wait for it too.
        app = pilot.app
        await wait_until(pilot, lambda: app.screen.query_one(AppHeader).pending is not None, "the sync count")
        await settle(pilot)

    assert snap_compare(make_app(register.path, ALICE), terminal_size=SIZE, run_before=open_round)
