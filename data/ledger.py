"""Reading ledger files: find each sheet's header row, recognise its format, clean its values.

A county's ledgers come as Excel workbooks (.xlsx, .xls), CSV files in UTF-8 or GBK, and GeoJSON
township boundaries. Every sheet is recognised by its headers, wherever they sit below title,
blank and merged rows; the format definitions below are ledger-format.md in code. Reading only
cleans text (NFKC, spaces, empty cells); checking values against the domain is the importer's job.

Every data row keeps its row number as the user sees it in Excel (or in a spreadsheet opening the
CSV), so that a message can send them to the right row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal
from unicodedata import normalize

import fastexcel
import polars as pl

from data import sandbox

ROW = "row"  # the Excel row number column of every data frame
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
RAW_ROW = "行号"  # the same in the frame of cells as written (and in the rejects workbook)

Severity = Literal["error", "warning"]


@dataclass
class LedgerIssue:
    """One problem in one file: where it is, what the cell holds, why it is a problem."""

    file: str
    sheet: str | None  # None for CSV and GeoJSON
    row: int | None  # as the user sees it in Excel (GeoJSON: the feature's number); None: file
    column: str | None  # the header as written in the file
    value: str | None
    reason_zh: str
    reason_en: str
    severity: Severity = "error"
    # None for one issue; for the line that counts the issues of a sheet not listed one by one
    # (`unlisted`), how many it stands for. Every count of issues sums these (`count_issues`).
    count: int | None = None

    @classmethod
    def whole(
        cls,
        file: str,
        sheet: str | None,
        zh: str,
        en: str,
        severity: Severity = "error",
        count: int | None = None,
    ) -> LedgerIssue:
        """An issue of a whole file or sheet: no row, column or value."""
        return cls(file, sheet, None, None, None, zh, en, severity, count)

    @property
    def weight(self) -> int:
        """The issues this line stands for."""
        return 1 if self.count is None else self.count

    def message(self, lang: str = "zh") -> str:
        """`第 7 行 身份证号 "5224…" 位数不对：…`: the place, the value, the reason."""
        zh = lang == "zh"
        parts = []
        if self.row is not None:
            feature = self.file.lower().endswith((".geojson", ".json"))
            if zh:
                parts.append(f"第 {self.row} {'个要素' if feature else '行'}")
            else:
                parts.append(f"{'feature' if feature else 'row'} {self.row}")
        if self.column:
            parts.append(self.column)
        if self.value is not None:
            parts.append(f'"{self.value}"')
        where = " ".join(parts)
        reason = self.reason_zh if zh else self.reason_en
        if not where:
            return reason
        return f"{where} {reason}" if zh else f"{where}: {reason}"


def count_issues(issues: Iterable[LedgerIssue], severity: Severity) -> int:
    """Issues of one severity, those counted but not listed included."""
    return sum(i.weight for i in issues if i.severity == severity)


def unlisted(file: str, sheet: str | None, severity: Severity, count: int) -> LedgerIssue:
    """The line after the first issues of a sheet: how many more there are."""
    zh, en = ("错误", "errors") if severity == "error" else ("警告", "warnings")
    return LedgerIssue.whole(
        file,
        sheet,
        f"还有 {count:,} 个{zh}未列出（只列出每个表的前 {ISSUES_LISTED:,} 个）",
        f"{count:,} more {en} not listed (the first {ISSUES_LISTED:,} of each sheet are)",
        severity,
        count,
    )


# Issues of one sheet listed one by one; the rest are counted (`unlisted`). A million rows of
# junk would otherwise make ten million messages: gigabytes, and a list nobody reads.
ISSUES_LISTED = 1_000


# --- formats ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a ledger format: its code name, its Chinese header and the other spellings."""

    name: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class LedgerFormat:
    """One ledger format of ledger-format.md.

    A header row is taken for this format when it holds at least `min_signature` of the
    `signature` columns: the columns that tell this format from the others.
    """

    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    signature: tuple[str, ...]
    min_signature: int
    # Columns read only to fill another where it is empty (the household's phone for a person
    # without one): checked where they are used, never stored as themselves.
    fallbacks: tuple[Column, ...] = ()

    @property
    def read_columns(self) -> tuple[Column, ...]:
        """Every column a sheet of this format may hold: its own and its fallbacks."""
        return (*self.columns, *self.fallbacks)

    @cached_property
    def by_key(self) -> dict[str, str]:
        """Header key (see `header_key`) -> column name, for every spelling of every column."""
        keys: dict[str, str] = {}
        for column in self.read_columns:
            for spelling in (column.zh, column.name, *column.aliases):
                key = header_key(spelling)
                keys.setdefault(key, column.name)
                keys.setdefault(_without_brackets(key), column.name)
        return keys

    def column(self, name: str) -> Column:
        return next(c for c in self.read_columns if c.name == name)

    def match(self, header: str | None) -> str | None:
        """The column a header cell names, if any."""
        if header is None:
            return None
        return self.match_keys(header_key(header))

    def match_keys(self, key: str, bare: str | None = None) -> str | None:
        """The column a header key names, if any; `bare` is the key without brackets."""
        return self.by_key.get(key) or self.by_key.get(
            _without_brackets(key) if bare is None else bare
        )


def _c(name: str, zh: str, aliases: str = "", *, required: bool = False) -> Column:
    return Column(name, zh, tuple(aliases.split()), required)


_ID_ALIASES = "身份证号码 公民身份号码 身份证 证件号码 id idno idcard"
_PHONE_ALIASES = "电话 手机 手机号 手机号码 联系方式 mobile"
_BUILDING_ALIASES = "栋 栋号 楼号 楼栋号"

# The labour ledger also takes the headers of the national 防返贫监测信息系统's export, which
# counties build their ledgers on (ledger-format.md): 数据日期, 乡(镇), 行政村, 证件号码, 劳动技能,
# 人联系电话 and, for a person without one, 户联系电话. Its values are the importer's synonyms.
LABOUR = LedgerFormat(
    "labour",
    "劳动力就业台账",
    "labour ledger",
    (
        # 数据日期 is a date: its month is the reporting month.
        _c("month", "统计月份", "月份 统计月 报告月份 填报月份 数据日期 reportmonth"),
        _c("township", "乡镇(街道)", "乡镇 迁出乡镇 迁出乡镇(街道) 乡(镇)", required=True),
        _c("village", "村(社区)", "村 迁出村 迁出村(社区) 村(居) 行政村"),
        _c("site", "安置点", "安置点名称 安置小区 安置社区", required=True),
        _c("building", "楼栋", _BUILDING_ALIASES, required=True),
        _c("unit", "单元", "单元号"),
        _c("room", "房号", "房间号 室号 门牌号", required=True),
        _c("household_id", "户编号", "户号 户编码 householdcode"),
        _c("head_name", "户主姓名", "户主 head", required=True),
        _c("name", "姓名", "劳动力姓名", required=True),
        _c("id_number", "身份证号", _ID_ALIASES, required=True),
        _c("gender", "性别", "sex"),
        _c("relation", "与户主关系", "家庭关系 relationship"),
        _c("education", "文化程度", "学历"),
        _c("capacity", "劳动能力", "劳动力类型 劳动能力状况 劳动技能", required=True),
        _c("status", "就业状态", "就业情况", required=True),
        _c("employment_type", "就业形式", "就业类型 就业方式 就业渠道"),
        _c("employer", "就业单位", "工作单位 务工单位"),
        _c("work_place", "就业地点", "务工地点 工作地点"),
        _c("monthly_income", "月收入(元)", "月收入 月均收入 月工资 income"),
        _c("wish", "就业意愿", "意愿"),
        _c("training_need", "培训需求", "培训意愿"),
        _c("two_after", "是否两后生", "两后生"),
        _c("three_no", "是否三无人员", "三无人员 是否三无"),
        _c("monitoring", "监测类型", "监测对象类型 户类型"),
        _c("phone", "联系电话", f"{_PHONE_ALIASES} 人联系电话 本人联系电话"),
    ),
    ("status", "capacity", "employment_type", "building", "room", "head_name", "household_id"),
    2,
    fallbacks=(_c("household_phone", "户联系电话", "家庭联系电话"),),
)

SUBSIDIES = LedgerFormat(
    "subsidies",
    "补贴发放花名册",
    "subsidy roster",
    (
        _c("paid_on", "发放日期", "发放时间 支付日期 date", required=True),
        _c("kind", "补贴类型", "补贴类别 补贴项目 补贴名称", required=True),
        _c("name", "姓名"),
        _c("id_number", "身份证号", _ID_ALIASES),
        _c("employer", "单位名称", "企业名称 用工单位"),
        _c("amount", "金额(元)", "金额 补贴金额 发放金额", required=True),
        _c("township", "乡镇(街道)", "乡镇 所在乡镇", required=True),
        _c("site", "安置点", "安置点名称"),
        _c("note", "备注", "remark"),
        # When given, the payment's identity (`data.importer`): two rows of one voucher are one
        # payment twice, two vouchers two payments.
        _c("voucher", "凭证号", "凭证编号 凭证号码 记账凭证号 voucherno"),
    ),
    ("paid_on", "kind", "amount"),
    2,
)

POSTINGS = LedgerFormat(
    "postings",
    "岗位信息",
    "job postings",
    (
        _c("posted_on", "发布日期", "发布时间 date", required=True),
        _c("employer", "单位名称", "招聘单位 企业名称 用工单位", required=True),
        _c("title", "岗位名称", "岗位 招聘岗位 工种 job", required=True),
        _c("work_place", "工作地点", "就业地点"),
        _c("township", "乡镇(街道)", "乡镇 所在乡镇"),
        _c("vacancies", "招聘人数", "需求人数 人数", required=True),
        _c("wage_min", "月薪下限", "最低月薪 薪资下限"),
        _c("wage_max", "月薪上限", "最高月薪 薪资上限"),
        _c("skills", "技能要求", "岗位要求 要求"),
        _c("source", "来源", "信息来源"),
    ),
    ("title", "vacancies", "wage_min", "wage_max", "posted_on"),
    2,
)

TRAINING = LedgerFormat(
    "training",
    "培训记录",
    "training records",
    (
        _c("name", "姓名"),
        _c("id_number", "身份证号", _ID_ALIASES, required=True),
        _c("course", "培训项目", "培训工种 培训专业 培训内容 培训课程", required=True),
        _c("provider", "培训机构", "培训单位"),
        _c("start", "开始日期", "开班日期 培训开始日期 开始时间 startdate", required=True),
        _c("end", "结束日期", "结业日期 培训结束日期 结束时间 enddate"),
        _c("certified", "是否取证", "取证 是否取得证书 是否结业取证"),
    ),
    ("course", "provider", "start", "end", "certified"),
    2,
)

SITES = LedgerFormat(
    "sites",
    "安置点",
    "sites",
    (
        _c("site", "安置点", "安置点名称", required=True),
        _c("township", "所在乡镇", "乡镇(街道) 乡镇"),
        _c("lon", "经度", "longitude lng"),
        _c("lat", "纬度", "latitude"),
        _c("planned_buildings", "楼栋数", "栋数 buildings"),
        _c("planned_households", "规划户数", "安置户数 户数 households"),
    ),
    ("lon", "lat", "planned_buildings", "planned_households"),
    2,
)

CAPTAINS = LedgerFormat(
    "captains",
    "楼长名册",
    "building captains",
    (
        _c("site", "安置点", "安置点名称", required=True),
        _c("building", "楼栋", _BUILDING_ALIASES, required=True),
        _c("captain", "楼长", "就业楼长 楼长姓名"),
        _c("department", "包保单位", "帮扶单位 包栋单位"),
        _c("phone", "联系电话", _PHONE_ALIASES),
    ),
    ("captain", "department"),
    1,
)

TARGETS = LedgerFormat(
    "targets",
    "年度目标",
    "targets",
    (
        _c("year", "年度", "年份", required=True),
        _c("metric", "指标", "指标名称 目标指标", required=True),
        _c("scope", "范围", "目标范围", required=True),
        _c("target", "目标值", "目标 目标数", required=True),
    ),
    ("year", "metric", "scope", "target"),
    3,
)

BOUNDARIES = LedgerFormat(
    "boundaries",
    "乡镇边界",
    "township boundaries",
    # A feature without a name is a warning, not an error: see the importer. The name comes
    # from any of NAME_PROPERTIES (see `read_geojson`).
    (_c("township", "name"), _c("boundary", "geometry")),
    (),
    0,
)

TABLE_FORMATS = (LABOUR, SUBSIDIES, POSTINGS, TRAINING, SITES, CAPTAINS, TARGETS)
FORMATS = {f.name: f for f in (*TABLE_FORMATS, BOUNDARIES)}


# --- text -------------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s*_\-:：※#]+")
_BRACKETED = re.compile(r"[(\[【].*?[)\]】]")


def header_key(text: str) -> str:
    """A header reduced to what tells it apart: NFKC, lower case, no spaces, marks or breaks."""
    return _HEADER_NOISE.sub("", normalize("NFKC", str(text))).lower()


def _without_brackets(key: str) -> str:
    """`月收入(元)` -> `月收入`: units and notes in brackets do not name the column."""
    return _BRACKETED.sub("", key)


# Outside ASCII and the CJK ideographs, NFKC may change a character (full-width forms, U+3000).
_NEEDS_NFKC = r"[^\x00-\x7F\p{Han}]"
# A cell that NFKC, stripping or nulling would change.
_NEEDS_CLEANING = r"^$|^\s|\s$|[^\x00-\x7F\p{Han}]|^[-/\\_]+$"
# Characters that show nothing and are no whitespace (zero-width spaces and joiners, word
# joiner, BOM), pasted in from web pages: gone, so that a cell of them is empty.
_INVISIBLE = "[\u200b-\u200d\u2060\ufeff]"
# A cell filled only to show it is empty on paper: /, -, —, ／.
_PLACEHOLDER = r"^[-/\\_\u2014\u2013]+$"


def fix_where(
    series: pl.Series, needs: pl.Series, fn: Callable[[pl.Series], pl.Series]
) -> pl.Series:
    """`fn` applied only to the values where `needs` is true; most cells need no fixing.

    The series given is left as it was: `scatter` writes in place, and `by_value` compares
    what `fn` returns with the series it gave (a changed input looked unchanged, and a column
    of "" or spaces stayed as it was: a million blank-looking rows became ten million errors).
    """
    needs = needs.fill_null(False)
    if not needs.any():
        return series
    return series.clone().scatter(needs.arg_true(), fn(series.filter(needs)))


def nfkc(series: pl.Series) -> pl.Series:
    """NFKC-normalise the values that need it: most ledger cells are ASCII or plain Han."""
    return fix_where(series, series.str.contains(_NEEDS_NFKC), lambda s: s.str.normalize("NFKC"))


def _clean_values(series: pl.Series) -> pl.Series:
    def fix(s: pl.Series) -> pl.Series:
        return s.str.normalize("NFKC").str.replace_all(_INVISIBLE, "").str.strip_chars()

    cleaned = fix_where(series, series.str.contains(_NEEDS_CLEANING), fix)
    empty = (cleaned == "") | cleaned.str.contains(_PLACEHOLDER)
    return fix_where(cleaned, empty, lambda s: s.clear(len(s)))


def clean_text(series: pl.Series) -> pl.Series:
    """NFKC, surrounding spaces gone, empty cells (and placeholders like `/`) null."""
    return by_value(series.cast(pl.String), _clean_values)


def clean_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`clean_text` on every column of a text frame."""
    return frame.select(clean_text(s) for s in frame.iter_columns())


def by_value(series: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`fn(series)`, computed once per distinct value: ledger columns repeat a few values."""
    sample = series.gather_every(max(1, len(series) // 10_000))
    if sample.n_unique() * 4 > len(sample):  # mostly distinct: mapping back would cost more
        return fn(series).alias(series.name)
    distinct = series.unique()
    mapped = fn(distinct)
    if mapped.dtype == distinct.dtype and mapped.equals(distinct):
        return series  # nothing to change: the common case, and no mapping back
    return series.replace_strict(distinct, mapped, default=None, return_dtype=mapped.dtype)


_DASHES = r"[\u2010-\u2015\u2212\u30FC\uFE58\uFE63]"  # ‐ ‑ ‒ – — ― − ー ﹘ ﹣


def _address_part(suffixes: str, *, dashes: bool = False) -> Callable[[pl.Series], pl.Series]:
    """A normaliser for one part of an address: no spaces, no 第…, no trailing word, no ".0"."""

    def fn(s: pl.Series) -> pl.Series:
        s = s.str.replace_all(r"\s+", "")
        if dashes:
            s = s.str.replace_all(_DASHES, "-")
        return (
            s.str.replace(r"^第", "")
            .str.replace(f"({suffixes})$", "")
            .str.replace(r"^(\d+)\.0+$", "$1")
            .replace("", None)
        )

    return fn


def building_names(series: pl.Series) -> pl.Series:
    """`3`, `3栋`, `3号楼`, `３栋`, `第3栋`, `3.0` -> `3`."""
    return by_value(series, _address_part("号楼|号栋|栋|幢|号|楼|座"))


def room_names(series: pl.Series) -> pl.Series:
    """`１－３０２`, `1—302`, `302室`, `302.0` -> `1-302`, `302`."""
    return by_value(series, _address_part("室|号|号房", dashes=True))


def unit_names(series: pl.Series) -> pl.Series:
    """`1单元`, `1.0` -> `1`."""
    return by_value(series, _address_part("单元"))


def compact(series: pl.Series) -> pl.Series:
    """No spaces at all: names of people and places are padded for alignment, never spaced."""
    return fix_where(
        series, series.str.contains(r"\s"), lambda s: s.str.replace_all(r"\s+", "")
    ).replace("", None)


# --- months and dates -------------------------------------------------------------------------

# 2020-08, 2020/8, 2020.8, 2020年8月, 2020年8月15日, 2020-08-01 00:00:00 (Excel date-times read
# as text), each with an optional day and time.
_YMD = (
    r"^(?<y>\d{4})\s*[-/.年]\s*(?<m>\d{1,2})\s*(?:[-/.月]\s*(?:(?<d>\d{1,2})\s*[日号]?)?)?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = r"^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})?$"  # 202008, 20200815
_SERIAL = r"^\d{5}(?:\.\d+)?$"  # an Excel day number: 44044 is 2020-08-01
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _dates(values: pl.Series, *, keep_day: bool) -> pl.Series:
    """Parse a column of date texts in every spelling above; null where it is no date.

    A month alone (`2020年8月`) is its first day; `keep_day=False` drops the day altogether.
    """
    frame = pl.DataFrame({"t": values.str.strip_chars()}).select(
        ymd=pl.col("t").str.extract_groups(_YMD),
        compact=pl.col("t").str.extract_groups(_COMPACT),
        serial=pl.when(pl.col("t").str.contains(_SERIAL)).then(
            pl.col("t").cast(pl.Float64, strict=False).floor().cast(pl.Int64)
        ),
    )
    y = pl.coalesce(pl.col("ymd").struct["y"], pl.col("compact").struct["y"])
    m = pl.coalesce(pl.col("ymd").struct["m"], pl.col("compact").struct["m"])
    d = pl.coalesce(pl.col("ymd").struct["d"], pl.col("compact").struct["d"]).fill_null("1")
    text_date = pl.format(
        "{}-{}-{}", y, m.str.zfill(2), d.str.zfill(2) if keep_day else pl.lit("01")
    ).str.to_date("%Y-%m-%d", strict=False)
    serial = pl.lit(_EXCEL_EPOCH) + pl.duration(days=pl.col("serial"))
    parsed = pl.coalesce(text_date, pl.when(pl.col("serial").is_between(1, 80000)).then(serial))
    return (
        frame.select(pl.when(parsed.dt.year().is_between(1900, 2100)).then(parsed).cast(pl.Date))
        .to_series()
        .alias(values.name)
    )


def parse_dates(values: pl.Series) -> pl.Series:
    """A column of dates (as cleaned text) -> `pl.Date`; a month alone is its first day."""
    return by_value(values.cast(pl.String), lambda s: _dates(s, keep_day=True))


def parse_months(values: pl.Series) -> pl.Series:
    """A column of months or dates (as cleaned text) -> the first day of the month."""
    return by_value(values.cast(pl.String), lambda s: _dates(s, keep_day=False).dt.month_start())


def parse_month(text: str | None) -> dt.date | None:
    """`2020-08`, `2020/8`, `2020年8月`, `202008`, `2020-08-15`, `44044` -> 2020-08-01."""
    if text is None:
        return None
    return parse_months(clean_text(pl.Series([str(text)])))[0]


def parse_date(text: str | None) -> dt.date | None:
    """`2020-08-15`, `2020/8/15`, `2020年8月15日`, `20200815`, `44058` -> 2020-08-15."""
    if text is None:
        return None
    return parse_dates(clean_text(pl.Series([str(text)])))[0]


_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月|(\d{4})\s*[-/.]\s*(\d{1,2})(?!\d)")


def month_in_title(texts: Iterable[str | None]) -> dt.date | None:
    """The first month named in title texts: `…台账（2020年8月）` -> 2020-08-01."""
    for text in texts:
        if not text:
            continue
        found = _TITLE_MONTH.search(normalize("NFKC", text))
        if found:
            year, month = (int(g) for g in found.groups() if g is not None)
            if 1900 <= year <= 2100 and 1 <= month <= 12:
                return dt.date(year, month, 1)
    return None


# --- sheets -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One recognised sheet (or CSV file): its cleaned data rows and the cells as written."""

    file: Path
    sheet: str | None  # None for CSV and GeoJSON
    format: LedgerFormat
    data: pl.DataFrame  # ROW + one cleaned String column per recognised column
    raw: pl.DataFrame  # RAW_ROW + every column of the file under its own header, as written
    headers: dict[str, str]  # column name -> header as written
    grid_columns: dict[str, str] = field(default_factory=dict)  # column name -> grid column
    title_month: dt.date | None = None
    rows_read: int = 0  # rows below the header, blank and total rows included
    skipped: int = 0  # blank, unit and total (合计) rows
    issues: list[LedgerIssue] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.file.name if self.sheet is None else f"{self.file.name} / {self.sheet}"


_HEADER_SEARCH_ROWS = 30
_UNIT_CELL = re.compile(
    r"^[(（\[]?(单位[:：]?)?(元|元/月|元/人|万元|人|户|个|名|次|天|岁|%|㎡|平方米)[)）\]]?$"
)
# A total row, or a signature line under the table (填表人：…).
_TOTAL_ROW = (
    r"^\s*(合\s*计|总\s*计|小\s*计|共\s*计|累\s*计"
    r"|填表人|制表人|审核人|填报人|负责人|填报单位|制表日期|填报日期|说明[:：]|注[:：])"
)


@dataclass
class _Header:
    first: int  # index in the grid of the header row (the upper one of two)
    row: int  # index in the grid of the last header row
    format: LedgerFormat
    columns: dict[int, str]  # grid column index -> column name
    texts: list[str | None]  # every grid column's header as written


def _find_header(rows: list[tuple[str | None, ...]]) -> _Header | None:
    """The header row: the row whose cells name the most columns of one format.

    A second header row under the first (group headers merged over sub-headers) is combined
    with it when that names more columns.
    """
    best: tuple[int, int, _Header] | None = None
    # Each cell's key once, not once per format and candidate row.
    keys: dict[str, tuple[str, str]] = {}
    for row in rows[: _HEADER_SEARCH_ROWS + 1]:
        for text in row:
            if text is not None and text not in keys:
                key = header_key(text)
                keys[text] = (key, _without_brackets(key))
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        candidates = [(i, list(row))]
        if i + 1 < len(rows):
            below = rows[i + 1]
            candidates.append(
                (i + 1, [b if b is not None else a for a, b in zip(row, below, strict=False)])
            )
        for last, texts in candidates:
            for fmt in TABLE_FORMATS:
                columns: dict[int, str] = {}
                for j, text in enumerate(texts):
                    name = None if text is None else fmt.match_keys(*keys[text])
                    if name is not None and name not in columns.values():
                        columns[j] = name
                found = set(columns.values())
                if len(found & set(fmt.signature)) < fmt.min_signature or len(found) < 2:
                    continue
                score = (len(found), len(found & set(fmt.signature)))
                if best is None or score > best[:2]:
                    best = (*score, _Header(i, last, fmt, columns, texts))
    return best[2] if best else None


def _unit_row(cells: tuple[str | None, ...]) -> bool:
    """A row of units (元, 人, %) or of column numbers (1, 2, 3, …) under the header."""
    values = [c.strip() for c in cells if c is not None and c.strip()]
    if not values:
        return False
    if all(_UNIT_CELL.match(v) for v in values):
        return True
    return len(values) >= 3 and values == [str(k) for k in range(1, len(values) + 1)]


def _dedupe(texts: list[str | None]) -> list[str]:
    """Unique column names for the frame of cells as written: blank headers get 列N."""
    names: list[str] = []
    for j, text in enumerate(texts):
        name = (text or "").strip() or f"列{j + 1}"
        while name in names or name == RAW_ROW:
            name += "_"
        names.append(name)
    return names


def _duplicate_columns(file: Path, sheet: str | None, header: _Header) -> list[LedgerIssue]:
    """A warning for each column that names a column already taken by one to its left."""
    taken = {name: j for j, name in header.columns.items()}
    issues = []
    for j, text in enumerate(header.texts):
        name = header.format.match(text)
        if name is not None and taken[name] != j:
            first = header.texts[taken[name]]
            issues.append(
                LedgerIssue(
                    file.name,
                    sheet,
                    None,
                    text,
                    None,
                    f"与前面的“{first}”列是同一项，已忽略本列",
                    f"names the same column as {first!r} to its left: ignored",
                    "warning",
                )
            )
    return issues


def sheet_from_grid(
    grid: pl.DataFrame,
    *,
    file: Path,
    sheet: str | None,
    first_row: int = 1,
    above: tuple[str, ...] = (),
) -> Sheet | None:
    """Recognise one grid of cells (all text; grid row 0 is Excel row `first_row`).

    `above` holds title texts cut off above the grid. None when no row names a known format.
    """
    grid = grid.select(pl.all().cast(pl.String))
    head = grid.head(_HEADER_SEARCH_ROWS + 3).rows()
    header = _find_header(head)
    if header is None:
        return None
    fmt = header.format
    start = header.row + 1
    for cells in head[start : start + 2]:
        if not _unit_row(cells):
            break
        start += 1
    body = grid.slice(start)
    rows = pl.int_range(first_row + start, first_row + start + body.height, dtype=pl.Int64)
    names = _dedupe(header.texts)
    raw = body.rename(dict(zip(grid.columns, names, strict=True))).select(
        rows.alias(RAW_ROW), *names
    )
    data = clean_frame(
        pl.DataFrame([body.to_series(j).alias(name) for j, name in header.columns.items()])
    ).select(rows.alias(ROW), pl.all())
    # A 合计 or signature row holds its word in its first filled cell, among the first columns.
    first_filled = pl.coalesce(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in body.columns[:4]
    )
    total = body.select(first_filled.str.contains(_TOTAL_ROW).fill_null(False)).to_series()
    blank = data.select(pl.all_horizontal(pl.exclude(ROW).is_null())).to_series()
    keep = ~(total | blank)
    if not keep.all():
        data, raw = data.filter(keep), raw.filter(keep)
    rows_read = grid.height - (header.row + 1)
    titles = [c for r in head[: header.first] for c in r if c]
    return Sheet(
        file=file,
        sheet=sheet,
        format=fmt,
        data=data,
        raw=raw,
        headers={name: names[j] for j, name in header.columns.items()},
        grid_columns={name: grid.columns[j] for j, name in header.columns.items()},
        title_month=month_in_title([*above, *titles, *([sheet] if sheet else [])]),
        rows_read=rows_read,
        skipped=rows_read - int(keep.sum()),
        issues=_duplicate_columns(file, sheet, header),
    )


# --- files ------------------------------------------------------------------------------------


def _unreadable(path: Path, exc: Exception | str) -> LedgerIssue:
    # A reader's own message can run to a traceback-like page: its first line says enough.
    text = exc if isinstance(exc, str) else f"{exc.__class__.__name__}: {exc}"
    detail = text.strip().splitlines()[0] if text.strip() else text
    return LedgerIssue.whole(
        path.name,
        None,
        f"无法读取文件（{detail}）：请确认它是 .xlsx、.xls、.csv 或 .geojson 文件且未损坏",
        f"cannot read the file ({detail}): is it an undamaged .xlsx, .xls, .csv or .geojson file?",
    )


def _unrecognised(path: Path, sheet: str | None, severity: Severity) -> LedgerIssue:
    names = "、".join(f.title_zh for f in TABLE_FORMATS)
    return LedgerIssue.whole(
        path.name,
        sheet,
        f"未识别的表格：前 {_HEADER_SEARCH_ROWS} 行中找不到表头（可导入：{names}）"
        + ("，已跳过" if severity == "warning" else ""),
        f"not a known ledger: no header row in the first {_HEADER_SEARCH_ROWS} rows"
        + (", skipped" if severity == "warning" else ""),
        severity,
    )


def _excel_grids(path: Path) -> list[tuple[str, pl.DataFrame]]:
    """Every sheet of a workbook as a grid of text cells (run in the reading child)."""
    reader = fastexcel.read_excel(path)
    grids = []
    for name in reader.sheet_names:
        sandbox.progress(name)  # a reader that dies here is said to have died on this sheet
        # header_row=None with skip_rows=0 keeps the leading empty rows, so that grid row i is
        # Excel row i + 1 (checked for xlsx and xls, with merged and empty rows on top).
        grid = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        grids.append((name, grid))
    return grids


def read_excel(
    path: Path, grids: list[tuple[str, pl.DataFrame]] | None = None
) -> tuple[list[Sheet], list[LedgerIssue]]:
    """Every sheet of a workbook that holds a known format; the others are reported.

    `grids`: the workbook's sheets as read elsewhere (by the reading child of `read_ledger`).
    """
    sheets: list[Sheet] = []
    unknown: list[str] = []
    for name, grid in _excel_grids(path) if grids is None else grids:
        found = sheet_from_grid(grid, file=path, sheet=name) if grid.width else None
        if found is None:
            if grid.width:
                unknown.append(name)
            continue
        sheets.append(found)
    severity: Severity = "warning" if sheets else "error"
    issues = [_unrecognised(path, name, severity) for name in unknown]
    if not sheets and not unknown:
        issues.append(_unreadable(path, "工作簿是空的 / the workbook is empty"))
    return sheets, issues


def stored_as_numbers(sheet: Sheet, column: str) -> pl.Series:
    """For each data row of an Excel sheet: whether the cell of `column` is a number cell.

    Reading makes every cell text, so this reads the column again (the whole sheet is parsed
    once more: call it only when a value looks like it went through a number cell). Loaded as
    booleans, a number cell gives a value and a text cell gives null.
    """
    # In a child, as every read of a workbook (see `read_ledger`); should it fail, no cell is
    # said to be a number cell, which only leaves a hint out of the messages.
    cells = sandbox.run_limited(_number_cells, sheet.file, sheet.sheet, sheet.grid_columns[column])
    if isinstance(cells, sandbox.Failed):
        return pl.Series([False] * sheet.data.height, dtype=pl.Boolean)
    return cells.gather(sheet.data[ROW] - 1).is_not_null()


def _number_cells(file: Path, sheet: str, column: str) -> pl.Series:
    reader = fastexcel.read_excel(file)
    return (
        reader.load_sheet(
            sheet, header_row=None, skip_rows=0, use_columns=[column], dtypes="boolean"
        )
        .to_polars()
        .to_series()
    )


_SNIFF_BYTES = 1 << 16


def _csv_encoding(data: bytes) -> str:
    """UTF-8 when the start of the file decodes as UTF-8, else GB18030 (a superset of GBK)."""
    head = data[:_SNIFF_BYTES]
    cut = head.rfind(b"\n")
    try:
        (head[: cut + 1] if cut > 0 and len(data) > _SNIFF_BYTES else head).decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _from_gb18030(data: bytes) -> bytes:
    return data.decode("gb18030", errors="replace").encode("utf-8")


def read_csv(path: Path) -> tuple[list[Sheet], list[LedgerIssue]]:
    """A CSV file in UTF-8, UTF-8 with BOM, GBK or GB18030, title rows above the header allowed."""
    return _csv_sheet(path, _csv_grid(path))


_CsvGrid = tuple[pl.DataFrame, int, tuple[str, ...]] | None  # grid, rows skipped, texts above


def _csv_sheet(path: Path, found: _CsvGrid) -> tuple[list[Sheet], list[LedgerIssue]]:
    if found is None:
        return [], [_unrecognised(path, None, "error")]
    grid, skip, above = found
    sheet = sheet_from_grid(grid, file=path, sheet=None, first_row=skip + 1, above=above)
    if sheet is None:
        return [], [_unrecognised(path, None, "error")]
    return [sheet], []


def _csv_grid(path: Path) -> _CsvGrid:
    """The CSV's cells from its header row on (run in the reading child); None without one."""
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    data = raw if _csv_encoding(raw) == "utf-8" else _from_gb18030(raw)
    head_text = data[:_SNIFF_BYTES].decode("utf-8", errors="ignore")
    separator = "\t" if head_text.count("\t") > head_text.count(",") else ","
    lines = head_text.splitlines()[: _HEADER_SEARCH_ROWS + 3]
    head = [
        tuple(c if c.strip() else None for c in r)
        for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)
    ]
    header = _find_header(head)
    if header is None:
        return None
    # Parse from the (first) header row on: title rows above it have fewer fields, and polars
    # takes the field count from the first row. Blank lines stay as empty rows, so grid row i
    # is spreadsheet row skip + i + 1.
    skip = header.first
    options = {
        "has_header": False,
        "skip_rows": skip,
        "infer_schema": False,
        "separator": separator,
        "truncate_ragged_lines": True,
    }
    try:
        grid = pl.read_csv(data, **options)
    except pl.exceptions.ComputeError:  # GBK after a start that was plain ASCII
        grid = pl.read_csv(_from_gb18030(raw), **options)
    return grid, skip, tuple(c for r in head[:skip] for c in r if c)


# The feature property that names the township, in order of preference: GeoJSON's usual `name`,
# Chinese headers, and the field names of Chinese GIS layers (XZQMC: 行政区名称, as in the land
# survey's XZQ layer). Matched like ledger headers: any case, full- or half-width.
NAME_PROPERTIES = (
    "name",
    "乡镇",
    "乡镇名称",
    "乡镇名",
    "乡镇(街道)",
    "乡镇街道",
    "街道",
    "township",
    "town",
    "XZQMC",
    "XZMC",
    "名称",
    "MC",
)
BOUNDARY_TYPES = ("Polygon", "MultiPolygon")
_NAMES_ZH = "、".join(NAME_PROPERTIES[:4] + ("XZQMC",))


def _boundary_file_error(path: Path) -> LedgerIssue:
    return LedgerIssue.whole(
        path.name,
        None,
        "不是乡镇边界文件：应为 GeoJSON FeatureCollection，每个要素的 properties 写乡镇名"
        f"（{_NAMES_ZH} 等属性之一），geometry 为 Polygon 或 MultiPolygon",
        "not a boundary file: a GeoJSON FeatureCollection is expected, each feature naming its "
        "township in its properties (name, 乡镇, XZQMC, …) with a Polygon or MultiPolygon geometry",
    )


def _name_property(features: list[dict]) -> str | None:
    """The property, as the file spells it, that names the townships: the first of
    NAME_PROPERTIES that some feature fills."""
    rank = {header_key(p): i for i, p in enumerate(NAME_PROPERTIES)}
    found: dict[str, int] = {}
    for feature in features:
        props = feature.get("properties")
        if not isinstance(props, dict):
            continue
        for key, value in props.items():
            place = rank.get(header_key(key))
            if place is not None and value not in (None, "") and key not in found:
                found[key] = place
    return min(found, key=found.__getitem__) if found else None


def _first_position(geometry: dict) -> str | None:
    """The geometry's first position as written, for messages: `[106.2, 27.5]`."""
    value = geometry.get("coordinates")
    while isinstance(value, list) and value and isinstance(value[0], list):
        value = value[0]
    if not isinstance(value, list) or not value:
        return None
    return json.dumps(value, ensure_ascii=False)


def _is_position(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in value)
    )


def boundary_problem(geometry: dict) -> tuple[str, str, str] | None:
    """What keeps a GeoJSON geometry from being a township boundary: ("type" or "coordinates",
    zh, en), or None. A boundary is a Polygon or MultiPolygon of rings of [lon, lat] positions
    (RFC 7946); positions beyond ±180/±90 are projected coordinates or lon and lat swapped."""
    kind = geometry.get("type")
    if kind not in BOUNDARY_TYPES:
        return (
            "type",
            "不是面：乡镇边界的 geometry 应为 Polygon 或 MultiPolygon",
            "not an area: a township boundary is a Polygon or MultiPolygon",
        )
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    rings = (
        [ring for polygon in polygons if isinstance(polygon, list) for ring in polygon]
        if isinstance(polygons, list)
        else []
    )
    well_formed = (
        bool(rings)
        and all(isinstance(p, list) and p for p in polygons)
        and all(isinstance(r, list) and len(r) >= 3 and all(map(_is_position, r)) for r in rings)
    )
    if not well_formed:
        return (
            "coordinates",
            "坐标格式不对：每个面应由若干个 [经度, 纬度] 组成的环构成",
            "malformed coordinates: each polygon is a list of rings of [lon, lat] positions",
        )
    for ring in rings:
        for lon, lat, *_ in ring:
            if math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90:
                continue
            where = f"[{lon:g}, {lat:g}]"
            if max(abs(lon), abs(lat)) > 1000:
                hint_zh = (
                    "这多半是投影坐标（单位米，如 CGCS2000 高斯-克吕格）：请在 GIS 软件中另存为"
                    "经纬度（WGS84 或 CGCS2000 地理坐标，EPSG:4326 或 4490）"
                )
                hint_en = (
                    "these look like projected coordinates in metres (e.g. CGCS2000 "
                    "Gauss-Krüger): export the layer in lon/lat (EPSG:4326 or 4490)"
                )
            elif abs(lon) <= 90 and abs(lat) <= 180:
                hint_zh, hint_en = "经纬度是否写反了？应为 [经度, 纬度]", "lat and lon swapped?"
            else:
                hint_zh, hint_en = "请核对", "check the file"
            return (
                "coordinates",
                f"坐标 {where} 不是经纬度（经度应在 ±180、纬度在 ±90 以内）：{hint_zh}",
                f"{where} is not a lon/lat position (lon within ±180, lat within ±90): {hint_en}",
            )
    return None


# Bounds of a boundary file. A county's townships from DataV: tens of features, a few thousand
# positions each; a province's: about 1,500 features and a few million positions. A GeoJSON is
# nested 8 levels deep (collection, features, feature, geometry, coordinates, polygon, ring,
# position); properties add a few.
MAX_GEOJSON_BYTES = 200 << 20
MAX_FEATURES = 10_000
MAX_POSITIONS = 10_000_000
MAX_DEPTH = 32


def _too_much(path: Path, what_zh: str, what_en: str) -> LedgerIssue:
    return LedgerIssue.whole(
        path.name,
        None,
        f"{what_zh}，超出边界文件的上限（{MAX_GEOJSON_BYTES >> 20} MiB、{MAX_FEATURES:,} 个要素、"
        f"{MAX_POSITIONS:,} 个坐标点），未导入：请只导出本县的乡镇边界，"
        "或在 GIS 软件中简化后再导入",
        f"{what_en}, beyond what a boundary file may hold ({MAX_GEOJSON_BYTES >> 20} MiB, "
        f"{MAX_FEATURES:,} features, {MAX_POSITIONS:,} positions): not imported. Export only "
        "the county's townships, or simplify them in a GIS, and import again",
    )


def _too_deep(path: Path) -> LedgerIssue:
    return LedgerIssue.whole(
        path.name,
        None,
        f"JSON 嵌套超过 {MAX_DEPTH} 层，不是乡镇边界文件，未导入（GeoJSON 的边界只有 8 层左右）",
        f"the JSON is nested deeper than {MAX_DEPTH} levels: no boundary file, not imported "
        "(a GeoJSON boundary is about 8 levels deep)",
    )


def _geojson_bounds(path: Path, doc: object) -> LedgerIssue | None:
    """Why a parsed JSON document is too deep or too big for a boundary file, or None. Walked
    with a stack, not recursion: depth is what is being checked."""
    positions = 0
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _too_deep(path)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif value and isinstance(value[0], int | float):
            positions += 1  # a position: its numbers need no visit
            if positions > MAX_POSITIONS:
                return _too_much(path, "坐标点太多", "too many positions")
        else:
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    features = doc.get("features") if isinstance(doc, dict) else None
    if isinstance(features, list) and len(features) > MAX_FEATURES:
        count = f"{len(features):,}"
        return _too_much(path, f"文件有 {count} 个要素", f"the file holds {count} features")
    return None


def read_geojson(path: Path) -> tuple[list[Sheet], list[LedgerIssue]]:
    """Township boundaries: a FeatureCollection whose features name a township in their
    properties (`name`, or another of NAME_PROPERTIES) and carry its geometry.

    UTF-8 (with or without BOM), else GB18030. A feature without a geometry is reported as a
    warning, never dropped silently; checking the geometry is the importer's job
    (`boundary_problem`).
    """
    size = path.stat().st_size
    if size > MAX_GEOJSON_BYTES:
        mib = f"{size / 2**20:,.0f} MiB"
        return [], [_too_much(path, f"文件有 {mib}", f"the file holds {mib}")]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [_unreadable(path, f"JSON: {exc}")]
    except RecursionError:  # the decoder recurses per level: [[[[…]]]] 100,000 deep
        return [], [_too_deep(path)]
    del data, text
    problem = _geojson_bounds(path, doc)
    if problem is not None:
        return [], [problem]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [], [_boundary_file_error(path)]
    features = doc.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        return [], [_boundary_file_error(path)]
    key = _name_property(features)
    name_header = f"properties.{key or NAME_PROPERTIES[0]}"
    rows: dict[str, list] = {ROW: [], "township": [], "boundary": []}
    raw: dict[str, list] = {"geometry.type": [], "geometry.coordinates": []}
    issues = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties")
        name = props.get(key) if isinstance(props, dict) and key else None
        name = None if name is None else str(name)
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or "type" not in geometry:
            issues.append(
                LedgerIssue(
                    path.name,
                    None,
                    number,
                    name_header,
                    name,
                    "没有边界（geometry 为空），未导入",
                    "has no geometry: not imported",
                    "warning",
                )
            )
            continue
        rows[ROW].append(number)
        rows["township"].append(name)
        rows["boundary"].append(json.dumps(geometry, ensure_ascii=False, separators=(",", ":")))
        raw["geometry.type"].append(str(geometry["type"]))
        raw["geometry.coordinates"].append(_first_position(geometry))
    frame = pl.DataFrame(rows, schema={ROW: pl.Int64, "township": pl.String, "boundary": pl.String})
    written = frame.select(
        pl.col(ROW).alias(RAW_ROW), pl.col("township").alias(name_header)
    ).with_columns(pl.Series(k, v, dtype=pl.String) for k, v in raw.items())
    sheet = Sheet(
        file=path,
        sheet=None,
        format=BOUNDARIES,
        data=frame.with_columns(clean_text(frame["township"])),
        raw=written,
        headers={
            "township": name_header,
            "boundary": "geometry",
            "type": "geometry.type",
            "coordinates": "geometry.coordinates",
        },
        rows_read=len(features),
        skipped=len(features) - frame.height,
        issues=issues,
    )
    return [sheet], []


def _reader(path: Path) -> Callable[[Path], tuple[list[Sheet], list[LedgerIssue]]] | None:
    readers = dict.fromkeys(EXCEL_SUFFIXES, read_excel)
    readers |= {".csv": read_csv, ".txt": read_csv, ".geojson": read_geojson, ".json": read_geojson}
    return readers.get(path.suffix.lower())


def read_ledger(path: Path) -> tuple[list[Sheet], list[LedgerIssue]]:
    """Read one file: every recognised sheet, and what could not be read or recognised.

    Every file is untrusted: a workbook whose declared size is out of bounds is refused before
    it is read (`workbook_problem`), and every file is read in a child process with a memory
    and a time limit (`data.sandbox`), so that no file, of any shape, can take the server down:
    a reader that runs out of either becomes a refusal of the file.
    """
    path = Path(path)
    if _reader(path) is None:
        suffix = path.suffix.lower()
        return [], [_unreadable(path, f"不支持的文件类型 {suffix or '(无扩展名)'}")]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        problem = workbook_problem(path)
        if problem is not None:
            return [], [problem]
    # The child reads the cells; finding the header and cleaning stay here. The grids come
    # back as Arrow IPC (LZ4): a pickled frame took 3 times as long for a county's month.
    result = sandbox.run_limited(_read_in_child, path)
    if isinstance(result, sandbox.Failed):
        return [], [_read_failed(path, result)]
    if isinstance(result, LedgerIssue):
        return [], [result]
    kind, found = result
    try:
        if kind == "excel":
            return read_excel(path, [(name, _from_ipc(grid)) for name, grid in found])
        if kind == "csv":
            grid = None if found is None else (_from_ipc(found[0]), *found[1:])
            return _csv_sheet(path, grid)
    except pl.exceptions.PolarsError as exc:
        return [], [_unreadable(path, exc)]
    sheets, issues = found
    for sheet in sheets:  # the module's own formats again, not the child's copies
        sheet.format = FORMATS[sheet.format.name]
    return sheets, issues


def _to_ipc(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="lz4")
    return buffer.getvalue()


def _from_ipc(data: bytes) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(data))


def _read_in_child(path: Path) -> tuple[str, object] | LedgerIssue:
    """What the reading child does: the raw cells of a workbook or CSV, a GeoJSON's sheet, or
    why the file cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            return "excel", [(name, _to_ipc(grid)) for name, grid in _excel_grids(path)]
        if suffix in (".csv", ".txt"):
            found = _csv_grid(path)
            return "csv", None if found is None else (_to_ipc(found[0]), *found[1:])
        return "geojson", read_geojson(path)
    except (OSError, fastexcel.FastExcelError, pl.exceptions.PolarsError, csv.Error) as exc:
        return _unreadable(path, exc)


def read_unguarded(path: Path) -> tuple[list[Sheet], list[LedgerIssue]]:
    """`read_ledger` in this process, without its limits (for measuring what the child costs)."""
    path = Path(path)
    reader = _reader(path)
    if reader is None:
        return [], [_unreadable(path, f"不支持的文件类型 {path.suffix.lower() or '(无扩展名)'}")]
    try:
        return reader(path)
    except (OSError, fastexcel.FastExcelError, pl.exceptions.PolarsError, csv.Error) as exc:
        return [], [_unreadable(path, exc)]


# --- limits of what is read -------------------------------------------------------------------

# A sheet's cells, as the reader holds them all at once: the span from its first to its last
# cell, empty cells included. Excel's own limit of rows; a ledger has tens of columns; a
# county's month is 100,000 rows × 25 columns, 2.5 million cells.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000
MAX_CELLS = 40_000_000
MAX_UNPACKED = 2 << 30  # bytes of a workbook's parts once unzipped (a 1,048,576-row sheet: 0.8 GiB)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_CELL_ATTR = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _span(ref: str) -> tuple[int, int, int, int] | None:
    """`B2:XFD1048576` -> (first row, first column, last row, last column), 1-based."""
    corners = [_CELL_REF.match(part.strip()) for part in ref.split(":")]
    if not corners or len(corners) > 2 or not all(corners):
        return None
    (c1, r1), (c2, r2) = ((m[1], m[2]) for m in (corners[0], corners[-1]))
    rows = sorted((int(r1), int(r2)))
    columns = sorted((_column_number(c1), _column_number(c2)))
    return rows[0], columns[0], rows[1], columns[1]


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> the sheet's name, from the workbook and its relationships (the part's
    own name where they do not say)."""
    names: dict[str, str] = {}
    try:
        workbook = book.read("xl/workbook.xml")[: 1 << 20].decode("utf-8", "replace")
        rels = book.read("xl/_rels/workbook.xml.rels")[: 1 << 20].decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError):
        return names
    targets = {
        m["id"]: m["target"].lstrip("/").removeprefix("xl/")
        for m in re.finditer(
            r'<Relationship\b(?=[^>]*\bId="(?P<id>[^"]+)")(?=[^>]*\bTarget="(?P<target>[^"]+)")',
            rels,
        )
    }
    for m in re.finditer(
        r'<(?:\w+:)?sheet\b(?=[^>]*\bname="(?P<name>[^"]*)")(?=[^>]*\br:id="(?P<id>[^"]+)")',
        workbook,
    ):
        target = targets.get(m["id"])
        if target:
            names["xl/" + target] = _xml_text(m["name"])
    return names


def _xml_text(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _too_big(path: Path, sheet: str | None, ref: str, span: tuple[int, ...]) -> LedgerIssue:
    first_row, first_col, last_row, last_col = span
    rows, columns = last_row - first_row + 1, last_col - first_col + 1
    return LedgerIssue.whole(
        path.name,
        sheet,
        f"工作表的范围 {ref} 有 {rows:,} 行 × {columns:,} 列（{rows * columns:,} 个单元格），"
        f"超出可读取的上限（{MAX_ROWS:,} 行、{MAX_COLUMNS:,} 列、共 {MAX_CELLS:,} 个单元格），"
        "未导入：请删除远处多余的单元格（在 Excel 中按 Ctrl+End 可跳到最后一个单元格），"
        "或把表格拆成几个文件",
        f"the sheet spans {ref}: {rows:,} rows × {columns:,} columns ({rows * columns:,} cells), "
        f"beyond what can be read ({MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns, "
        f"{MAX_CELLS:,} cells): not imported. Delete the stray far cells (Ctrl+End in Excel "
        "jumps to the last one) or split the table into several files",
    )


def _out_of_bounds(span: tuple[int, int, int, int]) -> bool:
    first_row, first_col, last_row, last_col = span
    rows, columns = last_row - first_row + 1, last_col - first_col + 1
    return rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS


def workbook_problem(path: Path) -> LedgerIssue | None:
    """Why an .xlsx must not be read, judged from its zip directory and each sheet's declared
    dimension (the first bytes of the sheet: cheap), or None. A sheet that lies about its
    dimension gets past this; the reading child's memory limit stops it (`read_ledger`)."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip: the reader says what it is
    with book:
        unpacked = sum(info.file_size for info in book.infolist())
        if unpacked > MAX_UNPACKED:
            return LedgerIssue.whole(
                path.name,
                None,
                f"工作簿解压后有 {unpacked / 2**30:.1f} GiB，超出可读取的上限 "
                f"{MAX_UNPACKED / 2**30:.0f} GiB，未导入：请把表格拆成几个文件",
                f"the workbook unpacks to {unpacked / 2**30:.1f} GiB, beyond the "
                f"{MAX_UNPACKED / 2**30:.0f} GiB that can be read: not imported; split it",
            )
        names = _sheet_parts(book)
        for info in book.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                with book.open(info) as part:
                    head = part.read(1 << 16)
            except (OSError, zipfile.BadZipFile, RuntimeError, EOFError):
                return None  # damaged: the reader says so
            found = _DIMENSION.search(head)
            span = _span(found[1].decode("ascii", "replace")) if found else None
            if span is not None and _out_of_bounds(span):
                ref = found[1].decode("ascii", "replace")
                return _too_big(path, names.get(info.filename), ref, span)
    return None


def _cells_span(path: Path, sheet: str | None) -> tuple[str, tuple[int, int, int, int]] | None:
    """The span of the cells a sheet (every sheet, when None) really holds, by scanning its
    cell references: what a workbook that lies about its dimension asked the reader for. Only
    run after a reader failed: it reads the whole sheet."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    with book:
        names = _sheet_parts(book)
        parts = [n for n, s in names.items() if sheet is None or s == sheet] or [
            i.filename
            for i in book.infolist()
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
        ]
        best = None
        for part in parts:
            low_row = low_col = 1 << 30
            high_row = high_col = 0
            tail = b""
            try:
                with book.open(part) as stream:
                    while chunk := stream.read(1 << 22):
                        buffer = tail + chunk
                        for letters, digits in _CELL_ATTR.findall(buffer):
                            row, col = int(digits), _column_number(letters.decode())
                            low_row, high_row = min(low_row, row), max(high_row, row)
                            low_col, high_col = min(low_col, col), max(high_col, col)
                        tail = buffer[-256:]
            except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, EOFError):
                continue
            if not high_row:
                continue
            span = (low_row, low_col, high_row, high_col)
            area = (high_row - low_row + 1) * (high_col - low_col + 1)
            if best is None or area > (best[1][2] - best[1][0] + 1) * (best[1][3] - best[1][1] + 1):
                ref = f"{_column_letters(low_col)}{low_row}:{_column_letters(high_col)}{high_row}"
                best = (ref, span)
        return best


def _read_failed(path: Path, failed: sandbox.Failed) -> LedgerIssue:
    """A reading child that ran out of memory or time, or died: the file refused, saying why."""
    sheet = failed.step
    if failed.kind == "time":
        seconds = sandbox.time_limit()
        return LedgerIssue.whole(
            path.name,
            sheet,
            f"读取超过 {seconds:g} 秒仍未完成，已停止，未导入：文件过大或结构异常，"
            "请检查文件或拆成几个文件再导入",
            f"reading took longer than {seconds:g} s and was stopped: not imported. The file is "
            "too large or malformed; check it or split it",
        )
    if failed.kind == "memory":
        limit = sandbox.memory_limit() // sandbox.MIB
        found = _cells_span(path, sheet) if path.suffix.lower() in (".xlsx", ".xlsm") else None
        if found is not None and _out_of_bounds(found[1]):
            issue = _too_big(path, sheet, *found)
            issue.reason_zh = f"读取所需内存超过上限（{limit:,} MiB）：" + issue.reason_zh
            issue.reason_en = f"reading needs more than {limit:,} MiB: " + issue.reason_en
            return issue
        return LedgerIssue.whole(
            path.name,
            sheet,
            f"读取所需内存超过上限（{limit:,} MiB），未导入：表格过大，或其单元格分布在极大的"
            "范围内；请删除远处多余的单元格（Excel 中按 Ctrl+End 可跳到最后一个单元格），"
            "或把表格拆成几个文件",
            f"reading needs more memory than the {limit:,} MiB allowed: not imported. The table is "
            "too large or its cells lie far apart; delete stray far cells (Ctrl+End in Excel) or "
            "split the table into several files",
        )
    issue = _unreadable(path, failed.detail)
    issue.sheet = sheet
    return issue
