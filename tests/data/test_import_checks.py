"""Checking ledgers before anything is stored: every rule, every message, every tolerated variant.

`check_files` never touches the store, so these tests need no database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics import domain
from data.importer import ImportResult, ParsedSheet, SheetCounts, check_files
from data.ledger import LedgerIssue
from tests.data.test_ledger import grid, labour_row, make_id, write_csv, write_xlsx

Cell = Any


def check_labour(
    tmp_path: Path, rows: list[dict[str, Cell]], **options: Any
) -> tuple[ParsedSheet, list[LedgerIssue]]:
    path = write_xlsx(tmp_path / "台账.xlsx", {"8月": grid(rows)})
    parsed, issues = check_files([path], **options)
    assert len(parsed) == 1
    return parsed[0], issues


def only(issues: list[LedgerIssue]) -> LedgerIssue:
    assert len(issues) == 1, [i.message() for i in issues]
    return issues[0]


# --- labour ledger: errors and warnings --------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        (
            "劳动能力",
            "能干活",
            "不是可选的值：应为 有劳动能力、弱劳动力、丧失劳动能力、无劳动能力 之一",
        ),
        ("就业状态", "在职", "应为 已就业、未就业、在校生、服役、退休、其他 之一"),
        ("就业形式", "打工", "省外务工、省内县外务工、县内务工"),
        ("文化程度", "小学三年级", "小学及以下、初中、高中(中专)、大专及以上"),
        ("就业意愿", "随便", "外出务工、就近就业"),
        ("监测类型", "一般户", "脱贫户、脱贫不稳定户"),
        ("月收入(元)", "-5", "月收入不能为负数"),
        ("月收入(元)", "两千", "不是数字"),
        ("是否两后生", "也许", "应填“是”或“否”"),
        ("是否三无人员", "不知道", "应填“是”或“否”"),
        ("性别", "未知", "应为 男、女 之一"),
        ("联系电话", "12345", "不是 11 位手机号"),
        ("联系电话", "23800000000", "不是 11 位手机号"),
        ("统计月份", "八月", "不是月份"),
        ("安置点", None, "必填，不能为空"),
        ("楼栋", None, "必填，不能为空"),
        ("房号", None, "必填，不能为空"),
        ("乡镇(街道)", None, "必填，不能为空"),
        ("户主姓名", None, "必填，不能为空"),
        ("姓名", None, "必填，不能为空"),
        ("身份证号", None, "必填，不能为空"),
        ("劳动能力", None, "必填，不能为空"),
        ("就业状态", None, "必填，不能为空"),
        ("身份证号", "52242419880101123", "位数不对：应为 18 位，实为 17 位"),
        ("身份证号", "5.22424198801011E+17", "末几位已丢失"),
        ("身份证号", int(make_id(5)[:17] + "7"), "末几位已丢失"),  # a number cell
    ],
)
def test_bad_labour_cell_is_an_error(tmp_path: Path, header: str, value: Cell, reason: str) -> None:
    rows = [labour_row(0), labour_row(1, **{header: value}), labour_row(2)]
    parsed, issues = check_labour(tmp_path, rows)
    issue = only(issues)
    assert (issue.file, issue.sheet, issue.row, issue.column) == ("台账.xlsx", "8月", 3, header)
    assert issue.severity == "error"
    assert reason in issue.reason_zh
    assert issue.reason_en and not set("，：、（）") & set(issue.reason_en)
    assert parsed.error_rows.to_list() == [3]
    assert parsed.valid["row"].to_list() == [2, 4]


def test_message_names_row_column_value_and_reason(tmp_path: Path) -> None:
    _, issues = check_labour(tmp_path, [labour_row(0, 身份证号="52242419880101123")])
    assert (
        only(issues).message()
        == '第 2 行 身份证号 "52242419880101123" 位数不对：应为 18 位，实为 17 位'
    )
    assert only(issues).message("en") == (
        'row 2 身份证号 "52242419880101123": wrong length: 18 expected, got 17'
    )


def test_employed_without_employment_type_is_an_error(tmp_path: Path) -> None:
    _, issues = check_labour(tmp_path, [labour_row(1, 就业状态="已就业", 就业形式=None)])
    assert (only(issues).column, only(issues).reason_zh) == (
        "就业形式",
        "已就业的人必须填写就业形式",
    )


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"性别": "男"}, "性别", "与身份证号不符：按身份证号应为女"),
        ({"与户主关系": "邻居"}, "与户主关系", "不是常用的关系"),
        (
            {"身份证号": make_id(7, birth="20150101"), "性别": "男"},
            "身份证号",
            "地区码（前 6 位）在出生那年不存在",
        ),
        ({"统计月份": "2099-01"}, "统计月份", "统计月份晚于本月"),
    ],
)
def test_doubtful_labour_cell_is_a_warning(
    tmp_path: Path, changes: dict[str, Cell], column: str, reason: str
) -> None:
    row = labour_row(2, **changes)  # person 2 is a woman
    parsed, issues = check_labour(tmp_path, [row])
    issue = only(issues)
    assert (issue.row, issue.column, issue.severity) == (2, column, "warning")
    assert reason in issue.reason_zh
    assert parsed.valid.height == 1


@pytest.mark.parametrize(
    ("header", "value", "column", "expected"),
    [
        ("文化程度", "高中（中专）", "education", "高中(中专)"),
        ("文化程度", "本科", "education", "大专及以上"),
        ("就业状态", " 已就业 ", "status", "已就业"),
        ("就业形式", "公益岗", "employment_type", "公益性岗位"),
        ("就业形式", "社区工厂", "employment_type", "扶贫车间"),
        ("劳动能力", "弱劳动能力", "capacity", "弱劳动力"),
        ("与户主关系", "妻子", "relation", "配偶"),
        ("是否两后生", "是", "two_after", True),
        ("是否两后生", "Y", "two_after", True),
        ("是否三无人员", "否", "three_no", False),
        ("联系电话", "138-0000-0001", "phone", "13800000001"),
        ("联系电话", 13800000002, "phone", "13800000002"),
        ("月收入(元)", "2,100元", "monthly_income", 2100.0),
        ("月收入(元)", "２１００", "monthly_income", 2100.0),
        ("楼栋", "３号楼", "building", "3"),
        ("楼栋", 3, "building", "3"),
        ("房号", "１－３０２", "room", "1-302"),
        ("单元", "2单元", "unit", "2"),
        ("姓名", " 张  三 ", "name", "张三"),
        ("身份证号", make_id(1).lower(), "id_number", make_id(1)),
        ("性别", None, "gender", "男"),  # from the ID
        ("统计月份", "2020年8月", "month", dt.date(2020, 8, 1)),
        ("统计月份", dt.date(2020, 8, 1), "month", dt.date(2020, 8, 1)),
        ("统计月份", "202008", "month", dt.date(2020, 8, 1)),
    ],
)
def test_tolerated_variant(
    tmp_path: Path, header: str, value: Cell, column: str, expected: Any
) -> None:
    parsed, issues = check_labour(tmp_path, [labour_row(1, **{header: value})])
    assert issues == []
    assert parsed.rows[column].to_list() == [expected]


def test_household_is_site_building_room_unless_a_code_is_given(tmp_path: Path) -> None:
    rows = [labour_row(0, 楼栋="3号楼", 房号="1-302"), labour_row(1, 户编号="HH-9")]
    parsed, _ = check_labour(tmp_path, rows)
    assert parsed.rows["household"].to_list() == ["幸福家园|3|1-302", "HH-9"]


def test_missing_required_column_rejects_the_sheet(tmp_path: Path) -> None:
    rows = [{k: v for k, v in labour_row(n).items() if k != "劳动能力"} for n in range(2)]
    parsed, issues = check_labour(tmp_path, rows)
    issue = only(issues)
    assert (issue.row, issue.column) == (None, "劳动能力")
    assert "缺少必填列“劳动能力”" in issue.reason_zh
    assert parsed.error_rows.to_list() == [2, 3]


@pytest.mark.parametrize(
    ("title", "month", "column", "expected"),
    [
        (None, dt.date(2020, 9, 1), None, dt.date(2020, 9, 1)),
        ("台账（2020年7月）", None, None, dt.date(2020, 7, 1)),
        ("台账（2020年7月）", dt.date(2020, 9, 1), None, dt.date(2020, 9, 1)),
        ("台账（2020年7月）", dt.date(2020, 9, 1), "2020-08", dt.date(2020, 8, 1)),
    ],
)
def test_reporting_month_from_column_option_or_title(
    tmp_path: Path, title: str | None, month: dt.date | None, column: str | None, expected: dt.date
) -> None:
    row = labour_row(0)
    del row["统计月份"]
    if column is not None:
        row = {"统计月份": column} | row
    path = write_csv(tmp_path / "a.csv", grid([row], title=title))
    parsed, issues = check_files([path], month=month)
    assert issues == []
    assert parsed[0].rows["month"].to_list() == [expected]


def test_no_reporting_month_anywhere_is_an_error(tmp_path: Path) -> None:
    row = labour_row(0)
    del row["统计月份"]
    parsed, issues = check_files([write_csv(tmp_path / "a.csv", grid([row]))])
    assert only(issues).row is None
    assert "不知道统计月份" in only(issues).reason_zh
    assert parsed[0].valid.is_empty()


def test_same_id_twice_in_a_month_names_both_rows(tmp_path: Path) -> None:
    twin = labour_row(0, 姓名="张零")
    _, issues = check_labour(tmp_path, [labour_row(0), labour_row(1), twin])
    assert [(i.row, i.column, i.reason_zh) for i in issues] == [
        (2, "身份证号", "同一月份中身份证号重复：与第 4 行重复"),
        (4, "身份证号", "同一月份中身份证号重复：与第 2 行重复"),
    ]


def test_same_id_in_two_files_of_one_month_names_the_other_file(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", grid([labour_row(0)]))
    b = write_xlsx(tmp_path / "b.xlsx", {"8月": grid([labour_row(0)])})
    _, issues = check_files([a, b])
    assert [(i.file, i.row) for i in issues] == [("a.csv", 2), ("b.xlsx", 2)]
    assert "b.xlsx / 8月 第 2 行" in issues[0].reason_zh
    assert "a.csv 第 2 行" in issues[1].reason_zh


def test_same_id_in_two_months_is_fine(tmp_path: Path) -> None:
    rows = [labour_row(0), labour_row(0, 统计月份="2020-09")]
    _, issues = check_labour(tmp_path, rows)
    assert issues == []


def test_every_error_of_every_file_is_reported(tmp_path: Path) -> None:
    a = write_xlsx(
        tmp_path / "a.xlsx",
        {"8月": grid([labour_row(0, 劳动能力="x"), labour_row(1, 就业状态="y")])},
    )
    b = write_csv(tmp_path / "b.csv", grid([labour_row(2, 身份证号="123")]))
    _, issues = check_files([a, b])
    result = ImportResult(
        ok=False,
        batch_id=None,
        issues=issues,
        sheets=[SheetCounts("a.xlsx", "8月", "labour", rows_read=2, rejected=2)],
        months=[],
    )
    report = result.report()
    assert "数据没有任何改动：共 3 个错误" in report
    for expected in ["a.xlsx / 8月", '第 2 行 劳动能力 "x"', '第 3 行 就业状态 "y"', "b.csv"]:
        assert expected in report
    assert '第 2 行 身份证号 "123" 位数不对' in report
    assert "row 2 身份证号" in result.report("en")


# --- the other formats ------------------------------------------------------------------------


def subsidy(**changes: Cell) -> dict[str, Cell]:
    row: dict[str, Cell] = {
        "发放日期": "2020-08-15",
        "补贴类型": "交通补贴",
        "姓名": "张0",
        "身份证号": make_id(0),
        "单位名称": None,
        "金额(元)": 500,
        "乡镇(街道)": "岩孔街道",
        "安置点": "幸福家园",
        "备注": None,
    }
    return row | changes


def check_sheet(tmp_path: Path, rows: list[dict[str, Cell]]) -> tuple[pl.DataFrame, list]:
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": grid(rows, title="花名册")})
    parsed, issues = check_files([path])
    assert len(parsed) == 1, issues
    return parsed[0].rows, issues


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        (
            {"补贴类型": "吸纳就业补贴", "姓名": None, "身份证号": None},
            "单位名称",
            "必须填写单位名称",
        ),
        ({"身份证号": None}, "身份证号", "发给个人的补贴必须填写身份证号"),
        ({"姓名": None}, "姓名", "发给个人的补贴必须填写姓名"),
        ({"身份证号": "522424"}, "身份证号", "位数不对"),
        ({"金额(元)": 0}, "金额(元)", "金额必须大于 0"),
        ({"金额(元)": "五百"}, "金额(元)", "不是数字"),
        ({"补贴类型": "过节费"}, "补贴类型", "公益性岗位补贴、交通补贴"),
        ({"发放日期": "上月"}, "发放日期", "不是日期"),
        ({"乡镇(街道)": None}, "乡镇(街道)", "必填"),
    ],
)
def test_bad_subsidy_row(tmp_path: Path, changes: dict, column: str, reason: str) -> None:
    _, issues = check_sheet(tmp_path, [subsidy(**changes)])
    assert (only(issues).column, only(issues).row) == (column, 4)
    assert reason in only(issues).reason_zh


def test_subsidy_rows_in_store_terms(tmp_path: Path) -> None:
    rows, issues = check_sheet(
        tmp_path,
        [
            subsidy(**{"金额(元)": "1,500.50", "补贴类型": "交通", "发放日期": "2020年8月15日"}),
            subsidy(
                **{"补贴类型": "社保补贴", "姓名": None, "身份证号": None, "单位名称": "金沙鞋厂"}
            ),
        ],
    )
    assert issues == []
    assert rows.select("paid_on", "kind", "payee", "amount_fen").rows() == [
        (dt.date(2020, 8, 15), "交通补贴", make_id(0), 150050),
        (dt.date(2020, 8, 15), "社保补贴", "金沙鞋厂", 50000),
    ]
    assert domain.SUBSIDY_SOCIAL_INSURANCE in domain.EMPLOYER_SUBSIDY_KINDS


def posting(**changes: Cell) -> dict[str, Cell]:
    row: dict[str, Cell] = {
        "发布日期": "2020-08-01",
        "单位名称": "金沙鞋厂",
        "岗位名称": "缝纫工",
        "工作地点": "金沙县",
        "乡镇(街道)": "岩孔街道",
        "招聘人数": 20,
        "月薪下限": 2500,
        "月薪上限": 3500,
        "技能要求": "无",
        "来源": "企业直报",
    }
    return row | changes


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"招聘人数": "若干"}, "招聘人数", "不是整数"),
        ({"招聘人数": 0}, "招聘人数", "至少为 1"),
        ({"岗位名称": None}, "岗位名称", "必填"),
        ({"月薪下限": 4000}, "月薪上限", "低于月薪下限"),
        ({"来源": "朋友介绍"}, "来源", "招聘会、线上、企业直报"),
    ],
)
def test_bad_posting_row(tmp_path: Path, changes: dict, column: str, reason: str) -> None:
    _, issues = check_sheet(tmp_path, [posting(**changes)])
    assert only(issues).column == column and reason in only(issues).reason_zh


def test_posting_variants(tmp_path: Path) -> None:
    rows, issues = check_sheet(tmp_path, [posting(来源="网络", 招聘人数="20人")])
    assert issues == []
    assert rows.select("source", "vacancies").row(0) == ("线上", 20)


def training(**changes: Cell) -> dict[str, Cell]:
    row: dict[str, Cell] = {
        "姓名": "张0",
        "身份证号": make_id(0),
        "培训项目": "电工",
        "培训机构": "县职校",
        "开始日期": "2020-08-01",
        "结束日期": "2020-08-20",
        "是否取证": "是",
    }
    return row | changes


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"结束日期": "2020-07-01"}, "结束日期", "结束日期早于开始日期"),
        ({"身份证号": make_id(0)[:-1] + "5"}, "身份证号", "校验位不对"),
        ({"培训项目": None}, "培训项目", "必填"),
        ({"开始日期": None}, "开始日期", "必填"),
    ],
)
def test_bad_training_row(tmp_path: Path, changes: dict, column: str, reason: str) -> None:
    _, issues = check_sheet(tmp_path, [training(**changes)])
    assert only(issues).column == column and reason in only(issues).reason_zh


@pytest.mark.parametrize(
    ("value", "expected"), [("95%", 95.0), ("95", 95.0), ("1,000", 1000.0), ("50万", 500000.0)]
)
def test_target_values(tmp_path: Path, value: str, expected: float) -> None:
    row = {"年度": "2021年", "指标": "就业率", "范围": "县", "目标值": value}
    rows, issues = check_sheet(tmp_path, [row])
    assert issues == []
    assert rows.select("year", "metric", "scope", "target").row(0) == (
        2021,
        "就业率",
        "县",
        expected,
    )


def test_unknown_target_metric(tmp_path: Path) -> None:
    _, issues = check_sheet(
        tmp_path, [{"年度": 2021, "指标": "幸福指数", "范围": "县", "目标值": 1}]
    )
    assert only(issues).column == "指标" and "就业率、一户一人率" in only(issues).reason_zh


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ({"安置点": "幸福家园", "经度": 106.2, "纬度": 200}, "纬度", "超出范围"),
        ({"安置点": "幸福家园", "经度": "东经", "纬度": 27.4}, "经度", "不是数字"),
        ({"安置点": None, "经度": 106.2, "纬度": 27.4}, "安置点", "必填"),
    ],
)
def test_bad_site_row(tmp_path: Path, row: dict, column: str, reason: str) -> None:
    _, issues = check_sheet(tmp_path, [row])
    assert only(issues).column == column and reason in only(issues).reason_zh


@pytest.mark.parametrize(
    ("phone", "expected"), [("0857-7221234", "0857-7221234"), ("13900000000", "13900000000")]
)
def test_captain_phones(tmp_path: Path, phone: str, expected: str) -> None:
    row = {
        "安置点": "幸福家园",
        "楼栋": "3号楼",
        "楼长": "王五",
        "包保单位": "县人社局",
        "联系电话": phone,
    }
    rows, issues = check_sheet(tmp_path, [row])
    assert issues == []
    assert rows.select("building", "phone").row(0) == ("3", expected)


def test_bad_captain_phone(tmp_path: Path) -> None:
    row = {
        "安置点": "幸福家园",
        "楼栋": "3",
        "楼长": "王五",
        "包保单位": "县人社局",
        "联系电话": "110",
    }
    _, issues = check_sheet(tmp_path, [row])
    assert only(issues).column == "联系电话" and "不是电话号码" in only(issues).reason_zh


def test_an_invalid_id_twice_is_reported_once_per_row(tmp_path: Path) -> None:
    rows = [labour_row(0, 身份证号="5.22424E+17"), labour_row(1, 身份证号="5.22424E+17")]
    _, issues = check_labour(tmp_path, rows)
    assert [(i.row, "末几位已丢失" in i.reason_zh) for i in issues] == [(2, True), (3, True)]


def test_many_copies_of_one_id_name_a_few_of_the_others(tmp_path: Path) -> None:
    _, issues = check_labour(tmp_path, [labour_row(0) for _ in range(8)])
    assert len(issues) == 8
    assert issues[0].reason_zh == (
        "同一月份中身份证号重复：与第 3 行、第 4 行、第 5 行、第 6 行、第 7 行等 7 行重复"
    )


def test_id_number_cells_are_rejected_even_when_their_digits_pass(tmp_path: Path) -> None:
    # xlsxwriter keeps 16 digits: 522424198801010528 reads back as 522424198801010624, a valid
    # ID of someone else. The row beside it fails the checksum, so the cells' types are read.
    lucky, unlucky = 522424198801010528, int(make_id(2)[:17] + "7")
    rows = [labour_row(0, 身份证号=lucky), labour_row(1), labour_row(2, 身份证号=unlucky)]
    _, issues = check_labour(tmp_path, rows)
    assert [(i.row, i.value) for i in issues] == [
        (2, "522424198801010624"),
        (4, str(int(float(f"{unlucky:.16g}")))),
    ]
    assert all("已被 Excel 存成数字" in i.reason_zh for i in issues)


def test_placeholders_of_empty_cells_are_empty(tmp_path: Path) -> None:
    row = labour_row(0, 就业形式="/", 就业单位="—", 就业地点="／")  # person 0 is not employed
    parsed, issues = check_labour(tmp_path, [row])
    assert issues == []
    assert parsed.rows.select("employment_type", "employer", "work_place").row(0) == (None,) * 3
