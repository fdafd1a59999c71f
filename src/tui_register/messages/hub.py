"""Messages of the reference central endpoint (`tui-register hub`)."""

MESSAGES = {
    "hub.missing_extra": (
        "中心端需要的程序库 {module} 没有安装。请运行: pip install 'tui-register[hub]'(PostgreSQL 另加 [postgres])",
        "The hub needs the library {module}, which is not installed. Run: pip install 'tui-register[hub]' "
        "(add [postgres] for PostgreSQL)",
    ),
    "hub.cmd": ("中心端(参考实现):接收各办的同步", "the reference central endpoint that offices sync to"),
    "hub.cmd_serve": ("启动中心端 HTTP 服务", "run the central endpoint's HTTP server"),
    "hub.opt_host": ("监听地址(默认 127.0.0.1)", "address to listen on (default 127.0.0.1)"),
    "hub.opt_port": ("端口(默认 8700)", "port (default 8700)"),
    "hub.opt_db": (
        "中心数据库:SQLite 文件路径,或数据库 URL(如 postgresql://用户@主机/库)",
        "the hub's database: a SQLite file path or a database URL (e.g. postgresql://user@host/db)",
    ),
    "hub.cmd_add_office": ("登记一个办并生成其令牌(只显示一次)", "register an office and print its new token (shown once)"),
    "hub.cmd_revoke": ("吊销一个办的令牌", "revoke an office's token"),
    "hub.serving": ("中心端运行于 {url},数据库 {db}", "Central endpoint at {url}, database {db}"),
    "hub.office_added": (
        "已登记 {code}。下面是它的令牌,只显示这一次:请写入该办的令牌文件(权限 600)。中心只保存令牌的摘要。",
        "{code} registered. Its token follows and is shown only now: put it in the office's token file (chmod 600). The hub keeps only a hash of it.",
    ),
    "hub.office_revoked": ("已吊销 {code} 的令牌;其记录仍保留", "The token of {code} is revoked; its records are kept"),
    "hub.bad_code": ("办代码 {code} 无效:最多 20 个字母、数字、- 或 _", "invalid office code {code}: up to 20 letters, digits, - or _"),
    "hub.office_exists": (
        "{code} 已登记且令牌有效;如需新令牌,请先吊销(hub revoke)",
        "{code} is already registered with a valid token; revoke it first (hub revoke) to issue a new one",
    ),
    "hub.no_such_office": ("没有令牌有效的办 {code}", "there is no office {code} with a valid token"),
    "hub.no_driver": (
        "无法打开 {target}:未安装该数据库的驱动(PostgreSQL 请安装 tui-register[postgres])",
        "cannot open {target}: its database driver is not installed (for PostgreSQL install tui-register[postgres])",
    ),
    "hub.cannot_open": ("无法打开中心数据库 {target}:{detail}", "cannot open the hub database {target}: {detail}"),
    "hub.conflict": ("中心现存第 {version} 版,与此变更所依据的版本不同", "the hub holds version {version}, not the one this change is based on"),
    "hub.rejected.unknown_entity": ("中心不接收此类记录:{entity}", "the hub does not take records of kind {entity}"),
    "hub.rejected.bad_change": (
        "变更与其快照不符(记录编号、版本或类型)",
        "the change does not match its snapshot (record id, version or kind)",
    ),
    "hub.rejected.invalid_snapshot": ("记录未通过校验:{problems}", "the record failed validation: {problems}"),
    "hub.error.unauthorized": ("缺少令牌,或令牌无效、已吊销", "missing, unknown or revoked token"),
    "hub.error.office_mismatch": ("此令牌不能为办 {office} 写入", "this token may not write for office {office}"),
    "hub.error.other_office": ("此令牌只能查看本办的数据", "this token may only see its own office"),
    "hub.error.too_large": ("请求过大(上限 {max_bytes} 字节)", "the request is too large (at most {max_bytes} bytes)"),
    "hub.error.too_many_changes": (
        "一个批次最多 {max_changes} 条变更", "a batch may hold at most {max_changes} changes"),
    "hub.error.busy": ("中心数据库正忙,请稍后重发", "the hub's database is busy; send again shortly"),
    "hub.error.internal": ("中心内部错误", "internal error at the hub"),
    "hub.error.in_change": ("第 {index} 条变更(seq {seq})", "change {index} (seq {seq}) "),
    "hub.error.bad_gzip": ("请求内容不是有效的 gzip 数据", "the body is not valid gzip"),
    "hub.error.invalid_batch": (
        "批次格式有误({problems} 处):{detail}", "the batch is malformed ({problems} problems): {detail}"),
    "hub.error.idempotency_key": ("Idempotency-Key 必须等于批次编号", "Idempotency-Key must equal the batch id"),
    "hub.error.idempotency_reused": (
        "此批次编号已用于内容不同的批次",
        "this batch id was already used for a batch with different content",
    ),
    "hub.error.unavailable": ("中心数据库暂不可用", "the hub's database is not available"),
}
