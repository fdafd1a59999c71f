"""Cleaning free text typed by users (often through a Chinese IME) before it is stored."""

from __future__ import annotations

import re
import unicodedata

from tui_register.domain.errors import FieldError

# Bidi controls can make stored text display differently from what it is
# (the "Trojan Source" trick), so they are refused in input and removed on display.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_SPACE_RUN = re.compile(r" {2,}")


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
