"""Helpers for the interface tests: a small deterministic register, the app, the screen's text.

The register is the demo data (fixed seed and end date) plus a few households the tests
look for by name, written with `tests.support.builder.RegisterBuilder`; tests/ui/conftest.py
builds it once per session and copies it per test (the copy is taken with the database
closed, so nothing is copied while live). The app always gets a fixed
`today`, so that what it draws does not depend on the day the tests run.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console

from tests.support.builder import RegisterBuilder
from tests.support.records import ALICE, resident_id  # the interface tests import them from here too

BOB = "bob"  # a clerk: the other user of the conflict test
STRANGER = "mallory"  # a login not on the staff list (read-only)
OFFICE = "城关街道民政办"
UNTIL = date(2026, 6, 30)  # the demo data's last day
TODAY = date(2026, 6, 30)  # the app's fixed "today"
SEED = 1
SIZE = (80, 24)

# Households the tests look for (added after the demo data).
TWO_CHAR_NAME = "聂芸"  # pinyin nieyun, initials ny; no demo name starts with n
TWO_CHAR_ADDRESS = "幸福巷9号"
ID_HOLDER_NAME = "欧阳明远"
ID_HOLDER_ADDRESS = "测试大道88号"
MARKUP_NAME = "[bold]x[/]"
MARKUP_ADDRESS = "标记测试路1号"
ESCAPE_NAME = "坏\x1b[31m红"  # stored raw (as if imported); the domain refuses it when typed
ESCAPE_ADDRESS = "转义测试路2号"


@dataclass(frozen=True)
class Register:
    """A built register file and what the tests need to know about it."""

    path: Path
    two_char_uuid: str
    id_holder_uuid: str
    id_holder_id: str
    markup_uuid: str
    markup_id: str  # the ID number of the "[bold]x[/]" head (to provoke a duplicate)
    escape_uuid: str


def add_household(place: str, address: str, head_name: str, id_number: str = "", user: str = ALICE):
    """A household whose head is `head_name` (a woman born 1956-03-04 unless `id_number` says
    otherwise), in the register the storage layer is bound to."""
    from tui_register.storage.models import database

    return RegisterBuilder(database.obj, user).household(place, address, head_name, id_number=id_number,
                                                         sex="F", birth=date(1956, 3, 4))


def build_register(path: Path, households: int, *, extras: bool = True) -> Register | Path:
    """A register at `path`: demo data, the clerk bob, and (with `extras`) the test households."""
    with RegisterBuilder(path, ALICE) as build:
        build.demo(households, seed=SEED, until=UNTIL)
        build.staff(BOB, "Bob", "clerk")
        made = _test_households(path) if extras else path
    wal = Path(str(path) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    return made


def _test_households(path: Path) -> Register:
    """The households the tests look for by name, in the first grid."""
    from tui_register.storage.models import Person, Place, database

    grid = Place.select().where(Place.level == "grid").order_by(Place.code).first()
    two = add_household(grid.uuid, TWO_CHAR_ADDRESS, TWO_CHAR_NAME)
    holder_id = resident_id(date(1961, 8, 17), 273)
    holder = add_household(grid.uuid, ID_HOLDER_ADDRESS, ID_HOLDER_NAME, holder_id)
    markup_id = resident_id(date(1970, 1, 2), 515)
    markup = add_household(grid.uuid, MARKUP_ADDRESS, MARKUP_NAME, markup_id)
    escape = add_household(grid.uuid, ESCAPE_ADDRESS, "坏红")
    # A name with an escape sequence, as an import or a sync could deliver it.
    database.execute_sql("UPDATE person SET name = ? WHERE id = ?", (ESCAPE_NAME, escape.head_id))
    database.execute_sql("UPDATE household SET head_name = ? WHERE id = ?", (ESCAPE_NAME, escape.id))
    assert Person.get_by_id(escape.head_id).name == ESCAPE_NAME
    return Register(path, two.uuid, holder.uuid, holder_id, markup.uuid, markup_id, escape.uuid)


def copy_register(source: Path, dest: Path) -> Path:
    """A private copy of a closed register file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return dest


def settings_for(path: Path, language: str = "zh_CN"):
    from tui_register.config import load_settings

    return load_settings(None, environ={}, overrides={"db_path": str(path), "language": language,
                                                      "office_name": OFFICE}, cwd=path.parent)


def open_db(path: Path):
    """Bind the storage layer to the register at `path` (once; reused if already bound)."""
    from tui_register.storage.models import database
    from tui_register.storage.register import open_register

    current = database.obj
    if current is not None and current.database == str(path) and not current.is_closed():
        return current
    return open_register(path, ALICE, create=False)


def make_app(path: Path, user: str = ALICE, *, language: str = "zh_CN", today: date = TODAY):
    """A RegisterApp for `user` (its role as the staff list says) on the register at `path`."""
    from tui_register.i18n import set_language
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.services import staff as staff_service

    set_language(language)
    open_db(path)
    return RegisterApp(settings_for(path, language), user, staff_service.role_of(user), today=today)


# ---------------------------------------------------------------- waiting


async def settle(pilot, rounds: int = 50) -> None:
    """Until no worker runs and no message waits: a worker's result may start another worker.

    `pause(0)` only drains the queued messages; one idle wait at the end lets the screen draw.
    """
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(rounds):
        await pilot.pause(0)
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # superseded by a newer one (exclusive workers): look again
            pass
        await pilot.pause(0)
        # A worker just started is PENDING (not yet "running"): wait for every unfinished one.
        if all(w.is_finished for w in app.workers):
            await pilot.pause()
            if not _pending(app):
                return
    raise AssertionError("the interface did not settle")


def _pending(app) -> bool:
    """Whether a message or a deferred callback still waits on the app or its screen: what
    the last pause started (the footer recomposes after a refresh, once a pushed screen's
    bindings are known) is not done yet."""
    try:
        screen = app.screen
    except Exception:  # noqa: BLE001 - no screen (the app is closing): nothing to wait for
        return False
    pumps = [app, *screen.walk_children(with_self=True)]
    if app.keys_waiting or any(not w.is_finished for w in app.workers):
        return True  # keys still to be handed on, one after the other; a page a key asked for
    return bool(screen._callbacks) or any(p.message_queue_size or p._next_callbacks for p in pumps)


async def wait_until(pilot, predicate, what: str = "", timeout: float = 5.0) -> None:
    """Until `predicate()` holds (for results that arrive after a timer, such as totals)."""
    loop_time = asyncio.get_running_loop().time
    deadline = loop_time() + timeout
    while not predicate():
        if loop_time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.05)
        await settle(pilot)


def _key_event(key: str):
    """The key event a terminal sends for `key` (a key name such as "ctrl+s", or a character)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1:  # a typed character: as Textual's input parser makes it (、 and ， too)
        return events.Key(_character_to_key(key), key)
    # A key name: as Textual's own Pilot.press does (textual/app.py, App._press_keys).
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def _send(app, key: str) -> None:
    event = _key_event(key)
    event.set_sender(app)
    app.post_message(event)  # where the driver delivers what the terminal sends


async def press(pilot, *keys: str) -> None:
    """Press keys one at a time, each followed by what it started (as Pilot.press, but
    waiting once per key instead of three times: the suite runs on a busy 2-core machine)."""
    for key in keys:
        _send(pilot.app, key)
        await settle(pilot)


async def type_text(pilot, text: str) -> None:
    """Type `text` in one burst, as a fast typist (or a slow link delivering one read) does.

    Each character is a key event, queued at once in order (Chinese characters included, as
    an IME commits them); then wait for what they started.
    """
    for ch in text:
        _send(pilot.app, ch)
    await settle(pilot)


# ---------------------------------------------------------------- reading the screen


def screen_text(app) -> str:
    """What the terminal shows now (every screen layer), as plain text lines."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def screen_segments(app) -> list[str]:
    """The text of every segment drawn (to look for control characters reaching the terminal)."""
    out: list[str] = []
    for strip in app.screen._compositor.render_strips():
        out.extend(segment.text for segment in strip)
    return out


def toast_texts(app) -> list[str]:
    """The texts of the notices (toasts) on screen; run the app with `notifications=True`."""
    from textual.widgets._toast import Toast

    return [str(toast.render()) for toast in app.screen.query(Toast)]


def compact(text: str) -> str:
    """Screen text without spaces (Chinese text may be padded or cut differently)."""
    return "".join(text.split())
