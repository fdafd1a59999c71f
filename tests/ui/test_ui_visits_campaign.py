"""Working a campaign under fast keys, exceptions, corrections and amounts (issue 10).

Pilot tests at 80x24 on a private copy of the visit register of `tests.support.visits`, plus a
campaign of 40 households made here (2026年七一前夕走访, ¥1,000 per household: the checklist's
page holds fewer rows than a burst of 24 Spaces), and one real-terminal test in tmux.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.support.terminal import Terminal, needs_tmux, program
from tests.support.ui import (
    ALICE,
    SIZE,
    TODAY,
    compact,
    copy_register,
    open_db,
    press,
    screen_text,
    settle,
    wait_until,
)
from tests.support.visits import (
    SNAP_CAMPAIGN,
    TARGET_CATEGORY,
    VisitRegister,
    build_visit_register,
    make_visit_app,
    type_chars,
)

pytestmark = pytest.mark.timeout(120)

BIG = "2026年七一前夕走访"
BIG_TARGETS = 40
BIG_CASH_FEN = 100000  # ¥1,000.00


@dataclass(frozen=True)
class Big:
    register: VisitRegister
    campaign_uuid: str
    targets: list[str]  # household UUIDs in the checklist's order


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[VisitRegister, str, list[str]]:
    from tui_register.domain.records import CampaignIn, validate
    from tui_register.storage import visits
    from tui_register.storage.models import database
    from tui_register.storage.visit_queries import households_for_targets

    reg = build_visit_register(tmp_path_factory.mktemp("ui-campaign") / "source.db")
    open_db(reg.path)
    try:
        targets = households_for_targets([], None)[:BIG_TARGETS]
        campaign = visits.create_campaign(ALICE, validate(CampaignIn, {
            "name": BIG, "start_date": "2026-06-29", "end_date": "2026-07-10", "purpose": "festival",
            "visitors": "王敏", "default_cash": "1000", "default_goods": "大米"}, today=TODAY), targets)
    finally:
        database.close()
    return reg, campaign.uuid, targets


@pytest.fixture
def big(built, tmp_path: Path):
    from dataclasses import replace

    from tui_register.storage.models import database

    reg, campaign_uuid, targets = built
    reg = replace(reg, path=copy_register(reg.path, tmp_path / "register.db"))
    open_db(reg.path)
    yield Big(reg, campaign_uuid, targets)
    if not database.is_closed():
        database.close()


# ---------------------------------------------------------------- small steps


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


def target_table(app):
    from tui_register.ui.widgets.visit_tables import TargetTable

    return app.screen.query_one(TargetTable)


def shown(app, widget_id: str) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def campaign_visits(campaign_uuid: str, household_uuid: str | None = None, *, counted: bool = True) -> list:
    from tui_register.storage.models import Campaign, Household, Visit

    query = Visit.select().join(Household).switch(Visit).join(Campaign).where(Campaign.uuid == campaign_uuid)
    if household_uuid:
        query = query.where(Household.uuid == household_uuid)
    if counted:
        query = query.where(Visit.counted())
    return list(query.order_by(Visit.id))


def checklist_line(app, household_uuid: str) -> str:
    """The checklist's line for a household, as the screen shows it (a long name is cut)."""
    rows = target_table(app).page_rows
    index = next(i for i, row in enumerate(rows) if row.household_uuid == household_uuid)
    lines = screen_text(app).splitlines()
    header = next(i for i, line in enumerate(lines) if _("ui.col_done") in line and _("ui.col_head") in line)
    return lines[header + 1 + index]


async def open_big_checklist(pilot) -> None:
    """Visits (2), campaigns (c): the newest, 2026年七一前夕走访, is first; Enter opens it."""
    from tui_register.ui.screens.campaigns import ChecklistScreen

    await settle(pilot)
    await press(pilot, "2", "c", "enter")
    assert isinstance(pilot.app.screen, ChecklistScreen) and pilot.app.screen.campaign.name == BIG


async def replace_text(pilot, text: str) -> None:
    await press(pilot, "end", "ctrl+u")
    await type_chars(pilot, text)


async def choose(pilot, typed: str) -> None:
    await press(pilot, "enter")
    await type_chars(pilot, typed)
    await press(pilot, "enter")


async def focus_field(pilot, name: str) -> None:
    """Tab to a field of the form, as a user does."""
    for _tab in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == f"f-{name}":
            return
        await press(pilot, "tab")
    raise AssertionError(f"no field {name}")


# ---------------------------------------------------------------- 1. a burst of Spaces


async def test_24_spaces_in_one_burst_record_24_households_in_order(big: Big):
    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        table = target_table(app)
        assert table.page_size < 24, "the burst must cross a page"

        await type_chars(pilot, " " * 24)  # one read: 24 key events queued at once

        visits = campaign_visits(big.campaign_uuid)
        assert len(visits) == 24
        assert [v.household.uuid for v in visits] == big.targets[:24], "in order, one each"
        assert {v.cash_fen for v in visits} == {BIG_CASH_FEN}
        # The cursor is on the 25th household, the progress says 24.
        assert table.current.household_uuid == big.targets[24]
        assert shown(app, "progress").startswith(_("ui.campaign_progress", visited=24, targets=BIG_TARGETS,
                                                   cash="¥24,000.00", budget=_("ui.no_budget"))[:12])
        assert f"24/{BIG_TARGETS}" in compact(screen_text(app))
        assert not [w for w in app.workers if not w.is_finished]


async def burst(pilot, *keys: str) -> None:
    """Key names (space, escape, G ...) queued at once, as one read from the terminal."""
    from tests.support.ui import _key_event

    for name in keys:
        event = _key_event(name)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
    await settle(pilot)


async def test_spaces_then_escape_in_one_burst_still_save_every_visit(big: Big):
    from tui_register.ui.screens.campaigns import CampaignsScreen

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        await burst(pilot, *["space"] * 20, "escape")
        assert isinstance(app.screen, CampaignsScreen)
        assert [v.household.uuid for v in campaign_visits(big.campaign_uuid)] == big.targets[:20]
        await wait_until(pilot, lambda: f"20/{BIG_TARGETS}" in compact(screen_text(app)), "the campaign list")


async def test_the_checklist_moves_like_every_list(big: Big):
    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        table = target_table(app)
        await press(pilot, "G")
        assert table.current.household_uuid == big.targets[-1]
        await press(pilot, "g")
        assert table.current.household_uuid == big.targets[0]
        await press(pilot, "end")
        assert table.current.household_uuid == big.targets[-1]
        await press(pilot, "home", "pagedown")
        assert table.current.household_uuid == big.targets[table.page_size]
        # Up past the top of the second page: the last row of the first.
        await press(pilot, "k")
        assert table.current.household_uuid == big.targets[table.page_size - 1]
        await press(pilot, "j", "pageup")
        assert table.current.household_uuid == big.targets[0]
        # Spaces typed after G in one burst act on the last rows, not on the first page.
        await type_chars(pilot, "G ")
        assert [v.household.uuid for v in campaign_visits(big.campaign_uuid)] == [big.targets[-1]]


# ---------------------------------------------------------------- 2. e on a visited row


async def test_e_on_a_visited_row_corrects_that_visit(big: Big):
    from tui_register.storage.models import ChangeLog
    from tui_register.ui.forms.visit import VisitForm
    from tui_register.ui.screens.campaigns import ChecklistScreen

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        table = target_table(app)
        await press(pilot, "space", "k")
        row = table.current
        assert row.household_uuid == big.targets[0] and row.visit_date == TODAY

        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, VisitForm)
        assert (form.values()["cash"], form.values()["goods"]) == ("1000.00", "大米")
        # The title says whose visit it is, and that it is a correction.
        assert compact(_("ui.form_edit_visit_for", name=row.head_name, address=row.address)) in compact(
            screen_text(app))
        await focus_field(pilot, "cash")
        await replace_text(pilot, "800")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ChecklistScreen)
        await settle(pilot)

        [visit] = campaign_visits(big.campaign_uuid, row.household_uuid, counted=False)
        assert (visit.cash_fen, visit.version) == (80000, 2)
        assert [(r.op, r.version, r.base_version) for r in ChangeLog.select().where(
            ChangeLog.uuid == visit.uuid).order_by(ChangeLog.seq)] == [("create", 1, 0), ("update", 2, 1)]
        assert table.current.household_uuid == row.household_uuid, "the cursor stays on the row corrected"
        assert "¥800.00" in compact(screen_text(app))
        assert f"1/{BIG_TARGETS}" in compact(shown(app, "progress"))


async def test_e_right_after_space_in_one_burst_opens_the_saved_visit(big: Big):
    from tui_register.ui.forms.visit import VisitForm

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        await burst(pilot, "space", "k", "e")
        form = app.screen
        assert isinstance(form, VisitForm)
        [visit] = campaign_visits(big.campaign_uuid, big.targets[0])
        assert form.record_uuid == visit.uuid and form.base_version == visit.version
        assert form.values()["cash"] == "1000.00"


async def test_correcting_a_visit_someone_changed_meanwhile_offers_their_version(big: Big):
    from tui_register.domain.records import VisitIn, validate
    from tui_register.storage.visits import update_visit
    from tui_register.ui.forms.visit import VisitForm
    from tui_register.ui.screens.dialogs import ConflictDialog

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        await press(pilot, "space", "k")
        [visit] = campaign_visits(big.campaign_uuid, target_table(app).current.household_uuid)
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, VisitForm) and form.base_version == 1
        # Bob corrects the same visit first.
        update_visit("bob", visit.uuid, 1, validate(VisitIn, {
            "household": visit.household.uuid, "campaign": big.campaign_uuid, "visit_date": TODAY.isoformat(),
            "visitors": "王敏", "purpose": "festival", "cash": "600", "goods": "大米"}))
        await focus_field(pilot, "cash")
        await replace_text(pilot, "800")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConflictDialog)
        await press(pilot, "r")  # reload theirs
        assert app.screen is form and form.values()["cash"] == "600.00" and form.base_version == 2
        await replace_text(pilot, "700")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        [visit] = campaign_visits(big.campaign_uuid, visit.household.uuid)
        assert (visit.cash_fen, visit.version, visit.updated_by) == (70000, 3, ALICE)


async def test_a_second_visit_through_the_form_is_refused_with_the_first_named(big: Big):
    """Even a form opened before the visit was saved (another clerk, or Space meanwhile) cannot
    pay the household twice: storage refuses it, the form keeps what was typed."""
    from tui_register.storage.models import Campaign
    from tui_register.ui.forms.visit import VisitForm

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        row = target_table(app).current
        await press(pilot, "e")
        assert isinstance(app.screen, VisitForm)
        # Meanwhile another clerk records the visit with the one key.
        from tui_register.storage.visits import campaign_visit

        campaign_visit("bob", big.campaign_uuid, row.household_uuid, TODAY)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, VisitForm)
        status = compact(shown(app, "form-status"))
        assert compact(_("storage.already_visited_campaign", date=TODAY.isoformat(), visitors="王敏",
                         cash="¥1,000.00")) == status
        assert app.screen.values()["cash"] == "1000.00"
        assert len(campaign_visits(big.campaign_uuid, row.household_uuid)) == 1
        assert Campaign.get(Campaign.uuid == big.campaign_uuid).default_cash_fen == BIG_CASH_FEN


# ---------------------------------------------------------------- 3. not at home, collected by someone else


async def test_not_reached_is_its_own_mark_and_stays_open(big: Big):
    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        table = target_table(app)
        row = table.current
        await press(pilot, "e")
        await focus_field(pilot, "outcome")
        await choose(pilot, "未遇")
        # Nobody met, nothing given: the campaign's cash and goods are cleared.
        assert (app.screen.values()["cash"], app.screen.values()["goods"]) == ("", "")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert compact(checklist_line(app, row.household_uuid)).startswith(_("ui.mark_not_reached") + "[bold]x")
        assert f"0/{BIG_TARGETS}" in compact(shown(app, "progress"))
        [attempt] = campaign_visits(big.campaign_uuid, row.household_uuid, counted=False)
        assert (attempt.outcome, attempt.cash_fen, attempt.goods) == ("not_reached", 0, "")

        # The household's own page lists the attempt as one, not as a visit.
        await press(pilot, "g", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "detail", None) is not None, "the household")
        visits_line = next(line for line in screen_text(app).splitlines()[1:] if TODAY.isoformat() in line)
        assert _("ui.mark_not_reached") in visits_line
        await press(pilot, "escape")
        await settle(pilot)

        # Open: back on it later, Space records the visit.
        await press(pilot, "g", "space")
        assert [v.outcome for v in campaign_visits(big.campaign_uuid, row.household_uuid)] == ["visited"]
        assert f"1/{BIG_TARGETS}" in compact(shown(app, "progress"))

        # The visit list shows both, the attempt marked in its cash column; the totals count one.
        from tui_register.ui.widgets.visit_tables import VisitTable

        await press(pilot, "escape", "escape")
        await settle(pilot)
        rows = app.screen.query_one(VisitTable).page_rows[:2]
        assert {r.outcome for r in rows} == {"visited", "not_reached"}
        attempt_line = screen_text(app).splitlines()[3 + [r.outcome for r in rows].index("not_reached")]
        assert compact(attempt_line).endswith("节日慰问" + _("ui.mark_not_reached") + "王敏")


async def test_collected_by_someone_else_needs_the_collectors_name(big: Big):
    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        row = target_table(app).current
        await press(pilot, "e")
        await focus_field(pilot, "outcome")
        await choose(pilot, "代领")
        await press(pilot, "ctrl+s")
        assert compact(_("err.collector_required")) in compact(screen_text(app))
        await focus_field(pilot, "collector")
        await type_chars(pilot, "张小华")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        [visit] = campaign_visits(big.campaign_uuid, row.household_uuid)
        assert (visit.outcome, visit.collector, visit.cash_fen) == ("proxy", "张小华", BIG_CASH_FEN)
        assert compact(checklist_line(app, row.household_uuid)).startswith(_("ui.mark_proxy") + "[bold]x")


# ---------------------------------------------------------------- 4. an amount far from the usual


@pytest.mark.parametrize("typed, reason", [
    ("50000", ("ui.cash_above_standard", {"factor": 5, "standard": "¥1,000.00"})),
    ("2500", ("ui.cash_above_ceiling", {"ceiling": "¥2,000.00"})),
])
async def test_an_unusual_amount_is_asked_about(big: Big, typed: str, reason):
    from tui_register.ui.forms.visit import VisitForm
    from tui_register.ui.screens.campaigns import ChecklistScreen
    from tui_register.ui.screens.dialogs import ConfirmDialog

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        row = target_table(app).current
        await press(pilot, "e")
        await focus_field(pilot, "cash")
        await replace_text(pilot, typed)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        text = compact(screen_text(app))
        key, params = reason
        assert compact(_("ui.confirm_cash", cash=f"¥{int(typed):,}.00")) in text and compact(_(key, **params)) in text
        # No: back in the form, the amount as typed, nothing saved.
        await press(pilot, "n")
        assert isinstance(app.screen, VisitForm) and app.screen.values()["cash"] == typed
        assert app.focused.id == "f-cash"
        assert campaign_visits(big.campaign_uuid, row.household_uuid) == []
        # Yes saves it.
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        [visit] = campaign_visits(big.campaign_uuid, row.household_uuid)
        assert visit.cash_fen == int(typed) * 100


async def test_the_usual_amount_is_saved_without_a_question(big: Big):
    from tui_register.ui.screens.campaigns import ChecklistScreen

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        row = target_table(app).current
        await press(pilot, "e")
        await focus_field(pilot, "cash")
        await replace_text(pilot, "1500")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        assert [v.cash_fen for v in campaign_visits(big.campaign_uuid, row.household_uuid)] == [150000]


# ---------------------------------------------------------------- 5. whose visit it is


async def test_the_visit_and_void_forms_name_the_household(big: Big):
    from tui_register.storage.models import Household
    from tui_register.ui.forms.visit import VisitForm, VoidVisitForm

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_big_checklist(pilot)
        row = target_table(app).current
        await press(pilot, "e")
        assert isinstance(app.screen, VisitForm)
        title = compact(_("ui.form_new_visit_for", name=row.head_name, address=row.address))
        assert title in compact(screen_text(app))
        await press(pilot, "ctrl+s")
        await settle(pilot)

        # Void it from the visit list: the dialog names the household and the visit's date.
        await press(pilot, "escape", "escape", "escape")
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, VoidVisitForm)
        household = Household.get(Household.uuid == row.household_uuid)
        assert compact(_("ui.form_void_visit_for", name=household.head_name, address=household.address,
                         date=TODAY.isoformat())) in compact(screen_text(app))


async def test_a_visit_form_opened_with_only_the_households_id_reads_its_name(big: Big):
    from tui_register.storage.models import Household
    from tui_register.ui.forms.visit import VisitForm

    household = Household.get(Household.uuid == big.targets[5])
    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(VisitForm(household.uuid, today=TODAY))
        await settle(pilot)
        assert compact(_("ui.form_new_visit_for", name=household.head_name, address=household.address)) in compact(
            screen_text(app))


# ---------------------------------------------------------------- 6. the campaign form's count, the filter line


async def test_the_campaign_form_counts_its_target_list_as_the_filter_changes(big: Big):
    from tui_register.storage.visit_queries import households_for_targets
    from tui_register.ui.forms.campaign import CampaignForm

    everyone = len(households_for_targets([], None))
    veterans = len(households_for_targets([TARGET_CATEGORY], None))
    assert 0 < veterans < everyone
    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "c", "n")
        assert isinstance(app.screen, CampaignForm)
        await settle(pilot)
        assert compact(_("ui.campaign_target_count", n=f"{everyone:,}")) in compact(screen_text(app))
        await focus_field(pilot, "target_category")
        await choose(pilot, "退役军人")
        await settle(pilot)
        assert shown(app, "target-count") == _("ui.campaign_target_count", n=f"{veterans:,}")
        assert compact(shown(app, "target-count")) in compact(screen_text(app))


async def test_the_visits_filter_line_names_the_campaign(big: Big):
    from tui_register.ui.screens.visits import VisitFilterScreen

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "f")
        assert isinstance(app.screen, VisitFilterScreen)
        await settle(pilot)
        for _tab in range(6):
            await press(pilot, "tab")
        assert app.focused.id == "campaign"
        await choose(pilot, SNAP_CAMPAIGN)  # a prefix other campaigns share lists them all
        await press(pilot, "ctrl+s")
        await settle(pilot)
        line = shown(app, "visit-filter")
        assert SNAP_CAMPAIGN in line and _("ui.filter_campaign") not in line
        assert SNAP_CAMPAIGN in screen_text(app).splitlines()[1]


# ---------------------------------------------------------------- 7. a real terminal


def _terminal_register(path: Path, households: int = 40) -> tuple[str, list[str]]:
    """A register whose first supervisor is this OS login (the program runs as it), with a
    campaign of 30 households started yesterday."""
    from tui_register import demo
    from tui_register.domain.records import CampaignIn, validate
    from tui_register.storage import visits
    from tui_register.storage.clock import current_login
    from tui_register.storage.models import database
    from tui_register.storage.register import open_register
    from tui_register.storage.visit_queries import households_for_targets

    today = date.today()
    db = open_register(path, current_login())
    try:
        demo.generate(households, seed=3, user=current_login(), until=today - timedelta(days=3))
        targets = households_for_targets([], None)[:30]
        campaign = visits.create_campaign(current_login(), validate(CampaignIn, {
            "name": "终端测试走访", "start_date": (today - timedelta(days=1)).isoformat(),
            "end_date": (today + timedelta(days=10)).isoformat(), "purpose": "festival", "visitors": "王敏",
            "default_cash": "500"}, today=today), targets)
        return campaign.uuid, targets
    finally:
        database.close()
        db.close()


@needs_tmux
def test_24_spaces_in_one_tmux_send_keys_record_24_visits(tmp_path: Path):
    path = tmp_path / "register.db"
    campaign_uuid, targets = _terminal_register(path)
    with Terminal.start(program("--db", str(path), "--lang", "zh_CN"), cwd=tmp_path) as term:
        term.wait_for("户主")
        term.send("2")
        term.wait_for("人次")
        term.send("c")
        term.wait_for("终端测试走访")
        term.send("Enter")
        term.wait_for("已走访 0/30")
        term.send(*["Space"] * 24)  # one burst

        def recorded() -> int:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                return conn.execute("SELECT count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                    "WHERE c.uuid = ? AND v.status = 'valid'", (campaign_uuid,)).fetchone()[0]

        screen = term.wait_for("已走访 24/30")
        assert recorded() == 24
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            visited = [u for (u,) in conn.execute(
                "SELECT h.uuid FROM visit v JOIN household h ON h.id = v.household_id "
                "JOIN campaign c ON c.id = v.campaign_id WHERE c.uuid = ? ORDER BY v.id", (campaign_uuid,))]
        assert visited == targets[:24]
        assert len(screen.splitlines()) == 24 and all(len(line) <= 80 for line in screen.splitlines())
        term.send("Escape", "Escape", "Escape", "C-q")


async def test_a_space_typed_behind_the_enter_that_opens_the_checklist_ticks_its_first_row(big: Big):
    """Enter on a campaign and Space in one burst: the checklist opens and the Space records
    its first household. Textual focuses the search box first as a screen opens: the Space
    once went into the search text."""
    from tui_register.ui.screens.campaigns import ChecklistScreen

    app = make_visit_app(big.register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "c")
        await burst(pilot, "enter", "space")
        await wait_until(pilot, lambda: campaign_visits(big.campaign_uuid), "the visit")
        assert isinstance(app.screen, ChecklistScreen) and app.screen.search.value == ""
        assert [v.household.uuid for v in campaign_visits(big.campaign_uuid)] == big.targets[:1]
