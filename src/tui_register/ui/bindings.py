"""Key bindings from the registry (`ui.keymap`), in the interface language.

Screens and widgets declare `BINDINGS = bindings_of("group")`: every binding comes from the
registry with its id, so `[ui.keys]` can remap it (`App.set_keymap`), and the help screen,
the command palette and the documentation all read the same entries. Descriptions are
message keys (`key.*`); `translate_bindings` puts the text of the current language in place
when a screen or widget is created, so that the footer, the help screen and the command
palette all read the same words.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from tui_register.i18n import _
from tui_register.ui.keymap import KEYMAP, KEYS, KeySpec, group


def translate_bindings(node: DOMNode) -> None:
    # `_bindings` is the node's own copy of its class bindings (Textual 8.2, pinned).
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [_translated(b) for b in items]


def _translated(binding: Binding) -> Binding:
    if binding.description.startswith("key."):
        return replace(binding, description=_(binding.description))
    return binding


def _binding(spec: KeySpec) -> Binding:
    return Binding(spec.keys, spec.action, spec.description, show=spec.show, priority=spec.priority, id=spec.id)


def binding(binding_id: str) -> Binding:
    """The registry's binding `binding_id` (a KeyError for an id the registry does not know)."""
    return _binding(KEYMAP[binding_id])


def bindings_of(name: str) -> list[Binding]:
    """Every binding of a registry group, for a class's BINDINGS."""
    return [_binding(spec) for spec in group(name)]


def key(keys: str, action: str, description: str, binding_id: str, *, show: bool = True,
        priority: bool = False) -> Binding:
    """A binding declared outside the registry: only until it is added to `ui.keymap`
    (tests/ui/test_keys.py fails for every binding whose id the registry does not hold)."""
    return Binding(keys, action, description, show=show, priority=priority, id=binding_id)


MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def known_key(key: str) -> bool:
    """Whether Textual can deliver `key` (a key name, a character, with modifiers)."""
    from textual.keys import REPLACED_KEYS, Keys, key_to_character

    if key in {k.value for k in Keys}:
        return True
    *modifiers, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1 or base in {k.value for k in Keys}:
        return True
    return key_to_character(REPLACED_KEYS.get(base, base)) is not None


def keys_problem(keys: dict[str, str]) -> str | None:
    """Why `[ui.keys]` cannot be used (an unknown binding id or key name), or None."""
    from tui_register.ui.keymap import keys_problem as id_problem

    problem = id_problem(keys)
    if problem:
        return problem
    for binding_id, value in keys.items():
        for one in value.split(","):
            if not known_key(one.strip()):
                return _("ui.bad_key_name", id=binding_id, key=one.strip())
    return _clash(keys)


def _clash(keys: dict[str, str]) -> str | None:
    """Two bindings of one screen on the same key after remapping (Textual would keep one)."""
    from textual.keys import _normalize_key_list

    holder: dict[tuple[str, str], str] = {}
    for spec in KEYS:
        for one in _normalize_key_list(keys.get(spec.id, spec.keys)).split(","):
            other = holder.setdefault((spec.group, one), spec.id)
            if other != spec.id and (spec.id in keys or other in keys):
                return _("ui.key_clash", key=one, first=other, second=spec.id)
    return None
