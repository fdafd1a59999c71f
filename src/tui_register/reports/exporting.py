"""One export from start to finish: options, permission and audit, file, workbook."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Callable

from tui_register.reports import monthly, narrative, output, payment_list, receipts, roster, summary, visits, volunteers
from tui_register.reports.data import Scope, resolve
from tui_register.reports.options import ExportOptions, check_options
from tui_register.reports.workbook import Book
from tui_register.storage import clock, staff
from tui_register.storage.core import require_writer

WRITERS: dict[str, ModuleType] = {
    "roster": roster, "visits": visits, "receipts": receipts, "volunteers": volunteers, "summary": summary,
    "payments": payment_list, "monthly": monthly,
}


def default_path(settings, scope: Scope) -> Path:
    """exports/KIND_OFFICE_PERIOD.xlsx, e.g. visits_GL-03_20240101-20241231.xlsx (.docx for the narrative)."""
    if scope.kind == "roster":
        period = f"{scope.at:%Y%m%d}"
    elif scope.kind == "monthly":
        period = f"{scope.date_from:%Y%m}"
    elif scope.kind == "receipts" and scope.campaign:
        period = f"{scope.campaign.start_date:%Y%m%d}-{scope.campaign.end_date:%Y%m%d}"
    else:
        period = f"{scope.date_from:%Y%m%d}-{scope.date_to:%Y%m%d}"
    path = Path(settings.export_dir) / output.file_name(scope.kind, settings.office_code, period)
    return path.with_suffix(".docx") if scope.kind == "narrative" else path


def export(kind: str, settings, user: str, options: ExportOptions,
           on_progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the report `kind` and return its path; see the package documentation."""
    if kind == "narrative":
        return export_narrative(settings, user, options, on_progress)[0]
    check_options(kind, options)
    scope = resolve(kind, options, clock.today(), office=settings.office_name, key_youfu=settings.key_youfu)
    if options.full_ids:
        require_writer(user, supervisor=True)
    target = output.reserve(Path(options.out) if options.out else default_path(settings, scope),
                            numbered=options.out is None)
    progress = on_progress or (lambda done, total: None)
    with output.written(target) as temporary:
        if options.full_ids:
            # Recorded before a byte is written: an interrupted export still leaves its trace.
            staff.record_audit(user, "export_full_ids", detail=f"{kind} {target}")
        with Book(temporary, unit=options.unit, sheet_rows=options.sheet_rows) as book:
            WRITERS[kind].write(book, scope, progress)
    return target


def export_narrative(settings, user: str, options: ExportOptions,
                     on_progress: Callable[[int, int], None] | None = None) -> tuple[Path, str]:
    """Write the year's figures as a Word document; its path and the text, for pasting."""
    check_options("narrative", options)
    scope = resolve("narrative", options, clock.today(), office=settings.office_name)
    target = output.reserve(Path(options.out) if options.out else default_path(settings, scope),
                            numbered=options.out is None)
    with output.written(target) as temporary:
        text = narrative.write(temporary, scope, on_progress or (lambda done, total: None)).text()
    return target, text
