"""`tui-register sync [--dry-run] | sync status | sync dismiss SEQ`.

Exit status of `sync` (docs/sync-protocol.md): 0 everything sent, 1 the quarantine is not empty,
2 configuration missing or the token refused, 3 the centre could not be reached, the run gave
up, or another sync of the same database is running; whatever was not sent stays queued.
httpx and stamina are imported by the run itself, not when the command line starts.
"""

from __future__ import annotations

import argparse
import math
import sys

from tui_register.exit_codes import ExitCode
from tui_register.i18n import _


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    sync = subparsers.add_parser("sync", help=_("sync.cmd"), description=_("sync.cmd_description"))
    sync.add_argument("--dry-run", action="store_true", help=_("sync.opt_dry_run"))
    sub = sync.add_subparsers(dest="sync_command", metavar="[status|dismiss]", parser_class=type(sync))
    sub.add_parser("status", help=_("sync.cmd_status"), description=_("sync.cmd_status"))
    dismiss = sub.add_parser("dismiss", help=_("sync.cmd_dismiss"), description=_("sync.cmd_dismiss"))
    dismiss.add_argument("seq", type=int, metavar="SEQ", help=_("sync.opt_seq"))
    sync.set_defaults(handler=run)


def run(args: argparse.Namespace, settings) -> int:
    from tui_register.config import with_office
    from tui_register.storage.clock import current_login
    from tui_register.storage.office import stored_office
    from tui_register.storage.register import open_register

    if not settings.db_path.exists():
        print(_("db.missing", path=str(settings.db_path)), file=sys.stderr)  # a wrong path is configuration
        print(_("cli.db_missing_hint"), file=sys.stderr)
        return ExitCode.CONFIG
    open_register(settings.db_path, current_login(), create=False)
    settings = with_office(settings, *stored_office())  # the configuration wins where it is set
    if args.sync_command == "status":
        return _status()
    if args.sync_command == "dismiss":
        return _dismiss(current_login(), args.seq)
    return _dry_run(settings) if args.dry_run else _sync(settings, current_login())


def _sync(settings, user: str) -> int:
    from tui_register.progress import Progress
    from tui_register.storage import sync_state
    from tui_register.sync import service

    with Progress(_("sync.progress")) as progress:
        summary = service.run_sync(settings, user, progress.update)
    if summary.problem:
        print(summary.problem_message(), file=sys.stderr)
    quarantined = len(sync_state.quarantined("open"))
    if quarantined:
        print(_("sync.quarantine_hint", n=quarantined), file=sys.stderr)
    print(summary.line())
    return summary.exit_code if summary.exit_code is not None else ExitCode.OK


def _dry_run(settings) -> int:
    from tui_register.storage import sync_state

    by_entity = sync_state.pending_by_entity()
    total = sum(by_entity.values())
    print(_("sync.dry_endpoint", endpoint=settings.sync_endpoint or _("sync.not_set"),
            office=settings.office_code or _("sync.not_set")))
    print(_("sync.dry_pending", n=total, batches=math.ceil(total / settings.sync_batch_size)))
    for entity, n in by_entity.items():
        print(f"  {_('entity.' + entity):<16} {n:>10,}")
    unanswered = len(sync_state.pending_batch_ids())
    if unanswered:
        print(_("sync.dry_unanswered", n=unanswered))
    print(_("sync.dry_quarantine", n=len(sync_state.quarantined("open"))))
    return ExitCode.OK


def _status() -> int:
    from tui_register.sync import service

    by_entity = service.pending_by_entity()
    print(_("sync.status_pending", n=sum(by_entity.values())))
    for entity, n in by_entity.items():
        print(f"  {_('entity.' + entity):<16} {n:>10,}")
    print(_("sync.status_runs"))
    for run_summary in service.recent_runs(5):
        outcome = run_summary.problem_message() or run_summary.line()
        state = _("sync.run_unfinished") if run_summary.exit_code is None else str(run_summary.exit_code)
        print(f"  {run_summary.when()}  [{state}]  {outcome}")
    items = service.quarantine()
    print(_("sync.status_quarantine", n=len(items)))
    for item in items:
        print("  " + _("sync.quarantine_line", seq=item.seq, entity=_("entity." + item.entity), label=item.label,
                       message=item.message, waiting=item.waiting))
    return ExitCode.OK


def _dismiss(user: str, seq: int) -> int:
    from tui_register.sync import service

    service.dismiss(user, seq)
    print(_("sync.dismissed", seq=seq))
    return ExitCode.OK
