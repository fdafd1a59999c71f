"""临时救助与危房改造: one-off assistance by kind and housing repairs by kind and stage; and
数据核查: what the period's data checks found.

Definitions (a sheet of the summary, for its period and place filter):
- counted: memberships of 临时救助 (`temporary_assistance`) or 危房户 (`unsafe_housing`) that were
  not voided and started within the period (a one-off grant is given on its start date; a repair
  is counted in the period it was taken on);
- 人次: those memberships; 户数: the distinct households holding them (a household helped twice
  is one household, also in the category's 小计); 金额: the memberships' own amounts;
- a repair's stage (鉴定 / 施工 / 验收) is the stage recorded now, not at the end of the period;
- a membership recorded before kinds existed (schema v11) is shown as 未登记类型.
Every kind has its row, with zeros when nothing of that kind was given.

数据核查 counts the outcomes recorded on the period's data checks (visits of purpose data_check
dated in the period, valid and not 未遇; outcomes not voided): persons checked and their
households, then per outcome (情况属实, 信息变更, 清理退出) and per reason of a closure (死亡, 迁出,
收入超标, 其他) the persons and households.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui_register.domain import assistance, checks
from tui_register.i18n import _
from tui_register.reports.data import Scope, code_label, under_places
from tui_register.reports.workbook import Column
from tui_register.storage.models import CheckOutcome, Household, Membership, Visit, database

UNRECORDED = ""  # the kind of a membership recorded before kinds existed


@dataclass
class KindRow:
    """One kind's figures; `stages` counts repairs per stage (危房改造 only)."""

    category: str
    kind: str  # a code, or UNRECORDED
    times: int = 0
    households: int = 0
    amount_fen: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    subtotal: bool = False  # the category's 小计


def _counted(scope: Scope, category: str):
    cond = ((Membership.category == category) & (Membership.status != "voided")
            & (Membership.start_date >= scope.date_from) & (Membership.start_date <= scope.date_to))
    if scope.place_paths:
        cond &= under_places(Household.place_path, scope.place_paths)
    return cond


def _figures(scope: Scope, category: str, kind_column, stage: bool) -> list[KindRow]:
    """Per kind: 人次, households, money (and stages), then the category's 小计."""
    query = (Membership.select(kind_column, Membership.repair_stage, Membership.household, Membership.amount_fen)
             .join(Household, on=(Membership.household == Household.id)).where(_counted(scope, category)))
    codes = assistance.AID_KINDS if category == assistance.AID_CATEGORY else assistance.REPAIR_KINDS
    rows = {code: KindRow(category, code) for code in codes}
    households: dict[str, set[int]] = {code: set() for code in codes}
    every = KindRow(category, "", subtotal=True)
    everyone: set[int] = set()
    for kind, repair_stage, household, amount in database.execute(query).fetchall():
        if kind not in rows:
            rows[kind], households[kind] = KindRow(category, kind), set()
        for row in (rows[kind], every):
            row.times += 1
            row.amount_fen += amount
            if stage and repair_stage:
                row.stages[repair_stage] = row.stages.get(repair_stage, 0) + 1
        households[kind].add(household)
        everyone.add(household)
    for code, row in rows.items():
        row.households = len(households[code])
    every.households = len(everyone)
    return [*rows.values(), every]


def assistance_rows(scope: Scope) -> list[KindRow]:
    """The sheet's rows: every kind of 临时救助, its 小计, every kind of 危房改造, its 小计."""
    return [*_figures(scope, assistance.AID_CATEGORY, Membership.aid_kind, stage=False),
            *_figures(scope, assistance.REPAIR_CATEGORY, Membership.repair_kind, stage=True)]


def _kind_label(row: KindRow) -> str:
    if row.subtotal:
        return _("report.assist.subtotal")
    if row.kind == UNRECORDED:
        return _("report.assist.unrecorded")
    return code_label("aid_kind" if row.category == assistance.AID_CATEGORY else "repair_kind", row.kind)


def check_rows(scope: Scope) -> list[tuple[str, int, int]]:
    """(label, persons, households): everyone checked, each outcome, each reason of a closure."""
    cond = (Visit.counted() & (Visit.purpose == checks.CHECK_PURPOSE) & (CheckOutcome.status == "valid")
            & (Visit.visit_date >= scope.date_from) & (Visit.visit_date <= scope.date_to))
    if scope.place_paths:
        cond &= under_places(Household.place_path, scope.place_paths)
    query = (CheckOutcome.select(CheckOutcome.person, CheckOutcome.household, CheckOutcome.outcome,
                                 CheckOutcome.reason)
             .join(Visit, on=(CheckOutcome.visit == Visit.id))
             .join(Household, on=(CheckOutcome.household == Household.id)).where(cond))
    groups: dict[str, tuple[set[int], set[int]]] = {"all": (set(), set())}
    for key in (*(f"outcome.{o}" for o in checks.CHECK_OUTCOMES), *(f"reason.{r}" for r in checks.CLOSE_REASONS)):
        groups[key] = (set(), set())
    for person, household, outcome, reason in database.execute(query).fetchall():
        for key in ("all", f"outcome.{outcome}", f"reason.{reason}" if reason else None):
            if key in groups:
                groups[key][0].add(person)
                groups[key][1].add(household)
    labels = {"all": _("report.check.all"),
              **{f"outcome.{o}": code_label("check_outcome", o) for o in checks.CHECK_OUTCOMES},
              **{f"reason.{r}": _("report.check.closed_for", reason=code_label("close_reason", r))
                 for r in checks.CLOSE_REASONS}}
    return [(labels[key], len(persons), len(households)) for key, (persons, households) in groups.items()]


def write_sheet(pages, scope: Scope) -> None:
    """The sheets 临时救助与危房改造 and 数据核查, after the sheets before them. `pages` is the
    summary's printed pages (`sheet(key, columns)`: titled, headed and signed like the others)."""
    stages = assistance.REPAIR_STAGES
    book = pages.book
    sheet = pages.sheet("report.sheet.assistance", [
        Column(_("report.col.category")), Column(_("report.col.assist_kind")),
        Column(_("report.col.times"), "int"), Column(_("report.col.households"), "int"),
        Column(_("report.col.amount", unit=book.unit_label()), "money"),
        *(Column(_("report.col.stage", stage=code_label("repair_stage", s)), "int") for s in stages),
    ])
    for row in assistance_rows(scope):
        repair = row.category == assistance.REPAIR_CATEGORY
        sheet.add((code_label("category", row.category), _kind_label(row), row.times, row.households,
                   row.amount_fen, *((row.stages.get(s, 0) if repair else None) for s in stages)))
    sheet = pages.sheet("report.sheet.checks", [
        Column(_("report.col.figure")), Column(_("report.col.persons"), "int"),
        Column(_("report.col.households"), "int"),
    ])
    for row in check_rows(scope):
        sheet.add(row)
