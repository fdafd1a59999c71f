"""Textual's own words in the interface language: the descriptions of its widgets' key
bindings (Input, Select, OptionList, DataTable, TextArea, scrolling containers, the command
palette) and the palette's texts, as `textual description -> message key`.

Two paths use it: `translate_textual_bindings()` puts the words of the current language into
the bindings of Textual's own widget classes (what a footer or the help shows for a focused
Input or an open Select), and `describe()` translates one description wherever bindings are
listed (help, command palette), for classes made later too. Textual is pinned at 8.2.x: the
texts below are its English.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from tui_register.i18n import LANGUAGES, _

TEXTUAL_TEXT: dict[str, str] = {
    "Bottom": "textual.bottom",
    "Copy": "textual.copy",
    "Copy selected text": "textual.copy_selected_text",
    "Cursor down": "textual.cursor_down",
    "Cursor down select": "textual.cursor_down_select",
    "Cursor left": "textual.cursor_left",
    "Cursor left select": "textual.cursor_left_select",
    "Cursor left word select": "textual.cursor_left_word_select",
    "Cursor line end": "textual.cursor_line_end",
    "Cursor line end select": "textual.cursor_line_end_select",
    "Cursor line start": "textual.cursor_line_start",
    "Cursor line start select": "textual.cursor_line_start_select",
    "Cursor page down": "textual.cursor_page_down",
    "Cursor page up": "textual.cursor_page_up",
    "Cursor right": "textual.cursor_right",
    "Cursor right select": "textual.cursor_right_select",
    "Cursor right word select": "textual.cursor_right_word_select",
    "Cursor up": "textual.cursor_up",
    "Cursor up select": "textual.cursor_up_select",
    "Cursor word left": "textual.cursor_word_left",
    "Cursor word right": "textual.cursor_word_right",
    "Cut": "textual.cut",
    "Cut selected text": "textual.cut_selected_text",
    "Delete all to the left": "textual.delete_all_to_the_left",
    "Delete all to the right": "textual.delete_all_to_the_right",
    "Delete character left": "textual.delete_character_left",
    "Delete character right": "textual.delete_character_right",
    "Delete left to start of word": "textual.delete_left_to_start_of_word",
    "Delete line": "textual.delete_line",
    "Delete right to start of word": "textual.delete_right_to_start_of_word",
    "Delete to line end": "textual.delete_to_line_end",
    "Delete to line start": "textual.delete_to_line_start",
    "Dismiss menu": "textual.dismiss_menu",
    "Down": "textual.down",
    "End": "textual.end",
    "Exit the command palette": "textual.exit_the_command_palette",
    "First": "textual.first",
    "Focus Next": "textual.focus_next",
    "Focus Previous": "textual.focus_previous",
    "Go to bottom": "textual.go_to_bottom",
    "Go to end": "textual.go_to_end",
    "Go to start": "textual.go_to_start",
    "Go to top": "textual.go_to_top",
    "Home": "textual.home",
    "Last": "textual.last",
    "Move cursor left": "textual.move_cursor_left",
    "Move cursor left a word": "textual.move_cursor_left_a_word",
    "Move cursor left a word and select": "textual.move_cursor_left_a_word_and_select",
    "Move cursor left and select": "textual.move_cursor_left_and_select",
    "Move cursor right a word": "textual.move_cursor_right_a_word",
    "Move cursor right a word and select": "textual.move_cursor_right_a_word_and_select",
    "Move cursor right and select": "textual.move_cursor_right_and_select",
    "Move cursor right or accept the completion suggestion": "textual.move_cursor_right_or_accept",
    "Next command": "textual.next_command",
    "Next page": "textual.next_page",
    "Page Down": "textual.page_down",
    "Page Left": "textual.page_left",
    "Page Right": "textual.page_right",
    "Page Up": "textual.page_up",
    "Page down": "textual.page_down",
    "Page up": "textual.page_up",
    "Paste": "textual.paste",
    "Paste text from the clipboard": "textual.paste_text_from_the_clipboard",
    "Previous command": "textual.previous_command",
    "Previous page": "textual.previous_page",
    "Quit": "textual.quit",
    "Redo": "textual.redo",
    "Scroll Down": "textual.scroll_down",
    "Scroll End": "textual.scroll_end",
    "Scroll Home": "textual.scroll_home",
    "Scroll Left": "textual.scroll_left",
    "Scroll Right": "textual.scroll_right",
    "Scroll Up": "textual.scroll_up",
    "Select": "textual.select",
    "Select all": "textual.select_all",
    "Select line": "textual.select_line",
    "Select line end": "textual.select_line_end",
    "Select line start": "textual.select_line_start",
    "Show menu": "textual.show_menu",
    "Submit": "textual.submit",
    "Top": "textual.top",
    "Undo": "textual.undo",
    "Up": "textual.up",
    "Search for commands…": "textual.search_for_commands",
}


def describe(description: str) -> str:
    """A Textual description in the interface language (any other text as it is)."""
    english = description if description in TEXTUAL_TEXT else _originals().get(description)
    return _(TEXTUAL_TEXT[english]) if english else description


# Every language's word -> Textual's English, so that the bindings can change language again.
_ORIGINALS: dict[str, str] = {}


def _originals() -> dict[str, str]:
    if not _ORIGINALS:
        for english, key in TEXTUAL_TEXT.items():
            for lang in LANGUAGES:
                _ORIGINALS.setdefault(_(key, lang), english)
    return _ORIGINALS


def _in_language(binding: Binding) -> Binding:
    text = describe(binding.description)
    return binding if text == binding.description else replace(binding, description=text)


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def translate_textual_bindings() -> None:
    """The bindings of Textual's own classes in the current language (instances made from
    now on copy them). Our own classes translate theirs (`ui.bindings.translate_bindings`)."""
    # The Select's menu shows its key in the footer: make sure its class exists. (TextArea is
    # left to load with the forms: its keys are only listed, and describe() translates them.)
    from textual.widgets import Select  # noqa: F401

    for cls in _subclasses(DOMNode):
        merged = cls.__dict__.get("_merged_bindings")
        if merged is None or not cls.__module__.startswith("textual."):
            continue
        for key, items in merged.key_to_bindings.items():
            merged.key_to_bindings[key] = [_in_language(b) for b in items]
