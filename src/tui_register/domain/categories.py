"""The category catalog (data in categories.json) and the fixed code lists.

Codes are stored; labels are looked up at display time, so that a code never
changes meaning when a label is reworded or translated.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources

from tui_register.domain.assistance import AID_KINDS, REPAIR_KINDS, REPAIR_STAGES
from tui_register.domain.checks import CHECK_OUTCOMES, CLOSE_REASONS
from tui_register.i18n import _, get_language

GROUPS = ("dibao", "tekun", "disability", "youfu", "other")
SCOPES = ("person", "household")
PERIODS = ("monthly", "yearly", "once")
RELATIONS = ("head", "spouse", "son", "daughter", "son_in_law", "daughter_in_law",
             "grandchild", "father", "mother", "sibling", "other")
VISIT_PURPOSES = ("festival", "routine", "data_check", "help", "policy", "info_collection")
# What came of a visit: not_reached (未遇) is an attempt that counts nowhere; proxy (代领)
# is a visit whose cash and goods someone else collected.
VISIT_OUTCOMES = ("visited", "not_reached", "proxy")
HOUSEHOLD_STATUSES = ("active", "suspended", "closed")
PERSON_STATUSES = ("active", "deceased", "moved_out")
# Any record entered by mistake is voided, never deleted: the year's figures must add up.
CHANGE_STATUSES = ("active", "suspended", "closed", "deceased", "moved_out", "voided")
DISABILITY_GRADES = (1, 2, 3, 4)
PLACE_LEVELS = ("township", "village", "grid")
SEXES = ("M", "F")

# label kind → (codes, catalog key prefix)
CODE_LISTS: dict[str, tuple[tuple, str]] = {
    "group": (GROUPS, "group"),
    "scope": (SCOPES, "scope"),
    "period": (PERIODS, "period"),
    "relation": (RELATIONS, "relation"),
    "purpose": (VISIT_PURPOSES, "purpose"),
    "outcome": (VISIT_OUTCOMES, "outcome"),
    "household_status": (HOUSEHOLD_STATUSES, "status"),
    "person_status": (PERSON_STATUSES, "status"),
    "status": (CHANGE_STATUSES, "status"),
    "disability_grade": (DISABILITY_GRADES, "disability_grade"),
    "place_level": (PLACE_LEVELS, "place_level"),
    "sex": (SEXES, "sex"),
    "account_kind": (("bank", "card", "cash"), "account_kind"),
    "aid_kind": (AID_KINDS, "aid_kind"),
    "repair_kind": (REPAIR_KINDS, "repair_kind"),
    "repair_stage": (REPAIR_STAGES, "repair_stage"),
    "check_outcome": (CHECK_OUTCOMES, "check_outcome"),
    "close_reason": (CLOSE_REASONS, "close_reason"),
}


@dataclass(frozen=True)
class Category:
    code: str
    group: str
    zh: str
    en: str
    zh_short: str
    en_short: str
    scope: str  # "person" or "household"
    default_period: str | None  # one of PERIODS, None when nothing is paid regularly
    sort: int

    def name(self, lang: str | None = None) -> str:
        return self.zh if (lang or get_language()) == "zh_CN" else self.en

    def short(self, lang: str | None = None) -> str:
        return self.zh_short if (lang or get_language()) == "zh_CN" else self.en_short


@functools.cache
def _catalog() -> tuple[Category, ...]:
    text = resources.files("tui_register.domain").joinpath("categories.json").read_text("utf-8")
    entries = [Category(**entry) for entry in json.loads(text)["categories"]]
    return tuple(sorted(entries, key=lambda c: c.sort))


@functools.cache
def _by_code() -> dict[str, Category]:
    return {c.code: c for c in _catalog()}


def load_categories() -> list[Category]:
    """Every category, in display order."""
    return list(_catalog())


def category_by_code(code: str) -> Category:
    """The category with this code; KeyError if there is none."""
    return _by_code()[code]


def label(kind: str, code: object, lang: str | None = None) -> str:
    """The display label of a code, e.g. label("relation", "head") → 户主.

    An unknown code is shown as it is, so bad data stays visible instead of crashing a list.
    """
    if kind == "category":
        category = _by_code().get(str(code))
        return category.name(lang) if category else str(code)
    _codes, prefix = CODE_LISTS[kind]
    key = f"{prefix}.{code}"
    text = _(key, lang)
    return str(code) if text == key else text


def choices(kind: str, lang: str | None = None) -> list[tuple[str, object]]:
    """(label, code) pairs in list order, for select widgets."""
    if kind == "category":
        return [(c.name(lang), c.code) for c in _catalog()]
    return [(label(kind, code, lang), code) for code in CODE_LISTS[kind][0]]


def code_for(kind: str, value: object) -> object | None:
    """The code given as itself or as its label in either language, else None.

    Lets a form or an imported sheet say 户主 or head for the same thing.
    """
    codes = [c.code for c in _catalog()] if kind == "category" else list(CODE_LISTS[kind][0])
    text = str(value).strip()
    for code in codes:
        if text == str(code):
            return code
    wanted = _fold(text)
    for code in codes:
        if wanted in (_fold(label(kind, code, lang)) for lang in ("zh_CN", "en")):
            return code
    return None


def _fold(text: str) -> str:
    """Comparable form of a label: NFKC (full-width brackets as typed by an IME), lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()
