"""The command line in Chinese: argparse's own words translated, columns aligned by display
width (a Chinese character takes two terminal cells), statuses by their names."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.records import cli_env
from tui_register.cli.text import cells, wrap

# argparse's English, as Python 3.11 prints it.
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "show this help message",
                    "the following arguments are required", "invalid choice", "choose from",
                    "unrecognized arguments", "error:")


def cli(tmp_path, *args: str, lang: str = "zh_CN") -> subprocess.CompletedProcess:
    env = {**cli_env(lang), "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "tui_register", "--db", str(tmp_path / "r.db"), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def no_english(text: str) -> None:
    for words in ARGPARSE_ENGLISH:
        assert words not in text, f"{words!r} in:\n{text}"


def help_column(lines: list[str]) -> set[int]:
    """The cell where the help text starts on each option line that has some."""
    starts = set()
    for line in lines:
        found = re.match(r"^(  +\S.*?\S?)( {2,})(\S.*)$", line)
        if found and line.lstrip().startswith("-"):
            starts.add(cells(found.group(1) + found.group(2)))
    return starts


@pytest.mark.parametrize("command", [(), ("export",), ("import",)])
def test_help_in_chinese_has_no_english_and_keeps_its_columns(tmp_path, command):
    done = cli(tmp_path, *command, "--help")
    assert done.returncode == 0, done.stderr
    no_english(done.stdout)
    assert "用法：" in done.stdout and "选项" in done.stdout and "显示本帮助并退出" in done.stdout
    lines = done.stdout.splitlines()
    assert len(help_column(lines)) == 1, done.stdout  # every help text starts in the same cell
    assert max(cells(line) for line in lines) <= 80, done.stdout  # wrapped by cells, not characters


def test_the_help_column_counts_chinese_metavars_as_two_cells(tmp_path):
    lines = cli(tmp_path, "--help").stdout.splitlines()
    lang = next(line for line in lines if line.lstrip().startswith("--lang"))
    config = next(line for line in lines if line.lstrip().startswith("--config 文件"))
    assert cells(config.split("配置文件")[0]) == cells(lang.split("界面语言")[0])


@pytest.mark.parametrize("args, words", [
    (("export", "bogus"), "无效的选项值"),
    (("import",), "缺少必需的参数"),
    (("stats", "--bogus"), "无法识别的参数"),
    (("demo", "--households", "x"), "无效的值：'x'"),
])
def test_usage_errors_in_chinese(tmp_path, args, words):
    done = cli(tmp_path, *args)
    assert done.returncode == 2
    no_english(done.stderr)
    assert words in done.stderr and done.stderr.startswith("用法：tui-register")


def test_usage_errors_stay_english_in_english(tmp_path):
    done = cli(tmp_path, "export", "bogus", lang="en")
    assert done.returncode == 2 and "usage: tui-register export" in done.stderr
    assert "invalid choice: 'bogus'" in done.stderr


def test_stats_names_statuses_and_aligns_by_cells(tmp_path):
    assert cli(tmp_path, "demo", "--households", "5").returncode == 0
    done = cli(tmp_path, "stats")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    statuses = lines[lines.index("各状态:") + 1:-1]
    assert any("正常" in line for line in statuses) and any("在用" in line for line in statuses)
    assert not re.search(r"\b(active|closed|suspended|valid|deceased|ended)\b", done.stdout), done.stdout
    counts = lines[1:lines.index("各类别(现有):")]
    assert len({cells(line) for line in counts}) == 1, counts  # the numbers end in one column
    assert len({cells(re.match(r"^  \S+ +", line).group()) for line in statuses}) == 1, statuses


def test_wrap_breaks_between_chinese_characters_and_at_spaces():
    lines = wrap("导出 Excel 报表：roster 花名册、visits 走访慰问台账", 16)
    assert all(cells(line) <= 16 for line in lines)
    assert "".join(lines).replace(" ", "") == "导出Excel报表：roster花名册、visits走访慰问台账"
    assert wrap("hello world", 5) == ["hello", "world"]


@pytest.mark.parametrize("group", ["payments", "hub", "staff"])
def test_the_usage_line_names_every_subcommand_listed_below_it(tmp_path, group):
    """`payments --help` once left `correct` out of its usage line."""
    done = cli(tmp_path, group, "--help")
    assert done.returncode == 0, done.stderr
    usage, listed = done.stdout.split("位置参数")
    names = re.findall(r"^    ([a-z][a-z-]+) ", listed, re.MULTILINE)
    assert names
    choices = re.search(r"\s([a-z-]+(?:\|[a-z-]+)+)\s", usage).group(1).split("|")
    assert choices == names
