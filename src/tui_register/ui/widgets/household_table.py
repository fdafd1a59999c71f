"""The household list: a `PagedTable` of households under a filter and a sort order."""

from __future__ import annotations

from typing import Sequence

from rich.cells import cell_len

from tui_register.domain.categories import category_by_code
from tui_register.domain.ids import mask_id
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.household_queries import HouseholdFilter, HouseholdRow
from tui_register.ui.services import households as household_service
from tui_register.ui.text import iso, village_of
from tui_register.ui.widgets.paged_table import MARK, PagedTable, PageRequest

WIDE = 100  # from this width on, the address and status columns are shown too
NAME = 8  # cells of the head column; wider (up to the room left) for a member a search found


class HouseholdTable(PagedTable[HouseholdRow]):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filter = HouseholdFilter()
        self.list_sort = "place"

    def reload(self, flt: HouseholdFilter | None = None, sort: str | None = None) -> None:
        if flt is not None:
            self.filter = flt
        if sort is not None:
            self.list_sort = sort
        super().reload()

    def columns(self) -> Sequence[tuple[str, int]]:
        wide = self.size.width >= WIDE
        cols = [(_("ui.col_head"), NAME), (_("ui.col_id"), 18), (_("ui.col_village"), 10),
                (_("ui.col_categories"), 22 if wide else 14), (_("ui.col_persons"), 4),
                (_("ui.col_last_visit"), 10)]
        if wide:
            cols += [(_("ui.col_address"), 24), (_("ui.col_status"), 6)]
        if any(row.matched_name for row in self.page_rows):
            # The room the columns leave on the line goes to the names of the members found.
            room = self.size.width - MARK - sum(w for _l, w in cols) - (len(cols) - 1)
            needed = max(cell_len(self.name_text(row)) for row in self.page_rows)
            cols[0] = (cols[0][0], max(NAME, min(needed, NAME + room)))
        return cols

    def name_text(self, row: HouseholdRow) -> str:
        """The head's name; with the member a search found (侯勇伟（侯静）) when not the head."""
        head = display_safe(row.head_name) or _("ui.no_head")
        if row.matched_name:
            return _("ui.head_with_match", head=head, member=display_safe(row.matched_name))
        return head

    def cells(self, row: HouseholdRow) -> Sequence[str]:
        cats = " ".join(category_by_code(c).short() for c in row.category_codes)
        cells = [self.name_text(row),
                 mask_id(row.head_id_number) if row.head_id_number else "",
                 display_safe(village_of(row.place_path)), cats, str(row.member_count).rjust(4),
                 iso(row.last_visit)]
        if self.size.width >= WIDE:
            cells += [display_safe(row.address), _("status." + row.status)]
        return cells

    def row_key(self, row: HouseholdRow) -> tuple:
        return row.key(self.list_sort)

    def key_before(self, row: HouseholdRow) -> tuple:
        *rest, hid = row.key(self.list_sort)
        # Ascending sorts end with the id; the last-visit sort is descending.
        return (*rest, hid + 1 if self.list_sort == "last_visit" else hid - 1)

    def fetch(self, request: PageRequest, limit: int) -> list[HouseholdRow]:
        return household_service.page(self.filter, self.list_sort, after=request.after, before=request.before,
                             last=request.last, limit=limit)

    def empty_text(self) -> str:
        return _("ui.no_households")
