"""Excel reports and the roster import.

Exporting
---------
``export(kind, settings, user, options, on_progress=None) -> Path`` writes one workbook and
returns its path. It blocks: the interface runs it in a worker thread (the worker gets its
own database connection). ``kind`` is one of ``KINDS``:

- ``roster`` 花名册: households and persons at a date, with categories and amounts;
- ``visits`` 走访慰问台账: the valid visits of a period;
- ``receipts`` 慰问金发放签领表: one campaign's households with a signature column;
- ``volunteers`` 志愿服务台账: activities with participants and hours, hours per volunteer;
- ``summary`` 统计汇总: the year-end figures per category, village, month and campaign.
- ``payments`` 发放明细: the payment lines of the rounds of a period;
- ``monthly`` 民政统计月报: the monthly statistics form of one month (``options.month``).

``options`` is an ``ExportOptions``; ``applicable(kind)`` names the fields a kind takes (a
field set for a kind that does not take it is an error). ``settings`` gives export_dir,
office_name and office_code; ``user`` is the OS login (``storage.clock.current_login()``).
``on_progress(done, total)`` is called from the exporting thread every few thousand rows.
A kind's display name is ``_(f"report.name.{kind}")``. Peewee keeps one connection per
thread: a worker thread should call ``storage.models.database.close()`` when it is done.

Without ``options.out`` the file goes to ``settings.export_dir`` as
``KIND_OFFICECODE_PERIOD.xlsx`` (``-2``, ``-3`` … added rather than overwriting); a named
``out`` that exists is refused. ID numbers are masked unless ``full_ids`` is set, which
needs a supervisor and writes an audit line (``export_full_ids``).

Errors: ``ReportError`` (``.message()`` in the user's language; ``.usage`` when the request
itself is wrong), and the storage layer's ``PermissionDenied`` for ``full_ids``.

Importing
---------
``importer.import_roster(path, settings, user, ImportOptions(...), on_progress=None)``
reads a roster workbook, validates every row, writes a report of the rows in error and, if
allowed, imports in one transaction; it returns an ``ImportResult`` with the counts.

XlsxWriter and openpyxl are imported only when a workbook is written or read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from tui_register.reports.options import KINDS, ExportOptions, ReportError, applicable

__all__ = ["KINDS", "ExportOptions", "ReportError", "applicable", "export"]


def export(kind: str, settings, user: str, options: ExportOptions,
           on_progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the report `kind`; returns the path of the new workbook (see above)."""
    from tui_register.reports.exporting import export as run

    return run(kind, settings, user, options, on_progress)
