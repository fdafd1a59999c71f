"""What an export is asked for: the report kinds, their options, and the errors they raise.

Nothing here touches the database or imports XlsxWriter, so the interface can build its
report form from `KINDS` and `applicable()` cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from tui_register.i18n import _

EXCEL_MAX_ROWS = 1_048_576

KINDS = ("roster", "visits", "receipts", "volunteers", "summary", "monthly", "payments", "narrative")
UNITS = ("yuan", "wan")

# Options that only some kinds understand; `out` and `sheet_rows` apply to every kind.
_KIND_OPTIONS: dict[str, frozenset[str]] = {
    "roster": frozenset({"at", "category", "place", "status", "full_ids"}),
    "visits": frozenset({"date_from", "date_to", "purpose", "campaign", "place", "category", "full_ids"}),
    "receipts": frozenset({"campaign", "place", "category", "full_ids"}),
    "volunteers": frozenset({"date_from", "date_to"}),
    "summary": frozenset({"date_from", "date_to", "place", "unit"}),
    "payments": frozenset({"date_from", "date_to", "category", "place", "full_ids"}),
    "narrative": frozenset({"date_from", "date_to"}),
    "monthly": frozenset({"month", "unit"}),
}
# The option's name on the command line, for messages.
OPTION_FLAGS = {
    "date_from": "--from", "date_to": "--to", "at": "--at", "category": "--category",
    "place": "--place", "status": "--status", "purpose": "--purpose", "campaign": "--campaign",
    "unit": "--unit", "full_ids": "--full-ids", "month": "--month",
}


class ReportError(Exception):
    """An export or import that cannot be done as asked, with a message in the user's language.

    `usage` marks a problem with what was asked (exit status 2 on the command line) rather
    than with the data or the files (exit status 1).
    """

    def __init__(self, key: str, *, usage: bool = True, **params: Any) -> None:
        self.key = key
        self.usage = usage
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return _(self.key, lang=lang, **self.params)


@dataclass(frozen=True)
class ExportOptions:
    """Options of one export; see `applicable()` for which ones a kind takes.

    Text filters take what a user types: categories as `domain.categories.parse_categories`
    reads them (a category or a group by code or Chinese or English name, several separated
    by commas: "youfu", "urban_dibao,rural_dibao", "低保、特困"; or a tuple of such names or
    codes), a place as its name, code or path (城关街道/东关社区), a campaign as its name or
    UUID, a status or purpose as its code or label.
    """

    date_from: date | None = None  # visits, volunteers, summary: default 1 January of date_to's year
    date_to: date | None = None  # default today
    at: date | None = None  # roster: the date the roster describes, default today
    category: str | tuple[str, ...] | None = None  # the report's Scope.categories: the codes
    place: str | None = None
    status: str | None = None  # roster: household status at `at`; default active and suspended
    purpose: str | None = None
    campaign: str | None = None  # required for receipts
    unit: str = "yuan"  # summary, monthly: "yuan" or "wan" (万元)
    month: str | None = None  # monthly: the month (2026-11, 2026年11月); default this month
    out: Path | None = None  # default: a new file under settings.export_dir
    full_ids: bool = False  # supervisors only; recorded in the audit trail
    sheet_rows: int = EXCEL_MAX_ROWS  # rows per worksheet before a continuation sheet


def applicable(kind: str) -> frozenset[str]:
    """The option names (fields of ExportOptions) that `kind` takes besides out and sheet_rows."""
    return _KIND_OPTIONS[kind]


def check_options(kind: str, options: ExportOptions) -> None:
    """Refuse a kind we do not know and options that do not apply to it."""
    if kind not in KINDS:
        raise ReportError("report.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    defaults = ExportOptions()
    for f in fields(ExportOptions):
        given = getattr(options, f.name)
        if f.name in OPTION_FLAGS and given != getattr(defaults, f.name) and f.name not in _KIND_OPTIONS[kind]:
            raise ReportError("report.option_not_for_kind", option=OPTION_FLAGS[f.name], kind=kind)
    if options.unit not in UNITS:
        raise ReportError("report.bad_unit", unit=options.unit)
    if kind == "receipts" and not options.campaign:
        raise ReportError("report.campaign_required")
    if options.sheet_rows < 10:
        raise ReportError("report.sheet_rows_too_small")
