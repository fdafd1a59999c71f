"""Messages of the sync client (`tui-register sync`, the interface's Sync section)."""

MESSAGES = {
    "sync.cmd": ("把本办的变更同步到中心(县级平台)", "send this office's changes to the central endpoint"),
    "sync.cmd_description": (
        "把尚未发送的变更分批发送到中心。退出码:0 全部发送;1 有变更被隔离;2 配置错误或令牌被拒;3 无法连接中心或已放弃(未发送的变更仍在队列中)。",
        "Send the pending changes to the centre in batches. Exit status: 0 all sent; 1 some changes are quarantined; 2 configuration error or token refused; 3 the centre could not be reached or the run gave up (what was not sent stays queued).",
    ),
    "sync.opt_dry_run": ("只显示将要发送的内容,不发送", "show what would be sent; send nothing"),
    "sync.cmd_status": ("显示待发送变更、最近几次同步和隔离列表", "show pending changes, recent runs and the quarantine"),
    "sync.cmd_dismiss": ("放弃一条被隔离的变更(仅管理员)", "dismiss a quarantined change (supervisors only)"),
    "sync.opt_seq": ("变更序号(见 tui-register sync status)", "the change's number (see tui-register sync status)"),
    "sync.progress": ("正在同步", "syncing"),
    "sync.summary": (
        "同步:已发送 {sent} 条,已接收 {applied},重复 {duplicates},冲突 {conflicts},拒收 {rejected},仍待发送 {pending}",
        "sync: sent {sent}, applied {applied}, duplicates {duplicates}, conflicts {conflicts}, rejected {rejected}, still pending {pending}",
    ),
    "sync.not_configured": (
        "同步尚未配置,缺少:{missing}。请在 tui-register.toml 或环境变量中设置。",
        "Sync is not set up; missing: {missing}. Set them in tui-register.toml or in the environment.",
    ),
    "sync.insecure_endpoint": (
        "中心地址 {endpoint} 不是 https:令牌不能以明文在网络上传输(仅本机地址可用 http)。",
        "The endpoint {endpoint} is not https: the token must not cross the network in clear (http is allowed for this machine only).",
    ),
    "sync.busy": (
        "另一个同步正在进行(同一数据库同时只能有一个同步),本次未发送任何内容,请稍后再试。",
        "Another sync of this database is running; this one sent nothing. Try again later.",
    ),
    "sync.unreachable": (
        "无法连接中心,多次重试后已放弃:{detail}。未发送的变更仍在队列中,下次同步时发送。",
        "The centre could not be reached; gave up after retrying: {detail}. What was not sent stays queued for the next run.",
    ),
    "sync.token_refused": (
        "中心不认这个令牌(HTTP {status}):令牌有误或已被吊销。请检查 TUI_REGISTER_SYNC_TOKEN 或令牌文件(权限 600)"
        "里的令牌是否与中心发给本办的一致;只有令牌被吊销时才需向中心索取新令牌。变更仍在队列中。",
        "The centre does not know this token (HTTP {status}): it is wrong or was revoked. Check that the token in "
        "TUI_REGISTER_SYNC_TOKEN or the token file (chmod 600) is the one the centre issued to this office; ask for "
        "a new one only if it was revoked. The changes stay queued.",
    ),
    "sync.office_refused": (
        "中心拒绝以办代码 {office} 写入(HTTP {status}):令牌属于另一个办。请检查办代码"
        "(TUI_REGISTER_OFFICE_CODE 或 [office] code)是否写对,以及令牌是否为本办的。改正后再同步即可,变更仍在队列中。",
        "The centre refused to take changes for office code {office} (HTTP {status}): the token belongs to another "
        "office. Check the office code (TUI_REGISTER_OFFICE_CODE or [office] code) and that the token is this "
        "office's. Once corrected, sync again: the changes stay queued.",
    ),
    "sync.batch_refused": (
        "中心拒收整批变更(HTTP {status}:{detail}),可能是程序版本不匹配。未发送的变更仍在队列中,请联系技术支持。",
        "The centre refused the whole batch (HTTP {status}: {detail}), perhaps a version mismatch. What was not sent stays queued; contact support.",
    ),
    "sync.time_limit": (
        "已达到同步总时限,本次停止。未发送的变更仍在队列中,下次同步时继续。",
        "The run reached its overall time limit and stopped. What was not sent stays queued for the next run.",
    ),
    "sync.quarantine_hint": (
        "有 {n} 条变更被中心拒收而隔离,详见 tui-register sync status。",
        "{n} changes refused by the centre are in quarantine: see tui-register sync status.",
    ),
    "sync.reason.version_conflict": (
        "版本冲突:本办的第 {version} 版所依据的版本与中心现存的第 {hub_version} 版不一致(中心的记录可能在别处被修改过)。请核对后修改此记录,或由管理员放弃此变更。",
        "Version conflict: this office's version {version} was not based on the centre's current version {hub_version} (the centre's record may have been changed elsewhere). Check and edit the record, or have a supervisor dismiss this change.",
    ),
    "sync.reason.invalid_snapshot": (
        "中心校验未通过:{problems}。请修改此记录,修改后会自动重新发送。",
        "The centre found problems: {problems}. Edit the record; it is sent again after the edit.",
    ),
    "sync.reason.unknown_entity": ("中心不接收此类记录({entity})", "The centre does not take this kind of record ({entity})"),
    "sync.reason.too_large": (
        "此记录超过中心允许的大小,无法发送。请精简内容(如备注)后保存,或由管理员放弃此变更。",
        "This record is over the centre's size limit. Shorten it (the notes, say) and save, or have a supervisor dismiss this change.",
    ),
    "sync.reason.other": ("中心拒收({reason}):{detail}", "Refused by the centre ({reason}): {detail}"),
    "sync.not_quarantined": ("序号为 {seq} 的变更不在隔离列表中", "change {seq} is not in the quarantine"),
    "sync.dismissed": ("已放弃变更 {seq};该记录之后的变更将照常发送", "Change {seq} dismissed; the record's later changes will be sent"),
    "sync.not_set": ("(未设置)", "(not set)"),
    "sync.dry_endpoint": ("中心:{endpoint},本办代码:{office}", "Centre: {endpoint}, office code: {office}"),
    "sync.dry_pending": ("将发送 {n} 条变更,约 {batches} 批:", "{n} changes would be sent in about {batches} batches:"),
    "sync.dry_unanswered": (
        "其中 {n} 批已记录但尚未得到中心答复,将原样重发",
        "{n} recorded batches have no answer yet and would be resent as they are",
    ),
    "sync.dry_quarantine": ("隔离中的变更:{n} 条", "Changes in quarantine: {n}"),
    "sync.status_pending": ("待发送变更:{n} 条", "Pending changes: {n}"),
    "sync.status_runs": ("最近的同步:", "Recent runs:"),
    "sync.run_unfinished": ("未完成", "unfinished"),
    "sync.status_quarantine": ("隔离列表:{n} 条", "Quarantine: {n}"),
    "sync.quarantine_line": (
        "#{seq} {entity}「{label}」:{message}(其后等待的变更 {waiting} 条)",
        "#{seq} {entity} \"{label}\": {message} ({waiting} later changes waiting)",
    ),
}
