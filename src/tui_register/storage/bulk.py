"""Loading many records at once (the demo generator, benchmarks).

The same records and change-log rows as the one-at-a-time write path (`core.writing`), with
the same snapshots, but inserted with `executemany` in large transactions: a million visits
one transaction each would spend hours in fsync. `tui-register check` verifies the result
exactly as it verifies records written by staff.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from peewee import DateField, ForeignKeyField

from tui_register.storage import search
from tui_register.storage.db import PRAGMAS
from tui_register.storage.households import derived_columns
from tui_register.storage.models import ENTITY_OF, Household, Membership, Person, Place, Record, Visit, database


class BulkWriter:
    """Assigns ids and UUIDs up front, buffers rows, and writes them in `flush()`.

    `add(model, values, at=...)` takes field values by field name; a reference is given as
    the referenced row's id (as returned by an earlier `add`). A household's derived columns
    and search entry are computed at `flush()` from its persons, memberships and visits, which
    must be added before the flush that writes the household.
    """

    def __init__(self, user: str, uuid_source: Callable[[], str] | None = None,
                 forget: tuple[type[Record], ...] = ()) -> None:
        """`forget`: models whose UUIDs are not needed once flushed (nothing later refers to
        them), so that memory stays flat over a million rows."""
        self.user = user
        self._forget = forget
        self._plans: dict[type[Record], list[tuple[str, Any, bool, bool, type | None]]] = {}
        self._uuid = uuid_source or (lambda: str(uuidlib.uuid4()))
        self._next_id: dict[type[Record], int] = {}
        self._uuid_of: dict[type[Record], dict[int, str]] = {}
        self._rows: dict[type[Record], list[dict[str, Any]]] = {}
        self._order: list[tuple[type[Record], dict[str, Any]]] = []
        self._search: list[tuple[int, str, set[str]]] = []
        self._place_paths: dict[int, str] = {}

    def _new_id(self, model: type[Record]) -> int:
        if model not in self._next_id:
            current = database.execute_sql(f'SELECT max(id) FROM "{model._meta.table_name}"').fetchone()[0]
            self._next_id[model] = (current or 0) + 1
        rid = self._next_id[model]
        self._next_id[model] = rid + 1
        return rid

    def know(self, model: type[Record], uuids: dict[int, str]) -> None:
        """Records already in the database that new rows will refer to (by id)."""
        self._uuid_of.setdefault(model, {}).update(uuids)

    def add(self, model: type[Record], values: dict[str, Any], *, at: str) -> int:
        rid = self._new_id(model)
        uuid = self._uuid()
        self._uuid_of.setdefault(model, {})[rid] = uuid
        row = dict(values, id=rid, uuid=uuid, version=1, created_at=at, created_by=self.user,
                   updated_at=at, updated_by=self.user)
        self._rows.setdefault(model, []).append(row)
        self._order.append((model, row))
        if model is Place:
            self._place_paths[rid] = values["path"]
        return rid

    def uuid(self, model: type[Record], rid: int) -> str:
        """The UUID given to a row added earlier (one that refers to it by UUID, not by id)."""
        return self._uuid_of[model][rid]

    def patch_last(self, model: type[Record], values: dict[str, Any]) -> None:
        """Change the row of `model` added last (a household's head, known after its members)."""
        self._rows[model][-1].update(values)

    def _plan(self, model: type[Record]) -> list[tuple[str, Any, bool, bool, type | None]]:
        """Per field: name, default, is a date, goes into the snapshot, referenced model."""
        if model not in self._plans:
            plan = []
            for f in model._meta.sorted_fields:
                default = f.default() if callable(f.default) else f.default
                in_snapshot = f.name != "id" and f.name not in model.SNAPSHOT_EXCLUDE
                ref = f.rel_model if isinstance(f, ForeignKeyField) and hasattr(f.rel_model, "uuid") else None
                plan.append((f.name, default, isinstance(f, DateField), in_snapshot, ref))
            self._plans[model] = plan
        return self._plans[model]

    def _columns_and_log(self, model: type[Record], row: dict[str, Any]) -> tuple[tuple, tuple]:
        snap: dict[str, Any] = {}
        columns: list[Any] = []
        for name, default, is_date, in_snapshot, ref in self._plan(model):
            value = row.get(name, default)
            if is_date and value is not None:
                value = value.isoformat()
            columns.append(value)
            if in_snapshot:
                snap[name] = self._uuid_of[ref][value] if ref is not None and value is not None else value
        log = (ENTITY_OF[model], row["uuid"], "create", 1, 0,
               json.dumps(snap, ensure_ascii=False, sort_keys=True), row["created_at"], self.user)
        return tuple(columns), log

    def _place_path(self, place_id: int) -> str:
        if place_id not in self._place_paths:
            self._place_paths[place_id] = Place.get_by_id(place_id).path
        return self._place_paths[place_id]

    def _derive_households(self) -> None:
        """Fill in the buffered households' derived columns and search entries from the rows
        buffered with them, by the rules of the write path (`derived_columns`, `search`)."""
        households = self._rows.get(Household, [])
        if not households:
            return
        persons, memberships, visits = defaultdict(list), defaultdict(list), defaultdict(list)
        for p in self._rows.get(Person, ()):
            persons[p["household"]].append(p)
        for m in self._rows.get(Membership, ()):
            memberships[m["household"]].append((m["category"], m.get("status", "active")))
        for v in self._rows.get(Visit, ()):
            visits[v["household"]].append((v["visit_date"], v["purpose"], v.get("status", "valid"),
                                           v.get("outcome", "visited")))
        for h in households:
            members = persons[h["id"]]
            facts = [(p["id"], p["name"], p["name_pinyin"], p.get("id_number"), p.get("status", "active"))
                     for p in members]
            h.update(derived_columns(self._place_path(h["place"]), h.get("head"), facts,
                                     memberships[h["id"]], visits[h["id"]]))
            entries = [(p["name"], p["name_pinyin"], p["name_initials"], p.get("id_number") or "",
                        p.get("phone", "")) for p in members]
            self._search.append((h["id"], search.build_doc(h["address"], h.get("phone", ""), entries),
                                 search.member_grams(entries)))

    def pending(self) -> int:
        return len(self._order)

    def flush(self) -> None:
        """Write everything buffered in one transaction.

        Foreign keys are checked at commit (a household names its head, who belongs to it).
        """
        self._derive_households()
        conn = database.connection()
        # A large page cache while loading: a million rows go into indexes keyed by random
        # UUIDs, and every page evicted early is written twice. Back to normal afterwards.
        conn.execute("PRAGMA cache_size = -262144")
        with database.atomic("IMMEDIATE"):
            conn.execute("PRAGMA defer_foreign_keys = ON")
            built = {id(row): self._columns_and_log(model, row) for model, row in self._order}
            for model, rows in self._rows.items():
                fields = model._meta.sorted_fields
                cols = ", ".join(f'"{f.column_name}"' for f in fields)
                marks = ", ".join("?" for _ in fields)
                conn.executemany(f'INSERT INTO "{model._meta.table_name}" ({cols}) VALUES ({marks})',
                                 [built[id(row)][0] for row in rows])
            conn.executemany(
                "INSERT INTO change_log (entity, uuid, op, version, base_version, snapshot, at, user) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [built[id(row)][1] for _, row in self._order])
            conn.executemany("INSERT INTO household_fts (rowid, doc) VALUES (?, ?)",
                             [(hid, doc) for hid, doc, _ in self._search])
            conn.executemany("INSERT INTO household_gram (gram, household_id) VALUES (?, ?)",
                             [(g, hid) for hid, _, grams in self._search for g in grams])
        conn.execute(f"PRAGMA cache_size = {dict(PRAGMAS)['cache_size']}")
        self._rows.clear()
        self._order.clear()
        self._search.clear()
        for model in self._forget:
            self._uuid_of.pop(model, None)


# Indexes of the large tables that a bulk load builds once at the end, which is several
# times faster than keeping them in step row by row. Not the unique ones (they guard the
# data) nor those on a foreign key's child column (SQLite needs them to check the keys).
BULK_INDEXES = (
    "visit_date_cover", "visit_purpose_household_date", "change_log_uuid_seq", "person_name_birth",
    "person_name_initials", "household_place_path_head_sort_id", "household_head_sort_id",
    "household_last_visit_id", "household_status", "membership_due", "membership_category_household_id",
)


@contextmanager
def indexes_deferred(names: tuple[str, ...] = BULK_INDEXES) -> Iterator[None]:
    """Drop these indexes for a bulk load and build them again afterwards.

    What was dropped is noted in `pending_index` in the same transaction, and
    `restore_indexes()` (run on every open) rebuilds it: a load killed halfway loses nothing.
    """
    marks = ", ".join("?" for _ in names)
    with database.atomic("IMMEDIATE"):
        rows = database.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", names).fetchall()
        for name, sql in rows:
            database.execute_sql("INSERT INTO pending_index (name, sql) VALUES (?, ?)", (name, sql))
            database.execute_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        restore_indexes()


def restore_indexes() -> int:
    """Build the indexes a bulk load set aside; returns how many."""
    if not database.execute_sql("SELECT 1 FROM pending_index LIMIT 1").fetchone():
        return 0  # the usual case: read only, no write transaction at every start
    with database.atomic("IMMEDIATE"):
        rows = database.execute_sql("SELECT name, sql FROM pending_index").fetchall()
        for name, sql in rows:
            database.execute_sql(sql)
            database.execute_sql("DELETE FROM pending_index WHERE name = ?", (name,))
    return len(rows)
