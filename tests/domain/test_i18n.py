"""The message catalogs: both languages everywhere, same placeholders, language detection."""

from __future__ import annotations

import locale
import string

import pytest

from tui_register import i18n
from tui_register.i18n import _, catalog, detect_language

ENTRIES = sorted(catalog().items())


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_catalog_is_not_empty():
    assert len(ENTRIES) > 50


def entry_problems(key: str, pair: object) -> list[str]:
    """What is wrong with one catalog entry (nothing when it is right)."""
    if not (isinstance(pair, tuple) and len(pair) == 2):
        return [f"{key}: not a (zh_CN, en) pair: {pair!r}"]
    zh, en = pair
    problems = []
    if not (isinstance(zh, str) and zh.strip()):
        problems.append(f"{key}: no Chinese text")
    if not (isinstance(en, str) and en.strip()):
        problems.append(f"{key}: no English text")
    if not problems and placeholders(zh) != placeholders(en):
        problems.append(f"{key}: placeholders differ: zh {sorted(placeholders(zh))}, en {sorted(placeholders(en))}")
    return problems


def test_every_entry_has_both_languages_and_the_same_placeholders():
    problems = [problem for key, pair in ENTRIES for problem in entry_problems(key, pair)]
    assert not problems, f"{len(problems)} catalog entries are wrong:\n" + "\n".join(problems)


@pytest.mark.parametrize("pair, expected", [
    (("不能为空", "is required"), []),
    (("", "is required"), ["k: no Chinese text"]),
    (("不能为空", "  "), ["k: no English text"]),
    ("is required", ["k: not a (zh_CN, en) pair: 'is required'"]),
    (("最多{max}个字", "at most {limit}"), ["k: placeholders differ: zh ['max'], en ['limit']"]),
])
def test_entry_problems_names_the_key_and_the_problem(pair, expected):
    # The catalog check above must be able to fail: each kind of wrong entry is reported.
    assert entry_problems("k", pair) == expected


def test_lookup_by_language():
    assert _("err.required", "zh_CN") == "不能为空"
    assert _("err.required", "en") == "is required"
    assert _("err.too_long", "en", max=5) == "must be at most 5 characters"
    assert _("no.such.key") == "no.such.key"


def test_set_language_round_trip():
    before = i18n.get_language()
    try:
        i18n.set_language("en")
        assert _("err.required") == "is required"
        with pytest.raises(ValueError):
            i18n.set_language("fr")
    finally:
        i18n.set_language(before)


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "C"}, "zh_CN"),
    ({"LC_ALL": "C.UTF-8"}, "zh_CN"),
    ({"LANG": "POSIX"}, "zh_CN"),
])
def test_detect_language(environ, expected):
    assert detect_language(environ) == expected


@pytest.mark.parametrize("process_locale, expected", [
    ((None, None), "zh_CN"),
    (("zh_CN", "UTF-8"), "zh_CN"),
    (("en_GB", "UTF-8"), "en"),
])
def test_detect_language_without_environment(monkeypatch, process_locale, expected):
    # Nothing set in the environment: the process locale decides, Chinese when it says nothing.
    monkeypatch.setattr(locale, "getlocale", lambda *a: process_locale)
    assert detect_language({}) == expected
