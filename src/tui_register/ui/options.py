"""Choices for select fields, in the interface language.

Places come from the database: the app reads them once in a worker at start-up into its
`SessionState` (`app.state`), so that opening a form never queries on the event loop.
"""

from __future__ import annotations

from tui_register.domain.categories import choices, filter_groups, load_categories
from tui_register.i18n import _
from tui_register.ui.state import SessionState


def place_options(state: SessionState) -> list[tuple[str, str]]:
    return list(state.places)


def category_options() -> list[tuple[str, str]]:
    return [(c.name(), c.code) for c in load_categories()]


def category_filter_options() -> list[tuple[str, str]]:
    """A list filter's categories: the groups first (低保 takes 城市低保 and 农村低保), then each."""
    groups = [(_("ui.category_group_option", name=g.name(), count=len(g.codes)), g.code) for g in filter_groups()]
    return groups + category_options()


def code_options(kind: str) -> list[tuple[str, str]]:
    return [(label, str(code)) for label, code in choices(kind)]
