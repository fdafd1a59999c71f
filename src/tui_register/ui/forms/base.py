"""The form every record is entered through.

Keyboard only: Tab / Shift+Tab between fields, Ctrl+S saves, Esc cancels (asking first
when something was typed). Validation is the domain layer's (`domain.records.validate`):
a field's problem is shown next to it when the user leaves it, and every problem again on
save; nothing typed is ever thrown away by a failed save. A save based on a version someone
else has changed meanwhile offers reload or compare (`ConflictDialog`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.fields import parse_date
from tui_register.domain.records import validate
from tui_register.i18n import _
from tui_register.storage.core import ConflictError, StorageProblem
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.screens.dialogs import CompareDialog, ConfirmDialog, ConflictDialog
from tui_register.ui.screens.picker import PickerSelect
from tui_register.ui.state import SessionState
from tui_register.ui.text import field_label, safe
from tui_register.ui.widgets.line_input import LineInput, LinesArea

# One-line fields whose value is a single token (a name, an ID number, a date, an amount):
# a paste of several lines is refused there, joining them would make a wrong value that
# looks right. Other one-line fields (an address, a reason) join the lines with a space.
STRICT_FIELD_ENDINGS = ("name", "id_number", "phone", "date", "due", "cash", "amount", "budget", "hours")


def joins_pasted_lines(field_name: str) -> bool:
    return not field_name.endswith(STRICT_FIELD_ENDINGS)


@dataclass(frozen=True)
class Field:
    name: str  # the input model's field name
    label: str  # message key
    kind: str = "text"  # text / date / select / multiline
    # select: (label, value), given the app's SessionState (where the places are)
    options: Callable[[SessionState], list[tuple[str, str]]] | None = None
    placeholder: str = ""  # message key
    suggestions: str | None = None  # the name of a remembered list in app.state (Right accepts one)


@dataclass
class SaveResult:
    uuid: str | None = None
    error: str | None = None
    conflict: ConflictError | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class FormScreen(Screen[str | None]):
    """Subclasses set MODEL, FIELDS and FORM_TITLE and implement `persist(data)`."""

    MODEL: type = object
    FIELDS: tuple[Field, ...] = ()
    FORM_TITLE = ""
    BINDINGS = bindings_of("form")
    # The first field has the focus as the form opens, never its scroll container: keys typed
    # ahead wait for the focus (`RegisterApp.on_event`) and must land in a field.
    AUTO_FOCUS = "Input, Select, TextArea"

    def __init__(self, initial: dict[str, str] | None = None, *, base_version: int | None = None,
                 record_uuid: str | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.initial = {f.name: "" for f in self.FIELDS} | (initial or {})
        self.base_version = base_version
        self.record_uuid = record_uuid
        self.accept: set[str] = set()
        self.saving = False

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_(self.FORM_TITLE), id="form-title")
        with VerticalScroll(id="form"):
            for f in self.FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(field_label(f.label), classes="form-label")
                    yield self._widget(f)
                yield Static("", id=f"err-{f.name}", classes="form-error")
        yield Static("", id="form-status")
        yield Footer(compact=True, show_command_palette=False)

    def _widget(self, f: Field):
        value = self.initial.get(f.name, "")
        if f.kind == "select":
            options = f.options(self.app.state) if f.options else []
            # Many choices (43 places) are searched by name or initials in a picker.
            return PickerSelect(options, value=value if value in {v for _l, v in options} else Select.NULL,
                                id=f"f-{f.name}", compact=True, prompt=_("ui.choose"), type_to_search=True,
                                title=field_label(f.label))
        if f.kind == "multiline":
            area = LinesArea(value, id=f"f-{f.name}", compact=True, show_line_numbers=False, tab_behavior="focus")
            area.cursor_blink = False
            return area
        suggester = (SuggestFromList(self.app.state.choices(f.suggestions), case_sensitive=False)
                     if f.suggestions else None)
        widget = LineInput(value, id=f"f-{f.name}", compact=True, suggester=suggester,
                           placeholder=_(f.placeholder) if f.placeholder else "",
                           join_lines=joins_pasted_lines(f.name))
        widget.cursor_blink = False
        return widget

    def on_mount(self) -> None:
        if self.FIELDS:
            self.query_one(f"#f-{self.FIELDS[0].name}").focus()

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    # --- values ---------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.FIELDS:
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, Select):
                out[f.name] = "" if widget.value is Select.NULL or widget.value is None else str(widget.value)
            elif isinstance(widget, TextArea):
                out[f.name] = widget.text
            else:
                out[f.name] = widget.value
        return out

    def set_value(self, name: str, value: str) -> None:
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            widget.value = value if value else Select.NULL
        elif isinstance(widget, TextArea):
            widget.text = value
        else:
            widget.value = value

    @property
    def dirty(self) -> bool:
        return self.values() != {k: self.initial.get(k, "") for k in self.values()}

    def fixed(self) -> dict[str, Any]:
        """Values the user does not type (the household a member joins)."""
        return {}

    def check(self) -> tuple[Any | None, InputError | None]:
        data = {**self.values(), **self.fixed()}
        try:
            return validate(self.MODEL, data, accept=self.accept, today=self.app.today()), None
        except InputError as err:
            return None, err

    # --- validation next to the field -----------------------------------------------------

    def show_errors(self, err: InputError | None, only: str | None = None) -> None:
        for f in self.FIELDS:
            if only is not None and f.name != only:
                continue
            # The problem alone: the field's own label stands just above it.
            problems = [e.problem() for e in (err.errors if err else []) if e.field == f.name]
            line = self.query_one(f"#err-{f.name}", Static)
            line.update(safe("  ".join(problems), "bold"))
            line.set_class(bool(problems), "-shown")

    @on(LineInput.PasteRefused)
    def _paste_refused(self, event: LineInput.PasteRefused) -> None:
        # Said under the field; what it held stays as it was, for the user to go on.
        name = (event.field.id or "")[2:]
        spec = next((f for f in self.FIELDS if f.name == name), None)
        if spec is None:
            return
        line = self.query_one(f"#err-{name}", Static)
        line.update(safe(_("ui.paste_refused", field=field_label(spec.label), lines=event.lines), "bold"))
        line.set_class(True, "-shown")

    @on(Input.Blurred)
    def _left_input(self, event: Input.Blurred) -> None:
        self._left(event.input.id)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self._left(event.select.id)

    def _left(self, widget_id: str | None) -> None:
        if not widget_id or not widget_id.startswith("f-") or not self.is_mounted:
            return
        name = widget_id[2:]
        self._normalise_date(name)
        model, err = self.check()
        self.show_errors(err, only=name)
        self.field_left(name, model)

    def _normalise_date(self, name: str) -> None:
        """`t`, `-3`, 2024年1月31日 … become 2024-01-31 as the user leaves the field."""
        spec = next((f for f in self.FIELDS if f.name == name), None)
        if spec is None or spec.kind != "date":
            return
        text = self.values()[name].strip()
        try:
            day = parse_date(text, field=name, today=self.app.today()) if text else None
        except FieldError:
            return  # the problem is shown next to the field
        if day is not None and day.isoformat() != text:
            self.set_value(name, day.isoformat())

    def field_left(self, name: str, model: Any | None) -> None:
        """Hook: fill other fields from this one (an ID number gives birth date and sex)."""

    # --- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        model, err = self.check()
        self.show_errors(err)
        if err is not None:
            if err.warnings_only:
                self._confirm_warnings(err)
            else:
                self.query_one("#form-status", Static).update(_("ui.form_has_errors", n=len(err.errors)))
            return
        self.before_save(model, lambda: self._persist(model))

    def before_save(self, model: Any, go: Callable[[], None]) -> None:
        """Hook: ask about possible duplicates first."""
        go()

    def _confirm_warnings(self, err: InputError) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.accept |= {_warning_accept(e.code) for e in err.errors}
                self.action_save()

        self.app.push_screen(ConfirmDialog(_("ui.accept_warning"), "\n".join(e.message() for e in err.errors)),
                             answered)

    @work(thread=True, exclusive=True, group="save")
    def _persist(self, model: Any) -> None:
        self.saving = True
        try:
            result = SaveResult(uuid=self.persist(model))
        except ConflictError as conflict:
            result = SaveResult(conflict=conflict)
        except StorageProblem as problem:
            result = SaveResult(error=problem.message())
        finally:
            self.saving = False
        self.app.call_from_thread(self._saved, result)

    def persist(self, model: Any) -> str:
        """Write the record (called in a worker thread); returns its UUID."""
        raise NotImplementedError

    def _saved(self, result: SaveResult) -> None:
        if result.conflict is not None:
            self.app.push_screen(ConflictDialog(result.conflict.message()),
                                 lambda choice: self._resolve_conflict(choice, result.conflict))
        elif result.error:
            self.query_one("#form-status", Static).update(safe(result.error, "bold"))
            self.notify(result.error, severity="error")
        else:
            self.initial = self.values()
            self.notify(_("ui.saved"))
            self.dismiss(result.uuid)

    # --- conflicts ------------------------------------------------------------------------

    def current_values(self) -> tuple[dict[str, str], int] | None:
        """Hook: the record as saved now (form values) and its version."""
        return None

    def _resolve_conflict(self, choice: str | None, conflict: ConflictError) -> None:
        if choice == "reload":
            self._fetch_current(lambda current: self._reload(current))
        elif choice == "compare":
            self._fetch_current(lambda current: self._compare(current))

    @work(thread=True, group="current")
    def _fetch_current(self, then: Callable[[tuple[dict[str, str], int] | None], None]) -> None:
        current = self.current_values()
        self.app.call_from_thread(then, current)

    def _reload(self, current: tuple[dict[str, str], int] | None) -> None:
        if current is None:
            return
        values, version = current
        for name, value in values.items():
            self.set_value(name, value)
        self.initial = self.values()
        self.base_version = version
        self.notify(_("ui.reloaded"))

    def _compare(self, current: tuple[dict[str, str], int] | None) -> None:
        if current is None:
            return
        theirs, version = current
        mine = self.values()
        state = self.app.state
        rows = [(field_label(f.label), _shown(f, mine.get(f.name, ""), state), _shown(f, theirs.get(f.name, ""), state))
                for f in self.FIELDS]

        def chosen(keep_mine: bool | None) -> None:
            if keep_mine:
                self._merge(theirs, version)

        self.app.push_screen(CompareDialog(rows), chosen)

    def _merge(self, theirs: dict[str, str], version: int) -> None:
        """Keep mine, three-way: the fields this user changed since the form was opened (or
        reloaded) keep their typing; every other field takes what the other person saved, so
        that their changes are not silently undone. The form is then based on their version."""
        mine = self.values()
        for f in self.FIELDS:
            untouched = mine.get(f.name, "") == self.initial.get(f.name, "")
            if untouched and f.name in theirs and theirs[f.name] != mine.get(f.name, ""):
                self.set_value(f.name, theirs[f.name])
        self.initial = {**self.initial, **theirs}
        self.base_version = version
        self.notify(_("ui.save_over_theirs"))

    # --- leaving --------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmDialog(_("ui.discard_changes")),
                             lambda yes: self.dismiss(None) if yes else None)


def _shown(f: Field, value: str, state: SessionState) -> str:
    """A value as the form shows it: a select's label (a place's path, 男, 配偶), not its code."""
    if f.kind == "select" and value and f.options:
        return next((label for label, code in f.options(state) if code == value), value)
    return value


def _warning_accept(code: str) -> str:
    """The `accept` token of a warning code (id_region_unknown -> id_region)."""
    return {"id_region_unknown": "id_region"}.get(code, code)
