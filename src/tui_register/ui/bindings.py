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
from tui_register.ui.keymap import KEYMAP, KeySpec, group


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
