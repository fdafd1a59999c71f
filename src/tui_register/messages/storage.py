"""Messages of the storage layer: refused writes and database problems."""

MESSAGES = {
    "storage.error": ("数据库操作失败", "the database operation failed"),
    "storage.busy": (
        "数据库正忙(其他人正在保存),请稍后再试。本次未保存,您输入的内容仍然保留。",
        "The database is busy (someone else is saving): try again in a moment. Nothing was saved; what you typed is kept.",
    ),
    "storage.not_found": ("找不到该记录(可能已被他人更改)", "the record was not found (someone may have changed it)"),
    "storage.conflict": (
        "保存未成功:此记录已于 {when} 被 {who} 修改(现为第 {version} 版)。请重新载入或比对后再保存,您输入的内容仍然保留。",
        "Not saved: {who} changed this record at {when} (now version {version}). Reload or compare, then save again; what you typed is kept.",
    ),
    "storage.not_staff": (
        "账号 {user} 不在本系统工作人员名单中,只能查看,不能修改。请联系管理员用 tui-register staff add 添加。",
        "The login {user} is not on this register's staff list: you can read but not change anything. Ask a supervisor to add you with tui-register staff add.",
    ),
    "storage.staff_disabled": (
        "账号 {user} 已被停用,只能查看,不能修改。",
        "The login {user} has been disabled: you can read but not change anything.",
    ),
    "storage.not_supervisor": (
        "此操作仅限管理员(supervisor),账号 {user} 无此权限。",
        "Only a supervisor may do this; the login {user} is not one.",
    ),
    "storage.duplicate_id": (
        "该身份证号已登记:{name}(住址:{address})",
        "This ID number is already registered: {name} (address: {address})",
    ),
    "storage.head_exists": ("该户已有户主:{name}", "This household already has a head: {name}"),
    "storage.not_member": ("{name} 不是该户成员", "{name} is not a member of this household"),
    "storage.move_not_here": ("人员迁户请用迁出/迁入办理", "Moving a person to another household is done by moving out and in"),
    "storage.bad_status": ("无效的状态:{status}", "invalid status: {status}"),
    "storage.end_before_start": ("结束日期不能早于开始日期", "the end date cannot be before the start date"),
    "storage.held_after_departure": ("{name} 已于 {date} 死亡或迁出,享受类别须在此日期前结束(此后开始的请作废)", "{name} died or moved out on {date}: a membership must end by then (void one that starts later)"),
    "storage.already_voided": ("该记录已作废", "this record is already voided"),
    "storage.already_visited_campaign": (
        "该户在本次活动中已于 {date} 走访（{visitors}，慰问金 {cash}），不能再登记一次；如需更正请修改那次走访",
        "This household was already visited in this campaign on {date} ({visitors}, cash {cash}); "
        "correct that visit instead of adding another"),
    "storage.already_target": ("该户已在本次活动名单中", "This household is already on the campaign's list"),
    "storage.duplicate_volunteer": ("该志愿者已登记:{name}", "This volunteer is already registered: {name}"),
    "storage.already_participant": ("{name} 已在参加人员中", "{name} already takes part in this activity"),
    "storage.bad_role": ("角色应为 clerk(工作人员)或 supervisor(管理员),而不是 {role}", "the role must be clerk or supervisor, not {role}"),
    "storage.no_such_staff": ("工作人员名单中没有账号 {login}", "there is no staff login {login}"),
    "storage.disable_self": ("不能停用自己的账号", "you cannot disable your own login"),
    "check.integrity": ("完整性检查:{detail}", "integrity: {detail}"),
    "check.foreign_key": ("外键:{table} 第 {rowid} 行引用的 {parent} 不存在", "foreign key: {table} row {rowid} refers to a missing {parent}"),
    "check.no_log": ("{entity} {uuid}:没有变更日志记录", "{entity} {uuid}: no change-log entry"),
    "check.version": ("{entity} {uuid}:版本为 {version},变更日志为 {logged}", "{entity} {uuid}: version {version}, change log says {logged}"),
    "check.differs": ("{entity} {uuid}:内容与变更日志不符(是否在程序外被修改?)", "{entity} {uuid}: differs from its change-log entry (changed outside the program?)"),
    "check.orphan_log": ("{entity} {uuid}:变更日志中有,台账中却没有(是否被删除?)", "{entity} {uuid}: in the change log but not in the register (deleted?)"),
    "check.derived": ("户 {uuid}:{column} 为 {stored},按成员、类别和走访记录应为 {expected}", "household {uuid}: {column} is {stored}, its members, categories and visits give {expected}"),
    "check.held_after_departure": ("类别 {uuid}:{name} 已于 {date} 死亡或迁出,该类别在此日期后仍然有效", "membership {uuid}: {name} died or moved out on {date}, yet the membership is in force after that date"),
    "check.campaign_visits": ("户 {uuid}:在活动「{campaign}」中有 {n} 条有效走访记录(每户每次活动只能有一条)", "household {uuid}: {n} valid visits in the campaign {campaign} (one per household and campaign)"),
    "check.version_gap": ("变更日志 {seq}:{uuid} 的版本从 {prev} 跳到 {version}", "change log {seq}: {uuid} goes from version {prev} to {version}"),
    "db.schema_files": ("程序安装不完整:数据库结构文件编号有误 {versions}", "the installation is damaged: schema files are numbered {versions}"),
    "db.missing": ("数据库 {path} 不存在", "there is no database at {path}"),
    "db.cannot_open": ("无法打开数据库 {path}:{detail}", "cannot open the database {path}: {detail}"),
    "db.too_new": ("数据库 {path} 的结构版本为 {version},比本程序支持的 {supported} 新,请升级 tui-register", "{path} has schema version {version}, newer than this program supports ({supported}): upgrade tui-register"),
    "db.migration_failed": ("升级数据库结构到第 {version} 版失败,数据库未作改动:{detail}", "upgrading the schema to version {version} failed; the database is unchanged: {detail}"),
    "db.exists": ("{path} 已存在,不会覆盖", "{path} already exists; it is not overwritten"),
    "db.copy_damaged": ("备份 {path} 未通过完整性检查:{detail}", "the copy at {path} failed its integrity check: {detail}"),
    # --- payments (发放) ---
    "storage.standard_before_round": (
        "发放批次 {round} 已审核,新标准自 {valid_from} 起会改变它;已审核的批次不再修改,请把新标准的日期定在其后,差额用更正批次补发",
        "payment round {round} is approved and a standard from {valid_from} would change it; approved rounds are never "
        "changed: date the standard after it and pay the difference in a correction round",
    ),
    "storage.no_round": ("没有编号或名称为「{ref}」的发放批次", "no payment round numbered or named \"{ref}\""),
    "storage.round_exists": (
        "{category} {period} 已有发放批次 {round};同一类别同一期间不能再建一个(更正请建更正批次)",
        "{category} already has payment round {round} for {period}; make a correction round to correct it",
    ),
    "storage.round_not_draft": ("发放批次 {round} 已审核,不能再修改;更正请在以后的批次中新增补发或扣回",
                                "payment round {round} is approved and is not changed again; correct it with a new line in a later round"),
    "storage.round_not_approved": ("发放批次 {round} 还没有审核(或已结束)", "payment round {round} is not approved (or is closed)"),
    "storage.approve_own_round": (
        "发放批次 {round} 是您制作的,需由另一位管理员审核(只有一位管理员的单位可在配置中设 [payments] single_supervisor = true)",
        "you prepared payment round {round}: another supervisor approves it (an office with one supervisor sets "
        "[payments] single_supervisor = true)",
    ),
    "storage.round_has_problems": ("发放批次 {round} 有 {n} 行有问题(如 {first}),请先处理或剔除",
                                   "payment round {round} has {n} lines with problems (e.g. {first}): fix or exclude them first"),
    "storage.line_not_payable": ("{recipient} 这一行已剔除,不发放", "the line of {recipient} is excluded: nothing is paid"),
    "storage.stop_line": ("停发行只作提示,不能恢复发放", "a stop line is a note: it cannot be paid"),
    "storage.correct_draft": ("批次 {round} 还是草稿,直接修改金额即可", "round {round} is a draft: change the amount there"),
    "storage.not_correction_round": ("{round} 不是草稿状态的更正批次", "{round} is not a draft correction round"),
    "storage.line_of_other_round": ("{recipient} 这一行不属于该批次", "the line of {recipient} belongs to another round"),
    "payment.problem.no_account": ("没有收款账户", "no payment account"),
    "payment.problem.account_closed": ("收款账户已注销", "the payment account is closed"),
    # --- housing repair stage (domain/assistance.py) ---
    "storage.not_a_repair": ("只有危房户（危房改造）才有改造进度", "only a housing repair (unsafe house) has a stage"),
    "storage.stage_backwards": ("改造进度只能向前推进（鉴定、施工、验收），现在已是「{current}」，不能改回「{new}」",
                                "a repair moves forward only (appraisal, construction, acceptance): "
                                "it is at \"{current}\" and cannot go back to \"{new}\""),
    # --- data-check outcomes (storage/checks.py) ---
    "storage.not_a_data_check": ("只有有效的数据核查走访才能记录核查结果", "only a valid data-check visit records check outcomes"),
    "storage.check_outcome_exists": ("{name} 在这次核查中已有核查结果", "{name} already has an outcome for this data check"),
}
