"""Writes to the household register: places, households, persons, category memberships.

Each function is one user action: one transaction, one change-log row per record changed.
Inputs are already validated by the domain layer (`tui_register.domain.records`); what needs
the database (duplicates, who is head, states) is checked here.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from tui_register.domain import assistance, rules
from tui_register.domain.errors import FieldError
from tui_register.domain.names import pinyin_keys
from tui_register.domain.records import HouseholdIn, MembershipIn, PersonIn, PlaceIn, StatusChange
from tui_register.storage import search
from tui_register.storage.core import RuleViolation, Writer, writing
from tui_register.storage.models import (
    Household,
    Membership,
    Person,
    Place,
    Visit,
    database,
)

HOUSEHOLD_STATES = {"active", "suspended", "closed"}
PERSON_STATES = {"active", "deceased", "moved_out"}


def _execute(sql: str, params: Any = ()) -> Any:
    return database.execute_sql(sql, params)


# --- places ---------------------------------------------------------------------------

def create_place(user: str, data: PlaceIn) -> Place:
    with writing(user) as w:
        parent = w.load(Place, data.parent) if data.parent else None
        path = f"{parent.path}/{data.name}" if parent else data.name
        return w.create(Place, name=data.name, level=data.level, parent=parent,
                        code=data.code, path=path)


# --- households -----------------------------------------------------------------------

# Columns of a household computed from its other rows (never typed, never in the change log).
DERIVED_COLUMNS = ("place_path", "head_name", "head_sort", "head_id_number", "member_count",
                   "category_codes", "last_visit", "last_check")


def derived_columns(place_path: str, head_id: int | None,
                    persons: Iterable[tuple[int, str, str, str | None, str]],
                    memberships: Iterable[tuple[str, str]],
                    visits: Iterable[tuple[Any, str, str, str]]) -> dict[str, Any]:
    """A household's derived columns from its facts; the one place they are computed (the
    write path, the bulk loader and `check` all call it).

    persons: (id, name, pinyin, id number, status); memberships: (category, status);
    visits: (date, purpose, status, outcome); only those that count (`rules.counts_as_visit`) set
    the last visit and check. Dates come back as given (date or ISO text).
    """
    persons = list(persons)
    head = next((p for p in persons if p[0] == head_id), None)
    codes = sorted({category for category, status in memberships if status == "active"})
    valid = [(day, purpose) for day, purpose, status, outcome in visits if rules.counts_as_visit(status, outcome)]
    return {
        "place_path": place_path,
        "head_name": head[1] if head else "",
        "head_sort": head[2] if head else "",
        "head_id_number": (head[3] or "") if head else "",
        "member_count": sum(1 for p in persons if p[4] == "active"),
        "category_codes": "," + ",".join(codes) + "," if codes else "",
        "last_visit": max((day for day, _ in valid), default=None),
        "last_check": max((day for day, purpose in valid if purpose == "data_check"), default=None),
    }


def refresh_household(household: Household) -> None:
    """Recompute a household's derived columns and search entry from its rows."""
    persons = (Person.select(Person.id, Person.name, Person.name_pinyin, Person.id_number, Person.status)
               .where(Person.household == household).order_by(Person.id).tuples())
    memberships = (Membership.select(Membership.category, Membership.status)
                   .where(Membership.household == household).tuples())
    visits = (Visit.select(Visit.visit_date, Visit.purpose, Visit.status, Visit.outcome)
              .where(Visit.household == household).tuples())
    values = derived_columns(household.place.path, household.head_id, persons, memberships, visits)
    Household.update(**values).where(Household.id == household.id).execute()
    search.reindex(_execute, household.id)


def create_household(user: str, data: HouseholdIn, head: PersonIn | None = None) -> Household:
    """A new household, optionally with its head in the same transaction."""
    with writing(user) as w:
        place = w.load(Place, data.place)
        household = w.create(Household, place=place, address=data.address, phone=data.phone,
                             notes=data.notes, place_path=place.path)
        if head is not None:
            person = _insert_person(w, household, head.model_copy(update={"relation": "head"}))
            household = w.update(Household, household.uuid, None, head=person)
        refresh_household(household)
        return Household.get_by_id(household.id)


def update_household(user: str, uuid: str, base_version: int, data: HouseholdIn) -> Household:
    with writing(user) as w:
        place = w.load(Place, data.place)
        household = w.update(Household, uuid, base_version, place=place, address=data.address,
                             phone=data.phone, notes=data.notes)
        refresh_household(household)
        return household


def set_household_head(user: str, uuid: str, base_version: int, person_uuid: str) -> Household:
    with writing(user) as w:
        household = w.load(Household, uuid)
        person = w.load(Person, person_uuid)
        if person.household_id != household.id:
            raise RuleViolation("storage.not_member", name=person.name)
        previous = household.head
        household = w.update(Household, uuid, base_version, head=person)
        if previous is not None and previous.id != person.id and previous.relation == "head":
            # One head per household: the former head's relation is no longer known.
            w.update(Person, previous.uuid, None, relation="other")
        if person.relation != "head":
            w.update(Person, person.uuid, None, relation="head")
        refresh_household(household)
        return household


def set_household_status(user: str, uuid: str, base_version: int, change: StatusChange) -> Household:
    """Suspend, close or (supervisors only, for a closed one) reopen a household."""
    if change.status not in HOUSEHOLD_STATES:
        raise RuleViolation("storage.bad_status", status=change.status)
    current = Household.get_or_none(Household.uuid == uuid)
    reopening = current is not None and current.status == "closed" and change.status != "closed"
    with writing(user, supervisor=reopening) as w:
        reason = change.reason if change.status != "active" else ""
        when = change.effective_date if change.status != "active" else None
        household = w.update(Household, uuid, base_version, op="status", status=change.status,
                             status_reason=reason, status_date=when)
        return household


# --- persons --------------------------------------------------------------------------

def possible_duplicates(id_number: str | None, name: str, birth_date: date | None,
                        exclude_uuid: str | None = None) -> list[Person]:
    """Persons anywhere in the register with the same ID number, or the same name and birth date."""
    cond = None
    if id_number:
        cond = Person.id_number == id_number
    if name and birth_date:
        same = (Person.name == name) & (Person.birth_date == birth_date)
        cond = same if cond is None else (cond | same)
    if cond is None:
        return []
    query = Person.select().where(cond)
    if exclude_uuid:
        query = query.where(Person.uuid != exclude_uuid)
    return list(query.limit(20))


def _check_unique_id(id_number: str | None, exclude_uuid: str | None = None) -> None:
    if not id_number:
        return
    query = Person.select().where(Person.id_number == id_number)
    if exclude_uuid:
        query = query.where(Person.uuid != exclude_uuid)
    other = query.first()
    if other is not None:
        raise RuleViolation("storage.duplicate_id", name=other.name,
                            address=other.household.address)


def _person_values(data: PersonIn) -> dict[str, Any]:
    pinyin, initials = pinyin_keys(data.name)
    return dict(name=data.name, id_number=data.id_number or None, sex=data.sex,
                birth_date=data.birth_date, relation=data.relation,
                disability_grade=data.disability_grade, phone=data.phone,
                name_pinyin=pinyin, name_initials=initials)


def _insert_person(w: Writer, household: Household, data: PersonIn) -> Person:
    _check_unique_id(data.id_number)
    if data.relation == "head" and household.head_id is not None:
        raise RuleViolation("storage.head_exists", name=household.head.name)
    return w.create(Person, household=household, **_person_values(data))


def add_person(user: str, data: PersonIn) -> Person:
    with writing(user) as w:
        household = w.load(Household, data.household)
        person = _insert_person(w, household, data)
        if data.relation == "head":
            household = w.update(Household, household.uuid, None, head=person)
        refresh_household(household)
        return person


def update_person(user: str, uuid: str, base_version: int, data: PersonIn) -> Person:
    with writing(user) as w:
        current = w.load(Person, uuid)
        if data.household != current.household.uuid:
            raise RuleViolation("storage.move_not_here")
        household = current.household
        if data.relation == "head" and household.head_id not in (None, current.id):
            raise RuleViolation("storage.head_exists", name=household.head.name)
        _check_unique_id(data.id_number, exclude_uuid=uuid)
        person = w.update(Person, uuid, base_version, **_person_values(data))
        if data.relation == "head" and household.head_id is None:
            household = w.update(Household, household.uuid, None, head=person)
        elif data.relation != "head" and household.head_id == person.id:
            household = w.update(Household, household.uuid, None, head=None)
        refresh_household(household)
        return person


def set_person_status(user: str, uuid: str, base_version: int, change: StatusChange) -> Person:
    """Mark a person deceased or moved out (with reason and date), or active again."""
    if change.status not in PERSON_STATES:
        raise RuleViolation("storage.bad_status", status=change.status)
    with writing(user) as w:
        person = person_status(w, uuid, base_version, change)
        refresh_household(person.household)
        return person


def person_status(w: Writer, uuid: str, base_version: int | None, change: StatusChange,
                  **ended: Any) -> Person:
    """`set_person_status` inside an open write (a data check's closure); `ended` are more
    values for the memberships it ends (the closure that ended them)."""
    active = change.status == "active"
    person = w.update(Person, uuid, base_version, op="status", status=change.status,
                      status_reason="" if active else change.reason,
                      status_date=None if active else change.effective_date)
    if not active:
        # A deceased or moved-out person's memberships end on that date.
        for m in Membership.select().where((Membership.person == person) & (Membership.status == "active")):
            end = rules.departure_end(m.end_date, change.effective_date)
            _check_holder(person, m.start_date, end)  # one that starts later must be voided first
            w.update(Membership, m.uuid, None, op="status", status="ended",
                     end_date=end, status_reason=change.reason, **ended)
    return person


# --- category memberships -------------------------------------------------------------

def _check_holder(person: Person | None, start: date, end: date | None) -> None:
    """A person who died or moved out holds no membership after that date."""
    if person is None:
        return
    try:
        rules.held_while_present(start, end, person.status, person.status_date)
    except FieldError:
        raise RuleViolation("storage.held_after_departure", name=person.name,
                            date=person.status_date.isoformat()) from None


def add_membership(user: str, data: MembershipIn) -> Membership:
    with writing(user) as w:
        person = w.load(Person, data.person) if data.person else None
        household = person.household if person else w.load(Household, data.household)
        _check_holder(person, data.start_date, data.end_date)
        membership = w.create(Membership, category=data.category, household=household, person=person,
                              start_date=data.start_date, end_date=data.end_date,
                              amount_fen=data.amount, period=data.period, grade=data.grade, notes=data.notes,
                              **data.kinds())
        refresh_household(household)
        return membership


def set_repair_stage(user: str, uuid: str, base_version: int, stage: str) -> Membership:
    """Move a housing repair (危房改造) on to `stage`; it never goes back."""
    with writing(user) as w:
        current = w.load(Membership, uuid)
        if current.category_id != assistance.REPAIR_CATEGORY:
            raise RuleViolation("storage.not_a_repair")
        try:
            assistance.stage_forward(current.repair_stage, stage)
        except FieldError as err:
            raise RuleViolation("storage.stage_backwards", **err.params) from None
        return w.update(Membership, uuid, base_version, repair_stage=stage)


def end_membership(user: str, uuid: str, base_version: int, end_date: date, reason: str,
                   *, void: bool = False) -> Membership:
    """End a membership at a date (or void one entered by mistake); it stays on record."""
    with writing(user) as w:
        current = w.load(Membership, uuid)
        try:
            rules.end_not_before_start(current.start_date, end_date)
        except FieldError:
            raise RuleViolation("storage.end_before_start") from None
        if not void:
            _check_holder(current.person, current.start_date, end_date)
        membership = w.update(Membership, uuid, base_version, op="status",
                              status="voided" if void else "ended",
                              end_date=end_date, status_reason=reason)
        refresh_household(membership.household)
        return membership
