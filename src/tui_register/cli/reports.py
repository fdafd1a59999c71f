"""`tui-register export KIND …` and `tui-register import roster FILE.xlsx …`.

Loaded whenever the command line is parsed, so it imports nothing heavy at module level:
the database, XlsxWriter and openpyxl come in with the handlers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui_register.exit_codes import ExitCode
from tui_register.i18n import _
from tui_register.reports.options import KINDS, UNITS, ReportError

_FILTERS = {"category": "C[,C…]", "place": "P", "status": "S", "purpose": "P", "campaign": "NAME_OR_UUID"}


def _date(text: str):
    """An argparse type: the domain's date formats (2024-01-31, 20240131, 2024年1月31日 …)."""
    from tui_register.domain.errors import FieldError
    from tui_register.domain.fields import parse_date

    try:
        return parse_date(text)
    except FieldError as err:
        raise argparse.ArgumentTypeError(f"{text}: {err.problem()}") from None


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help=_("report.cli.export"), description=_("report.cli.export_long"))
    export.add_argument("kind", choices=KINDS, metavar="KIND", help=_("report.cli.kind", kinds=", ".join(KINDS)))
    export.add_argument("--from", dest="date_from", type=_date, metavar="D", help=_("report.cli.from"))
    export.add_argument("--to", dest="date_to", type=_date, metavar="D", help=_("report.cli.to"))
    export.add_argument("--at", type=_date, metavar="D", help=_("report.cli.at"))
    for name, meta in _FILTERS.items():
        export.add_argument(f"--{name}", metavar=meta, help=_(f"report.cli.{name}"))
    export.add_argument("--month", metavar="YYYY-MM", help=_("report.cli.month"))
    export.add_argument("--unit", choices=UNITS, default="yuan", help=_("report.cli.unit"))
    export.add_argument("--out", type=Path, metavar="PATH", help=_("report.cli.out"))
    export.add_argument("--full-ids", action="store_true", help=_("report.cli.full_ids"))

    imp = subparsers.add_parser("import", help=_("import.cli.import"), description=_("import.cli.import_long"))
    imp.add_argument("what", choices=("roster",), metavar="roster")
    imp.add_argument("file", type=Path, metavar="FILE.xlsx")
    imp.add_argument("--sheet", metavar="S", help=_("import.cli.sheet"))
    imp.add_argument("--map", dest="column_map", type=Path, metavar="MAP.toml", help=_("import.cli.map"))
    imp.add_argument("--dry-run", action="store_true", help=_("import.cli.dry_run_option"))
    imp.add_argument("--skip-invalid", action="store_true", help=_("import.cli.skip_invalid"))
    export.set_defaults(handler=export_command)
    imp.set_defaults(handler=import_command)


def _user_and_register(settings, *, create: bool = False):
    """The user, and the settings with the office the register keeps where the configuration
    names none (file names and titles use it)."""
    from tui_register.config import with_office
    from tui_register.storage.clock import current_login
    from tui_register.storage.office import stored_office
    from tui_register.storage.register import open_register

    user = current_login()
    new = not settings.db_path.exists()
    open_register(settings.db_path, user, create=create)
    if new:
        print(_("cli.register_created", db=str(settings.db_path), user=user), file=sys.stderr)
    return user, with_office(settings, *stored_office())


def export_command(args: argparse.Namespace, settings) -> int:
    from tui_register.progress import Progress
    from tui_register.reports import ExportOptions, export
    from tui_register.reports.exporting import export_narrative

    user, settings = _user_and_register(settings)
    options = ExportOptions(date_from=args.date_from, date_to=args.date_to, at=args.at, month=args.month,
                            unit=args.unit,
                            out=args.out, full_ids=args.full_ids, **{n: getattr(args, n) for n in _FILTERS})
    text = ""
    try:
        with Progress(_("report.cli.progress")) as progress:
            if args.kind == "narrative":  # the text is printed too, for pasting
                path, text = export_narrative(settings, user, options, on_progress=progress.update)
            else:
                path = export(args.kind, settings, user, options, on_progress=progress.update)
    except ReportError as err:
        print(err.message(), file=sys.stderr)
        return ExitCode.USAGE if err.usage else ExitCode.PROBLEM
    if text:
        print(text + "\n")
    print(_("report.cli.done", path=str(path)))
    return ExitCode.OK


def import_command(args: argparse.Namespace, settings) -> int:
    from tui_register.progress import Progress
    from tui_register.reports.importer import ImportOptions, import_roster

    if not settings.db_path.exists() and not args.file.is_file():
        # A mistyped file name does not leave an empty new register behind.
        print(_("import.file_missing", path=str(args.file)), file=sys.stderr)
        return ExitCode.PROBLEM
    # Importing the roster the office keeps in Excel is how a new office starts: the register
    # is created as the interface creates it on a first run, the importer its first supervisor.
    user, settings = _user_and_register(settings, create=True)
    options = ImportOptions(sheet=args.sheet, column_map=args.column_map, dry_run=args.dry_run,
                            skip_invalid=args.skip_invalid)
    try:
        with Progress(_("import.cli.progress")) as progress:
            result = import_roster(args.file, settings, user, options, on_progress=progress.update)
    except ReportError as err:
        print(err.message(), file=sys.stderr)
        return ExitCode.USAGE if err.usage else ExitCode.PROBLEM
    counts = result.counts()
    if result.report is not None:
        print(_("import.cli.report", path=str(result.report), n=len(result.problems)), file=sys.stderr)
    if result.written:
        print(_("import.cli.done", **counts))
    elif args.dry_run:
        print(_("import.cli.checked", **counts))
    else:
        print(_("import.cli.refused", **counts), file=sys.stderr)
    return ExitCode.OK if result.rejected == 0 else ExitCode.PROBLEM
