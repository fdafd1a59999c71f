"""Choices for select fields, in the interface language.

Places come from the database: the app loads them once in a worker at start-up (and again
after a change) into `PLACES`, so that opening a form never queries on the event loop.
"""

from __future__ import annotations

from tui_register.domain.categories import choices, load_categories

PLACES: list[tuple[str, str]] = []


def set_places(places: list[tuple[str, str]]) -> None:
    PLACES[:] = places


def place_options() -> list[tuple[str, str]]:
    return list(PLACES)


def category_options() -> list[tuple[str, str]]:
    return [(c.name(), c.code) for c in load_categories()]


def code_options(kind: str) -> list[tuple[str, str]]:
    return [(label, str(code)) for label, code in choices(kind)]
