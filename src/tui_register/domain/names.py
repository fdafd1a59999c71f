"""Search keys of a Chinese name: full pinyin and initials (张三丰 → zhangsanfeng, zsf).

Computed at write time and stored, so that searching never runs pypinyin.
"""

from __future__ import annotations

import unicodedata


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case ASCII; other characters are kept as they are."""
    from pypinyin import Style, lazy_pinyin  # heavy import, only where names are written

    text = unicodedata.normalize("NFKC", name).lower()
    full = lazy_pinyin(text, errors=lambda s: list(s))
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    keep = lambda parts: "".join(p for p in parts if p.strip())  # noqa: E731
    return keep(full), keep(initials)
