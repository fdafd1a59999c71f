"""Choices for select fields, in the interface language.

Places come from the database: the app loads them once in a worker at start-up (and again
after a change) into `PLACES`, so that opening a form never queries on the event loop.
"""

from __future__ import annotations

from tui_register.domain.categories import choices, load_categories

PLACES: list[tuple[str, str]] = []
# Remembered entries for text fields (what was given, who visited), most used first.
GOODS: list[str] = ["大米", "食用油", "大米、食用油", "水果", "慰问卡", "牛奶", "棉被"]
VISITORS: list[str] = []


def set_places(places: list[tuple[str, str]]) -> None:
    PLACES[:] = places


def remember(target: list[str], values: list[str]) -> None:
    """Put `values` first in `target`, without repeats."""
    target[:] = list(dict.fromkeys([*values, *target]))


def place_options() -> list[tuple[str, str]]:
    return list(PLACES)


def category_options() -> list[tuple[str, str]]:
    return [(c.name(), c.code) for c in load_categories()]


def code_options(kind: str) -> list[tuple[str, str]]:
    return [(label, str(code)) for label, code in choices(kind)]
