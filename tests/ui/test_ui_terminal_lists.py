"""The list keys in a real terminal (tmux at 80x24): a burst sent in one `tmux send-keys` call
ends on the same screen as the same keys sent one at a time with pauses.

The app runs as the command line starts it, with household pages slowed down (a launcher
script wraps the service) so that the burst arrives while a search is still being read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.terminal import Terminal, needs_tmux
from tests.support.ui import TWO_CHAR_ADDRESS, TWO_CHAR_NAME, build_register

pytestmark = pytest.mark.timeout(120)

LAUNCHER = """\
import sys
import time

from tui_register.ui.services import households as household_service

page = household_service.page


def slow_page(*args, **kwargs):
    time.sleep(0.3)  # a busy server
    return page(*args, **kwargs)


household_service.page = slow_page

from tui_register.cli import main

sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def command(tmp_path_factory) -> list[str]:
    """The command that opens the interface on a small register, with slow pages."""
    from tui_register.storage import staff
    from tui_register.storage.clock import current_login
    from tui_register.storage.register import open_register

    folder = tmp_path_factory.mktemp("terminal-lists")
    path = build_register(folder / "register.db", 300).path
    db = open_register(path, "alice", create=False)
    try:
        if current_login() != "alice":  # the login the terminal runs as: staff, no read-only notice
            staff.add_staff("alice", current_login(), "Test", "clerk")
    finally:
        db.close()
    launcher = folder / "slow_app.py"
    launcher.write_text(LAUNCHER)
    return [sys.executable, str(launcher), "--db", str(path), "--lang", "zh_CN"]


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


TMUX_KEYS = {"Enter", "Down", "Up", "Escape", "Space", "Tab", "End", "C-s"}


def run_keys(command: list[str], groups: list[list[str]], *, one_call: bool, until: str) -> str:
    """The screen after `groups` of keys: all in one send-keys call, or one call per key
    with the screen left to settle in between; `until` is text of the screen they open."""
    with Terminal.start(command, cwd=Path(command[1]).parent) as term:
        term.wait_for(_("ui.col_head"))
        term.settle()
        keys = [k for group in groups for k in group]
        if one_call:
            term.send(*keys)
        else:
            for k in keys:
                for single in [k] if k in TMUX_KEYS else list(k):  # text: one character at a time
                    term.send(single)
                    term.settle()
        term.wait_for(until)
        return term.settle()


@needs_tmux
@pytest.mark.parametrize("burst", [
    ["/", TWO_CHAR_NAME, "Enter", "Enter"],
    ["/", "zh", "Enter", "Down", "Enter"],
], ids=["search-enter-enter", "search-enter-down-enter"])
def test_a_burst_ends_where_slow_typing_ends(command: list[str], burst: list[str]):
    from tests.support.ui import open_db
    from tui_register.storage.household_queries import HouseholdFilter, household_page

    db_path = Path(command[command.index("--db") + 1])
    db = open_db(db_path)
    try:
        rows = household_page(HouseholdFilter(text=burst[1]), "place", limit=5)
    finally:
        db.close()
    opened = rows[1 if "Down" in burst else 0].address
    if TWO_CHAR_NAME in burst:
        assert opened == TWO_CHAR_ADDRESS

    slow = run_keys(command, [burst], one_call=False, until=opened)
    fast = run_keys(command, [burst], one_call=True, until=opened)
    assert fast == slow
    assert opened in "".join(fast.split())


@needs_tmux
def test_a_form_typed_in_one_burst_ends_as_typed_slowly(command: list[str]):
    """`n`, an address, Tab Tab, a phone: every character in its field, fast as slow."""
    burst = ["n", "人民路99号", "Tab", "Tab", "13800001111"]
    slow = run_keys(command, [burst], one_call=False, until="13800001111")
    fast = run_keys(command, [burst], one_call=True, until="13800001111")
    assert fast == slow
    assert "人民路99号" in "".join(fast.split())


@needs_tmux
def test_a_search_typed_behind_a_section_key_searches_the_section_it_opens(command: list[str]):
    """`6` Enter `/zh` Enter Down Down from the household list: the Payments section, its newest
    round, and the search in the round's lines (none match zh), fast as slow. In one burst `/`
    used to run on the household list while `6` still waited there, searching the households."""
    burst = ["6", "Enter", "/", "zh", "Enter", "Down", "Down"]
    slow = run_keys(command, [burst], one_call=False, until=_("pay.ui.no_lines"))
    fast = run_keys(command, [burst], one_call=True, until=_("pay.ui.no_lines"))
    assert fast == slow
    assert "zh" in fast


@needs_tmux
@pytest.mark.parametrize("burst", [
    ["/", "zh", "Escape", "Down", "Enter"],
    ["2", "f", "Escape", "Down", "Enter"],
], ids=["search-cleared-down-enter", "visit-filter-closed-down-enter"])
def test_keys_behind_a_closing_search_or_dialog_act_on_the_list_as_typed_slowly(command: list[str], burst):
    """Escape clears the search (the list is read again) or closes the visit filter (the list
    is read again as it comes back): the Down and Enter behind it open the list's second row,
    fast as slow. In one burst the Down went to the search box, or ran before the list was
    read again, and the first row opened."""
    slow = run_keys(command, [burst], one_call=False, until="户主:")
    fast = run_keys(command, [burst], one_call=True, until="户主:")
    assert fast == slow


@needs_tmux
def test_escape_then_a_section_key_in_one_burst_are_two_keys(command: list[str]):
    """`Down Enter b` (a household's account form), then Escape Escape `6 s` in one burst: the
    form and the household close, and the Payments section shows its standards, as typed slowly.
    In one read ESC 6 was taken for "§" (macOS's Option+6), and the section key was lost."""
    burst = ["Down", "Enter", "b", "Escape", "Escape", "6", "s"]
    slow = run_keys(command, [burst], one_call=False, until=_("pay.ui.standards_title"))
    fast = run_keys(command, [burst], one_call=True, until=_("pay.ui.standards_title"))
    assert fast == slow
