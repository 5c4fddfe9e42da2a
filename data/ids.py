"""ID numbers (公民身份号码, GB 11643), checked a whole ledger column at a time.

The checksum, the shape and the birth date are polars expressions over the whole column (about a
second per million IDs on a small server). `stdnum.cn.ric` is the reference: it is asked only
about the few distinct (region code, birth year) pairs, and about failing rows for the reason.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal
from unicodedata import normalize

import polars as pl
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from data.ledger import fix_where, nfkc

Problem = Literal["excel_number", "length", "format", "checksum", "birth_date"]

_EARLIEST_BIRTH_YEAR = 1900

ID_SCHEMA: dict[str, pl.DataType] = {
    "id_number": pl.String(),
    "problem": pl.String(),
    "unknown_region": pl.Boolean(),
    "birth_date": pl.Date(),
    "gender": pl.String(),
}


def clean_ids(ids: pl.Series) -> pl.Series:
    """Full-width digits to ASCII, spaces removed, a lower-case check character `x` upper-cased."""
    ids = nfkc(ids.cast(pl.String))
    ids = fix_where(ids, ids.str.contains(r"\s"), lambda s: s.str.replace_all(r"\s+", ""))
    return fix_where(ids, ids.str.contains("x"), lambda s: s.str.to_uppercase())


def _excel_number(ids: pl.Expr, checksum_ok: pl.Expr) -> pl.Expr:
    """True for IDs that went through an Excel number cell and lost their last digits.

    Excel keeps 15 significant digits: the text shows as `5.22424198801011E+17`, as
    `522424198801011000.0`, or as 18 digits ending in 000; a reader that formats the stored double
    gives 18 digits that a double represents exactly (`522424198801011008`). Only IDs that also
    fail the checksum are called mangled, so a valid ID is never rejected for its looks.
    """
    scientific = ids.str.contains(r"(?i)^\d(\.\d+)?E\+?\d+$")
    decimal = ids.str.contains(r"^\d{15,18}\.\d*$")
    as_int = ids.str.to_integer(strict=False)
    exact_double = as_int.cast(pl.Float64).cast(pl.Int64, strict=False) == as_int
    digits18 = ids.str.contains(r"^\d{18}$")
    lost_digits = digits18 & ~checksum_ok & (ids.str.ends_with("000") | exact_double)
    return scientific | decimal | lost_digits.fill_null(False)


def validate_ids(
    ids: pl.Series, *, stored_as_number: pl.Series | None = None, today: dt.date | None = None
) -> pl.DataFrame:
    """Check a column of ID numbers.

    One row per input, in order: `id_number` (cleaned), `problem` (null when valid, else one of
    `Problem`), `unknown_region` (valid, but the region code did not exist in the birth year:
    a warning), `birth_date` and `gender` (男/女, null unless valid). Nulls stay null everywhere.
    `stored_as_number` marks IDs read from Excel number cells: they are `excel_number`, even
    when the digits Excel kept happen to pass the checksum.
    """
    today = today or dt.date.today()
    ident = pl.col("id_number")
    # GB 11643 as stdnum computes it: the first 17 digits read in base 13 (13 = 2 mod 11) give
    # n, and the check value is (1 - 2n) mod 11, written X for 10. The shape check keeps A-C out.
    n13 = ident.str.slice(0, 17).str.to_integer(base=13, strict=False)
    last = ident.str.slice(17, 1)
    last_value = pl.when(last == "X").then(10).otherwise(last.cast(pl.Int64, strict=False))
    shape_ok = ident.str.contains(r"^\d{17}[\dX]$")
    checksum_ok = shape_ok & (last_value == (23 - 2 * (n13 % 11)) % 11)
    birth = ident.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    birth_ok = birth.is_between(
        pl.lit(dt.date(_EARLIEST_BIRTH_YEAR, 1, 1)), pl.lit(today, dtype=pl.Date)
    )
    # Typed: an empty list would make a Null series, which `~` refuses (a header-only sheet).
    number = (
        pl.Series([False] * len(ids), dtype=pl.Boolean)
        if stored_as_number is None
        else stored_as_number
    )
    frame = pl.DataFrame({"id_number": clean_ids(ids), "_number": number}).with_columns(
        (checksum_ok & birth_ok & ~pl.col("_number")).fill_null(False).alias("_valid"),
        checksum_ok.fill_null(False).alias("_checksum_ok"),
    )
    valid = pl.col("_valid")
    # The reason is worked out for the few invalid IDs only.
    invalid = frame.filter(~valid & ident.is_not_null())
    problem = pl.Series("problem", [None] * frame.height, dtype=pl.String)
    if invalid.height:
        reasons = invalid.select(
            pl.when(pl.col("_number") | _excel_number(ident, pl.col("_checksum_ok")))
            .then(pl.lit("excel_number"))
            .when(ident.str.len_chars() != 18)
            .then(pl.lit("length"))
            .when(~ident.str.contains(r"^\d{17}[\dX]$"))
            .then(pl.lit("format"))
            .when(~pl.col("_checksum_ok"))
            .then(pl.lit("checksum"))
            .otherwise(pl.lit("birth_date"))
        ).to_series()
        problem = problem.scatter(
            frame.select((~valid & ident.is_not_null()).arg_true()).to_series(), reasons
        )
    frame = frame.select(
        ident,
        problem,
        pl.when(valid).then(birth).alias("birth_date"),
        pl.when(valid)
        .then(
            pl.when(ident.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1)
            .then(pl.lit("男"))
            .otherwise(pl.lit("女"))
        )
        .alias("gender"),
        pl.when(valid).then(ident.str.slice(0, 10)).alias("_region_year"),
    )
    # stdnum is asked once per distinct region code + birth year (a few thousand at most).
    region_year = frame.get_column("_region_year")
    unknown = [k for k in region_year.drop_nulls().unique().to_list() if not _region_known(k)]
    return (
        frame.with_columns(region_year.is_in(unknown).fill_null(False).alias("unknown_region"))
        .select(ID_SCHEMA.keys())
        .cast(ID_SCHEMA)
    )


# Every import of a county asks about the same few thousand pairs.
@lru_cache(maxsize=100_000)
def _region_known(region_year: str) -> bool:
    """Whether stdnum knows the region code (6 digits) as a county in the birth year (4 digits)."""
    try:
        ric.get_birth_place(f"{region_year}01010000")
    except stdnum_errors.InvalidComponent:
        return False
    return True


# Where the reasons point: a reason names the digits by place, never by value. Issues are shown
# beside the ID as masked (first 4 and last 4 characters kept) on the upload page and copied
# into messages; a reason that repeated the birth date (digits 7-14), the region code or the
# check digit the other 17 call for would give back what the mask hides. Whoever may see the
# full number sees it in the value beside the reason (the CLI's report, the clerk's own
# marked workbook).
_BIRTH_DIGITS_ZH, _BIRTH_DIGITS_EN = "（第 7–14 位）", " (digits 7-14)"


def describe_problem(value: str, problem: Problem) -> tuple[str, str]:
    """The reason a failing ID was rejected, in Chinese and English, without its digits."""
    cleaned = "".join(normalize("NFKC", value).split()).upper()
    if problem == "excel_number":
        return (
            "已被 Excel 存成数字，末几位已丢失：请把该列设置为“文本”格式，再重新录入身份证号",
            "stored by Excel as a number, so the last digits are lost: format the column as "
            "text and enter the ID numbers again",
        )
    try:
        ric.validate(cleaned)
    except stdnum_errors.InvalidLength:
        n = len(cleaned)
        return (f"位数不对：应为 18 位，实为 {n} 位", f"wrong length: 18 expected, got {n}")
    except stdnum_errors.InvalidFormat:
        return (
            "格式不对：前 17 位应全为数字，最后一位为数字或 X",
            "wrong format: 17 digits then a digit or X expected",
        )
    except stdnum_errors.InvalidChecksum:
        return (
            "校验位不对：最后一位与前 17 位不符（多半是录错了某一位）",
            "check digit wrong: the last character does not match the first 17 digits "
            "(probably a mistyped digit)",
        )
    except stdnum_errors.InvalidComponent:
        pass  # the birth date, or a region unknown in the birth year (a warning, not here)
    text = cleaned[6:14]
    try:
        birth = dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return (
            f"出生日期不是有效日期{_BIRTH_DIGITS_ZH}",
            f"the birth date is not a valid date{_BIRTH_DIGITS_EN}",
        )
    if birth.year < _EARLIEST_BIRTH_YEAR:
        return (
            f"出生日期早于 {_EARLIEST_BIRTH_YEAR} 年{_BIRTH_DIGITS_ZH}",
            f"the birth date lies before {_EARLIEST_BIRTH_YEAR}{_BIRTH_DIGITS_EN}",
        )
    return (
        f"出生日期晚于今天{_BIRTH_DIGITS_ZH}",
        f"the birth date lies in the future{_BIRTH_DIGITS_EN}",
    )


def describe_unknown_region(id_number: str) -> tuple[str, str]:
    """The warning for a valid ID whose region code did not exist in its birth year (neither
    named: the code's last two digits and the year are hidden by the mask)."""
    return (
        "地区码（前 6 位）在出生那年不存在（可能是行政区划调整），请核对",
        "the region code (digits 1-6) did not exist in the birth year (perhaps a boundary "
        "change): please check",
    )
