"""The lists of the visit register: visits, campaigns, a campaign's checklist, the due list."""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Sequence

from rich.cells import cell_len
from textual import events

from tui_register.domain.categories import category_by_code, label
from tui_register.domain.fields import format_money
from tui_register.domain.ids import mask_id
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.visit_queries import (
    CampaignProgress,
    DueItem,
    TargetRow,
    TargetVisit,
    VisitFilter,
    VisitRow,
)
from tui_register.ui.services import visits as visit_service
from tui_register.ui.text import iso, village_of
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest


def money(fen: int) -> str:
    return format_money(fen) if fen else ""


class VisitTable(PagedTable[VisitRow]):
    """Visits, newest first, under a filter."""

    SUPPORTS_LAST = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.filter = VisitFilter()

    def reload(self, flt: VisitFilter | None = None) -> None:
        if flt is not None:
            self.filter = flt
        super().reload()

    def columns(self) -> Sequence[tuple[str, int]]:
        wide = self.size.width >= 100
        cols = [(_("ui.col_date"), 10), (_("ui.col_head"), 8), (_("ui.col_village"), 8),
                (_("ui.col_purpose"), 8), (_("ui.col_cash"), 10), (_("ui.col_visitors"), 14 if not wide else 20)]
        if wide:
            cols += [(_("ui.col_goods"), 16), (_("ui.col_campaign"), 20)]
        return cols

    def cells(self, row: VisitRow) -> Sequence[str]:
        purpose = label("purpose", row.purpose) + (_("ui.voided_mark") if row.status == "voided" else "")
        # An attempt (未遇) gave nothing: its cash column says so.
        cash = _("ui.mark_not_reached") if row.outcome == "not_reached" else money(row.cash_fen)
        cells = [iso(row.visit_date), display_safe(row.head_name), display_safe(village_of(row.place_path)),
                 purpose, " " * max(0, 10 - cell_len(cash)) + cash, display_safe(row.visitors)]
        if self.size.width >= 100:
            cells += [display_safe(row.goods), display_safe(row.campaign_name)]
        return cells

    def row_key(self, row: VisitRow) -> tuple:
        return row.key()

    def key_past_end(self) -> tuple:
        return ("", 0)  # before every date (newest first): `before` it is the oldest page

    def key_before(self, row: VisitRow) -> tuple:
        day, vid = row.key()
        return (day, vid + 1)  # newest first: "before" is the next id up

    def fetch(self, request: PageRequest, limit: int) -> list[VisitRow]:
        return visit_service.visit_page(self.filter, after=request.after, before=request.before, limit=limit)

    def empty_text(self) -> str:
        return _("ui.no_visits")


class CampaignTable(PagedTable[CampaignProgress]):
    """Campaigns, newest first, with their progress (a short list: read whole)."""

    SUPPORTS_LAST = False

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("ui.col_campaign"), 26), (_("ui.col_dates"), 21), (_("ui.col_progress"), 11),
                (_("ui.col_cash"), 14)]

    def cells(self, row: CampaignProgress) -> Sequence[str]:
        c = row.campaign
        return [display_safe(c.name), f"{iso(c.start_date)}~{iso(c.end_date)}",
                f"{row.visited}/{row.targets}", money(row.cash_fen).rjust(14)]

    def row_key(self, row: CampaignProgress) -> Any:
        return row.campaign.id

    def fetch(self, request: PageRequest, limit: int) -> list[CampaignProgress]:
        if request.after is not None or request.before is not None:
            return []  # the whole list is on the first page
        return visit_service.campaigns()

    def empty_text(self) -> str:
        return _("ui.no_campaigns")


class TargetTable(PagedTable[TargetRow]):
    """A campaign's checklist: [x] visited, [ ] not yet, 未遇 not reached (still open).

    Keys typed ahead must act as if typed slowly: while a page is being read (after the cursor
    moved past the last row), movement and the screen's row actions wait in `pending` and run,
    in order, when the page is there.
    """

    def __init__(self, campaign_uuid: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.campaign_uuid = campaign_uuid
        self.text = ""
        self.reading = False
        self.pending: deque[Callable[[], None]] = deque()
        self._acting = False
        self._latest: PageRequest | None = None
        self._page_height = 0

    def on_resize(self, event: events.Resize) -> None:
        # Only a new height is a new page size: coming back from a form must not lose the cursor.
        if event.size.height == self._page_height and self.page_rows:
            event.prevent_default()
        self._page_height = event.size.height

    def reload(self, text: str | None = None) -> None:
        if text is not None:
            self.text = text
        super().reload()

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("ui.col_done"), 4), (_("ui.col_head"), 8), (_("ui.col_id"), 18), (_("ui.col_village"), 8),
                (_("ui.col_categories"), 10), (_("ui.col_cash"), 10), (_("ui.col_date"), 10)]

    def cells(self, row: TargetRow) -> Sequence[str]:
        cats = " ".join(category_by_code(c).short() for c in row.category_codes)
        return [self.mark(row), display_safe(row.head_name),
                mask_id(row.head_id_number) if row.head_id_number else "",
                display_safe(village_of(row.place_path)), cats, money(row.cash_fen).rjust(10), iso(row.visit_date)]

    @staticmethod
    def mark(row: TargetRow) -> str:
        if row.visit_date is not None:
            return _("ui.mark_proxy") if row.outcome == "proxy" else "[x]"
        return _("ui.mark_not_reached") if row.outcome == "not_reached" else "[ ]"

    def row_key(self, row: TargetRow) -> tuple:
        return row.sort_key

    def key_before(self, row: TargetRow) -> tuple:
        path, sort, hid = row.sort_key
        return (path, sort, hid - 1)  # ids are whole numbers: nothing lies between

    def fetch(self, request: PageRequest, limit: int) -> list[TargetRow]:
        return visit_service.campaign_targets(self.campaign_uuid, self.text, after=request.after,
                                              before=request.before, last=request.last, limit=limit)

    def mark_visited(self, index: int, when: date | None, cash_fen: int) -> None:
        """Show a row as visited at once (its save is queued)."""
        outcome = "visited" if when else self.page_rows[index].outcome
        self.page_rows[index] = replace(self.page_rows[index], visit_date=when, cash_fen=cash_fen, outcome=outcome)
        self.redraw_rows()

    def show_visit(self, household_uuid: str, visit: TargetVisit | None, outcome: str = "") -> None:
        """The saved campaign visit of a household's row (or none), if the row is still shown."""
        for index, row in enumerate(self.page_rows):
            if row.household_uuid == household_uuid:
                self.page_rows[index] = replace(
                    row, visit=visit, visit_date=visit.visit_date if visit else None,
                    cash_fen=visit.cash_fen if visit else 0, outcome=visit.outcome if visit else outcome)
                self.redraw_rows()

    def empty_text(self) -> str:
        return _("ui.no_targets")

    # --- keys typed ahead while a page is read ---------------------------------------------------

    def when_ready(self, action: Callable[[], None]) -> None:
        """Run `action` now, or after the page being read (and the actions before it). Called
        from inside an action, it runs at once: that action is the one whose turn it is."""
        if self._acting or not (self.reading or self.pending):
            self._act(action)
        else:
            self.pending.append(action)

    def _act(self, action: Callable[[], None]) -> None:
        outer, self._acting = self._acting, True
        try:
            action()
        finally:
            self._acting = outer

    def step_down(self) -> None:
        """The cursor to the next row, or the next page's first (when this page is full)."""
        if self.cursor_row < len(self.page_rows) - 1:
            self.cursor_row += 1
        elif len(self.page_rows) >= self.page_size:
            self.when_ready(super().action_next_page)

    def _load(self, request: PageRequest) -> None:  # type: ignore[override]
        self.reading = True
        self._latest = request
        super()._load(request)

    def _show(self, rows: list[TargetRow], request: PageRequest, number: int = 0) -> None:
        if request is not self._latest:
            return  # an older read that finished anyway: the newer one decides the page
        self.reading = False
        super()._show(rows, request, number)
        while self.pending and not self.reading:
            self._act(self.pending.popleft())

    def action_cursor_down(self) -> None:
        self.when_ready(super().action_cursor_down)

    def action_cursor_up(self) -> None:
        self.when_ready(super().action_cursor_up)

    def action_next_page(self) -> None:
        self.when_ready(super().action_next_page)

    def action_previous_page(self) -> None:
        self.when_ready(super().action_previous_page)

    def action_first_page(self) -> None:
        self.when_ready(super().action_first_page)

    def action_last_page(self) -> None:
        self.when_ready(super().action_last_page)

    def action_open(self) -> None:
        self.when_ready(super().action_open)


class DueTable(PagedTable[DueItem]):
    """Follow-ups and periodic visits due, most overdue first; overdue rows say so in words."""

    SUPPORTS_LAST = False

    def __init__(self, today: date, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = today
        self.items: list[DueItem] = []

    def set_items(self, items: list[DueItem]) -> None:
        self.items = items
        self.reload()

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("ui.col_due"), 10), (_("ui.col_overdue"), 6), (_("ui.col_head"), 8), (_("ui.col_village"), 8),
                (_("ui.col_kind"), 10), (_("ui.col_what"), 28)]

    def cells(self, row: DueItem) -> Sequence[str]:
        overdue = _("ui.overdue_mark") if row.overdue(self.today) else ""
        what = row.what if row.kind == "follow_up" else category_by_code(row.what).short()
        return [iso(row.due), overdue, display_safe(row.head_name), display_safe(village_of(row.place_path)),
                _("due." + row.kind), display_safe(what)]

    def row_key(self, row: DueItem) -> int:
        return self.items.index(row)

    def fetch(self, request: PageRequest, limit: int) -> list[DueItem]:
        # The due list is read whole by the screen (it is bounded); this pages through it.
        start = 0 if request.after is None else request.after + 1
        if request.before is not None:
            start = max(0, request.before - limit)
        return self.items[start:start + limit]

    def empty_text(self) -> str:
        return _("ui.nothing_due")
