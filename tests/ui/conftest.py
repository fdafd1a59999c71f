"""Fixtures of the interface tests.

The registers are built once per session (`ui_register`, `ui_visit_register`) and each test
works on a private copy (`register`, a copy of the module's `built`), taken with the source
closed.

Every test here runs under a guard: SQL that the interface itself runs on the event loop
(the main thread) fails the test, listing each statement and the interface lines that ran
it. Screens reach storage only from worker threads; the tests' own reads (on the main
thread, outside the app) are not the interface's and are not counted.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import textual

from tests.support.ui import Register, build_register, copy_register, open_db
from tests.support.visits import VisitRegister, build_visit_register
from tui_register import ui as ui_package


# Whose code a frame is: the interface's (it runs on the event loop) or the tests'.
def _folder(path: Path) -> str:
    return str(path.resolve()) + os.sep


_TESTS_DIR = _folder(Path(__file__).parents[1])
_UI_DIR = _folder(Path(ui_package.__file__).parent)
_SERVICES_DIR = _folder(Path(ui_package.__file__).parent / "services")
_TEXTUAL_DIR = _folder(Path(textual.__file__).parent)


class QueriesOnTheEventLoop:
    """Records the SQL the interface runs on the main thread while `on` is set."""

    def __init__(self) -> None:
        self.on = True
        self.calls: list[str] = []

    def check(self, sql: str) -> None:
        if not self.on or threading.current_thread() is not threading.main_thread():
            return
        where = _interface_lines(sys._getframe(2))
        if where:
            self.calls.append(sql[:60] + " <- " + " | ".join(where[:2]))

    def report(self) -> str:
        return f"{len(self.calls)} SQL statements ran on the event loop:\n" + "\n".join(self.calls)


def _interface_lines(frame) -> list[str]:
    """The interface's own lines (innermost first) above the storage and service frames that
    run a statement; [] when the nearest caller is a test (its own read, not the app's)."""
    lines: list[str] = []
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_TESTS_DIR):
            return lines
        if name.startswith(_UI_DIR) and not name.startswith(_SERVICES_DIR):
            lines.append(f"{Path(name).name}:{frame.f_lineno} {frame.f_code.co_name}")
        elif name.startswith(_TEXTUAL_DIR) and not lines:
            lines.append(f"textual {Path(name).name}:{frame.f_lineno} {frame.f_code.co_name}")
        frame = frame.f_back
    return lines


@pytest.fixture(autouse=True)
def queries_on_the_event_loop(monkeypatch) -> QueriesOnTheEventLoop:
    """The guard of every interface test (checked when the test has passed, see below); a
    test may switch `on` off and on to look at one stretch, and read `calls` itself."""
    import peewee

    queries = QueriesOnTheEventLoop()
    original = peewee.Database.execute_sql

    def execute_sql(self, sql, params=None, *args, **kwargs):
        queries.check(sql)
        return original(self, sql, params, *args, **kwargs)

    monkeypatch.setattr(peewee.Database, "execute_sql", execute_sql)
    return queries


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """Fail a passing test whose interface ran SQL on the event loop (in the call itself, so
    that `xfail(strict=True)` can mark a known case)."""
    result = yield
    queries = pyfuncitem.funcargs.get("queries_on_the_event_loop")
    if queries is not None and queries.calls:
        raise AssertionError(queries.report())
    return result


# ---------------------------------------------------------------- registers


@pytest.fixture(scope="session")
def ui_register(tmp_path_factory) -> Register:
    """300 demo households, the clerk bob and the households the tests look for by name."""
    return build_register(tmp_path_factory.mktemp("ui-register") / "source.db", 300)


@pytest.fixture(scope="session")
def ui_visit_register(tmp_path_factory) -> VisitRegister:
    """200 demo households and the veterans and campaign of `tests.support.visits`."""
    return build_visit_register(tmp_path_factory.mktemp("ui-visits") / "source.db")


@pytest.fixture
def register(built, tmp_path: Path):
    """A private copy of the module's `built` register (a dataclass with its `path`), bound to
    the storage layer; its connection is closed afterwards. (Remembered choices live on each
    app, so a test starts with none.)"""
    from tui_register.storage.models import database

    reg = replace(built, path=copy_register(built.path, tmp_path / "register.db"))
    open_db(reg.path)
    yield reg
    if not database.is_closed():
        database.close()
