"""Checking a roster before anything is written: households, persons, categories, duplicates.

Rows are grouped into households:
- by the household number (户编号) when the sheet has one; a blank number continues the
  household above (merged cells read as blank below their first row);
- else by the relation column: a head's row (户主, 本人) starts a household, others join it;
- else by the head's name (户主姓名) and the address;
- else each row is a household of one.
Every row is validated with the domain's input models (`domain.records`); nothing refers to a
record yet, so references hold a placeholder that the importer fills in. A household is
rejected whole when its own columns or its head's row are wrong; a member's wrong row
rejects that member only. An ID number seen on an earlier row is the same person when the
row is in the same household under the same name (a person listed once per category),
else an error. An ID number already in the register is matched, not added again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from tui_register.domain import assistance
from tui_register.domain.categories import category_by_code, code_for
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.records import (
    ACCEPT_ID_REGION,
    AccountIn,
    HouseholdIn,
    MembershipIn,
    PersonIn,
    PlaceIn,
    validate,
)
from tui_register.i18n import _
from tui_register.reports.import_sheet import CellProblem, RosterSheet, SheetRow, cell_text, cell_value
from tui_register.storage.models import Household, Person, database

PLACEHOLDER = "00000000-0000-4000-8000-000000000000"  # a reference filled in when writing
MATCH_BATCH = 500

# Relations as rosters write them, besides the labels of the relation list.
RELATION_WORDS = {
    "本人": "head", "户主本人": "head", "妻": "spouse", "妻子": "spouse", "夫": "spouse", "丈夫": "spouse",
    "儿子": "son", "长子": "son", "次子": "son", "三子": "son", "之子": "son",
    "女儿": "daughter", "长女": "daughter", "次女": "daughter", "三女": "daughter", "之女": "daughter",
    "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild", "外孙女": "grandchild",
    "父": "father", "母": "mother", "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling",
    "儿媳妇": "daughter_in_law", "媳妇": "daughter_in_law",
}
# Several categories in one cell: 城市低保、重度残疾人 (after NFKC, "，" is "," and "；" is ";").
_CATEGORY_SEPARATORS = re.compile(r"[、,;/\n]+")
_PERSON_FIELDS = ("id_number", "sex", "birth_date", "disability_grade", "phone")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # "C 身份证号", or "" for the row as a whole
    value: str
    message: str


@dataclass
class PlannedPerson:
    rows: list[int]  # a person listed once per category has several rows
    data: PersonIn
    memberships: list[MembershipIn] = field(default_factory=list)  # personal ones
    existing: str | None = None  # UUID of the same person in the register
    account: AccountIn | None = None  # from 开户银行 and 银行账号 (or 一卡通账号)


@dataclass
class PlannedHousehold:
    place: tuple[str, str, str]  # township, village, grid names ("" when not given)
    data: HouseholdIn
    persons: list[PlannedPerson]  # the head first, when there is one
    memberships: list[MembershipIn]  # the household's own
    existing: str | None = None  # UUID of the register's household its persons belong to


@dataclass
class Plan:
    households: list[PlannedHousehold]
    problems: list[Problem]
    rejected_rows: set[int]
    rows: int

    @property
    def persons_new(self) -> int:
        return sum(1 for h in self.households for p in h.persons if p.existing is None)

    @property
    def persons_matched(self) -> int:
        return sum(1 for h in self.households for p in h.persons if p.existing is not None)


def plan_import(sheet: RosterSheet, today: date) -> Plan:
    checker = _Checker(sheet, today)
    households = [h for group in _groups(sheet) if (h := checker.household(group)) is not None]
    households = checker.match_register(checker.drop_duplicates_across(households))
    return Plan([h for h in households if h.persons], sorted(checker.problems, key=lambda p: p.row),
                checker.rejected, len(sheet.rows))


# --- grouping --------------------------------------------------------------------------------

def _fold(value: Any) -> str:
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def relation_code(value: Any) -> Any:
    """The relation code of a cell ("户主", "本人", "head", "之子" …), or None."""
    text = _fold(value)
    return RELATION_WORDS.get(text) or code_for("relation", text)


def _groups(sheet: RosterSheet) -> list[list[SheetRow]]:
    columns = sheet.columns
    if "household_no" in columns:
        return _grouped_by_key(sheet.rows, lambda row: _fold(row.raw.get("household_no", "")))
    if "relation" in columns:
        groups: list[list[SheetRow]] = []
        for row in sheet.rows:
            if not groups or relation_code(row.raw.get("relation", "")) == "head":
                groups.append([])
            groups[-1].append(row)
        return groups
    if "head_name" in columns and "name" in columns:
        return _grouped_by_key(sheet.rows, lambda row: _fold(row.raw.get("head_name", "")) and
                               _fold(row.raw.get("head_name", "")) + "\n" + _fold(row.raw.get("address", "")))
    return [[row] for row in sheet.rows]


def _grouped_by_key(rows: list[SheetRow], key_of: Any) -> list[list[SheetRow]]:
    """Rows with the same key together, in order of first appearance; a blank key continues."""
    groups: dict[Any, list[SheetRow]] = {}
    previous: Any = None
    for i, row in enumerate(rows):
        key = key_of(row) or (previous if previous is not None else ("row", i))
        groups.setdefault(key, []).append(row)
        previous = key
    return list(groups.values())


# --- checking ------------------------------------------------------------------------------

@dataclass(eq=False)  # rows are compared by identity: two rows may hold the same values
class _Row:
    row: SheetRow
    relation: Any
    person: PersonIn | None = None
    personal: list[MembershipIn] = field(default_factory=list)
    shared: list[MembershipIn] = field(default_factory=list)  # the household's memberships
    account: AccountIn | None = None
    ok: bool = True


class _Checker:
    def __init__(self, sheet: RosterSheet, today: date) -> None:
        self.columns = sheet.columns
        self.today = today
        self.problems: list[Problem] = []
        self.rejected: set[int] = set()

    # problems

    def report(self, row: SheetRow, field_name: str | None, message: str) -> None:
        raw = row.raw.get(field_name) if field_name else None
        # A float with an exponent is shown as Excel had it: 1.10101199001011E+17.
        scientific = isinstance(raw, float) and "e" in repr(raw)
        shown = "" if raw is None else repr(raw).upper() if scientific else cell_text(raw)
        self.report_at(row.number, field_name, shown, message)

    def report_at(self, row: int, field_name: str | None, value: str, message: str) -> None:
        column = self.columns.get(field_name) if field_name else None
        where = column.label if column else _field_label(field_name) if field_name else ""
        self.problems.append(Problem(row, where, value, message))
        self.rejected.add(row)

    def report_input(self, row: SheetRow, err: InputError, fields: dict[str, str]) -> None:
        for e in err.errors:
            self.report(row, fields.get(e.field, e.field), e.problem())

    def reject_rest(self, rows: Iterable[int]) -> None:
        """Rows left without a problem of their own when their household is rejected."""
        for row in rows:
            if row not in self.rejected:
                self.report_at(row, None, "", _("import.household_rejected"))

    def value(self, row: SheetRow, field_name: str) -> Any:
        """The cell as the validators take it; None when blank or unreadable (then reported)."""
        raw = row.raw.get(field_name)
        if raw is None:
            return None
        try:
            return cell_value(field_name, raw)
        except CellProblem as problem:
            self.report(row, field_name, _(problem.key))
            return None

    # households

    def household(self, group: list[SheetRow]) -> PlannedHousehold | None:
        rows = [self.row(r, relation) for r, relation in zip(group, self._relations(group))]
        heads = [r for r in rows if r.relation == "head"]
        # The head's rows: the first head row, and rows repeating that person for more categories.
        head = [r for r in heads if r is heads[0] or (r.person and heads[0].person
                                                      and _key(r.person) == _key(heads[0].person))]
        for extra in heads:
            if extra not in head:
                self.report(extra.row, "relation", _("import.second_head"))
                extra.ok = False
        ordered = head + [r for r in rows if r not in head]
        data, place = self._household_data([r.row for r in ordered])
        if data is None or any(not r.ok for r in head):
            self.reject_rest(r.row.number for r in rows)
            return None
        kept = [r for r in ordered if r.ok]
        return PlannedHousehold(place, data, self._persons(kept), _unique(m for r in kept for m in r.shared))

    def _relations(self, group: list[SheetRow]) -> list[Any]:
        """Each row's relation: from its column; else head where the name is the head's name;
        else head for the group's first row."""
        if "relation" in self.columns:
            return [row.raw.get("relation") for row in group]
        if "head_name" in self.columns and "name" in self.columns:
            return ["head" if _fold(row.raw.get("head_name", "")) == _fold(row.raw.get("name", "")) else "other"
                    for row in group]
        return ["head"] + ["other"] * (len(group) - 1)

    def _household_data(self, rows: list[SheetRow]) -> tuple[HouseholdIn | None, tuple[str, str, str]]:
        """The household's own columns, each from the first row that fills it."""
        source: dict[str, SheetRow] = {}
        for name in ("township", "village", "grid", "address", "household_phone", "phone", "notes", "size"):
            found = next((row for row in rows if name in row.raw), None)
            if found is not None:
                source[name] = found
        names = [self._place_name(source.get(level), level) for level in ("township", "village", "grid")]
        phone_field = "household_phone" if "household_phone" in source else "phone"
        data = {"place": PLACEHOLDER, "address": self._text(source, "address"),
                "phone": self._text(source, phone_field), "notes": self._notes(source, len(rows))}
        try:
            household = validate(HouseholdIn, data, today=self.today)
        except InputError as err:
            for e in err.errors:
                field_name = phone_field if e.field == "phone" else e.field
                self.report(source.get(field_name, rows[0]), field_name, e.problem())
            return None, ("", "", "")
        township, village, grid = names
        if township is None or village is None or grid is None:
            return None, ("", "", "")
        return household, (township, village, grid)

    def _text(self, source: dict[str, SheetRow], name: str) -> str:
        row = source.get(name)
        value = self.value(row, name) if row else None
        return "" if value is None else str(value)

    def _notes(self, source: dict[str, SheetRow], listed: int) -> str:
        notes = self._text(source, "notes")
        size = self._text(source, "size").strip()
        if size.isdigit() and int(size) > listed:
            # The sheet counts more members than it names: keep its figure where staff will see it.
            notes = "\n".join(filter(None, [notes, _("import.size_note", size=size)]))
        return notes

    def _place_name(self, row: SheetRow | None, level: str) -> str | None:
        """A place's name ("" when not given), or None when it is not a valid name."""
        if row is None:
            return ""
        name = self.value(row, level)
        try:
            return validate(PlaceIn, {"name": name, "level": "village", "parent": PLACEHOLDER}).name
        except InputError as err:
            self.report(row, level, err.errors[0].problem())
            return None

    # rows

    def row(self, row: SheetRow, relation: Any) -> _Row:
        code = relation_code(relation) if relation is not None else None
        checked = _Row(row, code)
        data: dict[str, Any] = {"household": PLACEHOLDER,
                                "name": self.value(row, "name" if "name" in row.raw else "head_name"),
                                "relation": code or ("" if relation is None else _fold(relation))}
        for name in _PERSON_FIELDS:
            value = self.value(row, name)
            if value is not None:
                data[name] = value
        fields = {"name": "name" if "name" in row.raw or "head_name" not in row.raw else "head_name"}
        try:
            checked.person = validate(PersonIn, data, accept={ACCEPT_ID_REGION}, today=self.today)
        except InputError as err:
            self.report_input(row, err, fields)
        self._memberships(checked)
        if checked.person is not None:
            checked.account = self._account(row, checked.person.name)
        checked.ok = row.number not in self.rejected
        return checked

    def _memberships(self, checked: _Row) -> None:
        row = checked.row
        text = self.value(row, "category")
        amount = self.value(row, "amount")
        if text is None:
            if amount is not None:
                self.report(row, "amount", _("import.amount_without_category"))
            return
        codes = []
        for token in _CATEGORY_SEPARATORS.split(unicodedata.normalize("NFKC", str(text))):
            if token.strip():
                code = code_for("category", token.strip())
                if code is None:
                    self.report(row, "category", _("import.unknown_category", category=token.strip()))
                else:
                    codes.append(code)
        if amount is not None and len(codes) > 1:
            self.report(row, "amount", _("import.amount_many_categories"))
            return
        kinds = self._kinds(row, codes)
        for code in codes:
            membership = self._membership(row, code, amount, kinds)
            if membership is not None:
                target = checked.personal if category_by_code(code).scope == "person" else checked.shared
                target.append(membership)

    def _account(self, row: SheetRow, holder: str) -> AccountIn | None:
        """The person's payment account, when the row gives one: a card (一卡通/社保卡) or a bank
        account (which needs its bank's name)."""
        card = self.value(row, "card_number")
        number = card if card is not None else self.value(row, "account_number")
        if number is None:
            return None
        bank = self.value(row, "bank_name") or ""
        data = {"person": PLACEHOLDER, "kind": "card" if card is not None or not bank else "bank",
                "bank_name": bank, "account_number": number, "holder_name": holder}
        try:
            return validate(AccountIn, data, today=self.today)
        except InputError as err:
            self.report_input(row, err, {"account_number": "card_number" if card is not None else "account_number"})
            return None

    def _kinds(self, row: SheetRow, codes: list[str]) -> dict[str, Any]:
        """The row's kind of assistance or repair and stage; one given for none of the row's
        categories is the row's problem (the membership it belongs to is not there)."""
        kinds = {}
        for name, owner in assistance.KIND_FIELDS.items():
            value = self.value(row, name)
            if value is None:
                continue
            if owner in codes:
                kinds[name] = value
            else:
                self.report(row, name, FieldError(name, f"only_for_{owner}").problem())
        return kinds

    def _membership(self, row: SheetRow, code: str, amount: Any, kinds: dict[str, Any]) -> MembershipIn | None:
        period = self.value(row, "period")
        category = category_by_code(code)
        scope = "person" if category.scope == "person" else "household"
        data = {"category": code, scope: PLACEHOLDER, "amount": amount or "",
                "period": period or (category.default_period if amount else "") or "",
                "start_date": self.value(row, "start_date") or self.today,
                **{name: value for name, value in kinds.items() if assistance.KIND_FIELDS[name] == code}}
        try:
            return validate(MembershipIn, data, today=self.today)
        except InputError as err:
            self.report_input(row, err, {})
            return None

    def _persons(self, rows: list[_Row]) -> list[PlannedPerson]:
        """One planned person per person: rows repeating a person add their categories."""
        persons: dict[Any, PlannedPerson] = {}
        for r in rows:
            p = r.person
            if p is None:  # not validated: its row was reported
                continue
            key = _key(p)
            same = persons.get(key)
            if same is None:
                persons[key] = PlannedPerson([r.row.number], p, _unique(r.personal), account=r.account)
            elif same.data.name != p.name:
                self.report(r.row, "id_number", _("import.duplicate_id", row=same.rows[0]))
            else:
                same.rows.append(r.row.number)
                same.memberships = _unique([*same.memberships, *r.personal])
                same.account = same.account or r.account
        return list(persons.values())

    # across households and against the register

    def drop_duplicates_across(self, households: list[PlannedHousehold]) -> list[PlannedHousehold]:
        """An ID number in two households of the sheet: the later one is an error."""
        first_row: dict[str, int] = {}
        kept = []
        for household in households:
            for person in list(household.persons):
                number = person.data.id_number
                if number and number in first_row:
                    message = _("import.duplicate_id", row=first_row[number])
                    if not self._drop_person(household, person, "id_number", number, message):
                        break
                elif number:
                    first_row[number] = person.rows[0]
            if household.persons:
                kept.append(household)
        return kept

    def _drop_person(self, household: PlannedHousehold, person: PlannedPerson, field_name: str,
                     value: str, message: str) -> bool:
        """Take a person out (reported on each of their rows); False when that drops the household."""
        for row in person.rows:
            self.report_at(row, field_name, value, message)
        household.persons.remove(person)
        if person.data.relation == "head":
            self.reject_rest(row for p in household.persons for row in p.rows)
            household.persons.clear()
            return False
        return True

    def match_register(self, households: list[PlannedHousehold]) -> list[PlannedHousehold]:
        """Persons already registered are matched; their household is the one to add to."""
        known = _registered([p.data.id_number for h in households for p in h.persons if p.data.id_number])
        kept = []
        for household in households:
            found = [known[p.data.id_number] for p in household.persons if p.data.id_number in known]
            if len({household_uuid for _p, household_uuid, _h in found}) > 1:
                for person in household.persons:
                    for row in person.rows:
                        self.report_at(row, "id_number", person.data.id_number, _("import.matched_apart"))
                continue
            for person in household.persons:
                if person.data.id_number in known:
                    person.existing = known[person.data.id_number][0]
            if found:
                household.existing = found[0][1]
                head = household.persons[0]
                if head.existing is None and head.data.relation == "head" and found[0][2]:
                    self._drop_person(household, head, "relation", _("relation.head"), _("import.head_exists"))
                    continue
            kept.append(household)
        return kept


def _registered(numbers: list[str]) -> dict[str, tuple[str, str, bool]]:
    """ID number -> (person UUID, household UUID, whether that household has a head)."""
    known: dict[str, tuple[str, str, bool]] = {}
    for start in range(0, len(numbers), MATCH_BATCH):
        query = (Person.select(Person.id_number, Person.uuid, Household.uuid, Household.head)
                 .join(Household).where(Person.id_number.in_(numbers[start:start + MATCH_BATCH])))
        for number, person_uuid, household_uuid, head in database.execute(query).fetchall():
            known[number] = (person_uuid, household_uuid, head is not None)
    return known


def _key(person: PersonIn) -> Any:
    """What makes two rows of a household the same person: the ID number, else name and birth."""
    return person.id_number or (person.name, person.birth_date, person.sex)


def _field_label(name: str) -> str:
    """A field's label where the sheet has no column for it (a required one is missing)."""
    label = _(f"field.{name}")
    return name if label == f"field.{name}" else label


def _unique(memberships: Any) -> list[MembershipIn]:
    """Memberships without repeats of a category (the first one counts)."""
    seen: dict[str, MembershipIn] = {}
    for m in memberships:
        seen.setdefault(m.category, m)
    return list(seen.values())
