"""Key bindings in the interface language.

BINDINGS declare their descriptions as message keys (`key.*`); `translate_bindings` puts
the text of the current language in place when a screen or widget is created, so that the
footer, the help screen and the command palette all read the same words. Every binding has
an id, which the configuration's `[ui.keys]` table can remap (`App.set_keymap`).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from tui_register.i18n import _


def translate_bindings(node: DOMNode) -> None:
    # `_bindings` is the node's own copy of its class bindings (Textual 8.2, pinned).
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [_translated(b) for b in items]


def _translated(binding: Binding) -> Binding:
    if binding.description.startswith("key."):
        return replace(binding, description=_(binding.description))
    return binding


def key(keys: str, action: str, description: str, binding_id: str, *, show: bool = True,
        priority: bool = False) -> Binding:
    """A binding with an id (for remapping) and a translated description key."""
    return Binding(keys, action, description, show=show, priority=priority, id=binding_id)
