"""The roster import: read the sheet, check every row, report the rows in error, write.

Nothing is written while any row is in error unless `skip_invalid` is set; `dry_run` only
checks. The writing is one transaction (BEGIN IMMEDIATE): the storage write functions nest
in it as savepoints, so an import is all there or not at all, with the usual change-log
rows. Villages (村/社区) and grids are found by name under their township, or created; the
township is the sheet's, else the register's only one, else one named after the office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from tui_register.domain.records import AccountIn, MembershipIn, PlaceIn, validate
from tui_register.i18n import _
from tui_register.reports import output
from tui_register.reports.import_plan import Plan, PlannedHousehold, Problem, plan_import
from tui_register.reports.import_sheet import load_map, read_roster
from tui_register.reports.workbook import Book, Column
from tui_register.storage import clock, households
from tui_register.storage.core import require_writer
from tui_register.storage.models import Household, Membership, Person, Place, database


@dataclass(frozen=True)
class ImportOptions:
    sheet: str | None = None  # default: the first sheet
    column_map: Path | None = None  # a --map TOML file (see import_sheet.load_map)
    dry_run: bool = False
    skip_invalid: bool = False


@dataclass
class ImportResult:
    rows: int  # data rows read (blank rows are not counted)
    rejected: int  # rows in error, not imported
    households_new: int = 0
    households_matched: int = 0
    persons_new: int = 0
    persons_matched: int = 0
    memberships_new: int = 0
    accounts_new: int = 0
    places_new: int = 0
    written: bool = False
    report: Path | None = None  # the workbook listing the rows in error
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The figures of the summary line (`import.cli.*` messages)."""
        return dict(rows=self.rows, rejected=self.rejected, households_new=self.households_new,
                    households_matched=self.households_matched, persons_new=self.persons_new,
                    persons_matched=self.persons_matched, memberships_new=self.memberships_new,
                    accounts_new=self.accounts_new, places_new=self.places_new)


def import_roster(path: Path, settings, user: str, options: ImportOptions,
                  on_progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import the roster workbook at `path`; raises ReportError for an unreadable file or map."""
    column_map = load_map(options.column_map) if options.column_map else None
    sheet = read_roster(path, options.sheet, column_map)
    plan = plan_import(sheet, clock.today())
    result = ImportResult(rows=plan.rows, rejected=len(plan.rejected_rows), problems=plan.problems)
    if plan.problems:
        result.report = write_error_report(path, plan, settings)
    if options.dry_run or (plan.problems and not options.skip_invalid):
        _count(plan, result, _Places(user, _township(settings), create=False))
        return result
    with database.atomic("IMMEDIATE"):
        require_writer(user)
        places = _Places(user, _township(settings), create=True)
        progress = on_progress or (lambda done, total: None)
        for done, household in enumerate(plan.households, start=1):
            _write_household(user, household, places, result)
            progress(done, len(plan.households))
    result.places_new = places.created
    result.written = True
    return result


def _count(plan: Plan, result: ImportResult, places: _Places) -> None:
    """What an import would do, for a dry run or a refused import."""
    for household in plan.households:
        if household.existing is None:
            places.uuid(household.place)
        result.households_new += household.existing is None
        result.households_matched += household.existing is not None
        for person in household.persons:
            result.memberships_new += sum(1 for m in person.memberships if not (
                person.existing and _has_category("person", person.existing, m.category)))
            result.accounts_new += person.account is not None
        result.memberships_new += sum(1 for m in household.memberships if not (
            household.existing and _has_category("household", household.existing, m.category)))
    result.persons_new, result.persons_matched = plan.persons_new, plan.persons_matched
    result.places_new = places.created


def _write_household(user: str, planned: PlannedHousehold, places: _Places, result: ImportResult) -> None:
    first = planned.persons[0]
    head = first if first.existing is None and first.data.relation == "head" else None
    if planned.existing is None:
        data = planned.data.model_copy(update={"place": places.uuid(planned.place)})
        created = households.create_household(user, data, head=head.data if head else None)
        household_uuid = created.uuid
        head_uuid = created.head.uuid if head else None
        result.households_new += 1
    else:
        household_uuid, head_uuid, head = planned.existing, None, None
        result.households_matched += 1
    for person in planned.persons:
        if person.existing is not None:
            person_uuid = person.existing
            result.persons_matched += 1
        else:
            person_uuid = head_uuid if person is head else households.add_person(
                user, person.data.model_copy(update={"household": household_uuid})).uuid
            result.persons_new += 1
        for membership in person.memberships:
            _add_membership(user, membership, "person", person_uuid, result, check=person.existing is not None)
        if person.account is not None:
            _add_account(user, person.account, person_uuid, result)
    for membership in planned.memberships:
        _add_membership(user, membership, "household", household_uuid, result, check=planned.existing is not None)


def _add_membership(user: str, membership: MembershipIn, scope: str, target: str, result: ImportResult,
                    *, check: bool) -> None:
    """Add a membership unless a registered target already has that category, active."""
    if check and _has_category(scope, target, membership.category):
        return
    households.add_membership(user, membership.model_copy(update={scope: target}))
    result.memberships_new += 1


def _add_account(user: str, account: AccountIn, person_uuid: str, result: ImportResult) -> None:
    """The person's account, unless it is the one already in use."""
    from tui_register.storage import payments
    from tui_register.storage.models import PaymentAccount, Person

    in_use = (PaymentAccount.select().join(Person, on=(PaymentAccount.person == Person.id))
              .where((Person.uuid == person_uuid) & (PaymentAccount.status == "active")
                     & (PaymentAccount.account_number == account.account_number)).exists())
    if not in_use:
        payments.add_account(user, account.model_copy(update={"person": person_uuid}))
        result.accounts_new += 1


def _has_category(scope: str, target: str, category: str) -> bool:
    query = Membership.select().where((Membership.category == category) & (Membership.status == "active"))
    if scope == "person":
        return query.join(Person, on=(Membership.person == Person.id)).where(Person.uuid == target).exists()
    return query.join(Household).where(
        (Household.uuid == target) & Membership.person.is_null()).exists()


def _township(settings) -> str:
    """The township for sheets that name none: the register's only one, else the office."""
    names = [name for (name,) in Place.select(Place.name)
             .where((Place.level == "township") & Place.parent.is_null()).limit(2).tuples()]
    if len(names) == 1:
        return names[0]
    return settings.office_name or _("import.default_township")


class _Places:
    """Townships, villages and grids by name under their parent: found, or created when writing."""

    def __init__(self, user: str, township: str, *, create: bool) -> None:
        self.user = user
        self.township = township
        self.create = create
        self.created = 0
        self._known: dict[tuple[str | None, str], tuple[int | None, str]] = {}

    def uuid(self, names: tuple[str, str, str]) -> str:
        township, village, grid = names
        parent = self._place(None, township or self.township, "township")
        for name, level in ((village, "village"), (grid, "grid")):
            if name:
                parent = self._place(parent, name, level)
        return parent[1]

    def _place(self, parent: tuple[int | None, str] | None, name: str, level: str) -> tuple[int | None, str]:
        key = (parent[1] if parent else None, name)
        if key not in self._known:
            self._known[key] = self._find(parent, name) or self._new(parent, name, level)
        return self._known[key]

    def _find(self, parent: tuple[int | None, str] | None, name: str) -> tuple[int | None, str] | None:
        if parent is not None and parent[0] is None:
            return None  # under a place that a dry run only pretends to create
        where = Place.parent.is_null() if parent is None else (Place.parent == parent[0])
        found = Place.select(Place.id, Place.uuid).where(where & (Place.name == name)).first()
        return (found.id, found.uuid) if found else None

    def _new(self, parent: tuple[int | None, str] | None, name: str, level: str) -> tuple[int | None, str]:
        self.created += 1
        if not self.create:
            return None, f"planned {self.created}"
        data = validate(PlaceIn, {"name": name, "level": level, "parent": parent[1] if parent else ""})
        place = households.create_place(self.user, data)
        return place.id, place.uuid


# --- the error report -------------------------------------------------------------------------

def write_error_report(source: Path, plan: Plan, settings) -> Path:
    """A workbook of the rows in error (row, column, value, problem), under the export folder."""
    name = output.file_name("import-errors", source.stem, f"{datetime.now():%Y%m%d-%H%M}")
    target = output.reserve(Path(settings.export_dir) / name, numbered=True)
    columns = [Column(_("import.report.row"), "int"), Column(_("import.report.column")),
               Column(_("import.report.value"), "code"), Column(_("import.report.problem"))]
    with output.written(target) as temporary, Book(temporary) as book:
        sheet = book.sheet(_("import.report.sheet"), columns, _("import.report.title", file=source.name),
                           _("import.report.subtitle", rows=plan.rows, rejected=len(plan.rejected_rows)))
        for problem in plan.problems:
            sheet.add((problem.row, problem.column, problem.value, problem.message))
    return target
