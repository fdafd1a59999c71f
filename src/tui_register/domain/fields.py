"""Parsers for the typed values of forms: phones, money, dates, hours.

Each takes what a user typed (full-width digits from an IME included) and returns
a normalised value or raises FieldError. Money is integer fen (分) and Decimal,
never float: 0.1 + 0.2 must be exactly 0.3 yuan in a year-end report.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal

from tui_register.domain.errors import FieldError

MIN_DATE = date(1900, 1, 1)
MAX_FEN = 999_999_999  # ¥9,999,999.99: far above any single payment, below any overflow


def _nfkc(raw: object) -> str:
    return unicodedata.normalize("NFKC", str(raw)).strip()


# ---------------------------------------------------------------- phones

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_EXTENSION = re.compile(r"(?:转|ext\.?|x)", re.IGNORECASE)
_THREE_DIGIT_AREAS = ("010", "020", "021", "022", "023", "024", "025", "026", "027", "028", "029")


def parse_phone(raw: object, *, field: str = "phone") -> str:
    """A mobile as 11 digits, or a landline as "0AREA-NUMBER[-EXT]"; raises FieldError."""
    text = "" if raw is None else _nfkc(raw)
    if not text:
        raise FieldError(field, "required")
    main, *rest = _EXTENSION.split(text, maxsplit=1)
    ext = rest[0] if rest else ""
    main = re.sub(r"[\s()]", "", main)
    ext = re.sub(r"[\s\-]", "", ext)
    had_country = main.startswith(("+86", "0086"))
    if had_country:
        main = main[3:] if main.startswith("+86") else main[4:]
        main = main.lstrip("-")
    digits = main.replace("-", "")
    if not digits.isascii() or not digits.isdigit() or (ext and not ext.isdigit()):
        raise FieldError(field, "phone_invalid")
    if _MOBILE.fullmatch(digits) and not ext:
        return digits
    if had_country and not digits.startswith("0"):
        main, digits = "0" + main, "0" + digits  # +86 10 1234 5678: the trunk 0 is implied
    result = _landline(main, digits, ext)
    if result is None:
        raise FieldError(field, "phone_invalid")
    return result


def _landline(main: str, digits: str, ext: str) -> str | None:
    groups = [g for g in main.split("-") if g]
    found = _area_and_number(groups, digits)
    if found is None and not ext and len(groups) >= 3:
        # 0371-1234567-801: the last group is an extension
        ext = groups[-1]
        found = _area_and_number(groups[:-1], "".join(groups[:-1]))
    if found is None or len(ext) > 6:
        return None
    area, number = found
    return f"{area}-{number}" + (f"-{ext}" if ext else "")


def _area_and_number(groups: list[str], digits: str) -> tuple[str, str] | None:
    if not digits.startswith("0"):
        return None
    if len(groups) >= 2 and re.fullmatch(r"0[0-9]{2,3}", groups[0]):
        area = groups[0]  # the user showed where the area code ends
    else:
        area = digits[:3] if digits[:3] in _THREE_DIGIT_AREAS else digits[:4]
    number = digits[len(area):]
    return (area, number) if re.fullmatch(r"[1-9][0-9]{6,7}", number) else None


# ---------------------------------------------------------------- money

_AMOUNT = re.compile(r"([0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)?(?:\.([0-9]*))?")


def parse_money(raw: object, *, field: str = "amount") -> int:
    """Yuan as typed ("1,234.50", "¥1234.5", "１２３", an int of yuan, a Decimal) → fen."""
    if isinstance(raw, bool) or isinstance(raw, float):
        raise TypeError("money must be str, int (yuan) or Decimal, never float or bool")
    if isinstance(raw, int):
        yuan = Decimal(raw)
    elif isinstance(raw, Decimal):
        yuan = raw
    else:
        yuan = _money_text(raw, field)
    if not yuan.is_finite():
        raise FieldError(field, "not_a_number")
    if yuan < 0:
        raise FieldError(field, "money_negative")
    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise FieldError(field, "money_decimals")
    if fen > MAX_FEN:
        raise FieldError(field, "money_too_large", {"max": format_money(MAX_FEN)})
    return int(fen)


def _money_text(raw: object, field: str) -> Decimal:
    text = "" if raw is None else _nfkc(raw)
    text = text.replace(" ", "").replace("\u2212", "-")  # U+2212 is a typographic minus
    if not text:
        raise FieldError(field, "required")
    # The sign may stand before or after the currency sign: -¥1.00, ¥-1.00.
    head = re.match(r"[-¥]*", text).group()
    body = text[len(head):].removesuffix("元")
    match = _AMOUNT.fullmatch(body)
    if head.count("-") > 1 or head.count("¥") > 1 or not body or not match:
        raise FieldError(field, "not_a_number")
    if not (match.group(1) or match.group(2)):
        raise FieldError(field, "not_a_number")  # a lone "."
    value = Decimal(body.replace(",", ""))
    return -value if "-" in head else value


def format_money(fen: int) -> str:
    """¥1,234.50; -¥1.00 for negative amounts."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def fen_to_yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


# ---------------------------------------------------------------- dates

_TODAY_WORDS = {"t", "today", "今天", "今"}
_DAYS_AGO = re.compile(r"-([0-9]{1,5})")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_SEPARATED = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_CHINESE = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?")


def parse_date(raw: object, *, field: str = "date", today: date | None = None) -> date:
    """A date from 2024-01-31, 20240131, 2024/1/31, 2024.1.31, 2024年1月31日, t/今天, -3."""
    today = today or date.today()
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        result = raw
    else:
        result = _date_text("" if raw is None else _nfkc(raw).lower(), field, today)
    if result < MIN_DATE:
        raise FieldError(field, "date_before_1900")
    return result


def _date_text(text: str, field: str, today: date) -> date:
    if not text:
        raise FieldError(field, "required")
    if text in _TODAY_WORDS:
        return today
    if m := _DAYS_AGO.fullmatch(text):
        try:
            return today - timedelta(days=int(m.group(1)))
        except OverflowError:
            raise FieldError(field, "date_invalid") from None
    for pattern in (_COMPACT, _SEPARATED, _CHINESE):
        if m := pattern.fullmatch(text):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise FieldError(field, "date_invalid")


def check_not_future(d: date, today: date, field: str) -> date:
    if d > today:
        raise FieldError(field, "date_future")
    return d


# ---------------------------------------------------------------- hours

def parse_hours(raw: object, field: str = "hours") -> Decimal:
    """Volunteer hours: more than 0, at most 24, one decimal at most (2.5)."""
    if isinstance(raw, bool) or isinstance(raw, float):
        raise TypeError("hours must be str, int or Decimal, never float or bool")
    if isinstance(raw, (int, Decimal)):
        hours = Decimal(raw)
    else:
        text = "" if raw is None else _nfkc(raw).lower()
        text = text.removesuffix("小时").removesuffix("h").strip()
        if not text:
            raise FieldError(field, "required")
        if not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text):
            raise FieldError(field, "not_a_number")
        hours = Decimal(text)
    if not hours.is_finite():
        raise FieldError(field, "not_a_number")
    if not 0 < hours <= 24:
        raise FieldError(field, "hours_range")
    tenths = hours * 10
    if tenths != tenths.to_integral_value():
        raise FieldError(field, "hours_decimals")
    return hours.quantize(Decimal("0.1"))
