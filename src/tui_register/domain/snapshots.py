"""Record snapshots as the change log stores them and the centre receives them, checked per entity.

A snapshot is in stored units, not form input: money in integer fen, hours in integer tenths,
dates as ISO ``YYYY-MM-DD``, references as UUIDs, codes as codes (never labels), times as ISO
timestamps with a zone. Text, names, phones and ID numbers go through the same rules as the
forms (`domain.records`), so the centre refuses a record the office could not have saved
through a form, with the same field and problem codes (`FieldError`).

    problems = check_snapshot("household", snapshot)   # [] when it is valid
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Annotated, Any, Callable, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator

from tui_register.domain import assistance, checks, rules
from tui_register.domain.categories import (
    PERIODS,
    PLACE_LEVELS,
    RELATIONS,
    VISIT_OUTCOMES,
    VISIT_PURPOSES,
    category_by_code,
)
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.fields import MAX_FEN, MIN_DATE, check_not_future, format_money
from tui_register.domain.ids import ResidentId, parse_resident_id
from tui_register.domain.payments import ACCOUNT_KINDS, clean_account_number
from tui_register.domain.records import (
    LongText,
    OptionalRef,
    OptionalVisitors,
    PersonName,
    Phone,
    Ref,
    Text,
    Visitors,
    validate,
)

MAX_TENTHS = 240  # 24 hours, the most one participation may count
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _today(info: ValidationInfo) -> date:
    return (info.context or {}).get("today") or date.today()


def _iso_date(past: bool, required: bool = True) -> Callable[[object, ValidationInfo], date | None]:
    def check(value: object, info: ValidationInfo) -> date | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise FieldError(info.field_name, "required" if value is None else "date_invalid")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise FieldError(info.field_name, "date_invalid") from None
        if day < MIN_DATE:
            raise FieldError(info.field_name, "date_before_1900")
        return check_not_future(day, _today(info), info.field_name) if past else day
    return check


def _timestamp(value: object, info: ValidationInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise FieldError(info.field_name, "invalid")  # written by the program, never typed: no own wording
    return moment


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, "not_a_number")
    return value


def _fen(value: object, info: ValidationInfo) -> int:
    fen = _whole(value, info.field_name)
    if fen < 0:
        raise FieldError(info.field_name, "money_negative")
    if fen > MAX_FEN:
        raise FieldError(info.field_name, "money_too_large", {"max": format_money(MAX_FEN)})
    return fen


def _tenths(low: int) -> Callable[[object, ValidationInfo], int]:
    def check(value: object, info: ValidationInfo) -> int:
        tenths = _whole(value, info.field_name)
        if not low <= tenths <= MAX_TENTHS:
            raise FieldError(info.field_name, "hours_range")
        return tenths
    return check


@functools.lru_cache(maxsize=1024)
def _resident_id(number: str, today: date) -> ResidentId:
    """Parsed once for the field check and the birth date and sex check: the region lookup
    inside is the costliest step of checking a snapshot."""
    return parse_resident_id(number, allow_unknown_region=True, today=today)


def _id_number(value: object, info: ValidationInfo) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise FieldError(info.field_name, "invalid")
    return _resident_id(value, _today(info)).number


def _category(value: object, info: ValidationInfo) -> str:
    try:
        return category_by_code(str(value)).code
    except KeyError:
        raise FieldError(info.field_name, "unknown_category") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date(past=False))]
OptionalIsoDate = Annotated[date | None, BeforeValidator(_iso_date(past=False, required=False))]
PastIsoDate = Annotated[date, BeforeValidator(_iso_date(past=True))]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
StoredFen = Annotated[int, BeforeValidator(_fen)]
CategoryCode = Annotated[str, BeforeValidator(_category)]
IdNumber = Annotated[str, BeforeValidator(_id_number)]
Login = Text(64, 1)
Reason = Text(200)


class _Snapshot(BaseModel):
    """The columns every synced record has."""

    model_config = ConfigDict(extra="forbid")
    label_scope: ClassVar[str] = ""

    uuid: Ref
    version: int = Field(ge=1, strict=True)
    created_at: Timestamp
    created_by: Login
    updated_at: Timestamp
    updated_by: Login


class PlaceSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "place"

    name: Text(40, 1)
    level: Literal[PLACE_LEVELS]
    parent: OptionalRef
    code: Text(20)
    status: Literal["active", "closed"]

    @model_validator(mode="after")
    def _parent_needed(self) -> "PlaceSnapshot":
        rules.parent_for_level(self.level, self.parent)
        return self


class HouseholdSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "household"

    place: Ref
    address: Text(200, 1)
    phone: Phone
    notes: LongText(2000)
    status: Literal["active", "suspended", "closed"]
    status_reason: Reason
    status_date: OptionalIsoDate
    head: OptionalRef


class PersonSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "person"

    household: Ref
    name: PersonName
    id_number: IdNumber
    sex: Literal["M", "F"]
    birth_date: PastIsoDate
    relation: Literal[RELATIONS]
    disability_grade: Literal[1, 2, 3, 4] | None
    phone: Phone
    status: Literal["active", "deceased", "moved_out"]
    status_reason: Reason
    status_date: OptionalIsoDate

    @model_validator(mode="after")
    def _agrees_with_id(self, info: ValidationInfo) -> "PersonSnapshot":
        if not self.id_number:
            return self
        rules.agrees_with_id(_resident_id(self.id_number, _today(info)), self.birth_date, self.sex)
        return self


class MembershipSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "membership"

    category: CategoryCode
    household: Ref
    person: OptionalRef
    start_date: IsoDate
    end_date: OptionalIsoDate
    amount_fen: StoredFen
    period: Literal[("", *PERIODS)]
    grade: Text(20) = ""  # added in schema 7: older snapshots have none
    notes: LongText(2000)
    status: Literal["active", "ended", "voided"]
    status_reason: Reason
    # added in schema 11: older snapshots have none (and may lack them on these categories too)
    aid_kind: Literal[("", *assistance.AID_KINDS)] = ""
    repair_kind: Literal[("", *assistance.REPAIR_KINDS)] = ""
    repair_stage: Literal[("", *assistance.REPAIR_STAGES)] = ""
    closed_by_check: Text(36) = ""  # the data check's outcome that ended it (schema 11)

    @model_validator(mode="after")
    def _rules(self) -> "MembershipSnapshot":
        with rules.Problems() as problems:
            problems.check(rules.end_not_before_start, self.start_date, self.end_date)
            problems.check(rules.period_for_amount, self.amount_fen, self.period)
            problems.check(assistance.check_kinds, self.category,
                           {name: getattr(self, name) for name in assistance.KIND_FIELDS}, False)
        return self


class CampaignSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "campaign"

    name: Text(60, 1)
    start_date: IsoDate
    end_date: IsoDate
    purpose: Literal[VISIT_PURPOSES]
    visitors: OptionalVisitors
    default_cash_fen: StoredFen
    default_goods: Text(200)
    budget_fen: StoredFen
    status: Literal["active", "closed", "voided"]
    status_reason: Reason

    @model_validator(mode="after")
    def _rules(self) -> "CampaignSnapshot":
        rules.end_not_before_start(self.start_date, self.end_date)
        return self


class CampaignTargetSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "campaign_target"

    campaign: Ref
    household: Ref
    status: Literal["active", "removed"]


class VisitSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "visit"

    household: Ref
    visit_date: PastIsoDate
    visitors: Visitors
    purpose: Literal[VISIT_PURPOSES]
    cash_fen: StoredFen
    goods: Text(200)
    findings: LongText(2000)
    follow_up: LongText(500)
    follow_up_due: OptionalIsoDate
    follow_up_done: OptionalIsoDate
    campaign: OptionalRef
    status: Literal["valid", "voided"]
    status_reason: Reason
    # Since schema v7; an office not yet upgraded sends neither.
    outcome: Literal[VISIT_OUTCOMES] = "visited"
    collector: Text(20) = ""

    @model_validator(mode="after")
    def _rules(self) -> "VisitSnapshot":
        with rules.Problems() as problems:
            problems.check(rules.follow_up_due, self.follow_up, self.follow_up_due, self.visit_date)
            problems.check(rules.outcome_details, self.outcome, self.collector, self.cash_fen, self.goods)
        return self


class CheckOutcomeSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "check_outcome"

    visit: Ref
    person: Ref
    household: Ref
    outcome: Literal[checks.CHECK_OUTCOMES]
    reason: Literal[("", *checks.CLOSE_REASONS)]
    notes: Text(200)
    status: Literal["valid", "voided"]

    @model_validator(mode="after")
    def _rules(self) -> "CheckOutcomeSnapshot":
        checks.outcome_reason(self.outcome, self.reason, self.notes)
        return self


class VolunteerSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "volunteer"

    name: PersonName
    phone: Phone
    organisation: Text(60)
    id_number: IdNumber
    notes: LongText(2000)
    status: Literal["active", "inactive"]
    status_reason: Reason


class ActivitySnapshot(_Snapshot):
    label_scope: ClassVar[str] = "activity"

    activity_date: PastIsoDate
    title: Text(100, 1)
    kind: Text(30)
    place: Text(100)
    organiser: Text(60)
    partner_unit: Text(60)
    default_hours_tenths: Annotated[int, BeforeValidator(_tenths(0))]
    notes: LongText(2000)
    status: Literal["valid", "voided"]
    status_reason: Reason


class ParticipationSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "participation"

    activity: Ref
    volunteer: Ref
    hours_tenths: Annotated[int, BeforeValidator(_tenths(1))]
    status: Literal["valid", "voided"]
    status_reason: Reason


def _signed_fen(value: object, info: ValidationInfo) -> int:
    fen = _whole(value, info.field_name)
    if abs(fen) > MAX_FEN:
        raise FieldError(info.field_name, "money_too_large", {"max": format_money(MAX_FEN)})
    return fen


SignedFen = Annotated[int, BeforeValidator(_signed_fen)]  # a recovery (扣回) is negative


def _account_digits(value: object, info: ValidationInfo) -> str:
    if value == "":
        return ""
    return clean_account_number(value, field=info.field_name)


class PaymentStandardSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "standard"

    category: CategoryCode
    grade: Text(20)
    valid_from: IsoDate
    amount_fen: StoredFen
    period: Literal[PERIODS]
    notes: LongText(500)
    status: Literal["active", "voided"]
    status_reason: Reason


class PaymentAccountSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "account"

    household: Ref
    person: OptionalRef
    kind: Literal[ACCOUNT_KINDS]
    bank_name: Text(60)
    account_number: Annotated[str, BeforeValidator(_account_digits)]
    holder_name: Text(30)
    proxy: Literal[0, 1]
    notes: LongText(500)
    status: Literal["active", "closed"]
    status_reason: Reason


class PaymentRoundSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "round"

    number: int = Field(ge=1, strict=True)
    name: Text(80, 1)
    kind: Literal["regular", "correction"]
    categories: Text(400, 1)
    period: Text(12, 1)
    period_start: IsoDate
    period_end: IsoDate
    pay_date: OptionalIsoDate
    state: Literal["draft", "approved", "closed"]
    prepared_by: Login
    approved_by: Text(64)
    approved_at: Text(40)
    closed_at: Text(40)
    notes: LongText(2000)


class PaymentLineSnapshot(_Snapshot):
    label_scope: ClassVar[str] = "line"

    round: Ref
    household: Ref
    person: OptionalRef
    membership: OptionalRef
    category: CategoryCode
    account: OptionalRef
    kind: Literal["regular", "back_pay", "recovery", "stop"]
    months: Text(400)
    amount_due_fen: SignedFen
    amount_fen: SignedFen
    state: Literal["due", "excluded", "paid", "failed"]
    reason: Reason
    result_reason: Reason
    paid_on: OptionalIsoDate
    corrects: Text(36)


# Entity (wire name, as in storage.models.ENTITIES) -> its snapshot model. Staff is not synced.
SNAPSHOTS: dict[str, type[_Snapshot]] = {
    "place": PlaceSnapshot,
    "household": HouseholdSnapshot,
    "person": PersonSnapshot,
    "membership": MembershipSnapshot,
    "campaign": CampaignSnapshot,
    "campaign_target": CampaignTargetSnapshot,
    "visit": VisitSnapshot,
    "check_outcome": CheckOutcomeSnapshot,
    "volunteer": VolunteerSnapshot,
    "activity": ActivitySnapshot,
    "participation": ParticipationSnapshot,
    "payment_standard": PaymentStandardSnapshot,
    "payment_account": PaymentAccountSnapshot,
    "payment_round": PaymentRoundSnapshot,
    "payment_line": PaymentLineSnapshot,
}


def check_snapshot(entity: str, snapshot: dict[str, Any], *, today: date | None = None) -> list[FieldError]:
    """Every problem of a snapshot of `entity` ([] when valid); KeyError for an unknown entity.

    `today` bounds dates that cannot be in the future (the receiver may allow a day for
    clocks and time zones).
    """
    try:
        validate(SNAPSHOTS[entity], snapshot, today=today)
    except InputError as err:
        return err.errors
    return []
