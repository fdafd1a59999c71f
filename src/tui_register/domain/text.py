"""Cleaning free text typed by users (often through a Chinese IME) before it is stored."""

from __future__ import annotations

import re
import unicodedata

from tui_register.domain.errors import FieldError

# Bidi controls can make stored text display differently from what it is
# (the "Trojan Source" trick), so they are refused in input and removed on display.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_SPACE_RUN = re.compile(r" {2,}")

# Terminal escape sequences, whole (a paste from another terminal or a log brings them along):
# strings (OSC, DCS, SOS, PM, APC) up to their terminator (or the end), then CSI with its
# parameters, then the two- and three-character ESC sequences, then a lone ESC; the 8-bit
# (C1) forms too.
_ESCAPES = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)


def _is_control(ch: str) -> bool:
    """C0, DEL, C1 or a bidi control."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS


def clean_text(value: object, *, field: str, max_len: int, min_len: int = 0,
               multiline: bool = False) -> str:
    """NFKC-normalised, stripped text; raises FieldError (control_chars, too_long, required)."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)  # a form or import may hand over a bare number
    else:
        raise FieldError(field, "invalid")
    # NFKC folds full-width letters and digits from IMEs to ASCII (and "，" to ",").
    text = unicodedata.normalize("NFKC", text)
    # Line and paragraph separators (pasted from word processors) are line breaks.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.strip()  # surrounding tabs and newlines (a paste from Excel) are harmless
    allowed = "\n\t" if multiline else ""
    if any(_is_control(ch) and ch not in allowed for ch in text):
        raise FieldError(field, "control_chars")
    if multiline:
        # Trailing spaces per line are invisible noise; keep the lines themselves.
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    else:
        text = _SPACE_RUN.sub(" ", text)
    if len(text) > max_len:
        raise FieldError(field, "too_long", {"max": max_len})
    if len(text) < min_len:
        raise FieldError(field, "required")
    return text


def strip_escapes(text: str) -> str:
    """`text` without terminal escape sequences (each removed whole, not just its ESC)."""
    return _ESCAPES.sub("", text)


def paste_lines(text: str) -> list[str]:
    """The lines of a pasted text, as a one-line field would take them: escape sequences and
    other control characters removed, tabs (between spreadsheet cells) as spaces, each line
    stripped, blank lines dropped (a cell copied from a spreadsheet ends with a line break)."""
    text = strip_escapes(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or not _is_control(ch))
    return [line.strip() for line in text.split("\n") if line.strip()]


def clean_paste(text: str) -> str:
    """A pasted text for a multi-line field: escape sequences and control characters removed
    (line breaks and tabs kept), line breaks as \\n."""
    text = strip_escapes(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or not _is_control(ch))


def display_safe(s: str) -> str:
    """`s` without control or bidi characters, safe to put on a terminal.

    Line breaks and tabs become spaces (list cells are one line); show multi-line
    text line by line if it must keep its shape.
    """
    if not s:
        return ""
    out = []
    for ch in s:
        if ch in "\n\t\r\u2028\u2029":
            out.append(" ")
        elif not _is_control(ch):
            out.append(ch)
    return "".join(out)
