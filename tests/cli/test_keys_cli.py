"""`[ui.keys]` with an id the key registry does not know: the interface refuses to start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.records import cli_env


def start_interface(cwd: Path, config: str, lang: str) -> subprocess.CompletedProcess:
    (cwd / "tui-register.toml").write_text(config, encoding="utf-8")
    cmd = [sys.executable, "-m", "tui_register", "--db", str(cwd / "register.db")]
    # stdin closed: had the interface started, it would stop at once rather than wait.
    return subprocess.run(cmd, cwd=cwd, env=cli_env(lang), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("lang", "words"), [("en", "did you mean app.quit"), ("zh_CN", "是不是 app.quit")])
def test_the_readmes_old_example_is_refused_with_the_nearest_id(tmp_path: Path, lang: str, words: str):
    result = start_interface(tmp_path, '[ui.keys]\nquit = "ctrl+q"\n', lang)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "quit" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_id_like_nothing_is_refused_without_a_guess(tmp_path: Path):
    result = start_interface(tmp_path, '[ui.keys]\n"zzzz.qqqq" = "x"\n', "en")
    assert result.returncode == 2
    assert "zzzz.qqqq is not a binding id" in result.stderr and "did you mean" not in result.stderr


def test_the_readme_example_names_real_ids():
    import re

    from tui_register.ui.keymap import KEYMAP

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n[ui.keys]", 1)[1].split("\n[", 1)[0]
    ids = [m[1] for m in re.findall(r'^("?)([^"=\s]+)\1\s*=', table, re.M)]
    assert ids and all(i in KEYMAP for i in ids), ids
    for mentioned in re.findall(r'`"([a-z_]+\.[a-z_]+)" = "', readme):
        assert mentioned in KEYMAP, mentioned


def test_a_key_name_that_no_terminal_sends_is_refused(tmp_path: Path):
    result = start_interface(tmp_path, '[ui.keys]\n"app.quit" = "ctlr+q"\n', "en")
    assert result.returncode == 2
    assert "app.quit: ctlr+q is not a key name" in result.stderr


def test_key_names_are_checked_as_textual_reads_them():
    from tui_register.ui.bindings import known_key

    for name in ("ctrl+f", "f10", "n", "G", "question_mark", "slash", "space", "shift+tab", "pagedown", "delete"):
        assert known_key(name), name
    for name in ("ctlr+q", "ctrl+", "pgdn", "F 10", "strg+s"):
        assert not known_key(name), name


def test_a_remap_onto_a_key_the_same_screen_uses_is_refused(tmp_path: Path):
    result = start_interface(tmp_path, '[ui.keys]\n"households.new" = "f"\n', "en")
    assert result.returncode == 2
    assert "f both households.new and households.filter" in result.stderr


def test_clashes_are_judged_per_screen_after_every_remap():
    from tui_register.i18n import set_language
    from tui_register.ui.bindings import keys_problem
    from tui_register.ui.keymap import KEYS

    set_language("en")
    assert keys_problem({"households.new": "f", "households.filter": "ctrl+f"}) is None  # swapped away
    assert keys_problem({"households.new": "e"}) is None  # `e` is another screen's (the household's)
    assert keys_problem({"app.help": "?"}) is None  # its own default, written as a character
    # The defaults themselves: no key twice on one screen.
    seen: dict[tuple[str, str], str] = {}
    for spec in KEYS:
        for one in spec.keys.split(","):
            assert seen.setdefault((spec.group, one), spec.id) == spec.id, (spec.id, one)
