"""One activity: what, when and where, its participants with their hours, and adding them.

Adding is typing: the volunteers matching the name or pinyin initials typed show at once,
Enter adds the highlighted one (the first unless Up/Down moved it) with the activity's
default hours, and the input stays focused for the next name. Names typed in a burst are
added in the order typed: each Enter queues its name and one write runs at a time.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Sequence

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui_register.domain.records import ParticipationIn, validate
from tui_register.domain.text import clean_paste, display_safe
from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.storage.volunteer_queries import ActivityDetail, ParticipantRow, VolunteerMatch
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.activity_hours import HoursDialog
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.dialogs import ConfirmDialog
from tui_register.ui.screens.volunteers import hours_text, mask_phone, reply
from tui_register.ui.services import volunteers as volunteer_service
from tui_register.ui.text import iso, safe
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest


@dataclass(frozen=True)
class Pending:
    """A name typed and submitted, waiting for its turn to be added."""

    text: str
    chosen: VolunteerMatch | None  # the match highlighted for exactly this text, if shown


def tenths_of(hours: Decimal) -> int:
    return int(hours * 10)


class NameInput(Input):
    """An input whose Enter is taken in turn with the characters typed.

    Input's own Enter is a binding, run only after the key has gone round the app, by
    which time the rest of a burst ("ny⏎smg⏎") is already in the field: here the name is
    taken, and the field emptied, before the next key is read."""

    class Entered(Message):
        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Entered(self.value))
            self.value = ""

    def _on_paste(self, event: events.Paste) -> None:
        # A pasted list of names (a column copied from a sign-in sheet): each line is a name
        # entered, as if typed with Enter after it; the last line stays in the box unless the
        # paste ends with a line break. Escape sequences never come along.
        event.stop()
        event.prevent_default()
        text = clean_paste(event.text)
        *whole, last = text.split("\n")
        for line in whole:
            name = (self.value + line).strip()
            self.value = ""
            if name:
                self.post_message(self.Entered(name))
        self.insert_text_at_cursor(last)


class ParticipantTable(PagedTable[ParticipantRow]):
    """The participants in the order added; Enter edits the hours of one."""

    BINDINGS = bindings_of("participants")

    def __init__(self, activity_uuid: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activity_uuid = activity_uuid

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("vol.col_name"), 12), (_("vol.col_organisation"), 16), (_("vol.col_hours"), 6)]

    def cells(self, row: ParticipantRow) -> Sequence[str]:
        return [display_safe(row.name), display_safe(row.organisation), hours_text(row.tenths).rjust(6)]

    def row_key(self, row: ParticipantRow) -> tuple:
        return row.key()

    def fetch(self, request: PageRequest, limit: int) -> list[ParticipantRow]:
        return volunteer_service.participant_page(self.activity_uuid, after=request.after, before=request.before,
                                         last=request.last, limit=limit)

    def empty_text(self) -> str:
        return _("vol.no_participants")

    def replace_row(self, row: ParticipantRow) -> None:
        """Show a participant's saved change in place, the cursor staying where it is."""
        self.page_rows = [row if r.id == row.id else r for r in self.page_rows]
        self.redraw_rows()


class ActivityDetailScreen(SectionScreen):
    SECTION_KEY = "section.volunteers"
    DEFAULT_CSS = """
    ActivityDetailScreen #activity-summary { height: auto; padding: 0 1; }
    ActivityDetailScreen #add-bar { height: 1; margin-top: 1; }
    ActivityDetailScreen #add-label { width: auto; padding: 0 1; text-style: bold; }
    ActivityDetailScreen #add { width: 1fr; }
    ActivityDetailScreen #matches { height: 5; padding: 0 1; }
    ActivityDetailScreen #activity-status { height: 1; padding: 0 1; }
    """
    BINDINGS = bindings_of("activity")

    def __init__(self, uuid: str) -> None:
        super().__init__()
        self.uuid = uuid
        self.matches: list[VolunteerMatch] = []
        self.matches_for = ""  # the text the matches shown were found for
        self.highlight = 0
        self.queue: deque[Pending] = deque()
        self.adding = False

    def compose_body(self) -> ComposeResult:
        yield Static(id="activity-summary")
        with Horizontal(id="add-bar"):
            yield Label(_("vol.add_label"), id="add-label")
            yield NameInput(placeholder=_("vol.add_placeholder"), id="add", compact=True)
        # A fixed height (the look-up's limit): the list below must not be resized, and so
        # redrawn and read again, on every key typed.
        yield Static(id="matches")
        yield ParticipantTable(self.uuid, id="participants")
        yield Static(id="activity-status")

    def on_mount(self) -> None:
        self.add_input.cursor_blink = False
        self.add_input.focus()
        self._draw_matches()
        self.table.reload()
        self.load()

    @property
    def table(self) -> ParticipantTable:
        return self.query_one(ParticipantTable)

    @property
    def add_input(self) -> NameInput:
        return self.query_one("#add", NameInput)

    # --- the activity ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="detail")
    def load(self) -> None:
        detail = volunteer_service.activity_detail(self.uuid)
        reply(self, self._show, detail)

    def _show(self, detail: ActivityDetail | None) -> None:
        if detail is None:
            self.notify(_("storage.not_found"), severity="error")
            self.dismiss(None)
            return
        self.query_one("#activity-summary", Static).update(summary(detail))

    def action_back(self) -> None:
        if self.add_input.value:
            self.add_input.value = ""
            return
        self.dismiss(None)

    def action_focus_add(self) -> None:
        self.set_focus(self.add_input)

    def _say(self, message: str, problem: bool = False) -> None:
        self.query_one("#activity-status", Static).update(safe(message, "bold" if problem else ""))
        if problem:
            self.notify(message, severity="error")

    # --- matches as the name is typed ------------------------------------------------------

    @on(Input.Changed, "#add")
    def _typed(self, event: Input.Changed) -> None:
        self.highlight = 0
        self._lookup(event.value)

    @work(thread=True, exclusive=True, group="lookup")
    def _lookup(self, text: str) -> None:
        matches = volunteer_service.volunteer_lookup(text, self.uuid) if text.strip() else []
        if not get_current_worker().is_cancelled:
            reply(self, self._show_matches, text, matches)

    def _show_matches(self, text: str, matches: list[VolunteerMatch]) -> None:
        if text != self.add_input.value:
            return  # typed on meanwhile: a newer look-up is coming
        self.matches_for, self.matches = text, matches
        self._draw_matches()

    def _draw_matches(self) -> None:
        typed = self.add_input.value.strip()
        if not self.matches:
            # Nothing typed: how to go on; typed but nobody matches: said before Enter is pressed.
            hint = _("vol.no_match", text=typed) if typed else _("vol.add_hint")
            self.query_one("#matches", Static).update(safe(hint))
            return
        lines = Text(no_wrap=True, overflow="crop")
        for i, match in enumerate(self.matches):
            line = Text.assemble("> " if i == self.highlight else "  ", safe(match.name), "  ",
                                 safe(match.organisation), "  ", safe(mask_phone(match.phone)))
            if match.taking_part:
                line.append("  " + _("vol.taking_part"))
            if i == self.highlight:
                line.stylize("reverse")
            lines.append_text(line)
            if i < len(self.matches) - 1:
                lines.append("\n")
        self.query_one("#matches", Static).update(lines)

    def _move_highlight(self, step: int) -> None:
        if self.focused is self.add_input and self.matches:
            self.highlight = (self.highlight + step) % len(self.matches)
            self._draw_matches()
        elif self.focused is self.add_input and step > 0:
            self.table.focus()

    def action_next_match(self) -> None:
        self._move_highlight(1)

    def action_previous_match(self) -> None:
        self._move_highlight(-1)

    # --- adding, in the order typed -----------------------------------------------------------

    @on(NameInput.Entered)
    def _entered(self, event: NameInput.Entered) -> None:
        text = event.value.strip()
        if not text:
            self.table.focus()
            return
        fresh = self.matches_for == event.value and self.matches
        self.queue.append(Pending(text, self.matches[self.highlight] if fresh else None))
        self.matches = []
        self._draw_matches()
        if not self.adding:
            self._next()

    def _next(self) -> None:
        self.adding = bool(self.queue)
        if self.queue:
            pending = self.queue.popleft()
            self._add(pending.text, pending.chosen, None)

    @work(thread=True, group="add")
    def _add(self, text: str, chosen: VolunteerMatch | None, hours: Decimal | None) -> None:
        """Find the volunteer (when the matches shown were older than the text), then add
        with the activity's default hours; without a default, ask for the hours first."""
        match = chosen or next(iter(volunteer_service.volunteer_lookup(text, self.uuid, limit=1)), None)
        if match is None:
            reply(self, self._added, _("vol.no_match", text=text), True)
            return
        if hours is None:
            detail = volunteer_service.activity_detail(self.uuid)
            tenths = detail.activity.default_hours_tenths if detail else 0
            if not tenths:
                reply(self, self._ask_hours, match)
                return
            hours = Decimal(tenths) / 10
        data = validate(ParticipationIn, {"activity": self.uuid, "volunteer": match.uuid, "hours": hours})
        try:
            volunteer_service.add_participation(self.app.user, data)
        except StorageProblem as err:
            reply(self, self._added, err.message(), True)
            return
        reply(self, self._added, _("vol.added", name=match.name, hours=hours_text(tenths_of(hours))))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An add that failed unexpectedly (the app reports it) must not hold up the names after it.
        if event.worker.group == "add" and event.state == WorkerState.ERROR:
            self._next()

    def _ask_hours(self, match: VolunteerMatch) -> None:
        def answered(hours: Decimal | None) -> None:
            if hours is None:
                self._next()
            else:
                self._add(match.name, match, hours)

        self.app.push_screen(HoursDialog(match.name), answered)

    def _added(self, message: str, problem: bool = False) -> None:
        self._say(message, problem)
        if not problem:
            self.table.action_last_page()  # the newest participant is last: show it, cursor on it
            self.load()
        self._next()

    # --- one participant's hours ---------------------------------------------------------

    def action_edit_hours(self) -> None:
        if self.table.current is not None:
            self._ask_new_hours(self.table.current)

    @on(ParticipantTable.Chosen)
    def _chosen(self, event: ParticipantTable.Chosen) -> None:
        self._ask_new_hours(event.row)

    def _ask_new_hours(self, row: ParticipantRow) -> None:
        def answered(hours: Decimal | None) -> None:
            if hours is not None:
                self._set_hours(row, hours)

        self.app.push_screen(HoursDialog(row.name, hours_text(row.tenths)), answered)

    @work(thread=True, group="participant")
    def _set_hours(self, row: ParticipantRow, hours: Decimal) -> None:
        try:
            saved = volunteer_service.set_participation_hours(self.app.user, row.uuid, row.version, hours)
        except StorageProblem as err:
            reply(self, self._refused, err.message())
            return
        reply(self, self._hours_set, replace(row, version=saved.version, tenths=saved.hours_tenths))

    def _hours_set(self, row: ParticipantRow) -> None:
        self.table.replace_row(row)
        self._say(_("vol.hours_set", name=row.name, hours=hours_text(row.tenths)))
        self.load()

    def _refused(self, message: str) -> None:
        self._say(message, problem=True)
        self.table.reload()  # as saved now: a conflict means someone else changed the participant

    # --- removing a participant added by mistake (voided, never deleted) -------------------

    def action_remove(self) -> None:
        row = self.table.current
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(row)

        self.app.push_screen(ConfirmDialog(_("vol.remove_question", name=row.name)), answered)

    @work(thread=True, group="participant")
    def _remove(self, row: ParticipantRow) -> None:
        try:
            volunteer_service.void_participation(self.app.user, row.uuid, row.version)
        except StorageProblem as err:
            reply(self, self._refused, err.message())
            return
        reply(self, self._removed, row)

    def _removed(self, row: ParticipantRow) -> None:
        self._say(_("vol.removed", name=row.name))
        self.table.reload()
        self.load()


def summary(detail: ActivityDetail) -> Text:
    """Date and title; kind, venue, organiser, partner unit (those given); hours and totals."""
    a = detail.activity
    text = Text.assemble((iso(a.activity_date) + "  ", "bold"), safe(a.title, "bold"), "\n")
    text.no_wrap, text.overflow = True, "crop"
    given = [(key_, value) for key_, value in (("vol.kind", a.kind), ("vol.place", a.place),
                                               ("vol.organiser", a.organiser), ("vol.partner_unit", a.partner_unit))
             if value]
    for key_, value in given:
        text.append_text(Text.assemble((_(key_) + ":", "bold"), safe(value), "  "))
    default = _("vol.hours_unit", hours=hours_text(a.default_hours_tenths)) if a.default_hours_tenths else _("ui.none")
    text.append_text(Text.assemble("\n" if given else "", (_("vol.default_hours") + ":", "bold"), default, "  ",
                                   _("vol.activity_totals", n=detail.participants, hours=hours_text(detail.tenths))))
    if a.notes:
        text.append_text(Text.assemble("\n", (_("vol.notes") + ":", "bold"), safe(a.notes)))
    return text
