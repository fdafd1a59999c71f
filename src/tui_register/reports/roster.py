"""花名册: the households on the register at a date, one row per person.

A person's categories in force that day (and, on the head's rows, the household's own) are
listed one per row: a person in two categories has two rows, with the same person columns.
Households are numbered (户编号) so that the roster can be read back by `import roster`;
its headers are the ones the importer knows (see `IMPORT_FIELDS`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from peewee import Select

from tui_register.i18n import _
from tui_register.reports.data import (
    Scope,
    code_label,
    describe,
    household_on_roster,
    household_status_at,
    membership_in_force,
    pages,
    path_parts,
    person_on_roster,
    title,
    under_places,
)
from tui_register.reports.workbook import Book, Column
from tui_register.storage.models import Household, Membership, Person, database

HOUSEHOLDS_PER_PAGE = 1000

# (header message key, cell kind, total, the import field it reads back as)
_COLUMNS = (
    ("report.col.household_no", "int", None, "household_no"),
    ("report.col.township", "text", None, "township"),
    ("report.col.village", "text", None, "village"),
    ("report.col.grid", "text", None, "grid"),
    ("report.col.address", "text", None, "address"),
    ("report.col.household_phone", "code", None, "household_phone"),
    ("report.col.household_status", "text", None, None),  # imported households start active
    ("report.col.name", "text", "count", "name"),
    ("report.col.relation", "text", None, "relation"),
    ("report.col.id_number", "code", None, "id_number"),
    ("report.col.sex", "text", None, "sex"),
    ("report.col.birth_date", "date", None, "birth_date"),
    ("report.col.disability_grade", "text", None, "disability_grade"),
    ("report.col.phone", "code", None, "phone"),
    ("report.col.category", "text", None, "category"),
    ("report.col.amount", "money", "sum", "amount"),
    ("report.col.period", "text", None, "period"),
    ("report.col.start_date", "date", None, "start_date"),
    ("report.col.aid_kind", "text", None, "aid_kind"),  # 临时救助 and 危房户 only
    ("report.col.repair_kind", "text", None, "repair_kind"),
    ("report.col.repair_stage", "text", None, "repair_stage"),
)
IMPORT_FIELDS = {key: field for key, _kind, _total, field in _COLUMNS if field}


def columns(book: Book) -> list[Column]:
    return [Column(_(key, unit=book.unit_label()), kind, total) for key, kind, total, _f in _COLUMNS]


def _households(scope: Scope) -> Select:
    cond = household_on_roster(scope.at, scope.status)
    if scope.place_paths:
        cond &= under_places(Household.place_path, scope.place_paths)
    if scope.categories:
        cond &= Household.id.in_(Membership.select(Membership.household).where(
            membership_in_force(scope.at) & Membership.category.in_(list(scope.categories))))
    return (Household.select(Household.id, Household.head, Household.address, Household.phone,
                             household_status_at(scope.at), Household.place_path, Household.head_sort,
                             Household.id)
            .where(cond))


def write(book: Book, scope: Scope, progress: Callable[[int, int], None]) -> None:
    query = _households(scope)
    total = query.count()
    sheet = book.sheet(_("report.sheet.roster"), columns(book), title(scope, _("report.name.roster")),
                       describe(scope))
    number = 0
    progress(0, total)
    for page in pages(query, (Household.place_path, Household.head_sort, Household.id), HOUSEHOLDS_PER_PAGE):
        ids = [row[0] for row in page]
        persons = _persons(scope, ids)
        memberships = _memberships(scope, ids)
        for hid, head, address, phone, state, path, _sort, _id in page:
            number += 1
            township, village, grid = path_parts(path)
            household = (number, township, village, grid, address, phone, code_label("household_status", state))
            # The household's own categories go on the first person's rows: the head's, if listed.
            own = memberships.pop((hid, None), [])
            listed = sorted(persons.pop(hid, []), key=lambda p: (p[0] != head, p[0]))
            for i, (pid, *person) in enumerate(listed):
                rows = memberships.pop((hid, pid), []) + (own if i == 0 else [])
                for membership in rows or [(None,) * 7]:
                    sheet.add(household + _person_cells(scope, person) + _membership_cells(membership))
        progress(min(number, total), total)


def _persons(scope: Scope, ids: list[int]) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple]] = defaultdict(list)
    query = (Person.select(Person.household, Person.id, Person.name, Person.relation, Person.id_number,
                           Person.sex, Person.birth_date, Person.disability_grade, Person.phone)
             .where(Person.household.in_(ids) & person_on_roster(scope.at)))
    for hid, *person in database.execute(query).fetchall():
        found[hid].append(tuple(person))
    return found


def _memberships(scope: Scope, ids: list[int]) -> dict[tuple[int, int | None], list[tuple]]:
    """Memberships in force, by (household, person); a household's own under person None."""
    cond = Membership.household.in_(ids) & membership_in_force(scope.at)
    if scope.categories:
        cond &= Membership.category.in_(list(scope.categories))
    query = (Membership.select(Membership.household, Membership.person, Membership.category,
                               Membership.amount_fen, Membership.period, Membership.start_date,
                               Membership.aid_kind, Membership.repair_kind, Membership.repair_stage)
             .where(cond).order_by(Membership.household, Membership.id))
    found: dict[tuple[int, int | None], list[tuple]] = defaultdict(list)
    for hid, pid, *membership in database.execute(query).fetchall():
        found[(hid, pid)].append(tuple(membership))
    return found


def _person_cells(scope: Scope, person: list) -> tuple:
    name, relation, id_number, sex, birth, grade, phone = person
    return (name, code_label("relation", relation), scope.id_text(id_number), code_label("sex", sex), birth,
            code_label("disability_grade", grade), phone)


def _membership_cells(membership: tuple) -> tuple:
    category, amount, period, start, aid_kind, repair_kind, repair_stage = membership
    return (code_label("category", category), amount or None, code_label("period", period), start,
            code_label("aid_kind", aid_kind), code_label("repair_kind", repair_kind),
            code_label("repair_stage", repair_stage))
