"""ID numbers: the vectorised GB 11643 check agrees with stdnum and names every problem."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from stdnum.cn import ric

from data.ids import ID_SCHEMA, describe_problem, describe_unknown_region, validate_ids


def make_id(s17: str) -> str:
    return s17 + ric.calc_check_digit(s17 + "0")


VALID = make_id("52242419880101123")  # ends in X
VALID_WOMAN = make_id("52242419900202124")
TODAY = dt.date(2024, 6, 1)


def test_valid_ids() -> None:
    result = validate_ids(pl.Series([VALID, VALID_WOMAN, None]), today=TODAY)
    expected = pl.DataFrame(
        {
            "id_number": [VALID, VALID_WOMAN, None],
            "problem": [None, None, None],
            "unknown_region": [False, False, False],
            "birth_date": [dt.date(1988, 1, 1), dt.date(1990, 2, 2), None],
            "gender": ["男", "女", None],
        },
        schema=ID_SCHEMA,
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("written", "cleaned"),
    [
        (VALID.lower(), VALID),
        (f"  {VALID}\t", VALID),
        ("".join(chr(ord(c) + 0xFEE0) for c in VALID), VALID),  # full-width digits and Ｘ
        (VALID[:6] + " " + VALID[6:], VALID),
    ],
)
def test_tolerated_spellings(written: str, cleaned: str) -> None:
    result = validate_ids(pl.Series([written]), today=TODAY)
    assert result.select("id_number", "problem").row(0) == (cleaned, None)


@pytest.mark.parametrize(
    ("value", "problem", "reason"),
    [
        ("52242419880101123", "length", "位数不对：应为 18 位，实为 17 位"),
        (VALID + "1", "length", "位数不对：应为 18 位，实为 19 位"),
        ("52242419880101A23X", "format", "前 17 位应全为数字"),
        (VALID[:-1] + "0", "checksum", "校验位不对：最后一位与前 17 位不符"),
        (make_id("52242419880231123"), "birth_date", "出生日期不是有效日期（第 7–14 位）"),
        (make_id("52242418800101123"), "birth_date", "出生日期早于 1900 年（第 7–14 位）"),
        (make_id("52242420250101123"), "birth_date", "出生日期晚于今天（第 7–14 位）"),
        ("5.22424198801011E+17", "excel_number", "末几位已丢失"),
        ("522424198801011000.0", "excel_number", "末几位已丢失"),
        ("522424198801011000", "excel_number", "设置为“文本”格式"),
        ("522424198801011008", "excel_number", "设置为“文本”格式"),  # a double, read back
    ],
)
def test_problems(value: str, problem: str, reason: str) -> None:
    result = validate_ids(pl.Series([value]), today=TODAY)
    assert result.select("problem", "birth_date", "gender").row(0) == (problem, None, None)
    zh, en = describe_problem(value, problem)  # type: ignore[arg-type]
    assert reason in zh
    assert en and en.isascii()


def test_unknown_region_for_the_birth_year_is_only_flagged() -> None:
    # Jinsha's code 522424 became 520523 in 2011: stdnum rejects 522424 for later births.
    late = make_id("52242420150101123")
    result = validate_ids(pl.Series([late, VALID]), today=TODAY)
    assert result.select("problem", "unknown_region").rows() == [(None, True), (None, False)]
    zh, en = describe_unknown_region(late)
    assert zh == "地区码（前 6 位）在出生那年不存在（可能是行政区划调整），请核对"
    assert "region code (digits 1-6)" in en


@pytest.mark.parametrize(
    ("value", "problem", "hidden"),
    [
        (make_id("52242419880231123"), "birth_date", ["19880231"]),
        (make_id("52242418800101123"), "birth_date", ["18800101"]),
        (make_id("52242420250101123"), "birth_date", ["20250101"]),
        (VALID[:-1] + "0", "checksum", ["X"]),  # the check digit the first 17 call for
        (make_id("52242420150101123"), None, ["522424", "2015"]),  # region unknown in 2015
    ],
)
def test_reasons_give_back_nothing_the_mask_hides(
    value: str, problem: str | None, hidden: list[str]
) -> None:
    """Reasons stand beside the masked ID (first 4 and last 4 characters): they name the digits
    by place, never the birth date, region code, birth year or expected check digit."""
    reasons = describe_problem(value, problem) if problem else describe_unknown_region(value)  # type: ignore[arg-type]
    for reason in reasons:
        assert value not in reason and value[4:-4] not in reason
        assert not [part for part in hidden if part in reason], reason


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(["522424", "520523", "110101", "440305", "999999"]),
    birth=st.dates(dt.date(1900, 1, 1), TODAY),
    serial=st.integers(0, 999),
    check=st.sampled_from("0123456789X"),
)
def test_agrees_with_stdnum(region: str, birth: dt.date, serial: int, check: str) -> None:
    number = f"{region}{birth:%Y%m%d}{serial:03d}{check}"
    result = validate_ids(pl.Series([number]), today=TODAY).row(0, named=True)
    try:
        ric.validate(number)
        stdnum_valid, stdnum_region_ok = True, True
    except ric.InvalidComponent:
        # A valid checksum and date with a region stdnum does not know for that year.
        stdnum_valid, stdnum_region_ok = number[-1] == ric.calc_check_digit(number), False
    except ric.ValidationError:
        stdnum_valid, stdnum_region_ok = False, True
    assert (result["problem"] is None) == stdnum_valid
    assert result["unknown_region"] == (stdnum_valid and not stdnum_region_ok)
