"""Text fields that never drop part of a paste, and never take a terminal's escape sequences.

Textual's Input keeps the first line of a paste and silently drops the rest (`王` saved from
`王\\n五`), and both Input and TextArea insert pasted escape sequences as they come. Here a
paste is cleaned first (`domain.text`); a one-line field then either joins the lines with a
space (free text: an address, a reason) or refuses the paste and says so (a name, an ID
number, a date: joined lines would be a wrong value that looks right).
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea

from tui_register.domain.text import clean_paste, paste_lines


class LineInput(Input):
    class PasteRefused(Message):
        """A paste of several lines into a field that takes one: nothing was inserted."""

        def __init__(self, field: LineInput, lines: int) -> None:
            super().__init__()
            self.field = field
            self.lines = lines

    def __init__(self, *args, join_lines: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.join_lines = join_lines

    async def _on_key(self, event: events.Key) -> None:
        # The field's own keys (End, Home, arrows, Backspace …) run here, in the order they
        # came: left to bubble round the app, they would run after the text typed behind them
        # in the same burst (End then 甲 put 甲 where the cursor was).
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority:
                event.stop()
                event.prevent_default()
                await self.run_action(binding.action)
                return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # instead of Input's own (first line only)
        lines = paste_lines(event.text)
        if len(lines) > 1 and not self.join_lines:
            self.post_message(self.PasteRefused(self, len(lines)))
            return
        text = " ".join(lines)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class LinesArea(TextArea):
    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # instead of TextArea's own (the text as it came)
        if self.read_only:
            return
        text = clean_paste(event.text)
        if text:
            result = self.replace(text, *self.selection)
            self.move_cursor(result.end_location)
