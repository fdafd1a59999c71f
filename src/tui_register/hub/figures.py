"""The county's figures from the hub's database: the office summary's figures per office, read
from the latest snapshot of every record (`hub_record`), on SQLite or PostgreSQL.

The definitions are the office summary's (reports/summary.py, reports/data.py), at the last
day of the period, applied to the snapshots' fields instead of the office's columns:

- on the register: a household whose record was created (local day) or whose earliest
  membership that is not voided started by then, and whose status on that day (its status if
  set by then, else active) is not closed; its persons born by then who had not died or moved
  out by then (`reports.data.household_on_roster`, `person_on_roster`);
- a category: households with a membership in force then (started, not ended before, not
  voided) on a household on the register, and its persons (the person of a personal
  membership, every member for a household's), each counted once per category;
- visits: valid visits in the period that were not attempts (未遇; an old snapshot without
  `outcome` is a visit), as 人次, households, households given cash, cash;
- 应发: by the one counting rule of `domain.payments` (the same functions the office
  summary calls, on the same fields, with the office's own active standards);
- 实发: payment lines paid with a payment date in the period; lines and distinct recipients;
- volunteers: valid activities in the period; valid participations in them: 人次, distinct
  volunteers, hours;
- group subtotals (`summary.of_codes`): per group of `domain.categories` with categories (重点优抚对象
  as `[categories] key_youfu` configures it where the report runs), then every category: households,
  persons and recipients paid each counted once (from the set of categories each held), 应发, 实发
  and 发放人次 the sum of the group's categories.

The counting is SQL over the snapshots (JSONB on PostgreSQL): each kind of record is read once
into a temporary table of the fields the figures need, in one read transaction, so that an
office pushing meanwhile never makes the figures disagree with each other. Only 应发 is
counted in Python, by the domain's rule. The county is the sum of its offices: records belong
to one office each, so distinct households, persons and volunteers add up.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterator

from peewee import chunked

from tui_register.domain.categories import CategoryGroup, category_groups, load_categories
from tui_register.domain.payments import DueTally, Period, Standard, last_day_due
from tui_register.hub.db import is_postgres
from tui_register.hub.models import hub_database
from tui_register.sync import protocol

RUN_GAP = timedelta(minutes=30)  # batches closer together than this belong to one run
_CHUNK = 500


class UnknownOffice(Exception):
    """An office asked for that the hub does not know."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CountyScope:
    date_from: date
    date_to: date
    offices: tuple[str, ...]  # the offices reported on, in order


@dataclass
class OfficeFigures:
    households: int = 0
    persons: int = 0
    visits: int = 0
    households_visited: int = 0
    households_given_cash: int = 0
    cash: int = 0
    due: int = 0
    paid: int = 0
    paid_lines: int = 0
    paid_persons: int = 0
    activities: int = 0
    volunteers: int = 0
    participations: int = 0
    hours: int = 0  # tenths


@dataclass
class CategoryFigures:
    households: int = 0
    persons: int = 0
    due: int = 0
    paid: int = 0
    paid_lines: int = 0
    paid_persons: int = 0

    def add(self, other: CategoryFigures) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# A set of category codes -> how many households (persons, recipients) held exactly that set.
Held = Counter


@dataclass
class Holding:
    """An office's households and persons on the register and recipients paid, by the set of
    categories each held (as the office summary's `_Holding`): a group's distinct count is the
    sum over the sets that meet it."""

    households: Held = field(default_factory=Counter)
    persons: Held = field(default_factory=Counter)
    paid: Held = field(default_factory=Counter)

    def count(self, name: str, codes: tuple[str, ...]) -> int:
        wanted = set(codes)
        return sum(n for held, n in getattr(self, name).items() if wanted & held)

    def per_code(self, name: str) -> Counter[str]:
        found: Counter[str] = Counter()
        for held, n in getattr(self, name).items():
            for code in held:
                found[code] += n
        return found


@dataclass
class SyncState:
    """What the hub knows of an office's syncs."""

    office: str
    revoked: bool
    last_batch: datetime | None = None  # the newest batch the hub answered
    run_start: datetime | None = None  # the first batch of the last run
    run_batches: int = 0
    run_changes: int = 0
    results: Counter[str] = field(default_factory=Counter)  # of the last run, by result kind
    refused_open: int = 0  # records whose latest change the hub refused and none replaced since


@dataclass
class County:
    scope: CountyScope
    offices: dict[str, OfficeFigures]
    categories: dict[str, dict[str, CategoryFigures]]  # office -> category -> figures, catalog order
    sync: list[SyncState]
    # office -> the summary's subtotals (each group of `domain.categories` with categories, the
    # last of them every category): households, persons and recipients once, amounts summed.
    groups: dict[str, list[tuple[CategoryGroup, CategoryFigures]]] = field(default_factory=dict)

    def county_categories(self) -> dict[str, CategoryFigures]:
        total: dict[str, CategoryFigures] = {}
        for per_office in self.categories.values():
            for code, figures in per_office.items():
                total.setdefault(code, CategoryFigures()).add(figures)
        return _in_catalog_order(total)

    def county_groups(self) -> list[tuple[CategoryGroup, CategoryFigures]]:
        """The county's subtotals: the offices' added up (a household belongs to one office)."""
        total: dict[str, tuple[CategoryGroup, CategoryFigures]] = {}
        for per_office in self.groups.values():
            for group, figures in per_office:
                total.setdefault(group.code, (group, CategoryFigures()))[1].add(figures)
        return list(total.values())


# ---------------------------------------------------------------- SQL in either dialect

class _Sql:
    """The few places where SQLite and PostgreSQL differ: JSON fields, the local day, LEAST."""

    def __init__(self) -> None:
        self.pg = is_postgres()

    def text(self, name: str) -> str:
        return f"snapshot->>'{name}'" if self.pg else f"json_extract(snapshot, '$.{name}')"

    def number(self, name: str) -> str:
        return f"({self.text(name)})::bigint" if self.pg else self.text(name)

    def local_day(self, name: str) -> str:
        """The local calendar day of a stored UTC timestamp, as the office's `local_day`."""
        if not self.pg:
            return f"date({self.text(name)}, 'localtime')"
        offset = datetime.now().astimezone().utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds()) // 60
        zone = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return f"to_char(({self.text(name)})::timestamptz AT TIME ZONE INTERVAL '{zone}', 'YYYY-MM-DD')"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def codes(self, column: str) -> str:
        """The distinct values of `column` in a group, joined by commas."""
        return f"string_agg(DISTINCT {column}, ',')" if self.pg else f"GROUP_CONCAT(DISTINCT {column})"

    def run(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        return self.cursor(sql, params).fetchall()

    def do(self, sql: str, params: list | tuple = ()) -> None:
        """A statement that returns no rows."""
        self.cursor(sql, params)

    def cursor(self, sql: str, params: list | tuple = ()):
        return hub_database.execute_sql(sql.replace("?", hub_database.param), list(params))


# Per kind of record: its table in the report and the snapshot fields it holds (t: text, n: number).
_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "household": ("rep_household", {"status": "t", "status_date": "t"}),
    "person": ("rep_person", {"household": "t", "birth_date": "t", "status": "t", "status_date": "t"}),
    "membership": ("rep_membership", {"household": "t", "person": "t", "category": "t", "start_date": "t",
                                      "end_date": "t", "status": "t", "amount_fen": "n", "period": "t",
                                      "grade": "t"}),
    "visit": ("rep_visit", {"household": "t", "visit_date": "t", "status": "t", "outcome": "t", "cash_fen": "n"}),
    "payment_line": ("rep_line", {"household": "t", "person": "t", "category": "t", "state": "t",
                                  "paid_on": "t", "amount_fen": "n"}),
    "payment_standard": ("rep_standard", {"category": "t", "grade": "t", "valid_from": "t", "amount_fen": "n",
                                          "period": "t", "status": "t"}),
    "activity": ("rep_activity", {"activity_date": "t", "status": "t"}),
    "participation": ("rep_participation", {"activity": "t", "volunteer": "t", "status": "t",
                                            "hours_tenths": "n"}),
}
# Read once, in one query: not copied into a table first (visits are most of the records).
_READ_ONCE = frozenset({"visit"})
_KEPT = tuple(table for entity, (table, _f) in _TABLES.items() if entity not in _READ_ONCE)
_DERIVED = ("rep_first_start", "rep_roster", "rep_alive")
# Joined to others: PostgreSQL needs their sizes to plan the joins.
_ANALYSED = ("rep_household", "rep_person", "rep_membership", "rep_activity", "rep_participation", *_DERIVED)


def _marks(values: tuple | list) -> str:
    return ", ".join("?" for _ in values)


def _records(sql: _Sql, entity: str, offices: tuple[str, ...]) -> tuple[str, list]:
    """The SELECT of a kind of record's fields from its snapshots, and its parameters."""
    fields = _TABLES[entity][1]
    columns = [f"{sql.number(n) if kind == 'n' else sql.text(n)} AS {n}" for n, kind in fields.items()]
    if entity == "household":
        columns.append(f"{sql.local_day('created_at')} AS created_day")
    return (f"SELECT office, uuid, {', '.join(columns)} FROM hub_record WHERE entity = ? "
            f"AND office IN ({_marks(offices)})", [entity, *offices])


def _load(sql: _Sql, offices: tuple[str, ...]) -> None:
    """The temporary tables: each kind of record's fields, read from its snapshots once."""
    for entity, (table, _fields) in _TABLES.items():
        if entity not in _READ_ONCE:
            select, params = _records(sql, entity, offices)
            sql.do(f"CREATE TEMPORARY TABLE {table} AS {select}", params)
    sql.do("CREATE INDEX rep_person_household ON rep_person (office, household)")
    sql.do("CREATE INDEX rep_membership_household ON rep_membership (office, household)")


def _roster(sql: _Sql, at: str) -> None:
    """Households on the register at `at` and their persons on it (reports.data's definitions)."""
    sql.do("CREATE TEMPORARY TABLE rep_first_start AS SELECT office, household, MIN(start_date) AS first_start "
           "FROM rep_membership WHERE status != 'voided' GROUP BY office, household")
    registered = sql.least("h.created_day", "COALESCE(f.first_start, '9999-12-31')")
    sql.do("CREATE TEMPORARY TABLE rep_roster AS SELECT h.office, h.uuid FROM rep_household h "
           "LEFT JOIN rep_first_start f ON f.office = h.office AND f.household = h.uuid "
           f"WHERE {registered} <= ? AND (CASE WHEN h.status != 'active' AND h.status_date <= ? "
           "THEN h.status ELSE 'active' END) != 'closed'", [at, at])
    sql.do("CREATE INDEX rep_roster_uuid ON rep_roster (office, uuid)")
    sql.do("CREATE TEMPORARY TABLE rep_alive AS SELECT p.office, p.uuid, p.household FROM rep_person p "
           "JOIN rep_roster r ON r.office = p.office AND r.uuid = p.household "
           "WHERE p.birth_date <= ? AND (p.status = 'active' OR p.status_date > ?)", [at, at])
    sql.do("CREATE INDEX rep_alive_uuid ON rep_alive (office, uuid)")
    sql.do("CREATE INDEX rep_alive_household ON rep_alive (office, household)")
    if sql.pg:
        # Temporary tables have no statistics until analysed; a small sample is enough for the joins.
        sql.do("SET LOCAL default_statistics_target = 10")
        sql.do(f"ANALYZE {', '.join(_ANALYSED)}")


def _drop(sql: _Sql) -> None:
    for table in (*_KEPT, *_DERIVED):
        sql.do(f"DROP TABLE IF EXISTS {table}")


# ---------------------------------------------------------------- the figures

_IN_FORCE = "m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?) AND m.status != 'voided'"
_COUNTED_VISIT = "status = 'valid' AND COALESCE(outcome, 'visited') != 'not_reached'"
_RECIPIENT = "household || '-' || COALESCE(person, 'h')"


def _register_figures(sql: _Sql, at: str, offices: dict[str, OfficeFigures],
                      categories: dict[str, dict[str, CategoryFigures]], holdings: dict[str, Holding]) -> None:
    for office, n in sql.run("SELECT office, COUNT(*) FROM rep_roster GROUP BY office"):
        offices[office].households = n
    for office, n in sql.run("SELECT office, COUNT(*) FROM rep_alive GROUP BY office"):
        offices[office].persons = n
    _held(sql, holdings, "households",
          f"SELECT m.office, {sql.codes('m.category')} FROM rep_membership m "
          "JOIN rep_roster r ON r.office = m.office AND r.uuid = m.household "
          f"WHERE {_IN_FORCE} GROUP BY m.office, m.household", [at, at])
    _held(sql, holdings, "persons",
          f"SELECT office, {sql.codes('category')} FROM ("
          "SELECT m.office, m.category, a.uuid FROM rep_membership m "
          "JOIN rep_alive a ON a.office = m.office AND a.uuid = m.person "
          f"WHERE m.person IS NOT NULL AND {_IN_FORCE} UNION "
          "SELECT m.office, m.category, a.uuid FROM rep_membership m "
          "JOIN rep_alive a ON a.office = m.office AND a.household = m.household "
          f"WHERE m.person IS NULL AND {_IN_FORCE}) u GROUP BY office, uuid", [at, at, at, at])
    for office, holding in holdings.items():
        for name in ("households", "persons"):
            for code, n in holding.per_code(name).items():
                setattr(categories[office][code], name, n)


def _held(sql: _Sql, holdings: dict[str, Holding], name: str, query: str, params: list) -> None:
    """Count the rows of (office, "code,code") by office and set of codes, streaming the rows."""
    for office, codes in _fetched(sql.cursor(query, params)):
        getattr(holdings[office], name)[frozenset(codes.split(","))] += 1


def _activity_figures(sql: _Sql, first: str, last: str, offices: dict[str, OfficeFigures]) -> None:
    visits, params = _records(sql, "visit", tuple(offices))
    # Per household first, then per office: one grouping instead of three DISTINCT counts.
    for office, *values in sql.run(
            "SELECT office, SUM(n), COUNT(*), SUM(given), SUM(cash) FROM ("
            "SELECT office, household, COUNT(*) AS n, MAX(CASE WHEN cash_fen > 0 THEN 1 ELSE 0 END) AS given, "
            f"COALESCE(SUM(cash_fen), 0) AS cash FROM ({visits}) v WHERE {_COUNTED_VISIT} "
            "AND visit_date >= ? AND visit_date <= ? GROUP BY office, household) h GROUP BY office",
            [*params, first, last]):
        o = offices[office]
        o.visits, o.households_visited, o.households_given_cash, o.cash = map(int, values)  # SUM: numeric on PG
    valid = "a.status = 'valid' AND a.activity_date >= ? AND a.activity_date <= ?"
    for office, n in sql.run(f"SELECT a.office, COUNT(*) FROM rep_activity a WHERE {valid} GROUP BY a.office",
                             [first, last]):
        offices[office].activities = n
    for office, *values in sql.run(
            "SELECT t.office, COUNT(*), COUNT(DISTINCT t.volunteer), COALESCE(SUM(t.hours_tenths), 0) "
            "FROM rep_participation t JOIN rep_activity a ON a.office = t.office AND a.uuid = t.activity "
            f"WHERE {valid} AND t.status = 'valid' GROUP BY t.office", [first, last]):
        o = offices[office]
        o.participations, o.volunteers, o.hours = map(int, values)


def _payment_figures(sql: _Sql, first: str, last: str, offices: dict[str, OfficeFigures],
                     categories: dict[str, dict[str, CategoryFigures]], holdings: dict[str, Holding]) -> None:
    paid = f"COALESCE(SUM(amount_fen), 0), COUNT(*), COUNT(DISTINCT {_RECIPIENT})"
    where = "state = 'paid' AND paid_on >= ? AND paid_on <= ?"
    for office, code, *values in sql.run(
            f"SELECT office, category, {paid} FROM rep_line WHERE {where} GROUP BY office, category", [first, last]):
        c = categories[office][code]
        c.paid, c.paid_lines, c.paid_persons = map(int, values)
    _held(sql, holdings, "paid", f"SELECT office, {sql.codes('category')} FROM rep_line WHERE {where} "
          f"GROUP BY office, {_RECIPIENT}", [first, last])
    for office, *values in sql.run(f"SELECT office, {paid} FROM rep_line WHERE {where} GROUP BY office",
                                   [first, last]):
        o = offices[office]
        o.paid, o.paid_lines, o.paid_persons = map(int, values)
    for (office, code), fen in _amounts_due(sql, first, last).items():
        categories[office][code].due = fen
        offices[office].due += fen


def _amounts_due(sql: _Sql, first: str, last: str) -> Counter[tuple[str, str]]:
    """应发 per office and category, by the office summary's rule (`summary._amounts_due`):
    the months a membership is due within the period, stopping when its household closed."""
    found: dict[tuple[str, str, str], list[Standard]] = defaultdict(list)
    for office, code, grade, valid_from, fen, period in sql.run(
            "SELECT office, category, grade, valid_from, amount_fen, period FROM rep_standard "
            "WHERE status = 'active' ORDER BY valid_from"):
        found[(office, code, grade or "")].append(Standard(date.fromisoformat(valid_from), fen, period))
    standards = {key: tuple(values) for key, values in found.items()}  # hashable: part of a key below
    tally = DueTally(Period("span", date.fromisoformat(first), date.fromisoformat(last)))
    due: Counter[tuple[str, str]] = Counter()
    rows = sql.cursor(
        "SELECT m.office, m.category, m.amount_fen, m.period, m.grade, m.start_date, m.end_date, h.status, "
        "h.status_date FROM rep_membership m JOIN rep_household h ON h.office = m.office AND h.uuid = m.household "
        "WHERE m.status != 'voided' AND m.start_date <= ? AND (m.end_date IS NULL OR m.end_date >= ?)",
        [last, first])
    for office, code, amount, period, grade, start, end, household_status, closed in _fetched(rows):
        stop = last_day_due(end and date.fromisoformat(end),
                            date.fromisoformat(closed) if household_status == "closed" and closed else None)
        fen, _shares = tally.due(date.fromisoformat(start), stop, own_amount_fen=amount or 0,
                                 own_period=period or "", standards=standards.get((office, code, grade or ""), ()))
        due[(office, code)] += fen
    return due


def _fetched(cursor: Any, size: int = 5000) -> Iterator[tuple]:
    while rows := cursor.fetchmany(size):
        yield from rows


def _groups(found: dict[str, CategoryFigures], holding: Holding,
            key_youfu: tuple[str, ...]) -> list[tuple[CategoryGroup, CategoryFigures]]:
    """The office summary's subtotals (`summary.of_codes`): each group with categories, the
    last every category; households, persons and recipients counted once, amounts summed."""
    subtotals = []
    for group in category_groups(key_youfu):
        if not group.codes:
            continue
        total = CategoryFigures(households=holding.count("households", group.codes),
                                persons=holding.count("persons", group.codes),
                                paid_persons=holding.count("paid", group.codes))
        for code in group.codes:
            if code in found:
                total.due += found[code].due
                total.paid += found[code].paid
                total.paid_lines += found[code].paid_lines
        subtotals.append((group, total))
    return subtotals


def _in_catalog_order(found: dict[str, CategoryFigures]) -> dict[str, CategoryFigures]:
    order = {c.code: i for i, c in enumerate(load_categories())}
    return dict(sorted(found.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


# ---------------------------------------------------------------- syncs

# A result's kind in an answer as the hub wrote it (json.dumps, either separators): the key
# "result" occurs once per result and nowhere else (a snapshot has no such field, and quotes
# inside strings are escaped). Counting kinds this way, not by parsing, matters: a first full
# sync leaves tens of megabytes of answers per office.
_RESULT = re.compile(r'"result":\s*"(applied|duplicate|conflict|rejected)"')


def _sync_states(sql: _Sql, offices: tuple[str, ...], revoked: dict[str, bool]) -> list[SyncState]:
    """Per office: its newest batch, its last run (batches less than RUN_GAP apart, counted by
    result) and its quarantine as the hub can know it (`_open_refusals`)."""
    states = []
    for code in offices:  # an office's answers at a time in memory
        state = SyncState(code, revoked[code])
        refused: dict[str, int] = {}  # record uuid -> the latest change of it the hub refused
        refused_seqs: set[int] = set()  # refusals answered before results named their record
        in_run = True
        for received, changes, answer in sql.run(
                "SELECT received_at, changes, answer FROM hub_batch WHERE office = ? ORDER BY received_at DESC",
                [code]):
            moment = datetime.fromisoformat(received)
            in_run = in_run and (state.run_start is None or state.run_start - moment < RUN_GAP)
            kinds = Counter(_RESULT.findall(answer))
            if in_run:
                state.run_start = moment
                state.run_batches += 1
                state.run_changes += changes
                state.results.update(kinds)
            if any(kinds[kind] for kind in protocol.REFUSED):
                for r in json.loads(answer)["results"]:
                    if r["result"] not in protocol.REFUSED:
                        continue
                    if "uuid" in r:
                        refused[r["uuid"]] = max(r["seq"], refused.get(r["uuid"], 0))
                    else:
                        refused_seqs.add(r["seq"])
            state.last_batch = state.last_batch or moment
        state.refused_open = (_open_refusals(sql, code, refused)
                              + len(refused_seqs - _taken(sql, code, refused_seqs)))
        states.append(state)
    return states


def _open_refusals(sql: _Sql, office: str, refused: dict[str, int]) -> int:
    """The records whose latest refused change no later change of theirs has replaced at the hub:
    the office's open quarantine entries (one per record, its later changes held behind it; an
    edit afterwards is sent on the hub's version and taken). A refusal a supervisor dismissed at
    the office, with no change of the record since, is not announced to the hub and stays counted."""
    taken: dict[str, int] = {}
    for part in chunked(sorted(refused), _CHUNK):
        taken.update(sql.run(f"SELECT uuid, seq FROM hub_record WHERE office = ? AND uuid IN ({_marks(part)})",
                             [office, *part]))
    return sum(1 for uuid, seq in refused.items() if taken.get(uuid, 0) < seq)


def _taken(sql: _Sql, office: str, seqs: set[int]) -> set[int]:
    """Those of `seqs` the hub applied (in a later batch)."""
    taken: set[int] = set()
    for part in chunked(sorted(seqs), _CHUNK):
        taken.update(s for (s,) in sql.run(f"SELECT seq FROM hub_change WHERE office = ? AND seq IN ({_marks(part)})",
                                           [office, *part]))
    return taken


# ---------------------------------------------------------------- all of it

def known_offices(wanted: tuple[str, ...] = ()) -> tuple[tuple[str, ...], dict[str, bool]]:
    """The offices to report on (all the hub knows, by code, unless `wanted`) and which are
    revoked; UnknownOffice for a wanted code the hub does not know."""
    sql = _Sql()
    revoked = {code: bool(at) for code, at in sql.run("SELECT code, revoked_at FROM hub_office ORDER BY code")}
    for code in wanted:
        if code not in revoked:
            raise UnknownOffice(code)
    chosen = tuple(dict.fromkeys(wanted)) if wanted else tuple(revoked)
    return chosen, revoked


STEPS = 5


def county(date_from: date, date_to: date, wanted: tuple[str, ...] = (),
           progress: Callable[[int, int], None] = lambda done, total: None, *,
           key_youfu: tuple[str, ...] = ()) -> County:
    """Every figure of the county's workbook, read in one transaction; `key_youfu` the
    categories of 重点优抚对象 (`[categories] key_youfu`, as the office summary's)."""
    sql = _Sql()
    first, last = date_from.isoformat(), date_to.isoformat()
    with hub_database.atomic():
        if sql.pg:
            sql.do("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot for every figure
        chosen, revoked = known_offices(wanted)
        scope = CountyScope(date_from, date_to, chosen)
        offices = {code: OfficeFigures() for code in chosen}
        categories: dict[str, dict[str, CategoryFigures]] = {code: defaultdict(CategoryFigures) for code in chosen}
        holdings = {code: Holding() for code in chosen}
        if not chosen:
            return County(scope, offices, {}, [])
        progress(0, STEPS)
        try:
            _load(sql, chosen)
            _roster(sql, last)
            progress(1, STEPS)
            _register_figures(sql, last, offices, categories, holdings)
            progress(2, STEPS)
            _activity_figures(sql, first, last, offices)
            progress(3, STEPS)
            _payment_figures(sql, first, last, offices, categories, holdings)
            progress(4, STEPS)
            sync = _sync_states(sql, chosen, revoked)
        finally:
            _drop(sql)
    ordered = {code: _in_catalog_order(dict(found)) for code, found in categories.items()}
    groups = {code: _groups(ordered[code], holdings[code], key_youfu) for code in chosen}
    return County(scope, offices, ordered, sync, groups)
