"""What one running app remembers between screens: the places offered in select fields,
the entries offered again in text fields (goods, visitors, the volunteer forms' entries),
and the last count of changes waiting for the sync (the header shows it).

`RegisterApp` creates one `SessionState` and screens reach it as `self.app.state`: two apps
in one process (tests, a second window) never see each other's choices. Change it only on
the event loop (workers hand their results over with `call_from_thread`).
"""

from __future__ import annotations

from typing import Iterable

from tui_register.progress import Throttle

PENDING_EVERY_S = 10.0  # on a never-synced register the count reads the whole change log

# Entries offered before the register's own are read (Right takes one), most used first.
DEFAULT_CHOICES: dict[str, tuple[str, ...]] = {
    "goods": ("大米", "食用油", "大米、食用油", "水果", "慰问卡", "牛奶", "棉被"),
    "visitors": (),
    "organisation": ("团员青年", "妇联", "网格队", "党员志愿者", "退休干部", "巾帼志愿队"),
    "kind": ("拥军", "为老", "助残", "宣传", "环境"),
    "place": (),
    "organiser": (),
    "partner_unit": (),
}


class SessionState:
    def __init__(self) -> None:
        self.places: list[tuple[str, str]] = []  # (label, uuid), villages and grids
        self.last_visitors = ""  # put in the next visit form
        self._choices = {name: list(values) for name, values in DEFAULT_CHOICES.items()}
        self.pending_count: int | None = None  # changes waiting for the sync, as last counted
        self.pending_throttle = Throttle(PENDING_EVERY_S)

    def set_places(self, places: list[tuple[str, str]]) -> None:
        self.places = list(places)

    def choices(self, name: str) -> list[str]:
        """The remembered entries of a text field, most used first."""
        return list(self._choices[name])

    def remember(self, found: dict[str, Iterable[str]]) -> None:
        """Put the entries first in their field's choices, without repeats or blanks."""
        for name, values in found.items():
            self._choices[name] = list(dict.fromkeys([*(v for v in values if v), *self._choices[name]]))
