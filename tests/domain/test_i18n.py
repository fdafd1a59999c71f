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


@pytest.mark.parametrize("key, pair", ENTRIES, ids=[key for key, _pair in ENTRIES])
def test_entry_has_both_languages(key, pair):
    assert isinstance(pair, tuple) and len(pair) == 2
    zh, en = pair
    assert isinstance(zh, str) and zh.strip(), f"{key}: no Chinese text"
    assert isinstance(en, str) and en.strip(), f"{key}: no English text"
    assert placeholders(zh) == placeholders(en), f"{key}: placeholders differ"


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
