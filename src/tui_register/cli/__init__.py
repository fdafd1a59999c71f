"""The `tui-register` command: global options, subcommands, exit status.

The subcommands live in the modules beside this one, each parser with its handler; exit
statuses are `tui_register.exit_codes.ExitCode`. Commands that do not open the interface never
import Textual, so that the nightly run and scripts start fast; heavy libraries are imported
where they are used.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Sequence

from tui_register import i18n
from tui_register.cli.text import CellHelpFormatter, install_argparse_translation
from tui_register.exit_codes import ExitCode
from tui_register.i18n import _

log = logging.getLogger("tui_register")


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors in the user's language, exit status 2, and help laid out
    by display width (Chinese characters take two cells)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", CellHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(_("cli.usage_error", prog=self.prog, message=message) + "\n")
        raise SystemExit(ExitCode.USAGE)


def _language_hint(argv: Sequence[str]) -> str:
    """The language for messages before the settings are read: --lang, the variable, the locale."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("TUI_REGISTER_LANGUAGE") or i18n.detect_language()


# Each module holds its subcommands' parsers and handlers together: `add_parsers(sub)` adds
# the parsers and ties each to its handler with `set_defaults(handler=...)`. Modules import
# nothing heavy at the top, so that parsing the command line stays fast.
COMMAND_MODULES = ("register", "reports", "payments", "sync", "hub")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    install_argparse_translation()
    parser = _Parser(prog="tui-register", description=_("cli.description"))
    parser.add_argument("--config", type=Path, metavar=_("cli.meta_file"), help=_("cli.opt_config"))
    parser.add_argument("--db", type=Path, metavar=_("cli.meta_path"), help=_("cli.opt_db"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("cli.opt_lang"))
    parser.set_defaults(handler=None)  # no subcommand: the interface
    sub = parser.add_subparsers(dest="command", metavar=_("cli.meta_command"), parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").add_parsers(sub)
    return parser


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
    # Peewee logs every statement with its values at DEBUG (account and ID numbers among them):
    # never, whatever the root level becomes.
    logging.getLogger("peewee").setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # A wrong --lang is reported in the language of the environment.
    hint = next((h for h in (_language_hint(argv), _language_hint([])) if h in i18n.LANGUAGES), "zh_CN")
    i18n.set_language(hint)
    args = build_parser().parse_args(argv)

    from tui_register.config import ConfigError, load_settings

    try:
        settings = load_settings(args.config, overrides={"db_path": args.db, "language": args.lang})
    except ConfigError as err:
        print(str(err), file=sys.stderr)
        return ExitCode.USAGE
    i18n.set_language(settings.language)
    _setup_logging(settings)
    return run_command(args, settings)


def run_command(args: argparse.Namespace, settings) -> int:
    from tui_register.storage.core import StorageProblem
    from tui_register.storage.db import StorageError

    if args.handler is None:
        from tui_register.cli.register import run_interface

        args.handler = run_interface
    try:
        return args.handler(args, settings)
    except StorageProblem as err:
        print(err.message(), file=sys.stderr)
        return ExitCode.PROBLEM
    except StorageError as err:
        log.error("storage error: %s", err)
        print(_("cli.storage_error", detail=err.message()), file=sys.stderr)
        if err.key == "db.missing":
            print(_("cli.db_missing_hint"), file=sys.stderr)
        return ExitCode.PROBLEM
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.PROBLEM
    except KeyboardInterrupt:
        print(_("cli.interrupted"), file=sys.stderr)
        return ExitCode.PROBLEM
    except Exception:  # noqa: BLE001 - never a traceback on the user's screen
        log.exception("unexpected error in %s", args.command or "interface")
        print(_("cli.unexpected", log=str(Path(settings.db_path).parent / "tui-register.log")), file=sys.stderr)
        return ExitCode.PROBLEM
