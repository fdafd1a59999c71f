"""`tui-register hub serve | add-office CODE | revoke CODE`: the reference central endpoint.

Starlette and uvicorn are imported by `serve` only, so that other commands start fast.
"""

from __future__ import annotations

import argparse
import sys

from tui_register.exit_codes import ExitCode
from tui_register.i18n import _


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    hub = subparsers.add_parser("hub", help=_("hub.cmd"), description=_("hub.cmd"))
    sub = hub.add_subparsers(dest="hub_command", required=True, metavar="serve|add-office|revoke",
                             parser_class=type(hub))
    serve = sub.add_parser("serve", help=_("hub.cmd_serve"), description=_("hub.cmd_serve"))
    serve.add_argument("--host", default="127.0.0.1", help=_("hub.opt_host"))
    serve.add_argument("--port", type=int, default=8700, help=_("hub.opt_port"))
    add = sub.add_parser("add-office", help=_("hub.cmd_add_office"), description=_("hub.cmd_add_office"))
    add.add_argument("code", metavar="CODE")
    revoke = sub.add_parser("revoke", help=_("hub.cmd_revoke"), description=_("hub.cmd_revoke"))
    revoke.add_argument("code", metavar="CODE")
    for parser in (serve, add, revoke):
        # Not the global --db (the office database): the hub's own database.
        parser.add_argument("--db", dest="hub_db", required=True, metavar="PATH_OR_URL", help=_("hub.opt_db"))
    hub.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: object) -> int:
    from tui_register.hub.db import HubDatabaseError, open_hub_database
    from tui_register.hub.offices import OfficeProblem

    try:
        open_hub_database(args.hub_db)
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
