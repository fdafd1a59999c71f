"""Figures about the database and its consistency: `stats` and `check`."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any, Iterator

from peewee import ForeignKeyField

from tui_register.domain import rules
from tui_register.domain.errors import FieldError
from tui_register.i18n import _
from tui_register.storage.households import DERIVED_COLUMNS, derived_columns
from tui_register.storage.models import ENTITIES, Category, database


def _scalar_rows(sql: str, params: tuple = ()) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


def counts_per_entity() -> dict[str, int]:
    return {name: model.select().count() for name, model in ENTITIES.items()}


_PER_CATEGORY = """
WITH active AS (
    SELECT category, household_id, person_id FROM membership WHERE status = 'active'
), persons AS (
    SELECT category, person_id AS pid FROM active WHERE person_id IS NOT NULL
    UNION
    SELECT a.category, p.id FROM active a JOIN person p ON p.household_id = a.household_id
    WHERE a.person_id IS NULL AND p.status = 'active'
)
SELECT c.code,
       (SELECT count(DISTINCT household_id) FROM active a WHERE a.category = c.code),
       (SELECT count(*) FROM persons s WHERE s.category = c.code)
FROM category c ORDER BY c.sort
"""


def counts_per_category() -> dict[str, dict[str, int]]:
    """Households and persons in each category now (active memberships).

    A household-level membership counts the household's active members; a person-level
    one counts that person.
    """
    return {code: {"households": h, "persons": p} for code, h, p in _scalar_rows(_PER_CATEGORY)}


def counts_per_status() -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for table in ("household", "person", "membership", "visit", "volunteer", "activity", "staff"):
        rows = _scalar_rows(f'SELECT status, count(*) FROM "{table}" GROUP BY status ORDER BY status')
        result[table] = {status: n for status, n in rows}
    return result


def stats() -> dict[str, Any]:
    return {
        "entities": counts_per_entity(),
        "categories": counts_per_category(),
        "statuses": counts_per_status(),
        "change_log": _scalar_rows("SELECT count(*) FROM change_log")[0][0],
    }


def category_names() -> dict[str, tuple[str, str]]:
    return {c.code: (c.name_zh, c.name_en) for c in Category.select()}


# --- check --------------------------------------------------------------------------------

def _problem(key: str, **params: Any) -> str:
    return _(key, **params)


def check() -> list[str]:
    """Every problem found (in the user's language): integrity, foreign keys, change log,
    households' derived columns, and rows the write path refuses (a membership of a person
    after their death or moving out, two valid visits of a household in one campaign)."""
    problems: list[str] = []
    for (result,) in _scalar_rows("PRAGMA integrity_check"):
        if result != "ok":
            problems.append(_problem("check.integrity", detail=result))
    for table, rowid, parent, _fk in _scalar_rows("PRAGMA foreign_key_check"):
        problems.append(_problem("check.foreign_key", table=table, rowid=rowid, parent=parent))
    for name, model in ENTITIES.items():
        problems += _check_entity(name, model)
    problems += _check_log_order()
    problems += _check_derived()
    problems += _check_departed_holders()
    problems += _check_campaign_visits()
    return problems


def _sql_literal(value: Any) -> str:
    return "'" + str(value).replace("'", "''") + "'" if isinstance(value, str) else str(int(value))


def _mismatch_sql(model) -> str:
    """SQL listing records whose version or fields differ from their latest change-log snapshot.

    The comparison runs inside SQLite (json_extract per field), so a register of a million
    records is checked without building a Python object per row.
    """
    table = model._meta.table_name
    tests = ["l.version IS NOT r.version"]
    for field in model._meta.sorted_fields:
        if field.name == "id" or field.name in model.SNAPSHOT_EXCLUDE:
            continue
        logged = f"json_extract(l.snapshot, '$.{field.name}')"
        if field.name in model.SNAPSHOT_DEFAULTS:  # a snapshot older than the field
            logged = f"coalesce({logged}, {_sql_literal(model.SNAPSHOT_DEFAULTS[field.name])})"
        if isinstance(field, ForeignKeyField) and hasattr(field.rel_model, "uuid"):
            rel = field.rel_model._meta.table_name
            current = f'(SELECT uuid FROM "{rel}" WHERE id = r."{field.column_name}")'
        else:
            current = f'r."{field.column_name}"'
        tests.append(f"{logged} IS NOT {current}")
    return (f'SELECT r.uuid, r.version, l.version FROM "{table}" r LEFT JOIN change_log l ON l.seq = '
            f'(SELECT max(seq) FROM change_log WHERE uuid = r.uuid) WHERE ' + " OR ".join(tests))


def _check_entity(name: str, model) -> list[str]:
    """Each record's version and contents must equal its latest change-log entry."""
    problems = []
    for uuid, version, logged_version in _scalar_rows(_mismatch_sql(model)):
        if logged_version is None:
            problems.append(_problem("check.no_log", entity=name, uuid=uuid))
        elif version != logged_version:
            problems.append(_problem("check.version", entity=name, uuid=uuid, version=version,
                                     logged=logged_version))
        else:
            problems.append(_problem("check.differs", entity=name, uuid=uuid))
    table = model._meta.table_name
    orphans = _scalar_rows(
        f'SELECT DISTINCT uuid FROM change_log l WHERE entity = ? AND NOT EXISTS '
        f'(SELECT 1 FROM "{table}" r WHERE r.uuid = l.uuid)', (name,))
    problems += [_problem("check.orphan_log", entity=name, uuid=u) for (u,) in orphans]
    return problems


def _check_log_order() -> list[str]:
    """Versions of a record rise by one along the log."""
    rows = _scalar_rows("""
        SELECT uuid, seq, version, lag(version) OVER (PARTITION BY uuid ORDER BY seq) AS prev
        FROM change_log""")
    return [_problem("check.version_gap", seq=seq, uuid=uuid, prev=prev, version=version)
            for uuid, seq, version, prev in rows if prev is not None and version != prev + 1]


# --- rows the write path would not have written ------------------------------------------

def _by_household(sql: str) -> Iterator[tuple[int, list[tuple]]]:
    """(household id, its rows without the id) from `sql`, which selects household_id first
    and orders by it: one pass over a large table, never all of it in memory."""
    cursor = database.execute_sql(sql)
    for hid, rows in groupby(cursor, key=lambda row: row[0]):
        yield hid, [row[1:] for row in rows]


class _Walker:
    """Steps through one `_by_household` stream in household order alongside the households."""

    def __init__(self, sql: str) -> None:
        self._rows = _by_household(sql)
        self._next = next(self._rows, None)

    def rows_of(self, hid: int) -> list[tuple]:
        while self._next is not None and self._next[0] < hid:
            self._next = next(self._rows, None)
        if self._next is not None and self._next[0] == hid:
            return self._next[1]
        return []


def _shown(value: Any) -> str:
    return "''" if value is None or value == "" else str(value)


def _check_derived() -> list[str]:
    """Each household's derived columns recomputed by the write path's function."""
    persons = _Walker("SELECT household_id, id, name, name_pinyin, id_number, status FROM person "
                      "ORDER BY household_id, id")
    memberships = _Walker("SELECT household_id, category, status FROM membership ORDER BY household_id")
    visits = _Walker("SELECT household_id, visit_date, purpose, status, outcome FROM visit ORDER BY household_id")
    columns = ", ".join(f"h.{c}" for c in DERIVED_COLUMNS if c != "place_path")
    households = database.execute_sql(
        f"SELECT h.id, h.uuid, h.head_id, p.path, h.place_path, {columns} FROM household h "
        f"LEFT JOIN place p ON p.id = h.place_id ORDER BY h.id")
    problems = []
    for hid, uuid, head_id, path, *stored in households:
        expected = derived_columns(path, head_id, persons.rows_of(hid), memberships.rows_of(hid),
                                   visits.rows_of(hid))
        for column, value in zip(DERIVED_COLUMNS, stored):
            if value != expected[column]:
                problems.append(_problem("check.derived", uuid=uuid, column=column, stored=_shown(value),
                                         expected=_shown(expected[column])))
    return problems


def _check_departed_holders() -> list[str]:
    """Memberships of a person who died or moved out, in force after that date."""
    rows = _scalar_rows(
        "SELECT m.uuid, m.start_date, m.end_date, p.name, p.status, p.status_date FROM membership m "
        "JOIN person p ON p.id = m.person_id WHERE m.status != 'voided' AND p.status != 'active' "
        "ORDER BY m.id")
    problems = []
    for uuid, start, end, name, status, departed in rows:
        try:
            rules.held_while_present(date.fromisoformat(start), end and date.fromisoformat(end), status,
                                     departed and date.fromisoformat(departed))
        except FieldError:
            problems.append(_problem("check.held_after_departure", uuid=uuid, name=name, date=departed))
    return problems


def _check_campaign_visits() -> list[str]:
    """One valid visit per household and campaign (the rule of the visit write path)."""
    rows = _scalar_rows(
        "SELECT h.uuid, c.name, count(*) FROM visit v JOIN household h ON h.id = v.household_id "
        "JOIN campaign c ON c.id = v.campaign_id WHERE v.status = 'valid' "
        "GROUP BY v.household_id, v.campaign_id HAVING count(*) > 1 ORDER BY v.household_id, v.campaign_id")
    return [_problem("check.campaign_visits", uuid=uuid, campaign=name, n=n) for uuid, name, n in rows]
