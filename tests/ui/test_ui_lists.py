"""Pilot tests of the shared list machinery: keys typed ahead of a slow page, resizing, the
matched member in a household row, pasting into fields, pickers that search as you type.

Page reads are slowed down (the service sleeps) where the test is about keys that arrive
while a page is still being read; every burst is queued in one go, as a slow link delivers it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.ui import (
    SIZE,
    TWO_CHAR_NAME,
    Register,
    build_register,
    compact,
    copy_register,
    make_app,
    open_db,
    press,
    screen_text,
    settle,
    type_text,
    wait_until,
)

pytestmark = pytest.mark.timeout(60)

SLOW = 0.3  # seconds a page read takes in the slowed tests


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Register:
    return build_register(tmp_path_factory.mktemp("ui-lists") / "source.db", 300)


@pytest.fixture
def slow_pages(monkeypatch):
    """Household pages take SLOW seconds to read (a busy server, a slow disk)."""
    from tui_register.ui.services import households as household_service

    page = household_service.page

    def slow_page(*args, **kwargs):
        time.sleep(SLOW)
        return page(*args, **kwargs)

    monkeypatch.setattr(household_service, "page", slow_page)


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


def table_of(app):
    from tui_register.ui.widgets.household_table import HouseholdTable

    return app.screen.query_one(HouseholdTable)


def search_rows(text: str) -> list:
    """The first page of households a search for `text` lists (read directly)."""
    from tui_register.storage.household_queries import HouseholdFilter, household_page

    return household_page(HouseholdFilter(text=text), "place", limit=10)


def burst(pilot, keys: list[str]) -> None:
    """Queue `keys` at once, as one read from the terminal delivers them."""
    from tests.support.ui import _send

    for k in keys:
        _send(pilot.app, k)


def keys_of(text: str) -> list[str]:
    return list(text)


# ---------------------------------------------------------------- keys typed ahead (#5)


async def test_search_enter_enter_in_one_burst_opens_the_household(register: Register, slow_pages):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["slash", *keys_of(TWO_CHAR_NAME), "enter", "enter"])
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.uuid == register.two_char_uuid


async def test_search_enter_down_enter_in_one_burst_opens_the_second_match(register: Register, slow_pages):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    text = "zh"  # many heads are 张, 赵, 周 ...
    rows = search_rows(text)
    assert len(rows) >= 3
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["slash", *keys_of(text), "enter", "down", "enter"])
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.uuid == rows[1].uuid


async def test_keys_while_the_first_page_loads_are_applied_when_it_arrives(register: Register, slow_pages):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    expected = search_rows("")[2].uuid
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        burst(pilot, ["down", "down", "enter"])  # before the first page is on screen
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.uuid == expected


async def test_down_past_the_page_then_more_keys_wait_for_the_next_page(register: Register, slow_pages):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        size = table.page_size
        expected = search_rows("")  # only the first 10: read the next page directly
        from tui_register.storage.household_queries import HouseholdFilter, household_page

        second = household_page(HouseholdFilter(), "place", after=table.row_key(table.page_rows[-1]), limit=size)
        burst(pilot, ["down"] * size + ["down", "down"])  # to the next page, then two rows on
        await settle(pilot)
        assert table.page_rows[0].uuid == second[0].uuid
        assert table.cursor_row == 2
        assert table.current.uuid == second[2].uuid
        assert expected[0].uuid != second[0].uuid


async def test_search_typed_slowly_gives_the_same_screen_as_the_burst(register: Register):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "zh")
        await press(pilot, "enter", "down", "enter")
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.screen.uuid == search_rows("zh")[1].uuid
        assert _("ui.head") in screen_text(app)


# ---------------------------------------------------------------- the member a search found (#11)


def a_member_not_the_head() -> tuple[str, str, str]:
    """(member's name, head's name, household uuid) of a member whose name no one else has."""
    from tui_register.storage.models import database

    return database.execute_sql(
        "SELECT p.name, h.head_name, h.uuid FROM person p JOIN household h ON h.id = p.household_id "
        "WHERE p.id != h.head_id AND h.status = 'active' AND length(p.name) = 3 AND length(h.head_name) = 3 "
        "AND (SELECT count(*) FROM person q WHERE q.name = p.name) = 1 ORDER BY p.id LIMIT 1").fetchone()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_member_found_by_name_is_shown_with_the_head(register: Register, language: str):
    from tui_register.domain.ids import mask_id
    from tui_register.domain.names import pinyin_keys

    member, head, uuid = a_member_not_the_head()
    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for query in (member, pinyin_keys(member)[1]):  # the name, then its initials
            await press(pilot, "slash")
            await press(pilot, "ctrl+u")
            await type_text(pilot, query)
            table = table_of(app)
            row = next(r for r in table.page_rows if r.uuid == uuid)
            assert row.matched_name == member
            shown = _("ui.head_with_match", head=head, member=member)
            lines = screen_text(app).splitlines()
            line = next(line for line in lines if shown in line)  # whole, not cut
            # The other columns are still there, in full.
            assert row.head_id_number and mask_id(row.head_id_number) in line
            assert row.last_visit and row.last_visit.isoformat() in line
        # The head's own name: only the head is shown.
        await press(pilot, "ctrl+u")
        await type_text(pilot, head)
        row = next(r for r in table_of(app).page_rows if r.uuid == uuid)
        assert row.matched_name == ""
        assert _("ui.head_with_match", head=head, member=member) not in screen_text(app)


# ---------------------------------------------------------------- resizing (#8)


async def test_a_resize_keeps_the_row_under_the_cursor(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        await press(pilot, *["down"] * 5)
        chosen = table.current.uuid
        first = table.page_rows[0].uuid
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert table.current.uuid == chosen
        assert table.page_rows[0].uuid == first  # the same page, only longer
        assert len(table.page_rows) == table.page_size == 25

        # Low on a tall page, then the terminal shrinks: the row stays, the page starts later.
        await press(pilot, *["down"] * 17)
        assert table.cursor_row == 22
        chosen = table.current.uuid
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert table.current.uuid == chosen
        assert table.cursor_row == table.page_size - 1
        assert chosen in [r.uuid for r in table.page_rows]


async def test_a_resize_while_searching_keeps_the_row_too(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "zh")
        await press(pilot, "enter", "down", "down")
        table = table_of(app)
        chosen = table.current.uuid
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert table.current.uuid == chosen
        assert app.screen.query_one("#search").value == "zh"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_a_small_window_says_how_large_it_should_be(register: Register, language: str):
    app = make_app(register.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notice = _("ui.window_too_small", width=80, height=24, current_width=60, current_height=20)
        assert notice not in screen_text(app)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        assert notice in screen_text(app)
        await pilot.resize_terminal(80, 23)
        await settle(pilot)
        assert _("ui.window_too_small", width=80, height=24, current_width=80, current_height=23) in screen_text(app)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        text = screen_text(app)
        assert "80x24" not in text
        assert _("ui.col_head") in text.splitlines()[2]  # the header is back


# ---------------------------------------------------------------- pasting into fields (#12)


def paste(pilot, text: str) -> None:
    """A paste as the terminal delivers it (bracketed paste): to the focused field."""
    from textual import events

    pilot.app.post_message(events.Paste(text))


def field(app, name: str):
    return app.screen.query_one(f"#f-{name}")


def error_under(app, name: str) -> str:
    from textual.widgets import Static

    line = app.screen.query_one(f"#err-{name}", Static)
    return str(line.render()) if line.has_class("-shown") else ""


async def test_pasting_several_lines_into_a_name_is_refused_and_said(register: Register):
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.text import field_label

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, HouseholdForm)
        name = field(app, "head_name")
        app.screen.set_focus(name)
        await type_text(pilot, "欧")
        paste(pilot, "王\n五")
        await settle(pilot)
        assert name.value == "欧"  # nothing dropped silently, nothing already typed lost
        problem = error_under(app, "head_name")
        assert problem == _("ui.paste_refused", field=field_label("field.person.name"), lines=2)
        assert compact(problem)[:12] in compact(screen_text(app))
        # One line (a cell copied from a spreadsheet ends with a line break) is taken.
        paste(pilot, "阳明\r\n")
        await settle(pilot)
        assert name.value == "欧阳明"


async def test_pasting_into_the_address_joins_lines_and_drops_escape_sequences(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        address = field(app, "address")
        assert app.focused is address
        paste(pilot, "\x1b[2J和平村\x1b[31m1组\x1b[0m\r\n15号")
        await type_text(pilot, "东")  # typed after the paste: after it in the field
        await settle(pilot)
        assert address.value == "和平村1组 15号东"
        assert error_under(app, "address") == ""
        text = screen_text(app)
        assert "和平村1组 15号东" in text
        assert "^[" not in text and "[2J" not in text

        notes = field(app, "notes")
        app.screen.set_focus(notes)
        paste(pilot, "第一行\x1b]0;标题\x07\r\n第二行\x1b[1m")
        await settle(pilot)
        assert notes.text == "第一行\n第二行"  # a multi-line field keeps the lines


async def test_pasting_two_lines_into_the_search_searches_for_both(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        paste(pilot, "聂\n芸")
        await settle(pilot)
        assert app.screen.query_one("#search").value == "聂 芸"
        assert [r.head_name for r in table_of(app).page_rows] == [TWO_CHAR_NAME]


# ---------------------------------------------------------------- pickers that search (#17)


VILLAGES = ("和平村 幸福村 光明村 红星村 新华村 建设村 团结村 胜利村 友谊村 前进村 太平村 长安村 "
            "永丰村 丰收村 青山村 绿水村 桃园村 柳树村 杏花村 梨园村 石桥村 河口村 沙坝村 松林村 "
            "竹园村 金鸡村 凤凰村 龙泉村 白云村 东山村 南岭村 北坡村 西沟村").split()


@pytest.fixture
def many_places(register: Register) -> Register:
    """The register with 33 more villages: more places than fit on a screen (43 in all)."""
    from tests.support.records import place_in
    from tui_register.storage import households as H
    from tui_register.storage.models import Place

    township = Place.get(Place.level == "township")
    for name in VILLAGES:
        H.create_place("alice", place_in(name, "village", township.uuid))
    return register


def places_by_initials(app) -> dict[str, tuple[str, str]]:
    """Initials of a place's path (城关街道 / 东关社区 → cgjddgsq) -> (label, uuid), for the
    places whose initials no other place has."""
    from collections import Counter

    from tui_register.domain.names import pinyin_keys
    keyed = [(pinyin_keys("".join(label.replace("/", " ").split()))[1], (label, uuid))
             for label, uuid in app.state.places]
    counts = Counter(k for k, _v in keyed)
    return {k: v for k, v in keyed if counts[k] == 1}


async def open_place_picker(pilot) -> None:
    from tui_register.ui.forms.household import HouseholdForm

    await press(pilot, "n")
    assert isinstance(pilot.app.screen, HouseholdForm)
    await press(pilot, "tab")  # address -> place
    assert pilot.app.focused.id == "f-place"


async def test_the_place_picker_finds_a_place_by_initials_in_one_burst(many_places: Register):
    register = many_places

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(app.state.places) > 20  # more than a screenful: the case to solve
        initials, (label, uuid) = list(places_by_initials(app).items())[-1]  # far down the list
        await open_place_picker(pilot)
        burst(pilot, [*initials, "enter"])
        await settle(pilot)
        assert app.focused.id == "f-place"
        assert app.focused.value == uuid
        assert compact(label) in compact(screen_text(app))


async def test_the_place_picker_filters_as_you_type_and_down_moves_among_the_matches(many_places: Register):
    register = many_places
    from tui_register.ui.screens.picker import ChoicePicker

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        grid = next(label for label, _uuid in app.state.places if label.count(" / ") == 2)
        village = grid.split(" / ")[1]  # a village: itself and its grids match
        under = [(label, uuid) for label, uuid in app.state.places if village in label]
        assert len(under) >= 2
        await open_place_picker(pilot)
        await type_text(pilot, village)
        assert isinstance(app.screen, ChoicePicker)
        text = compact(screen_text(app))
        assert all(compact(label) in text for label, _uuid in under[:5])
        others = [label for label, _uuid in app.state.places if village not in label]
        assert others and not any(compact(label) in text for label in others)
        await press(pilot, "down", "enter")
        assert app.focused.value == under[1][1]


async def test_the_report_campaign_box_offers_campaigns_for_part_of_a_name(register: Register):
    from tui_register.storage.models import Campaign

    campaigns = list(Campaign.select())
    assert campaigns
    target = campaigns[-1]
    part = target.name[:6]  # 2026年春节 of 2026年春节走访慰问
    assert part != target.name
    first = next(c for c in Campaign.select().order_by(Campaign.start_date.desc(), Campaign.id.desc())
                 if part in c.name)
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        await settle(pilot)
        app.screen.query_one("#kind").value = "receipts"
        await settle(pilot)
        box = app.screen.query_one("#opt-campaign")
        app.screen.set_focus(box)
        burst(pilot, [*part, "enter"])  # typed on the box: the choices follow
        await settle(pilot)
        assert box.value == first.uuid
        assert compact(first.name) in compact(screen_text(app))


# ---------------------------------------------------------------- every list: a campaign's checklist


@pytest.fixture(scope="module")
def visit_built(tmp_path_factory):
    from tests.support.visits import build_visit_register

    return build_visit_register(tmp_path_factory.mktemp("ui-lists-visits") / "source.db")


@pytest.fixture
def visit_register(visit_built, tmp_path: Path):
    from tui_register.storage.models import database

    reg = replace(visit_built, path=copy_register(visit_built.path, tmp_path / "register.db"))
    open_db(reg.path)
    yield reg
    if not database.is_closed():
        database.close()


async def test_a_checklist_search_and_space_in_one_burst_mark_the_household_found(visit_register, monkeypatch):
    from tests.support.visits import make_visit_app
    from tui_register.storage.models import Campaign, Household, Visit
    from tui_register.storage.visit_queries import campaign_targets
    from tui_register.ui.screens.campaigns import ChecklistScreen
    from tui_register.ui.services import visits as visit_service

    campaign = Campaign.get(Campaign.uuid == visit_register.snap_campaign_uuid)
    unvisited = [r for r in campaign_targets(campaign.uuid, "", limit=50) if r.visit_date is None]
    name = unvisited[-1].head_name
    found = campaign_targets(campaign.uuid, name, limit=5)[0]
    assert found.visit_date is None

    targets = visit_service.campaign_targets

    def slow_targets(*args, **kwargs):
        time.sleep(SLOW)
        return targets(*args, **kwargs)

    monkeypatch.setattr(visit_service, "campaign_targets", slow_targets)
    app = make_visit_app(visit_register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "c", "enter")
        assert isinstance(app.screen, ChecklistScreen)
        burst(pilot, ["slash", *name, "enter", "space"])
        await settle(pilot)
        household = Household.get(Household.uuid == found.household_uuid)
        visits = list(Visit.select().where((Visit.campaign == campaign) & (Visit.household == household)))
        assert len(visits) == 1
        # Only that one: the Space went to the row the search found, not the row it replaced.
        assert Visit.select().where(Visit.campaign == campaign).count() == 2 + 1


# ---------------------------------------------------------------- every list: volunteers


async def test_volunteer_search_enter_enter_in_one_burst_opens_the_volunteer(register: Register, monkeypatch):
    from tui_register.domain.records import VolunteerIn, validate
    from tui_register.storage.volunteers import add_volunteer
    from tui_register.ui.screens.volunteer_detail import VolunteerDetailScreen
    from tui_register.ui.services import volunteers as volunteer_service

    name = "诸葛明亮"
    uuid = add_volunteer("alice", validate(VolunteerIn, {"name": name, "phone": "13800004444"})).uuid
    page = volunteer_service.volunteer_page

    def slow_page(*args, **kwargs):
        time.sleep(SLOW)
        return page(*args, **kwargs)

    monkeypatch.setattr(volunteer_service, "volunteer_page", slow_page)
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await settle(pilot)
        burst(pilot, ["slash", *"zgml", "enter", "enter"])  # initials
        await settle(pilot)
        assert isinstance(app.screen, VolunteerDetailScreen)
        assert app.screen.uuid == uuid


async def test_a_pasted_date_of_two_lines_is_refused_in_the_visit_filter_with_its_label(register: Register):
    from textual.widgets import Input

    from tui_register.ui.screens.visits import VisitFilterScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "f")
        assert isinstance(app.screen, VisitFilterScreen)
        box = app.screen.query_one("#from", Input)
        box.focus()
        await settle(pilot)
        before = box.value
        paste(pilot, "2025-01-01\n2025-12-31")
        await settle(pilot)
        assert box.value == before  # nothing half-pasted
        notices = " ".join(str(n.message) for n in app._notifications)
        assert _("ui.paste_refused", field=_("ui.from"), lines=2) in notices


async def test_the_filter_dialogs_search_their_places(many_places: Register):
    from tui_register.ui.screens.filter import FilterScreen
    from tui_register.ui.screens.picker import ChoicePicker

    app = make_app(many_places.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        await press(pilot, "tab")  # category -> place
        assert app.focused.id == "place"
        await settle(pilot)
        initials, (label, _uuid) = list(places_by_initials(app).items())[-1]
        burst(pilot, [*initials])
        await settle(pilot)
        assert isinstance(app.screen, ChoicePicker)
        await press(pilot, "enter")
        assert isinstance(app.screen, FilterScreen)
        assert app.focused.value == label.replace(" / ", "/")  # the filter keeps place paths


async def test_the_household_filter_takes_a_category_group(register: Register):
    """低保 in the filter's categories (offered first, as a group) lists the households of
    城市低保 and of 农村低保, each once, and the status line names the group."""
    from tui_register.storage.household_queries import HouseholdFilter, household_totals
    from tui_register.ui.screens.filter import FilterScreen
    from tui_register.ui.screens.picker import ChoicePicker

    both = household_totals(HouseholdFilter(category="dibao"))
    urban = household_totals(HouseholdFilter(category="urban_dibao"))
    rural = household_totals(HouseholdFilter(category="rural_dibao"))
    assert 0 < urban[0] < both[0] <= urban[0] + rural[0]
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        assert app.focused.id == "category"
        await type_text(pilot, "低保")
        assert isinstance(app.screen, ChoicePicker)
        assert compact(_("ui.category_group_option", name="低保", count=2)) in compact(screen_text(app))
        await press(pilot, "enter", "ctrl+s")
        status = _("ui.totals", households=f"{both[0]:,}", persons=f"{both[1]:,}")
        await wait_until(pilot, lambda: compact(status) in compact(screen_text(app)), "the group's totals")
        assert compact(_("ui.filter_category", name="低保")) in compact(screen_text(app))
        codes = {code for row in table_of(app).page_rows for code in row.category_codes}
        assert {"urban_dibao", "rural_dibao"} <= codes


async def test_keys_behind_a_choice_waiting_for_the_pinyin_wait_for_it(register: Register, monkeypatch):
    """`f 低保 Enter ^S` in one burst while the picker still reads its pinyin keys: Enter chooses
    the group once they are read, and ^S (typed after it) applies the filter. It used to reach
    the picker, which has no ^S, and was lost."""
    from tui_register.ui.screens import picker

    search_keys = picker.search_keys

    def slow_keys(label):
        time.sleep(0.02)  # some 30 choices: the choice waits about half a second
        return search_keys(label)

    monkeypatch.setattr(picker, "search_keys", slow_keys)
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["f", "低", "保", "enter", "ctrl+s"])
        await wait_until(pilot, lambda: compact(_("ui.filter_category", name="低保")) in compact(screen_text(app)),
                         "the group's filter applied")
        assert table_of(app).filter.category == "dibao"


async def test_keys_after_the_enter_that_opens_a_household_act_on_it(register: Register, slow_pages, monkeypatch):
    """`/name Enter Enter e` in one burst: the household opens and `e` edits it, although its
    details arrive after the `e` did."""
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.services import households as household_service

    detail = household_service.detail

    def slow_detail(*args, **kwargs):
        time.sleep(SLOW)
        return detail(*args, **kwargs)

    monkeypatch.setattr(household_service, "detail", slow_detail)
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["slash", *keys_of(TWO_CHAR_NAME), "enter", "enter", "e"])
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdForm), "the edit form")
        assert app.screen.household.uuid == register.two_char_uuid


async def test_keys_typed_behind_the_key_that_opens_a_form_land_in_its_fields(register: Register):
    """`n`, an address, Tab Tab, a phone, in one burst: the form opens and every character is
    in its field, as if typed after the form was there."""
    from tui_register.ui.forms.household import HouseholdForm

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["n", *"人民路99号", "tab", "tab", *"13800001111"])
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdForm), "the form")
        await settle(pilot)
        assert app.screen.query_one("#f-address").value == "人民路99号"
        assert app.screen.query_one("#f-phone").value == "13800001111"


@pytest.mark.parametrize("turns", range(6))
async def test_the_rest_of_a_burst_read_while_the_form_opens_stays_behind_its_first_key(register: Register, turns):
    """The terminal delivers `n` 人 in one read and the rest of the burst in a second one a
    moment later: 人, still on its way through the list when the form opened, goes into the
    form before 民路 (it once went behind them, into the phone: 民路99号, 138000人01111)."""
    from tui_register.ui.forms.household import HouseholdForm

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["n", "人"])
        for _turn in range(turns):  # the second read arrives at any point of the opening
            await asyncio.sleep(0)
        burst(pilot, [*"民路99号", "tab", "tab", *"13800001111"])
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdForm), "the form")
        await settle(pilot)
        assert app.screen.query_one("#f-address").value == "人民路99号"
        assert app.screen.query_one("#f-phone").value == "13800001111"



async def test_a_key_typed_behind_the_section_key_is_the_new_lists(register: Register):
    """`3` then `n` in one burst: the volunteer list opens and `n` makes a new volunteer; it
    once landed in the list's search box, which Textual focuses first as a screen opens."""
    from tui_register.ui.forms.volunteer import VolunteerForm

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot, ["3", "n"])
        await settle(pilot)
        assert isinstance(app.screen, VolunteerForm)
        assert app.screen_stack[-2].search.value == ""
