"""A roster exported with full ID numbers imports into an empty register as the same
households, persons and categories."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from tests.support.records import ALICE
from tests.support.reports import build_register, settings_for
from tui_register import i18n
from tui_register.reports import ExportOptions, export
from tui_register.reports.importer import ImportOptions, import_roster
from tui_register.storage.register import open_register

HOUSEHOLDS = "SELECT id, address, phone, place_path FROM household WHERE status != 'closed'"
PERSONS = ("SELECT name, id_number, sex, birth_date, relation, disability_grade, phone, "
           "id = (SELECT head_id FROM household WHERE id = ?) FROM person WHERE household_id = ? AND status = 'active'")
MEMBERSHIPS = ("SELECT category, coalesce((SELECT id_number FROM person p WHERE p.id = m.person_id), ''), "
               "amount_fen, period, start_date FROM membership m WHERE household_id = ? AND status = 'active'")


def register_contents(path: Path, *, memberships: bool = True) -> dict:
    """What the roster holds, by household: address, phone, place, persons (and categories)."""
    conn = sqlite3.connect(path)
    found = {}
    for hid, address, phone, place in conn.execute(HOUSEHOLDS).fetchall():
        persons = tuple(sorted(conn.execute(PERSONS, (hid, hid)).fetchall(), key=repr))
        if not persons:
            continue  # nobody left on the roster: nothing for it to show
        categories = tuple(sorted(conn.execute(MEMBERSHIPS, (hid,)).fetchall())) if memberships else ()
        found[(address, persons[0][1])] = (phone, place, persons, categories)
    conn.close()
    return found


def round_trip(source: Path, tmp_path: Path) -> Path:
    i18n.set_language("zh_CN")
    open_register(source, ALICE, create=False)
    roster = export("roster", settings_for(source, tmp_path / "exports"), ALICE, ExportOptions(full_ids=True))
    target = tmp_path / "empty.db"
    open_register(target, ALICE)
    result = import_roster(roster, settings_for(target, tmp_path / "exports"), ALICE, ImportOptions())
    assert result.written and result.rejected == 0 and result.report is None
    return target


def test_round_trip_of_the_test_register(tmp_path):
    source = build_register(tmp_path / "source.db", ALICE).path
    target = round_trip(source, tmp_path)
    before, after = register_contents(source), register_contents(target)
    assert len(before) == 2 and after == before


def test_round_trip_of_generated_data(tmp_path):
    from tui_register import demo

    source = tmp_path / "demo.db"
    open_register(source, ALICE)
    demo.generate(40, seed=5, user=ALICE, until=date(2025, 12, 31))
    target = round_trip(source, tmp_path)
    # The generator puts some personal categories on the household; the import follows the
    # catalogue's scope, so compare the households and persons here.
    before, after = register_contents(source, memberships=False), register_contents(target, memberships=False)
    assert len(before) > 30 and after == before
