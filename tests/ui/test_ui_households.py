"""Pilot tests of the household register: search, forms, conflicts, audit, quitting, language.

Every test drives the real app with keys at 80x24 on a private copy of a small demo
register (300 generated households plus a few the tests look for by name), and checks both
what the screen shows and what the database holds afterwards.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.ui import (
    ALICE,
    BOB,
    ESCAPE_ADDRESS,
    ESCAPE_NAME,
    ID_HOLDER_NAME,
    MARKUP_ADDRESS,
    MARKUP_NAME,
    OFFICE,
    SIZE,
    STRANGER,
    TODAY,
    TWO_CHAR_ADDRESS,
    TWO_CHAR_NAME,
    Register,
    compact,
    make_app,
    press,
    resident_id,
    screen_segments,
    screen_text,
    settle,
    toast_texts,
    type_text,
    wait_until,
)

pytestmark = pytest.mark.timeout(60)


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def built(ui_register: Register) -> Register:
    """The register `register` copies for each test (tests/ui/conftest.py)."""
    return ui_register


def record_notifications(app) -> list[str]:
    """Collect the texts of the app's notices (toasts) from the start."""
    seen: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append(str(message))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


# ---------------------------------------------------------------- small steps


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


def table_of(app):
    from tui_register.ui.widgets.household_table import HouseholdTable

    return app.screen.query_one(HouseholdTable)


def names(app) -> list[str]:
    return [row.head_name for row in table_of(app).page_rows]


async def search(pilot, text: str) -> None:
    await press(pilot, "slash")
    await type_text(pilot, text)


async def open_household(pilot, query: str, uuid: str | None = None) -> None:
    """Find a household by search, Enter to the list, Enter to open it."""
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    await search(pilot, query)
    await press(pilot, "enter", "enter")
    assert isinstance(pilot.app.screen, HouseholdDetailScreen)
    if uuid is not None:
        assert pilot.app.screen.uuid == uuid


async def clear_field(pilot) -> None:
    """Empty the focused text field."""
    await press(pilot, "end", "ctrl+u")


def field_error(app, name: str) -> str:
    """The problem shown under a form field ('' when none is shown)."""
    from textual.widgets import Static

    line = app.screen.query_one(f"#err-{name}", Static)
    return str(line.render()) if line.has_class("-shown") else ""


def list_lines(app) -> list[str]:
    """The list's lines on screen: its header line first, then one line per row."""
    lines = screen_text(app).splitlines()
    return lines[2:2 + 1 + len(table_of(app).page_rows)]


def household(uuid: str):
    from tui_register.storage.models import Household

    return Household.get(Household.uuid == uuid)


def log_rows(uuid: str) -> list[tuple[str, str, int]]:
    from tui_register.storage.models import ChangeLog

    return [(r.op, r.user, r.version) for r in
            ChangeLog.select().where(ChangeLog.uuid == uuid).order_by(ChangeLog.seq)]


def id_ending_x(birth: date) -> str:
    for seq in range(1000):
        number = resident_id(birth, seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID with check character X")


def with_wrong_check(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def shown_households(app) -> int | None:
    """The household count in the list's status line (共 N 户 M 人), None while not shown."""
    from textual.widgets import Static

    status = str(app.screen.query_one("#list-status", Static).render())
    pattern = re.escape(_("ui.totals", households="HHH", persons="PPP"))
    found = re.search(pattern.replace("HHH", r"([\d,]+)").replace("PPP", r"[\d,]+"), status)
    return int(found.group(1).replace(",", "")) if found else None


async def totals_become(pilot, households: int) -> None:
    """Wait for the status line's count (it follows the list after a short pause in typing)."""
    await wait_until(pilot, lambda: shown_households(pilot.app) == households,
                     f"{households} households in the status line (shown: {shown_households(pilot.app)})")


def expected_active_order() -> list[str]:
    """Every active household's uuid in the list's default order (place, then name)."""
    from tui_register.storage.models import database

    rows = database.execute_sql(
        "SELECT uuid FROM household WHERE status = 'active' ORDER BY place_path, head_sort, id").fetchall()
    return [r[0] for r in rows]


# ---------------------------------------------------------------- search


async def test_search_by_two_character_name(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(table_of(app).page_rows) == table_of(app).page_size
        await search(pilot, TWO_CHAR_NAME)
        assert names(app) == [TWO_CHAR_NAME]
        assert [row.uuid for row in table_of(app).page_rows] == [register.two_char_uuid]
        await totals_become(pilot, 1)
        text = screen_text(app)
        assert TWO_CHAR_NAME in text
        assert _("ui.totals", households="1", persons="1") in text
        # One character of it finds it too (among others).
        await press(pilot, "backspace")
        assert TWO_CHAR_NAME in names(app)
        # Esc clears the search and gives the whole list back.
        await press(pilot, "escape")
        assert app.screen.query_one("#search").value == ""
        assert len(table_of(app).page_rows) == table_of(app).page_size
        assert app.focused is table_of(app)


async def test_search_by_pinyin_initials_and_full_pinyin(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "ny")  # 聂芸: two initials, below the trigram index's reach
        assert names(app) == [TWO_CHAR_NAME]
        assert TWO_CHAR_NAME in screen_text(app)
        await press(pilot, "escape")
        await search(pilot, "oymy")  # 欧阳明远
        assert names(app) == [ID_HOLDER_NAME]
        await press(pilot, "escape")
        await search(pilot, "nieyun")
        assert names(app) == [TWO_CHAR_NAME]


async def test_search_by_id_digits(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        digits = register.id_holder_id[-8:]
        await search(pilot, digits)
        # Digits typed in the search box are text, not section keys.
        assert app.current_mode == "households"
        assert app.screen.query_one("#search").value == digits
        assert names(app) == [ID_HOLDER_NAME]
        text = screen_text(app)
        assert ID_HOLDER_NAME in text
        masked = register.id_holder_id[:6] + "*" * 8 + register.id_holder_id[-4:]
        assert masked in text
        assert register.id_holder_id not in text  # the list never shows a full number


async def test_enter_from_search_goes_to_list_then_opens_household(register: Register):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, TWO_CHAR_NAME)
        assert app.focused is app.screen.query_one("#search")
        await press(pilot, "enter")
        assert app.focused is table_of(app)
        assert table_of(app).cursor_row == 0
        await press(pilot, "enter")
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.uuid == register.two_char_uuid
        text = compact(screen_text(app))
        assert compact(f"{_('ui.head')}:{TWO_CHAR_NAME}") in text
        assert TWO_CHAR_ADDRESS in text
        # Esc goes back to the list, still searched.
        await press(pilot, "escape")
        assert names(app) == [TWO_CHAR_NAME]


# ---------------------------------------------------------------- forms


async def test_add_household_with_head_then_a_member(register: Register):
    from tui_register.storage.models import Person, Place
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.forms.person import PersonForm
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    head_id = id_ending_x(date(1948, 2, 9))
    grid = Place.get(Place.path == "城关街道/西关社区/第二网格")
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, HouseholdForm)
        assert app.focused.id == "f-address"
        await type_text(pilot, "和平路5号3栋201室")
        await press(pilot, "tab")
        assert app.focused.id == "f-place"
        await press(pilot, "enter")  # open the choices, type to find, Enter to take
        await type_text(pilot, "西关社区 / 第二网格")
        await press(pilot, "enter")
        assert form.values()["place"] == grid.uuid
        await press(pilot, "tab", "tab", "tab")
        assert app.focused.id == "f-head_name"
        await type_text(pilot, "张桂兰")
        await press(pilot, "tab")
        await type_text(pilot, head_id.lower())
        await press(pilot, "tab")
        values = form.values()
        assert values["head_id_number"] == head_id  # upper-case X
        assert values["head_birth_date"] == "1948-02-09"
        assert values["head_sex"] == "F"
        text = screen_text(app)
        assert "1948-02-09" in text and _("sex.F") in text
        await press(pilot, "ctrl+s")

        detail = app.screen
        assert isinstance(detail, HouseholdDetailScreen)
        text = compact(screen_text(app))
        assert compact(f"{_('ui.head')}:张桂兰") in text
        assert "和平路5号3栋201室" in text
        assert head_id[:6] + "********" + head_id[-4:] in text

        saved = household(detail.uuid)
        assert saved.address == "和平路5号3栋201室"
        assert saved.place_id == grid.id
        assert saved.status == "active"
        head = Person.get_by_id(saved.head_id)
        assert (head.name, head.id_number, head.sex, head.birth_date, head.relation) == (
            "张桂兰", head_id, "F", date(1948, 2, 9), "head")
        assert log_rows(saved.uuid)[0] == ("create", ALICE, 1)
        assert all(user == ALICE for _op, user, _v in log_rows(saved.uuid))
        assert log_rows(head.uuid) == [("create", ALICE, 1)]

        # A member: `a` on the household.
        member_id = resident_id(date(1975, 5, 20), 41)
        await press(pilot, "a")
        assert isinstance(app.screen, PersonForm)
        await type_text(pilot, "李强")
        await press(pilot, "tab")
        await type_text(pilot, member_id)
        await press(pilot, "tab")
        assert app.screen.values()["sex"] == "M"
        assert app.screen.values()["birth_date"] == "1975-05-20"
        await press(pilot, "ctrl+s")
        assert app.screen is detail
        members = list(Person.select().where(Person.household == saved.id).order_by(Person.id))
        assert [(p.name, p.id_number) for p in members] == [("张桂兰", head_id), ("李强", member_id)]
        assert "李强" in screen_text(app)
        assert household(saved.uuid).member_count == 2


async def test_validation_error_shown_under_field_and_corrected(register: Register):
    from tui_register.storage.models import Household
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    good_id = resident_id(date(1952, 11, 3), 88)
    bad_id = with_wrong_check(good_id)
    before = Household.select().count()
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, HouseholdForm)
        # Leave the address empty: the problem is shown as the field is left.
        await press(pilot, "tab")
        assert field_error(app, "address") == _("err.required")
        await press(pilot, "enter")
        await type_text(pilot, "东关社区 / 第一网格")
        await press(pilot, "enter")
        await press(pilot, "tab", "tab", "tab")
        await type_text(pilot, "王秀英")
        await press(pilot, "tab")
        await type_text(pilot, bad_id)
        await press(pilot, "tab")
        assert field_error(app, "head_id_number") == _("err.id_checksum")
        text = screen_text(app)
        assert _("err.id_checksum") in text and _("err.required") in text

        await press(pilot, "ctrl+s")
        assert app.screen is form  # not saved
        assert _("ui.form_has_errors", n=2) in screen_text(app)
        assert Household.select().count() == before
        typed = form.values()
        assert (typed["address"], typed["head_name"], typed["head_id_number"]) == ("", "王秀英", bad_id)
        assert typed["place"]  # the place chosen is kept too

        # Correct the ID (Shift+Tab back to it), then the address.
        await press(pilot, "shift+tab")
        assert app.focused.id == "f-head_id_number"
        await clear_field(pilot)
        await type_text(pilot, good_id)
        await press(pilot, "shift+tab")  # leaving the field checks it again
        assert field_error(app, "head_id_number") == ""
        await press(pilot, "shift+tab", "shift+tab", "shift+tab", "shift+tab")
        assert app.focused.id == "f-address"
        await type_text(pilot, "东关村3组12号")
        await press(pilot, "tab")
        assert field_error(app, "address") == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HouseholdDetailScreen)
        saved = household(app.screen.uuid)
        assert saved.address == "东关村3组12号"
        assert saved.head.id_number == good_id
        assert Household.select().count() == before + 1


async def test_unknown_region_code_asks_instead_of_refusing(register: Register):
    from tui_register.domain.ids import make_resident_id
    from tui_register.storage.models import Person
    from tui_register.ui.forms.person import PersonForm
    from tui_register.ui.screens.dialogs import ConfirmDialog
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    number = make_resident_id("990101", date(1960, 7, 1), 11)  # no such region in the table
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        await press(pilot, "a")
        await type_text(pilot, "赵六")
        await press(pilot, "tab")
        await type_text(pilot, number)
        await press(pilot, "tab")
        assert app.screen.values()["birth_date"] == "1960-07-01"  # read from it all the same
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        assert _("ui.accept_warning") in screen_text(app)
        assert "990101" in screen_text(app)
        await press(pilot, "n")  # not yet: back to the form, nothing saved
        assert isinstance(app.screen, PersonForm)
        assert not Person.select().where(Person.id_number == number).exists()
        await press(pilot, "ctrl+s", "y")
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert Person.get(Person.id_number == number).name == "赵六"


async def test_edit_changes_the_address(register: Register):
    from tui_register.ui.forms.household import HouseholdForm

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        version = household(register.two_char_uuid).version
        await press(pilot, "e")
        assert isinstance(app.screen, HouseholdForm)
        assert app.focused.id == "f-address"
        assert app.screen.values()["address"] == TWO_CHAR_ADDRESS
        await clear_field(pilot)
        await type_text(pilot, "幸福巷10号")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, HouseholdForm)
        text = compact(screen_text(app))
        assert compact(f"{_('ui.address')}:幸福巷10号") in text
        assert compact(f"{_('ui.version')}:{version + 1}") in text
        # The change history says who changed what, from what to what.
        assert compact(f"{_('field.address')}: {TWO_CHAR_ADDRESS} -> 幸福巷10号") in text

        saved = household(register.two_char_uuid)
        assert (saved.address, saved.version, saved.updated_by) == ("幸福巷10号", version + 1, ALICE)
        assert log_rows(saved.uuid)[-1] == ("update", ALICE, version + 1)


async def test_close_household_keeps_it_in_the_register(register: Register):
    from tui_register.storage.models import Household
    from tui_register.ui.forms.status import HouseholdStatusForm
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    total = Household.select().count()
    active = Household.select().where(Household.status == "active").count()
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await totals_become(pilot, active)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        await press(pilot, "d")
        form = app.screen
        assert isinstance(form, HouseholdStatusForm)
        assert form.values()["status"] == "closed"
        await press(pilot, "tab")
        await type_text(pilot, "迁出本辖区")
        await press(pilot, "tab")
        await clear_field(pilot)
        await type_text(pilot, "2026年6月1日")  # as written on paper
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HouseholdDetailScreen)
        text = compact(screen_text(app))
        assert compact(_("status.closed") + "(迁出本辖区 2026-06-01)") in text

        saved = household(register.two_char_uuid)
        assert (saved.status, saved.status_reason, saved.status_date) == ("closed", "迁出本辖区", date(2026, 6, 1))
        assert log_rows(saved.uuid)[-1][:2] == ("status", ALICE)
        assert Household.select().count() == total  # nothing deleted

        # Back on the list (still searched for it): gone from the default (active) list.
        await press(pilot, "escape")
        assert names(app) == []
        await totals_become(pilot, 0)
        await press(pilot, "escape")  # clear the search
        await totals_become(pilot, active - 1)
        assert register.two_char_uuid not in [r.uuid for r in table_of(app).page_rows]

        # The status filter set to "all" shows it again, as closed.
        await search(pilot, TWO_CHAR_NAME)
        await press(pilot, "enter")  # to the list
        await press(pilot, "f")
        await press(pilot, "tab", "tab")
        assert app.focused.id == "status"
        await press(pilot, "enter")
        await type_text(pilot, _("ui.all"))
        await press(pilot, "enter", "ctrl+s")
        assert names(app) == [TWO_CHAR_NAME]
        assert table_of(app).page_rows[0].status == "closed"
        await totals_become(pilot, 1)
        assert compact(_("ui.filter_status", name=_("ui.all"))) in compact(screen_text(app))


async def test_conflict_between_two_app_instances(register: Register):
    """A opens the edit form; B saves the same household; A's save names B and keeps A's typing."""
    from tests.support.ui import settings_for
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.screens.dialogs import CompareDialog, ConflictDialog
    from tui_register.ui.services import staff as staff_service

    uuid = register.two_char_uuid
    app_a = make_app(register.path, ALICE)
    app_b = RegisterApp(settings_for(register.path), BOB, staff_service.role_of(BOB), today=TODAY)
    start_version = household(uuid).version
    async with app_a.run_test(size=SIZE) as pa:
        await settle(pa)
        await open_household(pa, TWO_CHAR_NAME, uuid)
        await press(pa, "e")
        form = app_a.screen
        assert isinstance(form, HouseholdForm)
        await clear_field(pa)
        await type_text(pa, "A写的地址1号")

        async with app_b.run_test(size=SIZE) as pb:
            await settle(pb)
            await open_household(pb, TWO_CHAR_NAME, uuid)
            await press(pb, "e")
            await clear_field(pb)
            await type_text(pb, "B写的地址2号")
            await press(pb, "ctrl+s")
            assert not isinstance(app_b.screen, HouseholdForm)
        saved = household(uuid)
        assert (saved.address, saved.updated_by, saved.version) == ("B写的地址2号", BOB, start_version + 1)

        # A saves: refused, and the dialog names B's login.
        await press(pa, "ctrl+s")
        assert isinstance(app_a.screen, ConflictDialog)
        text = screen_text(app_a)
        assert BOB in text
        assert compact(_("ui.conflict_keys")) in compact(text)
        assert household(uuid).address == "B写的地址2号"  # nothing overwritten
        assert household(uuid).version == start_version + 1

        # `c` compares: A's typing against B's saved value.
        await press(pa, "c")
        assert isinstance(app_a.screen, CompareDialog)
        compared = compact(screen_text(app_a))
        assert "A写的地址1号" in compared and "B写的地址2号" in compared
        await press(pa, "escape")
        assert app_a.screen is form
        assert form.values()["address"] == "A写的地址1号"  # A's typing is kept

        # Saving again still conflicts; `r` now reloads B's values.
        await press(pa, "ctrl+s")
        assert isinstance(app_a.screen, ConflictDialog)
        await press(pa, "r")
        assert app_a.screen is form
        assert form.values()["address"] == "B写的地址2号"
        assert form.base_version == start_version + 1
        assert household(uuid).address == "B写的地址2号"

        # Now A's edit is based on B's version and saves normally.
        assert app_a.focused.id == "f-address"
        await clear_field(pa)
        await type_text(pa, "A改后的地址3号")
        await press(pa, "ctrl+s")
        assert not isinstance(app_a.screen, (HouseholdForm, ConflictDialog))
        saved = household(uuid)
        assert (saved.address, saved.updated_by, saved.version) == ("A改后的地址3号", ALICE, start_version + 2)
        assert [row[1] for row in log_rows(uuid)[-2:]] == [BOB, ALICE]


async def test_reveal_full_id_is_audited(register: Register):
    from tui_register.storage.models import AuditEvent

    app = make_app(register.path)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, ID_HOLDER_NAME, register.id_holder_uuid)
        masked = register.id_holder_id[:6] + "*" * 8 + register.id_holder_id[-4:]
        assert masked in screen_text(app)
        assert register.id_holder_id not in screen_text(app)
        assert AuditEvent.select().count() == 0
        await press(pilot, "r")
        assert register.id_holder_id in screen_text(app)
        assert _("ui.revealed") in seen
        events = list(AuditEvent.select())
        assert [(e.user, e.action, e.entity, e.uuid) for e in events] == [
            (ALICE, "reveal_id", "household", register.id_holder_uuid)]
        assert events[0].at.startswith("20")
        # `r` again masks them again (nothing more to audit).
        await press(pilot, "r")
        assert register.id_holder_id not in screen_text(app)
        assert AuditEvent.select().count() == 1


# ---------------------------------------------------------------- the app shell


async def test_quit_with_unsaved_changes_asks_first(register: Register):
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.screens.dialogs import ConfirmDialog

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "未保存的地址")
        # Ctrl+Q from inside a text field: asks.
        await press(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmDialog)
        assert _("ui.quit_unsaved") in screen_text(app)
        assert app.is_running and app.return_code is None
        await press(pilot, "n")  # no: back to the form, typing kept
        assert isinstance(app.screen, HouseholdForm)
        assert app.screen.values()["address"] == "未保存的地址"
        # `q` outside a text field (on the place select): asks too.
        await press(pilot, "tab")
        assert app.focused.id == "f-place"
        await press(pilot, "q")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.is_running and app.return_code is None
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0
    assert not app.is_running


async def test_quit_without_changes_does_not_ask(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_escape_in_form_with_changes_asks_before_discarding(register: Register):
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.screens.dialogs import ConfirmDialog
    from tui_register.ui.screens.households import HouseholdsScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "x")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog)
        assert _("ui.discard_changes") in screen_text(app)
        await press(pilot, "n")
        assert isinstance(app.screen, HouseholdForm)
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, HouseholdsScreen)


async def test_help_lists_the_keys_of_the_screen(register: Register):
    from tui_register.ui.screens.dialogs import HelpScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = dict((description, keys) for keys, description in app.screen.bindings)
        for key, shown in [("key.search", "/"), ("key.new", "n"), ("key.filter", "f"), ("key.sort", "s"),
                           ("key.quit", "q"), ("key.next_page", "pgdn"), ("key.previous_page", "pgup"),
                           ("key.first", "g"), ("key.last", "G"), ("key.down", "j"), ("key.up", "k"),
                           ("key.help", "?")]:
            assert _(key) in listed, key
            assert shown in re.split(r" / |, ", listed[_(key)]), (key, listed[_(key)])
        text = screen_text(app)
        assert _("ui.help_title") in text and _("key.search") in text
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)

        # On a household, the help lists the household's keys; F1 opens it too.
        await open_household(pilot, ID_HOLDER_NAME)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        listed = {description for _keys, description in app.screen.bindings}
        for key in ("key.edit", "key.add_member", "key.add_category", "key.end_category", "key.status",
                    "key.member_status", "key.reveal", "key.back"):
            assert _(key) in listed, key
        await press(pilot, "escape")


async def test_paging_through_the_list(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        size = table.page_size
        expected = expected_active_order()
        assert len(expected) > 10 * size
        seen: list[str] = []
        pages = 0
        while True:
            assert len(table.page_rows) <= size
            seen.extend(r.uuid for r in table.page_rows)
            pages += 1
            first = table.page_rows[0].uuid
            await press(pilot, "pagedown")
            if table.page_rows[0].uuid == first:  # nothing further: the page stays
                break
            assert pages < 100
        assert seen == expected
        last_page = [r.uuid for r in table.page_rows]

        await press(pilot, "pageup")
        assert [r.uuid for r in table.page_rows] == seen[-len(last_page) - size:-len(last_page)]
        await press(pilot, "g")
        assert [r.uuid for r in table.page_rows] == expected[:size]
        assert table.cursor_row == 0
        await press(pilot, "G")
        assert [r.uuid for r in table.page_rows] == expected[-size:]
        assert table.cursor_row == size - 1
        assert len(table.page_rows) <= size
        await press(pilot, "g")
        # j past the last row of a page reads the next page; k before the first reads back.
        await pilot.press(*["j"] * (size - 1))
        await settle(pilot)
        assert table.cursor_row == size - 1
        await press(pilot, "j")
        assert [r.uuid for r in table.page_rows] == expected[size:2 * size]
        assert table.cursor_row == 0
        await press(pilot, "k")
        assert [r.uuid for r in table.page_rows] == expected[:size]
        assert table.cursor_row == size - 1
        assert len(table.page_rows) <= size


async def test_stored_markup_and_escape_sequences_are_shown_as_text(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The first page holds both (place first, then name); the name column is 8 cells.
        assert "[bold]x~" in screen_text(app)
        assert not any("\x1b" in s for s in screen_segments(app))

        await search(pilot, "bold")
        assert names(app) == [MARKUP_NAME]
        assert "[bold]x~" in list_lines(app)[1]  # cut to the column's 8 cells, never bold
        await press(pilot, "enter", "enter")
        text = screen_text(app)
        assert MARKUP_NAME in text  # the head's name, exactly as stored
        assert compact(f"{_('ui.head')}:{MARKUP_NAME}") in compact(text)
        await press(pilot, "escape", "escape")

        await search(pilot, "转义测试")
        assert names(app) == [ESCAPE_NAME]
        assert "坏[31m红" in list_lines(app)[1]  # the ESC itself removed
        assert not any("\x1b" in s for s in screen_segments(app))
        await press(pilot, "enter", "enter")
        assert ESCAPE_ADDRESS in screen_text(app)
        assert "坏[31m红" in screen_text(app)
        assert not any("\x1b" in s for s in screen_segments(app))
        # What the terminal receives: no escape sequence from the data (the red it would start).
        assert "\x1b[31m红" not in app.export_screenshot()


async def test_read_only_user_is_told_and_saving_is_refused(register: Register):
    from tui_register.ui.forms.household import HouseholdForm

    app = make_app(register.path, STRANGER)
    seen = record_notifications(app)
    assert app.role is None
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert _("ui.read_only_notice", user=STRANGER) in seen
        assert f"{STRANGER} {_('ui.read_only')}" in screen_text(app)
        assert _("ui.read_only_notice", user=STRANGER) in toast_texts(app)  # on screen
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        version = household(register.two_char_uuid).version
        await press(pilot, "e")
        await clear_field(pilot)
        await type_text(pilot, "不该保存的地址")
        await press(pilot, "ctrl+s")
        refused = _("storage.not_staff", user=STRANGER)
        assert isinstance(app.screen, HouseholdForm)  # still open, typing kept
        assert app.screen.values()["address"] == "不该保存的地址"
        assert compact(refused)[:30] in compact(screen_text(app))  # the form's status line
        assert refused in seen
        assert refused in toast_texts(app)  # and in full in a notice
        saved = household(register.two_char_uuid)
        assert (saved.address, saved.version) == (TWO_CHAR_ADDRESS, version)


# ---------------------------------------------------------------- layout and language


async def test_wide_terminal_shows_the_address_column(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header_line = screen_text(app).splitlines()[2]
        assert _("ui.col_address") not in header_line
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        text = screen_text(app)
        header_line = text.splitlines()[2]
        assert _("ui.col_address") in header_line and _("ui.col_status") in header_line
        rows = table_of(app).page_rows
        assert len(rows) == table_of(app).page_size > 19
        for row in rows[:5]:
            assert row.address in text


async def test_starts_wide_with_the_address_column(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert _("ui.col_address") in text.splitlines()[2]
        for row in table_of(app).page_rows[:5]:
            assert row.address in text


async def test_resize_while_the_first_page_loads_fills_the_list(register: Register, monkeypatch):
    """A resize while the first page is being read still ends with a full page of the new size."""
    import time

    from tui_register.ui.services import households as household_service

    page = household_service.page

    def slow_page(*args, **kwargs):
        time.sleep(0.5)  # a busy server
        return page(*args, **kwargs)

    monkeypatch.setattr(household_service, "page", slow_page)
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        # The terminal settles its size (an SSH client, a window being maximised) meanwhile.
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        table = table_of(app)
        assert table.page_size == 25
        assert len(table.page_rows) == table.page_size


MESSAGE_KEY = re.compile(r"\b(?:ui|key|field|status|section|role|op|entity|err|storage|relation|sex)\.[a-z_]+")


def _expect(text: str, keys: list[str], **kwargs) -> None:
    from tui_register.ui.text import field_label

    flat = compact(text)
    label = lambda k: field_label(k) if k.startswith("field.") else _(k, **kwargs.get(k, {}))  # noqa: E731
    missing = [k for k in keys if compact(label(k)) not in flat]
    assert not missing, (missing, text)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_visible_labels_in_both_languages(register: Register, language: str):
    """Every label of the list, a household, the help, a form and the other sections in `language`."""
    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: (shown_households(app) or 0) > 200, "the totals")
        text = screen_text(app)
        assert OFFICE in text and TODAY.isoformat() in text
        _expect(text, ["section.households", "role.supervisor", "ui.search_label", "ui.col_head",
                       "ui.col_id", "ui.col_village", "ui.col_categories", "ui.col_last_visit",
                       "key.search", "key.new", "key.filter", "key.sort", "key.help", "key.quit",
                       "ui.sort_place"])
        assert compact(_("ui.search_placeholder"))[:20] in compact(text)
        assert compact(_("ui.filter_status", name=_("status.active"))) in compact(text)
        assert not MESSAGE_KEY.search(text), MESSAGE_KEY.search(text)
        if language == "en":
            for zh in ("户籍台账", "搜索", "户主", "共", "按地点排序", "新增户"):
                assert zh not in text

        await press(pilot, "question_mark")
        text = screen_text(app)
        _expect(text, ["ui.help_title", "ui.col_key", "ui.col_action", "ui.help_keys"])
        assert not MESSAGE_KEY.search(text)
        await press(pilot, "escape")

        await press(pilot, "n")
        text = screen_text(app)
        _expect(text, ["ui.form_new_household", "field.household.address", "field.household.place",
                       "field.household.phone", "field.household.notes", "field.person.name",
                       "field.person.id_number", "field.person.sex", "field.person.birth_date",
                       "ui.choose", "key.save", "key.cancel"])
        assert compact(_("ui.date_placeholder"))[:10] in compact(text)
        assert not MESSAGE_KEY.search(text)
        await press(pilot, "escape")

        await open_household(pilot, ID_HOLDER_NAME)
        text = screen_text(app)
        _expect(text, ["ui.head", "ui.col_status", "status.active", "ui.address", "ui.phone", "ui.version",
                       "ui.members", "ui.col_name", "ui.col_relation", "ui.col_age", "relation.head",
                       "ui.categories", "ui.col_category", "ui.col_person", "ui.col_from", "ui.col_to",
                       "ui.col_amount", "ui.recent_visits", "ui.open_follow_ups", "ui.none", "ui.history",
                       "key.back", "key.edit", "key.add_member"])
        assert compact(_("ui.updated", who=ALICE, when=""))[:3] in compact(text)
        above_history = text.split(_("ui.history"))[0]
        assert not MESSAGE_KEY.search(above_history), MESSAGE_KEY.search(above_history)
        await press(pilot, "escape", "escape")

        # Every other section, one key away from anywhere (digits in one run, F3-F6 in the other):
        # its name and no message key; 1 (F2) comes back.
        from tui_register.ui.screens.households import HouseholdsScreen

        keys = ("2", "3", "4", "5") if language == "zh_CN" else ("f3", "f4", "f5", "f6")
        for key, section in zip(keys, ("visits", "volunteers", "reports", "sync")):
            await press(pilot, key)
            assert app.current_mode == section
            text = screen_text(app)
            assert _(f"section.{section}") in text
            assert not MESSAGE_KEY.search(text), (section, MESSAGE_KEY.search(text))
            await press(pilot, "1" if key.isdigit() else "f2")
            assert app.current_mode == "households" and isinstance(app.screen, HouseholdsScreen)
            assert len(table_of(app).page_rows) == table_of(app).page_size


# ---------------------------------------------------------------- more of the shell and the details


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_change_history_names_every_field(register: Register, language: str):
    """The history names each changed field in words (no message keys), a status change included."""
    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        await press(pilot, "d", "tab")
        await type_text(pilot, "迁出")
        await press(pilot, "tab")
        await clear_field(pilot)
        await type_text(pilot, "2026-06-01")
        await press(pilot, "ctrl+s")  # a status change: status, reason and date in the history
        assert household(register.two_char_uuid).status == "closed"
        history = str(app.screen.query_one("#history").render())
        assert _("ui.history") in history
        assert not MESSAGE_KEY.search(history), MESSAGE_KEY.findall(history)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_help_lists_only_translated_actions(register: Register, language: str):
    from tui_register.ui.screens.dialogs import HelpScreen

    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        descriptions = [d for _k, d in app.screen.bindings]
        assert descriptions
        catalog_texts = {_(k) for k in __import__("tui_register.i18n", fromlist=["catalog"]).catalog()}
        assert set(descriptions) <= catalog_texts, set(descriptions) - catalog_texts
        if language == "zh_CN":
            untranslated = [d for d in descriptions if re.search(r"[A-Za-z]", d)]
            assert not untranslated, untranslated


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_list_column_headers_are_not_cut(register: Register, language: str):
    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header_line = screen_text(app).splitlines()[2]
        for key in ("ui.col_head", "ui.col_id", "ui.col_village", "ui.col_categories", "ui.col_persons",
                    "ui.col_last_visit"):
            assert _(key) in header_line, key


async def test_notice_quoting_stored_text_shows_it_literally(register: Register):
    from tui_register.ui.forms.person import PersonForm
    from tui_register.ui.screens.dialogs import ConfirmDialog

    app = make_app(register.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        await press(pilot, "a")
        await type_text(pilot, "张三")
        await press(pilot, "tab")
        await type_text(pilot, register.markup_id)  # already registered to "[bold]x[/]"
        await press(pilot, "tab", "ctrl+s")
        # The possible duplicate is shown first, literally.
        assert isinstance(app.screen, ConfirmDialog)
        assert MARKUP_NAME in screen_text(app)
        await press(pilot, "y")
        assert isinstance(app.screen, PersonForm)  # refused: the ID is taken
        refused = _("storage.duplicate_id", name=MARKUP_NAME, address=MARKUP_ADDRESS)
        assert compact(refused)[:20] in compact(screen_text(app))  # the form's status line
        assert refused in toast_texts(app)


async def test_close_form_default_date_is_accepted(register: Register):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        await press(pilot, "d")
        assert app.screen.values()["effective_date"] == TODAY.isoformat()
        await press(pilot, "tab")
        await type_text(pilot, "迁出本辖区")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert household(register.two_char_uuid).status_date == TODAY


async def test_everyday_work_reads_and_writes_in_worker_threads(register: Register, queries_on_the_event_loop):
    """Searching, opening, paging, editing, revealing, closing: no query on the event loop."""
    queries = queries_on_the_event_loop  # the guard of every interface test (tests/ui/conftest.py)
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        queries.on = True
        await settle(pilot)
        await press(pilot, "pagedown", "pagedown", "G", "g", "s")
        await open_household(pilot, TWO_CHAR_NAME)
        await press(pilot, "r", "e")
        await clear_field(pilot)
        await type_text(pilot, "幸福巷11号")
        await press(pilot, "ctrl+s", "d", "tab")
        await type_text(pilot, "迁出")
        await press(pilot, "tab")
        await clear_field(pilot)
        await type_text(pilot, "-3")  # three days ago
        await press(pilot, "ctrl+s", "escape", "escape", "n")
        await type_text(pilot, "新地址1号")
        await press(pilot, "escape", "y")
        queries.on = False
        saved = household(register.two_char_uuid)
        assert (saved.status, saved.status_date) == ("closed", date(2026, 6, 27))  # it did all that
        assert queries.calls == []


async def test_duplicate_check_reads_in_a_worker_thread(register: Register, queries_on_the_event_loop):
    """Possible duplicates (with their addresses) are looked up off the event loop."""
    from tui_register.ui.screens.dialogs import ConfirmDialog

    queries = queries_on_the_event_loop
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        await press(pilot, "a")
        await type_text(pilot, "张三")
        await press(pilot, "tab")
        await type_text(pilot, register.markup_id)
        queries.on = True
        await press(pilot, "tab", "ctrl+s")
        queries.on = False
        assert isinstance(app.screen, ConfirmDialog)
        assert queries.calls == []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_command_palette_finds_actions_by_name(register: Register, language: str):
    """Ctrl+P, part of an action's name in the interface language, Enter: the action runs."""
    from tui_register.ui.forms.household import HouseholdForm

    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.command import CommandPalette
        from textual.widgets import Input

        await press(pilot, "ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette) and isinstance(app.focused, Input),
                         "the command palette")
        name = _("key.new")
        await type_text(pilot, name)
        await wait_until(pilot, lambda: name in [line.strip() for line in screen_text(app).splitlines()],
                         "the command listed")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdForm), "the new-household form")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_detail_footer_shows_reveal_and_help_at_80_columns(register: Register, language: str):
    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, ID_HOLDER_NAME)
        footer = screen_text(app).splitlines()[-1]
        assert _("key.reveal") in footer and _("key.help") in footer, footer


async def test_e_an_edit_and_ctrl_s_in_one_burst_save_the_edit(register: Register):
    """Save runs after the characters typed before it, however fast they came."""
    from tests.support.ui import _send
    from tui_register.ui.forms.household import HouseholdForm

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_household(pilot, TWO_CHAR_NAME, register.two_char_uuid)
        for key in ["e", "end", *"甲座", "ctrl+s"]:
            _send(app, key)
        await settle(pilot)
        assert not isinstance(app.screen, HouseholdForm)
        assert household(register.two_char_uuid).address == TWO_CHAR_ADDRESS + "甲座"
