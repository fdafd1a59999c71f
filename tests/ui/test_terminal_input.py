"""Escape and the key typed right after it, read together from the terminal (a slow link
delivers a burst in one read): two keys, as typed slowly, not one Alt or Option key."""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser

from tui_register.ui.terminal_input import read_escape_apart, split_alt


def keys_read(data: str) -> list[str]:
    """The keys Textual's parser reads from `data`, then the end of the input."""
    parser = XTermParser()
    tokens = [*parser.feed(data), *parser.feed("")]
    return [token.key for token in tokens]


@pytest.fixture(autouse=True)
def escape_apart():
    read_escape_apart()  # what the app does as it starts


@pytest.mark.parametrize("data, alt", [
    ("\x1b\x1b6s", ["escape", "alt+6", "s"]),  # was escape, section_sign (§), s
    ("\x1bf", ["alt+f"]),  # was ctrl+right
    ("\x1b2", ["alt+2"]),  # was ™
])
def test_escape_and_a_character_read_together_come_as_alt_of_the_character(data, alt):
    assert keys_read(data) == alt


def test_the_terminal_s_own_sequences_are_still_keys():
    assert keys_read("\x1b[B\x1b[A\x1bOH") == ["down", "up", "home"]
    assert keys_read("\x1b") == ["escape"]


@pytest.mark.parametrize("key, character, apart", [
    ("alt+6", "6", [("escape", "\x1b"), ("6", "6")]),
    ("alt+f", "f", [("escape", "\x1b"), ("f", "f")]),
    ("alt+shift+s", "S", [("escape", "\x1b"), ("S", "S")]),
    ("alt+slash", "/", [("escape", "\x1b"), ("slash", "/")]),
])
def test_an_alt_key_is_taken_apart_into_escape_and_the_key(key, character, apart):
    from textual import events

    assert [(k.key, k.character) for k in split_alt(events.Key(key, character))] == apart


def test_other_keys_are_left_alone():
    from textual import events

    assert split_alt(events.Key("escape", "\x1b")) is None
    assert split_alt(events.Key("6", "6")) is None
