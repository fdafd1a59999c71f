"""What the report kinds share: the resolved filters, the roster's date rules, keyset reading.

Reports read the register in keyset pages of a few thousand rows (`pages`), each page one
complete query, so that a million rows never sit in memory and no read transaction stays
open while the workbook is written. Pages are read through `database.execute`, which gives
the raw SQLite values (ISO dates, integer fen) without building a model object per row.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator, Sequence

from peewee import SQL, Case, Expression, Field, Select, Tuple, fn

from tui_register.domain.categories import category_groups, code_for, label, parse_categories
from tui_register.domain.errors import FieldError
from tui_register.domain.ids import mask_id
from tui_register.i18n import _, get_language
from tui_register.reports.options import ExportOptions, ReportError
from tui_register.storage.models import Campaign, Household, Membership, Person, Place, database, membership_held

PAGE_ROWS = 5000


@dataclass(frozen=True)
class Scope:
    """The options of one export, resolved against the register."""

    kind: str
    date_from: date
    date_to: date
    at: date
    categories: tuple[str, ...]  # category codes (a group or a list resolved); () = every category
    place_paths: tuple[str, ...]  # households at or below any of these places
    status: str | None  # a household status code
    purpose: str | None  # a visit purpose code
    campaign: Campaign | None
    full_ids: bool
    office: str  # the office's name, for titles
    category_names: str = ""  # the category filter as the subtitle names it (低保, 城市低保、孤儿)
    key_youfu: tuple[str, ...] = ()  # the configured categories of 重点优抚对象

    @property
    def category(self) -> str | None:
        """The one category code of a filter that names one (None: no filter).

        For a report that filters by a single code only: a filter naming several categories
        is refused with a clear message rather than quietly ignored. Use `categories`.
        """
        if len(self.categories) > 1:
            raise ReportError("report.category_list_not_here", kind=_(f"report.name.{self.kind}"),
                              value=self.category_names)
        return self.categories[0] if self.categories else None

    def id_text(self, number: str | None) -> str:
        """An ID number as this export shows it: masked unless full IDs were asked for."""
        if not number:
            return ""
        return number if self.full_ids else mask_id(number)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def resolve(kind: str, options: ExportOptions, today: date, office: str = "",
            key_youfu: Sequence[str] = ()) -> Scope:
    """The scope of an export; raises ReportError for a filter that names nothing known.

    `key_youfu`: the configured categories of 重点优抚对象 (settings.key_youfu).
    """
    last = options.date_to or today
    first = options.date_from or date(last.year, 1, 1)  # the year so far, or the year of --to
    if kind == "monthly":
        first, last = _month(options.month, today)
    if first > last:
        raise ReportError("report.period_reversed")
    categories = category_codes(options.category, key_youfu)
    return Scope(
        kind=kind,
        date_from=first,
        date_to=last,
        at=options.at or today,
        categories=categories,
        place_paths=_place_paths(options.place) if options.place else (),
        status=_code("household_status", options.status, "report.unknown_status"),
        purpose=_code("purpose", options.purpose, "report.unknown_purpose"),
        campaign=_campaign(options.campaign) if options.campaign else None,
        full_ids=options.full_ids,
        office=office,
        category_names=categories_name(categories, key_youfu),
        key_youfu=tuple(key_youfu),
    )


def category_codes(value: str | Sequence[str] | None, key_youfu: Sequence[str] = ()) -> tuple[str, ...]:
    """A category filter as codes (`parse_categories`); ReportError naming the field and the
    nearest valid name for an unknown one."""
    if isinstance(value, str):
        value = _fold(value)
    try:
        return parse_categories(value, key_youfu=key_youfu)
    except FieldError as err:
        if err.code == "key_youfu_unset":
            raise ReportError("report.key_youfu_unset") from None
        if err.code == "unknown_category_hint":
            raise ReportError("report.unknown_category_hint", **err.params) from None
        raise ReportError("report.unknown_category", value=err.params.get("value", value)) from None


def categories_name(codes: Sequence[str], key_youfu: Sequence[str] = ()) -> str:
    """The name of a group when the codes are exactly its categories, else their names with 、."""
    if not codes:
        return ""
    for group in category_groups(key_youfu):
        if group.codes == tuple(codes):
            return group.name()
    return "、".join(code_label("category", c) for c in codes)
def _month(text: str | None, today: date) -> tuple[date, date]:
    """The first and last day of a month given as 2026-11 or 2026年11月 (default: this month's)."""
    from tui_register.domain.errors import FieldError
    from tui_register.domain.payments import parse_period

    try:
        period = parse_period(text or f"{today:%Y-%m}", field="month")
    except FieldError:
        period = None
    if period is None or period.kind != "month":
        raise ReportError("report.bad_month", value=text)
    return period.start, period.end


def _code(kind: str, text: str | None, problem: str) -> Any:
    if not text:
        return None
    code = code_for(kind, _fold(text))
    if code is None:
        raise ReportError(problem, value=text)
    return code


def _place_paths(text: str) -> tuple[str, ...]:
    wanted = _fold(text).strip("/")
    named = (Place.path == wanted) | (Place.name == wanted) | ((Place.code == wanted) & (Place.code != ""))
    paths = tuple(p for (p,) in Place.select(Place.path).where(named).order_by(Place.path).tuples())
    if not paths:
        raise ReportError("report.unknown_place", value=text)
    return paths


def _campaign(text: str) -> Campaign:
    wanted = _fold(text)
    found = list(Campaign.select().where((Campaign.uuid == wanted.lower()) | (Campaign.name == wanted))
                 .limit(2))
    if not found:
        raise ReportError("report.unknown_campaign", value=text)
    if len(found) > 1:
        raise ReportError("report.campaign_ambiguous", value=text)
    return found[0]


# --- filters -----------------------------------------------------------------------------

def under_places(path_field: Field, paths: Sequence[str]) -> Expression | None:
    """Rows whose place path is one of `paths` or below one of them."""
    cond = None
    for p in paths:
        one = (path_field == p) | ((path_field > p + "/") & (path_field < p + "/\uffff"))
        cond = one if cond is None else (cond | one)
    return cond


def local_day(timestamp_field: Field) -> Any:
    """The local calendar day of a stored UTC timestamp (created_at)."""
    return fn.date(timestamp_field, "localtime")


def household_status_at(at: date) -> Case:
    """A household's status on a date: its current status if that was set by then, else active."""
    return Case(None, [((Household.status != "active") & (Household.status_date <= at), Household.status)],
                "active")


def registered_on() -> Any:
    """The day a household came on the register (ISO text): its record's creation, or its
    earliest membership's start when that is earlier — records entered later still count
    from when they applied."""
    first_start = Membership.select(fn.MIN(Membership.start_date)).where(
        (Membership.household == Household.id) & (Membership.status != "voided"))
    return fn.MIN(local_day(Household.created_at), fn.COALESCE(first_start, "9999-12-31"))


def household_on_roster(at: date, status: str | None = None) -> Expression:
    """Households registered by `at` and, on that day, in `status` (default: any but closed)."""
    state = household_status_at(at)
    return (registered_on() <= at.isoformat()) & ((state == status) if status else (state != "closed"))


def person_on_roster(at: date) -> Expression:
    """Persons born by `at` who had not died or moved out by then."""
    return (Person.birth_date <= at) & ((Person.status == "active") | (Person.status_date > at))


def membership_in_force(at: date) -> Expression:
    """Category memberships that applied on `at` (an ended one until its end date; voided never)."""
    return membership_held(at)


def household_filter(scope: Scope) -> Expression | None:
    """The place filter on households."""
    return under_places(Household.place_path, scope.place_paths) if scope.place_paths else None


def category_held(scope: Scope, household: Any, first: Any, last: Any = None) -> Expression | None:
    """The category filter: the household (a column) held one of the scope's categories on
    `first`, or on some day from `first` to `last` (dates or columns, a visit's date)."""
    if not scope.categories:
        return None
    m = Membership.alias("held")
    return fn.EXISTS(m.select(SQL("1")).where(
        (m.household == household) & m.category.in_(list(scope.categories)) & membership_held(first, last, m)))


def categories_held(household: Any, first: Any, last: Any = None) -> Any:
    """The codes of the categories the household (a column) held on `first`, or on some day
    from `first` to `last`, as one text ("a,b", in no order: see `held_text`)."""
    m = Membership.alias("held_codes")
    return (m.select(fn.GROUP_CONCAT(m.category.distinct()))
            .where((m.household == household) & membership_held(first, last, m)))


@functools.lru_cache(maxsize=4096)
def _held_text(codes: str, lang: str) -> str:
    return "、".join(label("category", c, lang) for c in sorted(codes.split(",")) if c)


def held_text(codes: str | None) -> str:
    """Category names joined with 、 from `categories_held` (in code order, as a household's)."""
    return _held_text(codes or "", get_language())


# --- reading ------------------------------------------------------------------------------

def pages(query: Select, keys: Sequence[Field], size: int = PAGE_ROWS) -> Iterator[list[tuple]]:
    """The raw rows of `query` in the order of `keys`, a page at a time.

    The query must select the key columns last: a page's last row gives the next cursor.
    """
    n = len(keys)
    cursor: tuple | None = None
    while True:
        page = query.order_by(*keys).limit(size)
        if cursor is not None:
            page = page.where(Tuple(*keys) > Tuple(*cursor))
        rows = database.execute(page).fetchall()
        if rows:
            yield rows
        if len(rows) < size:
            return
        cursor = tuple(rows[-1][-n:])


# --- labels ---------------------------------------------------------------------------------

def path_parts(path: str) -> tuple[str, str, str]:
    """(township, village, grid) of a place path; missing levels are ""."""
    township, village, grid = (path.split("/") + ["", ""])[:3]
    return township, village, grid


def village_of(path: str) -> str:
    return path_parts(path)[1]


@functools.lru_cache(maxsize=4096)
def _categories_text(codes: str, lang: str) -> str:
    return "、".join(label("category", c, lang) for c in codes.split(",") if c)


def categories_text(codes: str) -> str:
    """Category names joined with 、 from a household's ",code,code,"."""
    return _categories_text(codes, get_language())


@functools.lru_cache(maxsize=256)
def _label(kind: str, code: Any, lang: str) -> str:
    return label(kind, code, lang) if code not in (None, "") else ""


def code_label(kind: str, code: Any) -> str:
    """The label of a code in the interface language ("" for none)."""
    return _label(kind, code, get_language())


def long_date(d: date) -> str:
    """A date as printed in titles: 2024年1月31日."""
    return _("report.date", y=d.year, m=d.month, d=d.day)


def title(scope: Scope, report: str) -> str:
    """The title row: the office's name and the report's."""
    return _("report.title", office=scope.office, report=report) if scope.office else report


def describe(scope: Scope) -> str:
    """The subtitle of a report: its period and the filters it was made with."""
    parts = [_period(scope)]
    if scope.categories:
        parts.append(_("report.filter.category", value=scope.category_names))
    if scope.place_paths:
        parts.append(_("report.filter.place", value="、".join(scope.place_paths)))
    if scope.status:
        parts.append(_("report.filter.status", value=code_label("household_status", scope.status)))
    if scope.purpose:
        parts.append(_("report.filter.purpose", value=code_label("purpose", scope.purpose)))
    if scope.campaign and scope.kind != "receipts":
        parts.append(_("report.filter.campaign", value=scope.campaign.name))
    return _("report.filter_separator").join(parts)


def _period(scope: Scope) -> str:
    if scope.kind == "monthly":
        return _("report.period.month", y=scope.date_from.year, m=scope.date_from.month)
    if scope.kind == "roster":
        return _("report.period.at", date=long_date(scope.at))
    if scope.kind == "receipts" and scope.campaign:
        return _("report.period.campaign", name=scope.campaign.name,
                 start=long_date(scope.campaign.start_date), end=long_date(scope.campaign.end_date))
    return _("report.period.range", start=long_date(scope.date_from), end=long_date(scope.date_to))
