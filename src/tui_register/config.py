"""Settings of tui-register: defaults < configuration file < environment < command line.

The configuration file
----------------------
Found at the `config_file` argument, else ``$TUI_REGISTER_CONFIG``, else
``./tui-register.toml`` if that exists. A file that was named explicitly (argument
or variable) must exist; the implicit one is optional.

The canonical layout groups keys in tables; it is what the documentation and the
examples use::

    [office]
    code = "GL-03"                # office_code: <= 20 letters, digits, - or _
    name = "鼓楼街道民政办"         # office_name

    [database]
    path = "data/register.db"     # db_path

    [export]
    dir = "exports"               # export_dir

    [ui]
    language = "zh_CN"            # language: "zh_CN" or "en"; unset = from the locale
    escape_delay_ms = 100         # escape_delay_ms: 0..2000
    mouse = false                 # mouse
    [ui.keys]                     # keys: binding id = key string (ids: ui/keymap.py;
    "app.quit" = "f10"            # an unknown id stops the interface at start)

    [sync]
    endpoint = "https://sync.example.org/api"   # sync_endpoint: http(s) URL
    token_file = "sync-token.txt"               # sync_token_file: must be chmod 600
    batch_size = 200              # sync_batch_size: 1..5000
    connect_timeout = 10          # sync_connect_timeout: seconds > 0
    read_timeout = 60             # sync_read_timeout: seconds > 0
    total_timeout = 1800          # sync_total_timeout: seconds > 0

    [visits]
    cash_ceiling = 2000           # visit_cash_ceiling: yuan, 0..9999999; 0 = no ceiling

    [payments]
    single_supervisor = false     # payments_single_supervisor: the office has one supervisor,
                                  # who may approve the payment rounds she prepared

    [categories]
    key_youfu = ["烈属", "disabled_serviceman"]  # key_youfu: the categories of 重点优抚对象
                                  # (by code or name); a filter names them as key_youfu

    [visit_intervals]             # visit_intervals: category code or group = days
    youfu = 90                    # groups: youfu, dibao, tekun, disability, other
    "0103" = 30                   # a category code beats its group; 0 = never

Every setting may also be written flat at the top level under its field name
(``db_path = "..."``, ``sync_batch_size = 500``, ``keys = {"app.quit" = "f10"}``);
setting the same field both ways is an error. ``[visit_intervals]`` and ``keys``
tables are merged entry by entry over the defaults (visit_intervals defaults to
youfu 90, dibao 365, tekun 365; set an entry to 0 to switch it off). Unknown keys
anywhere are errors. The sync token may NOT be written in the file.

Relative paths in the file are resolved against the file's directory; relative
paths from the environment, the command line and the defaults against `cwd`.
``~`` is expanded everywhere.

The environment
---------------
``TUI_REGISTER_<FIELD>`` for every scalar field (``TUI_REGISTER_DB_PATH``,
``TUI_REGISTER_OFFICE_CODE``, ``TUI_REGISTER_SYNC_BATCH_SIZE``, ``TUI_REGISTER_MOUSE``
= true/false/yes/no/1/0 ...), ``TUI_REGISTER_DB`` as an alias of DB_PATH (DB_PATH wins),
and ``TUI_REGISTER_SYNC_TOKEN``, which beats the token file. Empty variables count as
unset; visit_intervals and keys come from the file only; other ``TUI_REGISTER_*``
variables are ignored.

Errors
------
Every problem raises `ConfigError` with one translated sentence naming the source
(file path, "the environment" or "the command line"), the key as the user wrote it
(``sync.batch_size``, ``sync_batch_size`` or ``TUI_REGISTER_SYNC_BATCH_SIZE``) and
the problem. The sync token's value never appears in a message, repr or dump.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, NamedTuple
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError

from tui_register import i18n
from tui_register.domain.office import OFFICE_CODE_MAX, OFFICE_CODE_PATTERN
from tui_register.i18n import _

CONFIG_FILE_NAME = "tui-register.toml"
CONFIG_ENV = "TUI_REGISTER_CONFIG"
ENV_PREFIX = "TUI_REGISTER_"
TOKEN_ENV = "TUI_REGISTER_SYNC_TOKEN"
VISIT_GROUPS = ("youfu", "dibao", "tekun", "disability", "other")
DEFAULT_VISIT_INTERVALS: dict[str, int] = {"youfu": 90, "dibao": 365, "tekun": 365}
DEFAULT_CASH_CEILING = 2000  # yuan per visit


def _check_endpoint(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    try:
        _port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        raise ValueError("bad port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValueError("not an http(s) URL")
    # The sync client appends paths with "/", so a trailing slash would double it.
    return url.rstrip("/")


OfficeCode = Annotated[str, Field(max_length=OFFICE_CODE_MAX, pattern=OFFICE_CODE_PATTERN)]
Endpoint = Annotated[str, AfterValidator(_check_endpoint)]
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
# Capped at ten years so that date arithmetic on "next visit" can never overflow.
VisitDays = Annotated[int, Field(ge=0, le=3650)]
KeyName = Annotated[str, Field(min_length=1)]


def _category_codes(names: list[str]) -> list[str]:
    """Category names or codes as codes (groups expanded); ValueError for an unknown one."""
    from tui_register.domain.categories import parse_categories
    from tui_register.domain.errors import FieldError

    try:
        return list(parse_categories(names))
    except FieldError as err:
        raise ValueError(err.problem()) from None


CategoryList = Annotated[list[str], AfterValidator(_category_codes)]


class Settings(BaseModel):
    """The effective settings; build them with `load_settings`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db_path: Path = Path("data/register.db")
    export_dir: Path = Path("exports")
    office_code: OfficeCode = ""
    office_name: str = ""
    language: Literal["zh_CN", "en"] | None = None
    sync_endpoint: Endpoint | None = None
    sync_token_file: Path | None = None
    # repr=False and exclude=True keep the token out of repr/str and every dump.
    sync_token: SecretStr | None = Field(default=None, repr=False, exclude=True)
    sync_batch_size: int = Field(default=200, ge=1, le=5000)
    sync_connect_timeout: Seconds = 10.0
    sync_read_timeout: Seconds = 60.0
    sync_total_timeout: Seconds = 1800.0
    payments_single_supervisor: bool = False
    visit_intervals: dict[str, VisitDays] = Field(default_factory=lambda: dict(DEFAULT_VISIT_INTERVALS))
    # Cash above this (in yuan) for one visit is asked about before it is saved: a typing
    # slip (500 -> 50000) must not pass without a word. 0: no ceiling.
    visit_cash_ceiling: int = Field(default=DEFAULT_CASH_CEILING, ge=0, le=9_999_999)
    escape_delay_ms: int = Field(default=100, ge=0, le=2000)
    mouse: bool = False
    keys: dict[str, KeyName] = Field(default_factory=dict)
    # 重点优抚对象: the categories a filter means by key_youfu; the summary subtotals them.
    key_youfu: CategoryList = Field(default_factory=list)

    def visit_interval_for(self, code: str | None, group: str | None) -> int:
        """Days between visits for a category: its code beats its group; 0 = never."""
        if code is not None and code in self.visit_intervals:
            return self.visit_intervals[code]
        if group is not None:
            return self.visit_intervals.get(group, 0)
        return 0

    def token(self) -> str | None:
        """The sync token in clear, for the HTTP header only."""
        return None if self.sync_token is None else self.sync_token.get_secret_value()


class ConfigError(Exception):
    """A configuration problem; str() is one translated sentence for the user."""

    def __init__(self, message: str, *, source: str = "", key: str | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.key = key


# ---------------------------------------------------------------- key mapping

# File tables -> {key in table: field}. Flat top-level keys are the field names.
FILE_TABLES: dict[str, dict[str, str]] = {
    "office": {"code": "office_code", "name": "office_name"},
    "database": {"path": "db_path"},
    "export": {"dir": "export_dir"},
    "visits": {"cash_ceiling": "visit_cash_ceiling"},
    "ui": {"language": "language", "escape_delay_ms": "escape_delay_ms", "mouse": "mouse", "keys": "keys"},
    "sync": {
        "endpoint": "sync_endpoint",
        "token_file": "sync_token_file",
        "batch_size": "sync_batch_size",
        "connect_timeout": "sync_connect_timeout",
        "read_timeout": "sync_read_timeout",
        "total_timeout": "sync_total_timeout",
    },
    "payments": {"single_supervisor": "payments_single_supervisor"},
    "categories": {"key_youfu": "key_youfu"},
}
_SECRET_FIELD = "sync_token"
_FIELDS = tuple(name for name in Settings.model_fields if name != _SECRET_FIELD)
_PATH_FIELDS = frozenset({"db_path", "export_dir", "sync_token_file"})
_MAP_FIELDS = frozenset({"visit_intervals", "keys"})
_ENV_NAMES = {ENV_PREFIX + name.upper(): name for name in _FIELDS if name not in _MAP_FIELDS}
_ENV_ALIASES = {ENV_PREFIX + "DB": "db_path"}

# What to say when a value is wrong: (message for the whole value, for one entry).
_PROBLEMS: dict[str, str] = {
    "db_path": "config.problem.path",
    "export_dir": "config.problem.path",
    "sync_token_file": "config.problem.path",
    "office_code": "config.problem.office_code",
    "office_name": "config.problem.text",
    "language": "config.problem.language",
    "sync_endpoint": "config.problem.sync_endpoint",
    "sync_batch_size": "config.problem.sync_batch_size",
    "sync_connect_timeout": "config.problem.timeout",
    "sync_read_timeout": "config.problem.timeout",
    "sync_total_timeout": "config.problem.timeout",
    "escape_delay_ms": "config.problem.escape_delay_ms",
    "visit_cash_ceiling": "config.problem.cash_ceiling",
    "mouse": "config.problem.mouse",
    "visit_intervals": "config.problem.visit_intervals",
    "keys": "config.problem.keys",
    "key_youfu": "config.problem.key_youfu",
}
_ENTRY_PROBLEMS = {"visit_intervals": "config.problem.visit_interval", "keys": "config.problem.key"}

# One validator per field, built from the model itself so the limits live in one place;
# built on first use, since building all of them costs ~0.1 s of every start.
@functools.cache
def _adapter(name: str) -> TypeAdapter[Any]:
    info = Settings.model_fields[name]
    # Constraints such as ge/le live in metadata; Annotated needs at least one.
    return TypeAdapter(Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation)


def _known_labels() -> list[str]:
    dotted = [f"{table}.{key}" for table, keys in FILE_TABLES.items() for key in keys]
    return dotted + list(_FIELDS)


# ---------------------------------------------------------------- sources


class _Source(NamedTuple):
    """Where a value came from: a file (with its displayed path), the environment, the CLI."""

    kind: Literal["file", "env", "cli"]
    path: str = ""

    def describe(self) -> str:
        if self.kind == "file":
            return self.path
        return _("config.source.env") if self.kind == "env" else _("config.source.cli")


_ENV = _Source("env")
_CLI = _Source("cli")


def _fail(source: _Source, message_key: str, key: str | None = None, **kw: object) -> ConfigError:
    """A ConfigError translated now, in the language the CLI has already chosen."""
    problem = _(message_key, key=key, **kw) if key is not None else _(message_key, **kw)
    text = _("config.error", source=source.describe(), problem=problem)
    return ConfigError(text, source=source.describe(), key=key)


def _reason(err: OSError) -> str:
    # strerror is the OS's text ("Permission denied"); never file content.
    return err.strerror or type(err).__name__


def _find_config_file(
    config_file: Path | str | None, env: Mapping[str, str], cwd: Path
) -> tuple[Path, _Source] | None:
    """The file to read and how to name it, or None; a named file must exist."""
    if config_file is not None:
        named, missing_msg = Path(config_file), "config.file_missing"
    elif env.get(CONFIG_ENV, "").strip():
        named, missing_msg = Path(env[CONFIG_ENV].strip()), "config.file_missing_env"
    else:
        implicit = cwd / CONFIG_FILE_NAME
        # Named by its short name: the user knows it is the one in the working directory.
        return (implicit, _Source("file", CONFIG_FILE_NAME)) if implicit.is_file() else None
    source = _Source("file", str(named))
    path = _absolute(named, cwd)
    if not path.exists():
        raise _fail(source, missing_msg)
    return path, source


def _read_toml(path: Path, source: _Source) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _fail(source, "config.file_unreadable", reason=_reason(err)) from None
    try:
        # utf-8-sig: editors on Windows like to prepend a BOM, which TOML forbids.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(source, "config.file_not_utf8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _syntax_error(source, err, text) from None


def _syntax_error(source: _Source, err: tomllib.TOMLDecodeError, text: str) -> ConfigError:
    # Python 3.11's TOMLDecodeError has no lineno; the position is in the message.
    message = str(err)
    match = re.fullmatch(r"(.*) \(at line (\d+), column \d+\)", message, re.DOTALL)
    if match:
        return _fail(source, "config.syntax", line=int(match[2]), detail=match[1])
    match = re.fullmatch(r"(.*) \(at end of document\)", message, re.DOTALL)
    if match:
        return _fail(source, "config.syntax", line=text.count("\n") + 1, detail=match[1])
    return _fail(source, "config.syntax_no_line", detail=message)


def _file_entries(data: dict[str, Any], source: _Source) -> list[tuple[str, str, Any]]:
    """(label, field, value) for every setting in a parsed file, both layouts mapped to fields."""
    entries: list[tuple[str, str, Any]] = []
    for key, value in data.items():
        if key in FILE_TABLES:
            if not isinstance(value, dict):
                raise _fail(source, "config.not_table", key)
            for sub, sub_value in value.items():
                label = f"{key}.{sub}"
                if sub not in FILE_TABLES[key]:
                    raise _unknown_or_secret(source, label, secret=(key, sub) == ("sync", "token"))
                entries.append((label, FILE_TABLES[key][sub], sub_value))
        elif key in _FIELDS:
            entries.append((key, key, value))
        else:
            raise _unknown_or_secret(source, key, secret=key == _SECRET_FIELD)
    _reject_duplicates(entries, source)
    return entries


def _unknown_or_secret(source: _Source, label: str, *, secret: bool) -> ConfigError:
    if secret:
        return _fail(source, "config.token_not_allowed", label)
    hint = difflib.get_close_matches(label, _known_labels(), n=1, cutoff=0.6)
    if hint:
        return _fail(source, "config.unknown_key_hint", label, hint=hint[0])
    return _fail(source, "config.unknown_key", label)


def _reject_duplicates(entries: list[tuple[str, str, Any]], source: _Source) -> None:
    seen: dict[str, str] = {}
    for label, field, _value in entries:
        if field in seen:
            raise _fail(source, "config.duplicate", label, other=seen[field])
        seen[field] = label


def _env_entries(env: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(variable, field, text) for the TUI_REGISTER_* variables we know; empty ones are unset."""
    entries: dict[str, tuple[str, str, str]] = {}
    # Aliases first so that the canonical name overwrites them.
    for var, field in [*_ENV_ALIASES.items(), *_ENV_NAMES.items()]:
        text = env.get(var, "").strip()
        if text:
            entries[field] = (var, field, text)
    return list(entries.values())


def _override_entries(overrides: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    entries = []
    for key, value in overrides.items():
        if value is None:
            continue
        if key not in _FIELDS:
            raise _unknown_or_secret(_CLI, key, secret=key == _SECRET_FIELD)
        entries.append((key, key, value))
    return entries


# ---------------------------------------------------------------- values


def _absolute(path: Path, base: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else base / path


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _from_text(field: str, text: str) -> Any:
    """Environment and CLI values arrive as text; convert what can be converted.

    What cannot be converted is returned unchanged and then fails validation with
    the field's usual message.
    """
    try:
        if field in ("sync_batch_size", "escape_delay_ms", "visit_cash_ceiling"):
            return int(text.strip())
        if field.endswith("_timeout"):
            value = float(text.strip())
            return value if math.isfinite(value) else text
    except ValueError:
        return text
    if field == "key_youfu":
        return [part.strip() for part in text.split(",") if part.strip()]
    if field == "mouse":
        word = text.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else text
    return text


def _checked(field: str, value: Any, source: _Source, label: str, base: Path) -> Any:
    """One value validated against its field, or a ConfigError naming `label`."""
    if source.kind != "file" and isinstance(value, str):
        value = _from_text(field, value)
    if field in _PATH_FIELDS and isinstance(value, (str, os.PathLike)) and str(value):
        value = _absolute(Path(value), base)
    try:
        # strict: a TOML string is not a number, nor is true a 1.
        return _adapter(field).validate_python(value, strict=True)
    except ValidationError as err:
        if field == "key_youfu" and err.errors()[0]["type"] == "value_error":
            # An unknown category: the domain's sentence, with the nearest valid name.
            raise _fail(source, "config.problem.key_youfu_name", label,
                        problem=str(err.errors()[0]["ctx"]["error"])) from None
        loc = err.errors()[0]["loc"]
        if field in _ENTRY_PROBLEMS and loc:
            raise _fail(source, _ENTRY_PROBLEMS[field], f"{label}.{loc[0]}") from None
        raise _fail(source, _PROBLEMS[field], label) from None


def _read_token_file(path: Path, source: _Source, label: str) -> str:
    """The stripped token; the file must be private to its owner.

    Errors are raised `from None` because OS and decode errors can carry the
    file's bytes, and the token must never reach a traceback or a log.
    """
    shown = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(source, "config.token_file.missing", label, path=shown) from None
    except OSError as err:
        raise _fail(source, "config.token_file.unreadable", label, path=shown, reason=_reason(err)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _fail(source, "config.token_file.not_file", label, path=shown)
    # POSIX permission bits mean nothing on Windows.
    if os.name != "nt" and info.st_mode & 0o077:
        raise _fail(source, "config.token_file.too_open", label, path=shown)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _fail(source, "config.token_file.unreadable", label, path=shown, reason=_reason(err)) from None
    try:
        token = raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise _fail(source, "config.token_file.not_utf8", label, path=shown) from None
    if not token:
        raise _fail(source, "config.token_file.empty", label, path=shown)
    return token


# ---------------------------------------------------------------- entry point


def load_settings(
    config_file: Path | str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """The effective settings: defaults < file < environment < `overrides` (field names)."""
    env = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else Path(cwd).absolute()
    values: dict[str, Any] = {
        "db_path": _absolute(Settings.model_fields["db_path"].default, cwd),
        "export_dir": _absolute(Settings.model_fields["export_dir"].default, cwd),
        "visit_intervals": dict(DEFAULT_VISIT_INTERVALS),
    }
    origins: dict[str, tuple[_Source, str]] = {}

    def take(source: _Source, base: Path, entries: list[tuple[str, str, Any]]) -> None:
        for label, field, raw in entries:
            value = _checked(field, raw, source, label, base)
            # Tables merge entry by entry, so one changed interval keeps the others.
            values[field] = {**values.get(field, {}), **value} if field in _MAP_FIELDS else value
            origins[field] = (source, label)

    found = _find_config_file(config_file, env, cwd)
    if found is not None:
        path, source = found
        take(source, path.parent, _file_entries(_read_toml(path, source), source))
    take(_ENV, cwd, _env_entries(env))
    take(_CLI, cwd, _override_entries(overrides or {}))

    token = env.get(TOKEN_ENV, "").strip() or None
    if values.get("sync_token_file") is not None:
        # Checked even when the variable wins: a leaky token file is a problem anyway.
        file_token = _read_token_file(values["sync_token_file"], *origins["sync_token_file"])
        token = token or file_token
    if token is not None:
        values[_SECRET_FIELD] = SecretStr(token)

    if values.get("language") is None:
        values["language"] = i18n.detect_language(env)
    return Settings.model_validate(values)


def with_office(settings: Settings, name: str, code: str) -> Settings:
    """The settings with the office the register keeps (set on its first run) wherever the
    configuration leaves the name or the code unset: the configuration still wins."""
    return settings.model_copy(update={"office_name": settings.office_name or name,
                                       "office_code": settings.office_code or code})
