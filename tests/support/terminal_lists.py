"""A real terminal for tests: the app in a detached tmux session at 80x24.

Keys given to one `send` call reach the program in one `tmux send-keys` call, as a fast
typist or a slow link delivers them; `capture` is what the terminal shows. Each terminal has
its own tmux server (`-L`), so tests never touch another tmux session.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Sequence

import pytest

SIZE = (80, 24)


def need_tmux() -> None:
    """Skip the calling test, saying why, where tmux is not installed."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed: the real-terminal tests need it")


class Terminal:
    def __init__(self, command: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None,
                 size: tuple[int, int] = SIZE) -> None:
        self.socket = f"tui-register-test-{uuid.uuid4().hex[:8]}"
        self.session = "t"
        self.command = command
        self.cwd = cwd
        self.env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                    **(env or {})}
        self.size = size

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-u", "-L", self.socket, *args], capture_output=True, text=True,
                              env=self.env, cwd=self.cwd, check=True, timeout=30)
        return done.stdout

    def __enter__(self) -> "Terminal":
        width, height = self.size
        # remain-on-exit: a crash stays on screen for the failure message.
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", self.session, "-x", str(width),
                   "-y", str(height), shlex.join(self.command))
        self._tmux("set-option", "-t", self.session, "remain-on-exit", "on")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._tmux("kill-server")
        except subprocess.CalledProcessError:
            pass

    def send(self, *keys: str) -> None:
        """All `keys` in one send-keys call (tmux key names such as Enter, Down, or text)."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def capture(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The screen once it shows `text` (spaces ignored: Chinese text is padded to cells)."""
        deadline = time.monotonic() + timeout
        wanted = "".join(text.split())
        while True:
            screen = self.capture()
            if wanted in "".join(screen.split()):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"the terminal never showed {text!r}:\n{screen}")
            time.sleep(0.1)

    def settle(self, quiet: float = 0.6, timeout: float = 20.0) -> str:
        """The screen once it has stopped changing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.capture(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.capture()
            if screen != last:
                last, since = screen, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return screen
        raise AssertionError(f"the terminal kept changing:\n{last}")
