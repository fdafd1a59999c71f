"""Pilot and snapshot tests of the volunteer register (志愿服务) at 80x24.

The register is a small demo (its generated volunteers and activities) plus three
volunteers the tests add to activities by typing names and pinyin initials.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.builder import RegisterBuilder
from tests.support.ui import (
    ALICE,
    SIZE,
    build_register,
    compact,
    copy_register,
    make_app,
    press,
    screen_text,
    settle,
    type_text,
)

pytestmark = pytest.mark.timeout(60)

# Added after the demo data; typed below as initials, a part of the name, initials.
NIE, OUYANG, SIMA = "聂芸", "欧阳明远", "司马光"


@dataclass(frozen=True)
class Built:
    path: Path
    uuids: dict[str, str]  # volunteer name -> uuid


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    path = build_register(tmp_path_factory.mktemp("ui-volunteers") / "source.db", 40, extras=False)
    with RegisterBuilder(path, ALICE, create=False) as build:
        uuids = {name: build.volunteer(name, phone=phone, organisation="网格队").uuid
                 for name, phone in ((NIE, "13800001111"), (OUYANG, "13800002222"), (SIMA, "13800003333"))}
    return Built(path, uuids)


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


def log_rows(uuid: str) -> list[tuple[str, str, int]]:
    from tui_register.storage.models import ChangeLog

    return [(r.op, r.user, r.version) for r in ChangeLog.select().where(ChangeLog.uuid == uuid).order_by(ChangeLog.seq)]


def participants(app) -> list[tuple[str, int]]:
    from tui_register.ui.screens.activity_detail import ParticipantTable

    return [(row.name, row.tenths) for row in app.screen.query_one(ParticipantTable).page_rows]


async def add_participant(pilot, typed: str) -> None:
    await type_text(pilot, typed)
    await press(pilot, "enter")


async def new_activity(pilot, title: str, hours: str) -> None:
    """From the volunteer list: the activity list, a new activity, saved."""
    from tui_register.ui.forms.activity import ActivityForm
    from tui_register.ui.screens.activity_detail import ActivityDetailScreen

    await press(pilot, "a", "n")
    assert isinstance(pilot.app.screen, ActivityForm)
    await pilot.press("end", "ctrl+u")
    for value in ("2026-06-28", title, "拥军", "西关社区", "城关街道", "某部三营", hours):
        await type_text(pilot, value)
        await press(pilot, "tab")
    await press(pilot, "ctrl+s")
    assert isinstance(pilot.app.screen, ActivityDetailScreen)
    assert pilot.app.focused.id == "add"


# ---------------------------------------------------------------- volunteers


async def organisation_after(pilot, typed: str) -> str:
    """A new volunteer form's organisation after typing `typed` and Right (takes what is offered)."""
    from tui_register.ui.forms.volunteer import VolunteerForm

    await press(pilot, "n")
    form = pilot.app.screen
    assert isinstance(form, VolunteerForm)
    form.query_one("#f-organisation").focus()
    await type_text(pilot, typed)
    await press(pilot, "right")
    value = form.values()["organisation"]
    await press(pilot, "escape", "y")  # left unsaved
    return value


async def test_a_second_app_does_not_offer_the_first_ones_organisations(built: Built, register: Built,
                                                                         tmp_path: Path):
    first = make_app(register.path)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3", "n")
        await type_text(pilot, "韩梅梅")
        await press(pilot, "tab")
        await type_text(pilot, "13912345678")
        await press(pilot, "tab")
        await type_text(pilot, "青松志愿队")
        await press(pilot, "ctrl+s", "escape")
        assert await organisation_after(pilot, "青") == "青松志愿队"

    second = make_app(copy_register(built.path, tmp_path / "other.db"))
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        assert await organisation_after(pilot, "青") == "青"
        assert await organisation_after(pilot, "团") == "团员青年"  # the defaults stay


async def test_a_save_while_another_program_has_the_turn_says_busy_and_keeps_the_form(register: Built):
    from tests.support.records import LockHolder
    from tui_register.storage.models import Volunteer, database
    from tui_register.ui.forms.volunteer import VolunteerForm

    app = make_app(register.path)
    database.obj.timeout = 0.2  # the busy timeout (10 s in use), cut short for the test
    holder = LockHolder(Path(f"{register.path}.lock"))  # another program's write never ends
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "3", "n")
            await type_text(pilot, "韩梅梅")
            await press(pilot, "tab")
            await type_text(pilot, "13912345678")
            await press(pilot, "ctrl+s")
            form = app.screen
            assert isinstance(form, VolunteerForm)
            assert compact(_("storage.busy")) in compact(screen_text(app))
            assert (form.values()["name"], form.values()["phone"]) == ("韩梅梅", "13912345678")
            assert Volunteer.select().where(Volunteer.name == "韩梅梅").count() == 0

            holder.release()
            await press(pilot, "ctrl+s")  # the same form, saved again
            assert not isinstance(app.screen, VolunteerForm)
            assert Volunteer.select().where(Volunteer.name == "韩梅梅").count() == 1
    finally:
        holder.release()


async def test_create_a_volunteer_and_find_it(register: Built):
    from tui_register.storage.models import Volunteer
    from tui_register.ui.forms.volunteer import VolunteerForm
    from tui_register.ui.screens.volunteer_detail import VolunteerDetailScreen
    from tui_register.ui.screens.volunteers import VolunteersScreen, VolunteerTable

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        assert isinstance(app.screen, VolunteersScreen)
        assert _("vol.volunteer_count", n=Volunteer.select().count()) in screen_text(app)
        await press(pilot, "n")
        assert isinstance(app.screen, VolunteerForm)
        await type_text(pilot, "韩梅梅")
        await press(pilot, "tab")
        await type_text(pilot, "13912345678")
        await press(pilot, "tab")
        await type_text(pilot, "团")
        await press(pilot, "right")  # takes the remembered 团员青年
        assert app.screen.values()["organisation"] == "团员青年"
        await press(pilot, "ctrl+s")

        assert isinstance(app.screen, VolunteerDetailScreen)
        saved = Volunteer.get(Volunteer.uuid == app.screen.uuid)
        assert (saved.name, saved.phone, saved.organisation, saved.name_initials) == (
            "韩梅梅", "13912345678", "团员青年", "hmm")
        assert log_rows(saved.uuid) == [("create", ALICE, 1)]
        text = compact(screen_text(app))
        assert "韩梅梅" in text and "13912345678" in text
        assert compact(_("vol.total_line", n=0, hours="0.0")) in text

        # On the list, found by its initials, the phone masked.
        await press(pilot, "escape", "slash")
        await type_text(pilot, "hmm")
        assert [row.name for row in app.screen.query_one(VolunteerTable).page_rows] == ["韩梅梅"]
        assert "139****5678" in screen_text(app)


# ---------------------------------------------------------------- an activity


async def test_activity_with_three_participants_and_edited_hours(register: Built):
    from tui_register.storage.models import Activity, Participation, Volunteer
    from tui_register.ui.screens.activity_hours import HoursDialog
    from tui_register.ui.screens.volunteer_detail import VolunteerDetailScreen
    from tui_register.ui.screens.volunteers import VolunteerTable

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await new_activity(pilot, "八一拥军慰问演出", "2.5")
        activity = Activity.get(Activity.uuid == app.screen.uuid)
        assert (activity.title, activity.partner_unit, activity.default_hours_tenths) == (
            "八一拥军慰问演出", "某部三营", 25)

        # Matches show as the name is typed; Enter adds the first, the input stays for the next.
        await type_text(pilot, "ny")
        assert NIE in screen_text(app)
        await press(pilot, "enter")
        assert app.focused.id == "add" and app.focused.value == ""
        await add_participant(pilot, "欧阳")
        await add_participant(pilot, "smg")
        assert participants(app) == [(NIE, 25), (OUYANG, 25), (SIMA, 25)]
        assert _("vol.activity_totals", n=3, hours="7.5") in screen_text(app)

        # The same volunteer twice: refused with the storage layer's message.
        await add_participant(pilot, "nieyun")
        assert compact(_("storage.already_participant", name=NIE)) in compact(screen_text(app))
        assert len(participants(app)) == 3

        # Down to the list (on the newest), up to 欧阳明远, h, type the hours, Enter.
        await press(pilot, "down", "up", "h")
        assert isinstance(app.screen, HoursDialog)
        await type_text(pilot, "4")
        await press(pilot, "enter")
        assert participants(app) == [(NIE, 25), (OUYANG, 40), (SIMA, 25)]
        assert _("vol.activity_totals", n=3, hours="9.0") in screen_text(app)

        rows = {p.volunteer.name: p for p in Participation.select().where(Participation.activity == activity)}
        assert {name: p.hours_tenths for name, p in rows.items()} == {NIE: 25, OUYANG: 40, SIMA: 25}
        assert log_rows(activity.uuid) == [("create", ALICE, 1)]
        assert log_rows(rows[OUYANG].uuid) == [("create", ALICE, 1), ("update", ALICE, 2)]
        assert log_rows(rows[NIE].uuid) == log_rows(rows[SIMA].uuid) == [("create", ALICE, 1)]

        # Back to the volunteers: 欧阳明远's hours this year and per year say 4.0.
        await press(pilot, "escape", "escape", "slash")
        await type_text(pilot, "oymy")
        [row] = app.screen.query_one(VolunteerTable).page_rows
        assert (row.name, row.year_tenths) == (OUYANG, 40)
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, VolunteerDetailScreen)
        text = compact(screen_text(app))
        assert compact(_("vol.year_line", year=2026, n=1, hours="4.0")) in text
        assert compact(_("vol.total_line", n=1, hours="4.0")) in text
        assert "八一拥军慰问演出" in text
        assert Volunteer.get(Volunteer.uuid == register.uuids[OUYANG]).version == 1


async def test_without_default_hours_the_hours_are_asked(register: Built):
    from tui_register.ui.screens.activity_hours import HoursDialog

    app = make_app(register.path, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await new_activity(pilot, "Park clean-up", "")
        await add_participant(pilot, "smg")
        assert isinstance(app.screen, HoursDialog)
        await type_text(pilot, "30")
        await press(pilot, "enter")
        assert app.screen.query_one("#hours-error").render().plain == _("err.hours_range")
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "3")
        await press(pilot, "enter")
        assert participants(app) == [(SIMA, 30)]
        assert app.focused.id == "add"
        # A name nobody has: said so, nothing added.
        await add_participant(pilot, "zzzz")
        assert _("vol.no_match", text="zzzz") in screen_text(app)
        assert participants(app) == [(SIMA, 30)]


async def test_names_typed_in_one_burst_are_added_in_order(register: Built):
    """Over a slow link "ny⏎smg⏎oymy⏎" arrives in one read: each Enter takes the name typed
    before it, whether or not its matches have been shown yet."""
    from textual import events
    from textual.keys import _character_to_key

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3", "a", "enter")  # the newest demo activity
        before = participants(app)
        from tui_register.storage.models import Activity

        default = Activity.get(Activity.uuid == app.screen.uuid).default_hours_tenths
        for ch in "ny\rsmg\roymy\r":
            key = "enter" if ch == "\r" else _character_to_key(ch)
            app.post_message(events.Key(key, ch))
        await settle(pilot)
        assert participants(app)[-3:] == [(NIE, default), (SIMA, default), (OUYANG, default)]
        total = sum(tenths for _name, tenths in before) + 3 * default
        assert _("vol.activity_totals", n=len(before) + 3, hours=f"{total / 10:.1f}") in screen_text(app)


# ---------------------------------------------------------------- snapshots


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_activity_form_snapshot(register: Built, snap_compare, language: str):
    async def open_form(pilot) -> None:
        await settle(pilot)
        await press(pilot, "3", "a", "n")

    assert snap_compare(make_app(register.path, language=language), terminal_size=SIZE, run_before=open_form)


async def test_edit_a_volunteer(register: Built):
    from tui_register.storage.models import Volunteer
    from tui_register.ui.forms.volunteer import VolunteerForm
    from tui_register.ui.screens.volunteer_detail import VolunteerDetailScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3", "slash")
        await type_text(pilot, "smg")
        await press(pilot, "enter", "enter", "e")
        form = app.screen
        assert isinstance(form, VolunteerForm)
        assert form.values()["name"] == SIMA
        await press(pilot, "tab", "tab")
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "妇联")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, VolunteerDetailScreen)
        assert compact(_("vol.organisation") + ":妇联") in compact(screen_text(app))
        saved = Volunteer.get(Volunteer.uuid == register.uuids[SIMA])
        assert (saved.organisation, saved.version, saved.updated_by) == ("妇联", 2, ALICE)
        assert log_rows(saved.uuid) == [("create", ALICE, 1), ("update", ALICE, 2)]


async def test_remove_a_participant_added_by_mistake(register: Built):
    from tui_register.storage.models import Activity, Participation, Volunteer
    from tui_register.ui.screens.dialogs import ConfirmDialog

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await new_activity(pilot, "环境整治", "2")
        activity = Activity.get(Activity.uuid == app.screen.uuid)
        await add_participant(pilot, "ny")
        await add_participant(pilot, "smg")
        await press(pilot, "down", "x")  # on the newest: 司马光
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        assert participants(app) == [(NIE, 20)]
        assert _("vol.activity_totals", n=1, hours="2.0") in screen_text(app)
        removed = (Participation.select().join(Volunteer)
                   .where(Volunteer.uuid == register.uuids[SIMA], Participation.activity == activity).get())
        assert (removed.status, log_rows(removed.uuid)) == ("voided", [("create", ALICE, 1), ("status", ALICE, 2)])
        # Added again after all: the same record, valid again.
        await press(pilot, "a")
        await add_participant(pilot, "smg")
        assert participants(app) == [(NIE, 20), (SIMA, 20)]
        assert Participation.get_by_id(removed.id).status == "valid"


async def test_a_pasted_list_of_names_adds_each_participant(register: Built):
    """A column copied from a sign-in sheet: each line is a name entered, in order."""
    from textual import events

    from tui_register.storage.models import Activity

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await new_activity(pilot, "重阳节敬老", "2")
        Activity.get(Activity.uuid == app.screen.uuid)
        assert app.focused.id == "add"
        app.post_message(events.Paste(f"{NIE}\r\n\x1b[31m{OUYANG}\x1b[0m\r\n{SIMA}\r\n"))
        await settle(pilot)
        assert participants(app) == [(NIE, 20), (OUYANG, 20), (SIMA, 20)]
        assert app.focused.id == "add" and app.focused.value == ""
