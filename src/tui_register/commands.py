"""The subcommands' work: each takes the parsed arguments and the settings, returns an exit status."""

from __future__ import annotations

import argparse
import json
import os
import sys

from tui_register.i18n import _, get_language
from tui_register.storage.clock import current_login

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


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
        return EXIT_USAGE
    from tui_register.storage.core import require_writer

    _open(settings)
    # Demo data is made-up households: only a supervisor may put them in a register.
    require_writer(current_login(), supervisor=True)
    if not generator.is_empty() and not args.force:
        print(_("cli.demo_not_empty", db=str(settings.db_path)), file=sys.stderr)
        return EXIT_PROBLEM
    with Progress(_("cli.demo_progress")) as progress:
        summary = generator.generate(args.households, seed=args.seed, user=current_login(),
                                     on_progress=progress.update)
    print(_("cli.demo_done", db=str(settings.db_path), **summary))
    return EXIT_OK


def stats(args: argparse.Namespace, settings) -> int:
    from tui_register.storage import integrity

    _open(settings, create=False)
    figures = integrity.stats()
    if args.json:
        json.dump(figures, sys.stdout, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
        return EXIT_OK
    names = integrity.category_names()
    zh = get_language() == "zh_CN"
    print(_("cli.stats_entities"))
    for entity, n in figures["entities"].items():
        print(f"  {_('entity.' + entity):<16} {n:>10,}")
    print(_("cli.stats_categories"))
    for code, counts in figures["categories"].items():
        if counts["households"] or counts["persons"]:
            label = names[code][0 if zh else 1]
            print("  " + _("cli.stats_category_line", name=label, **counts))
    print(_("cli.stats_statuses"))
    for entity, by_status in figures["statuses"].items():
        parts = ", ".join(f"{status} {n:,}" for status, n in by_status.items())
        print(f"  {_('entity.' + entity):<16} {parts}")
    print(_("cli.stats_change_log", n=figures["change_log"]))
    return EXIT_OK


def check(args: argparse.Namespace, settings) -> int:
    from tui_register.storage import integrity

    _open(settings, create=False)
    problems = integrity.check()
    if problems:
        print(_("cli.check_problems", n=len(problems)))
        for problem in problems:
            print("  " + problem)
        return EXIT_PROBLEM
    print(_("cli.check_ok"))
    return EXIT_OK


def backup(args: argparse.Namespace, settings) -> int:
    from tui_register.storage.db import backup_to

    db = _open(settings, create=False)
    dest = backup_to(db, args.dest)
    print(_("cli.backup_done", dest=str(dest)))
    return EXIT_OK


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
            print(f"{row.login:<16} {row.display_name:<16} {role:<8} {state}")
        return EXIT_OK
    if args.staff_command == "add":
        from tui_register.domain.errors import FieldError
        from tui_register.domain.text import clean_text

        try:
            name = clean_text(args.name, field="display_name", max_len=30, min_len=1)
        except FieldError as err:
            print(err.message(), file=sys.stderr)
            return EXIT_USAGE
        row = staff_store.add_staff(user, args.login, name, args.role)
        print(_("cli.staff_added", login=row.login, name=row.display_name, role=_("role." + row.role)))
        return EXIT_OK
    row = staff_store.disable_staff(user, args.login)
    print(_("cli.staff_disabled", login=row.login))
    return EXIT_OK
