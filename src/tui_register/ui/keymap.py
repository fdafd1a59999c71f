"""Every key binding of the interface, in one registry (plain data: no Textual here).

An entry is a binding id (what `[ui.keys]` remaps), its default keys, the action it runs,
its description (a message key) and its group: the screen or widget that holds it, or `app`
for the keys that work everywhere. Screens take their BINDINGS from here
(`ui.bindings.bindings_of(group)`), the help screen and the command palette read the
descriptions and the order from here, the configuration's `[ui.keys]` is checked against it
when the interface starts, and the key table in ARCHITECTURE.md is generated from it
(`python -m tui_register.ui.keymap --write`; a test fails when the two differ).
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str  # Textual key names, comma-separated
    action: str
    description: str  # message key
    group: str
    show: bool = True  # in the footer (the help lists every key)
    priority: bool = False  # before the focused widget sees it (keys that move the focus)


# group -> where its keys work (English, for the key table in ARCHITECTURE.md).
GROUPS: dict[str, str] = {
    "app": "everywhere",
    "list": "every list",
    "search": "every searchable list (households, volunteers, a campaign's checklist, a payment round)",
    "households": "household list",
    "detail": "one household",
    "form": "every form",
    "filter": "household filter dialog",
    "visits": "visit list",
    "visit_filter": "visit filter dialog",
    "campaigns": "campaign list",
    "checklist": "a campaign's checklist",
    "due": "due list",
    "reports": "Reports section",
    "import": "roster import",
    "sync": "Sync section",
    "payments": "Payments section (the rounds)",
    "payment_round": "one payment round (its lines)",
    "payment_results": "a round's result file",
    "standards": "payment standards (from the rounds)",
    "volunteers": "volunteer list",
    "volunteer": "one volunteer",
    "activities": "activity list",
    "activity": "one activity",
    "participants": "an activity's participant list",
    "hours": "hours dialog",
    "picker": "household picker",
    "choice": "choice picker (places, categories, campaigns)",
    "confirm": "yes/no question",
    "conflict": "conflict dialog",
    "compare": "compare dialog",
    "help": "help screen",
}

# (section, its group, the groups of the screens inside it): the palette finds a section
# by the names of its own commands too ("导出" finds the Reports section).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("households", ("households", "detail")),
    ("visits", ("visits", "campaigns", "checklist", "due")),
    ("volunteers", ("volunteers", "activities", "activity", "volunteer")),
    ("reports", ("reports", "import")),
    ("sync", ("sync",)),
    ("payments", ("payments", "payment_round", "payment_results", "standards")),
)


def _section_keys() -> list[KeySpec]:
    return [KeySpec(f"app.section_{name}", f"{i + 1},f{i + 2}", f"section('{name}')", f"key.section_{name}",
                    "app", show=False) for i, (name, _groups) in enumerate(SECTIONS)]


K = KeySpec
KEYS: tuple[KeySpec, ...] = (
    *_section_keys(),
    K("app.help", "question_mark,f1", "help", "key.help", "app"),
    K("app.quit", "q", "quit", "key.quit", "app"),
    K("app.quit_anywhere", "ctrl+q", "quit", "key.quit", "app", show=False, priority=True),
    K("app.palette", "ctrl+p", "command_palette", "key.palette", "app", show=False),
    # Every list (PagedTable).
    K("list.down", "down,j", "cursor_down", "key.down", "list", show=False),
    K("list.up", "up,k", "cursor_up", "key.up", "list", show=False),
    K("list.first", "g,home", "first_page", "key.first", "list", show=False),
    K("list.last", "G,end", "last_page", "key.last", "list", show=False),
    K("list.next_page", "pagedown", "next_page", "key.next_page", "list", show=False),
    K("list.previous_page", "pageup", "previous_page", "key.previous_page", "list", show=False),
    K("list.open", "enter", "open", "key.open", "list"),
    # Priority: the focus has moved before the next keys of a fast burst ("/zs") arrive.
    K("search.focus", "slash", "focus_search", "key.search", "search", priority=True),
    K("search.clear", "escape", "clear_search", "key.clear", "search", show=False),
    # As the focus key: the focus moves to the list at once and the list holds the keys after it.
    K("search.submit", "enter", "submit_search", "key.open", "search", show=False, priority=True),
    K("households.new", "n", "new_household", "key.new", "households"),
    K("households.filter", "f", "filter", "key.filter", "households"),
    K("households.sort", "s", "next_sort", "key.sort", "households"),
    K("detail.back", "escape", "back", "key.back", "detail"),
    K("detail.edit", "e", "edit", "key.edit", "detail"),
    K("detail.add_member", "a", "add_member", "key.add_member", "detail"),
    # Less frequent keys stay out of the footer (80 columns): `?` and Ctrl+P list them.
    K("detail.add_category", "c", "add_category", "key.add_category", "detail", show=False),
    K("detail.end_category", "x", "end_category", "key.end_category", "detail", show=False),
    K("detail.repair_stage", "p", "repair_stage", "key.repair_stage", "detail", show=False),
    K("detail.check_outcome", "o", "check_outcome", "key.check_outcome", "detail", show=False),
    K("detail.status", "d", "status", "key.status", "detail"),
    K("detail.member_status", "m", "member_status", "key.member_status", "detail", show=False),
    K("detail.visit", "v", "visit", "key.log_visit", "detail"),
    K("detail.reveal", "r", "reveal", "key.reveal", "detail"),
    K("detail.account", "b", "account", "key.account", "detail", show=False),
    # Out of the 80-column footer (it would push `? Help` off), listed by `?` and Ctrl+P.
    K("detail.history", "h", "history", "key.history", "detail", show=False),
    # Not priority: Save waits behind the characters typed before it (a burst ending in ^S).
    K("form.save", "ctrl+s", "save", "key.save", "form"),
    K("form.cancel", "escape", "cancel", "key.cancel", "form"),
    # Priority, so that the focus moves before the next keys of a burst are delivered
    # (over a slow link "Tab 张三" arrives in one read and must land in the next field).
    K("form.next", "tab", "next_field", "key.next_field", "form", show=False, priority=True),
    K("form.previous", "shift+tab", "previous_field", "key.previous_field", "form", show=False, priority=True),
    K("filter.apply", "ctrl+s", "apply", "key.apply", "filter", priority=True),
    K("filter.cancel", "escape", "cancel", "key.cancel", "filter"),
    K("visits.new", "n", "new_visit", "key.new_visit", "visits"),
    K("visits.filter", "f", "filter", "key.filter", "visits"),
    K("visits.void", "x", "void", "key.void", "visits"),
    K("visits.campaigns", "c", "campaigns", "key.campaigns", "visits"),
    K("visits.due", "d", "due", "key.due", "visits"),
    K("visit_filter.apply", "ctrl+s", "apply", "key.apply", "visit_filter", priority=True),
    K("visit_filter.cancel", "escape", "cancel", "key.cancel", "visit_filter"),
    K("campaigns.back", "escape", "back", "key.back", "campaigns"),
    K("campaigns.new", "n", "new_campaign", "key.new_campaign", "campaigns"),
    K("checklist.back", "escape", "back", "key.back", "checklist"),
    K("checklist.visited", "space", "visited", "key.mark_visited", "checklist"),
    K("checklist.exception", "e", "exception", "key.visit_exception", "checklist"),
    K("checklist.add", "a", "add_target", "key.add_target", "checklist"),
    K("checklist.remove", "delete", "remove_target", "key.remove_target", "checklist"),
    K("due.back", "escape", "back", "key.back", "due"),
    K("due.visit", "v", "visit", "key.log_visit", "due"),
    K("due.done", "o", "done", "key.follow_up_done", "due"),
    K("reports.export", "ctrl+s", "export", "key.export", "reports", priority=True),
    K("reports.import", "ctrl+o", "import_roster", "key.import_roster", "reports"),
    K("reports.next", "tab", "next_field", "key.next_field", "reports", show=False, priority=True),
    K("reports.previous", "shift+tab", "previous_field", "key.previous_field", "reports", show=False,
      priority=True),
    K("import.run", "ctrl+s", "run", "key.run_import", "import"),
    K("import.back", "escape", "back", "key.back", "import"),
    K("sync.now", "s", "sync_now", "key.sync_now", "sync"),
    K("sync.dismiss", "x", "dismiss_change", "key.dismiss_change", "sync"),
    K("sync.refresh", "r", "refresh_view", "key.refresh", "sync"),
    K("payments.new", "n", "new_round", "key.pay_new_round", "payments"),
    K("payments.standards", "s", "standards", "key.pay_standards", "payments"),
    K("payment_round.back", "escape", "back", "key.back", "payment_round"),
    K("payment_round.exclude", "x", "exclude", "key.pay_exclude", "payment_round"),
    K("payment_round.include", "i", "include", "key.pay_include", "payment_round", show=False),
    K("payment_round.amount", "m", "change_amount", "key.pay_amount", "payment_round", show=False),
    K("payment_round.approve", "a", "approve", "key.pay_approve", "payment_round"),
    K("payment_round.export", "e", "export", "key.pay_export", "payment_round"),
    K("payment_round.results", "o", "results", "key.pay_results", "payment_round"),
    K("payment_round.paid", "p", "mark_paid", "key.pay_mark_paid", "payment_round", show=False),
    K("payment_round.failed", "f", "mark_failed", "key.pay_mark_failed", "payment_round", show=False),
    K("payment_round.close", "c", "close_round", "key.pay_close", "payment_round", show=False),
    K("payment_round.reveal", "r", "reveal", "key.reveal", "payment_round", show=False),
    # Not priority: it waits behind the characters of the file name typed before it.
    K("payment_results.run", "ctrl+s", "run", "key.pay_check_apply", "payment_results"),
    K("payment_results.back", "escape", "back", "key.back", "payment_results"),
    K("standards.back", "escape", "back", "key.back", "standards"),
    K("standards.new", "n", "new_standard", "key.pay_new_standard", "standards"),
    K("volunteers.new", "n", "new_volunteer", "key.vol_new_volunteer", "volunteers"),
    K("volunteers.activities", "a", "activities", "key.vol_activities", "volunteers"),
    K("volunteer.back", "escape", "back", "key.back", "volunteer"),
    K("volunteer.edit", "e", "edit", "key.edit", "volunteer"),
    K("activities.new", "n", "new_activity", "key.vol_new_activity", "activities"),
    K("activities.volunteers", "v,escape", "volunteers", "key.vol_volunteers", "activities"),
    K("activity.back", "escape", "back", "key.back", "activity"),
    K("activity.add", "a", "focus_add", "key.vol_add", "activity"),
    K("activity.hours", "h", "edit_hours", "key.vol_hours", "activity"),
    K("activity.remove", "x", "remove", "key.vol_remove", "activity"),
    K("activity.next_match", "down", "next_match", "key.vol_next_match", "activity", show=False),
    K("activity.previous_match", "up", "previous_match", "key.vol_previous_match", "activity", show=False),
    K("participants.hours", "enter", "open", "key.vol_hours", "participants"),
    K("hours.cancel", "escape", "cancel", "key.cancel", "hours"),
    K("picker.cancel", "escape", "cancel", "key.cancel", "picker"),
    K("picker.submit", "enter", "submit_search", "key.open", "picker", show=False, priority=True),
    K("choice.cancel", "escape", "cancel", "key.cancel", "choice"),
    K("choice.choose", "enter", "choose", "key.choose", "choice", priority=True),
    K("choice.down", "down", "move(1)", "key.down", "choice", show=False, priority=True),
    K("choice.up", "up", "move(-1)", "key.up", "choice", show=False, priority=True),
    K("confirm.yes", "y,enter", "answer(True)", "key.yes", "confirm"),
    K("confirm.no", "n,escape", "answer(False)", "key.no", "confirm"),
    K("conflict.reload", "r", "choose('reload')", "key.reload", "conflict"),
    K("conflict.compare", "c", "choose('compare')", "key.compare", "conflict"),
    K("conflict.keep", "escape", "choose('keep')", "key.keep_editing", "conflict"),
    K("compare.mine", "o", "answer(True)", "key.keep_mine", "compare"),
    K("compare.back", "escape", "answer(False)", "key.back", "compare"),
    K("help.close", "escape,q,question_mark,f1", "close", "key.close", "help"),
    K("help.down", "down,j", "scroll_help(1)", "key.down", "help", show=False),
    K("help.up", "up,k", "scroll_help(-1)", "key.up", "help", show=False),
    K("help.next_page", "pagedown,space", "page_help(1)", "key.next_page", "help", show=False),
    K("help.previous_page", "pageup", "page_help(-1)", "key.previous_page", "help", show=False),
)
del K

KEYMAP: dict[str, KeySpec] = {spec.id: spec for spec in KEYS}
ORDER: dict[str, int] = {spec.id: i for i, spec in enumerate(KEYS)}


def group(name: str) -> list[KeySpec]:
    """The entries of one group, in registry order."""
    if name not in GROUPS:
        raise KeyError(name)
    return [spec for spec in KEYS if spec.group == name]


# ---------------------------------------------------------------- [ui.keys]


def nearest_id(binding_id: str) -> str | None:
    hint = difflib.get_close_matches(binding_id, list(KEYMAP), n=1, cutoff=0.5)
    if hint:
        return hint[0]
    # `quit` for `app.quit`: the part after the dot is what people remember.
    tails = {spec.id.partition(".")[2]: spec.id for spec in KEYS}
    hint = difflib.get_close_matches(binding_id, list(tails), n=1, cutoff=0.6)
    return tails[hint[0]] if hint else None


def unknown_ids(keys: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """(id, nearest real id or None) for every id in `[ui.keys]` the registry does not know."""
    return [(binding_id, nearest_id(binding_id)) for binding_id in keys if binding_id not in KEYMAP]


def keys_problem(keys: Mapping[str, str]) -> str | None:
    """The sentence that refuses the first unknown id in `[ui.keys]`, or None if all are known."""
    from tui_register.i18n import _

    for binding_id, hint in unknown_ids(keys):
        if hint:
            return _("ui.unknown_key_id_hint", id=binding_id, hint=hint)
        return _("ui.unknown_key_id", id=binding_id)
    return None


# ---------------------------------------------------------------- the table in ARCHITECTURE.md

DOC_BEGIN = "<!-- key table: generated by `python -m tui_register.ui.keymap --write` -->"
DOC_END = "<!-- end of key table -->"
ARCHITECTURE = Path(__file__).resolve().parents[3] / "ARCHITECTURE.md"


def _english(message_key: str) -> str:
    from tui_register.messages import ui

    return ui.MESSAGES[message_key][1]


def markdown_table() -> str:
    lines = ["| id | keys | does | where |", "| --- | --- | --- | --- |"]
    for spec in KEYS:
        keys = ", ".join(f"`{k}`" for k in spec.keys.split(","))
        lines.append(f"| `{spec.id}` | {keys} | {_english(spec.description)} | {GROUPS[spec.group]} |")
    return "\n".join(lines)


def documented_table(text: str) -> str:
    """The key table as it stands in a document (between the markers)."""
    start, end = text.index(DOC_BEGIN) + len(DOC_BEGIN), text.index(DOC_END)
    return text[start:end].strip()


def write_doc(path: Path = ARCHITECTURE) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(DOC_BEGIN) + len(DOC_BEGIN), text.index(DOC_END)
    path.write_text(text[:start] + "\n" + markdown_table() + "\n" + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_doc()
    else:
        print(markdown_table())
