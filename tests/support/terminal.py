"""A real terminal for tests: the program in a detached tmux session of a fixed size.

Keys reach the program as a terminal sends them; `send()` passes all its keys in ONE
`tmux send-keys` call, so that they arrive in one burst, as over a slow link or from a fast
typist. Each terminal has its own tmux server (a private socket), so a test never touches
anyone else's sessions, and `close()` ends only that server.

    with Terminal.start(["tui-register", "--db", str(path)], cwd=tmp_path) as term:
        term.wait_for("户主")
        term.send("2", "c", "Enter")
        term.send(*["Space"] * 24)
        screen = term.capture()

Mark such tests with `needs_tmux`: they are skipped, with the reason, where tmux is missing.
The program gets an office name and code in its environment (`OFFICE_ENV`), so that the
first-run question does not stand before the screen a test means to drive.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pytest

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(TMUX is None, reason="tmux is not installed: no real-terminal test")
OFFICE_ENV = {"TUI_REGISTER_OFFICE_NAME": "城关街道民政办", "TUI_REGISTER_OFFICE_CODE": "GL-03"}


def program(*args: str) -> list[str]:
    """The `tui-register` command of the running interpreter's environment."""
    script = Path(sys.executable).with_name("tui-register")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "tui_register"]
    return [*base, *args]


class Terminal:
    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    @classmethod
    def start(cls, command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None,
              width: int = 80, height: int = 24) -> "Terminal":
        """Run `command` in a new detached session `width` x `height`, in `cwd`, with `env`
        added to a UTF-8 locale."""
        assert TMUX is not None, "use the needs_tmux mark"
        name = f"tr-{uuid.uuid4().hex[:10]}"
        term = cls(name, name)
        variables = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color", **OFFICE_ENV, **(env or {})}
        line = "env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items()) + " " + shlex.join(command)
        term._tmux("-f", "/dev/null", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                   "-c", str(cwd), line)
        # Keep the pane after the program ends, so that a crash can still be read.
        term._tmux("set-option", "-t", name, "remain-on-exit", "on")
        return term

    def _tmux(self, *args: str) -> str:
        result = subprocess.run([TMUX or "tmux", "-L", self.socket, *args], capture_output=True, text=True,
                                check=True, env={**os.environ, "TMUX": ""})
        return result.stdout

    def send(self, *keys: str) -> None:
        """Keys by tmux's names (Space, Enter, Escape, End, C-s) or literal text, in one call."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def capture(self) -> str:
        """The screen as text, one line per row."""
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def wait_until(self, predicate: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        """Until `predicate(screen)` holds; the screen then. A timeout fails with the screen."""
        deadline = time.monotonic() + timeout
        screen = self.capture()
        while not predicate(screen):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen}")
            time.sleep(0.1)
            screen = self.capture()
        return screen

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Until `text` is on the screen (spaces ignored: Chinese may be padded)."""
        wanted = "".join(text.split())
        return self.wait_until(lambda screen: wanted in "".join(screen.split()), repr(text), timeout)

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

    def close(self) -> None:
        """End the session and this terminal's own tmux server."""
        subprocess.run([TMUX or "tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
