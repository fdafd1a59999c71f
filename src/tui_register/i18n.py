"""The translation layer: every user-visible string goes through `_()`.

Messages live in small catalog modules under `tui_register.messages`, one per
layer (so that one writer owns each file). Each entry maps a key to a pair
``(zh_CN, en)``; a test checks that no entry lacks either language.
"""

from __future__ import annotations

import importlib
import locale
import os
import pkgutil
from typing import Mapping

LANGUAGES = ("zh_CN", "en")
_current = "zh_CN"
_catalog: dict[str, tuple[str, str]] | None = None


def catalog() -> Mapping[str, tuple[str, str]]:
    """All messages of every catalog module, loaded once."""
    global _catalog
    if _catalog is None:
        from tui_register import messages

        merged: dict[str, tuple[str, str]] = {}
        for info in pkgutil.iter_modules(messages.__path__):
            module = importlib.import_module(f"{messages.__name__}.{info.name}")
            for key, pair in module.MESSAGES.items():
                if key in merged:
                    raise RuntimeError(f"message key {key!r} defined twice")
                merged[key] = pair
        _catalog = merged
    return _catalog


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """Chinese when the locale says Chinese (or says nothing useful), else English."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else (
                "zh_CN" if value in ("C", "POSIX", "C.UTF-8") else "en")
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "en" if loc and not loc.lower().startswith("zh") else "zh_CN"


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _current = lang


def get_language() -> str:
    return _current


def _(key: str, /, lang: str | None = None, **kwargs: object) -> str:
    """The message for `key` in the current (or given) language, formatted with kwargs.

    An unknown key is returned as is, so a missing message is visible but never fatal;
    the catalog test catches it before release.
    """
    pair = catalog().get(key)
    if pair is None:
        text = key
    else:
        text = pair[0] if (lang or _current) == "zh_CN" else pair[1]
    return text.format(**kwargs) if kwargs else text
