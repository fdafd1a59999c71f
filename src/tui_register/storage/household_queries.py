"""Read queries: the household list in keyset pages, totals, a household's detail, history.

Lists are read a page at a time with keyset conditions on an index (never OFFSET, never all
rows); every function fetches its rows completely before returning, so no read transaction
stays open while the interface waits for a key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from tui_register.domain.categories import parse_categories
from tui_register.storage import search
from tui_register.storage.models import (
    AuditEvent,
    ChangeLog,
    Household,
    Membership,
    PaymentAccount,
    Person,
    Place,
    Visit,
    database,
)

# Sort name -> (columns of the keyset, descending?)
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "place": (("place_path", "head_sort", "id"), False),
    "name": (("head_sort", "id"), False),
    "last_visit": (("last_visit", "id"), True),
}
SORT_INDEXES = {
    "place": "household_place_path_head_sort_id",
    "name": "household_head_sort_id",
    "last_visit": "household_last_visit_id",
}
# A search matching more households than this reads the list in sort order and stops at
# the page's end; a narrower one looks its matches up one by one and sorts them. (Left to
# itself SQLite always does the latter: 18,000 matches of "l" then take 50 ms, not 2.)
DENSE_MATCHES = 2000

LIST_COLUMNS = (
    "h.id, h.uuid, h.version, h.head_name, h.head_id_number, h.place_path, h.category_codes, "
    "h.member_count, h.last_visit, h.status, h.address, h.head_sort"
)


@dataclass(frozen=True)
class HouseholdFilter:
    text: str = ""
    category: str | None = None
    place_path: str | None = None  # a place's path: matches it and everything below it
    status: str | None = "active"  # None: every status


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    uuid: str
    version: int
    head_name: str
    head_id_number: str
    place_path: str
    category_codes: tuple[str, ...]
    member_count: int
    last_visit: date | None
    status: str
    address: str
    head_sort: str
    matched_name: str = ""  # the member a search found, when not the head

    def key(self, sort: str) -> tuple[Any, ...]:
        """The keyset cursor of this row for a sort order."""
        return tuple(getattr(self, col) for col in SORTS[sort][0])


def _row(values: tuple) -> HouseholdRow:
    (hid, uuid, version, name, id_number, path, codes, count, last, status, address, sort) = values
    return HouseholdRow(hid, uuid, version, name, id_number, path,
                        tuple(c for c in codes.split(",") if c), count,
                        date.fromisoformat(last) if last else None, status, address, sort)


def _where(flt: HouseholdFilter) -> tuple[list[str], list[Any]]:
    clauses, params = [], []
    text_sql, text_params = search.match_sql(flt.text)
    if text_params:
        clauses.append(text_sql)
        params += text_params
    if flt.category:  # a category, or a group of them (低保: 城市低保 or 农村低保)
        codes = parse_categories(flt.category)
        clauses.append("(" + " OR ".join("h.category_codes LIKE ?" for _ in codes) + ")")
        params += [f"%,{code},%" for code in codes]
    if flt.place_path:
        # Everything below the place: paths starting "<path>/" sort between "<path>/" and
        # "<path>0" ("0" follows "/"), whatever characters the names hold.
        clauses.append("(h.place_path = ? OR (h.place_path > ? AND h.place_path < ?))")
        params += [flt.place_path, flt.place_path + "/", flt.place_path + "0"]
    if flt.status:
        clauses.append("h.status = ?")
        params.append(flt.status)
    return clauses, params


def _keyset(sort: str, cursor: tuple, forward: bool) -> tuple[str, list[Any]]:
    cols, desc = SORTS[sort]
    greater = forward != desc
    op = ">" if greater else "<"
    names = ", ".join(f"h.{c}" for c in cols)
    marks = ", ".join("?" for _ in cols)
    if sort == "last_visit":
        # Households never visited (NULL) come last in the descending order.
        last, hid = cursor
        if last is None:
            return (f"(h.last_visit IS NULL AND h.id {op} ?)", [hid]) if forward else (
                f"(h.last_visit IS NOT NULL OR h.id {op} ?)", [hid])
        tail = " OR h.last_visit IS NULL" if forward else ""
        return f"(({names}) {op} ({marks}){tail})", [last.isoformat(), hid]
    return f"({names}) {op} ({marks})", list(cursor)


def page_sql(flt: HouseholdFilter, sort: str = "place", *, after: tuple | None = None,
             before: tuple | None = None, last: bool = False, limit: int = 50) -> tuple[str, list[Any]]:
    """The SQL of one page (see `household_page`), exposed for benchmarks against raw sqlite3."""
    cols, desc = SORTS[sort]
    clauses, params = _where(flt)
    source = f"household h INDEXED BY {SORT_INDEXES[sort]}" if _dense(flt.text) else "household h"
    forward = before is None and not last
    cursor = after if forward else before
    if cursor is not None:
        sql, extra = _keyset(sort, cursor, forward)
        clauses.append(sql)
        params += extra
    reverse = desc == forward  # descending order when reading forward in a desc sort
    direction = "DESC" if reverse else "ASC"
    order = ", ".join(f"h.{c} {direction}" for c in cols)
    sql = (f"SELECT {LIST_COLUMNS} FROM {source} WHERE {' AND '.join(clauses) or '1'} "
           f"ORDER BY {order} LIMIT ?")
    return sql, [*params, limit]


def _dense(text: str) -> bool:
    """Whether every term of the search matches many households (counted up to the limit)."""
    terms = search.normalise_query(text)
    if not terms:
        return False
    for term in terms:
        sql, params = search.term_query(term)
        count = database.execute_sql(f"SELECT count(*) FROM ({sql} LIMIT ?)",
                                     [*params, DENSE_MATCHES]).fetchone()[0]
        if count < DENSE_MATCHES:
            return False
    return True


def household_page(flt: HouseholdFilter, sort: str = "place", *, after: tuple | None = None,
                   before: tuple | None = None, last: bool = False, limit: int = 50) -> list[HouseholdRow]:
    """One page of the list: the first page, the page after `after`, the page before
    `before`, or (`last`) the last page."""
    sql, params = page_sql(flt, sort, after=after, before=before, last=last, limit=limit)
    rows = [_row(r) for r in database.execute_sql(sql, params).fetchall()]
    matched = search.matched_members(database.execute_sql, flt.text, [r.id for r in rows])
    if matched:
        rows = [replace(r, matched_name=matched[r.id]) if r.id in matched else r for r in rows]
    return rows if before is None and not last else rows[::-1]


def household_totals(flt: HouseholdFilter) -> tuple[int, int]:
    """(households, active persons) for the filter: the list's 共 N 户 M 人."""
    clauses, params = _where(flt)
    sql = f"SELECT count(*), coalesce(sum(h.member_count), 0) FROM household h WHERE {' AND '.join(clauses) or '1'}"
    households, persons = database.execute_sql(sql, params).fetchone()
    return households, persons


# --- one household ----------------------------------------------------------------------

@dataclass
class HouseholdDetail:
    household: Household
    place: Place
    members: list[Person]
    memberships: list[Membership]
    visits: list[Visit]
    open_follow_ups: list[Visit]
    history: list["HistoryEntry"] = field(default_factory=list)
    payments: list[tuple[int, str, Any]] = field(default_factory=list)  # (round number, period, LineRow)


def household_detail(uuid: str, *, visits: int = 10, history: int = 30, payments: int = 12) -> HouseholdDetail | None:
    household = Household.get_or_none(Household.uuid == uuid)
    if household is None:
        return None
    members = list(Person.select().where(Person.household == household).order_by(Person.id))
    memberships = list(Membership.select().where(Membership.household == household)
                       .order_by(Membership.start_date.desc()))
    recent = list(Visit.select().where(Visit.household == household)
                  .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(visits))
    follow_ups = list(Visit.select().where(
        (Visit.household == household) & (Visit.follow_up_due.is_null(False))
        & (Visit.follow_up_done.is_null()) & (Visit.status == "valid")).order_by(Visit.follow_up_due))
    from tui_register.storage.payment_queries import household_payments
    from tui_register.storage.payments import standards_affecting

    accounts = [a.uuid for a in PaymentAccount.select(PaymentAccount.uuid).where(PaymentAccount.household == household)]
    # Its records, its payment accounts, and the standards that changed what it is due.
    uuids = [household.uuid, *(p.uuid for p in members), *(m.uuid for m in memberships), *accounts,
             *standards_affecting(household)]
    return HouseholdDetail(household, household.place, members, memberships, recent, follow_ups,
                           record_history(uuids, limit=history), household_payments(household.uuid, limit=payments))


# --- history (the audit trail) ----------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: str
    user: str
    entity: str
    uuid: str
    op: str
    version: int
    changes: dict[str, tuple[Any, Any]]  # field -> (before, after)
    # What the references among the changes are called (uuid -> a place's path, a person's
    # name …), so that history shows names, never UUIDs; shared by the entries of one call.
    names: dict[str, str] = field(default_factory=dict)


def _diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    skip = {"version", "updated_at", "updated_by", "created_at", "created_by"}
    before = before or {}
    return {k: (before.get(k), v) for k, v in after.items() if k not in skip and before.get(k) != v}


def record_history(uuids: list[str], *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, newest first, with each change's before and after values."""
    if not uuids:
        return []
    rows = list(ChangeLog.select().where(ChangeLog.uuid.in_(uuids))
                .order_by(ChangeLog.seq.desc()).limit(limit))
    previous = _previous_snapshots(rows)
    entries = [HistoryEntry(r.seq, r.at, r.user, r.entity, r.uuid, r.op, r.version,
                            _diff(previous.get(r.seq), json.loads(r.snapshot))) for r in rows]
    names = _reference_names(entries)
    for entry in entries:
        entry.names.update(names)
    return entries


# Snapshot fields that refer to another record by UUID -> the model and how it is named.
_REFERENCE_FIELDS = {"place": "place", "parent": "place", "household": "household", "head": "person",
                     "person": "person", "campaign": "campaign", "volunteer": "volunteer",
                     "activity": "activity"}


def _reference_names(entries: list[HistoryEntry]) -> dict[str, str]:
    """uuid -> display name of every record the entries' changes refer to (a few IN queries)."""
    from tui_register.storage import models

    wanted: dict[str, set[str]] = {}
    for entry in entries:
        for name, pair in entry.changes.items():
            kind = _REFERENCE_FIELDS.get(name)
            if kind:
                wanted.setdefault(kind, set()).update(v for v in pair if isinstance(v, str) and v)
    columns = {"place": (models.Place, models.Place.path), "person": (models.Person, models.Person.name),
               "household": (models.Household, models.Household.head_name),
               "campaign": (models.Campaign, models.Campaign.name),
               "volunteer": (models.Volunteer, models.Volunteer.name),
               "activity": (models.Activity, models.Activity.title)}
    names: dict[str, str] = {}
    for kind, uuids in wanted.items():
        model, column = columns[kind]
        for uuid, text in model.select(model.uuid, column).where(model.uuid.in_(sorted(uuids))).tuples():
            names[uuid] = text
    return names


def _previous_snapshots(rows: list[ChangeLog]) -> dict[int, dict[str, Any]]:
    """For each log row, the snapshot of the same record just before it."""
    found: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r.version <= 1:
            continue
        prev = (ChangeLog.select(ChangeLog.snapshot)
                .where((ChangeLog.uuid == r.uuid) & (ChangeLog.seq < r.seq))
                .order_by(ChangeLog.seq.desc()).limit(1).scalar())
        if prev:
            found[r.seq] = json.loads(prev)
    return found


def audit_events(*, limit: int = 100) -> list[AuditEvent]:
    return list(AuditEvent.select().order_by(AuditEvent.id.desc()).limit(limit))


def places(level: str | None = None) -> list[Place]:
    query = Place.select().order_by(Place.code, Place.path)
    if level:
        query = query.where(Place.level == level)
    return list(query)

