"""Every UI string, in Chinese (default) and English. Pages call `t(key)`; no page holds text."""

from __future__ import annotations

LANGUAGES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "易地扶贫搬迁就业监测", "en": "Relocation Employment Monitor"},
    "language": {"zh": "语言 Language", "en": "Language 语言"},
    "nav_overview": {"zh": "就业总览", "en": "Overview"},
    "nav_imports": {"zh": "导入记录", "en": "Import history"},
    "section_dashboard": {"zh": "看板", "en": "Dashboard"},
    "section_data": {"zh": "数据", "en": "Data"},
    # --- accounts, roles, sign-in, audit (issue 6) ---
    "section_admin": {"zh": "管理", "en": "Administration"},
    "nav_upload": {"zh": "台账上传", "en": "Upload ledgers"},
    "nav_users": {"zh": "用户管理", "en": "Users"},
    "nav_audit": {"zh": "审计日志", "en": "Audit log"},
    "nav_sign_in": {"zh": "登录", "en": "Sign in"},
    "role_leader": {"zh": "县领导", "en": "Leader"},
    "role_analyst": {"zh": "分析员", "en": "Analyst"},
    "role_township": {"zh": "乡镇干部", "en": "Township officer"},
    "role_captain": {"zh": "楼长", "en": "Building captain"},
    "role_clerk": {"zh": "录入员", "en": "Clerk"},
    "role_admin": {"zh": "管理员", "en": "Administrator"},
    "signin_title": {"zh": "登录", "en": "Sign in"},
    "signin_username": {"zh": "用户名", "en": "User name"},
    "signin_password": {"zh": "密码", "en": "Password"},
    "signin_submit": {"zh": "登录", "en": "Sign in"},
    "signin_failed": {
        "zh": "用户名或密码不正确。",
        "en": "The user name or password is not correct.",
    },
    "signin_locked": {
        "zh": "登录失败次数过多，请于 {until} 后再试，或请管理员重置密码。",
        "en": "Too many failed sign-ins: try again after {until}, or ask an administrator "
        "to reset the password.",
    },
    "signin_sso": {"zh": "单点登录", "en": "Single sign-on"},
    "signin_sso_unknown": {
        "zh": "单点登录的账号 {name} 未在本系统开通，请联系管理员。",
        "en": "The single sign-on account {name} has no user here: ask an administrator.",
    },
    "signin_demo": {"zh": "演示账号（一键登录）", "en": "Demo accounts (one click)"},
    "signin_demo_note": {
        "zh": "演示模式：正式部署请设置 DEMO_SIGN_IN=0 关闭一键登录。",
        "en": "Demo mode: a real deployment turns one-click sign-in off with DEMO_SIGN_IN=0.",
    },
    "page_failed": {
        "zh": "出错了，已记录。请重试；若一再出现，请把编号 {reference} 告诉管理员。",
        "en": "Something went wrong; it has been logged. Try again; if it keeps happening, give"
        " the administrator the reference {reference}.",
    },
    "signin_demo_off": {
        "zh": "库中有演示县以外的数据：一键演示登录已关闭，请用账号密码登录。",
        "en": "The store holds more than the demo county: one-click demo sign-in is off;"
        " sign in with a user name and password.",
    },
    "signin_no_users": {
        "zh": "尚无用户。请在服务器上运行 python -m data user add 用户名 --role admin 创建管理员。",
        "en": "No users yet. On the server, run python -m data user add NAME --role admin "
        "to create the first administrator.",
    },
    "signed_in_as": {"zh": "{name} · {role}", "en": "{name} · {role}"},
    "demo_badge": {"zh": "演示账号", "en": "Demo account"},
    "sign_out": {"zh": "退出登录", "en": "Sign out"},
    "scope_label": {"zh": "范围：{places}", "en": "Scope: {places}"},
    "scope_none": {
        "zh": "您的账号尚未分配范围，看不到任何数据。请联系管理员。",
        "en": "Your account has no places assigned, so it sees no data. Ask an administrator.",
    },
    "full_view": {"zh": "显示完整身份证号和电话", "en": "Show full ID numbers and phones"},
    "full_view_help": {
        "zh": "仅限有权限的角色；开启后导出的文件含完整信息，并记入审计日志。",
        "en": "Only for roles allowed to; exports then hold full numbers and are recorded "
        "in the audit log.",
    },
    "not_in_scope": {
        "zh": "您无权查看 {place}，或它不存在。",
        "en": "{place} is outside your scope, or does not exist.",
    },
    "scope_no_data": {
        "zh": "您的范围内还没有台账数据。",
        "en": "There are no ledger records in your scope yet.",
    },
    "empty_ask_clerk": {
        "zh": "数据库还是空的：请录入员上传本县台账。",
        "en": "The store is empty: a clerk needs to upload the county's ledgers.",
    },
    "read_only": {
        "zh": "您的角色只能查看，不能更新状态或填写跟进记录。",
        "en": "Your role may view this building, not update statuses or write notes.",
    },
    "bld_pack_full": {
        "zh": "完整显示模式：会议材料含完整身份证号和电话，下载将记入审计日志。",
        "en": "Full view: the pack holds full ID numbers and phones; the download is recorded.",
    },
    "audit_all": {"zh": "全部", "en": "All"},
    "audit_empty": {"zh": "还没有任何记录。", "en": "Nothing recorded yet."},
    "audit_at": {"zh": "时间", "en": "When"},
    "audit_user": {"zh": "用户", "en": "User"},
    "audit_action": {"zh": "操作", "en": "Action"},
    "audit_detail": {"zh": "内容", "en": "Detail"},
    "audit_batch": {"zh": "批次", "en": "Batch"},
    "audit_days": {"zh": "日期", "en": "Dates"},
    "audit_count": {"zh": "共 {total} 条，显示 {shown} 条", "en": "{shown} of {total} shown"},
    "audit_sign_in": {"zh": "登录", "en": "Sign-in"},
    "audit_sign_in_failed": {"zh": "登录失败", "en": "Failed sign-in"},
    "audit_sign_in_locked": {"zh": "登录被锁定", "en": "Sign-in locked"},
    "audit_sign_in_throttled": {
        "zh": "登录失败过多（不再逐条记录）",
        "en": "Too many failed sign-ins (no longer listed one by one)",
    },
    "audit_sign_out": {"zh": "退出登录", "en": "Sign-out"},
    "audit_session_expired": {"zh": "会话超时", "en": "Session expired"},
    "audit_session_ended": {"zh": "会话终止", "en": "Session ended"},
    "audit_import": {"zh": "导入", "en": "Import"},
    "audit_undo": {"zh": "撤销导入", "en": "Undo"},
    "audit_status_update": {"zh": "状态更新", "en": "Status update"},
    "audit_note": {"zh": "跟进记录", "en": "Follow-up note"},
    "audit_export": {"zh": "导出（脱敏）", "en": "Export (masked)"},
    "audit_export_full": {"zh": "导出（完整个人信息）", "en": "Export (full personal data)"},
    "audit_user_add": {"zh": "新建用户", "en": "User added"},
    "audit_user_passwd": {"zh": "重置密码", "en": "Password set"},
    "audit_user_disable": {"zh": "停用用户", "en": "User disabled"},
    "audit_user_enable": {"zh": "启用用户", "en": "User enabled"},
    "users_display_name": {"zh": "姓名", "en": "Display name"},
    "users_role": {"zh": "角色", "en": "Role"},
    "users_places": {"zh": "范围", "en": "Places"},
    "users_disabled": {"zh": "已停用", "en": "Disabled"},
    "users_created": {"zh": "创建时间", "en": "Created"},
    "users_password_changed": {"zh": "密码更新时间", "en": "Password set"},
    "users_add": {"zh": "新建用户", "en": "Add a user"},
    "users_added": {"zh": "已新建用户 {name}。", "en": "User {name} added."},
    "users_change": {"zh": "重置密码 / 停用 / 启用", "en": "Password, disable, enable"},
    "users_new_password": {"zh": "新密码", "en": "New password"},
    "users_reset": {"zh": "重置密码", "en": "Set password"},
    "users_disable": {"zh": "停用", "en": "Disable"},
    "users_enable": {"zh": "启用", "en": "Enable"},
    "users_reset_done": {"zh": "{name} 的密码已重置。", "en": "Password of {name} set."},
    "users_disabled_done": {"zh": "已停用 {name}。", "en": "{name} disabled."},
    "users_enabled_done": {"zh": "已启用 {name}。", "en": "{name} enabled."},
    "users_places_title": {"zh": "修改范围（乡镇干部、楼长）", "en": "Places (officers, captains)"},
    "users_places_save": {"zh": "保存范围", "en": "Save places"},
    "users_places_done": {"zh": "{name} 的范围已更新。", "en": "Places of {name} saved."},
    "audit_user_places": {"zh": "修改范围", "en": "Places changed"},
    "users_not_self": {"zh": "不能停用自己的账号。", "en": "You cannot disable yourself."},
    # --- upload and import history (issue 6): add new keys below this line ---
    # pages/upload.py (台账上传)
    "upl_intro": {
        "zh": "上传台账文件（可一次多个）：先检查并预览，确认无误再导入。默认全部导入或全部不导入；"
        "同一月份的台账再次导入，会替换之前导入的同一人员的记录，不会重复。",
        "en": "Upload ledger files (several at once): they are checked and previewed first, and "
        "imported only when you confirm. All or nothing by default; importing a month's ledger "
        "again replaces the earlier records of the same people, nothing is duplicated.",
    },
    "upl_files": {
        "zh": "台账文件（Excel、CSV 或乡镇边界 GeoJSON，可多选）",
        "en": "Ledger files (Excel, CSV or township boundaries as GeoJSON; several allowed)",
    },
    "upl_month": {"zh": "统计月份（可不选）", "en": "Reporting month (optional)"},
    "upl_month_auto": {"zh": "自动识别", "en": "Automatic"},
    "upl_month_help": {
        "zh": "只用于没有统计月份的劳动力台账行。默认自动识别：按表中的“统计月份”列"
        "（防返贫监测信息系统导出的“数据日期”按其所在月份），或标题、工作表名中写明的月份。",
        "en": "Only for labour rows without a month. By default it is found automatically: in "
        "the 统计月份 column (or the month of 数据日期, as the national monitoring system "
        "exports it), or in the title or sheet name.",
    },
    "upl_checking": {
        "zh": "正在读取和检查 {count} 个文件…",
        "en": "Reading and checking {count} files…",
    },
    "upl_preview_title": {"zh": "识别结果", "en": "What was recognised"},
    "upl_col_file": {"zh": "文件", "en": "File"},
    "upl_col_sheet": {"zh": "工作表", "en": "Sheet"},
    "upl_col_format": {"zh": "台账类型", "en": "Ledger"},
    "upl_col_months": {"zh": "月份", "en": "Months"},
    "upl_col_rows_read": {"zh": "读取行数", "en": "Rows read"},
    "upl_col_rows_valid": {"zh": "可导入行数", "en": "Valid rows"},
    "upl_col_rows_with_errors": {"zh": "有错误的行", "en": "Rows with errors"},
    "upl_col_warnings": {"zh": "警告", "en": "Warnings"},
    "upl_col_skipped": {"zh": "跳过（空行、合计）", "en": "Skipped (blank, totals)"},
    "upl_col_imported": {"zh": "导入行数", "en": "Imported"},
    "upl_col_replaced": {"zh": "其中替换", "en": "Of which replaced"},
    "upl_col_rejected": {"zh": "未导入（有错误）", "en": "Rejected"},
    "upl_col_row": {"zh": "行号", "en": "Row"},
    "upl_col_column": {"zh": "列", "en": "Column"},
    "upl_col_value": {"zh": "填写的值", "en": "Value"},
    "upl_col_reason": {"zh": "原因", "en": "Reason"},
    "upl_col_severity": {"zh": "类型", "en": "Type"},
    "upl_severity_error": {"zh": "错误", "en": "Error"},
    "upl_severity_warning": {"zh": "警告", "en": "Warning"},
    "upl_unrecognised": {"zh": "未识别", "en": "Not recognised"},
    "upl_months_range": {
        "zh": "{first} 至 {last}（{count} 个月）",
        "en": "{first} to {last} ({count} months)",
    },
    "upl_reimport_labour": {
        "zh": "{months}的劳动力就业台账已导入过（批次 {batches}）：再次导入会替换其中同一人员的"
        "记录，不会重复；本次文件中没有的人员保持不变。",
        "en": "The labour ledger of {months} was imported before (batch {batches}): importing "
        "again replaces the records of the same people, nothing is duplicated; people not in "
        "these files keep theirs.",
    },
    "upl_reimport_other": {
        "zh": "{format}{months}已导入过（批次 {batches}）：再次导入会替换相同的记录，不会重复。",
        "en": "The {format}{months} was imported before (batch {batches}): importing again "
        "replaces the same records, nothing is duplicated.",
    },
    "upl_report_title": {"zh": "检查结果", "en": "Check"},
    "upl_ok": {
        "zh": "检查通过：没有发现错误，可以导入。",
        "en": "No errors found: ready to import.",
    },
    "upl_errors": {
        "zh": "发现 {errors} 个错误，涉及 {rows} 行。数据没有任何改动：请改正后重新上传，"
        "或只导入正确的行。",
        "en": "{errors} errors in {rows} rows. Nothing has been changed: correct them and upload "
        "again, or import only the valid rows.",
    },
    "upl_file_errors": {
        "zh": "其中 {count} 个错误涉及整个文件或整张表（下表中没有行号的几行）。",
        "en": "{count} of the errors concern a whole file or sheet (the rows without a number).",
    },
    "upl_warnings": {
        "zh": "另有 {count} 个警告：不影响导入，建议核对。",
        "en": "{count} warnings: they do not stop the import, but please check them.",
    },
    "upl_download_marked": {"zh": "下载标注错误的 Excel", "en": "Download the marked workbook"},
    "upl_download_marked_help": {
        "zh": "有问题的表按上传时的行号原样列出：错误单元格标红、警告标黄，原因写在批注和最后一列"
        "“错误原因”里。改正后可直接上传这个文件。",
        "en": "Each sheet with problems, row numbers as uploaded: errors in red, warnings in "
        "amber, the reasons in a comment and in the last column 错误原因. Correct it and upload "
        "this file.",
    },
    "upl_commit_title": {"zh": "导入", "en": "Import"},
    "upl_commit": {"zh": "导入", "en": "Import"},
    "upl_commit_blocked": {
        "zh": "有错误时不能全部导入：请改正后重新上传，或只导入正确的行。",
        "en": "Not with errors: correct them and upload again, or import only the valid rows.",
    },
    "upl_commit_valid": {
        "zh": "只导入正确的行（{rows} 行）",
        "en": "Import only the valid rows ({rows})",
    },
    "upl_commit_valid_help": {
        "zh": "正确的行导入数据库；有错误的 {bad} 行不导入，另存为 Excel 供改正后再导入。",
        "en": "The valid rows are imported; the {bad} rows with errors are not, and come back as "
        "an Excel file to correct and import again.",
    },
    "upl_nothing": {
        "zh": "没有可以导入的行：请按上表改正文件后重新上传。",
        "en": "No row can be imported: correct the files as listed above and upload them again.",
    },
    "upl_importing": {"zh": "正在导入…", "en": "Importing…"},
    "upl_refreshing": {"zh": "正在更新看板数据…", "en": "Updating the dashboard's data…"},
    "upl_busy": {
        "zh": "没有导入：另一项写入（导入、保存或撤销）正在进行，数据没有任何改动。"
        "请稍后再点一次导入，文件不必为此修改。",
        "en": "Not imported: another write (an import, a save or an undo) is in progress and "
        "nothing was changed. Click import again in a moment; the files need no change for this.",
    },
    "upl_failed": {
        "zh": "导入没有完成，数据没有任何改动。已记录；若一再出现，"
        "请把编号 {reference} 告诉管理员。",
        "en": "The import did not finish and nothing was changed. It is logged; if it happens"
        " again, give the administrator the reference {reference}.",
    },
    "upl_done": {
        "zh": "导入成功：批次 #{batch}{months}。",
        "en": "Imported as batch #{batch}{months}.",
    },
    "upl_done_rows": {
        "zh": "导入 {imported} 行（其中替换之前导入的 {replaced} 行），未导入 {rejected} 行。",
        "en": "{imported} rows imported ({replaced} of them replaced earlier ones), {rejected} "
        "rejected.",
    },
    "upl_replaced_note": {
        "zh": "被替换的是之前导入的同一人员同一月份（或同一记录）的数据：数据不会重复。",
        "en": "Replaced rows are earlier records of the same people and months (or the same "
        "records): nothing is duplicated.",
    },
    "upl_download_rejects": {
        "zh": "下载未导入的 {rows} 行（Excel）",
        "en": "Download the {rows} rejected rows (Excel)",
    },
    "upl_download_rejects_help": {
        "zh": "每行带原行号和错误原因；改正后上传即可补充导入。",
        "en": "Each row with its row number and reasons: correct them and upload the file.",
    },
    "upl_to_history": {"zh": "查看导入记录", "en": "See the import history"},
    # pages/imports.py (导入记录)
    "imp_source_import": {"zh": "台账导入", "en": "Import"},
    "imp_source_demo": {"zh": "演示数据", "en": "Demo data"},
    "imp_source_edit": {"zh": "状态更新", "en": "Status update"},
    "imp_source_note": {"zh": "跟进记录", "en": "Follow-up note"},
    "imp_source_undo": {"zh": "撤销", "en": "Undo"},
    "imp_col_status": {"zh": "撤销情况", "en": "Undone"},
    "imp_undone_by": {"zh": "已被 #{batch} 撤销", "en": "undone by #{batch}"},
    "imp_undo_of": {"zh": "撤销了 {what}", "en": "undoes {what}"},
    # --- issue 21: nav ---
    "place_gap_none": {
        "zh": "链接中的{given}没有写{needed}，数据中也找不到它属于哪个{needed}：显示的是上一级。",
        "en": "The link's {given} has no {needed}, and the data shows none holding it: "
        "showing the level above.",
    },
    "place_gap_many": {
        "zh": "链接中的{given}没有写{needed}，而{candidates}都有{given}：请在下面选择。",
        "en": "The link's {given} has no {needed}, and {candidates} all have one: pick one below.",
    },
    "place_gap_more": {"zh": "{names}等 {count} 个{needed}", "en": "{names} and others ({count})"},
    "nav_forbidden_title": {"zh": "无法打开此页", "en": "This page is not open to you"},
    "nav_forbidden": {
        "zh": "你的角色（{role}）不能打开此页（{page}）。",
        "en": "Your role ({role}) may not open this page ({page}).",
    },
    "nav_forbidden_home": {"zh": "回到{page}", "en": "Go to {page}"},
    "household_code": {"zh": "户", "en": "Household"},
    "imp_count": {"zh": "共 {count} 个批次，新的在前", "en": "{count} batches, newest first"},
    "imp_hint_undo": {
        "zh": "点击一行可撤销该批次。",
        "en": "Click a row to undo its batch.",
    },
    "imp_read_only": {
        "zh": "只能查看：撤销导入请联系录入员或管理员。",
        "en": "Read only: a clerk or an administrator can undo an import.",
    },
    "imp_span": {"zh": "{first}–{last}", "en": "{first} to {last}"},
    "imp_what": {"zh": "{when}{what}，{rows} 行", "en": "{when}{what}, {rows} rows"},
    "imp_confirm": {
        "zh": "撤销 #{batch}（{what}）？此操作会删除本批导入的数据并恢复被它覆盖的数据。",
        "en": "Undo #{batch} ({what})? This deletes the data the batch wrote and restores the "
        "data it overwrote.",
    },
    "imp_undo_button": {"zh": "撤销 #{batch}", "en": "Undo #{batch}"},
    "imp_undoing": {"zh": "正在撤销 #{batch}…", "en": "Undoing #{batch}…"},
    "imp_already_undone": {
        "zh": "批次 #{batch} 已于 {when} 被批次 #{by} 撤销，不能再撤销；需要时请重新导入原文件。",
        "en": "Batch #{batch} was undone by batch #{by} on {when} and cannot be undone again; "
        "import its files again if needed.",
    },
    "imp_is_undo": {
        "zh": "批次 #{batch} 本身是一次撤销，不能再撤销；需要时请重新导入原文件。",
        "en": "Batch #{batch} is itself an undo and cannot be undone; import the files again "
        "if needed.",
    },
    "month": {"zh": "统计月份", "en": "Reporting month"},
    "county": {"zh": "全县", "en": "County"},
    "labour_force": {"zh": "劳动力", "en": "Labour force"},
    "employed": {"zh": "已就业", "en": "Employed"},
    "employment_rate": {"zh": "就业率", "en": "Employment rate"},
    "household_coverage": {"zh": "一户一人率", "en": "Household coverage"},
    "zero_employment_households": {"zh": "零就业家庭", "en": "Zero-employment households"},
    "households": {"zh": "有劳动力户数", "en": "Households with labour"},
    "households_covered": {"zh": "已实现一户一人", "en": "Households covered"},
    "township": {"zh": "乡镇(街道)", "en": "Township"},
    "site": {"zh": "安置点", "en": "Site"},
    "building": {"zh": "楼栋", "en": "Building"},
    # English leaves counts bare: the label already says what is counted, and cards are narrow.
    "unit_persons": {"zh": "人", "en": ""},
    "unit_households": {"zh": "户", "en": ""},
    "vs_last_month": {"zh": "较上月", "en": "vs last month"},
    "pp": {"zh": "个百分点", "en": "pp"},
    "help_employment_rate": {
        "zh": "已就业人数 ÷ 劳动力人数。劳动力：有劳动能力或弱劳动力，且就业状态为已就业或未就业。",
        "en": "Employed ÷ labour force. Labour force: able or weak capacity, status employed "
        "or unemployed.",
    },
    "help_household_coverage": {
        "zh": "至少一人就业的户数 ÷ 至少有一名劳动力的户数。",
        "en": "Households with at least one employed member ÷ households with labour.",
    },
    "help_zero_employment": {
        "zh": "有劳动力、但无一人就业的家庭，须动态清零。",
        "en": "Households with labour but nobody employed; to be cleared to zero.",
    },
    "trend_title": {"zh": "就业率走势", "en": "Employment rate by month"},
    "by_site_title": {
        "zh": "各安置点就业率（由低到高）",
        "en": "Employment rate by site (lowest first)",
    },
    "by_township_title": {
        "zh": "各乡镇就业率（由低到高）",
        "en": "Employment rate by township (lowest first)",
    },
    "bars_left_out": {
        "zh": "图中是最需关注的 {shown} 个，共 {total} 个。",
        "en": "The chart shows the {shown} needing attention most, of {total}.",
    },
    "target": {"zh": "目标", "en": "Target"},
    "axis_from": {"zh": "{name}（纵轴自 {low}% 起）", "en": "{name} (axis from {low}%)"},
    "nav_present": {"zh": "投影模式", "en": "Projector mode"},
    "present_start": {"zh": "投影模式", "en": "Projector mode"},
    "slide_overview": {"zh": "全县就业", "en": "County employment"},
    "slide_overview_of": {"zh": "{places}就业", "en": "Employment in {places}"},
    "slide_lagging": {"zh": "各安置点就业率（落后的在上）", "en": "Sites, lagging first"},
    "slide_trend": {"zh": "就业率走势", "en": "Employment trend"},
    "slide_targets": {"zh": "年度目标", "en": "Annual targets"},
    "slide_prev": {"zh": "上一页 (P)", "en": "Previous (P)"},
    "slide_next": {"zh": "下一页 (N)", "en": "Next (N)"},
    "slide_pause": {"zh": "暂停 (S)", "en": "Pause (S)"},
    "slide_play": {"zh": "播放 (S)", "en": "Play (S)"},
    "slide_exit": {"zh": "退出投影", "en": "Leave"},
    "look_dark": {"zh": "深色", "en": "Dark"},
    "look_light": {"zh": "浅色", "en": "Light"},
    "public_welfare_posts": {"zh": "公益性岗位", "en": "Public-welfare posts"},
    "subsidy_amount_ytd": {"zh": "本年补贴发放", "en": "Subsidies this year"},
    "place_unknown": {
        "zh": "链接中的地点在数据中不存在，已回到全县。",
        "en": "The place in the link is not in the data; showing the county.",
    },
    "building_label": {"zh": "{building}栋", "en": "Building {building}"},
    "household_label": {"zh": "{room} {head}家", "en": "{room} ({head})"},
    "mix_title": {"zh": "就业形式构成", "en": "Employment types"},
    "migrant_title": {
        "zh": "务工去向（省外 / 省内县外 / 县内）",
        "en": "Where migrant workers work",
    },
    "targets_title": {"zh": "年度目标（挂图作战）", "en": "Annual targets"},
    "targets_none": {"zh": "{year} 年没有设定目标。", "en": "No targets set for {year}."},
    "children_township": {"zh": "各安置点（先看落后的）", "en": "Sites (lagging first)"},
    "children_site": {"zh": "各楼栋（先看落后的）", "en": "Buildings (lagging first)"},
    "children_building": {"zh": "各户（先看零就业户）", "en": "Households (zero-employment first)"},
    "children_household": {"zh": "家庭成员", "en": "Household members"},
    "timeline_title": {"zh": "逐月情况", "en": "Month by month"},
    "click_hint": {
        "zh": "点击条形或表格行可逐级查看。",
        "en": "Click a bar or a row to drill down.",
    },
    "metric": {"zh": "指标", "en": "Metric"},
    "actual": {"zh": "完成", "en": "Actual"},
    "progress": {"zh": "完成进度", "en": "Progress"},
    "status_rag": {"zh": "状态", "en": "Status"},
    "rag_green": {"zh": "达标", "en": "on track"},
    "rag_amber": {"zh": "接近", "en": "close"},
    "rag_red": {"zh": "落后", "en": "behind"},
    # The target board's status column in a workbook: "状态" alone reads as a person's status.
    "progress_status": {"zh": "进度状态", "en": "Progress status"},
    "name": {"zh": "姓名", "en": "Name"},
    "id_number": {"zh": "身份证号", "en": "ID number"},
    "relation": {"zh": "与户主关系", "en": "Relation"},
    "capacity": {"zh": "劳动能力", "en": "Capacity"},
    "status": {"zh": "就业状态", "en": "Status"},
    "employment_type": {"zh": "就业形式", "en": "Employment type"},
    "employer": {"zh": "就业单位", "en": "Employer"},
    "work_place": {"zh": "就业地点", "en": "Work place"},
    "monthly_income": {"zh": "月收入(元)", "en": "Monthly income (yuan)"},
    "room": {"zh": "房号", "en": "Room"},
    "head_name": {"zh": "户主", "en": "Head"},
    "members": {"zh": "人数", "en": "Members"},
    "changed": {"zh": "有变化", "en": "Changed"},
    "employed_count": {"zh": "就业人数", "en": "Employed"},
    "share": {"zh": "占比", "en": "Share"},
    "download_excel": {"zh": "下载 Excel", "en": "Download Excel"},
    "no_data_month": {
        "zh": "{month} 没有台账数据。请选择其他月份，或导入该月的劳动力就业台账。",
        "en": "No ledger data for {month}. Pick another month or import that month's ledger.",
    },
    "empty_title": {"zh": "还没有数据", "en": "No data yet"},
    "empty_body": {
        "zh": "数据库是空的。可以先载入演示县的数据，或导入本县的台账（Excel 或 CSV）：",
        "en": "The store is empty. Load the demo county, or import your county's ledgers "
        "(Excel or CSV):",
    },
    "empty_demo": {"zh": "载入演示县（约 1 分钟）", "en": "Load the demo county (about 1 minute)"},
    "empty_import": {"zh": "导入本县台账", "en": "Import your own ledgers"},
    "empty_formats": {
        "zh": "支持的台账：劳动力就业台账、补贴发放花名册、岗位信息、培训记录、"
        "安置点与楼长、年度目标、乡镇边界（GeoJSON）。",
        "en": "Accepted ledgers: labour ledger, subsidy roster, job postings, training records, "
        "sites and building captains, annual targets, township boundaries (GeoJSON).",
    },
    "imports_title": {"zh": "数据导入记录", "en": "Import history"},
    "imports_empty": {"zh": "还没有导入过数据。", "en": "Nothing has been imported yet."},
    "col_id": {"zh": "批次", "en": "Batch"},
    "col_created_at": {"zh": "时间", "en": "When"},
    "col_user": {"zh": "操作人", "en": "User"},
    "col_source": {"zh": "来源", "en": "Source"},
    "col_files": {"zh": "文件", "en": "Files"},
    "col_formats": {"zh": "台账类型", "en": "Ledger types"},
    "col_months": {"zh": "月份", "en": "Months"},
    "col_rows_read": {"zh": "读取行数", "en": "Rows read"},
    "col_rows_imported": {"zh": "导入行数", "en": "Rows imported"},
    "col_rows_replaced": {"zh": "替换行数", "en": "Rows replaced"},
    "col_rows_rejected": {"zh": "拒收行数", "en": "Rows rejected"},
    "data_as_of": {
        "zh": "数据截至 {month} · 数据版本 {version}",
        "en": "Data as of {month} · data version {version}",
    },
    # pages/building.py (楼栋月报)
    "nav_building": {"zh": "楼栋月报", "en": "Building review"},
    "bld_option": {"zh": "{building}栋（楼长 {captain}）", "en": "Building {building} ({captain})"},
    "bld_search": {"zh": "查找楼栋", "en": "Find a building"},
    "bld_search_hint": {
        "zh": "输入房号、姓名或楼长姓名",
        "en": "Room number, person's name or captain's name",
    },
    "bld_search_none": {"zh": "没有找到“{text}”。", "en": "Nothing found for “{text}”."},
    "bld_found_room": {"zh": "房号 {text}", "en": "room {text}"},
    "bld_found_name": {"zh": "{text}", "en": "{text}"},
    "bld_found_captain": {"zh": "楼长 {text}", "en": "captain {text}"},
    "bld_hit": {"zh": "{site} {building}栋 · {found}", "en": "{site} bldg {building} · {found}"},
    "bld_captain_line": {
        "zh": "就业楼长 **{captain}** · 包保单位 **{department}** · 电话 {captain_phone}",
        "en": "Captain **{captain}** · paired department **{department}** · phone {captain_phone}",
    },
    "bld_no_captain": {
        "zh": "这栋楼还没有登记就业楼长（请导入“安置点与楼长”台账）。",
        "en": "No building captain on record (import the sites and captains ledger).",
    },
    "bld_unknown": {
        "zh": "链接中的楼栋“{site} {building}”在数据中不存在，已改为显示 {shown}。",
        "en": "The building in the link ({site} {building}) is not in the data; showing {shown}.",
    },
    "bld_zero_title": {
        "zh": "零就业家庭 {count} 户（须动态清零）",
        "en": "Zero-employment households: {count} (to be cleared)",
    },
    "bld_zero_none": {
        "zh": "本月没有零就业家庭。",
        "en": "No zero-employment household this month.",
    },
    "bld_members_title": {"zh": "各户成员（按房号）", "en": "Households by room"},
    "bld_changes_title": {"zh": "较上月变化（按姓名）", "en": "Changes since last month"},
    "bld_no_previous": {
        "zh": "没有上月（{previous}）的台账，无法与上月比较。",
        "en": "No ledger for the month before ({previous}): nothing to compare with.",
    },
    "bld_none": {"zh": "无", "en": "None"},
    "bld_unemployed_title": {
        "zh": "未就业劳动力：就业意愿与培训需求",
        "en": "Unemployed: job wishes and training needs",
    },
    "bld_unemployed_none": {
        "zh": "本月没有未就业的劳动力。",
        "en": "Nobody in the labour force is unemployed this month.",
    },
    "bld_sheet_zero": {"zh": "零就业家庭", "en": "Zero-employment"},
    "bld_sheet_members": {"zh": "各户成员", "en": "Households"},
    "bld_sheet_changes": {"zh": "较上月变化", "en": "Changes"},
    "bld_sheet_unemployed": {"zh": "未就业劳动力", "en": "Unemployed"},
    "change": {"zh": "变化", "en": "Change"},
    "change_newly_employed": {"zh": "新就业", "en": "Newly employed"},
    "change_lost_work": {"zh": "失业", "en": "Lost work"},
    "change_joined": {"zh": "新增", "en": "Joined"},
    "change_left": {"zh": "减少", "en": "Left"},
    "status_before": {"zh": "上月状态", "en": "Status before"},
    "status_after": {"zh": "本月状态", "en": "Status now"},
    "employment_type_before": {"zh": "上月就业形式", "en": "Type before"},
    "employment_type_after": {"zh": "本月就业形式", "en": "Type now"},
    "zero_employment": {"zh": "零就业户", "en": "Zero-employment"},
    "gender": {"zh": "性别", "en": "Gender"},
    "age": {"zh": "年龄", "en": "Age"},
    "birth_year": {"zh": "出生年份", "en": "Birth year"},
    "education": {"zh": "文化程度", "en": "Education"},
    "wish": {"zh": "就业意愿", "en": "Job wish"},
    "training_need": {"zh": "培训需求", "en": "Training need"},
    "two_after": {"zh": "两后生", "en": "Two-after youth"},
    "three_no": {"zh": "三无人员", "en": "Three-no group"},
    "phone": {"zh": "联系电话", "en": "Phone"},
    "bld_matches_title": {
        "zh": "因人荐岗：为未就业成员推荐的岗位",
        "en": "Job suggestions for the unemployed",
    },
    "bld_matches_hint": {
        "zh": "每人最多 3 个近 90 天内发布、仍有空缺的岗位，"
        "按就业意愿、技能与月薪排序，并写明推荐理由。",
        "en": "Up to 3 postings per person, posted in the last 90 days with vacancies, ranked by "
        "wish, skills and wage, each with its reason.",
    },
    "bld_matches_none": {
        "zh": "本月没有未就业成员，或近 90 天没有在招岗位。",
        "en": "No unemployed members this month, or no open postings in the last 90 days.",
    },
    "rank": {"zh": "推荐顺序", "en": "Rank"},
    "title": {"zh": "岗位名称", "en": "Job title"},
    "reason": {"zh": "推荐理由", "en": "Why"},
    "bld_matches_tab": {"zh": "按人荐岗", "en": "Postings per person"},
    # --- issue 21: meeting ---
    "meeting_start": {
        "zh": "开始月例会（逐户过，← → 翻页）",
        "en": "Start the monthly meeting (household by household, ← →)",
    },
    "pack_remarks": {"zh": "备注", "en": "Remarks"},
    "pack_roll_title": {
        "zh": "全体成员名单（{count} 人，备注栏供例会手写）",
        "en": "Every member ({count}; write remarks at the meeting)",
    },
    "pack_roll_continued": {
        "zh": "全体成员名单（{count} 人，续）",
        "en": "Every member ({count}, continued)",
    },
    "member": {"zh": "成员（与户主关系）", "en": "Member (relation)"},
    "job": {"zh": "就业状态 · 形式", "en": "Status · type"},
    "nav_meeting": {"zh": "月例会", "en": "Monthly meeting"},
    "meeting_title": {
        "zh": "月例会 · {site} {building} · {month}",
        "en": "Meeting · {site} {building} · {month}",
    },
    "meeting_no_building": {
        "zh": "您的管辖范围内没有楼栋。",
        "en": "There is no building in your places.",
    },
    "meeting_place_option": {"zh": "{site} {building}栋", "en": "{site} building {building}"},
    "meeting_zero_first": {"zh": "零就业户优先", "en": "Zero-employment households first"},
    "meeting_prev": {"zh": "上一户", "en": "Previous"},
    "meeting_next": {"zh": "下一户", "en": "Next"},
    "meeting_progress": {
        "zh": "第 {position} 户 · **{gone}/{total} 户已过**",
        "en": "Household {position} · **{gone}/{total} gone through**",
    },
    "meeting_end": {"zh": "结束例会", "en": "End the meeting"},
    "meeting_card_title": {"zh": "{room} · {head}户", "en": "{room} · {head}"},
    "meeting_zero_badge": {"zh": "零就业户", "en": "Zero-employment household"},
    "meeting_card_counts": {
        "zh": "{members} 人 · 劳动力 {labour_force} 人 · 已就业 {employed} 人",
        "en": "{members} members · labour force {labour_force} · employed {employed}",
    },
    "meeting_postings_tab": {"zh": "适合的岗位（{count}）", "en": "Postings that fit ({count})"},
    "meeting_notes_tab": {"zh": "跟进记录（{count}）", "en": "Follow-ups ({count})"},
    "meeting_postings_none": {
        "zh": "这一户没有未就业成员，或近 90 天没有适合的在招岗位。",
        "en": "No unemployed member, or no fitting posting in the last 90 days.",
    },
    "meeting_ended_title": {"zh": "例会结束", "en": "The meeting is over"},
    "meeting_ended_counts": {
        "zh": "已过 **{gone}/{total}** 户；本次例会记录了 **{updates}** 次状态更新、"
        "**{notes}** 条跟进记录。",
        "en": "**{gone}/{total}** households gone through; this meeting recorded **{updates}** "
        "status updates and **{notes}** follow-ups.",
    },
    "meeting_missed": {
        "zh": "还有 {count} 户没有过：{rooms}",
        "en": "{count} households not gone through: {rooms}",
    },
    "meeting_pack_hint": {
        "zh": "例会材料按现在的台账生成，含本次例会的记录；每位成员一行，备注栏留空供手写。",
        "en": "The pack is made from the ledger as it is now, this meeting's records included; "
        "one line per member, with a blank notes column to write in.",
    },
    "meeting_resume": {"zh": "继续例会", "en": "Back to the meeting"},
    "meeting_status_refused": {
        "zh": "未保存：{room} {name} {month} 的记录没有改动，仍为 {now}。原因：",
        "en": "Not saved: the record of {room} {name} for {month} is unchanged ({now}). Why:",
    },
    "meeting_note_refused": {
        "zh": "未保存 {room} {head}户的跟进记录。原因：",
        "en": "The follow-up for {room} {head} was not saved. Why:",
    },
    "bld_suitable_tab": {"zh": "按岗找人", "en": "People per posting"},
    "bld_suitable_hint": {
        "zh": "每个在招岗位适合本楼哪些未就业成员，适合度高的在前。",
        "en": "For each open posting, the building's unemployed members it suits, best first.",
    },
    "posted_on": {"zh": "发布日期", "en": "Posted on"},
    "wage_min": {"zh": "月薪下限", "en": "Wage from"},
    "wage_max": {"zh": "月薪上限", "en": "Wage to"},
    # Follow-up notes and status updates recorded at the meeting
    "noted_on": {"zh": "日期", "en": "Date"},
    "author": {"zh": "记录人", "en": "Recorded by"},
    "text": {"zh": "做了什么", "en": "What was done"},
    "next_step": {"zh": "下一步", "en": "Next step"},
    "last_note": {"zh": "最近跟进", "en": "Latest follow-up"},
    "edited_at": {"zh": "记录时间", "en": "Recorded at"},
    "user": {"zh": "记录人", "en": "Recorded by"},
    "field": {"zh": "项目", "en": "Field"},
    "old_value": {"zh": "原值", "en": "Before"},
    "new_value": {"zh": "新值", "en": "After"},
    "bld_record_title": {"zh": "会上记录", "en": "Record at the meeting"},
    "bld_update_title": {"zh": "更新就业状态", "en": "Update a member's status"},
    "bld_update_hint": {
        "zh": "改动按台账导入的同一规则检查，保存后各页面立即更新，原值留有记录。",
        "en": "Checked by the same rules as a ledger import; every page shows it at once and the "
        "old values are kept.",
    },
    "bld_update_person": {"zh": "成员", "en": "Member"},
    "bld_person_option": {"zh": "{room} {name}（{status}）", "en": "{room} {name} ({status})"},
    "bld_update_save": {"zh": "保存状态", "en": "Save status"},
    "bld_update_saved": {"zh": "已保存 {name}：{changes}", "en": "Saved for {name}: {changes}"},
    "bld_update_same": {
        "zh": "没有改动：与台账中的记录相同。",
        "en": "Nothing changed: the same as the ledger.",
    },
    "bld_rejected": {"zh": "未保存，请修改后再试：", "en": "Not saved. Please correct:"},
    "bld_note_title": {"zh": "记录跟进情况", "en": "Record a follow-up"},
    "bld_note_household": {"zh": "户", "en": "Household"},
    "bld_household_option": {"zh": "{room} {head}户", "en": "{room} {head}"},
    "bld_note_save": {"zh": "保存跟进记录", "en": "Save note"},
    "bld_note_saved": {
        "zh": "已记录 {room} {head}户的跟进情况。",
        "en": "Note saved for {room} {head}.",
    },
    "bld_notes_title": {"zh": "跟进记录", "en": "Follow-up notes"},
    "bld_notes_none": {
        "zh": "本楼到本月底还没有跟进记录。",
        "en": "No follow-up notes for this building up to this month.",
    },
    "bld_edits_title": {"zh": "状态更新记录", "en": "Status updates"},
    "bld_pack_title": {"zh": "月例会材料", "en": "Meeting pack"},
    "bld_pack_pdf": {"zh": "本楼材料（PDF）", "en": "This building (PDF)"},
    "bld_pack_site_pdf": {
        "zh": "全安置点材料（PDF，逐栋）",
        "en": "Whole site (PDF, building by building)",
    },
    "bld_pack_xlsx": {"zh": "本楼材料（Excel）", "en": "This building (Excel)"},
    "bld_pack_masked": {
        "zh": "材料中身份证号和电话已脱敏。",
        "en": "ID numbers and phones are masked in the pack.",
    },
    # 补贴发放 (subsidy spending)
    "nav_subsidies": {"zh": "补贴发放", "en": "Subsidies"},
    "amount": {"zh": "金额(元)", "en": "Amount (yuan)"},
    "payments": {"zh": "发放笔数", "en": "Payments"},
    "kind": {"zh": "补贴类型", "en": "Subsidy type"},
    "persons": {"zh": "发放人数", "en": "Persons paid"},
    "person_amount": {"zh": "发给个人(元)", "en": "To persons (yuan)"},
    "employer_amount": {"zh": "发给用工单位(元)", "en": "To employers (yuan)"},
    "amount_per_capita": {"zh": "劳动力人均(元)", "en": "Per labour-force member (yuan)"},
    "amount_per_employed": {"zh": "就业人员人均(元)", "en": "Per employed person (yuan)"},
    "payee_type": {"zh": "发放对象", "en": "Paid to"},
    "payee_person": {"zh": "个人", "en": "Persons"},
    "payee_employer": {"zh": "用工单位", "en": "Employers"},
    "scope": {"zh": "范围", "en": "Scope"},
    "budget": {"zh": "年度预算(元)", "en": "Budget (yuan)"},
    "paid": {"zh": "已发放(元)", "en": "Paid (yuan)"},
    "expected_progress": {"zh": "时间进度", "en": "Share of the year"},
    "unit_wan_yuan": {"zh": "万元", "en": "10,000 yuan"},
    "unknown_place": {"zh": "未注明", "en": "Not given"},
    "map_title": {"zh": "各乡镇就业率地图", "en": "Employment rate by township"},
    "map_circles": {"zh": "圆圈大小：安置点劳动力", "en": "Circle size: the site's labour force"},
    "sub_kpi_ytd": {"zh": "本年累计发放", "en": "Paid this year"},
    "sub_kpi_month": {"zh": "本月发放", "en": "Paid this month"},
    "sub_kpi_payments": {"zh": "本月发放笔数", "en": "Payments this month"},
    "sub_kpi_per_capita": {"zh": "劳动力人均", "en": "Per labour-force member"},
    "sub_per_capita_help": {
        "zh": "本年发给个人的补贴 ÷ 本月劳动力；发给用工单位的补贴（吸纳就业、社保、以工代训）"
        "不按人均计，另列为“发给用工单位”",
        "en": "This year's payments to persons ÷ this month's labour force; payments to employers"
        " (hiring, social insurance, on-the-job training) are not divided per member but shown as"
        " “To employers”",
    },
    "sub_kpi_budget": {"zh": "年度预算执行", "en": "Annual budget used"},
    "sub_budget_help": {
        "zh": "本年累计发放 ÷ 年度补贴预算；时间进度 {share}",
        "en": "Paid this year ÷ the annual subsidy budget; {share} of the year has passed",
    },
    "sub_map_title": {"zh": "各乡镇发放地图", "en": "Map of the townships"},
    "sub_measure": {"zh": "地图颜色", "en": "Colour by"},
    "measure_amount": {"zh": "本年补贴金额", "en": "Subsidies this year"},
    "measure_per_capita": {"zh": "劳动力人均补贴", "en": "Subsidy per labour-force member"},
    "measure_rate": {"zh": "就业率", "en": "Employment rate"},
    "measure_zero": {"zh": "零就业家庭", "en": "Zero-employment households"},
    "sub_circles": {
        "zh": "圆圈大小：安置点本年补贴金额",
        "en": "Circle size: the site's subsidies this year",
    },
    "sub_map_hint": {
        "zh": "点击乡镇或安置点，只看该处；再点“全县”返回。",
        "en": "Click a township or site to look at it alone; “County” goes back.",
    },
    "sub_ranking_title": {"zh": "排名（本年累计）", "en": "Ranking (this year)"},
    "sub_by_month_title": {"zh": "每月发放（按补贴类型）", "en": "Paid per month, by type"},
    "sub_treemap_title": {"zh": "补贴类型 → 乡镇", "en": "Type → township"},
    "sub_budget_title": {"zh": "年度预算执行", "en": "Budget"},
    "sub_drill": {"zh": "查看 {place} 的就业情况", "en": "Employment in {place}"},
    "sub_none": {
        "zh": "{place}在 {year} 年没有补贴发放记录。",
        "en": "No subsidy payments for {place} in {year}.",
    },
    "sub_empty_store": {
        "zh": "还没有导入补贴发放花名册。",
        "en": "No subsidy roster has been imported yet.",
    },
    # ui/pack.py (就业楼长月例会材料: the printed page per building and the workbook)
    "pack_title": {
        "zh": "{site} {building} 就业楼长月例会 · {month}",
        "en": "{site} {building} · captains' meeting · {month}",
    },
    "pack_captain_line": {
        "zh": "就业楼长 {captain} · 包保单位 {department} · 电话 {captain_phone}",
        "en": "Captain {captain} · paired department {department} · phone {captain_phone}",
    },
    "pack_as_of": {
        "zh": "{month}台账 · 数据截至 {date}",
        "en": "{month} ledger · data as of {date}",
    },
    "pack_grid_title": {
        "zh": "各户就业情况（房号 户主 已就业/劳动力）",
        "en": "Households by room (room, head, employed/labour force)",
    },
    "pack_best_posting": {"zh": "首选推荐岗位", "en": "Best suggested posting"},
    "pack_flags": {"zh": "标记", "en": "Flags"},
    "pack_notes_title": {"zh": "跟进记录（最近）", "en": "Recent follow-up notes"},
    "pack_no_notes": {"zh": "没有跟进记录。", "en": "No follow-up notes."},
    "pack_more": {"zh": "另有 {count} 条，见 Excel 材料", "en": "{count} more in the Excel pack"},
    "pack_more_households": {
        "zh": "另有 {count} 户，见 Excel 材料",
        "en": "{count} more households in the Excel pack",
    },
    "pack_signature": {"zh": "楼长签字", "en": "Captain's signature"},
    "pack_signed_on": {"zh": "日期", "en": "Date"},
    "pack_page": {"zh": "第 {page} / {pages} 页", "en": "Page {page} of {pages}"},
    "pack_file": {"zh": "{place}-{month}-月例会", "en": "{place}-{month}-captains-meeting"},
    "pack_change_of": {"zh": "{metric}较上月", "en": "{metric} vs last month"},
    "captain": {"zh": "就业楼长", "en": "Captain"},
    "department": {"zh": "包保单位", "en": "Paired department"},
    "captain_phone": {"zh": "楼长电话", "en": "Captain's phone"},
    "pack_sheet_overview": {"zh": "概况", "en": "Overview"},
    "pack_sheet_zero": {"zh": "零就业家庭", "en": "Zero-employment"},
    "pack_sheet_members": {"zh": "分户名单", "en": "Members"},
    "pack_sheet_changes": {"zh": "本月变动", "en": "Changes"},
    "pack_sheet_unemployed": {"zh": "未就业人员", "en": "Unemployed"},
    "pack_sheet_matches": {"zh": "推荐岗位", "en": "Suggested postings"},
    "pack_sheet_suitable": {"zh": "岗位适合人员", "en": "People for postings"},
    "pack_sheet_notes": {"zh": "跟进记录", "en": "Follow-up notes"},
    # --- analyst workbench (issue 7): navigation ---
    "section_analysis": {"zh": "分析", "en": "Analysis"},
    "nav_explore": {"zh": "透视分析", "en": "Explore"},
    "nav_rosters": {"zh": "一库六册", "en": "Six rosters"},
    "nav_jobs": {"zh": "岗位与培训", "en": "Jobs and training"},
    "nav_income": {"zh": "收入", "en": "Income"},
    "nav_query": {"zh": "SQL 查询", "en": "SQL console"},
    # --- issue 7: explore page and rosters (pages/explore.py, pages/rosters.py) ---
    "pivot_month": {"zh": "月份", "en": "Month"},
    "pivot_township": {"zh": "乡镇(街道)", "en": "Township"},
    "pivot_village": {"zh": "村(社区)", "en": "Village"},
    "pivot_site": {"zh": "安置点", "en": "Site"},
    "pivot_building": {"zh": "楼栋", "en": "Building"},
    "pivot_gender": {"zh": "性别", "en": "Gender"},
    "pivot_age_band": {"zh": "年龄段", "en": "Age band"},
    "pivot_education": {"zh": "文化程度", "en": "Education"},
    "pivot_capacity": {"zh": "劳动能力", "en": "Working capacity"},
    "pivot_status": {"zh": "就业状态", "en": "Status"},
    "pivot_employment_type": {"zh": "就业形式", "en": "Employment type"},
    "pivot_wish": {"zh": "就业意愿", "en": "Wish"},
    "pivot_training_need": {"zh": "培训需求", "en": "Training need"},
    "pivot_two_after": {"zh": "两后生", "en": "Two-after youth"},
    "pivot_three_no": {"zh": "三无人员", "en": "Three-no group"},
    "pivot_monitoring": {"zh": "监测类型", "en": "Monitoring type"},
    "pivot_persons": {"zh": "人数", "en": "Persons"},
    "pivot_labour_force": {"zh": "劳动力", "en": "Labour force"},
    "pivot_employed": {"zh": "已就业", "en": "Employed"},
    "pivot_employment_rate": {"zh": "就业率", "en": "Employment rate"},
    "pivot_household_coverage": {"zh": "一户一人率", "en": "Household coverage"},
    "pivot_zero_employment_households": {"zh": "零就业家庭", "en": "Zero-employment households"},
    "pivot_mean_income": {"zh": "平均月收入(元)", "en": "Mean monthly income (yuan)"},
    "pivot_median_income": {"zh": "月收入中位数(元)", "en": "Median monthly income (yuan)"},
    "pivot_subsidy_amount": {"zh": "补贴金额(元)", "en": "Subsidy amount (yuan)"},
    "pivot_total": {"zh": "合计", "en": "Total"},
    "pivot_blank": {"zh": "（空白）", "en": "(blank)"},
    "pivot_yes": {"zh": "是", "en": "Yes"},
    "pivot_no": {"zh": "否", "en": "No"},
    "explore_filters": {"zh": "筛选条件（按台账各列）", "en": "Filters (any ledger column)"},
    "explore_group_place": {"zh": "地点", "en": "Place"},
    "explore_group_person": {"zh": "人员", "en": "Person"},
    "explore_group_work": {"zh": "就业", "en": "Work"},
    "explore_group_help": {"zh": "帮扶对象", "en": "Groups helped"},
    "explore_any": {"zh": "不限", "en": "Any"},
    "explore_none": {"zh": "无", "en": "None"},
    "explore_no_filters": {"zh": "未筛选：全部人员", "en": "No filters: everyone"},
    # A workbook's own sheet for what was chosen: above the table it would become its header.
    "sheet_filters": {"zh": "筛选条件", "en": "Filters"},
    "explore_filtered_by": {"zh": "筛选：", "en": "Filtered by:"},
    "explore_remove_chip": {"zh": "点击移除此条件", "en": "Click to remove this filter"},
    "explore_clear": {"zh": "清除全部", "en": "Clear all"},
    "explore_from": {"zh": "起始月份", "en": "From"},
    "explore_to": {"zh": "截止月份", "en": "To"},
    "explore_rows": {"zh": "行", "en": "Rows"},
    "explore_columns": {"zh": "列", "en": "Columns"},
    "explore_measure": {"zh": "指标", "en": "Measure"},
    "explore_defining_axes": {
        "zh": "就业形式、就业状态不作行列：有就业形式即已就业，按它们分组的比率必是 100% 或 0%。",
        "en": "Not by employment type or status: having one means being employed, so the rate "
        "by them is 100 % or 0 % by definition.",
    },
    "explore_found": {
        "zh": "**{month}** 符合条件 **{persons}** 人：劳动力 {labour_force} 人，"
        "已就业 {employed} 人，未就业 {unemployed} 人。",
        "en": "**{month}**: **{persons}** people match: labour force {labour_force}, "
        "employed {employed}, unemployed {unemployed}.",
    },
    "explore_basis_stock": {
        "zh": "人员指标按截止月份 {end} 的台账计算（“月份”作行或列时按每月）。"
        "劳动力指有劳动能力或弱劳动力、且已就业或未就业的人员。",
        "en": "Person measures use the ledger of {end}, the last month chosen (each month when "
        "Month is a row or column). Labour force: able or weak labour, employed or unemployed.",
    },
    "explore_basis_flow": {
        "zh": "补贴金额为 {start} 至 {end} 发放的合计；人员条件按发放当月台账匹配，发给单位的补贴"
        "只计入乡镇、安置点。",
        "en": "Subsidy amount: paid from {start} to {end}; person filters use the paid person's "
        "ledger row of the payment's month; payments to employers count by township and site only.",
    },
    "explore_tab_pivot": {"zh": "透视表", "en": "Pivot table"},
    "explore_tab_chart": {"zh": "图表", "en": "Chart"},
    "explore_tab_people": {"zh": "名单（{count} 人）", "en": "People ({count})"},
    "explore_tab_postings": {
        "zh": "适合的岗位（未就业 {count} 人）",
        "en": "Postings that fit ({count} unemployed)",
    },
    "explore_no_seekers": {
        "zh": "符合条件的人员中没有未就业的劳动力。",
        "en": "Nobody unemployed in the labour force matches the filters.",
    },
    "explore_too_many_seekers": {
        "zh": "未就业 {count} 人，人数过多：请先缩小筛选范围（如选一个乡镇），再为他们匹配岗位。",
        "en": "{count} unemployed: narrow the filters (e.g. one township) to match them to "
        "postings.",
    },
    "explore_no_matches": {
        "zh": "截止月份前 90 天内没有仍有空缺的岗位。",
        "en": "No posting with vacancies in the 90 days up to the month chosen.",
    },
    "explore_matches_caption": {
        "zh": "每人最适合的 3 个岗位（按意愿、培训需求与岗位技能、三无人员优先公益性岗位打分），"
        "共 {count} 条。",
        "en": "The 3 best postings per person (wish, training need against skills, public-welfare "
        "posts first for the three-no group): {count} rows.",
    },
    "explore_note_months": {"zh": "月份：{months}", "en": "Months: {months}"},
    # --- issue 21: look ---
    # In place of Streamlit's built-in English (ui/theme.py _BUILTIN_TEXT).
    "st_upload_button": {"zh": "选择文件", "en": "Browse files"},
    "st_upload_limit": {
        "zh": "或把文件拖到这里；每个文件不超过 200 MB",
        "en": "or drop files here; up to 200 MB each",
    },
    "st_drop_here": {"zh": "松开鼠标，上传这些文件", "en": "Drop the files here"},
    "st_choose": {"zh": "请选择", "en": "Choose"},
    "st_no_results": {"zh": "没有匹配的选项", "en": "No results"},
    "st_press_enter": {"zh": "按回车键确认", "en": "Press Enter to apply"},
    "st_enter_submit": {"zh": "按回车键提交", "en": "Press Enter to submit"},
    "st_ctrl_enter_submit": {"zh": "按 Ctrl+回车键提交", "en": "Press Ctrl+Enter to submit"},
    "unit_wan": {"zh": "万元", "en": "¥ million"},
    "amount_wan": {"zh": "金额(万元)", "en": "Amount (¥M)"},
    "person_amount_wan": {"zh": "发给个人(万元)", "en": "To persons (¥M)"},
    "employer_amount_wan": {"zh": "发给用工单位(万元)", "en": "To employers (¥M)"},
    "budget_wan": {"zh": "年度预算(万元)", "en": "Budget (¥M)"},
    "paid_wan": {"zh": "已发放(万元)", "en": "Paid (¥M)"},
    "sub_ranking_all": {"zh": "排名的全部列", "en": "Every column of the ranking"},
    "village": {"zh": "村(社区)", "en": "Village"},
    "unit": {"zh": "单元", "en": "Unit"},
    "monitoring": {"zh": "监测类型", "en": "Monitoring type"},
    "roster_labour": {"zh": "劳动力花名册", "en": "Labour force"},
    "roster_employed": {"zh": "已就业花名册", "en": "Employed"},
    "roster_unemployed": {"zh": "未就业花名册", "en": "Unemployed"},
    "roster_wishes": {"zh": "就业创业意愿", "en": "Wishes"},
    "roster_training": {"zh": "培训需求", "en": "Training needs"},
    "roster_two_after": {"zh": "两后生", "en": "Two-after"},
    "roster_labour_help": {
        "zh": "有劳动能力或弱劳动力、且已就业或未就业的人员，按安置点、楼栋、房号排列。",
        "en": "Able or weak labour, employed or unemployed, by site, building and room.",
    },
    "roster_employed_help": {
        "zh": "劳动力中就业状态为已就业的人员。",
        "en": "Labour-force members who are employed.",
    },
    "roster_unemployed_help": {
        "zh": "劳动力中就业状态为未就业的人员。",
        "en": "Labour-force members who are unemployed.",
    },
    "roster_wishes_help": {
        "zh": "填写了就业意愿的劳动力（含暂无意愿）。",
        "en": "Labour-force members with a job or start-up wish recorded.",
    },
    "roster_training_help": {
        "zh": "填写了培训需求的劳动力。",
        "en": "Labour-force members with a training need recorded.",
    },
    "roster_two_after_help": {
        "zh": "全部两后生（初、高中毕业未继续升学），不论是否计入劳动力。",
        "en": "Every two-after youth (left school after junior or senior high), labour force "
        "or not.",
    },
    "rosters_county": {"zh": "全县", "en": "Whole county"},
    "all_sites": {"zh": "全部安置点", "en": "All sites"},
    "rosters_download": {
        "zh": "下载一库六册（6 个工作表）",
        "en": "Download the six rosters (6 sheets)",
    },
    "explore_note_pivot": {
        "zh": "行：{rows}；列：{columns}；指标：{measure}",
        "en": "Rows: {rows}; columns: {columns}; measure: {measure}",
    },
    # --- issue 7: jobs, training and income (pages/jobs.py, pages/income.py) ---
    "job_category": {"zh": "岗位去向", "en": "Job category"},
    "postings": {"zh": "在招岗位", "en": "Open postings"},
    "vacancies": {"zh": "招聘人数", "en": "Vacancies"},
    "seekers": {"zh": "求职人数", "en": "Job seekers"},
    "vacancies_per_seeker": {"zh": "人岗比（岗位/人）", "en": "Vacancies per seeker"},
    "wage_min_median": {"zh": "月薪下限中位数(元)", "en": "Median lowest wage (yuan)"},
    "wage_max_median": {"zh": "月薪上限中位数(元)", "en": "Median highest wage (yuan)"},
    "wage_min_lowest": {"zh": "最低月薪(元)", "en": "Lowest wage (yuan)"},
    "wage_max_highest": {"zh": "最高月薪(元)", "en": "Highest wage (yuan)"},
    "earners": {"zh": "有收入人数", "en": "Earners"},
    "income_mean": {"zh": "平均月收入(元)", "en": "Mean income (yuan)"},
    "income_p25": {"zh": "月收入下四分位(元)", "en": "Income, lower quartile (yuan)"},
    "income_median": {"zh": "月收入中位数(元)", "en": "Median income (yuan)"},
    "income_p75": {"zh": "月收入上四分位(元)", "en": "Income, upper quartile (yuan)"},
    "income_min": {"zh": "最低月收入(元)", "en": "Lowest income (yuan)"},
    "income_max": {"zh": "最高月收入(元)", "en": "Highest income (yuan)"},
    "at_or_above": {"zh": "达到目标人数", "en": "At or above target"},
    "at_or_above_share": {"zh": "达标率", "en": "Share at or above target"},
    "no_income": {"zh": "已就业未填收入", "en": "Employed, income blank"},
    "bin_start": {"zh": "月收入自(元)", "en": "Income from (yuan)"},
    "bin_end": {"zh": "至(元，不含)", "en": "To (yuan, excl.)"},
    "course": {"zh": "培训项目", "en": "Course"},
    "provider": {"zh": "培训机构", "en": "Provider"},
    "trainees": {"zh": "培训人次", "en": "Trainees"},
    "completed": {"zh": "已结业", "en": "Completed"},
    "certified": {"zh": "取得证书", "en": "Certified"},
    "followed_up": {"zh": "结业满3个月", "en": "3 months passed"},
    "employed_after": {"zh": "3个月内就业", "en": "Employed within 3 months"},
    "employed_share": {"zh": "3个月内就业率", "en": "Share employed within 3 months"},
    "pending": {"zh": "结业未满3个月", "en": "Under 3 months"},
    "untracked": {"zh": "台账未覆盖", "en": "Not in the ledger"},
    "youth": {"zh": "两后生人数", "en": "Two-after youth"},
    "all_townships": {"zh": "全部乡镇", "en": "All townships"},
    "township_of_origin": {"zh": "乡镇（迁出地）", "en": "Township (of origin)"},
    "jobs_tab_supply": {"zh": "岗位与求职", "en": "Postings and seekers"},
    "jobs_tab_wages": {"zh": "工资与收入", "en": "Wages and incomes"},
    "jobs_tab_training": {"zh": "培训成效", "en": "Training outcomes"},
    "jobs_tab_two_after": {"zh": "两后生", "en": "Two-after youth"},
    "jobs_no_postings": {
        "zh": "库中没有岗位信息：导入岗位信息后，这里对比在招岗位与求职人员。",
        "en": "The store holds no job postings: import them to compare them with job seekers.",
    },
    "jobs_ratio_help": {
        "zh": "本月末仍在招的岗位（前 90 天内发布、仍有空缺）的招聘人数 ÷ 本月求职人数"
        "（未就业的劳动力）。小于 1：求职的人多于岗位。",
        "en": "Vacancies of the postings open at the end of the month (posted within 90 days, "
        "vacancies left) ÷ job seekers of the month (unemployed labour-force members). Below 1: "
        "more seekers than places.",
    },
    "jobs_ratio_help_place": {
        "zh": "岗位为全县公开的岗位（含县外），求职人数只计{place}：不是{place}独有的岗位。",
        "en": "The postings are the whole county's (outside ones too), the seekers {place}'s "
        "only: the places are not {place}'s alone.",
    },
    "jobs_by_category_title": {"zh": "按岗位去向", "en": "By job category"},
    "jobs_by_category_caption": {
        "zh": "岗位按工作地点与岗位名称归类（县外 / 县内 / 公益性岗位），求职者按就业意愿归类"
        "（外出务工 → 县外，就近就业 → 县内，公益性岗位 → 公益性岗位；自主创业、暂无意愿或未填"
        " → 无明确意愿）。岗位信息全县公开，不随乡镇筛选。",
        "en": "Postings by work place and title (outside the county / in the county / "
        "public-welfare post), seekers by their wish (外出务工 → outside, 就近就业 → in the "
        "county, 公益性岗位 → public-welfare; start-up, none or blank → no preference). "
        "Postings are public: the township filter does not cut them.",
    },
    "jobs_by_township_title": {"zh": "按乡镇", "en": "By township"},
    "jobs_by_township_caption": {
        "zh": "岗位按工作地所在乡镇计，求职者按迁出乡镇计；县外岗位不属于任何乡镇。",
        "en": "A posting counts where the work is, a seeker in the township of origin; postings "
        "outside the county belong to no township.",
    },
    "jobs_no_township": {"zh": "县外或未注明乡镇", "en": "Outside the county or not given"},
    "jobs_trend_title": {"zh": "逐月岗位与求职", "en": "Postings and seekers by month"},
    "jobs_wages_title": {
        "zh": "在招岗位工资与在岗人员月收入",
        "en": "Posted wages against what the employed earn",
    },
    "jobs_wages_caption": {
        "zh": "在岗人员按就业形式归类：省外务工、省内县外务工 → 县外；县内务工、扶贫车间、"
        "居家就业、灵活就业、自主创业 → 县内；公益性岗位 → 公益性岗位。只计填报了月收入的"
        "已就业人员。",
        "en": "The employed by employment type: 省外务工, 省内县外务工 → outside the county; "
        "县内务工, 扶贫车间, 居家就业, 灵活就业, 自主创业 → in the county; 公益性岗位 → "
        "public-welfare post. Only the employed with a reported income count.",
    },
    "jobs_chart_posted": {"zh": "岗位月薪（中位下限–上限）", "en": "Posted wage (median range)"},
    "jobs_chart_earned": {"zh": "在岗月收入（中间一半）", "en": "Earned (middle half)"},
    "jobs_chart_yuan": {"zh": "元/月", "en": "Yuan per month"},
    "jobs_kpi_trainees": {"zh": "培训人次", "en": "Trainees"},
    "jobs_kpi_followed": {"zh": "结业满3个月", "en": "3 months since the course"},
    "jobs_kpi_share": {"zh": "3个月内就业率", "en": "Employed within 3 months"},
    "jobs_kpi_pending": {"zh": "结业未满3个月", "en": "Under 3 months"},
    "jobs_share_help": {
        "zh": "结业后 3 个统计月内（结业次月起）任一月已就业的人次 ÷ 结业已满 3 个月的人次。"
        "未满 3 个月的不计入分母。",
        "en": "Trainees employed in any of the 3 reporting months after the month their course "
        "ended ÷ trainees whose 3 months have passed. Courses under 3 months do not count.",
    },
    "jobs_training_none": {
        "zh": "{month} 前没有开班的培训记录。",
        "en": "No course started by {month}.",
    },
    "jobs_training_chart": {
        "zh": "各培训项目 3 个月内就业率",
        "en": "Employed within 3 months, per course",
    },
    "jobs_unemployed": {"zh": "未就业", "en": "Unemployed"},
    "jobs_two_after_total": {"zh": "两后生", "en": "Two-after youth"},
    "jobs_two_after_by_status": {"zh": "按就业状态", "en": "By status"},
    "jobs_two_after_by_township": {
        "zh": "各乡镇两后生就业状态",
        "en": "Two-after youth by township and status",
    },
    "jobs_two_after_list": {"zh": "两后生名单", "en": "Two-after youth, by room"},
    "jobs_two_after_none": {"zh": "{month} 没有两后生。", "en": "No two-after youth in {month}."},
    "jobs_two_after_explore": {"zh": "在透视分析中筛选两后生", "en": "Filter them in Explore"},
    "jobs_two_after_explore_unemployed": {
        "zh": "在透视分析中筛选未就业的两后生",
        "en": "Filter the unemployed ones in Explore",
    },
    "jobs_file": {"zh": "岗位与培训", "en": "jobs"},
    "jobs_sheet_trend": {"zh": "逐月", "en": "By month"},
    "inc_target": {"zh": "月收入目标(元)", "en": "Monthly income target (yuan)"},
    "inc_target_help": {
        "zh": "金沙县目标：搬迁务工人员月收入不低于 2,100 元。",
        "en": "Jinsha's target: a relocated worker earns at least 2,100 yuan a month.",
    },
    "inc_kpi_median": {"zh": "月收入中位数", "en": "Median monthly income"},
    "inc_kpi_share": {"zh": "达到目标比例", "en": "At or above target"},
    "inc_kpi_below": {"zh": "低于目标", "en": "Below target"},
    "inc_kpi_no_income": {"zh": "已就业未填收入", "en": "Income missing"},
    "inc_share_help": {
        "zh": "已就业且填报月收入的人员中，月收入 ≥ {target} 的比例。",
        "en": "Of the employed with a reported income, the share earning {target} or more.",
    },
    "inc_no_income_help": {
        "zh": "已就业但台账未填月收入：不计入分布，也不按 0 元计。",
        "en": "Employed with a blank income: left out of the distribution, never counted as 0.",
    },
    "inc_none": {
        "zh": "{month} 没有填报月收入的已就业人员。",
        "en": "Nobody employed with a reported income in {month}.",
    },
    "inc_box_title": {"zh": "按就业形式的月收入", "en": "Monthly income by employment type"},
    "inc_box_caption": {
        "zh": "箱体为中间一半人员的收入（下四分位至上四分位），横线为中位数，虚线为平均数，"
        "须线为最低与最高收入；红色虚线为目标。",
        "en": "Boxes hold the middle half (lower to upper quartile), the line is the median, "
        "the dashed line the mean, whiskers the lowest and highest income; the red line is "
        "the target.",
    },
    "inc_share_title_township": {
        "zh": "各乡镇达到目标比例",
        "en": "At or above target, by township",
    },
    "inc_share_title_site": {"zh": "各安置点达到目标比例", "en": "At or above target, by site"},
    "inc_hist_title": {
        "zh": "月收入分布（每档 {width} 元）",
        "en": "Monthly income ({width} yuan bins)",
    },
    "inc_by_type_title": {"zh": "按就业形式", "en": "By employment type"},
    "inc_by_township_title": {"zh": "按乡镇", "en": "By township"},
    "inc_by_site_title": {"zh": "按安置点", "en": "By site"},
    "inc_below_title": {
        "zh": "月收入低于 {target} 的人员（{count} 人）",
        "en": "Earning below {target} ({count})",
    },
    "inc_below_none": {"zh": "没有低于目标的人员。", "en": "Nobody earns below the target."},
    "inc_no_income_title": {
        "zh": "已就业未填收入的人员（{count} 人）",
        "en": "Employed with a blank income ({count})",
    },
    "inc_file": {"zh": "收入", "en": "income"},
    "inc_sheet_below": {"zh": "低于目标", "en": "Below target"},
    "inc_sheet_no_income": {"zh": "未填收入", "en": "Income blank"},
    "inc_sheet_histogram": {"zh": "收入分布", "en": "Histogram"},
    # --- issue 7: SQL console (pages/query.py) ---
    "qry_help": {
        "zh": "只读查询：一次运行一条 SELECT（或 WITH … SELECT），只能查询右侧列出的表、"
        "您范围内的数据，不能修改数据或读取文件。身份证号和电话按您的权限打码（打码时只给出生年份）；"
        "最多显示 {limit} 行，超过 {seconds} 秒的查询自动停止。Ctrl+Enter 运行。",
        "en": "Read-only: one SELECT (or WITH … SELECT) at a time, over the tables listed "
        "beside and the data in your scope; nothing can be changed and no file read. ID numbers "
        "and phones are masked as your role requires (masked, birth dates show only the year); "
        "at most {limit} rows are shown, and a query running over {seconds} s is stopped. "
        "Ctrl+Enter runs it.",
    },
    "qry_running": {
        "zh": "正在运行查询（最长 {seconds} 秒）…",
        "en": "Running the query (at most {seconds} s)…",
    },
    "qry_sql": {"zh": "SQL 查询语句", "en": "SQL query"},
    "qry_run": {"zh": "运行", "en": "Run"},
    "qry_examples": {
        "zh": "示例查询（点击填入并运行）",
        "en": "Examples (click to fill in and run)",
    },
    "qry_example_rate_by_township": {
        "zh": "各乡镇就业率（最新月份）",
        "en": "Employment rate by township (latest month)",
    },
    "qry_example_two_after_electricians": {
        "zh": "龙溪镇想学电工的未就业两后生",
        "en": "Unemployed two-after youth in 龙溪镇 wanting electrician training",
    },
    "qry_example_zero_employment": {"zh": "零就业家庭", "en": "Zero-employment households"},
    "qry_example_subsidies_by_kind": {
        "zh": "各年度各类补贴金额",
        "en": "Subsidies by year and type",
    },
    "qry_example_trained_unemployed": {
        "zh": "培训后仍未就业的人",
        "en": "Trained but still unemployed",
    },
    "qry_tables": {"zh": "可查询的表", "en": "Tables"},
    "qry_table_rows": {"zh": "{table} · {rows} 行", "en": "{table} · {rows} rows"},
    "qry_table_labour": {
        "zh": "劳动力台账，每人每月一行",
        "en": "Labour ledger: one row per person and month",
    },
    "qry_table_subsidies": {"zh": "补贴发放，每笔一行", "en": "Subsidy payments, one per row"},
    "qry_table_training": {"zh": "培训记录", "en": "Training records"},
    "qry_table_postings": {"zh": "招聘岗位", "en": "Job postings"},
    "qry_table_sites": {"zh": "安置点", "en": "Resettlement sites"},
    # --- issue 21: projector ---
    "present_this": {"zh": "投影此页", "en": "Present this view"},
    "slide_back": {"zh": "返回幻灯片", "en": "Back to the slides"},
    "slide_live": {"zh": "现场演示", "en": "Live"},
    "slide_live_drill": {"zh": "现场演示 · 点击条形下钻", "en": "Live · click a bar to drill down"},
    "slide_rate_target": {"zh": "就业率（目标 {target}）", "en": "Rate (target {target})"},
    "slide_employed_of": {"zh": "已就业 / 劳动力（人）", "en": "Employed / labour force"},
    "qry_table_buildings": {"zh": "楼栋与楼长", "en": "Buildings and their captains"},
    "qry_table_targets": {"zh": "年度目标", "en": "Annual targets"},
    "qry_table_notes": {"zh": "跟进记录", "en": "Follow-up notes"},
    "qry_person_key_note": {
        "zh": "按人关联各表请用 person_key：身份证号打码后可能重复。",
        "en": "Join people across tables on person_key: masked ID numbers can coincide.",
    },
    "person_key": {"zh": "人员代码", "en": "Person key"},
    "qry_truncated": {
        "zh": "结果超过 {limit} 行，只取了前 {limit} 行",
        "en": "The result has more than {limit} rows; only the first {limit} were kept",
    },
    "qry_rows": {"zh": "共 {rows} 行", "en": "{rows} rows"},
    "qry_sheet": {"zh": "查询结果", "en": "Query result"},
    # --- issue 8: province scale ---
    "table_cut": {
        "zh": "显示前 {shown} 行，共 {rows} 行；完整名单请下载 Excel，或用筛选缩小范围。",
        "en": "The first {shown} of {rows} rows are shown; download the Excel file for all of "
        "them, or narrow the filters.",
    },
    # --- issue 22: compliance page ---
    "nav_compliance": {"zh": "合规审计", "en": "Compliance audit"},
    "cmp_from": {"zh": "起始月份", "en": "From"},
    "cmp_to": {"zh": "截止月份", "en": "To"},
    "cmp_standards": {
        "zh": "审计标准：交通补贴每人每年不超过 {transport} 元；生活补贴每次不超过 {living} 元；"
        "劳动力年龄 {min_age}–{max_age} 岁；稳岗就业补贴需县内务工满 {months} 个月。",
        "en": "Standards: transport subsidy at most {transport} yuan a person a year; living "
        "allowance at most {living} yuan a payment; labour-force age {min_age}–{max_age}; "
        "stable-job subsidy after {months} months employed in the county.",
    },
    "cmp_kpi_cases": {"zh": "疑点数", "en": "Cases"},
    "cmp_kpi_at_risk": {"zh": "涉及金额", "en": "Amount at risk"},
    "cmp_at_risk_help": {
        "zh": "各疑点涉及的补贴金额合计；劳动力年龄不符（数据质量问题）不计金额。",
        "en": "The subsidies the cases put at risk; labour-force age mismatches (a data-quality "
        "rule) carry none.",
    },
    "cmp_kpi_people": {"zh": "涉及人员", "en": "People involved"},
    "unit_cases": {"zh": "件", "en": ""},
    "cmp_by_rule": {"zh": "按规则", "en": "By rule"},
    "cmp_by_township": {"zh": "按乡镇", "en": "By township"},
    "cmp_cases_title": {"zh": "疑点清单", "en": "Cases"},
    "cmp_rule": {"zh": "审计规则", "en": "Rule"},
    "cmp_all_rules": {"zh": "全部规则", "en": "All rules"},
    "cmp_none": {"zh": "所选范围内没有疑点。", "en": "No cases in the chosen range."},
    "cmp_evidence_title": {"zh": "证据", "en": "Evidence"},
    "cmp_pick": {
        "zh": "点击清单中的一条疑点，查看该人员的发放记录和台账记录。",
        "en": "Click a case to see the person's payments and ledger records.",
    },
    "cmp_payments_title": {"zh": "发放记录（{period}）", "en": "Payments ({period})"},
    "cmp_ledger_title": {"zh": "台账记录（{period}）", "en": "Ledger records ({period})"},
    "cmp_no_payments": {"zh": "该期间没有发放记录。", "en": "No payments in the period."},
    "cmp_no_ledger": {
        "zh": "台账中没有此身份证号在该期间的记录。",
        "en": "The ledger holds no record of this ID number in the period.",
    },
    "cmp_to_person": {"zh": "在总览中查看 {name}", "en": "Open {name} on the overview"},
    "cmp_file": {"zh": "合规审计", "en": "compliance-audit"},
    "cmp_sheet_standards": {"zh": "审计标准", "en": "Standards"},
    "cmp_note_range": {"zh": "月份：{span}", "en": "Months: {span}"},
    "cmp_std_transport": {
        "zh": "交通补贴（元/人/年，上限）",
        "en": "Transport subsidy (yuan a person a year, at most)",
    },
    "cmp_std_living": {
        "zh": "生活补贴（元/次，上限）",
        "en": "Living allowance (yuan a payment, at most)",
    },
    "cmp_std_age": {"zh": "劳动力年龄（岁）", "en": "Labour-force age (years)"},
    "cmp_std_stable": {
        "zh": "稳岗就业补贴（县内务工月数，至少）",
        "en": "Stable-job subsidy (months employed in the county, at least)",
    },
    "standard": {"zh": "标准", "en": "Standard"},
    "standard_value": {"zh": "取值", "en": "Value"},
    "rule": {"zh": "规则", "en": "Rule"},
    "period": {"zh": "期间", "en": "Period"},
    "amount_at_risk": {"zh": "涉及金额（元）", "en": "At risk (yuan)"},
    "amount_at_risk_wan": {"zh": "涉及金额（万元）", "en": "At risk (¥ million)"},
    "case_count": {"zh": "疑点数", "en": "Cases"},
    "evidence": {"zh": "证据", "en": "Evidence"},
    "paid_on": {"zh": "发放日期", "en": "Paid on"},
    "note": {"zh": "备注", "en": "Note"},
    # --- issue 22: standards (helper standards) ---
    "audit_standards": {"zh": "修改审计标准", "en": "Audit standards changed"},
    "std_edit": {"zh": "修改审计标准（管理员）", "en": "Change the standards (administrator)"},
    "std_transport": {"zh": "交通补贴年上限（元）", "en": "Transport a year (yuan)"},
    "std_living": {"zh": "生活补贴单次上限（元）", "en": "Living a payment (yuan)"},
    "std_min_age": {"zh": "最低年龄（岁）", "en": "Minimum age"},
    "std_max_age": {"zh": "最高年龄（岁）", "en": "Maximum age"},
    "std_stable": {"zh": "稳岗月数", "en": "Stable-job months"},
    "std_save": {"zh": "保存标准", "en": "Save"},
    "std_reset": {"zh": "恢复默认标准", "en": "Reset to defaults"},
    "std_defaults": {
        "zh": "默认：交通补贴 {transport} 元/年，生活补贴 {living} 元/次，"
        "年龄 {min_age}–{max_age} 岁，稳岗 {months} 个月。"
        "保存后记入审计日志，所有疑点按新标准重新计算。",
        "en": "Defaults: transport {transport} yuan a year, living {living} yuan a payment, ages "
        "{min_age}–{max_age}, stable job {months} months. A save goes to the audit log and every "
        "case is worked out again under the new standards.",
    },
    "std_saved": {"zh": "审计标准已保存：{changes}", "en": "Standards saved: {changes}"},
    "std_unchanged": {"zh": "标准没有变化，未保存。", "en": "Nothing changed: nothing was saved."},
    "std_refused": {"zh": "审计标准未保存：{problems}", "en": "Standards not saved: {problems}"},
    "cmp_by_month": {"zh": "按月份", "en": "By month"},
    "cmp_measure": {"zh": "指标", "en": "Measure"},
    "cmp_year_column": {"zh": "{year}全年", "en": "{year} (year)"},
    "cmp_by_month_note": {
        "zh": "交通补贴超标按自然年计，列在“全年”一栏；其他规则按发放月份。"
        "“—”表示该规则在此期间不适用。",
        "en": "Transport over the standard is judged per calendar year and shown in the year's "
        "column; the other rules per month of payment. “—”: the rule does not apply there.",
    },
    "total": {"zh": "合计", "en": "Total"},
    # --- issue 22: casework core (helper casework) ---
    "imp_source_case": {"zh": "工单", "en": "Casework"},
    "audit_case": {"zh": "工单", "en": "Casework"},
    # --- issue 22: demo abuses (helper demo) ---
    # --- issue 22: casework pages (helper casepages) ---
    "cw_state": {"zh": "状态", "en": "State"},
    "cw_owner": {"zh": "负责人", "en": "Owner"},
    "cw_due": {"zh": "完成期限", "en": "Due"},
    "cw_note": {"zh": "备注", "en": "Note"},
    "cw_overdue": {"zh": "逾期", "en": "Overdue"},
    "cw_household": {"zh": "本户", "en": "Household"},
    "cw_kpi_open": {"zh": "未办结", "en": "Open cases"},
    "cw_kpi_open_help": {
        "zh": "状态为待核实或核实中的疑点；其中 {overdue} 件已过完成期限。",
        "en": "Cases to check or being checked; {overdue} of them past their due date.",
    },
    "cw_filter": {"zh": "办理状态", "en": "State"},
    "cw_filter_all": {"zh": "全部", "en": "All"},
    "cw_filter_open": {"zh": "未办结", "en": "Open"},
    "cw_filter_closed": {"zh": "已办结", "en": "Closed"},
    "cw_filter_overdue": {"zh": "只看逾期", "en": "Overdue only"},
    "cw_save": {"zh": "保存工单", "en": "Save case"},
    "cw_same": {"zh": "没有改动：与已保存的工单相同。", "en": "No change: the case is as saved."},
    "cw_saved": {
        "zh": "已保存 {about}：{changes}（批次 #{batch}，可在导入记录中撤销）",
        "en": "Saved {about}: {changes} (batch #{batch}, undoable in the import history)",
    },
    "cw_refused": {"zh": "{about}：未保存", "en": "{about}: not saved"},
    "cw_read_only": {
        "zh": "您的角色只能查看这类工单，不能办理。",
        "en": "Your role may view these cases, not work on them.",
    },
    "cw_owner_option": {"zh": "{name}（{user}）", "en": "{name} ({user})"},
    "cw_history_title": {"zh": "最近改动（{count}）", "en": "Last changes ({count})"},
    "cw_history_line": {
        "zh": "{at} {user}：{field} {old} → {new}",
        "en": "{at} {user}: {field} {old} → {new}",
    },
    "cw_history_none": {"zh": "还没有人办理过。", "en": "Nobody has worked on it yet."},
    "cw_building_title": {
        "zh": "工单（动态清零）：未办结 {open} · 逾期 {overdue}",
        "en": "Casework: {open} open · {overdue} overdue",
    },
    "cw_building_none": {
        "zh": "本月没有零就业家庭，也没有未就业且有就业意愿的人员。",
        "en": "No zero-employment household and nobody jobless wishing to work this month.",
    },
    "cw_building_cleared": {
        "zh": "本月工单已全部办结。",
        "en": "Every case of this month is closed.",
    },
    "cw_building_closed": {
        "zh": "已办结 {count} 件（可在右侧选择查看）。",
        "en": "{count} closed (pick one on the right to see it).",
    },
    "cw_pick_subject": {"zh": "办理工单", "en": "Work on"},
    "cw_subject_option": {
        "zh": "{room} {name} · {rule} · {state}",
        "en": "{room} {name} · {rule} · {state}",
    },
    "cw_card_tab": {"zh": "工单（{count}）", "en": "Cases ({count})"},
    # --- issue 22: worklist page ---
    "nav_casework": {"zh": "动态清零工单", "en": "Casework"},
    "cw_worklist_caption": {
        "zh": "本月要清零的全部工单：审计疑点、零就业家庭、有就业意愿的未就业人员。点一行办理；"
        "“批量指派”把筛出的未办结工单交给一位负责人。",
        "en": "Every case to clear this month: audit cases, zero-employment households, unemployed "
        "people wishing to work. Click a row to work it; “Assign” gives the open cases listed "
        "to one owner.",
    },
    "cw_kpi_unassigned": {"zh": "未指派", "en": "Unassigned"},
    "clr_to_casework": {"zh": "工单明细与指派", "en": "Casework and assignment"},
    "cw_all": {"zh": "全部", "en": "All"},
    "cw_filter_unassigned": {"zh": "只看未指派", "en": "Unassigned only"},
    "cw_pick_row": {"zh": "点列表中的一行，在这里办理", "en": "Click a row to work it here"},
    "cw_assign": {"zh": "批量指派（{count} 条）", "en": "Assign ({count})"},
    "cw_assign_help": {
        "zh": "把列表中 {count} 条未办结工单交给同一位负责人（已有的状态和备注不变）。"
        "一次保存，可在导入记录中整体撤销。",
        "en": "Give the {count} open cases listed one owner (their states and notes stay). One "
        "save, undone as one from the import history.",
    },
    "cw_assign_go": {"zh": "指派", "en": "Assign"},
    "cw_assigned": {
        "zh": "已指派 {count} 条（批次 #{batch}，可在导入记录中撤销）",
        "en": "{count} assigned (batch #{batch}, undoable in the import history)",
    },
    "cw_worklist_file": {"zh": "动态清零工单", "en": "casework"},
    "cw_worklist_note": {
        "zh": "{month}的工单，{today}的状态",
        "en": "{month}'s casework, states of {today}",
    },
    # --- issue 22: clearing progress (helper clearing) ---
    "clr_title": {"zh": "动态清零", "en": "Clearing to zero"},
    "clr_help": {
        "zh": "零就业家庭、有就业意愿的未就业人员（{month}台账）和审计疑点（截至{month}）"
        "的工单。未清零：待帮扶、帮扶中、待核实、核实中；逾期：未清零且完成期限早于今天（{today}）；"
        "本月清零：{this_month}内改为已就业、暂无法就业、已整改或误报的，加上{month}台账比"
        "{previous}不再列出的户和人员。",
        "en": "Casework of zero-employment households, unemployed people wishing to work "
        "({month} ledger) and audit cases (up to {month}). Open: not yet closed; overdue: open "
        "and due before today ({today}); cleared this month: closed during {this_month}, plus "
        "households and people on {previous}'s list but no longer on {month}'s.",
    },
    "clr_open": {"zh": "未清零", "en": "Open"},
    "clr_overdue": {"zh": "逾期", "en": "Overdue"},
    "clr_cleared": {"zh": "本月清零", "en": "Cleared this month"},
    "clr_all_clear": {"zh": "已清零", "en": "All cleared"},
    "clr_all_clear_note": {
        "zh": "{place}没有未清零的工单",
        "en": "{place} has no open case",
    },
    "clr_kind": {"zh": "类型", "en": "Kind"},
    "clr_kind_audit": {"zh": "审计疑点", "en": "Audit cases"},
    "clr_kind_household": {"zh": "零就业家庭", "en": "Zero-employment households"},
    "clr_kind_person": {"zh": "有就业意愿未就业", "en": "Unemployed, wishing to work"},
    "clr_past_month": {
        "zh": "{month}的名单，今天的状态；本月清零指{this_month}",
        "en": "{month}'s list in today's states; cleared this month means in {this_month}",
    },
    "clr_to_compliance": {"zh": "审计疑点明细", "en": "Audit cases in detail"},
    "clr_more_places": {
        "zh": "未清零最多的 {shown} 个，共 {count} 个",
        "en": "the {shown} with most open of {count}",
    },
    "clr_axis": {"zh": "未清零（件）", "en": "Open cases"},
    "slide_clearing": {"zh": "动态清零", "en": "Clearing to zero"},
}


def lang() -> str:
    """The viewer's language: the `lang` widget's value (bound to the URL), Chinese by default."""
    # Imported here: the command line renders meeting packs with these strings, without a server.
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return "zh"
    # The URL speaks for pages without the switch (projector mode has no sidebar).
    value = (
        st.session_state.get("lang")
        or st.session_state.get("signin_lang")
        or st.query_params.get("lang")
    )
    return value if value in LANGUAGES else "zh"


def t(key: str, **values: object) -> str:
    """The string `key` in the viewer's language, with `{placeholders}` filled from `values`."""
    text = STRINGS[key][lang()]
    return text.format(**values) if values else text
