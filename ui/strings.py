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
    "trend_title": {"zh": "就业率与已就业人数走势", "en": "Employment rate and employed persons"},
    "by_site_title": {
        "zh": "各安置点就业率（由低到高）",
        "en": "Employment rate by site (lowest first)",
    },
    "by_township_title": {
        "zh": "各乡镇就业率（由低到高）",
        "en": "Employment rate by township (lowest first)",
    },
    "target": {"zh": "目标", "en": "Target"},
    "nav_present": {"zh": "投影模式", "en": "Projector mode"},
    "present_start": {"zh": "投影模式", "en": "Projector mode"},
    "slide_overview": {"zh": "全县就业", "en": "County employment"},
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
    "bld_pack_pdf": {"zh": "本楼材料（PDF，A4 一页）", "en": "This building (PDF, one A4 page)"},
    "bld_pack_site_pdf": {
        "zh": "全安置点材料（PDF，每栋一页）",
        "en": "Whole site (PDF, a page per building)",
    },
    "bld_pack_xlsx": {"zh": "本楼材料（Excel）", "en": "This building (Excel)"},
    "bld_pack_masked": {
        "zh": "材料中身份证号和电话已脱敏。",
        "en": "ID numbers and phones are masked in the pack.",
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
}


def lang() -> str:
    """The viewer's language: the `lang` widget's value (bound to the URL), Chinese by default."""
    # Imported here: the command line renders meeting packs with these strings, without a server.
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return "zh"
    # The URL speaks for pages without the switch (projector mode has no sidebar).
    value = st.session_state.get("lang") or st.query_params.get("lang")
    return value if value in LANGUAGES else "zh"


def t(key: str, **values: object) -> str:
    """The string `key` in the viewer's language, with `{placeholders}` filled from `values`."""
    text = STRINGS[key][lang()]
    return text.format(**values) if values else text
