"""`tui-register hub serve | add-office CODE | revoke CODE | report summary`: the reference
central endpoint, and the county's workbook from its database.

Starlette and uvicorn are imported by `serve` only, XlsxWriter by `report`, so that other
commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from tui_register.exit_codes import ExitCode
from tui_register.i18n import _


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    hub = subparsers.add_parser("hub", help=_("hub.cmd"), description=_("hub.cmd"))
    sub = hub.add_subparsers(dest="hub_command", required=True, metavar="serve|add-office|revoke|report",
                             parser_class=type(hub))
    serve = sub.add_parser("serve", help=_("hub.cmd_serve"), description=_("hub.cmd_serve"))
    serve.add_argument("--host", default="127.0.0.1", help=_("hub.opt_host"))
    serve.add_argument("--port", type=int, default=8700, help=_("hub.opt_port"))
    add = sub.add_parser("add-office", help=_("hub.cmd_add_office"), description=_("hub.cmd_add_office"))
    add.add_argument("code", metavar="CODE")
    revoke = sub.add_parser("revoke", help=_("hub.cmd_revoke"), description=_("hub.cmd_revoke"))
    revoke.add_argument("code", metavar="CODE")
    report = _report_parser(sub)
    for parser in (serve, add, revoke, report):
        # Not the global --db (the office database): the hub's own database.
        parser.add_argument("--db", dest="hub_db", required=True, metavar="PATH_OR_URL", help=_("hub.opt_db"))
    hub.set_defaults(handler=run)


def _report_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from tui_register.cli.reports import _date
    from tui_register.reports.options import UNITS

    report = sub.add_parser("report", help=_("hub.cmd_report"), description=_("hub.cmd_report_long"))
    report.add_argument("what", choices=("summary",), metavar="summary")
    report.add_argument("--from", dest="date_from", type=_date, metavar="D", help=_("report.cli.from"))
    report.add_argument("--to", dest="date_to", type=_date, metavar="D", help=_("report.cli.to"))
    report.add_argument("--office", dest="offices", action="extend", nargs="+", default=[], metavar="CODE",
                        help=_("hub.opt_office"))
    report.add_argument("--unit", choices=UNITS, default="yuan", help=_("report.cli.unit"))
    report.add_argument("--out", type=Path, metavar="PATH", help=_("hub.opt_out"))
    return report


def run(args: argparse.Namespace, settings: object) -> int:
    from tui_register.hub.db import HubDatabaseError, open_hub_database, shown
    from tui_register.hub.offices import OfficeProblem

    if args.hub_command == "report" and "://" not in args.hub_db and not Path(args.hub_db).expanduser().exists():
        # A mistyped path must not become a new, empty hub with nothing to report.
        print(_("hub.report.no_database", target=shown(args.hub_db)), file=sys.stderr)
        return ExitCode.PROBLEM
    try:
        open_hub_database(args.hub_db)
        if args.hub_command == "report":
            return _report(args, settings)
        return {"serve": _serve, "add-office": _add_office, "revoke": _revoke}[args.hub_command](args)
    except (HubDatabaseError, OfficeProblem) as problem:
        print(_(problem.key, **problem.params), file=sys.stderr)
        return ExitCode.PROBLEM


def _serve(args: argparse.Namespace) -> int:
    try:
        import starlette  # noqa: F401 - only to say which install is missing
        import uvicorn
    except ImportError as err:
        print(_("hub.missing_extra", module=err.name or "starlette"), file=sys.stderr)
        return ExitCode.USAGE

    from tui_register.hub.app import create_app
    from tui_register.hub.db import shown

    print(_("hub.serving", url=f"http://{args.host}:{args.port}", db=shown(args.hub_db)), file=sys.stderr)
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return ExitCode.OK


def _add_office(args: argparse.Namespace) -> int:
    from tui_register.hub.offices import add_office

    token = add_office(args.code)
    print(_("hub.office_added", code=args.code), file=sys.stderr)
    print(token)  # alone on stdout, so that a script can write it straight into a token file
    return ExitCode.OK


def _revoke(args: argparse.Namespace) -> int:
    from tui_register.hub.offices import revoke_office

    revoke_office(args.code)
    print(_("hub.office_revoked", code=args.code), file=sys.stderr)
    return ExitCode.OK


def _report(args: argparse.Namespace, settings) -> int:
    from tui_register.hub.figures import UnknownOffice, known_offices
    from tui_register.hub.report import default_name, write_county
    from tui_register.progress import Progress
    from tui_register.reports.options import ReportError

    last = args.date_to or date.today()
    first = args.date_from or date(last.year, 1, 1)  # the year so far, as the office summary
    if first > last:
        print(_("report.period_reversed"), file=sys.stderr)
        return ExitCode.USAGE
    try:
        known_offices(tuple(args.offices))
        target = args.out or Path(getattr(settings, "export_dir", "exports")) / default_name(first, last)
        with Progress(_("hub.report.progress")) as progress:
            path = write_county(target, first, last, tuple(args.offices), unit=args.unit,
                                key_youfu=tuple(getattr(settings, "key_youfu", ())),
                                numbered=args.out is None, progress=progress.update)
    except UnknownOffice as unknown:
        codes = "、".join(known_offices()[0]) or "-"
        print(_("hub.report.unknown_office", code=unknown.code, known=codes), file=sys.stderr)
        return ExitCode.USAGE
    except ReportError as err:
        print(err.message(), file=sys.stderr)
        return ExitCode.USAGE if err.usage else ExitCode.PROBLEM
    print(_("report.cli.done", path=str(path)))
    return ExitCode.OK
