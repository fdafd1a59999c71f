"""Configuration loading: sources, precedence, paths, the token and every error message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from tui_register import i18n
from tui_register.config import ConfigError, Settings, load_settings

TOKEN = "tok-3f9a1c-very-secret"


@pytest.fixture(autouse=True)
def english():
    """Tests assert on English text unless they switch; restore the language after."""
    before = i18n.get_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str | None = None, *, environ=None, overrides=None) -> Settings:
    """Load with an isolated environment and cwd; `text` becomes ./tui-register.toml."""
    if text is not None:
        write(tmp_path / "tui-register.toml", text)
    return load_settings(environ=environ or {"LANG": "en_US.UTF-8"}, overrides=overrides, cwd=tmp_path)


def config_error(tmp_path: Path, text: str | None = None, **kw) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text, **kw)
    return str(info.value)


def token_file(tmp_path: Path, mode: int = 0o600, content: str = TOKEN + "\n") -> Path:
    path = write(tmp_path / "secrets" / "token.txt", content)
    path.chmod(mode)
    return path


# ---------------------------------------------------------------- defaults and layouts


def test_defaults_without_file(tmp_path):
    settings = load(tmp_path)
    assert settings.db_path == tmp_path / "data" / "register.db"
    assert settings.export_dir == tmp_path / "exports"
    assert settings.office_code == "" and settings.office_name == ""
    assert settings.sync_endpoint is None and settings.token() is None
    assert settings.sync_batch_size == 200
    assert (settings.sync_connect_timeout, settings.sync_read_timeout, settings.sync_total_timeout) == (
        10,
        60,
        1800,
    )
    assert settings.visit_intervals == {"youfu": 90, "dibao": 365, "tekun": 365}
    assert settings.escape_delay_ms == 100 and settings.mouse is False and settings.keys == {}


def test_language_detected_from_locale_when_unset(tmp_path):
    assert load(tmp_path, environ={"LANG": "zh_CN.UTF-8"}).language == "zh_CN"
    assert load(tmp_path, environ={"LANG": "de_DE.UTF-8"}).language == "en"


TABLE_FORM = """
[office]
code = "GL-03"
name = "鼓楼街道民政办"

[database]
path = "db/reg.db"

[export]
dir = "out"

[ui]
language = "zh_CN"
escape_delay_ms = 50
mouse = true

[ui.keys]
quit = "ctrl+q"

[sync]
endpoint = "https://sync.example.org/api/"
batch_size = 500
connect_timeout = 5
read_timeout = 30.5
total_timeout = 600

[visit_intervals]
youfu = 30
"0103" = 7
"""

FLAT_FORM = """
office_code = "GL-03"
office_name = "鼓楼街道民政办"
db_path = "db/reg.db"
export_dir = "out"
language = "zh_CN"
escape_delay_ms = 50
mouse = true
keys = { quit = "ctrl+q" }
sync_endpoint = "https://sync.example.org/api/"
sync_batch_size = 500
sync_connect_timeout = 5
sync_read_timeout = 30.5
sync_total_timeout = 600
visit_intervals = { youfu = 30, "0103" = 7 }
"""


@pytest.mark.parametrize("text", [TABLE_FORM, FLAT_FORM], ids=["tables", "flat"])
def test_both_layouts_give_the_same_settings(tmp_path, text):
    settings = load(tmp_path, text)
    assert settings.office_code == "GL-03"
    assert settings.office_name == "鼓楼街道民政办"
    assert settings.db_path == tmp_path / "db" / "reg.db"
    assert settings.export_dir == tmp_path / "out"
    assert settings.language == "zh_CN"
    assert settings.escape_delay_ms == 50 and settings.mouse is True
    assert settings.keys == {"quit": "ctrl+q"}
    assert settings.sync_endpoint == "https://sync.example.org/api"  # trailing slash removed
    assert settings.sync_batch_size == 500
    assert settings.sync_connect_timeout == 5.0 and settings.sync_read_timeout == 30.5
    assert settings.sync_total_timeout == 600.0
    # Entries merge over the defaults.
    assert settings.visit_intervals == {"youfu": 30, "dibao": 365, "tekun": 365, "0103": 7}


def test_visit_interval_for(tmp_path):
    settings = load(tmp_path, '[visit_intervals]\n"0103" = 14\ndibao = 0\ndisability = 180\n')
    assert settings.visit_interval_for("0103", "youfu") == 14  # code beats group
    assert settings.visit_interval_for("0104", "youfu") == 90  # falls back to the group
    assert settings.visit_interval_for("0201", "dibao") == 0  # 0 switches it off
    assert settings.visit_interval_for("0301", "disability") == 180
    assert settings.visit_interval_for("0901", "other") == 0  # nothing set: never
    assert settings.visit_interval_for(None, None) == 0


def test_settings_are_frozen_and_strict():
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.mouse = True  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Settings(colour="red")  # type: ignore[call-arg]


# ---------------------------------------------------------------- sources and precedence


def test_precedence_file_then_env_then_overrides(tmp_path):
    text = '[sync]\nbatch_size = 100\n[office]\ncode = "FILE"\nname = "from file"\n'
    env = {"TUI_REGISTER_SYNC_BATCH_SIZE": "300", "TUI_REGISTER_OFFICE_CODE": "ENV"}
    settings = load(tmp_path, text, environ=env, overrides={"office_code": "CLI", "sync_batch_size": None})
    assert settings.office_name == "from file"  # only in the file
    assert settings.sync_batch_size == 300  # env beats file; a None override is ignored
    assert settings.office_code == "CLI"  # overrides beat env


def test_env_values_are_converted(tmp_path):
    env = {
        "TUI_REGISTER_MOUSE": "yes",
        "TUI_REGISTER_ESCAPE_DELAY_MS": "25",
        "TUI_REGISTER_SYNC_READ_TIMEOUT": "2.5",
        "TUI_REGISTER_LANGUAGE": "en",
        "TUI_REGISTER_SYNC_ENDPOINT": "http://10.0.0.5:8080/",
        "TUI_REGISTER_OFFICE_NAME": "",  # empty counts as unset
        "TUI_REGISTER_SOMETHING_ELSE": "ignored",
    }
    settings = load(tmp_path, 'office_name = "kept"\n', environ=env)
    assert settings.mouse is True and settings.escape_delay_ms == 25
    assert settings.sync_read_timeout == 2.5 and settings.language == "en"
    assert settings.sync_endpoint == "http://10.0.0.5:8080"
    assert settings.office_name == "kept"


def test_db_alias_and_db_path_wins(tmp_path):
    assert load(tmp_path, environ={"TUI_REGISTER_DB": "a.db"}).db_path == tmp_path / "a.db"
    both = {"TUI_REGISTER_DB": "a.db", "TUI_REGISTER_DB_PATH": "b.db"}
    assert load(tmp_path, environ=both).db_path == tmp_path / "b.db"


def test_config_file_from_argument_and_from_env(tmp_path):
    named = write(tmp_path / "etc" / "office.toml", "[office]\ncode = 'ARG'\n")
    env_named = write(tmp_path / "etc" / "env.toml", "[office]\ncode = 'ENVFILE'\n")
    write(tmp_path / "tui-register.toml", "[office]\ncode = 'CWD'\n")
    env = {"TUI_REGISTER_CONFIG": str(env_named)}
    assert load_settings(named, environ=env, cwd=tmp_path).office_code == "ARG"
    assert load_settings(environ=env, cwd=tmp_path).office_code == "ENVFILE"
    assert load_settings(environ={}, cwd=tmp_path).office_code == "CWD"


def test_relative_paths(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    config = write(tmp_path / "etc" / "office.toml", '[database]\npath = "reg.db"\n')
    settings = load_settings(
        config,
        environ={"TUI_REGISTER_EXPORT_DIR": "out"},
        overrides={"sync_token_file": None},
        cwd=work,
    )
    assert settings.db_path == tmp_path / "etc" / "reg.db"  # file: against the file's directory
    assert settings.export_dir == work / "out"  # env: against cwd
    cli = load_settings(config, environ={}, overrides={"db_path": "cli.db"}, cwd=work)
    assert cli.db_path == work / "cli.db"  # command line: against cwd
    absolute = load_settings(config, environ={"TUI_REGISTER_DB_PATH": "/srv/reg.db"}, cwd=work)
    assert absolute.db_path == Path("/srv/reg.db")
    # A relative config file name is itself relative to cwd.
    write(work / "local.toml", 'db_path = "x.db"\n')
    assert load_settings(Path("local.toml"), environ={}, cwd=work).db_path == work / "x.db"


# ---------------------------------------------------------------- the token


def assert_token_hidden(settings: Settings) -> None:
    assert settings.token() == TOKEN
    for text in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert TOKEN not in text


def test_token_from_file(tmp_path):
    path = token_file(tmp_path)
    settings = load(tmp_path, '[sync]\ntoken_file = "secrets/token.txt"\n')
    assert settings.sync_token_file == path
    assert_token_hidden(settings)


def test_token_from_env_beats_file(tmp_path):
    token_file(tmp_path, content="file-token\n")
    env = {"TUI_REGISTER_SYNC_TOKEN": TOKEN, "LANG": "en_US.UTF-8"}
    settings = load(tmp_path, '[sync]\ntoken_file = "secrets/token.txt"\n', environ=env)
    assert_token_hidden(settings)
    assert_token_hidden(load(tmp_path / "elsewhere", environ=env))


def test_token_file_from_env(tmp_path):
    path = token_file(tmp_path)
    settings = load(tmp_path, environ={"TUI_REGISTER_SYNC_TOKEN_FILE": str(path)})
    assert settings.token() == TOKEN


def test_token_file_readable_by_others_is_refused(tmp_path):
    token_file(tmp_path, mode=0o644)
    message = config_error(tmp_path, '[sync]\ntoken_file = "secrets/token.txt"\n')
    assert "sync.token_file" in message and "chmod 600" in message
    assert TOKEN not in message


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_unreadable_token_file(tmp_path):
    token_file(tmp_path, mode=0o000)
    message = config_error(tmp_path, '[sync]\ntoken_file = "secrets/token.txt"\n')
    assert "sync.token_file" in message and "cannot read" in message


def test_token_file_that_cannot_be_read(tmp_path, monkeypatch):
    """Also covers "unreadable" when the tests run as root, where chmod 000 does not stop reads."""
    path = token_file(tmp_path)
    real_read = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    message = config_error(tmp_path, '[sync]\ntoken_file = "secrets/token.txt"\n')
    assert "sync.token_file" in message and "Permission denied" in message


def test_token_file_that_is_a_directory(tmp_path):
    (tmp_path / "tokdir").mkdir(mode=0o700)
    message = config_error(tmp_path, '[sync]\ntoken_file = "tokdir"\n')
    assert "sync.token_file" in message and "not a regular file" in message


def test_missing_and_empty_token_file(tmp_path):
    message = config_error(tmp_path, '[sync]\ntoken_file = "nope.txt"\n')
    assert "sync.token_file" in message and "does not exist" in message
    token_file(tmp_path, content="  \n")
    message = config_error(tmp_path, '[sync]\ntoken_file = "secrets/token.txt"\n')
    assert "sync.token_file" in message and "empty" in message


@pytest.mark.parametrize(
    "text",
    ['[sync]\ntoken = "%s"\n' % TOKEN, 'sync_token = "%s"\n' % TOKEN],
    ids=["table", "flat"],
)
def test_token_may_not_be_written_in_the_file(tmp_path, text):
    message = config_error(tmp_path, text)
    assert "token" in message and "TUI_REGISTER_SYNC_TOKEN" in message
    assert TOKEN not in message


def test_token_not_accepted_as_override(tmp_path):
    message = config_error(tmp_path, overrides={"sync_token": TOKEN})
    assert "sync_token" in message and TOKEN not in message


def test_token_never_in_error_messages(tmp_path):
    """A token in the environment must not leak when something else is wrong."""
    env = {"TUI_REGISTER_SYNC_TOKEN": TOKEN, "TUI_REGISTER_SYNC_BATCH_SIZE": "many"}
    message = config_error(tmp_path, environ=env)
    assert "TUI_REGISTER_SYNC_BATCH_SIZE" in message and TOKEN not in message


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[sync]\nbatchsize = 10\n", "sync.batchsize", "not a known setting"),
        ("colour = 'red'\n", "colour", "not a known setting"),
        ("[database]\npath = 'a.db'\nfile = 'b.db'\n", "database.file", "not a known setting"),
        ("[sync]\nbatch_size = 0\n", "sync.batch_size", "from 1 to 5000"),
        ("[sync]\nbatch_size = 5001\n", "sync.batch_size", "from 1 to 5000"),
        ("[sync]\nbatch_size = '200'\n", "sync.batch_size", "whole number"),
        ("[sync]\nbatch_size = true\n", "sync.batch_size", "whole number"),
        ("sync_batch_size = 20.5\n", "sync_batch_size", "whole number"),
        ("[sync]\nread_timeout = 0\n", "sync.read_timeout", "greater than 0"),
        ("[sync]\ntotal_timeout = -1\n", "sync.total_timeout", "greater than 0"),
        ("[sync]\nconnect_timeout = inf\n", "sync.connect_timeout", "greater than 0"),
        ("[sync]\nendpoint = 'ftp://example.org'\n", "sync.endpoint", "http://"),
        ("[sync]\nendpoint = 'example.org/api'\n", "sync.endpoint", "http://"),
        ("[sync]\nendpoint = 'https://'\n", "sync.endpoint", "http://"),
        ("[office]\ncode = 'this-code-is-far-too-long'\n", "office.code", "at most 20"),
        ("[office]\ncode = 'GL 03'\n", "office.code", "at most 20"),
        ("[office]\ncode = 1203\n", "office.code", "text"),
        ("[ui]\nlanguage = 'fr'\n", "ui.language", "zh_CN or en"),
        ("[ui]\nescape_delay_ms = 2001\n", "ui.escape_delay_ms", "from 0 to 2000"),
        ("[ui]\nmouse = 'yes'\n", "ui.mouse", "true or false"),
        ("[ui.keys]\nquit = ''\n", "ui.keys.quit", "non-empty"),
        ("[database]\npath = 5\n", "database.path", "file path"),
        ("[database]\npath = ''\n", "database.path", "file path"),
        ("[visit_intervals]\nyoufu = -1\n", "visit_intervals.youfu", "days"),
        ("[visit_intervals]\nyoufu = 'often'\n", "visit_intervals.youfu", "days"),
        ("visit_intervals = 30\n", "visit_intervals", "table"),
        ("sync = 5\n", "sync", "table"),
        ("db_path = 'a.db'\n[database]\npath = 'b.db'\n", "database.path", "db_path"),
    ],
)
def test_file_errors_name_the_file_and_the_key(tmp_path, text, key, problem):
    message = config_error(tmp_path, text)
    assert message.startswith("configuration error in tui-register.toml: ")
    assert key in message and problem in message
    assert "\n" not in message


def test_unknown_key_suggests_the_right_one(tmp_path):
    message = config_error(tmp_path, "[sync]\nbatchsize = 10\n")
    assert "did you mean sync.batch_size?" in message


def test_message_matches_the_documented_wording(tmp_path):
    text = "[sync]\nbatch_size = 0\n"
    assert config_error(tmp_path, text) == (
        "configuration error in tui-register.toml: sync.batch_size must be a whole number from 1 to 5000"
    )
    i18n.set_language("zh_CN")
    assert config_error(tmp_path, text) == "配置错误 tui-register.toml: sync.batch_size 应为 1 到 5000 之间的整数"


def test_toml_syntax_error_gives_the_line(tmp_path):
    message = config_error(tmp_path, "[office]\ncode = 'GL'\nname = \n")
    assert "tui-register.toml" in message and "syntax error at line 3" in message
    i18n.set_language("zh_CN")
    assert "第 3 行" in config_error(tmp_path)


def test_file_not_utf8(tmp_path):
    (tmp_path / "tui-register.toml").write_bytes(b"office_name = '\xff'\n")
    assert "UTF-8" in config_error(tmp_path)


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "nope.toml", environ={}, cwd=tmp_path)
    assert "nope.toml" in str(info.value) and "does not exist" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"TUI_REGISTER_CONFIG": "gone.toml"}, cwd=tmp_path)
    assert "gone.toml" in str(info.value) and "TUI_REGISTER_CONFIG" in str(info.value)


def test_unreadable_config_file(tmp_path):
    (tmp_path / "conf.d").mkdir()
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "conf.d", environ={}, cwd=tmp_path)
    assert "conf.d" in str(info.value) and "cannot read" in str(info.value)


def test_missing_implicit_file_is_fine(tmp_path):
    assert load_settings(environ={}, cwd=tmp_path).office_code == ""


@pytest.mark.parametrize(
    ("var", "value", "problem"),
    [
        ("TUI_REGISTER_SYNC_BATCH_SIZE", "0", "from 1 to 5000"),
        ("TUI_REGISTER_SYNC_BATCH_SIZE", "lots", "whole number"),
        ("TUI_REGISTER_SYNC_ENDPOINT", "sync.example.org", "http://"),
        ("TUI_REGISTER_LANGUAGE", "de", "zh_CN or en"),
        ("TUI_REGISTER_MOUSE", "maybe", "true or false"),
        ("TUI_REGISTER_OFFICE_CODE", "bad code!", "at most 20"),
        ("TUI_REGISTER_SYNC_READ_TIMEOUT", "nan", "greater than 0"),
    ],
)
def test_env_errors_name_the_variable(tmp_path, var, value, problem):
    message = config_error(tmp_path, environ={var: value})
    assert message.startswith("configuration error in the environment: ")
    assert var in message and problem in message


def test_override_errors_name_the_field(tmp_path):
    message = config_error(tmp_path, overrides={"sync_batch_size": 0})
    assert message.startswith("configuration error in the command line: sync_batch_size ")
    message = config_error(tmp_path, overrides={"colour": "red"})
    assert "colour" in message and "not a known setting" in message


def test_error_language_follows_the_current_language(tmp_path):
    i18n.set_language("zh_CN")
    message = config_error(tmp_path, "[sync]\nendpoint = 'nope'\n")
    assert message.startswith("配置错误 tui-register.toml: sync.endpoint ")
    message = config_error(tmp_path / "no-file", environ={"TUI_REGISTER_SYNC_BATCH_SIZE": "0"})
    assert message.startswith("配置错误 环境变量: TUI_REGISTER_SYNC_BATCH_SIZE ")


def test_the_cash_ceiling_of_a_visit(tmp_path):
    assert load(tmp_path).visit_cash_ceiling == 2000
    assert load(tmp_path, "[visits]\ncash_ceiling = 5000\n").visit_cash_ceiling == 5000
    assert load(tmp_path, "visit_cash_ceiling = 0\n").visit_cash_ceiling == 0
    assert load(tmp_path / "e", environ={"TUI_REGISTER_VISIT_CASH_CEILING": "800"}).visit_cash_ceiling == 800
    message = config_error(tmp_path, "[visits]\ncash_ceiling = -1\n")
    assert "visits.cash_ceiling" in message and "0 to 9999999" in message


def test_key_youfu_names_become_codes(tmp_path):
    settings = load(tmp_path, '[categories]\nkey_youfu = ["烈属", "disabled_serviceman", "Veteran"]\n')
    assert settings.key_youfu == ["martyr_family", "disabled_serviceman", "veteran"]
    assert load(tmp_path / "env", environ={"TUI_REGISTER_KEY_YOUFU": "烈属, veteran"}).key_youfu == [
        "martyr_family", "veteran"]
    assert load(tmp_path / "none").key_youfu == []


@pytest.mark.parametrize("text, problem", [
    ('[categories]\nkey_youfu = ["烈士"]\n', "did you mean “烈属”?"),
    ('[categories]\nkey_youfu = "烈属"\n', "list of category names or codes"),
    ('[categories]\nkey_youfu = [1]\n', "list of category names or codes"),
])
def test_key_youfu_errors_name_the_key(tmp_path, text, problem):
    message = config_error(tmp_path, text)
    assert "categories.key_youfu" in message and problem in message
