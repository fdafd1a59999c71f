"""The county's workbook (`tui-register hub report summary`): the office summary's figures per
office and for the county (`hub.figures`), and every office's syncs.

Sheets: by office (the totals row is the county), by office and category, the county by
category (each with the office summary's 按类别 subtotals: a row per group of
`domain.categories`, then every category, households, persons and recipients counted once),
and syncs (last batch received, days since, the last run's outcome, the changes the
hub refused and never took). Written with the office reports' conventions (`reports.workbook`):
a file never overwritten, private, complete or absent (`reports.output`).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Callable

from tui_register.domain.categories import CategoryGroup
from tui_register.hub.figures import STEPS, CategoryFigures, County, SyncState, county
from tui_register.i18n import _
from tui_register.reports import output
from tui_register.reports.data import code_label, long_date
from tui_register.reports.workbook import Book, Column, Sheet
from tui_register.storage import clock

DAYS_LATE = 3  # an office whose newest batch is older than this many days is marked


def default_name(date_from: date, date_to: date) -> str:
    return output.file_name("county-summary", f"{date_from:%Y%m%d}-{date_to:%Y%m%d}")


def write_county(target: Path, date_from: date, date_to: date, offices: tuple[str, ...] = (), *,
                 unit: str = "yuan", numbered: bool = False, key_youfu: tuple[str, ...] = (),
                 progress: Callable[[int, int], None] = lambda done, total: None) -> Path:
    """Write the workbook at `target` (or `name-2.xlsx` … when `numbered`); its path.
    `key_youfu`: the categories of the 重点优抚对象 subtotal (`[categories] key_youfu`)."""
    path = output.reserve(target, numbered=numbered)  # before the work: a name taken is said at once
    with output.written(path) as temporary:
        figures = county(date_from, date_to, offices, progress, key_youfu=key_youfu)
        with Book(temporary, unit=unit) as book:
            _write(book, figures, datetime.now().astimezone())
    progress(STEPS, STEPS)
    return path


def _write(book: Book, c: County, now: datetime) -> None:
    heading = _("hub.report.title")
    subtitle = _subtitle(c, now)
    money = book.unit_label()
    office_sheet = book.sheet(_("hub.report.sheet.offices"), [
        Column(_("hub.report.col.office")),
        Column(_("report.col.households_on_register"), "int", total="sum"),
        Column(_("report.col.persons_on_register"), "int", total="sum"),
        Column(_("report.col.visit_count"), "int", total="sum"),
        Column(_("report.col.households_visited"), "int", total="sum"),
        Column(_("report.col.households_given_cash"), "int", total="sum"),
        Column(_("report.col.cash", unit=money), "money", total="sum"),
        Column(_("report.col.amount_due", unit=money), "money", total="sum"),
        Column(_("report.col.amount_paid", unit=money), "money", total="sum"),
        Column(_("report.col.payment_lines"), "int", total="sum"),
        Column(_("report.col.persons_paid"), "int", total="sum"),
        Column(_("report.col.activity_count"), "int", total="sum"),
        Column(_("report.col.volunteer_count"), "int", total="sum"),
        Column(_("report.col.participations"), "int", total="sum"),
        Column(_("report.col.hours"), "hours", total="sum"),
    ], heading, subtitle)
    for code, o in c.offices.items():
        office_sheet.add((code, o.households, o.persons, o.visits, o.households_visited, o.households_given_cash,
                          o.cash, o.due, o.paid, o.paid_lines, o.paid_persons, o.activities, o.volunteers,
                          o.participations, o.hours))
    sheet = _category_sheet(book, "hub.report.sheet.office_categories", heading, subtitle, by_office=True)
    for office, found in c.categories.items():
        _category_rows(sheet, found, c.groups.get(office, []), (office,))
    sheet = _category_sheet(book, "hub.report.sheet.county_categories", heading, subtitle, by_office=False)
    _category_rows(sheet, c.county_categories(), c.county_groups(), ())
    _sync_sheet(book, c.sync, heading, subtitle, now)


def _category_rows(sheet: Sheet, found: dict[str, CategoryFigures], groups: list[tuple[CategoryGroup, CategoryFigures]],
                   lead: tuple[str, ...]) -> None:
    """A row per category, then the subtotals as the office summary's 按类别 has them."""
    for code, f in found.items():
        sheet.add((*lead, code_label("category", code), *_category_cells(f)))
    if not found:
        return  # an office with no category has no subtotals to show
    *subtotals, (_every, total) = groups
    for group, f in subtotals:
        sheet.add_subtotal((*lead, _("report.summary.group_subtotal", group=group.name()), *_category_cells(f)))
    sheet.add_subtotal((*lead, _("report.summary.all_categories"), *_category_cells(total)))


def _category_cells(f: CategoryFigures) -> tuple[int, ...]:
    return f.households, f.persons, f.due, f.paid, f.paid_lines, f.paid_persons


def _subtitle(c: County, now: datetime) -> str:
    parts = [_("report.period.range", start=long_date(c.scope.date_from), end=long_date(c.scope.date_to)),
             _("hub.report.offices", n=len(c.scope.offices), codes="、".join(c.scope.offices)),
             _("hub.report.as_of", time=f"{now:%Y-%m-%d %H:%M}")]
    return _("report.filter_separator").join(parts)


def _category_sheet(book: Book, key: str, heading: str, subtitle: str, *, by_office: bool) -> Sheet:
    money = book.unit_label()
    # No totals row: the subtotal rows are the totals (a column total would count them again).
    return book.sheet(_(key), [
        *([Column(_("hub.report.col.office"))] if by_office else []),
        Column(_("report.col.category")),
        Column(_("report.col.households_on_register"), "int"),
        Column(_("report.col.persons_on_register"), "int"),
        Column(_("report.col.amount_due", unit=money), "money"),
        Column(_("report.col.amount_paid", unit=money), "money"),
        Column(_("report.col.payment_lines"), "int"),
        Column(_("report.col.persons_paid"), "int"),
    ], heading, subtitle)


def _sync_sheet(book: Book, states: list[SyncState], heading: str, subtitle: str, now: datetime) -> None:
    sheet = book.sheet(_("hub.report.sheet.sync"), [
        Column(_("hub.report.col.office")),
        Column(_("hub.report.col.token")),
        Column(_("hub.report.col.last_sync")),
        Column(_("hub.report.col.days_since"), "int"),
        Column(_("hub.report.col.attention")),
        Column(_("hub.report.col.run_start")),
        Column(_("hub.report.col.run_batches"), "int"),
        Column(_("hub.report.col.run_changes"), "int"),
        Column(_("hub.report.col.applied"), "int"),
        Column(_("hub.report.col.duplicates"), "int"),
        Column(_("hub.report.col.conflicts"), "int"),
        Column(_("hub.report.col.rejected"), "int"),
        Column(_("hub.report.col.refused_open"), "int", total="sum"),
    ], heading, subtitle, closing_lines=[_("hub.report.sync_note", days=DAYS_LATE)])
    for s in states:
        days = (now - s.last_batch).days if s.last_batch else None
        sheet.add((s.office, _("hub.report.revoked" if s.revoked else "hub.report.active"),
                   _local(s.last_batch) if s.last_batch else _("hub.report.never"), days, _attention(s, days),
                   _local(s.run_start) if s.run_start else "", s.run_batches, s.run_changes,
                   s.results["applied"], s.results["duplicate"], s.results["conflict"], s.results["rejected"],
                   s.refused_open))


def _attention(s: SyncState, days: int | None) -> str:
    """What the county should look at first for this office, in words."""
    notes = []
    if days is None:
        notes.append(_("hub.report.attention.never"))
    elif days >= DAYS_LATE:
        notes.append(_("hub.report.attention.late", days=days))
    if s.results["conflict"] or s.results["rejected"]:
        notes.append(_("hub.report.attention.refused"))
    return _("report.filter_separator").join(notes)


def _local(moment: datetime) -> str:
    return clock.local_time(moment.isoformat())
