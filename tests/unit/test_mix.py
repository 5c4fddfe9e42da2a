"""The employment-type mix of the employed, and Shaanxi's three-way split of migrant work."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA
from analytics.domain import EMPLOYMENT_TYPES, MIGRANT_TYPES
from analytics.mix import MIX_SCHEMA, employment_mix, migrant_split

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, WEAK, NONE = "有劳动能力", "弱劳动力", "无劳动能力"
E, U = "已就业", "未就业"
OUT, INPROV, COUNTY, POST, WORKSHOP, HOME, SELF, FLEX = EMPLOYMENT_TYPES
T1, T2 = "岩孔街道", "西洛街道"


def person(employment_type: str | None, status: str = E, **columns: Any) -> dict[str, Any]:
    return {
        "month": JUNE,
        "township": T1,
        "household": "h1",
        "capacity": ABLE,
        "status": status,
        "employment_type": employment_type,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def mix(groups: dict[str, pl.DataType], counts: dict[tuple, dict[str, int]]) -> pl.DataFrame:
    """Expected rows: for each group key, all eight types; `counts` holds the non-zero ones.

    Shares divide by the group's employed, given under the key "employed"."""
    rows = []
    for key, of_type in counts.items():
        employed = of_type.get("employed", sum(of_type.values()))
        for kind in EMPLOYMENT_TYPES:
            n = of_type.get(kind, 0)
            rows.append((*key, kind, n, n / employed if employed else None))
    return pl.DataFrame(rows, schema={**groups, **MIX_SCHEMA}, orient="row")


@pytest.mark.parametrize(
    ("rows", "by", "expected"),
    [
        pytest.param(
            [person(OUT), person(OUT), person(POST), person(FLEX, capacity=WEAK)],
            [],
            mix({}, {(): {OUT: 2, POST: 1, FLEX: 1}}),
            id="all eight types in order, zeros included",
        ),
        pytest.param(
            [
                person(OUT),
                person(OUT, status=U),  # a type on an unemployed row is stale: not counted
                person(HOME, capacity=NONE),  # not labour force
                person(SELF, status="退休"),
                person(OUT, month=MAY),
            ],
            [],
            mix({}, {(): {OUT: 1}}),
            id="only employed labour-force members of the month",
        ),
        pytest.param(
            [person(OUT), person(None), person("打零工")],
            [],
            mix({}, {(): {OUT: 1, "employed": 3}}),
            id="employed without a known type stay in the share's denominator",
        ),
        pytest.param(
            [person(None, status=U), person(WORKSHOP, capacity=NONE)],
            [],
            mix({}, {(): {}}),
            id="nobody employed: zeros and null shares",
        ),
        pytest.param([], [], mix({}, {(): {}}), id="empty frame: the eight types"),
        pytest.param(
            [
                person(OUT, township=T2),
                person(WORKSHOP, township=T2),
                person(None, status=U),
                person(HOME, township=None),
            ],
            ["township"],
            mix(
                {"township": pl.String()},
                {(T1,): {}, (T2,): {OUT: 1, WORKSHOP: 1}, (None,): {HOME: 1}},
            ),
            id="by group: every group with a row, nulls last",
        ),
        pytest.param([], ["township"], mix({"township": pl.String()}, {}), id="empty by group"),
    ],
)
def test_employment_mix(rows: list[dict], by: list[str], expected: pl.DataFrame) -> None:
    result = employment_mix(labour(*rows), JUNE, by)

    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (None, mix({}, {(): {POST: 1}})),
        (date(2024, 5, 9), mix({}, {(): {OUT: 1}})),
        (date(2024, 4, 1), mix({}, {(): {}})),
    ],
)
def test_employment_mix_month(month: date | None, expected: pl.DataFrame) -> None:
    rows = labour(person(POST), person(OUT, month=MAY))

    result = employment_mix(rows, month)

    assert_frame_equal(result, expected)


def split(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=MIX_SCHEMA, orient="row")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [person(OUT), person(INPROV), person(COUNTY), person(COUNTY), person(POST)],
            split((OUT, 1, 0.25), (INPROV, 1, 0.25), (COUNTY, 2, 0.5)),
            id="share of the three together",
        ),
        pytest.param(
            [person(POST), person(WORKSHOP), person(OUT, status=U)],
            split((OUT, 0, None), (INPROV, 0, None), (COUNTY, 0, None)),
            id="no migrant work: null shares",
        ),
        pytest.param([], split(*((t, 0, None) for t in MIGRANT_TYPES)), id="empty frame"),
    ],
)
def test_migrant_split(rows: list[dict], expected: pl.DataFrame) -> None:
    result = migrant_split(labour(*rows), JUNE)

    assert_frame_equal(result, expected)
