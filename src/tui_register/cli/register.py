"""The register's own subcommands (demo, stats, check, backup, staff) and the interface.

Each handler takes the parsed arguments and the settings and returns an exit status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from tui_register.cli.text import cells, ljust
from tui_register.exit_codes import ExitCode
from tui_register.i18n import _, get_language
from tui_register.storage.clock import current_login


def add_parsers(sub: argparse._SubParsersAction) -> None:
    demo_p = sub.add_parser("demo", help=_("cli.cmd_demo"), description=_("cli.cmd_demo"))
    demo_p.add_argument("--households", type=int, default=1000, metavar="N", help=_("cli.opt_households"))
    demo_p.add_argument("--seed", type=int, default=1, metavar="S", help=_("cli.opt_seed"))
    demo_p.add_argument("--force", action="store_true", help=_("cli.opt_force"))
    demo_p.set_defaults(handler=demo)

    stats_p = sub.add_parser("stats", help=_("cli.cmd_stats"), description=_("cli.cmd_stats"))
    stats_p.add_argument("--json", action="store_true", help=_("cli.opt_json"))
    stats_p.set_defaults(handler=stats)

    sub.add_parser("check", help=_("cli.cmd_check"), description=_("cli.cmd_check")).set_defaults(handler=check)

    backup_p = sub.add_parser("backup", help=_("cli.cmd_backup"), description=_("cli.cmd_backup"))
    backup_p.add_argument("dest", type=Path, metavar="DEST")
    backup_p.set_defaults(handler=backup)

    staff_p = sub.add_parser("staff", help=_("cli.cmd_staff"), description=_("cli.cmd_staff"))
    staff_p.set_defaults(handler=staff)
    staff_sub = staff_p.add_subparsers(dest="staff_command", required=True, metavar="list|add|disable",
                                       parser_class=type(staff_p))
    staff_sub.add_parser("list", help=_("cli.cmd_staff_list"))
    add = staff_sub.add_parser("add", help=_("cli.cmd_staff_add"))
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--name", required=True, metavar="N", help=_("cli.opt_staff_name"))
    add.add_argument("--role", required=True, choices=("clerk", "supervisor"), help=_("cli.opt_staff_role"))
    disable = staff_sub.add_parser("disable", help=_("cli.cmd_staff_disable"))
    disable.add_argument("login", metavar="LOGIN")


def _open(settings, *, create: bool = True):
    from tui_register.storage.register import open_register

    return open_register(settings.db_path, current_login(), create=create)


def run_interface(args: argparse.Namespace, settings) -> int:
    _open(settings)
    # Kind to slow links; Textual reads these when it is first imported, just below.
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    os.environ.setdefault("TEXTUAL_FPS", "30")
    os.environ["ESCDELAY"] = str(max(1, settings.escape_delay_ms))
    from tui_register.ui.app import run_app  # the only place Textual is imported

    return run_app(settings, current_login())


def demo(args: argparse.Namespace, settings) -> int:
    from tui_register import demo as generator
    from tui_register.progress import Progress

    if args.households < 1:
        print(_("cli.demo_bad_count"), file=sys.stderr)
        return ExitCode.USAGE
    from tui_register.storage.core import require_writer

    _open(settings)
    # Demo data is made-up households: only a supervisor may put them in a register.
    require_writer(current_login(), supervisor=True)
    if not generator.is_empty() and not args.force:
        print(_("cli.demo_not_empty", db=str(settings.db_path)), file=sys.stderr)
        return ExitCode.PROBLEM
    with Progress(_("cli.demo_progress")) as progress:
        summary = generator.generate(args.households, seed=args.seed, user=current_login(),
                                     on_progress=progress.update)
    print(_("cli.demo_done", db=str(settings.db_path), **summary))
    return ExitCode.OK


def stats(args: argparse.Namespace, settings) -> int:
    from tui_register.storage import integrity

    _open(settings, create=False)
    figures = integrity.stats()
    if args.json:
        json.dump(figures, sys.stdout, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
        return ExitCode.OK
    names = integrity.category_names()
    zh = get_language() == "zh_CN"
    # One label column for both tables, as wide as the widest label in cells.
    width = max(cells(_("entity." + e)) for e in [*figures["entities"], *figures["statuses"]])
    print(_("cli.stats_entities"))
    for entity, n in figures["entities"].items():
        print(f"  {ljust(_('entity.' + entity), width)} {n:>10,}")
    print(_("cli.stats_categories"))
    for code, counts in figures["categories"].items():
        if counts["households"] or counts["persons"]:
            label = names[code][0 if zh else 1]
            print("  " + _("cli.stats_category_line", name=label, **counts))
    print(_("cli.stats_statuses"))
    for entity, by_status in figures["statuses"].items():
        parts = _("cli.stats_separator").join(f"{_status_label(entity, status)} {n:,}"
                                             for status, n in by_status.items())
        print(f"  {ljust(_('entity.' + entity), width)} {parts}")
    print(_("cli.stats_change_log", n=figures["change_log"]))
    return ExitCode.OK


def _status_label(entity: str, status: str) -> str:
    """A status as the interface names it (staff have their own words); unknown codes as they are."""
    key = ("staff_status." if entity == "staff" else "status.") + status
    text = _(key)
    return status if text == key else text


def check(args: argparse.Namespace, settings) -> int:
    from tui_register.storage import integrity

    _open(settings, create=False)
    problems = integrity.check()
    if problems:
        print(_("cli.check_problems", n=len(problems)))
        for problem in problems:
            print("  " + problem)
        return ExitCode.PROBLEM
    print(_("cli.check_ok"))
    return ExitCode.OK


def backup(args: argparse.Namespace, settings) -> int:
    from tui_register.storage.db import backup_to

    db = _open(settings, create=False)
    dest = backup_to(db, args.dest)
    print(_("cli.backup_done", dest=str(dest)))
    return ExitCode.OK


def staff(args: argparse.Namespace, settings) -> int:
    from tui_register.storage import staff as staff_store
    from tui_register.storage.core import require_writer

    _open(settings)
    user = current_login()
    if args.staff_command == "list":
        require_writer(user, supervisor=True)
        for row in staff_store.list_staff():
            role = _("role." + row.role)
            state = _("staff_status." + row.status)
            print(f"{ljust(row.login, 16)} {ljust(row.display_name, 16)} {ljust(role, 8)} {state}")
        return ExitCode.OK
    if args.staff_command == "add":
        from tui_register.domain.errors import FieldError
        from tui_register.domain.text import clean_text

        try:
            name = clean_text(args.name, field="display_name", max_len=30, min_len=1)
        except FieldError as err:
            print(err.message(), file=sys.stderr)
            return ExitCode.USAGE
        row = staff_store.add_staff(user, args.login, name, args.role)
        print(_("cli.staff_added", login=row.login, name=row.display_name, role=_("role." + row.role)))
        return ExitCode.OK
    row = staff_store.disable_staff(user, args.login)
    print(_("cli.staff_disabled", login=row.login))
    return ExitCode.OK
