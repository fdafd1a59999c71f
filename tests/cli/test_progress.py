"""The one progress throttle, and the command line's progress line built on it."""

from __future__ import annotations

import io

from tui_register.progress import Progress, Throttle


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_throttle_lets_the_first_and_the_final_report_through():
    throttle = Throttle(every=3600)  # nothing else is due within this test
    assert throttle.due()
    assert not throttle.due()
    assert throttle.due(final=True)
    assert Throttle(every=0).due() and Throttle(every=0).due()


def test_the_progress_line_shows_the_first_and_the_last_step_on_a_terminal():
    out = Terminal()
    with Progress("导出", out, interval=3600) as progress:
        for done in range(1, 1001):
            progress.update(done, 1000)
    assert out.getvalue() == "\r导出 1/1,000 (0%)\r导出 1,000/1,000 (100%)\n"


def test_no_progress_line_when_not_on_a_terminal():
    out = io.StringIO()
    with Progress("导出", out) as progress:
        progress.update(5, 10)
    assert out.getvalue() == ""
