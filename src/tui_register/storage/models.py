"""Peewee models: the register's tables.

Every register record carries a stable UUID (how the central endpoint knows it), a version
that increases on every change, and who/when it was created and last updated. Nothing is
deleted: records carry a status (closed, voided, deceased, ended) with a reason and date.

Columns marked "derived" are kept in step by the write functions for fast lists and search;
they are not part of a record's snapshot and do not bump its version.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    CharField,
    DatabaseProxy,
    DateField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.sqlite_ext import AutoIncrementField

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Record(BaseModel):
    """Common columns of every synced register record."""

    id = AutoField()
    uuid = CharField(max_length=36, unique=True)
    version = IntegerField(default=1)
    created_at = CharField()  # ISO 8601 UTC
    created_by = CharField()
    updated_at = CharField()
    updated_by = CharField()

    # Fields that belong to the record's snapshot; derived columns are left out.
    SNAPSHOT_EXCLUDE: tuple[str, ...] = ()
    SNAPSHOT_DEFAULTS: dict[str, object] = {}  # fields newer than some snapshots: their value there


class Category(BaseModel):
    """Reference data loaded from domain/categories.json; not a synced record."""

    code = CharField(primary_key=True)
    group = CharField()
    name_zh = CharField()
    name_en = CharField()
    short_zh = CharField()
    short_en = CharField()
    scope = CharField()
    default_period = CharField(null=True)
    sort = IntegerField()


class Place(Record):
    name = CharField()
    level = CharField()  # township / village / grid
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    code = CharField(default="")
    status = CharField(default="active")
    # derived: "township/village/grid" names, for ordering and grouping
    path = TextField(default="", index=True)

    SNAPSHOT_EXCLUDE = ("path",)


class Household(Record):
    place = ForeignKeyField(Place, backref="households", on_delete="RESTRICT")
    address = CharField()
    phone = CharField(default="")
    notes = TextField(default="")
    status = CharField(default="active")  # active / suspended / closed
    status_reason = CharField(default="")
    status_date = DateField(null=True)
    head = DeferredForeignKey("Person", null=True, on_delete="RESTRICT")
    # derived, for the list and search
    place_path = TextField(default="")
    head_name = CharField(default="")
    head_sort = CharField(default="")  # pinyin of the head's name
    head_id_number = CharField(default="")
    member_count = IntegerField(default=0)
    category_codes = CharField(default="")  # ",code,code," of active memberships
    last_visit = DateField(null=True)
    last_check = DateField(null=True)  # the last valid data check (数据核查)

    SNAPSHOT_EXCLUDE = (
        "place_path", "head_name", "head_sort", "head_id_number",
        "member_count", "category_codes", "last_visit", "last_check",
    )

    class Meta:
        indexes = (
            (("place_path", "head_sort", "id"), False),
            (("head_sort", "id"), False),
            (("last_visit", "id"), False),
            (("status",), False),
        )


class Person(Record):
    household = ForeignKeyField(Household, backref="members", on_delete="RESTRICT")
    name = CharField()
    id_number = CharField(null=True)  # 18 characters, upper-case X; unique when present
    sex = CharField()  # M / F
    birth_date = DateField()
    relation = CharField(default="other")
    disability_grade = IntegerField(null=True)
    phone = CharField(default="")
    status = CharField(default="active")  # active / deceased / moved_out
    status_reason = CharField(default="")
    status_date = DateField(null=True)
    # derived, for search
    name_pinyin = CharField(default="")
    name_initials = CharField(default="", index=True)

    SNAPSHOT_EXCLUDE = ("name_pinyin", "name_initials")


class Membership(Record):
    """A person's or a household's membership in a category."""

    category = ForeignKeyField(Category, column_name="category", on_delete="RESTRICT")
    household = ForeignKeyField(Household, backref="memberships", on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="memberships", on_delete="RESTRICT")
    start_date = DateField()
    end_date = DateField(null=True)
    amount_fen = IntegerField(default=0)  # 0: follows the category's standard (PaymentStandard)
    period = CharField(default="")  # monthly / yearly / once
    grade = CharField(default="")  # where the standard depends on it (残疾军人 一级 …)
    notes = TextField(default="")
    status = CharField(default="active")  # active / ended / voided
    status_reason = CharField(default="")
    aid_kind = CharField(default="")  # 临时救助 only: medical / emergency / ... (domain/assistance.py)
    repair_kind = CharField(default="")  # 危房改造 only: rebuild / repair
    repair_stage = CharField(default="")  # 危房改造 only: appraisal -> construction -> acceptance
    closed_by_check = CharField(default="")  # the CheckOutcome (uuid) of a data check that ended it
    # Added after memberships were logged (schema v9, v11): what an older snapshot means.
    SNAPSHOT_DEFAULTS = {"grade": "", "aid_kind": "", "repair_kind": "", "repair_stage": "",
                         "closed_by_check": ""}

    class Meta:
        indexes = ((("category", "household"), False),)


class Campaign(Record):
    name = CharField()
    start_date = DateField()
    end_date = DateField()
    purpose = CharField()
    visitors = TextField(default="")  # names joined with "、"
    default_cash_fen = IntegerField(default=0)
    default_goods = CharField(default="")
    budget_fen = IntegerField(default=0)
    status = CharField(default="active")  # active / closed / voided
    status_reason = CharField(default="")


class CampaignTarget(Record):
    campaign = ForeignKeyField(Campaign, backref="targets", on_delete="RESTRICT")
    household = ForeignKeyField(Household, on_delete="RESTRICT")
    status = CharField(default="active")  # active / removed

    class Meta:
        indexes = ((("campaign", "household"), True),)


class Visit(Record):
    household = ForeignKeyField(Household, backref="visits", on_delete="RESTRICT")
    visit_date = DateField()
    visitors = TextField(default="")  # names joined with "、"
    purpose = CharField()
    cash_fen = IntegerField(default=0)
    goods = CharField(default="")
    findings = TextField(default="")
    follow_up = TextField(default="")
    follow_up_due = DateField(null=True)
    follow_up_done = DateField(null=True)
    campaign = ForeignKeyField(Campaign, null=True, backref="visits", on_delete="RESTRICT")
    status = CharField(default="valid")  # valid / voided
    status_reason = CharField(default="")
    # visited / not_reached (未遇: an attempt, counted nowhere) / proxy (代领 by `collector`)
    outcome = CharField(default="visited")
    collector = CharField(default="")
    # Fields added after records were logged (schema v7): what an older snapshot means.
    SNAPSHOT_DEFAULTS = {"outcome": "visited", "collector": ""}

    @classmethod
    def counted(cls):
        """The visits that count (人次, households visited, cash, a campaign's progress)."""
        return (cls.status == "valid") & (cls.outcome != "not_reached")

    class Meta:
        indexes = (
            (("household", "visit_date"), False),
            (("visit_date",), False),
            (("campaign",), False),
        )


class CheckOutcome(Record):
    """What a data check (a visit of purpose data_check) found for one person (schema v11):
    confirmed / changed / closed with a reason (domain/checks.py)."""

    visit = ForeignKeyField(Visit, backref="check_outcomes", on_delete="RESTRICT")
    person = ForeignKeyField(Person, backref="check_outcomes", on_delete="RESTRICT")
    household = ForeignKeyField(Household, backref="check_outcomes", on_delete="RESTRICT")
    outcome = CharField()
    reason = CharField(default="")
    notes = CharField(default="")
    status = CharField(default="valid")  # valid / voided

    class Meta:
        table_name = "check_outcome"
        indexes = ((("visit", "person"), False),)


class Volunteer(Record):
    name = CharField()
    phone = CharField(default="")
    organisation = CharField(default="")
    id_number = CharField(null=True)
    notes = TextField(default="")
    status = CharField(default="active")  # active / inactive
    status_reason = CharField(default="")
    name_pinyin = CharField(default="")
    name_initials = CharField(default="", index=True)

    SNAPSHOT_EXCLUDE = ("name_pinyin", "name_initials")


class Activity(Record):
    activity_date = DateField(index=True)
    title = CharField()
    kind = CharField(default="")
    place = CharField(default="")
    organiser = CharField(default="")
    partner_unit = CharField(default="")
    default_hours_tenths = IntegerField(default=0)  # hours × 10, exact
    notes = TextField(default="")
    status = CharField(default="valid")  # valid / voided
    status_reason = CharField(default="")


class Participation(Record):
    activity = ForeignKeyField(Activity, backref="participants", on_delete="RESTRICT")
    volunteer = ForeignKeyField(Volunteer, backref="participations", on_delete="RESTRICT")
    hours_tenths = IntegerField()
    status = CharField(default="valid")  # valid / voided
    status_reason = CharField(default="")

    class Meta:
        indexes = ((("activity", "volunteer"), True),)



# ---------------------------------------------------------------- payments (发放)

class PaymentStandard(Record):
    """A standard amount (救助/补助/抚恤标准) for a category, and a grade where the amount depends
    on it (残疾军人 by grade), from a date on. A membership without an amount of its own follows
    the standard in force on each month's first day."""

    category = ForeignKeyField(Category, column_name="category", index=False, on_delete="RESTRICT")
    grade = CharField(default="")
    valid_from = DateField()
    amount_fen = IntegerField()
    period = CharField()  # monthly / yearly / once
    notes = TextField(default="")
    status = CharField(default="active")  # active / voided
    status_reason = CharField(default="")

    class Meta:
        indexes = ((("category", "grade", "valid_from"), False),)


class PaymentAccount(Record):
    """Where a person's (or a household's) money goes: a bank account, a card (社保卡/一卡通),
    or cash against a signature. One active account per person, or per household for
    household payments."""

    household = ForeignKeyField(Household, backref="payment_accounts", index=False, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, backref="payment_accounts", on_delete="RESTRICT")
    kind = CharField()  # bank / card / cash
    bank_name = CharField(default="")
    account_number = CharField(default="")  # digits only; masked wherever shown
    holder_name = CharField(default="")
    proxy = IntegerField(default=0)  # 1: the holder collects for the recipient (代领)
    notes = TextField(default="")
    status = CharField(default="active")  # active / closed
    status_reason = CharField(default="")

    class Meta:
        indexes = ((("household", "person"), False),)


class PaymentRound(Record):
    """A payment round (发放批次): categories and a period; draft -> approved -> closed."""

    number = IntegerField(unique=True)
    name = CharField()
    kind = CharField(default="regular")  # regular / correction
    categories = CharField()  # category codes, sorted, comma-separated
    period = CharField()  # 2026-11, 2026Q4, 2026H2, 2026 or 2026-11-15
    period_start = DateField()
    period_end = DateField()
    pay_date = DateField(null=True)
    state = CharField(default="draft")  # draft / approved / closed
    prepared_by = CharField()
    approved_by = CharField(default="")
    approved_at = CharField(default="")
    closed_at = CharField(default="")
    notes = TextField(default="")

    class Meta:
        indexes = ((("period", "kind"), False),)


class PaymentLine(Record):
    """One amount for one recipient in a round. Once the round is approved a line is never
    edited again but for its result (paid / failed); corrections are new lines in a later
    round that name the line they correct."""

    round = ForeignKeyField(PaymentRound, backref="lines", index=False, on_delete="RESTRICT")
    household = ForeignKeyField(Household, on_delete="RESTRICT")
    person = ForeignKeyField(Person, null=True, index=False, on_delete="RESTRICT")  # no index: schema v12
    membership = ForeignKeyField(Membership, null=True, index=False, on_delete="RESTRICT")
    category = ForeignKeyField(Category, column_name="category", on_delete="RESTRICT")
    account = ForeignKeyField(PaymentAccount, null=True, index=False, on_delete="RESTRICT")  # nor here
    kind = CharField(default="regular")  # regular / back_pay / recovery / stop
    months = CharField(default="")  # the months paid for: 2026-10,2026-11
    amount_due_fen = IntegerField()  # as computed when the round was made
    amount_fen = IntegerField()  # to pay (negative: 扣回)
    state = CharField(default="due")  # due / excluded / paid / failed
    reason = CharField(default="")  # why excluded or why the amount was changed
    result_reason = CharField(default="")  # the bank's reason for a failure
    paid_on = DateField(null=True)
    corrects = CharField(default="")  # uuid of the line this one corrects or pays again
    recipient_name = CharField(default="")  # derived: the name on the line, for search
    recipient_initials = CharField(default="")  # derived

    SNAPSHOT_EXCLUDE = ("recipient_name", "recipient_initials")

    class Meta:
        indexes = ((("round", "recipient_initials", "id"), False), (("membership", "state"), False))


class Staff(Record):
    login = CharField(unique=True)
    display_name = CharField()
    role = CharField()  # clerk / supervisor
    status = CharField(default="active")  # active / disabled


class Setting(Record):
    """The register's own settings (schema v8): the office's name and code, one row a key."""

    key = CharField(unique=True)
    value = TextField(default="")


class ChangeLog(BaseModel):
    """One row per change: audit trail and sync outbox. AUTOINCREMENT: never reused."""

    seq = AutoIncrementField()
    entity = CharField()
    uuid = CharField(max_length=36)
    op = CharField()  # create / update / status
    version = IntegerField()
    base_version = IntegerField(default=0)
    snapshot = TextField()  # JSON
    at = CharField()
    user = CharField()

    class Meta:
        table_name = "change_log"
        indexes = ((("uuid", "seq"), False),)


class AuditEvent(BaseModel):
    """Things worth an audit line that change no record: revealing or exporting full IDs."""

    id = AutoField()
    at = CharField()
    user = CharField()
    action = CharField()
    entity = CharField(default="")
    uuid = CharField(default="")
    detail = TextField(default="")

    class Meta:
        table_name = "audit_event"


# Entity names as they appear in the change log and on the wire.
ENTITIES: dict[str, type[Record]] = {
    "place": Place,
    "household": Household,
    "person": Person,
    "membership": Membership,
    "campaign": Campaign,
    "campaign_target": CampaignTarget,
    "visit": Visit,
    "check_outcome": CheckOutcome,
    "volunteer": Volunteer,
    "activity": Activity,
    "participation": Participation,
    "payment_standard": PaymentStandard,
    "payment_account": PaymentAccount,
    "payment_round": PaymentRound,
    "payment_line": PaymentLine,
    "staff": Staff,
}
ENTITY_OF: dict[type[Record], str] = {model: name for name, model in ENTITIES.items()}
def membership_held(first, last=None, table=None):
    """Memberships held on the day `first`, or on at least one day from `first` to `last`:
    started by then and not ended before (the end date is the last day held, as
    `rules.departure_end` sets it); a voided one never. The one rule every figure by category
    uses: visits on their date, a campaign's receipts over its dates, a payment round over its
    period, the roster and the summary on their date. `first` and `last` are dates or SQL for
    one (a visit's date); `table` is `Membership` or an alias of it."""
    m = Membership if table is None else table
    last = first if last is None else last
    return (m.status != "voided") & (m.start_date <= last) & (m.end_date.is_null() | (m.end_date >= first))


def counted_visit_sql(alias: str = "v") -> str:
    """`Visit.counted()` in SQL, for a visit table named `alias`."""
    return f"{alias}.status = 'valid' AND {alias}.outcome != 'not_reached'"


# Logged like every record, but not an entity of the wire (the hub knows offices by their token).
ENTITY_OF[Setting] = "setting"
CORE_MODELS = [Category, *ENTITIES.values(), Setting, ChangeLog, AuditEvent]
