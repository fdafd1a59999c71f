"""The `tui-register` command: global options, subcommands, exit status.

Exit status: 0 success, 1 the operation found or met a problem, 2 usage or configuration
error, 3 (sync) the centre could not be reached, the run gave up, or another sync is running. Commands that do not open the interface never import Textual, so that the nightly
run and scripts start fast; heavy libraries are imported where they are used.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from tui_register import i18n
from tui_register.i18n import _

log = logging.getLogger("tui_register")

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors in the user's language and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(_("cli.usage_error", prog=self.prog, message=message) + "\n")
        raise SystemExit(EXIT_USAGE)


def _language_hint(argv: Sequence[str]) -> str:
    """The language for messages before the settings are read: --lang, the variable, the locale."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("TUI_REGISTER_LANGUAGE") or i18n.detect_language()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tui-register", description=_("cli.description"))
    parser.add_argument("--config", type=Path, metavar=_("cli.meta_file"), help=_("cli.opt_config"))
    parser.add_argument("--db", type=Path, metavar=_("cli.meta_path"), help=_("cli.opt_db"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("cli.opt_lang"))
    sub = parser.add_subparsers(dest="command", metavar=_("cli.meta_command"), parser_class=_Parser)

    demo = sub.add_parser("demo", help=_("cli.cmd_demo"), description=_("cli.cmd_demo"))
    demo.add_argument("--households", type=int, default=1000, metavar="N", help=_("cli.opt_households"))
    demo.add_argument("--seed", type=int, default=1, metavar="S", help=_("cli.opt_seed"))
    demo.add_argument("--force", action="store_true", help=_("cli.opt_force"))

    stats = sub.add_parser("stats", help=_("cli.cmd_stats"), description=_("cli.cmd_stats"))
    stats.add_argument("--json", action="store_true", help=_("cli.opt_json"))

    sub.add_parser("check", help=_("cli.cmd_check"), description=_("cli.cmd_check"))

    backup = sub.add_parser("backup", help=_("cli.cmd_backup"), description=_("cli.cmd_backup"))
    backup.add_argument("dest", type=Path, metavar="DEST")

    staff = sub.add_parser("staff", help=_("cli.cmd_staff"), description=_("cli.cmd_staff"))
    staff_sub = staff.add_subparsers(dest="staff_command", required=True, metavar="list|add|disable",
                                     parser_class=_Parser)
    staff_sub.add_parser("list", help=_("cli.cmd_staff_list"))
    add = staff_sub.add_parser("add", help=_("cli.cmd_staff_add"))
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--name", required=True, metavar="N", help=_("cli.opt_staff_name"))
    add.add_argument("--role", required=True, choices=("clerk", "supervisor"), help=_("cli.opt_staff_role"))
    disable = staff_sub.add_parser("disable", help=_("cli.cmd_staff_disable"))
    disable.add_argument("login", metavar="LOGIN")

    for module in _extensions():
        for name, handler in module.register(sub).items():
            EXTRA_HANDLERS[name] = handler
    return parser


# Command modules of the later layers (export/import, sync, hub). Each has
# `register(subparsers) -> {command: handler}` and keeps its heavy imports inside handlers.
EXTENSIONS = ("tui_register.reports.commands", "tui_register.sync.commands", "tui_register.hub.commands")
EXTRA_HANDLERS: dict[str, Callable] = {}


def _extensions() -> list:
    import importlib
    import importlib.util

    found = []
    for name in EXTENSIONS:
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) and importlib.util.find_spec(name):
            found.append(importlib.import_module(name))
    return found


def _setup_logging(settings) -> None:
    """A log file beside the database: tracebacks go there, never to the user's screen."""
    log_path = Path(settings.db_path).parent / "tui-register.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    hint = _language_hint(argv)
    i18n.set_language(hint if hint in i18n.LANGUAGES else "zh_CN")
    args = build_parser().parse_args(argv)

    from tui_register.config import ConfigError, load_settings

    try:
        settings = load_settings(args.config, overrides={"db_path": args.db, "language": args.lang})
    except ConfigError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    i18n.set_language(settings.language)
    _setup_logging(settings)
    return run_command(args, settings)


def run_command(args: argparse.Namespace, settings) -> int:
    from tui_register import commands
    from tui_register.storage.core import StorageProblem
    from tui_register.storage.db import StorageError

    handlers: dict[str | None, Callable] = {
        None: commands.run_interface,
        "demo": commands.demo,
        "stats": commands.stats,
        "check": commands.check,
        "backup": commands.backup,
        "staff": commands.staff,
        **EXTRA_HANDLERS,
    }
    try:
        return handlers[args.command](args, settings)
    except StorageProblem as err:
        print(err.message(), file=sys.stderr)
        return EXIT_PROBLEM
    except StorageError as err:
        log.error("storage error: %s", err)
        print(_("cli.storage_error", detail=err.message()), file=sys.stderr)
        return EXIT_PROBLEM
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print(_("cli.interrupted"), file=sys.stderr)
        return EXIT_PROBLEM
    except Exception:  # noqa: BLE001 - never a traceback on the user's screen
        log.exception("unexpected error in %s", args.command or "interface")
        print(_("cli.unexpected", log=str(Path(settings.db_path).parent / "tui-register.log")), file=sys.stderr)
        return EXIT_PROBLEM
