"""The category catalog (data in categories.json) and the fixed code lists.

Codes are stored; labels are looked up at display time, so that a code never
changes meaning when a label is reworded or translated.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Sequence

from tui_register.domain.assistance import AID_KINDS, REPAIR_KINDS, REPAIR_STAGES
from tui_register.domain.checks import CHECK_OUTCOMES, CLOSE_REASONS
from tui_register.domain.errors import FieldError
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
def _data() -> dict:
    return json.loads(resources.files("tui_register.domain").joinpath("categories.json").read_text("utf-8"))


@functools.cache
def _catalog() -> tuple[Category, ...]:
    entries = [Category(**entry) for entry in _data()["categories"]]
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


# --- groups and lists of categories ----------------------------------------------------------

KEY_YOUFU = "key_youfu"  # the group whose categories the configuration lists
LIST_SEPARATORS = re.compile(r"[,，、;；]")


@dataclass(frozen=True)
class CategoryGroup:
    """A name for several categories (低保 = 城市低保 + 农村低保), in a filter and as a subtotal."""

    code: str
    zh: str
    en: str
    codes: tuple[str, ...]  # in catalog order; empty for the configured group left unset
    aliases: tuple[str, ...] = ()
    configured: bool = False  # its codes come from the configuration ([categories] key_youfu)

    def name(self, lang: str | None = None) -> str:
        return self.zh if (lang or get_language()) == "zh_CN" else self.en


def category_groups(key_youfu: Sequence[str] = ()) -> list[CategoryGroup]:
    """The groups in display order; 重点优抚对象 holds the configured `key_youfu` codes."""
    order = [c.code for c in _catalog()]
    groups = []
    for entry in _data()["groups"]:
        if entry.get("all"):
            wanted = set(order)
        elif entry.get("configured"):
            wanted = set(key_youfu)
        elif "catalog_group" in entry:
            wanted = {c.code for c in _catalog() if c.group == entry["catalog_group"]}
        else:
            wanted = set(entry["categories"])
        groups.append(CategoryGroup(entry["code"], entry["zh"], entry["en"],
                                    tuple(code for code in order if code in wanted),
                                    tuple(entry.get("aliases", ())), bool(entry.get("configured"))))
    return groups


def parse_categories(value: str | Iterable[str] | None, *, key_youfu: Sequence[str] = (),
                     field: str = "category") -> tuple[str, ...]:
    """The category codes a filter names, in catalog order, each once.

    `value` is what a user types: one name or a list separated by commas (also ，、;), each a
    category or a group, by code or by its Chinese or English name (youfu, 低保,
    urban_dibao,rural_dibao, 城市低保、农村低保); or a sequence of such names. Empty: ().
    An unknown name raises FieldError(field, ...) naming it and the nearest valid name.
    Every path that takes a category filter (command line, interface, reports) comes here.
    """
    if value is None:
        return ()
    parts = LIST_SEPARATORS.split(value) if isinstance(value, str) else list(value)
    names = _names(tuple(key_youfu))
    wanted: set[str] = set()
    for typed in (str(p).strip() for p in parts):
        part = _fold(typed)
        if not part:
            continue
        if part not in names:
            raise _unknown(field, typed, names)
        group, codes = names[part]
        if group == KEY_YOUFU and not codes:
            raise FieldError(field, "key_youfu_unset")
        wanted.update(codes)
    return tuple(c.code for c in _catalog() if c.code in wanted)


def filter_groups() -> list[CategoryGroup]:
    """The groups a list's filter offers beside the categories: those of several categories
    that need no configuration (not 全部, which is no filter, nor 重点优抚对象)."""
    return [g for g in category_groups() if not g.configured and 1 < len(g.codes) < len(_catalog())]


def filter_name(value: str) -> str:
    """A list filter's value as its status line names it: the group's name or the category's."""
    group = next((g for g in category_groups() if g.code == value), None)
    return group.name() if group is not None else category_by_code(value).short()


@functools.lru_cache(maxsize=8)
def _names(key_youfu: tuple[str, ...]) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Every name a filter may use (folded) -> (group code or None, its category codes)."""
    names: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for group in category_groups(key_youfu):
        for name in (group.code, group.zh, group.en, *group.aliases):
            names[_fold(name)] = (group.code, group.codes)
    for c in _catalog():
        for name in (c.code, c.zh, c.en, c.zh_short, c.en_short):
            names.setdefault(_fold(name), (None, (c.code,)))
    return names


def _unknown(field: str, typed: str, names: dict) -> FieldError:
    nearest = difflib.get_close_matches(_fold(typed), list(names), n=1, cutoff=0.5)
    if nearest:
        return FieldError(field, "unknown_category_hint", {"value": typed, "hint": _display(nearest[0])})
    return FieldError(field, "unknown_category_named", {"value": typed})


def _display(folded: str) -> str:
    """A folded name as the catalog spells it (the English names have capitals)."""
    for group in category_groups():
        for name in (group.code, group.zh, group.en, *group.aliases):
            if _fold(name) == folded:
                return name
    for c in _catalog():
        for name in (c.code, c.zh, c.en, c.zh_short, c.en_short):
            if _fold(name) == folded:
                return name
    return folded
