"""Pasted text: terminal escape sequences removed whole, lines as a one-line field takes them."""

from __future__ import annotations

import pytest

from tui_register.domain.text import clean_paste, paste_lines, strip_escapes


@pytest.mark.parametrize("pasted, expected", [
    ("\x1b[2J1组5号", "1组5号"),  # erase screen (CSI with a parameter)
    ("\x1b[31m红\x1b[0m", "红"),  # colours
    ("\x1b[38;2;255;0;0m红", "红"),  # truecolour: every parameter goes with it
    ("a\x1b]0;title\x07b", "ab"),  # OSC window title, ended by BEL
    ("\x1b]8;;https://x.example\x1b\\链接\x1b]8;;\x1b\\", "链接"),  # OSC 8 link, ended by ST
    ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
    ("x\x1b(By", "xy"),  # character set designation (three characters)
    ("x\x1b7y\x1b8", "xy"),  # save and restore the cursor
    ("\x1b[200~粘贴\x1b[201~", "粘贴"),  # bracketed paste markers
    ("\x9b31m红", "红"),  # 8-bit CSI
    ("结尾\x1b", "结尾"),  # a lone ESC
    ("结尾\x1b[12", "结尾"),  # a sequence cut off at the end
    ("和平村3组15号", "和平村3组15号"),  # ordinary text untouched
])
def test_escape_sequences_are_removed_whole(pasted: str, expected: str):
    assert strip_escapes(pasted) == expected


@pytest.mark.parametrize("pasted, lines", [
    ("王\n五", ["王", "五"]),
    ("王五\n", ["王五"]),  # a spreadsheet cell ends with a line break
    ("王五\r\n", ["王五"]),
    ("\n  王五  \n\n", ["王五"]),
    ("人民路\r\n12号", ["人民路", "12号"]),
    ("1组\u20285号", ["1组", "5号"]),  # a word processor's line separator
    ("张三\t男\t1950", ["张三 男 1950"]),  # cells of one row
    ("\x1b[2J1组\x07\x085号", ["1组5号"]),  # escapes and other controls gone, in order
    ("", []),
])
def test_paste_lines(pasted: str, lines: list[str]):
    assert paste_lines(pasted) == lines


def test_clean_paste_keeps_lines_and_tabs():
    assert clean_paste("第一行\x1b[1m\r\n\t第二行\x1b]0;x\x07\x00") == "第一行\n\t第二行"
