"""An Escape and the key typed right after it, read together (a slow link delivers a burst in
one read): Textual's input parser takes ESC + a character for one key. ESC 6 became "§" (the
character macOS's Option+6 types), ESC f and ESC b became Ctrl+Right and Ctrl+Left, and any
other ESC + character became Alt+character. The register binds no Alt key and no Option
character, so such a read is the Escape key and then the key typed after it, as typed slowly.
"""

from __future__ import annotations

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS  # Textual 8.2.x (pinned)
from textual.keys import _character_to_key

ESC = "\x1b"


def read_escape_apart() -> None:
    """Forget the parser's ESC + one printable character sequences: the parser then reads them
    as Alt+character, which `split_alt` takes apart. Idempotent."""
    for sequence in [s for s in ANSI_SEQUENCES_KEYS if len(s) == 2 and s[0] == ESC and s[1].isprintable()]:
        del ANSI_SEQUENCES_KEYS[sequence]  # type: ignore[attr-defined]


def split_alt(event: events.Key) -> list[events.Key] | None:
    """Escape and the key after it, for an Alt+character key; None for any other key."""
    if not event.key.startswith("alt+") or not event.character or len(event.character) != 1:
        return None
    character = event.character
    name = character if character.isalnum() else _character_to_key(character)
    return [events.Key("escape", ESC), events.Key(name, character)]
