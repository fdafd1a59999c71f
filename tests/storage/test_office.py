"""The office kept in the register (schema v8): a supervisor's write with its change log,
the same rule as the configuration, and the configuration winning where it sets a value."""

from __future__ import annotations

import pytest

from tui_register.config import load_settings, with_office
from tui_register.domain.errors import InputError
from tui_register.domain.office import OfficeIn
from tui_register.domain.records import validate
from tui_register.storage import integrity, office, staff
from tui_register.storage.core import NotSupervisor
from tui_register.storage.models import ChangeLog


def office_in(name: str = "城关街道民政办", code: str = "GL-03") -> OfficeIn:
    return validate(OfficeIn, {"name": name, "code": code})


def test_set_once_then_changed_with_the_change_log(reg):
    assert office.stored_office() == ("", "")
    office.set_office("alice", office_in())
    assert office.stored_office() == ("城关街道民政办", "GL-03")
    office.set_office("alice", office_in(code="GL-04"))
    assert office.stored_office() == ("城关街道民政办", "GL-04")
    rows = [(r.op, r.version) for r in ChangeLog.select().where(ChangeLog.entity == "setting")
            .order_by(ChangeLog.seq)]
    assert rows == [("create", 1), ("create", 1), ("update", 2)]
    assert integrity.check() == []


def test_only_a_supervisor_sets_it(reg):
    staff.add_staff("alice", "bob", "Bob", "clerk")
    with pytest.raises(NotSupervisor):
        office.set_office("bob", office_in())
    assert office.stored_office() == ("", "")


@pytest.mark.parametrize("code", ["GL 03", "国03", "x" * 21, ""])
def test_the_code_follows_the_configuration_rule(code):
    with pytest.raises(InputError) as info:
        office_in(code=code)
    assert [e.field for e in info.value.errors] == ["code"]


def test_the_configuration_wins_where_it_sets_a_value(tmp_path):
    settings = load_settings(None, environ={}, overrides={"office_name": "鼓楼街道民政办"}, cwd=tmp_path)
    resolved = with_office(settings, "城关街道民政办", "GL-03")
    assert (resolved.office_name, resolved.office_code) == ("鼓楼街道民政办", "GL-03")
