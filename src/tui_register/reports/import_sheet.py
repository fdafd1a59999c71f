"""Reading a roster workbook: the sheet, its header row, which column is what, its cells.

Offices' rosters come with title rows (often merged) above the header, headers in Chinese or
English with units and notes in brackets, numbers where text was meant and blank rows. The
header row is the first of the top rows in which at least two cells name known columns,
one of them a name or an ID number. Cells come back as text, dates or None: the domain
refuses floats, so numbers are turned into their exact text here.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

from tui_register.i18n import LANGUAGES, _
from tui_register.reports.options import ReportError
from tui_register.reports.roster import IMPORT_FIELDS

HEADER_SCAN_ROWS = 30
EXACT_DIGITS = 15  # what a double (and Excel) keeps of a number
EXCEL_EPOCH = date(1899, 12, 30)

# What the columns of a roster may be called, besides the headers of our own roster export.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "household_no": ("户编号", "户号", "户序号", "家庭编号", "household no.", "household number"),
    "township": ("乡镇", "街道", "乡镇街道", "乡镇/街道", "township", "street office"),
    "village": ("村", "社区", "村社区", "村/社区", "村居", "村委会", "居委会", "所属村", "所属社区",
                "village", "community"),
    "grid": ("网格", "所属网格", "grid"),
    "address": ("住址", "家庭住址", "地址", "家庭地址", "居住地址", "现住址", "address"),
    "household_phone": ("家庭电话", "户电话", "household phone"),
    "name": ("姓名", "成员姓名", "人员姓名", "家庭成员", "name"),
    "head_name": ("户主姓名", "户主", "head of household", "head's name"),
    "relation": ("与户主关系", "与户主的关系", "关系", "家庭关系", "relation", "relation to head"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "id number", "id no.",
                  "resident id"),
    "sex": ("性别", "sex", "gender"),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "date of birth", "birth date"),
    "disability_grade": ("残疾等级", "残疾级别", "disability grade"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "phone", "mobile", "telephone"),
    "category": ("类别", "对象类别", "保障类别", "救助类别", "优抚类别", "人员类别", "category", "categories"),
    "amount": ("金额", "保障金额", "保障金", "月保障金", "补助金额", "发放金额", "月补差", "amount"),
    "period": ("发放周期", "周期", "payment period", "period"),
    # 临时救助 / 危房改造 only (domain/assistance.py); 救助类别 itself names the category column
    "aid_kind": ("救助类型", "救助种类", "临时救助类型", "临时救助类别", "救助事由", "kind of assistance",
                 "assistance kind", "aid kind"),
    "repair_kind": ("改造类型", "改造方式", "危改类型", "危房改造类型", "kind of repair", "repair kind"),
    "repair_stage": ("改造进度", "改造阶段", "危改进度", "repair stage", "stage of repair"),
    "start_date": ("开始日期", "起始日期", "纳入日期", "纳入时间", "享受时间", "start date", "since"),
    "size": ("人数", "家庭人口", "家庭人数", "户人数", "household size"),
    "notes": ("备注", "notes", "remarks"),
    "bank_name": ("开户银行", "开户行", "银行名称", "bank", "bank name"),
    "account_number": ("银行账号", "银行卡号", "账号", "卡号", "account number", "bank account", "card number"),
    "card_number": ("一卡通账号", "一卡通", "社保卡号", "社会保障卡号", "one-card account", "social security card"),
}
FIELDS = tuple(SYNONYMS)
DATE_FIELDS = frozenset({"birth_date", "start_date"})


class CellProblem(ValueError):
    """A cell that cannot be read as what its column holds; `key` names the message."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


@dataclass(frozen=True)
class SourceColumn:
    index: int  # 0-based
    header: str
    field: str

    @property
    def label(self) -> str:
        """How the error report names the column: its letter and its header, "C 身份证号"."""
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.index + 1)} {self.header}"


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows
    raw: dict[str, Any]  # field -> the cell's value as openpyxl read it (no blanks)


@dataclass(frozen=True)
class RosterSheet:
    name: str
    header_row: int
    columns: dict[str, SourceColumn]
    rows: list[SheetRow]


@dataclass(frozen=True)
class ColumnMap:
    """An explicit mapping from a --map file: field -> header text, and the header row."""

    columns: dict[str, str]
    header_row: int | None = None


def normalise_header(text: object) -> str:
    """Comparable form of a header: NFKC, lower case, no spaces, stars or a bracketed tail."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    folded = re.sub(r"[\s*:]", "", folded)
    return re.sub(r"\([^)]*\)$", "", folded) or folded


def _known_headers() -> dict[str, str]:
    names: dict[str, str] = {}
    for field, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            names[normalise_header(synonym)] = field
    for key, field in IMPORT_FIELDS.items():
        for lang in LANGUAGES:
            names.setdefault(normalise_header(_(key, lang, unit="")), field)
    return names


def load_map(path: Path) -> ColumnMap:
    """Read a --map file: ``header_row = N`` and a ``[columns]`` table of field = "header"."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ReportError("import.map_unreadable", path=str(path), detail=str(err)) from None
    columns = data.get("columns", {})
    header_row = data.get("header_row")
    unknown = sorted(set(data) - {"columns", "header_row"}) + sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ReportError("import.map_unknown_field", field=unknown[0], fields=", ".join(FIELDS))
    if not all(isinstance(v, str) and v.strip() for v in columns.values()) or (
            header_row is not None and (not isinstance(header_row, int) or header_row < 1)):
        raise ReportError("import.map_bad_value", path=str(path))
    return ColumnMap(dict(columns), header_row)


def read_roster(path: Path, sheet: str | None = None, column_map: ColumnMap | None = None) -> RosterSheet:
    """The roster sheet of the workbook at `path`; raises ReportError."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ReportError("import.file_missing", usage=False, path=str(path)) from None
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise ReportError("import.file_unreadable", usage=False, path=str(path), detail=type(err).__name__) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ReportError("import.no_such_sheet", sheet=sheet, sheets="、".join(workbook.sheetnames))
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        return _read(worksheet, column_map or ColumnMap({}))
    finally:
        workbook.close()


def _read(worksheet: Any, column_map: ColumnMap) -> RosterSheet:
    rows = worksheet.iter_rows(values_only=True)
    top: list[tuple] = []
    for row in rows:
        top.append(row)
        if len(top) == HEADER_SCAN_ROWS:
            break
    header_index, columns = _find_header(top, column_map)
    not_data = _not_data_words()
    data = []
    for number, row in enumerate(chain(top[header_index + 1:], rows), start=header_index + 2):
        raw = {field: row[col.index] for field, col in columns.items()
               if col.index < len(row) and not _blank(row[col.index])}
        if raw and not any(isinstance(v, str) and normalise_header(v) in not_data for v in row):
            data.append(SheetRow(number, raw))
    return RosterSheet(worksheet.title, header_index + 1, columns, data)


def _not_data_words() -> set[str]:
    """Cells that mark a row as a totals line or a note, not a person (合计, our own notes)."""
    words = {"合计", "总计", "小计", "total"}
    words |= {_(key, lang) for key in ("report.total", "report.no_rows") for lang in LANGUAGES}
    return {normalise_header(w) for w in words}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(top: list[tuple], column_map: ColumnMap) -> tuple[int, dict[str, SourceColumn]]:
    explicit = {normalise_header(header): field for field, header in column_map.columns.items()}
    known = {**_known_headers(), **explicit}
    if column_map.header_row is not None:
        index = column_map.header_row - 1
        candidates = [index] if index < len(top) else []
    else:
        candidates = list(range(len(top)))
    for index in candidates:
        columns = _map_row(top[index], known)
        if column_map.header_row is not None or (
                len(columns) >= 2 and columns.keys() & {"name", "head_name", "id_number"}):
            missing = [h for f, h in column_map.columns.items() if f not in columns]
            if missing:
                raise ReportError("import.map_header_missing", header=missing[0], row=index + 1)
            return index, columns
    raise ReportError("import.no_header", usage=False, rows=HEADER_SCAN_ROWS)


def _map_row(row: tuple, known: dict[str, str]) -> dict[str, SourceColumn]:
    columns: dict[str, SourceColumn] = {}
    for index, cell in enumerate(row):
        if _blank(cell):
            continue
        field = known.get(normalise_header(cell))
        if field and field not in columns:  # the first of two look-alike columns wins
            columns[field] = SourceColumn(index, " ".join(str(cell).split()), field)
    return columns


# --- cells ------------------------------------------------------------------------------------

def cell_value(field: str, raw: Any) -> str | date:
    """A cell as the domain's validators take it: text, or a date for date columns."""
    if field == "id_number":
        return _id_text(raw)
    if field in DATE_FIELDS:
        return _date_value(raw)
    if field == "amount" and isinstance(raw, float):
        return _money_text(raw)
    return cell_text(raw)


def cell_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 10 ** EXACT_DIGITS:
            return str(int(raw))
        return format(Decimal(repr(raw)), "f")
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?e\+?[0-9]+", re.IGNORECASE)


def _id_text(raw: Any) -> str:
    """An ID number stored as a number keeps 15 digits at most: the rest is gone for good."""
    if isinstance(raw, float) and abs(raw) >= 10 ** EXACT_DIGITS:
        raise CellProblem("import.id_as_number")
    text = cell_text(raw)
    if _SCIENTIFIC.fullmatch(unicodedata.normalize("NFKC", text).strip()):
        raise CellProblem("import.id_as_number")
    return text


def _date_value(raw: Any) -> str | date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 0 < raw < 100_000:
        # A date cell that lost its date format shows Excel's day number (45321).
        return EXCEL_EPOCH + timedelta(days=int(raw))
    return cell_text(raw)


def _money_text(raw: float) -> str:
    """Yuan from a float cell, rounded to fen only when that is what a formula's noise hides."""
    exact = Decimal(repr(raw))
    cents = exact.quantize(Decimal("0.01"))
    return format(cents if abs(exact - cents) < Decimal("1e-9") else exact, "f")
