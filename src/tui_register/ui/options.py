"""Choices for select fields, in the interface language.

Places come from the database: the app reads them once in a worker at start-up into its
`SessionState` (`app.state`), so that opening a form never queries on the event loop.
"""

from __future__ import annotations

from tui_register.domain.categories import choices, load_categories
from tui_register.ui.state import SessionState


def place_options(state: SessionState) -> list[tuple[str, str]]:
    return list(state.places)


def category_options() -> list[tuple[str, str]]:
    return [(c.name(), c.code) for c in load_categories()]


def code_options(kind: str) -> list[tuple[str, str]]:
    return [(label, str(code)) for label, code in choices(kind)]
