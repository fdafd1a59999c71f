"""Resident identity numbers (公民身份号码, GB 11643).

python-stdnum does the arithmetic and holds the region table. Its table comes
from GB2260 revisions up to about 2020, so a real number from a new or renamed
region may be missing: that is only a warning the user can accept.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from tui_register.domain.errors import FieldError

MIN_DATE = date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str  # 18 characters, upper-case X
    birth_date: date
    sex: str  # "M" or "F"
    region_code: str
    region_name: str | None  # None when the region is not in the table


def _normalise(raw: object) -> str:
    text = "" if raw is None else unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper()


def parse_resident_id(raw: object, *, field: str = "id_number",
                      allow_unknown_region: bool = False,
                      today: date | None = None) -> ResidentId:
    """Check an ID number and read what it says; raises FieldError."""
    number = _normalise(raw)
    if not number:
        raise FieldError(field, "required")
    if len(number) == 15 and number.isdigit():
        # 1989 numbers: 2-digit year, no check character. Converting would be a guess.
        raise FieldError(field, "id_legacy_15")
    if len(number) != 18:
        raise FieldError(field, "id_length", {"length": len(number)})
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise FieldError(field, "id_chars")
    birth = _birth_date(number, field, today or date.today())
    if ric.calc_check_digit(number) != number[17]:
        raise FieldError(field, "id_checksum")
    region_name = _region_name(number)
    if region_name is None and not allow_unknown_region:
        raise FieldError(field, "id_region_unknown", {"region": number[:6]}, warning=True)
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number, birth, sex, number[:6], region_name)


def _birth_date(number: str, field: str, today: date) -> date:
    try:
        birth = ric.get_birth_date(number)
    except (StdnumError, ValueError):
        raise FieldError(field, "id_birth_date") from None
    if birth > today:
        raise FieldError(field, "id_birth_future")
    if birth < MIN_DATE:
        raise FieldError(field, "date_before_1900")
    return birth


# Region + birth year -> name: the table lookup costs ~150 µs, and a register (or a batch
# at the hub) checks thousands of numbers from a few regions.
_REGION_NAMES: dict[str, str | None] = {}


def _region_name(number: str) -> str | None:
    """Province + county per stdnum's table, None if the code was never a county code in or
    after the birth year.

    A number's region is where it was issued, often years after birth (440306 宝安区 exists
    from 1992 and holders born in 1980 are real), so a code created later is fine; stdnum's
    own check (`ric.get_birth_place`) would refuse it. Only a code abolished before the birth
    year, or unknown, cannot be right.
    """
    key = number[:10]
    if key not in _REGION_NAMES:
        _REGION_NAMES[key] = _lookup_region(number[:6], int(number[6:10]))
    return _REGION_NAMES[key]


def _lookup_region(code: str, year: int) -> str | None:
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if "county" not in info:
        return None
    county = _county_at(info["county"], year)
    return None if county is None else info.get("province", "") + county


def _county_at(field: str, year: int) -> str | None:
    """The name for `year` from a field like "[-1991]东郊区,[1992-]东丽区": the one in use
    that year, else the first one given later; None if every name ended before `year`."""
    later = None
    for start, end, name in _periods(field):
        if (start is None or year >= start) and (end is None or year <= end):
            return name
        if later is None and (end is None or year <= end):
            later = name
    return later


def _periods(field: str) -> list[tuple[int | None, int | None, str]]:
    periods = []
    for part in field.split(","):
        if not part.startswith("["):
            periods.append((None, None, part))
            continue
        span, name = part[1:].split("]", 1)
        start, end = span.split("-")
        periods.append((int(start) if start else None, int(end) if end else None, name))
    return periods


def mask_id(number: str) -> str:
    """First 6 and last 4 characters visible, for lists; short strings mostly hidden."""
    if not number:
        return ""
    n = len(number)
    if n >= 12:
        return number[:6] + "*" * (n - 10) + number[-4:]
    if n > 4:
        return number[:2] + "*" * (n - 4) + number[-2:]
    return "*" * n


def make_resident_id(region_code: str, birth_date: date, seq: int) -> str:
    """A well-formed 18-character number (for demo data); seq 0-999, odd for men."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"region code must be 6 digits: {region_code!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"sequence must be 0-999: {seq}")
    body = f"{region_code}{birth_date:%Y%m%d}{seq:03d}"
    # calc_check_digit expects the check position to be present; its value is ignored.
    return body + ric.calc_check_digit(body + "0")


@functools.cache
def _county_entries() -> tuple[tuple[str, str], ...]:
    """(6-digit code, county field) for every county-level entry of stdnum's table."""
    entries = []
    for _len, low, high, _props, children in numdb.get("cn/loc").prefixes:
        for _len2, low2, high2, props2, _children2 in children:
            for province in _expand(low, high):
                for county in _expand(low2, high2):
                    entries.append((province + county, props2.get("county", "")))
    return tuple(sorted(entries))


def _expand(low: str, high: str) -> list[str]:
    width = len(low)
    return [f"{i:0{width}d}" for i in range(int(low), int(high) + 1)]


def known_region_codes(birth_year: int | None = None) -> list[str]:
    """County-level codes stdnum knows (not ending in 00), sorted.

    With `birth_year`, only codes that were in use that year, so that an ID
    built with make_resident_id passes the region check without a warning.
    """
    codes = []
    for code, county in _county_entries():
        if code.endswith("00"):
            continue
        if birth_year is None or _in_use(county, birth_year):
            codes.append(code)
    return codes


def _in_use(county: str, year: int) -> bool:
    """Whether a county field like "[-1991]东郊区,[1992-]东丽区" covers `year`."""
    return any((start is None or year >= start) and (end is None or year <= end)
               for start, end, _name in _periods(county))
