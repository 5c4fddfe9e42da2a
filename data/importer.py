"""Checking ledgers against the domain and committing them to the store.

`check_files` reads and checks without touching the store (the upload page previews with it);
`import_files` commits: all or nothing by default, idempotent, one `ImportBatch` per import.
Everything is vectorised polars; Python loops only run over distinct values and bad rows.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import logging
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from analytics import domain
from analytics.columns import TRAINING_SCHEMA
from data import bulk, ids
from data.ledger import (
    CAPTAINS,
    EXCEL_SUFFIXES,
    FORMATS,
    ISSUES_LISTED,
    NAME_PROPERTIES,
    POSTINGS,
    RAW_ROW,
    ROW,
    SITES,
    TARGETS,
    TRAINING,
    LedgerFormat,
    LedgerIssue,
    Sheet,
    boundary_problem,
    building_names,
    by_value,
    compact,
    count_issues,
    parse_dates,
    parse_months,
    read_ledger,
    room_names,
    stored_as_numbers,
    unit_names,
    unlisted,
)
from data.store import init_store

__all__ = [
    "ImportResult",
    "LedgerIssue",
    "ParsedSheet",
    "SheetCounts",
    "StoreWriter",
    "check_files",
    "check_rows",
    "import_files",
    "table_schema",
]

# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parser:
    """Turns a column of cleaned text into its typed values; null where a value does not parse."""

    parse: Callable[[pl.Series], pl.Series]
    zh: str  # why a filled cell gave null
    en: str


def _choice_key(series: pl.Series) -> pl.Series:
    return series.str.to_lowercase().str.replace_all(r"\s+", "")


def _choice(allowed: Sequence[str], synonyms: dict[str, str] | None = None) -> _Parser:
    """One of `allowed`; case, spaces and full-width brackets do not matter, nor `synonyms`."""
    table: dict[str, str] = {}
    for value, canonical in [*((a, a) for a in allowed), *(synonyms or {}).items()]:
        key = _choice_key(pl.Series([value]))[0]
        table.setdefault(key, canonical)
        table.setdefault(re.sub(r"\(.*?\)", "", key), canonical)

    def parse(s: pl.Series) -> pl.Series:
        def fn(u: pl.Series) -> pl.Series:
            key = _choice_key(u)
            exact = key.replace_strict(table, default=None, return_dtype=pl.String)
            loose = key.str.replace_all(r"\(.*?\)", "").replace_strict(
                table, default=None, return_dtype=pl.String
            )
            return exact.fill_null(loose)

        return by_value(s, fn)

    listed = "、".join(allowed)
    return _Parser(
        parse,
        f"不是可选的值：应为 {listed} 之一",
        f"not an allowed value: one of {', '.join(allowed)}",
    )


_YES, _NO = "是", "否"
_FLAG = _choice(
    (_YES, _NO),
    {k: _YES for k in ("y", "yes", "true", "1", "√", "✓", "对")}
    | {k: _NO for k in ("n", "no", "false", "0", "×", "✗", "x")},
)


def _flag_parse(s: pl.Series) -> pl.Series:
    return _FLAG.parse(s).replace_strict({_YES: True, _NO: False}, default=None)


_FLAG_PARSER = _Parser(_flag_parse, "应填“是”或“否”", "must be 是 (yes) or 否 (no)")


def _number_parse(s: pl.Series) -> pl.Series:
    """`2,100`, `2100元`, `95%`, `50万` -> a float; `%` keeps the number (95% is 95)."""

    def fn(u: pl.Series) -> pl.Series:
        parts = u.str.replace_all(r"[,\s]", "").str.extract_groups(
            r"^(?<n>[-+]?\d+(?:\.\d+)?)(?<wan>万)?(?:元|人|个|户|家|次|名|年|%)?$"
        )
        number = parts.struct["n"].cast(pl.Float64, strict=False)
        return (
            pl.DataFrame({"n": number, "w": parts.struct["wan"]})
            .select(pl.when(pl.col("w").is_not_null()).then(pl.col("n") * 10_000).otherwise("n"))
            .to_series()
        )

    return by_value(s, fn)


_NUMBER = _Parser(_number_parse, "不是数字", "not a number")


def _integer_parse(s: pl.Series) -> pl.Series:
    number = _number_parse(s)
    return pl.select(
        pl.when(number == number.round()).then(number).cast(pl.Int64, strict=False)
    ).to_series()


_INTEGER = _Parser(_integer_parse, "不是整数", "not a whole number")
_DATE = _Parser(
    parse_dates,
    "不是日期：应写成 2020-08-15、2020/8/15 或 2020年8月15日",
    "not a date: write 2020-08-15, 2020/8/15 or 2020年8月15日",
)
_MONTH = _Parser(
    parse_months,
    "不是月份：应写成 2020-08、2020年8月 或 202008",
    "not a month: write 2020-08, 2020年8月 or 202008",
)


def _phone_parse(s: pl.Series) -> pl.Series:
    def fn(u: pl.Series) -> pl.Series:
        digits = u.str.replace_all(r"[\s\-()]", "").str.replace(r"^(\+?86)(1\d{10})$", "$2")
        return pl.select(pl.when(digits.str.contains(r"^1\d{10}$")).then(digits)).to_series()

    return by_value(s, fn)


_MOBILE = _Parser(_phone_parse, "不是 11 位手机号", "not an 11-digit mobile number")


def _any_phone_parse(s: pl.Series) -> pl.Series:
    digits = s.str.replace_all(r"[\s()]", "")
    mobile = _phone_parse(s)
    landline = pl.select(pl.when(digits.str.contains(r"^0\d{2,3}-?\d{7,8}$")).then(digits))
    return mobile.fill_null(landline.to_series())


_PHONE = _Parser(
    _any_phone_parse,
    "不是电话号码：应为 11 位手机号或带区号的座机号",
    "not a phone number: an 11-digit mobile or a landline with area code",
)
_COMPACT = _Parser(compact, "", "")
# `记-0012`, ` 12 `; `12.0` from a number cell is voucher 12.
_VOUCHER = _Parser(lambda s: compact(s).str.replace(r"^(\d+)\.0+$", "$1"), "", "")
_TEXT = _Parser(lambda s: s, "", "")
_BUILDING = _Parser(building_names, "", "")
_ROOM = _Parser(room_names, "", "")
_UNIT = _Parser(unit_names, "", "")

_GENDER = _choice(domain.GENDERS, {"男性": "男", "女性": "女", "m": "男", "f": "女"})
_RELATION = _choice(
    domain.RELATIONS,
    {"本人": "户主"}
    | dict.fromkeys(("妻", "妻子", "夫", "丈夫"), "配偶")
    | dict.fromkeys(("子", "女", "儿子", "女儿", "长子", "次子", "三子", "长女", "次女"), "子女")
    | dict.fromkeys(("之子", "之女", "独生子", "独生女", "养子", "养女"), "子女")
    | dict.fromkeys(("父", "母", "父亲", "母亲"), "父母")
    | dict.fromkeys(("孙子", "孙女", "外孙子", "外孙女"), "孙子女")
    | dict.fromkeys(("兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"), "兄弟姐妹"),
)
# With the values of the national 防返贫监测信息系统 (文盲或半文盲, 本科及以上; 劳动技能's
# 普通劳动力, 技能劳动力, 弱劳动力或半劳动力, 丧失劳动力, 无劳动力): ledger-format.md.
_EDUCATION = _choice(
    domain.EDUCATIONS,
    dict.fromkeys(("文盲", "半文盲", "文盲或半文盲", "小学", "学龄前"), "小学及以下")
    | dict.fromkeys(("高中", "中专", "职高", "技校", "中职", "高中/中专"), "高中(中专)")
    | dict.fromkeys(("大专", "专科", "本科", "本科及以上", "大学", "研究生"), "大专及以上")
    | dict.fromkeys(("硕士", "博士"), "大专及以上"),
)
_CAPACITY = _choice(
    domain.CAPACITIES,
    dict.fromkeys(("有劳动力", "普通劳动力", "技能劳动力"), domain.CAPACITY_ABLE)
    | dict.fromkeys(("弱劳动能力", "半劳动力", "弱劳动力或半劳动力"), domain.CAPACITY_WEAK)
    | {"丧失劳动力": "丧失劳动能力", "无劳动力": "无劳动能力"},
)
_STATUS = _choice(
    domain.STATUSES,
    {"就业": domain.STATUS_EMPLOYED, "失业": domain.STATUS_UNEMPLOYED}
    | dict.fromkeys(("在校", "学生", "在读"), "在校生")
    | dict.fromkeys(("参军", "入伍", "现役"), "服役"),
)
_EMPLOYMENT_TYPE = _choice(
    domain.EMPLOYMENT_TYPES,
    {"省外": domain.OUT_OF_PROVINCE, "省内县外": domain.IN_PROVINCE_OUT_OF_COUNTY}
    | {"县内": domain.IN_COUNTY, "公益岗": domain.PUBLIC_WELFARE_POST}
    | dict.fromkeys(("帮扶车间", "就业帮扶车间", "社区工厂"), domain.WORKSHOP)
    | dict.fromkeys(("来料加工", "劳务外包"), domain.HOME_PIECEWORK)
    | {"创业": domain.SELF_EMPLOYED}
    | dict.fromkeys(("零工", "打零工", "灵活"), domain.FLEXIBLE),
)
_WISH = _choice(
    domain.WISHES,
    dict.fromkeys(("无", "暂无", "无意愿"), "暂无意愿")
    | {"外出": "外出务工", "就近": "就近就业", "公益岗": "公益性岗位", "创业": "自主创业"},
)
_MONITORING = _choice(
    domain.MONITORING_TYPES,
    {"一般脱贫户": "脱贫户", "不稳定户": "脱贫不稳定户", "边缘户": "边缘易致贫户"},
)
_SUBSIDY_KIND = _choice(
    domain.SUBSIDY_KINDS,
    {k.removesuffix("补贴"): k for k in domain.SUBSIDY_KINDS}
    | {"公益岗位补贴": domain.SUBSIDY_PUBLIC_WELFARE, "稳岗补贴": domain.SUBSIDY_STABLE}
    | {"一次性交通补贴": domain.SUBSIDY_TRANSPORT, "一次性创业补贴": domain.SUBSIDY_START_UP}
    | {"贷款贴息": domain.SUBSIDY_LOAN_INTEREST, "创业贷款贴息": domain.SUBSIDY_LOAN_INTEREST}
    | {"一次性吸纳就业补贴": domain.SUBSIDY_HIRING, "社会保险补贴": domain.SUBSIDY_SOCIAL_INSURANCE}
    | {"楼管员补贴": domain.SUBSIDY_FLOOR_MANAGER},
)
_JOB_SOURCE = _choice(
    domain.JOB_SOURCES,
    dict.fromkeys(("网络", "网上", "线上招聘", "网络招聘"), "线上")
    | {"现场招聘会": "招聘会", "企业报送": "企业直报"},
)
_METRIC = _choice(domain.TARGET_METRICS)

# How each column of each format is typed; unlisted columns are compacted text.
_PARSERS: dict[str, dict[str, _Parser]] = {
    "labour": {
        "month": _MONTH,
        "building": _BUILDING,
        "unit": _UNIT,
        "room": _ROOM,
        "gender": _GENDER,
        "relation": _RELATION,
        "education": _EDUCATION,
        "capacity": _CAPACITY,
        "status": _STATUS,
        "employment_type": _EMPLOYMENT_TYPE,
        "employer": _TEXT,
        "work_place": _TEXT,
        "monthly_income": _NUMBER,
        "wish": _WISH,
        "training_need": _TEXT,
        "two_after": _FLAG_PARSER,
        "three_no": _FLAG_PARSER,
        "monitoring": _MONITORING,
        "phone": _MOBILE,
        # Checked only where it stands in for the person's phone (`_check_labour`).
        "household_phone": _Parser(_phone_parse, "", ""),
    },
    "subsidies": {
        "paid_on": _DATE,
        "kind": _SUBSIDY_KIND,
        "employer": _TEXT,
        "amount": _NUMBER,
        "note": _TEXT,
        "voucher": _VOUCHER,
    },
    "postings": {
        "posted_on": _DATE,
        "employer": _TEXT,
        "title": _TEXT,
        "work_place": _TEXT,
        "vacancies": _INTEGER,
        "wage_min": _INTEGER,
        "wage_max": _INTEGER,
        "skills": _TEXT,
        "source": _JOB_SOURCE,
    },
    "training": {
        "course": _TEXT,
        "provider": _TEXT,
        "start": _DATE,
        "end": _DATE,
        "certified": _FLAG_PARSER,
    },
    "sites": {
        "lon": _NUMBER,
        "lat": _NUMBER,
        "planned_buildings": _INTEGER,
        "planned_households": _INTEGER,
    },
    "captains": {"building": _BUILDING, "department": _TEXT, "phone": _PHONE},
    "targets": {"year": _INTEGER, "metric": _METRIC, "target": _NUMBER},
    "boundaries": {"boundary": _TEXT},
}
# Columns whose unknown values are kept as written, with a warning rather than an error.
_OPEN_CHOICES = {("labour", "relation")}

# --- issues -----------------------------------------------------------------------------------

_ISSUE_SCHEMA = {
    ROW: pl.Int64(),
    "column": pl.String(),
    "zh": pl.String(),
    "en": pl.String(),
    "severity": pl.String(),
}
_ID_GENDER = "\x00id_gender"  # the gender the ID number says
_SHEET = "\x00sheet"  # which parsed sheet a row comes from
_LISTED = 5  # rows a duplicate message names at most
_WARNINGS_LISTED = 200  # warnings a report lists; errors are all listed


def _v(name: str) -> str:
    """The typed column beside the text column `name`."""
    return f"{name}\x00v"


class _Checks:
    """One sheet under check: its text columns with their typed values beside them (`_v`), and
    the issues found so far, as frames of (row, column, zh, en, severity).

    Building it does the checks every format shares: required columns present and filled,
    filled cells parseable, ID numbers valid.
    """

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.parts: list[pl.DataFrame] = []
        fmt = sheet.format
        parsers = _PARSERS[fmt.name]
        text = sheet.data.with_columns(
            pl.lit(None, pl.String).alias(c.name)
            for c in fmt.read_columns
            if c.name not in sheet.data
        )
        self.frame = text.with_columns(
            parsers.get(c.name, _COMPACT).parse(text[c.name]).alias(_v(c.name))
            for c in fmt.read_columns
        )
        for column in fmt.read_columns:
            name = column.name
            if column.required and name not in sheet.data:
                self.whole_sheet(
                    name,
                    f"缺少必填列“{column.zh}”：请在表头中加上这一列",
                    f"the required column {column.zh!r} is missing: add it to the header row",
                )
            elif column.required:
                self.add(pl.col(name).is_null(), name, "必填，不能为空", "required, but empty")
            parser = parsers.get(name)
            if parser is not None and parser.zh and (fmt.name, name) not in _OPEN_CHOICES:
                self.add(
                    pl.col(name).is_not_null() & pl.col(_v(name)).is_null(),
                    name,
                    parser.zh,
                    parser.en,
                )
        if any(c.name == "id_number" for c in fmt.columns):
            self._check_ids()

    def header(self, name: str) -> str:
        """The column's header as written in the file (its Chinese name when it is missing)."""
        return self.sheet.headers.get(name) or self.sheet.format.column(name).zh

    def add(
        self,
        bad: pl.Expr,
        column: str,
        zh: str | pl.Expr,
        en: str | pl.Expr,
        severity: str = "error",
    ) -> None:
        """An issue for every row where `bad` is true (messages are built for those rows only)."""
        rows = self.frame.filter(bad.fill_null(False))
        if rows.height:
            self.parts.append(
                rows.select(
                    pl.col(ROW),
                    column=pl.lit(self.header(column)),
                    zh=pl.lit(zh) if isinstance(zh, str) else zh,
                    en=pl.lit(en) if isinstance(en, str) else en,
                    severity=pl.lit(severity),
                ).cast(_ISSUE_SCHEMA)
            )

    def add_each(
        self, rows: pl.Series, column: str, reasons: list[tuple[str, str]], severity: str
    ) -> None:
        """One issue per row, each with its own reason."""
        self.parts.append(
            pl.DataFrame(
                {
                    ROW: rows,
                    "column": [self.header(column)] * len(rows),
                    "zh": [zh for zh, _ in reasons],
                    "en": [en for _, en in reasons],
                    "severity": [severity] * len(rows),
                },
                schema=_ISSUE_SCHEMA,
            )
        )

    def whole_sheet(self, column: str, zh: str, en: str) -> None:
        """An error of the whole sheet (no row): it rejects every row."""
        row = {ROW: None, "column": self.header(column), "zh": zh, "en": en, "severity": "error"}
        self.parts.append(pl.DataFrame([row], schema=_ISSUE_SCHEMA))

    def issues(self) -> pl.DataFrame:
        return pl.concat(self.parts) if self.parts else pl.DataFrame(schema=_ISSUE_SCHEMA)

    def typed(self, *columns: str | pl.Expr) -> pl.DataFrame:
        """ROW and the typed value of each named column (expressions are taken as they are)."""
        return self.frame.select(
            pl.col(ROW),
            *(pl.col(_v(c)).alias(c) if isinstance(c, str) else c for c in columns),
        )

    def _check_ids(self) -> None:
        """Errors for invalid ID numbers, warnings for region codes unknown in the birth year."""
        result = ids.validate_ids(self.frame["id_number"])
        excel = self.sheet.file.suffix.lower() in EXCEL_SUFFIXES
        if excel and result["problem"].is_not_null().any():
            # Bad IDs in a workbook often come from number cells: find every number cell, to
            # say so, also where the digits Excel kept pass the checks by chance.
            numbers = stored_as_numbers(self.sheet, "id_number")
            result = ids.validate_ids(self.frame["id_number"], stored_as_number=numbers)
        # An invalid ID is no key: it must not be stored, nor found twice.
        valid_id = pl.when(result["problem"].is_null()).then(result["id_number"])
        self.frame = self.frame.with_columns(
            valid_id.alias(_v("id_number")),
            result["birth_date"].alias(_v("birth_date")),
            result["gender"].alias(_ID_GENDER),
        )
        bad = pl.DataFrame({ROW: self.frame[ROW], "id": result["id_number"]}).with_columns(
            result["problem"], result["unknown_region"]
        )
        invalid = bad.filter(pl.col("problem").is_not_null())
        if invalid.height:
            reasons = [
                ids.describe_problem(v, p) for v, p in invalid.select("id", "problem").rows()
            ]
            self.add_each(invalid[ROW], "id_number", reasons, "error")
        unknown = bad.filter(pl.col("unknown_region"))
        if unknown.height:
            reasons = [ids.describe_unknown_region(v) for v in unknown["id"]]
            self.add_each(unknown[ROW], "id_number", reasons, "warning")


# --- checks per format ------------------------------------------------------------------------


def _check_labour(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    sheet = checks.sheet
    fallback = month or sheet.title_month
    if "month" not in sheet.data and fallback is None:
        checks.whole_sheet(
            "month",
            "不知道统计月份：表中没有“统计月份”列，标题里也没有月份；请加上该列，或导入时指定月份",
            "no reporting month: the sheet has no 统计月份 column and its title names no "
            "month; add the column or give the month when importing",
        )
    elif fallback is None:
        checks.add(pl.col("month").is_null(), "month", "必填，不能为空", "required, but empty")
    checks.frame = checks.frame.with_columns(
        pl.col(_v("month")).fill_null(pl.lit(fallback, dtype=pl.Date))
    )
    checks.add(
        pl.col(_v("month")) > pl.lit(dt.date.today().replace(day=1)),
        "month",
        "统计月份晚于本月，请核对",
        "the reporting month lies in the future: please check",
        "warning",
    )
    checks.add(
        (pl.col(_v("status")) == domain.STATUS_EMPLOYED) & pl.col("employment_type").is_null(),
        "employment_type",
        "已就业的人必须填写就业形式",
        "required when the status is 已就业 (employed)",
    )
    checks.add(
        pl.col(_v("monthly_income")) < 0,
        "monthly_income",
        "月收入不能为负数",
        "must not be negative",
    )
    checks.add(
        pl.col(_v("gender")) != pl.col(_ID_GENDER),
        "gender",
        pl.format("与身份证号不符：按身份证号应为{}", pl.col(_ID_GENDER)),
        pl.format(
            "does not match the ID number, which says {}",
            pl.col(_ID_GENDER).replace_strict({"男": "male", "女": "female"}),
        ),
        "warning",
    )
    checks.add(
        pl.col("relation").is_not_null() & pl.col(_v("relation")).is_null(),
        "relation",
        "不是常用的关系（户主、配偶、子女、父母、孙子女、兄弟姐妹、其他），已按原样导入",
        "not a usual relation (户主, 配偶, 子女, 父母, 孙子女, 兄弟姐妹, 其他): "
        "imported as written",
        "warning",
    )
    # The household's phone (户联系电话) reaches a person without a phone of their own.
    checks.add(
        pl.col("phone").is_null()
        & pl.col("household_phone").is_not_null()
        & pl.col(_v("household_phone")).is_null(),
        "household_phone",
        _MOBILE.zh,
        _MOBILE.en,
    )
    household = pl.coalesce(
        _v("household_id"), pl.concat_str(_v("site"), _v("building"), _v("room"), separator="|")
    )
    return checks.typed(
        *("month", "township", "village", "site", "building", "unit", "room"),
        household.alias("household"),
        *("head_name", "id_number", "name"),
        pl.coalesce(_v("gender"), _ID_GENDER).alias("gender"),
        "birth_date",
        pl.coalesce(_v("relation"), "relation").alias("relation"),
        *("education", "capacity", "status", "employment_type", "employer", "work_place"),
        *("monthly_income", "wish", "training_need", "two_after", "three_no", "monitoring"),
        pl.coalesce(_v("phone"), _v("household_phone")).alias("phone"),
    )


def _check_subsidies(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    to_employer = pl.col(_v("kind")).is_in(domain.EMPLOYER_SUBSIDY_KINDS)
    to_person = pl.col(_v("kind")).is_not_null() & ~to_employer
    kinds = "、".join(domain.EMPLOYER_SUBSIDY_KINDS)
    checks.add(
        to_employer & pl.col("employer").is_null(),
        "employer",
        f"{kinds}发给单位，必须填写单位名称",
        "an employer subsidy: the employer's name (单位名称) is required",
    )
    for column, zh in (("name", "姓名"), ("id_number", "身份证号")):
        checks.add(
            to_person & pl.col(column).is_null(),
            column,
            f"发给个人的补贴必须填写{zh}",
            f"a payment to a person: {zh} is required",
        )
    checks.add(pl.col(_v("amount")) <= 0, "amount", "金额必须大于 0", "must be greater than 0")
    payee = pl.when(to_employer).then(pl.col(_v("employer"))).otherwise(pl.col(_v("id_number")))
    fen = (pl.col(_v("amount")) * 100).round().cast(pl.Int64, strict=False)
    return checks.typed(
        "paid_on",
        "kind",
        payee.alias("payee"),
        *("name", "id_number", "employer"),
        fen.alias("amount_fen"),
        *("township", "site", "note", "voucher"),
        # An employer is paid per township; a person once, wherever the roster books it.
        pl.when(to_employer).then(pl.col(_v("township"))).alias(PAYEE_TOWNSHIP),
    )


def _check_postings(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    checks.add(pl.col(_v("vacancies")) < 1, "vacancies", "招聘人数至少为 1", "must be at least 1")
    for column in ("wage_min", "wage_max"):
        checks.add(pl.col(_v(column)) < 0, column, "不能为负数", "must not be negative")
    checks.add(
        pl.col(_v("wage_min")) > pl.col(_v("wage_max")),
        "wage_max",
        "月薪上限低于月薪下限",
        "lower than the minimum wage of the row",
    )
    return checks.typed(*(c.name for c in POSTINGS.columns))


def _check_training(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    checks.add(
        pl.col(_v("end")) < pl.col(_v("start")),
        "end",
        "结束日期早于开始日期",
        "before the start date",
    )
    return checks.typed(*(c.name for c in TRAINING.columns))


def _check_sites(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    for column, limit in (("lon", 180), ("lat", 90)):
        checks.add(
            pl.col(_v(column)).abs() > limit,
            column,
            f"超出范围：应在 -{limit} 到 {limit} 之间",
            f"out of range: must lie between -{limit} and {limit}",
        )
    for column in ("planned_buildings", "planned_households"):
        checks.add(pl.col(_v(column)) < 0, column, "不能为负数", "must not be negative")
    return checks.typed(*(c.name for c in SITES.columns))


def _check_captains(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    return checks.typed(*(c.name for c in CAPTAINS.columns))


def _check_targets(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    checks.add(
        ~pl.col(_v("year")).is_between(2000, 2100),
        "year",
        "不是年份：应为 2000 到 2100 之间的四位数",
        "not a year between 2000 and 2100",
    )
    return checks.typed(*(c.name for c in TARGETS.columns))


def _check_boundaries(checks: _Checks, month: dt.date | None) -> pl.DataFrame:
    """A boundary must be an area in lon/lat (`boundary_problem`); when no feature's is, the
    file is in projected coordinates (or another CRS): one error for the file, not one each."""
    found = [
        (row, problem)
        for row, text in checks.frame.select(ROW, "boundary").iter_rows()
        if (problem := boundary_problem(json.loads(text))) is not None
    ]
    off = [(row, zh, en) for row, (column, zh, en) in found if column == "coordinates"]
    if off and len(off) == checks.frame.height and checks.frame.height > 1:
        _, zh, en = off[0]
        checks.whole_sheet(
            "coordinates",
            f"所有要素的坐标都不是经纬度，例如第 {off[0][0]} 个要素：{zh}",
            f"no feature is in lon/lat; feature {off[0][0]}: {en}",
        )
    else:
        for column in ("type", "coordinates"):
            bad = [(row, (zh, en)) for row, (c, zh, en) in found if c == column]
            if bad:
                checks.add_each(
                    pl.Series([row for row, _ in bad], dtype=pl.Int64),
                    column,
                    [reason for _, reason in bad],
                    "error",
                )
    names = "、".join(NAME_PROPERTIES[:3] + ("XZQMC",))
    checks.add(
        pl.col("township").is_null(),
        "township",
        f"没有乡镇名（properties 中应有 {names} 等属性之一），未导入",
        "no township name (a property such as name, 乡镇 or XZQMC): not imported",
        "warning",
    )
    return checks.typed("township", "boundary").filter(pl.col("township").is_not_null())


_CHECKERS: dict[str, Callable[[_Checks, dt.date | None], pl.DataFrame]] = {
    "labour": _check_labour,
    "subsidies": _check_subsidies,
    "postings": _check_postings,
    "training": _check_training,
    "sites": _check_sites,
    "captains": _check_captains,
    "targets": _check_targets,
    "boundaries": _check_boundaries,
}

PAYEE_TOWNSHIP = "payee_township"  # a subsidy row's township when it pays an employer, else null


@dataclass(frozen=True)
class _Identity:
    """What makes two rows one record (ledger-format.md): the key by which an import replaces
    stored rows, and which may appear once per call."""

    key: tuple[str, ...]  # rows with an empty part have no such identity
    zh: str
    en: str
    optional: tuple[str, ...] = ()  # parts that may be empty: empty equals empty
    # Rows that both fill this column are told apart by it, whatever the key says: two payments
    # against two vouchers are two payments.
    unless_both: str | None = None


_IDENTITIES: dict[str, tuple[_Identity, ...]] = {
    "labour": (
        _Identity(
            ("id_number", "month"), "同一月份中身份证号重复", "the same ID twice in one month"
        ),
    ),
    "subsidies": (
        _Identity(
            ("voucher",),
            "凭证号重复，同一凭证号只能是一笔发放",
            "the same voucher number twice: a voucher is one payment",
        ),
        _Identity(
            ("kind", "paid_on", "payee"),
            "同一天同一补贴发给同一对象两次",
            "the same subsidy to the same payee twice on one day",
            optional=(PAYEE_TOWNSHIP,),
            unless_both="voucher",
        ),
    ),
    "postings": (
        _Identity(
            ("posted_on", "employer", "title"),
            "同一天同一单位的同一岗位重复",
            "the same posting twice",
        ),
    ),
    "training": (
        _Identity(
            ("id_number", "course", "start"),
            "同一人同一培训项目同一开始日期重复",
            "the same person, course and start date twice",
        ),
    ),
    "sites": (_Identity(("site",), "安置点重复", "the same site twice"),),
    "captains": (_Identity(("site", "building"), "同一楼栋重复", "the same building twice"),),
    "targets": (_Identity(("year", "metric", "scope"), "同一目标重复", "the same target twice"),),
    "boundaries": (_Identity(("township",), "同一乡镇的边界重复", "the same township twice"),),
}


# --- parsed sheets and results ----------------------------------------------------------------


@dataclass
class ParsedSheet:
    """A checked sheet: its rows in the store's terms, and which of them have errors."""

    sheet: Sheet
    rows: pl.DataFrame  # ROW + the typed columns of the format
    issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=_ISSUE_SCHEMA))

    @property
    def format(self) -> LedgerFormat:
        return self.sheet.format

    @property
    def rejects_all(self) -> bool:
        """An error of the whole sheet (a missing column): every row is rejected."""
        return (
            self.issues.filter(pl.col(ROW).is_null() & (pl.col("severity") == "error")).height > 0
        )

    @property
    def error_rows(self) -> pl.Series:
        if self.rejects_all:
            return self.rows[ROW]
        return self.issues.filter(pl.col("severity") == "error")[ROW].drop_nulls().unique()

    @property
    def valid(self) -> pl.DataFrame:
        """The rows without errors."""
        return self.rows.filter(~pl.col(ROW).is_in(self.error_rows.implode()))


@dataclass
class SheetCounts:
    """Rows of one sheet (or CSV file) through the import."""

    file: str
    sheet: str | None
    format: str
    rows_read: int = 0  # below the header, blank and total rows included
    imported: int = 0  # written, replacements included
    replaced: int = 0  # of those, rows that replaced an earlier import's row
    rejected: int = 0
    skipped: int = 0  # blank, unit and total rows; boundaries that match no township


@dataclass
class ImportResult:
    """What an import did: whether it committed, its batch, every issue, the counts."""

    ok: bool
    batch_id: int | None
    issues: list[LedgerIssue]
    sheets: list[SheetCounts]
    months: list[dt.date]
    rejects_path: Path | None = None
    # Refused because another write held the store (`StoreBusy`): that refusal, also in
    # `issues`. Nothing is wrong with the files; the same import goes through later.
    busy: LedgerIssue | None = None

    @property
    def errors(self) -> list[LedgerIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[LedgerIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    def totals(self, fmt: str | None = None) -> SheetCounts:
        """The counts summed over all sheets, or over the sheets of one format."""
        total = SheetCounts("", None, fmt or "")
        for s in self.sheets:
            if fmt is None or s.format == fmt:
                for name in ("rows_read", "imported", "replaced", "rejected", "skipped"):
                    setattr(total, name, getattr(total, name) + getattr(s, name))
        return total

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(s.format for s in self.sheets))

    def report(self, lang: str = "zh") -> str:
        """A readable summary; when the import was rejected, every error with its place."""
        zh = lang == "zh"
        lines: list[str] = []
        errors = count_issues(self.issues, "error")
        months = ", ".join(f"{m:%Y-%m}" for m in self.months)
        if self.busy is not None:
            # Not "rejected, correct and import again": the files may have nothing wrong.
            errors -= self.busy.weight
            busy = self.busy.reason_zh if zh else self.busy.reason_en
            if zh:
                rest = f"文件中另有 {errors:,} 个错误，见下" if errors else "文件没有问题，不必修改"
                lines.append(f"没有导入：{busy}；{rest}")
            else:
                rest = (
                    f"the files have {errors:,} errors, listed below"
                    if errors
                    else "the files are fine, nothing to correct"
                )
                lines.append(f"Not imported: {busy}; {rest}")
        elif self.ok:
            lines.append(
                f"导入成功：批次 #{self.batch_id}" + (f"，月份 {months}" if months else "")
                if zh
                else f"Import done: batch #{self.batch_id}"
                + (f", months {months}" if months else "")
            )
        elif self.batch_id is None and self.sheets and any(s.rows_read for s in self.sheets):
            lines.append(
                f"导入被拒绝，数据没有任何改动：共 {errors:,} 个错误，请改正后重新导入"
                if zh
                else f"Import rejected, nothing was changed: {errors:,} errors; "
                "correct them and import again"
            )
        else:
            lines.append("没有导入任何数据" if zh else "Nothing was imported")
        for s in self.sheets:
            fmt = FORMATS[s.format]
            where = s.file if s.sheet is None else f"{s.file} / {s.sheet}"
            if zh:
                lines.append(
                    f"  {where}（{fmt.title_zh}）：读取 {s.rows_read} 行，导入 {s.imported} 行"
                    f"（其中替换 {s.replaced} 行），拒绝 {s.rejected} 行，跳过 {s.skipped} 行"
                )
            else:
                lines.append(
                    f"  {where} ({fmt.title_en}): read {s.rows_read}, imported {s.imported} "
                    f"({s.replaced} replaced), rejected {s.rejected}, skipped {s.skipped}"
                )
        if self.rejects_path is not None and self.busy is None:
            lines.append(
                f"被拒绝的行已写入 {self.rejects_path}，改正后可再导入"
                if zh
                else f"Rejected rows written to {self.rejects_path}: correct and import them again"
            )
        # The errors as listed (`ISSUES_LISTED` a sheet, the rest counted); warnings only up to
        # a page, the rest counted.
        for title_zh, title_en, issues, limit in (
            ("错误", "Errors", [i for i in self.errors if i is not self.busy], None),
            ("警告", "Warnings", self.warnings, _WARNINGS_LISTED),
        ):
            if not issues:
                continue
            total = sum(i.weight for i in issues)
            lines.append(f"{title_zh} {total:,} 个：" if zh else f"{title_en} ({total:,}):")
            place = None
            for issue in issues[:limit]:
                where = issue.file if issue.sheet is None else f"{issue.file} / {issue.sheet}"
                if where != place:
                    lines.append(f"  {where}")
                    place = where
                lines.append(f"    {issue.message(lang)}")
            if limit is not None and len(issues) > limit:
                more = len(issues) - limit
                lines.append(f"  …另有 {more} 个警告" if zh else f"  … and {more} more warnings")
        return "\n".join(lines)


def _to_ledger_issues(parsed: ParsedSheet, limit: int | None = ISSUES_LISTED) -> list[LedgerIssue]:
    """The issue frame of one sheet as `LedgerIssue`s, with the cell as written: the first
    `limit` of them (in row order), then a line counting the rest of each severity."""
    sheet, issues = parsed.sheet, parsed.issues
    if issues.is_empty():
        return []
    rest = pl.DataFrame(schema=_ISSUE_SCHEMA)
    if limit is not None and issues.height > limit:
        issues = issues.with_row_index("\x00order").sort(pl.col(ROW).fill_null(0), "\x00order")
        issues, rest = issues.head(limit).drop("\x00order"), issues.slice(limit)
    raw_cols = [h for h in issues["column"].unique().to_list() if h in sheet.raw.columns]
    raw = sheet.raw.select(RAW_ROW, *raw_cols).filter(
        pl.col(RAW_ROW).is_in(issues[ROW].drop_nulls().unique().implode())
    )
    values = (
        raw.unpivot(index=RAW_ROW, variable_name="column", value_name="value")
        .rename({RAW_ROW: ROW})
        .with_columns(pl.col("value").cast(pl.String))
        if raw_cols
        else pl.DataFrame(schema={ROW: pl.Int64, "column": pl.String, "value": pl.String})
    )
    rows = (
        issues.with_row_index("\x00order")
        .join(values, on=[ROW, "column"], how="left")
        .sort(pl.col(ROW).fill_null(0), "\x00order")
    )
    name = sheet.file.name
    listed = [
        LedgerIssue(name, sheet.sheet, row, column, value, zh, en, severity)
        for row, column, value, zh, en, severity in rows.select(
            ROW, "column", "value", "zh", "en", "severity"
        ).iter_rows()
    ]
    for severity in ("error", "warning"):
        more = rest.filter(pl.col("severity") == severity).height
        if more:
            listed.append(unlisted(name, sheet.sheet, severity, more))
    return listed


def _duplicates(parsed: list[ParsedSheet]) -> None:
    """An error on every row whose identity another row of the same call already has."""
    by_format: dict[str, list[int]] = {}
    for index, p in enumerate(parsed):
        by_format.setdefault(p.format.name, []).append(index)
    found: dict[int, list[dict]] = {}
    for fmt, members in by_format.items():
        for identity in _IDENTITIES[fmt]:
            _clashes(parsed, members, identity, found)
    for index, extra in found.items():
        parsed[index].issues = pl.concat(
            [parsed[index].issues, pl.DataFrame(extra, schema=_ISSUE_SCHEMA)]
        )


_FREE = "\x00free"  # the row does not fill its identity's `unless_both` column


def _clashes(
    parsed: list[ParsedSheet], members: list[int], identity: _Identity, found: dict[int, list]
) -> None:
    """Add to `found` (sheet index -> issue rows) the rows of `members` that share `identity`."""
    key, parts = identity.key, [*identity.key, *identity.optional]
    free = pl.lit(True) if identity.unless_both is None else pl.col(identity.unless_both).is_null()
    rows = pl.concat(
        parsed[i].rows.select(ROW, *parts, free.alias(_FREE)).with_columns(pl.lit(i).alias(_SHEET))
        for i in members
    ).filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    dup = rows.filter(pl.struct(parts).is_duplicated())
    if dup.is_empty():
        return
    groups = dup.group_by(parts).agg(pl.struct(_SHEET, ROW, _FREE).alias("p"))["p"].to_list()
    for places in groups:
        for place in places:
            clash = [o for o in places if o is not place and (o[_FREE] or place[_FREE])]
            if not clash:
                continue
            others = clash[:_LISTED]
            more = len(clash) - len(others)
            zh_where = "、".join(_place(parsed, o, place[_SHEET], "zh") for o in others)
            en_where = ", ".join(_place(parsed, o, place[_SHEET], "en") for o in others)
            target = parsed[place[_SHEET]].sheet
            found.setdefault(place[_SHEET], []).append(
                {
                    ROW: place[ROW],
                    "column": target.headers.get(key[0], key[0]),
                    "zh": f"{identity.zh}：与{zh_where}"
                    + (f"等 {more + len(others)} 行" if more else "")
                    + "重复",
                    "en": f"{identity.en}: also in {en_where}"
                    + (f" and {more} more" if more else ""),
                    "severity": "error",
                }
            )


def _place(parsed: list[ParsedSheet], other: dict, here: int, lang: str) -> str:
    """`第 12 行`, or `b.xlsx / 8月 第 12 行` when the other row lies in another sheet."""
    row = other[ROW]
    if other[_SHEET] == here:
        return f"第 {row} 行" if lang == "zh" else f"row {row}"
    label = parsed[other[_SHEET]].sheet.label
    return f" {label} 第 {row} 行" if lang == "zh" else f"{label} row {row}"


def check_files(
    paths: Iterable[Path | str], *, month: dt.date | None = None
) -> tuple[list[ParsedSheet], list[LedgerIssue]]:
    """Read and check ledger files without touching the store.

    `month` is the reporting month for labour rows without one (before the title's month).
    Returns every recognised sheet, checked, and every issue of every file.
    """
    parsed: list[ParsedSheet] = []
    file_issues: list[LedgerIssue] = []
    for path in paths:
        sheets, issues = read_ledger(Path(path))
        file_issues.extend(issues)
        for sheet in sheets:
            checks = _Checks(sheet)
            rows = _CHECKERS[sheet.format.name](checks, month)
            parsed.append(ParsedSheet(sheet, rows, checks.issues()))
    _duplicates(parsed)
    issues = list(file_issues)
    for p in parsed:
        issues.extend(p.sheet.issues)
        issues.extend(_to_ledger_issues(p))
    return parsed, issues


def check_rows(
    fmt: LedgerFormat, rows: pl.DataFrame, label: str
) -> tuple[pl.DataFrame, list[LedgerIssue]]:
    """Check rows entered in a form by the rules of `fmt`'s ledger, as if imported from a file.

    `rows` holds one text column per column name of `fmt` (missing ones are empty); issues
    name `label` as their file and number rows from 1. Returns the typed rows and the issues.
    """
    text = rows.select(
        pl.col(c.name).cast(pl.String) if c.name in rows.columns else pl.lit(None, pl.String)
        for c in fmt.columns
    ).with_columns(pl.all().str.strip_chars().replace("", None))
    numbered = text.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    sheet = Sheet(
        file=Path(label),
        sheet=None,
        format=fmt,
        data=numbered,
        raw=numbered.rename({ROW: RAW_ROW, **{c.name: c.zh for c in fmt.columns}}),
        headers={c.name: c.zh for c in fmt.columns},
        rows_read=text.height,
    )
    checks = _Checks(sheet)
    parsed = ParsedSheet(sheet, _CHECKERS[fmt.name](checks, None), checks.issues())
    return parsed.rows, _to_ledger_issues(parsed)


# --- the store --------------------------------------------------------------------------------

_LOCK_KEY = 0x1E0B_1A7E  # pg_advisory_xact_lock key: one import at a time
# How long a write waits for the one before it to end, in seconds, before it is refused: a
# county's month imports in seconds, and a captain at the status form should not wait longer.
WRITE_WAIT_SECONDS = 60.0
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout ran out


class StoreBusy(Exception):
    """Another write held the store for longer than `WRITE_WAIT_SECONDS`: nothing was written.

    Raised by `StoreWriter` on entering; the writers turn it into their refusal.
    """

    def __init__(self, waited: float) -> None:
        # Any write holds the store: an import, a saved status, note or case, an undo.
        self.reason_zh = (
            "另一项写入（导入、保存或撤销）正在进行，请稍后再试"
            f"（已等待 {waited:g} 秒，本次没有写入任何数据）"
        )
        self.reason_en = (
            "another write (an import, a save or an undo) is in progress: try again later "
            f"(waited {waited:g} s; nothing was written)"
        )
        super().__init__(self.reason_en)

    def issue(self, file: str) -> LedgerIssue:
        return LedgerIssue(file, None, None, None, None, self.reason_zh, self.reason_en)


log = logging.getLogger(__name__)

_CHUNK = 50_000
_IN_LIST = 500  # values of one `IN (...)` query; more go in a temporary table of keys
_KEYS_PER_QUERY = 50_000  # keys of a temporary table that one query looks up
# Keys for at least this share of a table's rows (its largest id): one read of the whole table
# beats looking each up.
_WHOLE_TABLE_SHARE = 0.5
_RUNS_PER_QUERY = 200
# SQLite: an insert of at least this many rows goes through a staging file (`_insert_staged`),
# at most this many times a transaction (SQLite attaches at most 10 databases to a connection).
_STAGED_ROWS = 20_000
_STAGED_AT_MOST = 8
# Names never reused in a process: a pooled connection that kept an attachment (a DETACH that
# failed) still attaches the next.
_STAGED_NAMES = itertools.count(1)
# A select `fetch` can narrow by key: one table, and at most a WHERE clause.
_ONE_TABLE = re.compile(r"\s*SELECT\s.+?\sFROM\s+(?P<table>\w+)\s*(?:\sWHERE\s.*)?", re.I | re.S)

SET_ASIDE_TABLE = bulk.TABLE  # what `set_aside` keeps out of the store until the build is done

# Places and people carry no batch id: a batch logs the ids of those it inserted, so that an
# undo can find them. Rows of every other table it writes carry its batch id.
ENTITY_TABLES = ("township", "village", "site", "building", "household", "person")
DATA_TABLES = (
    "labour_record",
    "subsidy_payment",
    "job_posting",
    "training_record",
    "target",
    "follow_up_note",
    "labour_edit",
    "case_work",
    "case_change",
)

_POLARS_TYPES: tuple[tuple[type, pl.DataType], ...] = (
    (sa.Boolean, pl.Boolean()),
    (sa.Integer, pl.Int64()),
    (sa.Float, pl.Float64()),
    (sa.DateTime, pl.Datetime("us", "UTC")),
    (sa.Date, pl.Date()),
    (sa.LargeBinary, pl.Binary()),
    (sa.String, pl.String()),
)


def table_schema(table: str) -> dict[str, pl.DataType]:
    """Every column of a store table, in the table's order, as polars types."""
    schema = {}
    for column in SQLModel.metadata.tables[table].columns:
        kind = column.type
        if isinstance(kind, sa.TypeDecorator):
            kind = kind.impl_instance
        schema[column.name] = next(p for t, p in _POLARS_TYPES if isinstance(kind, t))
    return schema


def _quoted(columns: Iterable[str]) -> str:
    # "end" and "user" are SQL keywords.
    return ", ".join(f'"{c}"' for c in columns)


def _id_runs(row_ids: pl.Series) -> pl.DataFrame:
    """Ids as runs of consecutive ids (first, last): new ids are handed out in runs."""
    return (
        pl.DataFrame({"id": row_ids.unique().sort()})
        .group_by(
            (pl.col("id").diff() != 1).fill_null(True).cum_sum().alias("run"),
            maintain_order=True,
        )
        .agg(pl.col("id").min().alias("first"), pl.col("id").max().alias("last"))
        .select("first", "last")
    )


class StoreWriter:
    """One transaction on the raw DBAPI connection, with bulk reads and writes.

    The ORM costs a Python object per row; here rows move as polars columns: executemany on
    SQLite, COPY on PostgreSQL. New ids are handed out in polars (max(id) + 1, …) under a lock.
    Reads by key (`fetch`, `lookup`) cost what the keys ask for, not the size of the table.

    Once `new_batch` has run, nothing is overwritten untraced: `update` and `delete` keep the
    rows as they were, `insert` the ids of new places and people, and the commit writes them to
    `batch_change` (one Parquet file per table and action), which `data.undo` reads back.
    """

    def __init__(self, engine: Engine, *, set_aside: Path | None = None) -> None:
        """`set_aside`: a folder where labour records go instead of the store (SQLite), for
        `data.bulk` to append when a new store's build is done; see `import_files`."""
        self.set_aside = set_aside
        self.postgres = engine.dialect.name == "postgresql"
        self.conn = engine.raw_connection()
        self.cur = self.conn.cursor()
        self.batch_id: int | None = None
        self._changes: dict[tuple[str, str], list[pl.DataFrame]] = {}
        self._temporary = 0  # temporary key tables made so far
        self._begun = False
        self._busy_timeout: int | None = None  # SQLite's, as the pool lent the connection
        self._staging: Path | None = None  # SQLite: the folder of this transaction's staged rows
        self._staged: list[str] = []  # the names they are attached under
        self._checkpoint_pages: int | None = None  # SQLite's WAL autocheckpoint, as lent

    def __enter__(self) -> StoreWriter:
        return self if self._begun else self.begin()

    def begin(self) -> StoreWriter:
        """Begin the transaction (`with` does it too); `StoreBusy` when the lock is not had."""
        try:
            self._begin()
        except BaseException:
            self.conn.rollback()
            self._reset()
            self.conn.close()
            raise
        self._begun = True
        return self

    def _begin(self) -> None:
        """Take the store's one write lock, waiting at most `WRITE_WAIT_SECONDS`.

        Every writer (imports, undo, status updates, notes) comes through here, so writes run
        one after another; one that waits too long raises `StoreBusy` and writes nothing.
        """
        wait = WRITE_WAIT_SECONDS
        if self.postgres:
            # PostgreSQL keeps its foreign-key checks: skipping them needs a superuser, and a
            # county's database role is not one, so CI would test a path production never takes.
            # lock_timeout bounds the wait for the advisory lock, for this transaction only.
            self.cur.execute("SELECT set_config('lock_timeout', %s, true)", (f"{wait * 1000:.0f}",))
            try:
                self.cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            except Exception as failed:
                if getattr(failed, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                    raise
                raise StoreBusy(wait) from None
            self.cur.execute("SELECT set_config('lock_timeout', '0', true)")
        else:
            # Every id written comes from rows read or written under the lock, and every required
            # reference is NOT NULL: SQLite's per-row foreign-key checks (a third of a big
            # import) are left out for this one connection and turned back on in __exit__.
            self.cur.execute("PRAGMA foreign_keys = OFF")
            # Take the write lock now, so that max(id) stays ours until COMMIT; a big page cache
            # keeps index inserts off the disk. The busy timeout bounds the wait for it.
            self.cur.execute("PRAGMA busy_timeout")
            (self._busy_timeout,) = self.cur.fetchone()
            self.cur.execute(f"PRAGMA busy_timeout = {wait * 1000:.0f}")
            try:
                self.cur.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as failed:
                if "locked" not in str(failed) and "busy" not in str(failed):
                    raise
                raise StoreBusy(wait) from None
            self.cur.execute("PRAGMA cache_size = -262144")
            # The commit's own checkpoint (copying a big import's pages from the WAL into the
            # store file, and syncing both: a second for a county's month) is left to
            # `_checkpoint_later`, after the commit, so that the import returns without it.
            self.cur.execute("PRAGMA wal_autocheckpoint")
            (self._checkpoint_pages,) = self.cur.fetchone()
            self.cur.execute("PRAGMA wal_autocheckpoint = 0")

    def _reset(self) -> None:
        """The connection's settings as the pool lent it (SQLite keeps them past a transaction)."""
        if not self.postgres:
            # Detached once the transaction is over (SQLite refuses it inside one), then deleted.
            for name in self._staged:
                self.cur.execute(f"DETACH DATABASE {name}")
            self._staged.clear()
            if self._staging is not None:
                shutil.rmtree(self._staging, ignore_errors=True)
                self._staging = None
            self.cur.execute("PRAGMA cache_size = -2000")
            self.cur.execute("PRAGMA foreign_keys = ON")
            if self._busy_timeout is not None:
                self.cur.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout)}")
            if self._checkpoint_pages is not None:
                self.cur.execute(f"PRAGMA wal_autocheckpoint = {int(self._checkpoint_pages)}")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                try:
                    self._write_changes()
                except BaseException:
                    self.conn.rollback()
                    raise
                self.conn.commit()
                if not self.postgres:
                    self._checkpoint_later()
            else:
                self.conn.rollback()
        finally:
            self._reset()
            self.cur.close()
            self.conn.close()

    def _checkpoint_later(self) -> None:
        """The checkpoint SQLite would have made at the commit, when the WAL has grown past its
        autocheckpoint, in a thread of its own: the same PASSIVE checkpoint on a connection of
        its own, once the import has returned (the CLI's process waits for it before it exits).

        Nothing is less safe for it: the transaction is committed in the WAL, which readers
        read and which SQLite recovers from when a process stops before the checkpoint; with
        synchronous=NORMAL the WAL is synced by the checkpoint either way, a moment later now.
        """
        pages = self._checkpoint_pages
        self.cur.execute("PRAGMA journal_mode")
        (mode,) = self.cur.fetchone()
        self.cur.execute("PRAGMA database_list")
        path = next((file for _, name, file in self.cur.fetchall() if name == "main"), "")
        self.cur.execute("PRAGMA page_size")
        (page_size,) = self.cur.fetchone()
        wal = Path(f"{path}-wal")
        if str(mode).lower() != "wal" or not path or not pages or pages <= 0:
            return
        try:
            if wal.stat().st_size < pages * page_size:
                return
        except OSError:
            return
        threading.Thread(target=_checkpoint, args=(path,), name="wal-checkpoint").start()

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s") if self.postgres else text

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        self.cur.execute(self._sql(sql), params)

    def fetch(
        self,
        select: str,
        schema: dict[str, pl.DataType],
        *,
        where_in: tuple[str, pl.Series] | None = None,
    ) -> pl.DataFrame:
        """Rows of `select` as a frame; `where_in=(column, values)` keeps rows with those values.

        `schema` names the select's columns, in order. A few values are one `IN (...)` query;
        more are a temporary table of keys that the query looks up (`_key_table`), so that the
        cost follows the keys and not the table, unless they stand for a large share of the
        table's rows (against its largest id): then one read of the whole table is cheaper.
        """
        if where_in is None:
            return self._read(select, [], schema)
        column, values = where_in[0], where_in[1].drop_nulls().unique()
        if values.is_empty():
            return pl.DataFrame(schema=schema)
        joiner = " AND " if " where " in select.lower() else " WHERE "
        table = match["table"] if (match := _ONE_TABLE.fullmatch(select)) else None
        if table is not None and len(values) > _IN_LIST:
            if len(values) >= _WHOLE_TABLE_SHARE * self._max_id(table):
                frame = self._read(select, [], schema)
                return frame.filter(pl.col(column).is_in(values.implode()))
            keys = self._key_table(table, values.to_frame(column))
            try:
                parts = [
                    self._read(
                        f'{select}{joiner}"{column}" IN '
                        f'(SELECT "{column}" FROM {keys} WHERE n BETWEEN ? AND ?)',
                        bounds,
                        schema,
                    )
                    for bounds in _slices(len(values), _KEYS_PER_QUERY)
                ]
            finally:
                self._drop(keys)
            return pl.concat(parts)
        parts = []
        for chunk in _chunks(self._params(values), _IN_LIST):
            marks = ", ".join("?" * len(chunk))
            parts.append(self._read(f'{select}{joiner}"{column}" IN ({marks})', chunk, schema))
        return pl.concat(parts)

    def lookup(self, table: str, keys: pl.DataFrame) -> pl.DataFrame:
        """The whole rows of `table` whose columns named as those of `keys` equal a row of it.

        Read by key, so that the cost follows the keys and not the table: a county's file of a
        month reads its own people's records, not the province's month. The stored rows of each
        first value of the keys (a month) are counted first, one indexed query per 500 values:
        values stored nowhere (a new month) need no look-up, and where the keys stand for most
        of the rows counted (a month again) one read of those rows beats a search per key.
        Otherwise the keys go in a temporary table that drives a join on the table's index.
        """
        schema = table_schema(table)
        keys = keys.drop_nulls().unique()
        first = keys.columns[0]
        if not keys.is_empty() and _leads_an_index(table, first):
            stored = self._counts(table, first, keys[first].unique())
            keys = keys.join(stored.select(first), on=first, how="semi")
            if not keys.is_empty() and keys.height >= _WHOLE_TABLE_SHARE * stored["n"].sum():
                rows = self.fetch(
                    f"SELECT {_quoted(schema)} FROM {table}",
                    schema,
                    where_in=(first, stored[first]),
                )
                return rows.join(keys, on=keys.columns, how="semi")
        if keys.is_empty():
            return pl.DataFrame(schema=schema)
        name = self._key_table(table, keys)
        on = " AND ".join(f'k."{c}" = t."{c}"' for c in keys.columns)
        # SQLite: CROSS JOIN keeps the keys as the outer loop, so that each is one index search.
        join = "JOIN" if self.postgres else "CROSS JOIN"
        columns = ", ".join(f't."{c}"' for c in schema)
        select = (
            f"SELECT {columns} FROM {name} AS k {join} {table} AS t ON {on} "
            "WHERE k.n BETWEEN ? AND ?"
        )
        try:
            parts = [self._read(select, b, schema) for b in _slices(keys.height, _KEYS_PER_QUERY)]
        finally:
            self._drop(name)
        return pl.concat(parts)

    def _counts(self, table: str, column: str, values: pl.Series) -> pl.DataFrame:
        """How many rows of `table` hold each of `values` in `column`, for those that any do."""
        found: list[tuple[int, int]] = []
        for start in range(0, len(values), _IN_LIST):
            chunk = self._params(values.slice(start, _IN_LIST))
            rows = ", ".join(f"(?, {start + i})" for i in range(len(chunk)))
            self.execute(
                f"SELECT v.column2, (SELECT count(*) FROM {table} "
                f'WHERE "{column}" = v.column1) FROM (VALUES {rows}) AS v',
                chunk,
            )
            found.extend((i, n) for i, n in self.cur.fetchall() if n)
        positions = pl.Series([i for i, _ in found], dtype=pl.Int64())
        return pl.DataFrame(
            [values.gather(positions).alias(column), pl.Series("n", [n for _, n in found])],
            schema={column: values.dtype, "n": pl.Int64()},
        )

    def _max_id(self, table: str) -> int:
        self.cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return int(self.cur.fetchone()[0])

    def _key_table(self, table: str, keys: pl.DataFrame) -> str:
        """A temporary table of `keys` (columns of `table`, typed as there), numbered 1, 2, …
        in its column `n`. The caller drops it (`_drop`)."""
        self._temporary += 1
        name = f"import_keys_{self._temporary}"
        columns = _quoted(keys.columns)
        self._drop(name, if_exists=True)  # never expected: the transaction that made one ended
        if self.postgres:
            self.cur.execute(
                f"CREATE TEMP TABLE {name} ON COMMIT DROP AS "
                f"SELECT 0::bigint AS n, {columns} FROM {table} WITH NO DATA"
            )
        else:
            # Created from the table, so that its columns have the same affinity as the table's.
            self.cur.execute(
                f"CREATE TEMP TABLE {name} AS SELECT 0 AS n, {columns} FROM {table} WHERE 0"
            )
        numbered = pl.int_range(1, keys.height + 1, dtype=pl.Int64).alias("n")
        self.insert(name, keys.select(numbered, *keys.columns))
        if self.postgres:
            self.cur.execute(f"ANALYZE {name}")  # a temporary table has no statistics of its own
        return name

    def _drop(self, name: str, *, if_exists: bool = False) -> None:
        """Drop the temporary table `name` (a table of the store of that name is never touched)."""
        schema = "pg_temp" if self.postgres else "temp"
        self.cur.execute(f"DROP TABLE {'IF EXISTS ' if if_exists else ''}{schema}.{name}")

    def _params(self, values: pl.Series) -> list:
        """Values as query parameters: SQLite keeps dates as ISO text."""
        if values.dtype == pl.Date() and not self.postgres:
            values = values.dt.to_string("%Y-%m-%d")
        return values.to_list()

    def _read(
        self, sql: str, params: Sequence[object], schema: dict[str, pl.DataType]
    ) -> pl.DataFrame:
        """The rows of `sql` as a frame of `schema` (its columns' names, in order)."""
        if self.postgres or not _JSON_READABLE.issuperset(schema.values()):
            self.cur.execute(self._sql(sql), params)
            parts = self._drain(schema)
        else:
            parts = self._read_sqlite(sql, params, schema)
        return pl.concat(parts) if parts else pl.DataFrame(schema=schema)

    def _read_sqlite(
        self, sql: str, params: Sequence[object], schema: dict[str, pl.DataType]
    ) -> list[pl.DataFrame]:
        """sqlite3 hands over one Python object per value, the bulk of a read's cost: each row
        comes as one JSON array of its values instead, which polars parses, beside its float
        columns (JSON would round them to 15 digits). About twice as fast for a wide table."""
        texts = [c for c, d in schema.items() if d != pl.Float64()]
        floats = [c for c, d in schema.items() if d == pl.Float64()]
        if not floats:
            try:
                return [self._read_sqlite_columns(sql, params, schema)]
            except sqlite3.DataError:  # a column's array past SQLite's longest string
                pass
        array = f"CAST(json_array({_quoted(texts)}) AS BLOB)"
        self.cur.execute(
            f"SELECT {', '.join([array, *(_quoted([c]) for c in floats)])} FROM ({sql})", params
        )
        parts = []
        while rows := self.cur.fetchmany(_CHUNK):
            # A list per column by comprehension: ten times faster than zip(*rows) on 50,000 rows.
            columns = [[row[i] for row in rows] for i in range(1 + len(floats))]
            values = (
                pl.Series(columns[0], dtype=pl.Binary())
                .cast(pl.String)
                .str.json_decode(pl.List(pl.String))
                .to_frame("\x00row")
            )
            frame = values.select(
                *(
                    _cast(pl.col("\x00row").list.get(i), pl.String(), schema[c]).alias(c)
                    for i, c in enumerate(texts)
                ),
                *(
                    pl.Series(c, columns[1 + i], dtype=pl.Float64(), strict=False)
                    for i, c in enumerate(floats)
                ),
            )
            parts.append(frame.select(list(schema)))
        return parts

    def _read_sqlite_columns(
        self, sql: str, params: Sequence[object], schema: dict[str, pl.DataType]
    ) -> pl.DataFrame:
        """`_read_sqlite` without float columns: each column as one JSON array, built by SQLite
        in one pass (the aggregates see the rows in the same order), so that not even a Python
        object per row is made. Half the time of a row at a time for the people of a county."""
        arrays = ", ".join(f"json_group_array({_quoted([c])})" for c in schema)
        self.cur.execute(f"SELECT {arrays} FROM ({sql})", params)
        row = self.cur.fetchone()
        return pl.DataFrame(
            [
                pl.Series(c, [row[i]], dtype=pl.String())
                .str.json_decode(pl.List(pl.String()))
                .explode(empty_as_null=False)
                for i, c in enumerate(schema)
            ]
        ).select(_cast(pl.col(c), pl.String(), d).alias(c) for c, d in schema.items())

    def _drain(self, schema: dict[str, pl.DataType]) -> list[pl.DataFrame]:
        # A slice at a time: a province's month as Python tuples would not fit in memory.
        parts = []
        while rows := self.cur.fetchmany(_CHUNK):
            parts.append(_frame(rows, schema))
        return parts

    def rows_by_id(self, table: str, row_ids: pl.Series) -> pl.DataFrame:
        """The whole rows (every column) of `table` with these ids, a query per 200 id runs."""
        schema = table_schema(table)
        select = f"SELECT {_quoted(schema)} FROM {table} WHERE "
        parts: list[pl.DataFrame] = []
        for chunk in _id_runs(row_ids.drop_nulls()).iter_slices(_RUNS_PER_QUERY):
            where = " OR ".join(["id BETWEEN ? AND ?"] * chunk.height)
            bounds = [v for run in zip(chunk["first"], chunk["last"], strict=True) for v in run]
            parts.append(self._read(select + where, bounds, schema))
        return pl.concat(parts) if parts else pl.DataFrame(schema=schema)

    def allocate(self, table: str, n: int) -> int:
        """The first of `n` fresh ids for `table`; PostgreSQL's sequence is moved past them."""
        if self.postgres:
            seq = f"pg_get_serial_sequence('{table}', 'id')"
            self.cur.execute(
                f"SELECT setval({seq}, greatest((SELECT coalesce(max(id), 0) FROM {table}) + 1, "
                f"nextval({seq})) + %s - 1)",
                (n,),
            )
            return int(self.cur.fetchone()[0]) - n + 1
        self.cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        start = int(self.cur.fetchone()[0])
        if self.set_aside is not None and table == SET_ASIDE_TABLE:
            start = max(start, bulk.next_id(self.set_aside))
        # Never hand out an id this batch freed: undoing the batch puts those rows back.
        freed = self._changes.get((table, "delete"), [])
        return max([start, *(int(f["id"].max()) + 1 for f in freed)])

    def new_batch(self, **values: object) -> int:
        """A new `import_batch` row (now, with `values`): its id is the new data version."""
        batch_id = self.allocate("import_batch", 1)
        counts = dict.fromkeys(("rows_read", "rows_imported", "rows_replaced", "rows_rejected"), 0)
        row = {"id": batch_id, "created_at": dt.datetime.now(dt.UTC), **counts, **values}
        schema = {
            "created_at": pl.Datetime("us", "UTC"),
            **{k: pl.String for k in ("user", "source", "files", "formats", "months", "note")},
        }
        self.insert("import_batch", pl.DataFrame([row], schema_overrides=schema))
        self.batch_id = batch_id
        # Every batch logs at least this row: a batch without any is older than the log.
        self._log("import_batch", "insert", pl.DataFrame({"id": [batch_id]}))
        return batch_id

    def _log(self, table: str, action: str, rows: pl.DataFrame) -> None:
        if self.batch_id is not None and not rows.is_empty():
            self._changes.setdefault((table, action), []).append(rows)

    def _before(self, table: str, row_ids: pl.Series, old: pl.DataFrame | None) -> pl.DataFrame:
        """The rows about to change, whole: from `old` when it holds every column, else read."""
        schema = table_schema(table)
        if old is None or not set(schema) <= set(old.columns):
            return self.rows_by_id(table, row_ids)
        return old.filter(pl.col("id").is_in(row_ids.implode())).select(
            pl.col(c).cast(d) for c, d in schema.items()
        )

    def _write_changes(self) -> None:
        """The batch's log: one `batch_change` row per table and action."""
        if self.batch_id is None:
            return
        values = []
        for (table, action), parts in self._changes.items():
            frame = pl.concat(parts, how="vertical_relaxed")
            if action != "insert":
                # The first state seen is the one from before the batch.
                frame = frame.unique("id", keep="first", maintain_order=True)
            if action == "delete" and "batch_id" in frame.columns:
                frame = frame.filter(pl.col("batch_id") != self.batch_id)
            if frame.is_empty():
                continue
            buffer = io.BytesIO()
            frame.write_parquet(buffer)
            values.append((self.batch_id, table, action, buffer.getvalue()))
        self._changes.clear()
        if not values:
            return
        first = self.allocate("batch_change", len(values))
        self.cur.executemany(
            self._sql(
                "INSERT INTO batch_change (id, batch_id, table_name, action, rows) "
                "VALUES (?, ?, ?, ?, ?)"
            ),
            [(first + i, *row) for i, row in enumerate(values)],
        )

    def insert(self, table: str, frame: pl.DataFrame) -> None:
        if frame.is_empty():
            return
        if table in ENTITY_TABLES:
            self._log(table, "insert", frame.select(pl.col("id").cast(pl.Int64)))
        if self.set_aside is not None and table == SET_ASIDE_TABLE and not self.postgres:
            bulk.set_aside(self.set_aside, _sqlite_values(frame))
            return
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        if self.postgres:
            with self.cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                for chunk in frame.iter_slices(_CHUNK):
                    copy.write(chunk.write_csv(include_header=False, date_format="%Y-%m-%d"))
            return
        if frame.height >= _STAGED_ROWS and len(self._staged) < _STAGED_AT_MOST:
            self._insert_staged(table, columns, _sqlite_values(frame))
            return
        values, params = _sqlite_encoded(_sqlite_values(frame))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(values)})"
        if not params.width:  # every column a literal: a single row
            self.cur.executemany(sql, [()] * frame.height)
        for chunk in params.iter_slices(_CHUNK):
            self.cur.executemany(sql, _tuples(chunk))

    def _insert_staged(self, table: str, columns: str, frame: pl.DataFrame) -> None:
        """Insert many rows through a file of their own: ADBC writes them there from the Arrow
        columns, in C, and this transaction copies them over with one INSERT … SELECT.

        sqlite3 makes a Python object of every value and binds it: for a month of 100,000
        records, twice the time SQLite then spends storing them. The file is new, private to
        this transaction (a folder of mode 0700) and written whole before it is attached: ADBC's
        own copy of SQLite never opens a file this connection has open, so neither can release
        the other's locks (sqlite.org/howtocorrupt, "multiple copies of SQLite linked into the
        same application"). The rows reach the store inside the transaction, so a failure
        leaves nothing; the file goes when it ends, committed or not (`_reset`).
        """
        import adbc_driver_manager as adbc
        import adbc_driver_sqlite

        if self._staging is None:
            self._staging = Path(tempfile.mkdtemp(prefix="import-staging-"))
        name = f"import_staged_{next(_STAGED_NAMES)}"
        path = self._staging / f"{name}.sqlite"
        database = adbc_driver_sqlite.connect(str(path))
        try:
            connection = adbc.AdbcConnection(database)
            try:
                statement = adbc.AdbcStatement(connection)
                try:
                    # A file thrown away after this transaction: no journal, no syncs.
                    for pragma in ("journal_mode = OFF", "synchronous = OFF"):
                        statement.set_sql_query(f"PRAGMA {pragma}")
                        statement.execute_query()
                    statement.set_options(
                        **{
                            adbc.INGEST_OPTION_TARGET_TABLE: "rows",
                            adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_CREATE,
                        }
                    )
                    statement.bind_stream(frame)
                    statement.execute_update()
                finally:
                    statement.close()
            finally:
                connection.close()
        finally:
            database.close()
        self.cur.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
        self._staged.append(name)
        self.cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}.rows")

    def update(self, table: str, frame: pl.DataFrame, *, old: pl.DataFrame | None = None) -> None:
        """Set the other columns of `frame` on the rows whose id is `frame["id"]`.

        `old`: the stored rows, when the caller has read them whole (else they are read here).
        """
        if frame.is_empty():
            return
        if self.batch_id is not None:
            self._log(table, "update", self._before(table, frame["id"], old))
        frame = frame.select(pl.exclude("id"), "id")
        sets = ", ".join(f'"{c}" = ?' for c in frame.columns[:-1])
        sql = self._sql(f"UPDATE {table} SET {sets} WHERE id = ?")
        values = frame if self.postgres else _sqlite_values(frame)
        for chunk in values.iter_slices(_CHUNK):
            self.cur.executemany(sql, _tuples(chunk))

    def delete(self, table: str, row_ids: pl.Series, *, old: pl.DataFrame | None = None) -> None:
        """Delete rows by id, as runs of consecutive ids: a re-imported month is one run.

        `old`: the stored rows, when the caller has read them whole (else they are read here).
        """
        if row_ids.is_empty():
            return
        if self.batch_id is not None:
            self._log(table, "delete", self._before(table, row_ids, old))
        runs = _id_runs(row_ids)
        sql = self._sql(f"DELETE FROM {table} WHERE id BETWEEN ? AND ?")
        for chunk in runs.iter_slices(_CHUNK):
            self.cur.executemany(sql, _tuples(chunk))


def _checkpoint(path: str) -> None:
    """A PASSIVE checkpoint of the SQLite store at `path` (`StoreWriter._checkpoint_later`):
    it takes no lock that readers or writers wait for, and gives up where they are."""
    try:
        # mode=rw: a store deleted meanwhile is not made anew, empty.
        conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=rw", uri=True, timeout=0)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as failed:  # another checkpoint, a store deleted: the next commit's
        log.info("checkpoint of %s left to the next commit: %s", path, failed)


def _frame(rows: list[tuple], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Database rows as a frame of `schema`."""
    if not rows:
        return pl.DataFrame(schema=schema)
    if len(rows[0]) != len(schema):
        raise ValueError(f"rows of {len(rows[0])} values for {len(schema)} columns")
    # A list per column by comprehension: ten times faster than zip(*rows) on 50,000 rows.
    frame = pl.DataFrame(
        {name: [row[i] for row in rows] for i, name in enumerate(schema)}, strict=False
    )
    return frame.select(_cast(pl.col(n), frame.schema[n], d).alias(n) for n, d in schema.items())


def _tuples(frame: pl.DataFrame) -> Iterable[tuple]:
    """Row tuples for executemany, built column by column (far faster than `iter_rows`)."""
    return zip(*(s.to_list() for s in frame.iter_columns()), strict=True)


def _chunks(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _slices(n: int, size: int) -> list[list[int]]:
    """Bounds (first, last) of the rows numbered 1..n, `size` at a time."""
    return [[first, min(first + size - 1, n)] for first in range(1, n + 1, size)]


# What `_read_sqlite` reads: values JSON gives back exactly (floats come beside it).
_JSON_READABLE = {pl.Int64(), pl.Float64(), pl.String(), pl.Date(), pl.Boolean()}


def _leads_an_index(table: str, column: str) -> bool:
    """Whether `column` comes first in an index of `table` (its key, unique or not)."""
    meta = SQLModel.metadata.tables[table]
    if meta.c[column].primary_key or meta.c[column].unique or meta.c[column].index:
        return True
    firsts = [list(i.columns)[0] for i in meta.indexes]
    firsts += [list(c.columns)[0] for c in meta.constraints if isinstance(c, sa.UniqueConstraint)]
    return any(c.name == column for c in firsts)


def _cast(expr: pl.Expr, source: pl.DataType, target: pl.DataType) -> pl.Expr:
    """Values as the database returned them -> the frame's type (SQLite: dates are text)."""
    if target == pl.Date() and source == pl.String():
        return expr.str.slice(0, 10).str.to_date("%Y-%m-%d")
    if target == pl.Boolean() and source != pl.Boolean():
        return expr.cast(pl.Int8).cast(pl.Boolean)
    return expr.cast(target)


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and booleans as 0/1: how SQLAlchemy stores them in SQLite."""
    return frame.with_columns(
        pl.col(pl.Date).dt.to_string("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.to_string("%Y-%m-%d %H:%M:%S.%6f"),
        pl.col(pl.Boolean).cast(pl.Int8),
    )


_CODE_BITS = 6  # a code per column: 1..62 for its distinct texts, 0 for null
_CODES_PER_PARAM = 10


def _sql_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _few_values(column: pl.Series) -> list | None:
    """The distinct values of a column, when there are at most as many as codes."""
    most = 2**_CODE_BITS - 2
    if column.gather_every(max(1, len(column) // 10_000)).n_unique() > most:
        return None
    distinct = column.unique()
    return distinct.to_list() if len(distinct) <= most else None


def _sqlite_encoded(frame: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
    """The VALUES expressions of an INSERT, and the frame of parameters they read.

    sqlite3 binds a str several times slower than an int, and the ledger repeats a few texts
    (statuses, types, places) a million times. A column with one value becomes a literal; a
    text column with few values goes in as codes, packed ten to an integer parameter and
    turned back into text by a CASE inside SQLite.
    """
    expressions: list[str] = []
    params: dict[str, pl.Series] = {}  # in the order of their ?N numbers
    pack, slot = "", _CODES_PER_PARAM
    for column in frame.iter_columns():
        distinct = _few_values(column)
        if distinct is not None and len(distinct) == 1:
            expressions.append(_sql_literal(distinct[0]))
        elif distinct is not None and column.dtype == pl.String():
            if slot == _CODES_PER_PARAM:
                pack, slot = f"\x00pack{len(params)}", 0
                params[pack] = pl.zeros(len(column), pl.Int64, eager=True)
            texts = [v for v in distinct if v is not None]
            codes = column.cast(pl.Enum(texts)).to_physical().cast(pl.Int64) + 1
            shift = _CODE_BITS * slot
            params[pack] = params[pack] + codes.fill_null(0) * 2**shift
            cases = " ".join(f"WHEN {i} THEN {_sql_literal(t)}" for i, t in enumerate(texts, 1))
            number = list(params).index(pack) + 1
            expressions.append(f"CASE (?{number} >> {shift}) & {2**_CODE_BITS - 1} {cases} END")
            slot += 1
        else:
            params[column.name] = column
            expressions.append(f"?{len(params)}")
    return expressions, pl.DataFrame([s.alias(name) for name, s in params.items()])


# --- commit, per format -----------------------------------------------------------------------

_SEQ = "\x00seq"  # position of a row in the call: later rows win when they update the same entity


def _ensure(
    store: StoreWriter,
    table: str,
    keys: list[str],
    wanted: pl.DataFrame,
    schema: dict[str, pl.DataType],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of `table` for each key of `wanted`, inserted when missing, updated when changed.

    `wanted` holds the keys and the columns to set (one row per key); a null there keeps the
    stored value. Returns (keys + id, keys of the rows that existed before).
    """
    wanted = wanted.unique(subset=keys, keep="last", maintain_order=True)
    columns = wanted.columns
    existing = store.fetch(
        f"SELECT id, {', '.join(columns)} FROM {table}",
        {"id": pl.Int64(), **{c: schema[c] for c in columns}},
        where_in=(keys[0], wanted[keys[0]]) if len(keys) == 1 else None,
    )
    joined = wanted.join(existing, on=keys, how="left", suffix="\x00old", nulls_equal=True)
    attrs = [c for c in columns if c not in keys]
    merged = joined.with_columns(pl.coalesce(c, f"{c}\x00old").alias(c) for c in attrs)
    new = merged.filter(pl.col("id").is_null()).sort(keys)
    if new.height:
        start = store.allocate(table, new.height)
        new = new.with_columns(pl.int_range(start, start + new.height, dtype=pl.Int64).alias("id"))
        store.insert(table, new.select("id", *columns))
    if attrs:
        changed = merged.filter(
            pl.col("id").is_not_null()
            & pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}\x00old")) for c in attrs)
        )
        store.update(table, changed.select("id", *attrs), old=existing)
    ids_ = pl.concat([merged.filter(pl.col("id").is_not_null()), new]).select(*keys, "id")
    return ids_, existing.select(keys)


def _names(store: StoreWriter, table: str, names: pl.Series) -> pl.DataFrame:
    """`name -> id` of a table keyed by name (township, site), creating the missing names."""
    wanted = pl.DataFrame({"name": names.drop_nulls().unique()}, schema={"name": pl.String})
    ids_, _ = _ensure(store, table, ["name"], wanted, {"name": pl.String()})
    return ids_


def _with_id(rows: pl.DataFrame, ids_: pl.DataFrame, column: str, target: str) -> pl.DataFrame:
    """Join `name -> id` onto `rows[column]` as `target`."""
    return rows.join(
        ids_.rename({"name": column, "id": target}), on=column, how="left", maintain_order="left"
    )


def _replace(
    store: StoreWriter,
    table: str,
    keys: list[str],
    rows: pl.DataFrame,
    schema: dict[str, pl.DataType],
) -> pl.Series:
    """Insert `rows`, first deleting stored rows with the same key. True for rows that replaced."""
    # Looked up by the whole key, so that the cost follows the rows, not the store; whole rows,
    # so that the batch's log can give back what it deleted.
    matched = store.lookup(table, rows.select(keys))
    store.delete(table, matched["id"], old=matched)
    replaced = rows.select(keys).join(
        matched.select(keys).with_columns(pl.lit(True).alias("\x00hit")),
        on=keys,
        how="left",
        maintain_order="left",
    )["\x00hit"]
    _insert_new(store, table, rows.sort(keys), schema)
    return replaced.fill_null(False)


def _insert_new(
    store: StoreWriter, table: str, rows: pl.DataFrame, schema: dict[str, pl.DataType]
) -> None:
    """Insert `rows` (the columns of `schema`) under new ids, in their order."""
    start = store.allocate(table, rows.height) if rows.height else 0
    store.insert(
        table,
        rows.select(
            pl.int_range(start, start + rows.height, dtype=pl.Int64).alias("id"),
            *schema.keys(),
        ),
    )


_LABOUR_RECORD = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "household_id": pl.Int64(),
    **{
        c: pl.String()
        for c in ("relation", "education", "capacity", "status", "employment_type", "employer")
    },
    "work_place": pl.String(),
    "monthly_income": pl.Float64(),
    "wish": pl.String(),
    "training_need": pl.String(),
    "two_after": pl.Boolean(),
    "three_no": pl.Boolean(),
    "monitoring": pl.String(),
    "phone": pl.String(),
    "batch_id": pl.Int64(),
}


def _commit_labour(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    towns = _names(store, "township", rows["township"])
    rows = _with_id(rows, towns, "township", "township_id")
    villages, _ = _ensure(
        store,
        "village",
        ["township_id", "name"],
        rows.select("township_id", name="village").drop_nulls(),
        {"township_id": pl.Int64(), "name": pl.String()},
    )
    rows = rows.join(
        villages.rename({"name": "village", "id": "village_id"}),
        on=["township_id", "village"],
        how="left",
        maintain_order="left",
    )
    rows = _with_id(rows, _names(store, "site", rows["site"]), "site", "site_id")
    buildings, _ = _ensure(
        store,
        "building",
        ["site_id", "name"],
        rows.select("site_id", name="building"),
        {"site_id": pl.Int64(), "name": pl.String()},
    )
    rows = rows.join(
        buildings.rename({"name": "building", "id": "building_id"}),
        on=["site_id", "building"],
        how="left",
        maintain_order="left",
    )
    latest = rows.sort("month", _SEQ)
    households, _ = _ensure(
        store,
        "household",
        ["code"],
        latest.select(
            "site_id",
            "building_id",
            "unit",
            "room",
            "head_name",
            "township_id",
            "village_id",
            code="household",
        ),
        {
            "code": pl.String(),
            **dict.fromkeys(("site_id", "building_id", "township_id", "village_id"), pl.Int64()),
            **dict.fromkeys(("unit", "room", "head_name"), pl.String()),
        },
    )
    persons, _ = _ensure(
        store,
        "person",
        ["id_number"],
        latest.select("id_number", "name", "gender", "birth_date"),
        {
            "id_number": pl.String(),
            "name": pl.String(),
            "gender": pl.String(),
            "birth_date": pl.Date(),
        },
    )
    records = (
        rows.join(
            households.rename({"code": "household", "id": "household_id"}),
            on="household",
            how="left",
            maintain_order="left",
        )
        .join(
            persons.rename({"id": "person_id"}), on="id_number", how="left", maintain_order="left"
        )
        .with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
        .select(_LABOUR_RECORD.keys())
    )
    return _replace(store, "labour_record", ["month", "person_id"], records, _LABOUR_RECORD)


_SUBSIDY = {
    "paid_on": pl.Date(),
    "kind": pl.String(),
    "payee": pl.String(),
    "name": pl.String(),
    "id_number": pl.String(),
    "employer": pl.String(),
    "amount_fen": pl.Int64(),
    "township_id": pl.Int64(),
    "site_id": pl.Int64(),
    "note": pl.String(),
    "batch_id": pl.Int64(),
    "voucher": pl.String(),
}


def _commit_subsidies(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    rows = _with_id(rows, _names(store, "township", rows["township"]), "township", "township_id")
    rows = _with_id(rows, _names(store, "site", rows["site"]), "site", "site_id")
    rows = rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
    stored, replaced = _same_payments(store, rows)
    store.delete("subsidy_payment", stored["id"], old=stored)
    _insert_new(store, "subsidy_payment", rows.sort("paid_on", "kind", "payee", _SEQ), _SUBSIDY)
    return replaced


def _same_payments(store: StoreWriter, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The stored payments that `rows` replace (whole rows), and for each row whether it
    replaces one. A stored payment is the one of a row by the row's identity (`_IDENTITIES`):
    the same voucher when both have one; else the same day, subsidy and payee, and for an
    employer the same township. A roster imported without vouchers and again with them thus
    replaces its payments rather than adding them a second time."""
    table = "subsidy_payment"
    key = ["paid_on", "kind", "payee"]
    stored = pl.concat(
        [store.lookup(table, rows.select("voucher")), store.lookup(table, rows.select(key))]
    ).unique("id", maintain_order=True)
    theirs = stored.select("id", *key, "voucher", "township_id")
    by_voucher = rows.join(theirs, on="voucher", suffix="\x00stored")
    by_payee = rows.join(theirs, on=key, suffix="\x00stored").filter(
        (pl.col("voucher").is_null() | pl.col("voucher\x00stored").is_null())
        & (
            pl.col(PAYEE_TOWNSHIP).is_null()
            | (pl.col("township_id") == pl.col("township_id\x00stored"))
        )
    )
    pairs = pl.concat([by_voucher.select(_SEQ, "id"), by_payee.select(_SEQ, "id")])
    replaced = rows[_SEQ].is_in(pairs[_SEQ].implode())
    return stored.filter(pl.col("id").is_in(pairs["id"].implode())), replaced


_POSTING = {
    "posted_on": pl.Date(),
    "employer": pl.String(),
    "title": pl.String(),
    "work_place": pl.String(),
    "township_id": pl.Int64(),
    "vacancies": pl.Int64(),
    "wage_min": pl.Int64(),
    "wage_max": pl.Int64(),
    "skills": pl.String(),
    "source": pl.String(),
    "batch_id": pl.Int64(),
}


def _commit_postings(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    rows = _with_id(rows, _names(store, "township", rows["township"]), "township", "township_id")
    rows = rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
    return _replace(store, "job_posting", ["posted_on", "employer", "title"], rows, _POSTING)


# The training frame's columns, and the batch that wrote the record.
_TRAINING = {**TRAINING_SCHEMA, "batch_id": pl.Int64()}


def _commit_training(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    rows = rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
    return _replace(
        store,
        "training_record",
        ["start", "id_number", "course"],
        rows,
        _TRAINING,
    )


_TARGET = {
    "year": pl.Int64(),
    "metric": pl.String(),
    "scope": pl.String(),
    "target": pl.Float64(),
    "batch_id": pl.Int64(),
}


def _commit_targets(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    rows = rows.with_columns(pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"))
    return _replace(store, "target", ["year", "metric", "scope"], rows, _TARGET)


def _commit_sites(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    rows = _with_id(rows, _names(store, "township", rows["township"]), "township", "township_id")
    _, existed = _ensure(
        store,
        "site",
        ["name"],
        rows.select(
            "township_id",
            "lon",
            "lat",
            "planned_buildings",
            "planned_households",
            name="site",
        ),
        {
            "name": pl.String(),
            "township_id": pl.Int64(),
            "lon": pl.Float64(),
            "lat": pl.Float64(),
            "planned_buildings": pl.Int64(),
            "planned_households": pl.Int64(),
        },
    )
    return rows["site"].is_in(existed["name"].implode())


def _commit_captains(store: StoreWriter, rows: pl.DataFrame, batch_id: int) -> pl.Series:
    rows = _with_id(rows, _names(store, "site", rows["site"]), "site", "site_id")
    _, existed = _ensure(
        store,
        "building",
        ["site_id", "name"],
        rows.select("site_id", "captain", "department", name="building", captain_phone="phone"),
        {
            "site_id": pl.Int64(),
            "name": pl.String(),
            "captain": pl.String(),
            "department": pl.String(),
            "captain_phone": pl.String(),
        },
    )
    return (
        rows.join(
            existed.with_columns(pl.lit(True).alias("\x00hit")),
            left_on=["site_id", "building"],
            right_on=["site_id", "name"],
            how="left",
            maintain_order="left",
        )["\x00hit"]
        .fill_null(False)
        .alias("replaced")
    )


_COMMITS: dict[str, Callable[[StoreWriter, pl.DataFrame, int], pl.Series]] = {
    "sites": _commit_sites,
    "captains": _commit_captains,
    "labour": _commit_labour,
    "subsidies": _commit_subsidies,
    "postings": _commit_postings,
    "training": _commit_training,
    "targets": _commit_targets,
}


# The 55 minority nationalities, longest first: a 民族乡's official name (水田彝族苗族乡, as
# DataV and the civil affairs register write it) names them; ledgers often drop them (水田乡).
_NATIONALITIES = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ],
    key=len,
    reverse=True,
)
_ETHNIC_TOWNSHIP = rf"^(.+?)(?:(?:{'|'.join(_NATIONALITIES)})族)+([乡镇])$"


def township_short_name(names: pl.Series) -> pl.Series:
    """`水田彝族苗族乡` -> `水田乡`: a 民族乡 or 民族镇 without its nationalities."""
    return names.str.replace(_ETHNIC_TOWNSHIP, "${1}${2}")


def _match_townships(rows: pl.DataFrame, towns: pl.DataFrame) -> pl.DataFrame:
    """`rows` with the township id (and old boundary) of each name: the same name, else the same
    name without nationalities (`township_short_name`) when that finds exactly one township."""
    exact = rows.join(
        towns.rename({"boundary": "\x00old"}),
        left_on="township",
        right_on="name",
        how="left",
        maintain_order="left",
    ).with_columns(pl.lit(None, pl.String).alias("\x00as"))
    short = towns.with_columns(township_short_name(pl.col("name")).alias("\x00short")).filter(
        pl.col("\x00short").is_unique()
    )
    found = (
        exact.filter(pl.col("id").is_null())
        .select(pl.exclude("id", "\x00old", "\x00as"))
        .with_columns(township_short_name(pl.col("township")).alias("\x00short"))
        .join(
            short.select(
                "id",
                pl.col("boundary").alias("\x00old"),
                "\x00short",
                pl.col("name").alias("\x00as"),
            ),
            on="\x00short",
            how="inner",
        )
        .drop("\x00short")
    )
    if found.is_empty():
        return exact
    return exact.update(found.select(_SEQ, "id", "\x00old", "\x00as"), on=_SEQ, include_nulls=False)


def _commit_boundaries(store: StoreWriter, rows: pl.DataFrame) -> pl.DataFrame:
    """Set the boundary of each named township: `rows` with the township's id (null for names
    that match no township) and, where only the name without nationalities matched, the
    store's name of it (`\x00as`)."""
    towns = store.fetch("SELECT id, name, boundary FROM township", table_schema("township"))
    matched = _match_townships(rows, towns)
    # An unchanged boundary is left alone: it is no overwrite that would stop an undo.
    changed = matched.filter(
        pl.col("id").is_not_null() & pl.col("boundary").ne_missing(pl.col("\x00old"))
    )
    # Two features of one township (by its two names): the later one, as in `_ensure`.
    changed = changed.unique("id", keep="last", maintain_order=True)
    store.update("township", changed.select("id", "boundary"), old=towns)
    return matched


# The order of commits: places first, so that later formats find them.
_ORDER = ("sites", "captains", "labour", "subsidies", "postings", "training", "targets")
_DATED = {"labour": "month", "subsidies": "paid_on", "postings": "posted_on", "training": "start"}


def _months(frames: dict[str, pl.DataFrame]) -> list[dt.date]:
    """The months the rows fall in: reporting months, payment, posting and course months."""
    months = [
        frames[fmt][column].dt.month_start() for fmt, column in _DATED.items() if fmt in frames
    ]
    if not months:
        return []
    return pl.concat(months).drop_nulls().unique().sort().to_list()


def _valid_frames(parsed: list[ParsedSheet]) -> dict[str, pl.DataFrame]:
    """The rows without errors, one frame per format, with their sheet and order in the call."""
    by_format: dict[str, list[pl.DataFrame]] = {}
    for index, p in enumerate(parsed):
        by_format.setdefault(p.format.name, []).append(
            p.valid.with_columns(pl.lit(index, dtype=pl.Int64).alias(_SHEET))
        )
    frames = {}
    for fmt, parts in by_format.items():
        frame = pl.concat(parts, how="vertical_relaxed")
        if frame.height:
            frames[fmt] = frame.with_columns(pl.int_range(frame.height).alias(_SEQ))
    return frames


def _nothing_to_import() -> LedgerIssue:
    return LedgerIssue("", None, None, None, None, "没有可导入的数据行", "no rows to import")


def import_files(
    engine: Engine,
    paths: Iterable[Path | str],
    *,
    month: dt.date | None = None,
    keep_valid: Path | None = None,
    user: str = "cli",
    source: str = "import",
    set_aside: Path | None = None,
) -> ImportResult:
    """Check ledger files and commit them to the store in one transaction.

    All or nothing: any error in any file leaves the store as it was, and the result lists every
    error. With `keep_valid`, the valid rows are committed and the rejected ones are written to
    that workbook. Importing a file again replaces what it imported before.

    `set_aside` is for building a new SQLite store that nothing reads until it is done (the
    demo at province scale): the labour records go to Arrow files in that folder, and
    `data.bulk.append` writes them all at the end, without a Python object per value. Until
    then the store does not see them, so each month may come only once.
    """
    paths = [Path(p) for p in paths]
    parsed, issues = check_files(paths, month=month)
    counts = [
        SheetCounts(
            p.sheet.file.name,
            p.sheet.sheet,
            p.format.name,
            rows_read=p.sheet.rows_read,
            rejected=len(p.error_rows),
            skipped=p.sheet.skipped,
        )
        for p in parsed
    ]
    frames = _valid_frames(parsed)
    months = _months(frames)
    if any(i.severity == "error" for i in issues) and keep_valid is None:
        return ImportResult(False, None, issues, counts, months)
    rejects_path = None
    if keep_valid is not None and any(c.rejected for c in counts):
        rejects_path = _write_rejects(Path(keep_valid), parsed)
    if not frames:
        return ImportResult(False, None, [*issues, _nothing_to_import()], counts, months)

    init_store(engine)
    try:
        store = StoreWriter(engine, set_aside=set_aside).begin()
    except StoreBusy as busy:
        refusal = busy.issue(", ".join(p.name for p in paths))
        return ImportResult(
            False, None, [*issues, refusal], counts, months, rejects_path, busy=refusal
        )
    try:
        batch_id = _commit(store, frames, parsed, counts, issues, paths, months, user, source)
    except _NothingMatched as nothing:
        # Boundaries alone, none of a known township: no batch, no new data version.
        return ImportResult(False, None, [*issues, nothing.issue], counts, months)
    return ImportResult(True, batch_id, issues, counts, months, rejects_path)


class _NothingMatched(Exception):
    """Raised inside the store's transaction to roll it back: nothing was written."""

    def __init__(self, issue: LedgerIssue) -> None:
        super().__init__(issue.reason_en)
        self.issue = issue


def _commit(
    store: StoreWriter,
    frames: dict[str, pl.DataFrame],
    parsed: list[ParsedSheet],
    counts: list[SheetCounts],
    issues: list[LedgerIssue],
    paths: list[Path],
    months: list[dt.date],
    user: str,
    source: str,
) -> int:
    """Write the valid rows in the begun transaction of `store` and commit it; the new batch's
    id. `issues` and `counts` are completed in place."""
    with store:
        batch_id = store.new_batch(
            user=user,
            source=source,
            files="\n".join(p.name for p in paths),
            formats=",".join(f for f in (*_ORDER, "boundaries") if f in frames),
            months=",".join(f"{m:%Y-%m}" for m in months) or None,
            rows_read=sum(c.rows_read for c in counts),
            rows_rejected=sum(c.rejected for c in counts),
        )
        for fmt in (*_ORDER, "boundaries"):
            if fmt not in frames:
                continue
            rows = frames[fmt]
            if fmt == "boundaries":
                matched = _commit_boundaries(store, rows)
                written = matched["id"].is_not_null()
                issues.extend(_unmatched_boundaries(parsed, rows.filter(~written)))
                issues.extend(_renamed_boundaries(parsed, matched))
                replaced = pl.Series([False] * rows.height)
            else:
                written = pl.Series([True] * rows.height)
                replaced = _COMMITS[fmt](store, rows, batch_id)
            _count(counts, rows[_SHEET], written, replaced)
        if "targets" in frames:
            issues.extend(_unknown_scopes(store, parsed, frames["targets"]))
        if not any(c.imported for c in counts):
            nothing = _no_township_matched(store, parsed, frames["boundaries"])
            raise _NothingMatched(nothing)
        store.execute(
            "UPDATE import_batch SET rows_imported = ?, rows_replaced = ? WHERE id = ?",
            [sum(c.imported for c in counts), sum(c.replaced for c in counts), batch_id],
        )
    return batch_id


_NAMES_LISTED = 10  # names a message lists at most


def _no_township_matched(
    store: StoreWriter, parsed: list[ParsedSheet], rows: pl.DataFrame
) -> LedgerIssue:
    """The error of a boundary file none of whose townships is in the store: its names and the
    store's, to compare."""
    known = store.fetch("SELECT name FROM township ORDER BY name", {"name": pl.String()})["name"]
    names = rows["township"].unique(maintain_order=True)

    def listed(values: pl.Series, sep: str) -> str:
        shown = sep.join(values.head(_NAMES_LISTED).to_list())
        more = len(values) - _NAMES_LISTED
        return shown + (f"{sep}… (+{more})" if more > 0 else "")

    files = dict.fromkeys(parsed[i].sheet.file.name for i in rows[_SHEET].unique().sort())
    if known.is_empty():
        store_zh = "库中还没有乡镇：请先导入劳动力就业台账或安置点表，再导入边界"
        store_en = "the store holds no township yet: import the ledgers first, then the boundaries"
    else:
        store_zh = f"库中的乡镇：{listed(known, '、')}"
        store_en = f"the store's townships: {listed(known, ', ')}"
    return LedgerIssue(
        "、".join(files),
        None,
        None,
        None,
        None,
        f"边界文件中没有一个乡镇与库中的乡镇同名，未导入，数据没有任何改动。文件中的乡镇："
        f"{listed(names, '、')}；{store_zh}",
        f"no township of the boundary file is in the store: nothing imported, nothing changed. "
        f"The file names {listed(names, ', ')}; {store_en}",
    )


def _count(
    counts: list[SheetCounts], sheet: pl.Series, written: pl.Series, replaced: pl.Series
) -> None:
    totals = (
        pl.DataFrame({"s": sheet, "w": written, "r": replaced})
        .group_by("s")
        .agg(pl.col("w").sum(), (~pl.col("w")).sum().alias("skip"), pl.col("r").sum())
    )
    for index, imported, skipped, repl in totals.iter_rows():
        counts[index].imported += imported
        counts[index].skipped += skipped
        counts[index].replaced += repl


def _feature_warning(sheet: Sheet, row: int, name: str, zh: str, en: str) -> LedgerIssue:
    """A warning about one feature of a boundary file, at its township name."""
    column = sheet.headers.get("township", "properties.name")
    return LedgerIssue(sheet.file.name, None, row, column, name, zh, en, "warning")


def _renamed_boundaries(parsed: list[ParsedSheet], matched: pl.DataFrame) -> list[LedgerIssue]:
    """A warning for each feature matched by its name without nationalities: say to which."""
    return [
        _feature_warning(
            parsed[index].sheet,
            row,
            name,
            f"按去掉民族名称后的名称，作为“{town}”的边界导入",
            f"imported as the boundary of {town!r} (the same name without its nationalities)",
        )
        for index, row, name, town in matched.filter(pl.col("\x00as").is_not_null())
        .select(_SHEET, ROW, "township", "\x00as")
        .iter_rows()
    ]


def _unmatched_boundaries(parsed: list[ParsedSheet], rows: pl.DataFrame) -> list[LedgerIssue]:
    return [
        _feature_warning(
            parsed[index].sheet,
            row,
            name,
            "没有这个乡镇（名称与台账中的乡镇都不一致），边界未导入",
            "no township of this name (it matches no township of the ledgers): not imported",
        )
        for index, row, name in rows.select(_SHEET, ROW, "township").iter_rows()
    ]


def _unknown_scopes(
    store: StoreWriter, parsed: list[ParsedSheet], rows: pl.DataFrame
) -> list[LedgerIssue]:
    """A warning for each target whose scope is neither 县 nor a known township or site."""
    known = pl.concat(
        [
            store.fetch(f"SELECT name FROM {table}", {"name": pl.String()})["name"]
            for table in ("township", "site")
        ]
    )
    unknown = rows.filter(
        (pl.col("scope") != domain.COUNTY_SCOPE) & ~pl.col("scope").is_in(known.implode())
    )
    return [
        LedgerIssue(
            parsed[index].sheet.file.name,
            parsed[index].sheet.sheet,
            row,
            parsed[index].sheet.headers.get("scope", "范围"),
            scope,
            f"不是“{domain.COUNTY_SCOPE}”，也不是已有的乡镇或安置点：请核对名称",
            f"neither {domain.COUNTY_SCOPE!r} nor a known township or site: check the name",
            "warning",
        )
        for index, row, scope in unknown.select(_SHEET, ROW, "scope").iter_rows()
    ]


def _write_rejects(path: Path, parsed: list[ParsedSheet]) -> Path:
    """The rejected rows, as written, with their row number and every reason, one sheet each."""
    from data.spreadsheet import workbook

    # Rows as the clerk wrote them: text stays text, a "=…" cell included (data.spreadsheet).
    book = workbook(path)
    used: set[str] = set()
    for p in parsed:
        bad = p.error_rows
        if bad.is_empty():
            continue
        errors = p.issues.filter(pl.col("severity") == "error")
        per_sheet = errors.filter(pl.col(ROW).is_null())
        per_row = (
            errors.filter(pl.col(ROW).is_not_null())
            .group_by(ROW, maintain_order=True)
            .agg(pl.format("{}：{}", "column", "zh").str.join("；").alias("错误原因"))
            .rename({ROW: RAW_ROW})
        )
        general = "；".join(f"{c}：{zh}" for c, zh in per_sheet.select("column", "zh").iter_rows())
        rows = (
            p.sheet.raw.filter(pl.col(RAW_ROW).is_in(bad.implode()))
            .join(per_row, on=RAW_ROW, how="left", maintain_order="left")
            .with_columns(
                pl.concat_str(
                    pl.lit(general or None), pl.col("错误原因"), separator="；", ignore_nulls=True
                ).alias("错误原因")
            )
        )
        # Excel sheet names: at most 31 characters, none of []:*?/\, unique.
        base = re.sub(r"[\[\]:*?/\\]", "_", p.sheet.label.replace(" / ", "-"))[:28]
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base[:25]}-{k}"
        used.add(name)
        rows.write_excel(workbook=book, worksheet=name, autofit=True)
    book.close()
    return path
