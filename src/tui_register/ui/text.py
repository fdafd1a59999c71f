"""Showing stored text safely and laying out Chinese text.

Text from the database is always shown as a `rich.text.Text` made from `display_safe()`:
never parsed as markup (a name like `[bold]x[/]` stays as typed), and with escape, C1 and
bidirectional control characters removed so that nothing reaches the terminal raw.
"""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text

from tui_register.domain.text import display_safe
from tui_register.i18n import _, catalog


def safe(value: object, style: str = "") -> Text:
    return Text(display_safe("" if value is None else str(value)), style=style, no_wrap=True)


def fit(value: str, width: int) -> str:
    """Cut `value` to `width` terminal cells (Chinese characters take two)."""
    if cell_len(value) <= width:
        return value
    out, used = [], 0
    for ch in value:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    # "~", not "…": the ellipsis is two cells wide in terminals set to ambiguous = wide.
    return "".join(out) + "~" if width > 1 else ""


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def village_of(path: str) -> str:
    """The village/community part of a place path (township/village/grid)."""
    parts = path.split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def field_label(key: str) -> str:
    """A field's label: `field.<record>.<name>` when the record has its own word, else
    the general `field.<name>` (as the domain's error messages choose it)."""
    if key in catalog():
        return _(key)
    general = "field." + key.rsplit(".", 1)[-1]
    return _(general)
