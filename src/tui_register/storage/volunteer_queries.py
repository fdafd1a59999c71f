"""Read queries of the volunteer register (志愿服务): volunteers with their hours, activities
with their participants, and the look-up that adds participants as a name is typed.

Voided activities and participations count nowhere. Lists are read in keyset pages (never
OFFSET); every function fetches its rows completely before returning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from tui_register.storage.models import Activity, Volunteer, database

# The hours of one volunteer in a date range; parameters: the range's first and last day.
_HOURS_IN = (
    "(SELECT coalesce(sum(p.hours_tenths), 0) FROM participation p JOIN activity a ON a.id = p.activity_id "
    "WHERE p.volunteer_id = v.id AND p.status = 'valid' AND a.status = 'valid' "
    "AND a.activity_date BETWEEN ? AND ?)"
)
_ACTIVITY_ID = "(SELECT id FROM activity WHERE uuid = ?)"


def _page(sql: str, where: list[str], params: list[Any], keys: tuple[str, ...], *, desc: bool,
          after: tuple | None = None, before: tuple | None = None, last: bool = False,
          limit: int = 50) -> list[tuple]:
    """One page of `sql` in the order of the `keys` columns: the first page, the page after
    `after` or before `before` (row keys), or (`last`) the last page; always in list order."""
    forward = before is None and not last
    cursor = after if forward else before
    if cursor is not None:
        op = ">" if forward != desc else "<"
        where = [*where, f"({', '.join(keys)}) {op} ({', '.join('?' * len(cursor))})"]
        params = [*params, *cursor]
    direction = "DESC" if forward == desc else "ASC"
    order = ", ".join(f"{k} {direction}" for k in keys)
    rows = database.execute_sql(f"{sql} WHERE {' AND '.join(where) or '1'} ORDER BY {order} LIMIT ?",
                                [*params, limit]).fetchall()
    return rows if forward else rows[::-1]


def _year(year: int) -> list[str]:
    return [date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()]


# --- searching volunteers ------------------------------------------------------------------


def search_terms(text: str) -> list[str]:
    """NFKC (full-width input from an IME), lower case, split on spaces."""
    return unicodedata.normalize("NFKC", text).lower().split()


def _term_sql(term: str) -> tuple[str, list[Any]]:
    """Digits match the phone anywhere (names hold no digits); anything else a part of the
    name, or the start of its pinyin or of its initials (`zs` finds 张三丰)."""
    if term.isdigit():
        return "instr(replace(v.phone, '-', ''), ?) > 0", [term]
    return ("(instr(v.name, ?) > 0 OR instr(v.name_pinyin, ?) = 1 OR instr(v.name_initials, ?) = 1)",
            [term, term, term])


def _search(text: str) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for term in search_terms(text):
        sql, term_params = _term_sql(term)
        where.append(sql)
        params += term_params
    return where, params


# --- volunteers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerRow:
    id: int
    uuid: str
    version: int
    name: str
    organisation: str
    phone: str
    status: str
    name_pinyin: str
    year_tenths: int  # hours (× 10) in the year asked for

    def key(self) -> tuple[str, int]:
        return (self.name_pinyin, self.id)


def volunteer_page(text: str, year: int, *, after: tuple | None = None, before: tuple | None = None,
                   last: bool = False, limit: int = 50) -> list[VolunteerRow]:
    """Volunteers matching `text` (every term), by pinyin, with their hours in `year`."""
    where, params = _search(text)
    sql = ("SELECT v.id, v.uuid, v.version, v.name, v.organisation, v.phone, v.status, v.name_pinyin, "
           f"{_HOURS_IN} FROM volunteer v")
    rows = _page(sql, where, [*_year(year), *params], ("v.name_pinyin", "v.id"), desc=False,
                 after=after, before=before, last=last, limit=limit)
    return [VolunteerRow(*r) for r in rows]


def volunteer_count(text: str) -> int:
    where, params = _search(text)
    return database.execute_sql(f"SELECT count(*) FROM volunteer v WHERE {' AND '.join(where) or '1'}",
                                params).fetchone()[0]


@dataclass(frozen=True)
class YearHours:
    year: int
    activities: int
    tenths: int


@dataclass
class VolunteerDetail:
    volunteer: Volunteer
    years: list[YearHours]  # newest year first

    @property
    def activities(self) -> int:
        return sum(y.activities for y in self.years)

    @property
    def tenths(self) -> int:
        return sum(y.tenths for y in self.years)


def volunteer_detail(uuid: str) -> VolunteerDetail | None:
    """A volunteer and, per year, the activities taken part in and the hours."""
    volunteer = Volunteer.get_or_none(Volunteer.uuid == uuid)
    if volunteer is None:
        return None
    rows = database.execute_sql(
        "SELECT substr(a.activity_date, 1, 4) AS y, count(*), sum(p.hours_tenths) FROM participation p "
        "JOIN activity a ON a.id = p.activity_id WHERE p.volunteer_id = ? AND p.status = 'valid' "
        "AND a.status = 'valid' GROUP BY y ORDER BY y DESC", (volunteer.id,)).fetchall()
    return VolunteerDetail(volunteer, [YearHours(int(y), n, tenths) for y, n, tenths in rows])


@dataclass(frozen=True)
class ServiceRow:
    """One activity a volunteer took part in."""

    participation_id: int
    activity_uuid: str
    activity_date: date
    title: str
    kind: str
    tenths: int

    def key(self) -> tuple[str, int]:
        return (self.activity_date.isoformat(), self.participation_id)


def service_page(volunteer_uuid: str, *, after: tuple | None = None, before: tuple | None = None,
                 last: bool = False, limit: int = 50) -> list[ServiceRow]:
    """The activities of one volunteer, newest first, with the hours of each."""
    sql = ("SELECT p.id, a.uuid, a.activity_date, a.title, a.kind, p.hours_tenths "
           "FROM participation p JOIN activity a ON a.id = p.activity_id")
    where = ["p.volunteer_id = (SELECT id FROM volunteer WHERE uuid = ?)", "p.status = 'valid'",
             "a.status = 'valid'"]
    rows = _page(sql, where, [volunteer_uuid], ("a.activity_date", "p.id"), desc=True,
                 after=after, before=before, last=last, limit=limit)
    return [ServiceRow(pid, uuid, date.fromisoformat(day), title, kind, tenths)
            for pid, uuid, day, title, kind, tenths in rows]


# --- activities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    id: int
    uuid: str
    activity_date: date
    title: str
    kind: str
    place: str
    participants: int
    tenths: int

    def key(self) -> tuple[str, int]:
        return (self.activity_date.isoformat(), self.id)


_TOTALS = ("(SELECT count(*) FROM participation p WHERE p.activity_id = a.id AND p.status = 'valid'), "
           "(SELECT coalesce(sum(p.hours_tenths), 0) FROM participation p "
           "WHERE p.activity_id = a.id AND p.status = 'valid')")


def activity_page(*, after: tuple | None = None, before: tuple | None = None, last: bool = False,
                  limit: int = 50) -> list[ActivityRow]:
    """Activities, newest first, with their participants and hours."""
    sql = f"SELECT a.id, a.uuid, a.activity_date, a.title, a.kind, a.place, {_TOTALS} FROM activity a"
    rows = _page(sql, ["a.status = 'valid'"], [], ("a.activity_date", "a.id"), desc=True,
                 after=after, before=before, last=last, limit=limit)
    return [ActivityRow(aid, uuid, date.fromisoformat(day), title, kind, place, n, tenths)
            for aid, uuid, day, title, kind, place, n, tenths in rows]


@dataclass
class ActivityDetail:
    activity: Activity
    participants: int
    tenths: int


def activity_detail(uuid: str) -> ActivityDetail | None:
    activity = Activity.get_or_none(Activity.uuid == uuid)
    if activity is None:
        return None
    n, tenths = database.execute_sql(f"SELECT {_TOTALS} FROM activity a WHERE a.id = ?",
                                     (activity.id,)).fetchone()
    return ActivityDetail(activity, n, tenths)


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    uuid: str  # the participation's
    version: int
    volunteer_uuid: str
    name: str
    organisation: str
    tenths: int

    def key(self) -> tuple[int]:
        return (self.id,)


def participant_page(activity_uuid: str, *, after: tuple | None = None, before: tuple | None = None,
                     last: bool = False, limit: int = 50) -> list[ParticipantRow]:
    """The participants of an activity in the order they were added, with their hours."""
    sql = ("SELECT p.id, p.uuid, p.version, v.uuid, v.name, v.organisation, p.hours_tenths "
           "FROM participation p JOIN volunteer v ON v.id = p.volunteer_id")
    where = [f"p.activity_id = {_ACTIVITY_ID}", "p.status = 'valid'"]
    rows = _page(sql, where, [activity_uuid], ("p.id",), desc=False,
                 after=after, before=before, last=last, limit=limit)
    return [ParticipantRow(*r) for r in rows]


# --- adding participants -------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerMatch:
    uuid: str
    name: str
    organisation: str
    phone: str
    taking_part: bool  # already a participant of the activity


def volunteer_lookup(text: str, activity_uuid: str, limit: int = 5) -> list[VolunteerMatch]:
    """Active volunteers matching what is typed (as the list's search), exact names and
    initials first, each marked when already taking part in the activity."""
    where, params = _search(text)
    if not where:
        return []
    exact = "".join(search_terms(text))
    rows = database.execute_sql(
        "SELECT v.uuid, v.name, v.organisation, v.phone, EXISTS(SELECT 1 FROM participation p "
        f"WHERE p.volunteer_id = v.id AND p.activity_id = {_ACTIVITY_ID} AND p.status = 'valid') "
        f"FROM volunteer v WHERE v.status = 'active' AND {' AND '.join(where)} "
        "ORDER BY (v.name = ? OR v.name_initials = ? OR v.name_pinyin = ?) DESC, v.name_pinyin, v.id LIMIT ?",
        [activity_uuid, *params, exact, exact, exact, limit]).fetchall()
    return [VolunteerMatch(uuid, name, org, phone, bool(taking)) for uuid, name, org, phone, taking in rows]


# Fields whose earlier entries are offered again as they are typed: field -> (table, column).
_REMEMBERED = {
    "organisation": ("volunteer", "organisation"),
    "kind": ("activity", "kind"),
    "place": ("activity", "place"),
    "organiser": ("activity", "organiser"),
    "partner_unit": ("activity", "partner_unit"),
}


def remembered_choices(limit: int = 30) -> dict[str, list[str]]:
    """For each remembered field, the entries used so far, most used first."""
    return {name: [value for (value,) in database.execute_sql(
        f"SELECT {column} FROM {table} WHERE {column} != '' GROUP BY {column} "
        f"ORDER BY count(*) DESC, {column} LIMIT ?", (limit,)).fetchall()]
        for name, (table, column) in _REMEMBERED.items()}
