"""志愿服务台账: the activities of a period with their volunteers and hours, and the hours of
each volunteer over the period. Voided activities and participations are left out."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from peewee import Expression, Select, fn

from tui_register.i18n import _
from tui_register.reports.data import Scope, describe, pages, title
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import Activity, Participation, Volunteer, database

ACTIVITIES_PER_PAGE = 1000


def _in_period(scope: Scope) -> Expression:
    return ((Activity.status == "valid") & (Activity.activity_date >= scope.date_from)
            & (Activity.activity_date <= scope.date_to))


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    activities = Activity.select().where(_in_period(scope)).count()
    volunteers = _per_volunteer(scope).count()
    total = activities + volunteers
    progress(0, total)
    heading = title(scope, _("report.name.volunteers"))
    _write_activities(book, scope, heading, lambda done: progress(done, total))
    _write_volunteers(book, scope, heading, lambda done: progress(activities + done, total))


def _write_activities(book: Book, scope: Scope, heading: str, progress: Callable[[int], None]) -> None:
    sheet = book.sheet(_("report.sheet.activities"), [
        Column(_("report.col.activity_date"), "date"),
        Column(_("report.col.activity_title"), total="count"),
        Column(_("report.col.activity_kind")),
        Column(_("report.col.activity_place")),
        Column(_("report.col.organiser")),
        Column(_("report.col.partner_unit")),
        Column(_("report.col.participants"), "int", total="sum"),
        Column(_("report.col.hours"), "hours", total="sum"),
        Column(_("report.col.volunteer_names")),
    ], heading, describe(scope))
    query = Activity.select(Activity.id, Activity.title, Activity.kind, Activity.place, Activity.organiser,
                            Activity.partner_unit, Activity.activity_date, Activity.id).where(_in_period(scope))
    done = 0
    for page in pages(query, (Activity.activity_date, Activity.id), ACTIVITIES_PER_PAGE):
        taking_part = _participants([row[0] for row in page])
        for aid, name, kind, place, organiser, partner, day, _id in page:
            people = taking_part.get(aid, [])
            sheet.add((day, name, kind, place, organiser, partner, len(people),
                       sum(hours for _n, hours in people), "、".join(n for n, _h in people)))
        done += len(page)
        progress(done)


def _participants(activity_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    query = (Participation.select(Participation.activity, Volunteer.name, Participation.hours_tenths)
             .join(Volunteer)
             .where(Participation.activity.in_(activity_ids) & (Participation.status == "valid"))
             .order_by(Participation.activity, Volunteer.name_pinyin, Volunteer.id))
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for aid, name, hours in database.execute(query).fetchall():
        found[aid].append((name, hours))
    return found


def _per_volunteer(scope: Scope) -> Select:
    """Volunteers with their count of activities and hours (tenths) in the period."""
    hours = (Participation.select(Participation.volunteer, fn.COUNT(Participation.id).alias("n"),
                                  fn.SUM(Participation.hours_tenths).alias("tenths"))
             .join(Activity).where(_in_period(scope) & (Participation.status == "valid"))
             .group_by(Participation.volunteer).alias("h"))
    return (Volunteer.select(Volunteer.name, Volunteer.organisation, Volunteer.phone, hours.c.n,
                             hours.c.tenths, Volunteer.name_pinyin, Volunteer.id)
            .join(hours, on=(hours.c.volunteer_id == Volunteer.id)))


def _write_volunteers(book: Book, scope: Scope, heading: str, progress: Callable[[int], None]) -> None:
    sheet = book.sheet(_("report.sheet.volunteer_hours"), [
        Column(_("report.col.number"), "int"),
        Column(_("report.col.volunteer_name"), total="count"),
        Column(_("report.col.organisation")),
        Column(_("report.col.phone"), "code"),
        Column(_("report.col.activity_count"), "int", total="sum"),
        Column(_("report.col.hours"), "hours", total="sum"),
    ], heading, describe(scope))
    done = 0
    for page in pages(_per_volunteer(scope), (Volunteer.name_pinyin, Volunteer.id)):
        for name, organisation, phone, n, tenths, _pinyin, _id in page:
            done += 1
            sheet.add((done, name, organisation, phone, n, tenths))
        progress(done)
