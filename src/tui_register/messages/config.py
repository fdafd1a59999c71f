"""Messages of the configuration loader (`tui_register.config`).

Every problem message starts with the key as the user wrote it ({key}) so that
it reads as one sentence after "configuration error in <source>:".
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # Frame of every ConfigError: where, then what.
    "config.error": ("配置错误 {source}: {problem}", "configuration error in {source}: {problem}"),
    "config.source.env": ("环境变量", "the environment"),
    "config.source.cli": ("命令行", "the command line"),
    # The configuration file itself.
    "config.file_missing": ("配置文件不存在", "the file does not exist"),
    "config.file_missing_env": (
        "环境变量 TUI_REGISTER_CONFIG 指定的配置文件不存在",
        "the file named by TUI_REGISTER_CONFIG does not exist",
    ),
    "config.file_unreadable": ("无法读取配置文件（{reason}）", "cannot read the file ({reason})"),
    "config.file_not_utf8": ("配置文件不是 UTF-8 编码的文本", "the file is not UTF-8 text"),
    "config.syntax": (
        "第 {line} 行有 TOML 语法错误（{detail}）",
        "TOML syntax error at line {line} ({detail})",
    ),
    "config.syntax_no_line": ("TOML 语法错误（{detail}）", "TOML syntax error ({detail})"),
    # Keys.
    "config.unknown_key": ("{key} 不是已知的配置项", "{key} is not a known setting"),
    "config.unknown_key_hint": (
        "{key} 不是已知的配置项（是否应为 {hint}？）",
        "{key} is not a known setting (did you mean {hint}?)",
    ),
    "config.not_table": ("{key} 应为表，例如 [{key}]", "{key} must be a table, e.g. [{key}]"),
    "config.duplicate": (
        "{key} 与 {other} 是同一项，只能设置其中一个",
        "{key} and {other} are the same setting; set only one of them",
    ),
    "config.token_not_allowed": (
        "{key} 不能在这里设置；同步令牌只能来自环境变量 TUI_REGISTER_SYNC_TOKEN 或 sync.token_file 指定的文件",
        "{key} cannot be set here; the sync token may only come from the TUI_REGISTER_SYNC_TOKEN "
        "environment variable or the file named by sync.token_file",
    ),
    # Values, one message per setting (wrong type and out of range read the same).
    "config.problem.path": ("{key} 应为非空的文件路径（文本）", "{key} must be a non-empty file path (text)"),
    "config.problem.office_code": (
        "{key} 应为文本，最多 20 个字符，只能包含字母、数字、- 和 _",
        "{key} must be text of at most 20 letters, digits, - or _",
    ),
    "config.problem.text": ("{key} 应为文本", "{key} must be text"),
    "config.problem.key_youfu_name": ("{key}：{problem}", "{key}: {problem}"),
    "config.problem.key_youfu": ("{key} 应为对象类别名称或代码的列表，如 [\"烈属\", \"残疾军人\"]",
                                 "{key} must be a list of category names or codes, e.g. [\"martyr_family\", \"veteran\"]"),
    "config.problem.language": ("{key} 应为 zh_CN 或 en", "{key} must be zh_CN or en"),
    "config.problem.sync_endpoint": (
        "{key} 应为以 http:// 或 https:// 开头的网址",
        "{key} must be a URL starting with http:// or https://",
    ),
    "config.problem.sync_batch_size": (
        "{key} 应为 1 到 5000 之间的整数",
        "{key} must be a whole number from 1 to 5000",
    ),
    "config.problem.timeout": (
        "{key} 应为大于 0 的秒数",
        "{key} must be a number of seconds greater than 0",
    ),
    "config.problem.escape_delay_ms": (
        "{key} 应为 0 到 2000 之间的整数（毫秒）",
        "{key} must be a whole number of milliseconds from 0 to 2000",
    ),
    "config.problem.cash_ceiling": (
        "{key} 应为 0 到 9999999 之间的整数（元，0 表示不设上限）",
        "{key} must be a whole number of yuan from 0 to 9999999 (0: no ceiling)",
    ),
    "config.problem.mouse": ("{key} 应为 true 或 false", "{key} must be true or false"),
    "config.problem.visit_intervals": (
        "{key} 应为表，每项为 类别代码或分组 = 天数",
        "{key} must be a table of category code or group = days",
    ),
    "config.problem.visit_interval": (
        "{key} 应为 0 到 3650 之间的整数天数（0 表示不需要定期走访）",
        "{key} must be a whole number of days from 0 to 3650 (0 means never)",
    ),
    "config.problem.keys": (
        "{key} 应为表，每项为 操作 = 按键",
        "{key} must be a table of action = key",
    ),
    "config.problem.key": ("{key} 应为非空的按键名称", "{key} must be a non-empty key name"),
    # The sync token file.
    "config.token_file.missing": (
        "{key} 指定的令牌文件 {path} 不存在",
        "{key}: the token file {path} does not exist",
    ),
    "config.token_file.not_file": (
        "{key} 指定的 {path} 不是普通文件",
        "{key}: {path} is not a regular file",
    ),
    "config.token_file.too_open": (
        "{key} 指定的令牌文件 {path} 可被其他用户读取或写入，请执行 chmod 600 {path}",
        "{key}: the token file {path} can be read or written by other users; run chmod 600 {path}",
    ),
    "config.token_file.unreadable": (
        "{key} 指定的令牌文件 {path} 无法读取（{reason}）",
        "{key}: cannot read the token file {path} ({reason})",
    ),
    "config.token_file.not_utf8": (
        "{key} 指定的令牌文件 {path} 不是 UTF-8 文本",
        "{key}: the token file {path} is not UTF-8 text",
    ),
    "config.token_file.empty": (
        "{key} 指定的令牌文件 {path} 是空的",
        "{key}: the token file {path} is empty",
    ),
}
