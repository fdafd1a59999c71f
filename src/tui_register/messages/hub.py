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
    # --- the county's workbook: `hub report summary`
    "hub.cmd_report": ("从中心数据库生成全县统计工作簿", "write the county's workbook from the hub's database"),
    "hub.cmd_report_long": (
        "hub report summary:按办及全县的统计汇总(在册户数人数、各类别、走访人次与慰问金、应发实发、志愿服务),"
        "以及各办的同步情况",
        "hub report summary: the summary figures per office and for the county (households and persons on the "
        "register, per category, visits and cash, amounts due and paid, volunteers) and every office's syncs",
    ),
    "hub.opt_office": ("只统计这些办(办代码,可写多个;默认全部)", "only these offices (codes, several allowed; default all)"),
    "hub.opt_out": ("输出文件(默认在导出目录下自动命名)", "output file (default: a new name in the export folder)"),
    "hub.report.progress": ("正在生成全县统计", "writing the county's workbook"),
    "hub.report.no_database": (
        "中心数据库 {target} 不存在;请检查路径", "the hub database {target} does not exist; check the path"),
    "hub.report.unknown_office": (
        "中心没有办 {code};已登记的办:{known}", "the hub has no office {code}; registered offices: {known}"),
    "hub.report.title": ("全县统计汇总（各办）", "County summary by office"),
    "hub.report.offices": ("{n} 个办：{codes}", "offices ({n}): {codes}"),
    "hub.report.as_of": ("中心数据截至 {time}", "hub data as of {time}"),
    "hub.report.sheet.offices": ("按办汇总", "By office"),
    "hub.report.sheet.office_categories": ("按办按类别", "By office and category"),
    "hub.report.sheet.county_categories": ("全县按类别", "County by category"),
    "hub.report.sheet.sync": ("同步情况", "Syncs"),
    "hub.report.col.office": ("办", "Office"),
    "hub.report.col.token": ("令牌", "Token"),
    "hub.report.col.last_sync": ("最近同步", "Last sync"),
    "hub.report.col.days_since": ("距今天数", "Days since"),
    "hub.report.col.attention": ("需关注", "Attention"),
    "hub.report.col.run_start": ("最近一次同步开始", "Last run from"),
    "hub.report.col.run_batches": ("批次数", "Batches"),
    "hub.report.col.run_changes": ("变更数", "Changes"),
    "hub.report.col.applied": ("已接收", "Applied"),
    "hub.report.col.duplicates": ("重复", "Duplicates"),
    "hub.report.col.conflicts": ("冲突", "Conflicts"),
    "hub.report.col.rejected": ("被拒", "Rejected"),
    "hub.report.col.refused_open": ("被拒未收（待办处理）", "Refused, not taken since"),
    "hub.report.active": ("有效", "valid"),
    "hub.report.revoked": ("已吊销", "revoked"),
    "hub.report.never": ("从未同步", "never"),
    "hub.report.attention.never": ("从未同步", "never synced"),
    "hub.report.attention.late": ("已 {days} 天未同步", "no sync for {days} days"),
    "hub.report.attention.refused": ("最近一次有被拒变更", "changes refused in the last run"),
    "hub.report.sync_note": (
        "最近同步:中心最近收到该办批次的时间;{days} 天以上未同步的办标为需关注。最近一次同步:间隔不到半小时的连续批次。"
        "被拒未收:最近一次变更被中心拒收(冲突或未通过校验)、此后中心也未收到其新变更的记录数,即该办隔离区中待处理的记录;"
        "办里修改后重发并被接收的不再计入;由主管放弃且此后未再修改的,中心无从得知,仍计在内。",
        "Last sync: when the hub last took a batch from the office; offices with none for {days} days or more "
        "are marked. Last run: consecutive batches less than half an hour apart. Refused, not taken since: "
        "records whose latest change the hub refused (conflict or failed checks) and which it has had no change "
        "of since, i.e. the office's open quarantine; a record edited and sent again is no longer counted once "
        "the hub takes it; one a supervisor dismissed and nobody edited since is not announced to the hub and "
        "stays counted.",
    ),
}
