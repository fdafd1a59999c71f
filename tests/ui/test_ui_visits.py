"""Pilot tests of the visit register: visits, festival campaigns, voiding, the due list.

Every test drives the real app with keys at 80x24 on a private copy of a small demo register
(200 generated households plus the few of `tests.support.visits`), with today fixed at 2026-06-30,
and checks both what the screen shows and what the database holds afterwards.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.support.ui import (
    ALICE,
    SIZE,
    TODAY,
    TWO_CHAR_NAME,
    compact,
    copy_register,
    press,
    screen_text,
    settle,
    toast_texts,
    wait_until,
)
from tests.support.visits import (
    SIMA,
    TARGET_CATEGORY,
    TARGET_VILLAGE,
    WEI,
    WEI_LAST_VISIT,
    YUE,
    VisitRegister,
    make_visit_app,
    type_chars,
)

pytestmark = pytest.mark.timeout(60)


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def built(ui_visit_register: VisitRegister) -> VisitRegister:
    """The register `register` copies for each test (tests/ui/conftest.py)."""
    return ui_visit_register


# ---------------------------------------------------------------- small steps


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


def field_label(key: str) -> str:
    from tui_register.ui.text import field_label as label

    return label(key)


def money(fen: int) -> str:
    from tui_register.domain.fields import format_money

    return format_money(fen)


def log_rows(uuid: str) -> list[tuple[str, str, str, int]]:
    from tui_register.storage.models import ChangeLog

    return [(r.entity, r.op, r.user, r.version)
            for r in ChangeLog.select().where(ChangeLog.uuid == uuid).order_by(ChangeLog.seq)]


def sql(query: str, *params) -> list[tuple]:
    from tui_register.storage.models import database

    return database.execute_sql(query, params).fetchall()


def lines(app) -> list[str]:
    return screen_text(app).splitlines()


async def clear_notices(pilot) -> None:
    """Take the toasts off the screen (they cover the status line's right end)."""
    pilot.app.clear_notifications()
    await settle(pilot)


async def choose(pilot, typed: str) -> None:
    """In a select field: open the list, type part of a choice (type-ahead), Enter takes it."""
    await press(pilot, "enter")
    await type_chars(pilot, typed)
    await press(pilot, "enter")


async def replace_text(pilot, text: str) -> None:
    """Empty the focused text field and type `text`."""
    await press(pilot, "end", "ctrl+u")
    await type_chars(pilot, text)


async def open_household(pilot, query: str) -> None:
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    await press(pilot, "1", "slash")
    await type_chars(pilot, query)
    await press(pilot, "enter", "enter")
    assert isinstance(pilot.app.screen, HouseholdDetailScreen)
    await wait_until(pilot, lambda: pilot.app.screen.detail is not None, "the household")


def visit_table(app):
    from tui_register.ui.widgets.visit_tables import VisitTable

    return app.screen.query_one(VisitTable)


def totals_text(visits: int, households: int, cash_fen: int) -> str:
    return _("ui.visit_totals", visits=f"{visits:,}", households=f"{households:,}", cash=money(cash_fen))


def shown_totals(app) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#visit-totals", Static).render())


def db_totals(where: str = "1", *params) -> tuple[int, int, int]:
    """人次, households and cash of the valid visits matching `where` (read straight from SQL)."""
    [row] = sql("SELECT count(*), count(DISTINCT household_id), coalesce(sum(cash_fen), 0) FROM visit "
                f"WHERE status = 'valid' AND ({where})", *params)
    return row


async def totals_become(pilot, expected: str, timeout: float = 5.0) -> None:
    """The visit list's totals line (it follows the list after a short pause) reads `expected`."""
    await wait_until(pilot, lambda: shown_totals(pilot.app) == expected,
                     f"the totals {expected!r} (shown: {shown_totals(pilot.app)!r})", timeout=timeout)
    assert compact(expected) in compact(screen_text(pilot.app))


async def due_rows(pilot) -> list[str]:
    """Every row of the due list as the screen shows it, page by page (PgDn to the end)."""
    from tui_register.ui.widgets.visit_tables import DueTable

    app = pilot.app
    table = app.screen.query_one(DueTable)
    await wait_until(pilot, lambda: str(app.screen.query_one("#due-totals").render()).strip() != "",
                     "the due list")
    shown: list[str] = []
    for _page in range(100):
        first = lines(app).index(next(line for line in lines(app)
                                      if _("ui.col_due") in line and _("ui.col_head") in line))
        shown += [line[2:] for line in lines(app)[first + 1:first + 1 + len(table.page_rows)]]
        last = table.page_rows[-1] if table.page_rows else None
        await press(pilot, "pagedown")
        if not table.page_rows or table.page_rows[-1] is last:
            assert len(shown) == len(table.items)
            return shown
    raise AssertionError("the due list did not end")


def due_line(rows: list[str], name: str) -> str | None:
    found = [row for row in rows if name in row]
    assert len(found) <= 1, found
    return found[0] if found else None


# ---------------------------------------------------------------- 1. a visit from a household


async def test_log_a_visit_from_a_household(register: VisitRegister):
    from tui_register.storage.models import Household, Visit
    from tui_register.ui.forms.visit import VisitForm
    from tui_register.ui.screens.due import DueScreen
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen
    from tui_register.ui.screens.visits import VisitsScreen

    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, "ny")
        assert app.screen.uuid == register.two_char_uuid
        await press(pilot, "v")
        form = app.screen
        assert isinstance(form, VisitForm)
        assert form.values()["visitors"] == ""  # nobody remembered yet

        await replace_text(pilot, "t")  # today
        await press(pilot, "tab")
        assert form.values()["visit_date"] == "2026-06-30"  # written out as the field is left
        await type_chars(pilot, "张三,李四")
        await press(pilot, "tab")
        await choose(pilot, "帮扶")  # type-ahead in the purpose list: 帮扶解困
        assert form.values()["purpose"] == "help"
        await press(pilot, "tab")
        for value in ("200", "大米", "屋顶漏雨", "联系维修房屋", "2026-07-05"):
            await type_chars(pilot, value)
            await press(pilot, "tab")
        text = compact(screen_text(app))
        assert "帮扶解困" in text and "联系维修房屋" in text and "2026-07-05" in text
        await press(pilot, "ctrl+s")

        # Saved: back on the household, whose recent visits and open follow-ups show it.
        assert isinstance(app.screen, HouseholdDetailScreen)
        await wait_until(pilot, lambda: app.screen.detail is not None and app.screen.detail.visits, "the visit")
        household = Household.get(Household.uuid == register.two_char_uuid)
        [visit] = Visit.select().where(Visit.household == household)
        assert (visit.visit_date, visit.visitors, visit.purpose, visit.cash_fen, visit.goods, visit.findings,
                visit.follow_up, visit.follow_up_due, visit.follow_up_done, visit.campaign, visit.status,
                visit.created_by) == (
            TODAY, "张三、李四", "help", 20000, "大米", "屋顶漏雨", "联系维修房屋", date(2026, 7, 5), None, None,
            "valid", ALICE)
        assert log_rows(visit.uuid) == [("visit", "create", ALICE, 1)]
        assert household.last_visit == TODAY
        text = compact(screen_text(app))
        assert compact(_("ui.recent_visits") + "2026-06-30 帮扶解困 张三、李四 ¥200.00 大米") in text
        assert compact(_("ui.open_follow_ups") + "2026-07-05 联系维修房屋") in text

        # The visitors are remembered: the next visit form has them, and they are suggested.
        await press(pilot, "v")
        form = app.screen
        assert isinstance(form, VisitForm)
        assert form.values()["visitors"] == "张三、李四"
        assert compact(field_label("field.visit.visitors") + "张三、李四") in compact(screen_text(app))
        await press(pilot, "tab")
        await replace_text(pilot, "李")
        await press(pilot, "right")  # takes the suggestion
        assert form.values()["visitors"] == "李四"
        await press(pilot, "escape", "y")  # leave it unsaved
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert Visit.select().where(Visit.household == household).count() == 1

        # The visit list: newest first, so on top.
        await press(pilot, "2")
        assert isinstance(app.screen, VisitsScreen)
        await totals_become(pilot, totals_text(*db_totals()))
        assert visit_table(app).page_rows[0].uuid == visit.uuid
        top = compact(lines(app)[3])
        assert top.startswith(">2026-06-30" + TWO_CHAR_NAME) and "帮扶解困¥200.00张三、李四" in top

        # The due list: the follow-up, due in five days (not overdue).
        await press(pilot, "d")
        assert isinstance(app.screen, DueScreen)
        row = due_line(await due_rows(pilot), TWO_CHAR_NAME)
        assert row is not None, "the follow-up is not on the due list"
        assert compact(row) == compact(f"2026-07-05 {TWO_CHAR_NAME} 东关社区 {_('due.follow_up')} 联系维修房屋")
        assert _("ui.overdue_mark") not in row


async def remembered_completion(pilot, form, field: str, typed: str) -> str:
    """What the field holds after typing `typed` and taking the offered entry with Right."""
    form.query_one(f"#f-{field}").focus()
    await replace_text(pilot, typed)
    await press(pilot, "right")
    return form.values()[field]


async def test_two_apps_in_one_process_do_not_share_remembered_choices(built: VisitRegister,
                                                                        register: VisitRegister, tmp_path: Path):
    """The visitors and goods one app remembers are its own: a second app on another
    register, started in the same process, neither fills them in nor offers them."""
    from tui_register.ui.forms.visit import VisitForm
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    first = make_visit_app(register.path)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, "ny")
        await press(pilot, "v", "tab")
        await type_chars(pilot, "奚梦溪")
        await press(pilot, "tab", "tab", "tab")
        await type_chars(pilot, "桂花糕")
        await press(pilot, "ctrl+s")
        await wait_until(pilot, lambda: isinstance(first.screen, HouseholdDetailScreen), "the saved visit")
        await press(pilot, "v")
        form = first.screen
        assert isinstance(form, VisitForm) and form.values()["visitors"] == "奚梦溪"
        assert await remembered_completion(pilot, form, "goods", "桂") == "桂花糕"
        assert await remembered_completion(pilot, form, "visitors", "奚") == "奚梦溪"

    other = copy_register(built.path, tmp_path / "other.db")
    second = make_visit_app(other)
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, "ny")
        await press(pilot, "v")
        form = second.screen
        assert isinstance(form, VisitForm) and form.values()["visitors"] == ""
        assert await remembered_completion(pilot, form, "goods", "桂") == "桂"
        assert await remembered_completion(pilot, form, "visitors", "奚") == "奚"
        assert await remembered_completion(pilot, form, "goods", "大") == "大米"  # the defaults stay


async def test_the_visit_list_shows_a_visit_logged_since_it_was_opened(register: VisitRegister):
    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        before = db_totals()
        await totals_become(pilot, totals_text(*before))
        # To the households, a visit to 聂芸, back to the visits.
        await open_household(pilot, "ny")
        await press(pilot, "v", "tab")
        await type_chars(pilot, "张三")
        await press(pilot, "ctrl+s")
        await press(pilot, "2")
        after = db_totals()
        assert after[0] == before[0] + 1
        await totals_become(pilot, totals_text(*after), timeout=1.5)
        assert visit_table(app).page_rows[0].head_name == TWO_CHAR_NAME


# ---------------------------------------------------------------- 2. a campaign


def expected_targets() -> set[str]:
    """Active households with an active 退役军人 membership under 西关社区 (from the memberships,
    not from the household's derived category column)."""
    return {u for (u,) in sql(
        "SELECT DISTINCT h.uuid FROM household h JOIN membership m ON m.household_id = h.id "
        "WHERE h.status = 'active' AND m.status = 'active' AND m.category = ? "
        "AND (h.place_path = ? OR h.place_path LIKE ?)",
        TARGET_CATEGORY, f"城关街道/{TARGET_VILLAGE}", f"城关街道/{TARGET_VILLAGE}/%")}


def target_table(app):
    from tui_register.ui.widgets.visit_tables import TargetTable

    return app.screen.query_one(TargetTable)


def progress_text(visited: int, targets: int, cash_fen: int, budget_fen: int) -> str:
    return _("ui.campaign_progress", visited=visited, targets=targets, cash=money(cash_fen), budget=money(budget_fen))


def shown_progress(app) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#progress", Static).render())


def checklist_line(app, household_uuid: str) -> str:
    """The checklist's line for a household, as the screen shows it."""
    rows = target_table(app).page_rows
    index = next(i for i, row in enumerate(rows) if row.household_uuid == household_uuid)
    header = next(i for i, line in enumerate(lines(app)) if _("ui.col_done") in line and _("ui.col_head") in line)
    return lines(app)[header + 1 + index]


def campaign_visits(campaign, household_uuid: str):
    from tui_register.storage.models import Household, Visit

    return list(Visit.select().join(Household).where((Visit.campaign == campaign)
                                                     & (Household.uuid == household_uuid)))


async def test_create_a_campaign_from_a_filter_and_work_it(register: VisitRegister):
    from tui_register.storage.models import Campaign, CampaignTarget, Household
    from tui_register.ui.forms.campaign import CampaignForm
    from tui_register.ui.forms.visit import VisitForm
    from tui_register.ui.screens.campaigns import CampaignsScreen, ChecklistScreen

    targets = expected_targets()
    n = len(targets)
    assert register.sima_uuid in targets and n >= 5
    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "2", "c")
        assert isinstance(app.screen, CampaignsScreen)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, CampaignForm)
        await type_chars(pilot, "2026年八一走访慰问")
        await press(pilot, "tab")
        await replace_text(pilot, "t")
        await press(pilot, "tab")
        await type_chars(pilot, "2026-08-05")
        await press(pilot, "tab")
        await choose(pilot, "节日")
        await press(pilot, "tab")
        for value in ("王敏、李强", "300", "大米、食用油", "10000"):
            await type_chars(pilot, value)
            await press(pilot, "tab")
        await choose(pilot, "退役军人")
        await press(pilot, "tab")
        await choose(pilot, TARGET_VILLAGE)
        values = form.values()
        assert (values["start_date"], values["purpose"], values["target_category"]) == (
            "2026-06-30", "festival", TARGET_CATEGORY)
        assert compact(f"城关街道 / {TARGET_VILLAGE}") in compact(screen_text(app))
        await press(pilot, "ctrl+s")

        # The list of campaigns: the new one first (the latest start), nobody visited yet.
        assert isinstance(app.screen, CampaignsScreen)
        await clear_notices(pilot)
        campaign = Campaign.get(Campaign.name == "2026年八一走访慰问")
        assert (campaign.start_date, campaign.end_date, campaign.purpose, campaign.visitors,
                campaign.default_cash_fen, campaign.default_goods, campaign.budget_fen) == (
            TODAY, date(2026, 8, 5), "festival", "王敏、李强", 30000, "大米、食用油", 1000000)
        listed = {t.household.uuid for t in CampaignTarget.select().join(Household)
                  .where(CampaignTarget.campaign == campaign)}
        assert listed == targets
        assert log_rows(campaign.uuid) == [("campaign", "create", ALICE, 1)]
        first_line = compact(lines(app)[3])
        assert first_line.startswith(">2026年八一走访慰问2026-06-30~2026-08-05" + f"0/{n}")

        # Its checklist.
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistScreen)
        table = target_table(app)
        shown = {row.household_uuid for row in table.page_rows}
        assert shown <= targets and len(shown) == min(n, table.page_size)  # the first page
        assert all(row.visit_date is None for row in table.page_rows)
        assert progress_text(0, n, 0, 1000000) in screen_text(app)

        # Space: visited with the campaign's defaults; the cursor moves on.
        first, second = table.page_rows[0], table.page_rows[1]
        await press(pilot, "space")
        assert table.cursor_row == 1
        line = compact(checklist_line(app, first.household_uuid))
        assert line.startswith("[x]" + first.head_name) and line.endswith("¥300.002026-06-30")
        assert shown_progress(app) == progress_text(1, n, 30000, 1000000)
        await clear_notices(pilot)
        assert progress_text(1, n, 30000, 1000000) in screen_text(app)
        [visit] = campaign_visits(campaign, first.household_uuid)
        assert (visit.visit_date, visit.purpose, visit.visitors, visit.cash_fen, visit.goods, visit.status) == (
            TODAY, "festival", "王敏、李强", 30000, "大米、食用油", "valid")
        assert log_rows(visit.uuid) == [("visit", "create", ALICE, 1)]

        # `e` on the next household: the visit form with the campaign's defaults; another amount.
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, VisitForm)
        assert form.values() == {"visit_date": "2026-06-30", "visitors": "王敏、李强", "purpose": "festival",
                                 "cash": "300.00", "goods": "大米、食用油", "findings": "", "follow_up": "",
                                 "follow_up_due": "", "outcome": "visited", "collector": ""}
        await press(pilot, "tab", "tab", "tab")
        assert app.focused.id == "f-cash"
        await replace_text(pilot, "500")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        await wait_until(pilot, lambda: shown_progress(app) == progress_text(2, n, 80000, 1000000), "2 visited")
        await clear_notices(pilot)
        line = compact(checklist_line(app, second.household_uuid))
        assert line.startswith("[x]" + second.head_name) and line.endswith("¥500.002026-06-30")
        assert progress_text(2, n, 80000, 1000000) in screen_text(app)
        [exception] = campaign_visits(campaign, second.household_uuid)
        assert (exception.cash_fen, exception.purpose, exception.goods) == (50000, "festival", "大米、食用油")
        assert log_rows(exception.uuid) == [("visit", "create", ALICE, 1)]

        # Space on a household already visited: said so, not recorded again.
        await press(pilot, "g")
        assert table.current.household_uuid == first.household_uuid
        await press(pilot, "space")
        assert _("ui.already_visited", date="2026-06-30") in toast_texts(app)
        assert len(campaign_visits(campaign, first.household_uuid)) == 1
        assert shown_progress(app) == progress_text(2, n, 80000, 1000000)

        # The checklist is searchable like the household list: / and pinyin initials.
        await press(pilot, "slash")
        await type_chars(pilot, "smg")
        assert [row.head_name for row in table.page_rows] == [SIMA]
        text = screen_text(app)
        assert SIMA in text and first.head_name not in text


async def open_snap_checklist(pilot, down: int) -> None:
    """The prepared campaign (2026年七一走访慰问, two of its households visited), the cursor
    `down` rows from the top."""
    from tui_register.ui.screens.campaigns import ChecklistScreen

    await press(pilot, "2", "c", "enter")
    assert isinstance(pilot.app.screen, ChecklistScreen)
    await press(pilot, *["down"] * down)


async def test_two_spaces_in_one_burst_mark_two_households(register: VisitRegister):
    from tui_register.storage.models import Campaign

    campaign = Campaign.get(Campaign.uuid == register.snap_campaign_uuid)
    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_snap_checklist(pilot, 2)
        table = target_table(app)
        one, two = table.page_rows[2], table.page_rows[3]
        assert one.visit_date is None and two.visit_date is None
        n = len(table.page_rows)
        await type_chars(pilot, "  ")  # a fast typist, key repeat, or a slow link: one read
        assert [len(campaign_visits(campaign, row.household_uuid)) for row in (one, two)] == [1, 1]
        assert checklist_line(app, two.household_uuid).lstrip().startswith("[x]")
        assert shown_progress(app) == progress_text(4, n, 120000, 600000)


async def test_after_an_exception_the_cursor_stays_in_place(register: VisitRegister):
    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_snap_checklist(pilot, 3)
        table = target_table(app)
        row = table.current
        await press(pilot, "e", "tab", "tab", "tab")
        await replace_text(pilot, "0")  # not at home: nothing given
        await press(pilot, "ctrl+s")
        await settle(pilot)
        # On the household just entered, or on the next one (as after Space); not back at the top.
        assert table.cursor_row in (3, 4)
        assert table.page_rows[3].household_uuid == row.household_uuid
        assert table.page_rows[3].visit_date == TODAY


# ---------------------------------------------------------------- 3. voiding a visit


async def test_void_a_visit_and_see_the_totals_change(register: VisitRegister):
    from tui_register.storage.models import Household, Visit
    from tui_register.ui.forms.visit import VoidVisitForm
    from tui_register.ui.widgets.household_table import HouseholdTable

    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        visits, households, cash = db_totals()
        await totals_become(pilot, totals_text(visits, households, cash))

        # Down to the first visit with cash that is its household's latest.
        table = visit_table(app)
        above: set[str] = set()
        while not (table.current.cash_fen and table.current.household_uuid not in above):
            above.add(table.current.household_uuid)
            await press(pilot, "down")
        row = table.current
        latest = sql("SELECT max(v.visit_date) FROM visit v JOIN household h ON h.id = v.household_id "
                     "WHERE h.uuid = ? AND v.status = 'valid'", row.household_uuid)[0][0]
        earlier = sql("SELECT max(v.visit_date) FROM visit v JOIN household h ON h.id = v.household_id "
                      "WHERE h.uuid = ? AND v.status = 'valid' AND v.id != ?", row.household_uuid, row.id)[0][0]
        assert latest == row.visit_date.isoformat() and earlier is not None and earlier < latest
        assert money(row.cash_fen) in lines(app)[3 + table.cursor_row]

        await press(pilot, "x")
        assert isinstance(app.screen, VoidVisitForm)
        await type_chars(pilot, "重复录入")
        await press(pilot, "ctrl+s")

        # The totals drop by one visit and its cash; the visit is no longer listed.
        await clear_notices(pilot)
        after_households = db_totals()[1]
        await totals_become(pilot, totals_text(visits - 1, after_households, cash - row.cash_fen))
        assert row.uuid not in {r.uuid for r in table.page_rows}
        # Kept on record, voided with the reason.
        voided = Visit.get(Visit.uuid == row.uuid)
        assert (voided.status, voided.status_reason, voided.version, voided.cash_fen) == (
            "voided", "重复录入", 2, row.cash_fen)
        assert log_rows(row.uuid) == [("visit", "create", ALICE, 1), ("visit", "status", ALICE, 2)]
        # Out of the household's last visit: the one before it counts now.
        household = Household.get(Household.uuid == row.household_uuid)
        assert household.last_visit.isoformat() == earlier

        # The household list says so; the household shows the visit as voided.
        await press(pilot, "1", "slash")
        await type_chars(pilot, row.head_name)
        listed = app.screen.query_one(HouseholdTable).page_rows
        index = next(i for i, r in enumerate(listed) if r.uuid == row.household_uuid)
        assert listed[index].last_visit.isoformat() == earlier
        header = next(i for i, line in enumerate(lines(app))
                      if _("ui.col_last_visit") in line and _("ui.col_head") in line)
        assert lines(app)[header + 1 + index].rstrip().endswith(earlier)
        await press(pilot, "enter", *["down"] * index, "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None, "the household")
        assert app.screen.uuid == row.household_uuid
        assert compact(f"{row.visit_date.isoformat()} {_('purpose.' + row.purpose)} {row.visitors} "
                       f"{money(row.cash_fen)} {row.goods} {_('ui.voided_mark')}") in compact(screen_text(app))


# ---------------------------------------------------------------- 4. the due list and the interval


def youfu_due(days: int) -> set[str]:
    """Households the configured 优抚 interval makes due by today + 7 days, from the visits and
    memberships themselves: the last valid visit (or, never visited, the membership's start)
    plus the interval."""
    if days == 0:
        return set()
    horizon = TODAY + timedelta(days=7)
    rows = sql(
        "SELECT h.uuid, (SELECT max(v.visit_date) FROM visit v WHERE v.household_id = h.id "
        "  AND v.status = 'valid'), min(m.start_date) "
        "FROM household h JOIN membership m ON m.household_id = h.id JOIN category c ON c.code = m.category "
        "WHERE h.status = 'active' AND m.status = 'active' AND c.\"group\" = 'youfu' GROUP BY h.id")
    return {uuid for uuid, last, start in rows
            if date.fromisoformat(last or start) + timedelta(days=days) <= horizon}


def periodic_uuids(app) -> set[str]:
    from tui_register.ui.widgets.visit_tables import DueTable

    return {item.household_uuid for item in app.screen.query_one(DueTable).items if item.kind == "periodic"}


async def due_list_with(path: Path, youfu: int, language: str = "zh_CN",
                        **intervals: int) -> tuple[set[str], list[str], str]:
    """Start the app with `[visit_intervals] youfu = N` (and any other `intervals`), open the
    due list (2, d): the periodic visits' households, every row shown, and the totals line."""
    from textual.widgets import Static

    from tui_register.ui.screens.due import DueScreen

    app = make_visit_app(path, intervals={"youfu": youfu, **intervals}, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.settings.visit_intervals["youfu"] == youfu
        await press(pilot, "2", "d")
        assert isinstance(app.screen, DueScreen)
        rows = await due_rows(pilot)
        return periodic_uuids(app), rows, str(app.screen.query_one("#due-totals", Static).render())


def assert_overdue_in_words(rows: list[str], mark: str) -> None:
    """Every row due before today says so in words in its own column; the others do not."""
    overdue = [row for row in rows if date.fromisoformat(row[:10]) < TODAY]
    assert overdue and len(overdue) < len(rows)
    for row in rows:
        assert (row.split()[1] == mark) == (date.fromisoformat(row[:10]) < TODAY), row


async def test_the_due_list_follows_the_configured_interval(register: VisitRegister):
    periodic = _("due.periodic")
    veteran = "退役军人"

    # 优抚 every 90 days (the default, here set in the file): 卫国强 (last visit 2026-03-15) is due.
    at_90, rows_90, totals_90 = await due_list_with(register.path, 90)
    expected = youfu_due(90)
    assert at_90 == expected and register.wei_uuid in at_90 and register.yue_uuid not in at_90
    wei = due_line(rows_90, WEI)
    assert compact(wei) == compact(f"{WEI_LAST_VISIT + timedelta(days=90)} {_('ui.overdue_mark')} {WEI} "
                                   f"东关社区 {periodic} {veteran}")
    assert due_line(rows_90, YUE) is None
    shown_youfu = [row for row in rows_90 if periodic in row]
    assert len(shown_youfu) == len(at_90)
    assert_overdue_in_words(rows_90, _("ui.overdue_mark"))
    others = sum(1 for row in rows_90 if _("due.data_check") in row)
    assert compact(_("ui.due_totals", follow_ups=len(rows_90) - len(at_90) - others,
                     periodic=len(at_90) + others,
                     overdue=sum(1 for row in rows_90 if _("ui.overdue_mark") in row))) == compact(totals_90)

    # Every ten years (the most allowed), or never: they leave the list; nothing else changes.
    for days in (3650, 0):
        now, rows, _totals = await due_list_with(register.path, days)
        assert now == set(), days
        assert due_line(rows, WEI) is None and not any(periodic in row for row in rows)
        assert len(rows) == len(rows_90) - len(at_90)
        assert sorted(rows) == sorted(row for row in rows_90 if periodic not in row)

    # Every 30 days: more households, 岳建军 (last visit 2026-05-01) among them.
    at_30, rows_30, _totals = await due_list_with(register.path, 30)
    assert at_30 == youfu_due(30) and at_30 > at_90 and register.yue_uuid in at_30
    assert compact(due_line(rows_30, YUE)) == compact(
        f"2026-05-31 {_('ui.overdue_mark')} {YUE} 东关社区 {periodic} {veteran}")
    assert compact(due_line(rows_30, WEI)).startswith(compact(f"2026-04-14 {_('ui.overdue_mark')} {WEI}"))


async def test_overdue_rows_say_so_in_english_too(register: VisitRegister):
    at_30, rows, _totals = await due_list_with(register.path, 30, language="en")
    assert register.wei_uuid in at_30
    assert_overdue_in_words(rows, "LATE")
    assert compact(due_line(rows, WEI)).startswith(compact(f"2026-04-14 LATE {WEI}"))


async def test_the_due_row_names_the_category_whose_interval_applies(register: VisitRegister):
    from tui_register.domain.records import MembershipIn, validate
    from tui_register.storage.households import add_membership
    from tui_register.storage.models import Household, Person

    # 卫国强 (a veteran, last visit 2026-03-15) is an orphan too; 优抚 every 30 days, 其他 every 365.
    head = Person.get_by_id(Household.get(Household.uuid == register.wei_uuid).head_id)
    add_membership(ALICE, validate(MembershipIn, {"category": "orphan", "person": head.uuid,
                                                  "start_date": "2024-01-01"}, today=TODAY))
    _at, rows, _totals = await due_list_with(register.path, 30, other=365)
    # Due 30 days after the last visit: the veteran's interval, so 退役军人 is what requires it.
    assert compact(due_line(rows, WEI)) == compact(
        f"2026-04-14 {_('ui.overdue_mark')} {WEI} 东关社区 {_('due.periodic')} 退役军人")


# ---------------------------------------------------------------- 5. filtering the visits


async def test_filter_the_visits_by_dates_and_purpose(register: VisitRegister):
    from textual.widgets import Static

    from tui_register.ui.screens.visits import VisitFilterScreen

    app = make_visit_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        everything = db_totals()
        await totals_become(pilot, totals_text(*everything))

        # January 2026 only.
        await press(pilot, "f")
        assert isinstance(app.screen, VisitFilterScreen)
        await type_chars(pilot, "2026-01-01")
        await press(pilot, "tab")
        await type_chars(pilot, "2026-01-31")
        await press(pilot, "ctrl+s")
        january = db_totals("visit_date BETWEEN '2026-01-01' AND '2026-01-31'")
        assert 0 < january[0] < everything[0]
        await totals_become(pilot, totals_text(*january))
        assert str(app.screen.query_one("#visit-filter", Static).render()) == _(
            "ui.visits_period", start="2026-01-01", end="2026-01-31")
        rows = visit_table(app).page_rows
        assert rows and all(date(2026, 1, 1) <= r.visit_date <= date(2026, 1, 31) for r in rows)

        # And festival visits only: fewer visits, the cash is theirs.
        await press(pilot, "f")
        assert app.focused.value == "2026-01-01"  # the filter as it was
        await press(pilot, "tab", "tab")
        await choose(pilot, "节日")
        await press(pilot, "ctrl+s")
        festival = db_totals("visit_date BETWEEN '2026-01-01' AND '2026-01-31' AND purpose = 'festival'")
        assert 0 < festival[0] < january[0] and 0 < festival[2] <= january[2]
        await totals_become(pilot, totals_text(*festival))
        assert compact(_("ui.visits_period", start="2026-01-01", end="2026-01-31") + " | "
                       + _("purpose.festival")) == compact(lines(app)[1])
        rows = visit_table(app).page_rows
        assert rows and all(r.purpose == "festival" and r.visit_date.month == 1 for r in rows)
        shown = lines(app)[3:3 + len(rows)]
        assert all(_("purpose.festival") in line and "2026-01-" in line for line in shown)
        assert not any(_("purpose.routine") in line for line in shown)
