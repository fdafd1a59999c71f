"""Read queries of the visit register: visits with totals, campaigns and their checklists,
and the due list (follow-ups, and periodic visits and data checks that have not happened).

Voided visits are out of every total and every checklist; so is "not reached" (未遇), an
attempt that is listed but never counted. Lists are read in keyset pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Callable

from peewee import SQL, fn

from tui_register.domain.categories import parse_categories
from tui_register.storage import search
from tui_register.storage.models import Campaign, Category, Membership, counted_visit_sql, database, membership_held

# --- visits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilter:
    """Which visits a list or a total takes; `category`: held by the household on the visit's day."""

    date_from: date | None = None
    date_to: date | None = None
    purpose: str | None = None
    visitor: str | None = None  # part of a visitor's name
    place_path: str | None = None
    category: str | None = None
    campaign: str | None = None  # campaign UUID
    household: str | None = None  # household UUID
    text: str = ""  # household search, as in the household list
    include_voided: bool = False


@dataclass(frozen=True)
class VisitRow:
    id: int
    uuid: str
    version: int
    visit_date: date
    household_uuid: str
    head_name: str
    place_path: str
    purpose: str
    visitors: str
    cash_fen: int
    goods: str
    follow_up: str
    follow_up_due: date | None
    status: str
    campaign_name: str
    outcome: str = "visited"
    collector: str = ""
    address: str = ""

    def key(self) -> tuple[str, int]:
        return (self.visit_date.isoformat(), self.id)


_VISIT_COLUMNS = (
    "v.id, v.uuid, v.version, v.visit_date, h.uuid, h.head_name, h.place_path, v.purpose, v.visitors, "
    "v.cash_fen, v.goods, v.follow_up, v.follow_up_due, v.status, coalesce(c.name, ''), v.outcome, v.collector, "
    "h.address"
)
_VISIT_FROM = "visit v JOIN household h ON h.id = v.household_id LEFT JOIN campaign c ON c.id = v.campaign_id"


def _visit_where(flt: VisitFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        clauses.append(sql)
        params.extend(values)

    if not flt.include_voided:
        add("v.status = 'valid'")
    if flt.date_from:
        add("v.visit_date >= ?", flt.date_from.isoformat())
    if flt.date_to:
        add("v.visit_date <= ?", flt.date_to.isoformat())
    if flt.purpose:
        add("v.purpose = ?", flt.purpose)
    if flt.visitor:
        add("instr(v.visitors, ?) > 0", flt.visitor)
    if flt.place_path:
        add("(h.place_path = ? OR (h.place_path > ? AND h.place_path < ?))",
            flt.place_path, flt.place_path + "/", flt.place_path + "0")
    if flt.category:
        add(*_held_on_visit_date(flt.category))
    if flt.campaign:
        add("c.uuid = ?", flt.campaign)
    if flt.household:
        add("h.uuid = ?", flt.household)
    if flt.text:
        sql, text_params = search.match_sql(flt.text)
        add(sql, *text_params)
    return clauses, params


def _held_on_visit_date(category: str) -> tuple[str, ...]:
    """The visit's household held `category` (or one of a group's) on the day of the visit
    (not today): SQL, params."""
    m = Membership.alias("m")
    sql, params = (m.select(SQL("1"))
                   .where((m.household == SQL("v.household_id")) & (m.category.in_(parse_categories(category)))
                          & membership_held(SQL("v.visit_date"), table=m)).sql())
    return (f"EXISTS ({sql})", *params)


def _visit_row(r: tuple) -> VisitRow:
    return VisitRow(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                    r[11], date.fromisoformat(r[12]) if r[12] else None, r[13], r[14], r[15], r[16], r[17])


def visit_page(flt: VisitFilter, *, after: tuple | None = None, before: tuple | None = None,
               limit: int = 50) -> list[VisitRow]:
    """Newest first: the first page, the page after `after` or before `before` (row keys)."""
    clauses, params = _visit_where(flt)
    order = "DESC"
    if after is not None:
        clauses.append("(v.visit_date, v.id) < (?, ?)")
        params += list(after)
    elif before is not None:
        clauses.append("(v.visit_date, v.id) > (?, ?)")
        params += list(before)
        order = "ASC"
    sql = (f"SELECT {_VISIT_COLUMNS} FROM {_VISIT_FROM} WHERE {' AND '.join(clauses) or '1'} "
           f"ORDER BY v.visit_date {order}, v.id {order} LIMIT ?")
    rows = [_visit_row(r) for r in database.execute_sql(sql, [*params, limit]).fetchall()]
    return rows if before is None else rows[::-1]


@dataclass(frozen=True)
class VisitTotals:
    visits: int  # 人次
    households: int
    cash_fen: int


def _from_for(flt: VisitFilter) -> str:
    """Join the household and campaign only when the filter needs them (totals over a year
    of visits then read one covering index)."""
    needs_household = bool(flt.place_path or flt.household or flt.text)
    source = "visit v"
    if needs_household:
        source += " JOIN household h ON h.id = v.household_id"
    if flt.campaign:
        source += " JOIN campaign c ON c.id = v.campaign_id"
    return source


def visit_totals(flt: VisitFilter) -> VisitTotals:
    """人次, households and cash for the filter; voided visits and attempts never count."""
    clauses, params = _visit_where(replace(flt, include_voided=False))
    clauses.append("v.outcome != 'not_reached'")
    sql = (f"SELECT count(*), count(DISTINCT v.household_id), coalesce(sum(v.cash_fen), 0) "
           f"FROM {_from_for(flt)} WHERE {' AND '.join(clauses) or '1'}")
    visits, households, cash = database.execute_sql(sql, params).fetchone()
    return VisitTotals(visits, households, cash)


def visitor_names(limit: int = 30) -> list[str]:
    """Names that visited most recently, for the visitor field's choices."""
    rows = database.execute_sql(
        "SELECT visitors FROM visit WHERE status = 'valid' ORDER BY id DESC LIMIT 500").fetchall()
    seen: dict[str, None] = {}
    for (visitors,) in rows:
        for name in visitors.split("、"):
            if name:
                seen.setdefault(name, None)
    return list(seen)[:limit]


def goods_choices(limit: int = 20) -> list[str]:
    rows = database.execute_sql(
        "SELECT goods, count(*) AS n FROM (SELECT goods FROM visit WHERE goods != '' ORDER BY id DESC "
        "LIMIT 2000) GROUP BY goods ORDER BY n DESC LIMIT ?", (limit,)).fetchall()
    return [g for g, _n in rows]


def household_label(household_uuid: str) -> tuple[str, str]:
    """The head's name and the address, which a visit form names in its title."""
    row = database.execute_sql("SELECT head_name, address FROM household WHERE uuid = ?",
                               (household_uuid,)).fetchone()
    return (row[0], row[1]) if row else ("", "")


# --- campaigns ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    targets: int
    visited: int
    cash_fen: int  # given so far in the campaign's valid visits


def campaigns(include_closed: bool = False) -> list[CampaignProgress]:
    """Every campaign, newest first, with its progress (two grouped queries for all of them)."""
    query = Campaign.select().order_by(Campaign.start_date.desc(), Campaign.id.desc())
    if not include_closed:
        query = query.where(Campaign.status == "active")
    targets = dict(database.execute_sql(
        "SELECT campaign_id, count(*) FROM campaign_target WHERE status = 'active' GROUP BY campaign_id").fetchall())
    visited = {cid: (n, cash) for cid, n, cash in database.execute_sql(
        "SELECT campaign_id, count(DISTINCT household_id), coalesce(sum(cash_fen), 0) FROM visit v "
        f"WHERE campaign_id IS NOT NULL AND {counted_visit_sql()} GROUP BY campaign_id").fetchall()}
    return [CampaignProgress(c, targets.get(c.id, 0), *visited.get(c.id, (0, 0))) for c in query]


def campaign_progress(campaign_uuid: str) -> CampaignProgress:
    """已走访 n/m and the cash given: campaign visits are made to its targets."""
    campaign = Campaign.get(Campaign.uuid == campaign_uuid)
    targets = database.execute_sql(
        "SELECT count(*) FROM campaign_target WHERE campaign_id = ? AND status = 'active'",
        (campaign.id,)).fetchone()[0]
    visited, cash = database.execute_sql(
        "SELECT count(DISTINCT household_id), coalesce(sum(cash_fen), 0) FROM visit v "
        f"WHERE campaign_id = ? AND {counted_visit_sql()}", (campaign.id,)).fetchone()
    return CampaignProgress(campaign, targets, visited, cash)


@dataclass(frozen=True)
class TargetVisit:
    """The campaign visit of a checklist row, as the exception form shows it for correcting."""

    uuid: str
    version: int
    visit_date: date
    visitors: str
    purpose: str
    cash_fen: int
    goods: str
    findings: str
    follow_up: str
    follow_up_due: date | None
    outcome: str
    collector: str


@dataclass(frozen=True)
class TargetRow:
    target_uuid: str
    household_uuid: str
    head_name: str
    head_id_number: str
    place_path: str
    address: str
    category_codes: tuple[str, ...]  # held on some day of the campaign
    visit_date: date | None  # of the campaign visit, if visited
    cash_fen: int
    sort_key: tuple[str, str, int]
    visit: TargetVisit | None = None  # the campaign visit (None: not visited, or not saved yet)
    outcome: str = ""  # the visit's; "not_reached" when there were only attempts so far

    @property
    def visit_uuid(self) -> str | None:
        return self.visit.uuid if self.visit else None

    @property
    def visit_version(self) -> int:
        return self.visit.version if self.visit else 0


def target_visit(visit: Any) -> TargetVisit:
    """A saved `Visit` as a checklist row holds it."""
    return TargetVisit(visit.uuid, visit.version, visit.visit_date, visit.visitors, visit.purpose, visit.cash_fen,
                       visit.goods, visit.findings, visit.follow_up, visit.follow_up_due, visit.outcome,
                       visit.collector)


def visit_as_saved(visit_uuid: str) -> TargetVisit | None:
    """A visit as it is stored now (the form's reload after a conflict)."""
    from tui_register.storage.models import Visit

    visit = Visit.get_or_none(Visit.uuid == visit_uuid)
    return target_visit(visit) if visit is not None else None


_TARGET_SQL = """
WITH page AS (
  SELECT t.uuid AS target_uuid, h.uuid AS household_uuid, h.head_name, h.head_id_number, h.place_path,
    h.address, h.head_sort, h.id AS hid,
    (SELECT v.id FROM visit v WHERE v.campaign_id = t.campaign_id AND v.household_id = h.id
       AND {counted} ORDER BY v.visit_date LIMIT 1) AS visit_id,
    EXISTS (SELECT 1 FROM visit v WHERE v.campaign_id = t.campaign_id AND v.household_id = h.id
       AND v.status = 'valid' AND v.outcome = 'not_reached') AS attempted
  FROM {source} JOIN campaign_target t ON t.household_id = h.id
  WHERE t.campaign_id = ? AND t.status = 'active' AND {where}
  ORDER BY h.place_path {order}, h.head_sort {order}, h.id {order} LIMIT ?)
SELECT page.target_uuid, page.household_uuid, page.head_name, page.head_id_number, page.place_path,
  page.address, ({held}), page.head_sort, page.hid, page.attempted,
  v.uuid, v.version, v.visit_date, v.visitors, v.purpose, v.cash_fen, v.goods, v.findings, v.follow_up,
  v.follow_up_due, v.outcome, v.collector
FROM page LEFT JOIN visit v ON v.id = page.visit_id
ORDER BY page.place_path, page.head_sort, page.hid
"""


def _target_row(r: tuple) -> TargetRow:
    visit = None
    if r[10] is not None:
        visit = TargetVisit(r[10], r[11], date.fromisoformat(r[12]), r[13], r[14], r[15], r[16], r[17], r[18],
                            date.fromisoformat(r[19]) if r[19] else None, r[20], r[21])
    outcome = visit.outcome if visit else ("not_reached" if r[9] else "")
    return TargetRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(sorted(c for c in (r[6] or "").split(",") if c)),
                     visit.visit_date if visit else None, visit.cash_fen if visit else 0, (r[4], r[7], r[8]),
                     visit, outcome)


def campaign_targets(campaign_uuid: str, text: str = "", *, after: tuple | None = None,
                     before: tuple | None = None, last: bool = False, limit: int = 50) -> list[TargetRow]:
    """The checklist: targets in place and name order, with their campaign visit if any; the
    page after `after`, the page before `before`, the last page, or the first."""
    campaign_id, start, end = Campaign.select(Campaign.id, Campaign.start_date, Campaign.end_date).where(
        Campaign.uuid == campaign_uuid).tuples().get()
    held_sql, held_params = _held_during(start, end)
    text_sql, params = search.match_sql(text)
    clauses = [text_sql]
    backwards = last or before is not None
    if after is not None:
        clauses.append("(h.place_path, h.head_sort, h.id) > (?, ?, ?)")
        params += list(after)
    elif before is not None:
        clauses.append("(h.place_path, h.head_sort, h.id) < (?, ?, ?)")
        params += list(before)
    targets = database.execute_sql("SELECT count(*) FROM (SELECT 1 FROM campaign_target WHERE campaign_id = ? "
                                   "LIMIT 2000)", (campaign_id,)).fetchone()[0]
    # A large list is read in the household index's order, stopping at the page's end.
    source = "household h INDEXED BY household_place_path_head_sort_id" if targets >= 2000 else "household h"
    sql = _TARGET_SQL.format(source=source, where=" AND ".join(clauses), counted=counted_visit_sql(),
                             order="DESC" if backwards else "ASC", held=held_sql)
    return [_target_row(r) for r in database.execute_sql(sql, [campaign_id, *params, limit, *held_params]).fetchall()]


def _held_during(first: date, last: date) -> tuple[str, list[Any]]:
    """The codes of the categories a checklist row's household held on some day of the
    campaign ("a,b"): read for the page's rows only."""
    m = Membership.alias("m")
    sql, params = (m.select(fn.GROUP_CONCAT(m.category.distinct()))
                   .where((m.household == SQL("page.hid")) & membership_held(first, last, m)).sql())
    return sql, params


def _target_where(categories: list[str], place_path: str | None) -> tuple[str, list[Any]]:
    clauses = ["h.status = 'active'"]
    params: list[Any] = []
    if categories:
        clauses.append("(" + " OR ".join("h.category_codes LIKE ?" for _ in categories) + ")")
        params += [f"%,{c},%" for c in categories]
    if place_path:
        clauses.append("(h.place_path = ? OR (h.place_path > ? AND h.place_path < ?))")
        params += [place_path, place_path + "/", place_path + "0"]
    return " AND ".join(clauses), params


def households_for_targets(categories: list[str], place_path: str | None) -> list[str]:
    """UUIDs of active households in any of `categories` (all when empty) under a place."""
    where, params = _target_where(categories, place_path)
    sql = f"SELECT h.uuid FROM household h WHERE {where} ORDER BY h.place_path, h.head_sort, h.id"
    return [u for (u,) in database.execute_sql(sql, params).fetchall()]


def count_households_for_targets(categories: list[str], place_path: str | None) -> int:
    """How many households `households_for_targets` would list (the campaign form shows it)."""
    where, params = _target_where(categories, place_path)
    return database.execute_sql(f"SELECT count(*) FROM household h WHERE {where}", params).fetchone()[0]


# --- due list (待办) ---------------------------------------------------------------------------

# Groups whose periodic visit must be a data check (数据核查); for the others any visit counts.
DATA_CHECK_GROUPS = {"dibao", "tekun"}


@dataclass(frozen=True)
class DueItem:
    kind: str  # "follow_up" or "periodic"
    due: date
    household_uuid: str
    head_name: str
    place_path: str
    what: str  # the follow-up text, or the category code that requires the visit
    visit_uuid: str | None = None  # the visit holding the follow-up
    visit_version: int = 0
    last: date | None = None  # the last visit (or data check) that counted

    def overdue(self, today: date) -> bool:
        return self.due < today


@dataclass
class DueList:
    items: list[DueItem] = field(default_factory=list)
    follow_ups: int = 0
    periodic: int = 0


def due_list(today: date, interval_for: Callable[[str, str], int], *, horizon_days: int = 7,
             limit: int = 500) -> DueList:
    """Follow-ups due within `horizon_days` or overdue, and households whose categories
    require a visit (or a data check) that is due by then. Most overdue first."""
    horizon = today + timedelta(days=horizon_days)
    result = DueList()
    for r in database.execute_sql(
            "SELECT v.follow_up_due, h.uuid, h.head_name, h.place_path, v.follow_up, v.uuid, v.version "
            "FROM visit v JOIN household h ON h.id = v.household_id WHERE v.follow_up_due IS NOT NULL "
            "AND v.follow_up_done IS NULL AND v.status = 'valid' AND v.follow_up_due <= ? "
            "ORDER BY v.follow_up_due LIMIT ?", (horizon.isoformat(), limit)).fetchall():
        result.items.append(DueItem("follow_up", date.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]))
    result.follow_ups = len(result.items)
    periodic = _periodic_due(horizon, interval_for, limit)
    result.periodic = len(periodic)
    result.items += periodic
    result.items.sort(key=lambda item: item.due)
    return result


def _periodic_due(horizon: date, interval_for: Callable[[str, str], int], limit: int) -> list[DueItem]:
    """Households whose last counting visit is older than the shortest interval of their
    categories (never visited: counted from the start of the membership)."""
    rules = [(c.code, c.group, interval_for(c.code, c.group)) for c in Category.select()]
    items: list[DueItem] = []
    for data_check in (False, True):
        chosen = [(code, days) for code, group, days in rules
                  if days > 0 and (group in DATA_CHECK_GROUPS) == data_check]
        if chosen:
            items += _due_for_rules(chosen, data_check, horizon, limit)
    return sorted(items, key=lambda item: item.due)[:limit]


def _due_for_rules(rules: list[tuple[str, int]], data_check: bool, horizon: date, limit: int) -> list[DueItem]:
    values = ", ".join("(?, ?)" for _ in rules)
    # Derived columns kept by the writes: the last visit, the last data check.
    last = "h.last_check" if data_check else "h.last_visit"
    sql = (
        f"WITH rules(code, days) AS (VALUES {values}), "
        "held AS (SELECT m.household_id AS hid, r.days, m.category AS code, m.start_date AS start "
        "         FROM membership m JOIN rules r ON r.code = m.category WHERE m.status = 'active'), "
        # SQLite takes the bare column `code` from the row holding min(days): the category
        # whose interval runs out first names the row.
        "pick AS (SELECT hid, min(days) AS days, code FROM held GROUP BY hid), "
        "starts AS (SELECT hid, min(start) AS start FROM held GROUP BY hid), "
        "need AS (SELECT pick.hid, pick.days, pick.code, starts.start FROM pick JOIN starts ON starts.hid = pick.hid), "
        f"due AS (SELECT h.uuid, h.head_name, h.place_path, {last} AS last, need.start, need.days, need.code "
        "        FROM need JOIN household h ON h.id = need.hid WHERE h.status = 'active') "
        "SELECT *, date(coalesce(last, start), '+' || days || ' days') AS due_on FROM due "
        "WHERE due_on <= ? ORDER BY due_on LIMIT ?")
    params: list[Any] = [x for rule in rules for x in rule] + [horizon.isoformat(), limit]
    kind = "data_check" if data_check else "periodic"
    return [DueItem(kind, date.fromisoformat(due_on), uuid, name, path, code,
                    last=date.fromisoformat(last) if last else None)
            for uuid, name, path, last, _start, _days, code, due_on
            in database.execute_sql(sql, params).fetchall()]
