"""Text on a terminal next to Chinese: display widths, padding, wrapping, argparse's own words.

A Chinese character takes two cells of a terminal, so `str.ljust`, `%-16s` and `textwrap`
(which count characters) misalign columns and overrun lines. argparse's fixed words (usage:,
options, "the following arguments are required" …) go through `gettext` as `argparse._`:
`install_argparse_translation()` routes them through the message catalogs instead.
"""

from __future__ import annotations

import argparse
import unicodedata

from tui_register.i18n import _


def cells(text: str) -> int:
    """Terminal cells of `text`: wide and full-width characters two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def rjust(text: str, width: int) -> str:
    return " " * max(0, width - cells(text)) + text


def _tokens(text: str) -> list[str]:
    """Wrapping units: a space, one wide character, or a run of other characters."""
    tokens: list[str] = []
    for ch in " ".join(text.split()):
        if ch == " " or cells(ch) == 2 or not tokens or tokens[-1] == " " or cells(tokens[-1][-1]) == 2:
            tokens.append(ch)
        else:
            tokens[-1] += ch
    return tokens


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells, broken at spaces or between Chinese characters."""
    lines: list[str] = []
    line, space = "", False
    for token in _tokens(text):
        if token == " ":
            space = bool(line)
            continue
        candidate = line + (" " if space else "") + token
        if line and cells(candidate) > width:
            lines.append(line)
            candidate = token
        line, space = candidate, False
    if line:
        lines.append(line)
    return lines or [""]


class CellHelpFormatter(argparse.HelpFormatter):
    """argparse's help with columns and line lengths counted in terminal cells."""

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(s) for s in self._iter_indented_subactions(action)]
            longest = max(map(cells, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, longest)
            self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        help_lines = self._split_lines(self._expand_help(action), help_width) if (
            action.help and action.help.strip()) else []
        if not help_lines:
            parts = [f"{indent}{header}\n"]
        elif cells(header) <= action_width:
            parts = [f"{indent}{ljust(header, action_width)}  {help_lines[0]}\n"]
            help_lines = help_lines[1:]
        else:
            parts = [f"{indent}{header}\n"]
        parts += [" " * help_position + line + "\n" for line in help_lines]
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)

    def _format_usage(self, usage, actions, groups, prefix) -> str:  # type: ignore[override]
        # argparse measures the usage in characters: narrow its width by the extra cells of the
        # wide characters (用法：, Chinese metavars), and indent continuation lines by the
        # prefix's extra cells so that they line up under the first argument.
        width = self._width
        try:
            self._width = 10_000
            one_line = super()._format_usage(usage, actions, groups, prefix)
            extra = cells(one_line) - len(one_line)
            self._width = width - extra
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width = width
        shown = translate_argparse("usage: ") if prefix is None else prefix
        indent = " " * (cells(shown) - len(shown))
        first, *rest = text.split("\n")
        return "\n".join([first, *(indent + line if line.strip() else line for line in rest)])

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - cells(indent)))


# argparse's own words (Python 3.11) -> message key in messages/cli.py.
ARGPARSE_TEXT = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "the following arguments are required: %s": "argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "not allowed with argument %s": "argparse.not_allowed",
    "ignored explicit argument %r": "argparse.ignored_explicit",
    "one of the arguments %s is required": "argparse.one_required",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "unexpected option string: %s": "argparse.unexpected_option",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "can't open '%(filename)s': %(error)s": "argparse.cannot_open",
    "expected %s argument": "argparse.expected_n",
    "expected %s arguments": "argparse.expected_n",
}


def translate_argparse(message: str) -> str:
    key = ARGPARSE_TEXT.get(message)
    return _(key) if key else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate_argparse(singular if n == 1 else plural)


def install_argparse_translation() -> None:
    """argparse looks `_` and `ngettext` up in its module at each call: point them at ours."""
    argparse._ = translate_argparse  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
