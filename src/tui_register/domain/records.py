"""Input models: what a form (or an imported row) may store, checked and normalised.

Every model takes a plain dict of strings as a form sends it. Use `validate()`,
which turns every problem into a FieldError inside one InputError. Validators
that need today's date read it from the validation context ("today"), so tests
and the demo generator can fix it.

Amounts come out as integer fen; an int given for an amount means yuan (as typed).
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Callable, ClassVar, Iterable, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, model_validator

from tui_register.domain import assistance, checks, rules
from tui_register.domain.categories import code_for
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.fields import check_not_future, parse_date, parse_hours, parse_money, parse_phone
from tui_register.domain.ids import parse_resident_id
from tui_register.domain.payments import clean_account_number
from tui_register.domain.text import clean_text

ACCEPT_ID_REGION = "id_region"  # put in `accept` to store an ID whose region is unknown
MAX_VISITORS = 10
REASON_REQUIRED = frozenset({"suspended", "closed", "deceased", "moved_out", "voided"})

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_VISITOR_SEPARATORS = re.compile(r"[,、;]")  # after NFKC, "，" and "；" are "," and ";"


# ---------------------------------------------------------------- context

def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


def _today(info: ValidationInfo) -> date:
    return _context(info).get("today") or date.today()


def _accepted(info: ValidationInfo, what: str) -> bool:
    return what in _context(info).get("accept", ())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- field rules
# Each factory returns a "before" validator; Annotated types below attach them.

def _text(max_len: int, min_len: int = 0, multiline: bool = False) -> Callable[..., str]:
    def check(value: object, info: ValidationInfo) -> str:
        return clean_text(value, field=info.field_name, max_len=max_len, min_len=min_len,
                          multiline=multiline)
    return check


def _person_name(value: object, info: ValidationInfo) -> str:
    name = clean_text(value, field=info.field_name, max_len=30, min_len=1)
    if any(ch.isdigit() for ch in name):
        raise FieldError(info.field_name, "name_digits")  # an ID or phone in the wrong box
    return name


def _reference(value: object, info: ValidationInfo) -> str | None:
    """A record id (UUID text, normalised to lower case); blank means none."""
    if _blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not _UUID.fullmatch(text):
        raise FieldError(info.field_name, "bad_reference")
    return text


def _choice(kind: str, blank: str | None = None) -> Callable[..., Any]:
    """A code of list `kind`, given as the code or its label; `blank` is what "" means."""
    def check(value: object, info: ValidationInfo) -> Any:
        if _blank(value):
            if blank is None:
                raise FieldError(info.field_name, "required")
            return blank
        code = code_for(kind, unicodedata.normalize("NFKC", str(value)))
        if code is None:
            raise FieldError(info.field_name, "unknown_category" if kind == "category"
                             else "not_in_list")
        return code
    return check


def _past_date(value: object, info: ValidationInfo) -> date | None:
    if _blank(value):
        return None
    today = _today(info)
    return check_not_future(parse_date(value, field=info.field_name, today=today), today,
                            info.field_name)


def _any_date(value: object, info: ValidationInfo) -> date | None:
    if _blank(value):
        return None
    return parse_date(value, field=info.field_name, today=_today(info))


def _money(value: object, info: ValidationInfo) -> int:
    return 0 if _blank(value) else parse_money(value, field=info.field_name)


def _phone(value: object, info: ValidationInfo) -> str:
    return "" if _blank(value) else parse_phone(value, field=info.field_name)


def _hours(value: object, info: ValidationInfo) -> Decimal | None:
    return None if _blank(value) else parse_hours(value, field=info.field_name)


def _id_number(value: object, info: ValidationInfo) -> str:
    """Format, date and check character here; the region warning comes last (see _check_id)."""
    if _blank(value):
        return ""
    return parse_resident_id(value, field=info.field_name, allow_unknown_region=True,
                             today=_today(info)).number


def _sex(value: object, info: ValidationInfo) -> str:
    if _blank(value):
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    for code, words in (("M", ("m", "男", "male")), ("F", ("f", "女", "female"))):
        if text in words:
            return code
    raise FieldError(info.field_name, "not_in_list")


_GRADE_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _disability_grade(value: object, info: ValidationInfo) -> int | None:
    """1-4, also as "2", "二级", "2级"; blank means none."""
    if _blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        grade = value if 1 <= value <= 4 else None
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("级")
        grade = _GRADE_WORDS.get(text)
    if grade is None:
        raise FieldError(info.field_name, "not_in_list")
    return grade


def _visitors(value: object, info: ValidationInfo) -> list[str]:
    """Names as a list, or one string separated by , ， 、 ; (blanks and repeats dropped)."""
    names = _visitor_names(value, info.field_name)
    if not names:
        raise FieldError(info.field_name, "required")
    return names


def _optional_visitors(value: object, info: ValidationInfo) -> list[str]:
    return _visitor_names(value, info.field_name)


def _visitor_names(value: object, field: str) -> list[str]:
    if value is None:
        parts: list[object] = []
    elif isinstance(value, str):
        parts = _VISITOR_SEPARATORS.split(unicodedata.normalize("NFKC", value))
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise FieldError(field, "invalid")
    names: list[str] = []
    for part in parts:
        name = clean_text(part, field=field, max_len=30)
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_VISITORS:
        raise FieldError(field, "too_many", {"max": MAX_VISITORS})
    return names


def _required(check: Callable[..., Any]) -> Callable[..., Any]:
    """`check`, but a blank value is the problem `required` rather than None."""
    def wrapped(value: object, info: ValidationInfo) -> Any:
        if _blank(value):
            raise FieldError(info.field_name, "required")
        return check(value, info)
    return wrapped


def _rule(type_: Any, check: Callable[..., Any]) -> Any:
    return Annotated[type_, BeforeValidator(check)]


def Text(max_len: int, min_len: int = 0) -> Any:  # noqa: N802 - reads as a type
    return _rule(str, _text(max_len, min_len))


def LongText(max_len: int) -> Any:  # noqa: N802
    return _rule(str, _text(max_len, multiline=True))


def Choice(kind: str, blank: str | None = None) -> Any:  # noqa: N802
    return _rule(str, _choice(kind, blank))


PersonName = _rule(str, _person_name)
Ref = _rule(str, _required(_reference))
OptionalRef = _rule(str | None, _reference)
PastDate = _rule(date, _required(_past_date))
OptionalPastDate = _rule(date | None, _past_date)
AnyDate = _rule(date, _required(_any_date))
OptionalDate = _rule(date | None, _any_date)
Fen = _rule(int, _money)  # blank means 0
Phone = _rule(str, _phone)  # blank means no phone
Hours = _rule(Decimal, _required(_hours))
OptionalHours = _rule(Decimal | None, _hours)
IdNumber = _rule(str, _id_number)
Sex = _rule(str, _sex)
DisabilityGrade = _rule(int | None, _disability_grade)
Visitors = _rule(list[str], _visitors)
OptionalVisitors = _rule(list[str], _optional_visitors)


# ---------------------------------------------------------------- models

class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = ""  # picks record-specific field labels (field.<scope>.<name>)


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise InputError(errors)


def _check_id(number: str, info: ValidationInfo, errors: list[FieldError],
              field: str = "id_number") -> None:
    """Adds the unknown-region warning last, so that warnings_only means "only this is left"."""
    if number and not _accepted(info, ACCEPT_ID_REGION):
        rid = parse_resident_id(number, allow_unknown_region=True, today=_today(info))
        if rid.region_name is None:
            errors.append(FieldError(field, "id_region_unknown", {"region": rid.region_code},
                                     warning=True))


class PlaceIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "place"

    name: Text(40, 1)
    level: Choice("place_level")
    parent: OptionalRef = None
    code: Text(20) = ""

    @model_validator(mode="after")
    def _parent_needed(self) -> "PlaceIn":
        rules.parent_for_level(self.level, self.parent)
        return self


class HouseholdIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "household"

    address: Text(200, 1)
    place: Ref
    phone: Phone = ""
    notes: LongText(2000) = ""


class PersonIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "person"

    household: Ref
    name: PersonName
    id_number: IdNumber = ""
    sex: Sex = ""
    birth_date: OptionalPastDate = None
    relation: Choice("relation", blank="other") = "other"
    disability_grade: DisabilityGrade = None
    phone: Phone = ""

    @model_validator(mode="after")
    def _agree_with_id(self, info: ValidationInfo) -> "PersonIn":
        errors: list[FieldError] = []
        if self.id_number:
            rid = parse_resident_id(self.id_number, allow_unknown_region=True,
                                    today=_today(info))
            # Left blank, they are read from the ID; given, they must agree with it.
            if self.birth_date is None:
                self.birth_date = rid.birth_date
            if not self.sex:
                self.sex = rid.sex
            rules.agrees_with_id(rid, self.birth_date, self.sex)
            _check_id(self.id_number, info, errors)
        else:
            # Without an ID there is nothing to read them from.
            if not self.sex:
                errors.append(FieldError("sex", "required"))
            if self.birth_date is None:
                errors.append(FieldError("birth_date", "required"))
        _raise(errors)
        return self


class MembershipIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "membership"

    category: Choice("category")
    person: OptionalRef = None
    household: OptionalRef = None
    start_date: AnyDate
    end_date: OptionalDate = None
    amount: Fen = 0  # 0: the category's standard applies (payments)
    period: Choice("period", blank="") = ""
    grade: Text(20) = ""  # where the standard depends on it (残疾军人 一级 …)
    notes: LongText(2000) = ""
    # 临时救助 and 危房改造 only (domain/assistance.py)
    aid_kind: Choice("aid_kind", blank="") = ""
    repair_kind: Choice("repair_kind", blank="") = ""
    repair_stage: Choice("repair_stage", blank="") = ""

    @model_validator(mode="after")
    def _rules(self) -> "MembershipIn":
        if self.category == assistance.REPAIR_CATEGORY and not self.repair_stage:
            self.repair_stage = assistance.FIRST_STAGE  # every repair starts with its appraisal
        with rules.Problems() as problems:
            if (self.person is None) == (self.household is None):
                problems.add(FieldError("person", "person_or_household"))
            problems.check(rules.end_not_before_start, self.start_date, self.end_date)
            problems.check(rules.period_for_amount, self.amount, self.period)
            problems.check(assistance.check_kinds, self.category, self.kinds())
        return self

    def kinds(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in assistance.KIND_FIELDS}


class RepairStageIn(_Input):
    """Moving a housing repair (危房改造) on to its next stage; `current` is where it is now."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "membership"

    current: Choice("repair_stage", blank="") = ""
    repair_stage: Choice("repair_stage")

    @model_validator(mode="after")
    def _forward(self) -> "RepairStageIn":
        assistance.stage_forward(self.current, self.repair_stage)
        return self


class CheckOutcomeIn(_Input):
    """What a data check found for one person of the household visited."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "check_outcome"

    visit: Ref
    person: Ref
    outcome: Choice("check_outcome")
    reason: Choice("close_reason", blank="") = ""
    notes: Text(200) = ""

    @model_validator(mode="after")
    def _reason(self) -> "CheckOutcomeIn":
        checks.outcome_reason(self.outcome, self.reason, self.notes)
        return self


class VisitIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "visit"

    household: Ref
    visit_date: PastDate
    visitors: Visitors
    purpose: Choice("purpose")
    cash: Fen = 0
    goods: Text(200) = ""
    findings: LongText(2000) = ""
    follow_up: LongText(500) = ""
    follow_up_due: OptionalDate = None  # may be in the future: it is a deadline
    campaign: OptionalRef = None
    outcome: Choice("outcome", blank="visited") = "visited"
    collector: Text(20) = ""  # who collected for the household (代领)

    @model_validator(mode="after")
    def _rules(self) -> "VisitIn":
        with rules.Problems() as problems:
            problems.check(rules.follow_up_due, self.follow_up, self.follow_up_due, self.visit_date)
            problems.check(rules.outcome_details, self.outcome, self.collector, self.cash, self.goods)
        if self.outcome != "proxy":
            self.collector = ""
        return self


class CampaignIn(_Input):
    """A festival round: the visitors, cash and goods are defaults for its visits."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "campaign"

    name: Text(60, 1)
    start_date: AnyDate  # may be planned ahead
    end_date: AnyDate
    purpose: Choice("purpose")
    visitors: OptionalVisitors = []
    default_cash: Fen = 0
    default_goods: Text(200) = ""
    budget: Fen = 0

    @model_validator(mode="after")
    def _rules(self) -> "CampaignIn":
        rules.end_not_before_start(self.start_date, self.end_date)
        return self


class VolunteerIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "volunteer"

    name: PersonName
    phone: Phone = ""
    organisation: Text(60) = ""
    id_number: IdNumber = ""
    notes: LongText(2000) = ""

    @model_validator(mode="after")
    def _region(self, info: ValidationInfo) -> "VolunteerIn":
        errors: list[FieldError] = []
        _check_id(self.id_number, info, errors)
        _raise(errors)
        return self


class ActivityIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "activity"

    activity_date: PastDate
    title: Text(100, 1)
    kind: Text(30) = ""
    place: Text(100) = ""
    organiser: Text(60) = ""
    partner_unit: Text(60) = ""
    default_hours: OptionalHours = None  # prefilled for each participant
    notes: LongText(2000) = ""


class ParticipationIn(_Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "participation"

    activity: Ref
    volunteer: Ref
    hours: Hours


class StatusChange(_Input):
    """Suspending, closing, voiding or reactivating a record; nothing is ever deleted."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "status"

    status: Choice("status")
    reason: Text(200) = ""
    effective_date: PastDate

    @model_validator(mode="after")
    def _reason_needed(self) -> "StatusChange":
        if self.status in REASON_REQUIRED and not self.reason:
            raise FieldError("reason", "required")
        return self


# ---------------------------------------------------------------- payments (发放)

def _account_number(value: object, info: ValidationInfo) -> str:
    return "" if _blank(value) else clean_account_number(value, field=info.field_name)


AccountNumber = _rule(str, _account_number)


class StandardIn(_Input):
    """A standard amount for a category (and grade) from a date on."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "standard"

    category: Choice("category")
    grade: Text(20) = ""
    valid_from: AnyDate
    amount: Fen
    period: Choice("period")
    notes: LongText(500) = ""

    @model_validator(mode="after")
    def _amount_needed(self) -> "StandardIn":
        if self.amount <= 0:
            raise FieldError("amount", "required")
        return self


class AccountIn(_Input):
    """Where a person's or a household's payments go: bank, card, or cash."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
    label_scope: ClassVar[str] = "account"

    person: OptionalRef = None
    household: OptionalRef = None
    kind: Choice("account_kind")
    bank_name: Text(60) = ""
    account_number: AccountNumber = ""
    holder_name: Text(30) = ""
    proxy: bool = False
    notes: LongText(500) = ""

    @model_validator(mode="after")
    def _rules(self) -> "AccountIn":
        errors: list[FieldError] = []
        if (self.person is None) == (self.household is None):
            errors.append(FieldError("person", "person_or_household"))
        if self.kind != "cash":
            if not self.account_number:
                errors.append(FieldError("account_number", "required"))
            if not self.holder_name:
                errors.append(FieldError("holder_name", "required"))
        if self.kind == "bank" and not self.bank_name:
            errors.append(FieldError("bank_name", "required"))
        _raise(errors)
        return self


# ---------------------------------------------------------------- validate()

M = TypeVar("M", bound=BaseModel)

# pydantic's own error types → our codes (anything else becomes "invalid")
_PYDANTIC_CODES = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "too_long": "too_many",
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "int_from_float": "not_a_number",
    "decimal_parsing": "not_a_number",
    "decimal_type": "not_a_number",
    "literal_error": "not_in_list",
    "enum": "not_in_list",
    "date_parsing": "date_invalid",
    "date_from_datetime_parsing": "date_invalid",
    "date_from_datetime_inexact": "date_invalid",
    "date_type": "date_invalid",
    "extra_forbidden": "unknown_field",
}


def validate(model_cls: type[M], data: dict[str, Any], *, accept: Iterable[str] = (),
             today: date | None = None) -> M:
    """`model_cls` built from `data`; raises InputError listing every problem.

    `accept` names warnings the user has confirmed (e.g. "id_region").
    """
    context = {"accept": set(accept), "today": today or date.today()}
    try:
        return model_cls.model_validate(data, context=context)
    except ValidationError as exc:
        errors = [e for detail in exc.errors() for e in _field_errors(detail)]
    scope = getattr(model_cls, "label_scope", "")
    for error in errors:
        error.scope = error.scope or scope
    # Real errors first: a warning is only worth confirming once nothing else is wrong.
    errors.sort(key=lambda e: e.warning)
    raise InputError(errors)


def _field_errors(detail: dict[str, Any]) -> list[FieldError]:
    error = detail.get("ctx", {}).get("error")
    if isinstance(error, InputError):
        return error.errors
    if isinstance(error, FieldError):
        return [error]
    loc = detail.get("loc", ())
    field = str(loc[0]) if loc else ""
    code = _PYDANTIC_CODES.get(detail["type"], "invalid")
    params: dict[str, Any] = {}
    if code in ("too_long", "too_many"):
        params["max"] = detail.get("ctx", {}).get("max_length", "")
    return [FieldError(field, code, params)]
