"""What the Reports section asks of the report layer: exports and the roster import."""

from __future__ import annotations

from tui_register.ui.services.calls import db_call


@db_call
def export(kind, settings, user, options, progress):
    from tui_register.reports import export as run_export

    return run_export(kind, settings, user, options, progress)


@db_call
def import_roster(path, settings, user, options, progress=None):
    from tui_register.reports.importer import import_roster as run_import

    return run_import(path, settings, user, options, progress)


@db_call
def year_months(year, today):
    """Visits, visit cash and paid per month of `year` (the year at a glance)."""
    from tui_register.reports.charts import year_months as read

    return read(year, today)
