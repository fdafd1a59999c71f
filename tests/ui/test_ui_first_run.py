"""The first run of a new office: the interface asks a supervisor once for the office's name
and code, keeps them in the register, shows the name and puts the code in export file names;
a clerk is told that a supervisor must set it; a configured office is never asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui import (
    ALICE,
    BOB,
    OFFICE,
    SIZE,
    TODAY,
    build_register,
    copy_register,
    open_db,
    press,
    screen_text,
    settle,
    toast_texts,
    type_text,
    wait_until,
)
from tui_register.i18n import _, set_language

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_register(tmp_path_factory.mktemp("ui-first-run") / "source.db", 5, extras=False)


@pytest.fixture
def register(built: Path, tmp_path: Path):
    from tui_register.storage.models import database

    path = copy_register(built, tmp_path / "register.db")
    open_db(path)
    yield path
    if not database.is_closed():
        database.close()


def app_for(path: Path, user: str, **office: str):
    """The app with no office in the configuration unless `office` gives name/code."""
    from tui_register.config import load_settings
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.services import staff as staff_service

    set_language("zh_CN")
    overrides = {"db_path": str(path), "language": "zh_CN", "export_dir": str(path.parent / "exports"),
                 **{f"office_{k}": v for k, v in office.items()}}
    settings = load_settings(None, environ={}, overrides=overrides, cwd=path.parent)
    return RegisterApp(settings, user, staff_service.role_of(user), today=TODAY)


async def export_summary(pilot) -> Path:
    """The Reports section, Ctrl+S with its defaults (the summary): the file written."""
    await press(pilot, "4")
    await settle(pilot)
    await press(pilot, "ctrl+s")
    exports = Path(pilot.app.settings.export_dir)
    await wait_until(pilot, lambda: exports.is_dir() and any(exports.glob("summary_*.xlsx")), "the export")
    return next(exports.glob("summary_*.xlsx"))


async def test_first_run_asks_a_supervisor_and_keeps_the_answer(register: Path):
    from tui_register.storage.models import ChangeLog
    from tui_register.ui.forms.office import OfficeForm

    app = app_for(register, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OfficeForm)
        assert _("ui.form_office") in screen_text(app)
        await type_text(pilot, OFFICE)
        await press(pilot, "tab")
        await type_text(pilot, "GL 03")  # a space is not allowed: said next to the field
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficeForm)
        assert _("err.office_code", max=20) in screen_text(app)
        await press(pilot, "end", "ctrl+u")
        await type_text(pilot, "GL-03")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, OfficeForm)
        assert screen_text(app).splitlines()[0].lstrip().startswith(OFFICE)
        assert _("ui.no_office") not in screen_text(app)
        path = await export_summary(pilot)
        assert path.name.startswith("summary_GL-03_")
    logged = [(r.entity, r.op, r.user) for r in ChangeLog.select().where(ChangeLog.entity == "setting")]
    assert logged == [("setting", "create", ALICE)] * 2

    again = app_for(register, ALICE)  # the next start: no question, the name from the register
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(again.screen, OfficeForm)
        assert screen_text(again).splitlines()[0].lstrip().startswith(OFFICE)


async def test_a_supervisor_who_puts_it_off_is_told_it_will_be_asked_again(register: Path):
    from tui_register.ui.forms.office import OfficeForm

    app = app_for(register, ALICE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OfficeForm)
        await press(pilot, "escape")
        await settle(pilot)
        assert not isinstance(app.screen, OfficeForm)
        assert _("ui.office_later") in toast_texts(app)
        assert _("ui.no_office") in screen_text(app).splitlines()[0]


async def test_a_clerk_is_told_that_a_supervisor_must_set_it(register: Path):
    from tui_register.ui.forms.office import OfficeForm

    app = app_for(register, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, OfficeForm)
        assert _("ui.no_office_clerk") in screen_text(app).splitlines()[0]


async def test_a_configured_office_is_not_asked_for(register: Path):
    from tui_register.ui.forms.office import OfficeForm

    app = app_for(register, ALICE, name="鼓楼街道民政办", code="GL-09")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, OfficeForm)
        assert screen_text(app).splitlines()[0].lstrip().startswith("鼓楼街道民政办")
        path = await export_summary(pilot)
        assert path.name.startswith("summary_GL-09_")


async def test_the_configuration_wins_over_the_register(register: Path):
    from tui_register.domain.office import OfficeIn
    from tui_register.domain.records import validate
    from tui_register.storage.office import set_office

    set_office(ALICE, validate(OfficeIn, {"name": OFFICE, "code": "GL-03"}))
    app = app_for(register, ALICE, name="鼓楼街道民政办")  # the code still from the register
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_text(app).splitlines()[0].lstrip().startswith("鼓楼街道民政办")
        path = await export_summary(pilot)
        assert path.name.startswith("summary_GL-03_")
