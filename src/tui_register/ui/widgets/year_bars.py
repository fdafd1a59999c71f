"""The year at a glance: visits, visit cash and paid per month as bars, two lines high.

The bars are drawn without block characters: ▁…█ are of ambiguous width (two cells in many
Chinese terminals, which would break every line), so a full cell is a space in reverse video
and a low one an underscore. Reverse video survives NO_COLOR and needs no colour, so the bars
read the same in 16 colours, in 256, and with no colour at all; the colour only tells the
three rows apart.
"""

from __future__ import annotations

from typing import Callable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from tui_register.domain.fields import format_money
from tui_register.i18n import _

LEVELS = 4  # per bar: two lines of two steps (an underscore, then a whole cell)
BAR = 2  # cells per month, and one between months
LABEL = 10  # cells for the row's name

# (label key, index in the row, how its total is said, a colour of the 16)
SERIES: list[tuple[str, int, Callable[[int], str], str]] = [
    ("ui.glance_visits", 1, lambda n: _("ui.glance_times", n=f"{n:,}"), "green"),
    ("ui.glance_cash", 2, format_money, "yellow"),
    ("ui.glance_paid", 3, format_money, "cyan"),
]


def level(value: int, largest: int) -> int:
    """0 for nothing, else 1..LEVELS in proportion to the year's largest month."""
    if value <= 0 or largest <= 0:
        return 0
    return max(1, -(-value * LEVELS // largest))


def _cell(step: int, style: str) -> Text:
    """One line of one bar: `step` 2 a whole cell, 1 an underscore, 0 nothing."""
    if step >= 2:
        return Text(" " * BAR, style=f"reverse {style}")
    return Text("_" * BAR if step == 1 else " " * BAR, style=style)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def bars_text(year: int, months: Sequence[tuple[str, int, int, int]]) -> Text:
    """The lines of the widget for (month, visits, cash, paid) rows."""
    out = Text(no_wrap=True, overflow="crop")
    out.append(_pad(_("ui.glance_title", year=year), LABEL), style="bold")
    out.append("".join(f"{int(m[5:]):>{BAR}} " for m, *_r in months) + _("ui.glance_month"))
    for key, index, said, style in SERIES:
        values = [row[index] for row in months]
        largest = max(values, default=0)
        levels = [level(v, largest) for v in values]
        for line in (1, 0):  # the top line, then the bottom one
            out.append("\n")
            out.append(_pad(_(key) if line else "", LABEL))
            for n in levels:
                out.append_text(_cell(n - 2 * line, style))
                out.append(" ")
            if line:
                out.append(_("ui.glance_total", total=said(sum(values))))
    return out


class YearBars(Static):
    """Filled by `show()` once the months are read (in a worker, by the screen)."""

    DEFAULT_CSS = "YearBars { height: auto; padding: 0 1; }"

    def show(self, year: int, months: Sequence[tuple[str, int, int, int]]) -> None:
        self.update(bars_text(year, months))
