"""Monthly income against the target: the employed with a reported income, on hand-made frames.

June 2024, 光明小镇: 甲镇 has four earners (1,000 / 2,100 / 3,000 / 5,000 yuan) and one employed
person without an income; 乙镇 only an unemployed person (with an income, which does not count);
丙镇 only an employed person without an income. Quartiles interpolate linearly: of 1,000, 2,100,
3,000, 5,000 the lower quartile is 1,000 + 0.75 × 1,100 = 1,825, the median 2,550, the upper
quartile 3,000 + 0.25 × 2,000 = 3,500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA
from analytics.domain import EMPLOYMENT_TYPES
from analytics.income import (
    DISTRIBUTION_SCHEMA,
    HISTOGRAM_SCHEMA,
    INCOME_TARGET,
    PERSON_COLUMNS,
    below_target,
    income_distribution,
    income_histogram,
    without_income,
)

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, WEAK, NONE = "有劳动能力", "弱劳动力", "无劳动能力"
E, U = "已就业", "未就业"


def person(name: str, status: str, income: float | None, **columns: Any) -> dict[str, Any]:
    return {
        "month": JUNE,
        "township": "甲镇",
        "site": "光明小镇",
        "building": "1",
        "room": "101",
        "name": name,
        "id_number": f"id-{name}",
        "capacity": ABLE,
        "status": status,
        "employment_type": "县内务工" if status == E else None,
        "monthly_income": income,
        **columns,
    }


LEDGER = pl.DataFrame(
    [
        person("一千", E, 1000.0, employment_type="居家就业", building="10"),
        person("达标", E, 2100.0, capacity=WEAK),  # exactly the target: at or above it
        person("三千", E, 3000.0, building="2"),
        person("五千", E, 5000.0, employment_type="省外务工"),
        person("未填", E, None),  # employed, income blank: apart, never 0
        person("无能力", E, 9999.0, capacity=NONE),  # not labour force, so not employed
        person("失业", U, 500.0, township="乙镇"),
        person("空白", E, None, township="丙镇"),
        person("五月", E, 100.0, month=MAY),
    ],
    schema=LABOUR_SCHEMA,
)


def distribution(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    """Expected rows: group values, then earners, mean, p25, median, p75, min, max,
    at_or_above, at_or_above_share, no_income."""
    return pl.DataFrame(list(rows), schema={**groups, **DISTRIBUTION_SCHEMA}, orient="row")


EMPTY = (0, None, None, None, None, None, None, 0, None)  # earners … at_or_above_share
TOWNSHIP = {"township": pl.String()}


@pytest.mark.parametrize(
    ("by", "target", "expected"),
    [
        pytest.param(
            [],
            INCOME_TARGET,
            distribution({}, (4, 2775.0, 1825.0, 2550.0, 3500.0, 1000.0, 5000.0, 3, 0.75, 2)),
            id="county",
        ),
        pytest.param(
            [],
            3000,
            distribution({}, (4, 2775.0, 1825.0, 2550.0, 3500.0, 1000.0, 5000.0, 2, 0.5, 2)),
            id="another target",
        ),
        pytest.param(
            ["township"],
            INCOME_TARGET,
            distribution(
                TOWNSHIP,
                ("丙镇", *EMPTY, 1),  # only an employed person without income: "—", not 0 %
                ("乙镇", *EMPTY, 0),  # nobody employed
                ("甲镇", 4, 2775.0, 1825.0, 2550.0, 3500.0, 1000.0, 5000.0, 3, 0.75, 1),
            ),
            id="by township",
        ),
    ],
)
def test_income_distribution(by: list[str], target: float, expected: pl.DataFrame) -> None:
    assert_frame_equal(income_distribution(LEDGER, JUNE, by, target), expected)


def test_by_employment_type_every_type_in_order() -> None:
    result = income_distribution(LEDGER, JUNE, ["employment_type"])
    assert result.get_column("employment_type").to_list() == list(EMPLOYMENT_TYPES)
    rows = {r["employment_type"]: r for r in result.to_dicts()}
    # 县内务工: 2,100 and 3,000 (the blank ones count apart).
    assert (rows["县内务工"]["earners"], rows["县内务工"]["no_income"]) == (2, 2)
    assert rows["县内务工"]["income_median"] == 2550.0
    assert rows["居家就业"]["at_or_above_share"] == 0.0  # one earner, below: a real 0 %
    assert rows["扶贫车间"]["earners"] == 0
    assert rows["扶贫车间"]["at_or_above_share"] is None  # nobody: "—"


def test_an_empty_ledger() -> None:
    empty = LEDGER.clear()
    assert_frame_equal(income_distribution(empty, JUNE), distribution({}, (*EMPTY, 0)))
    assert_frame_equal(income_distribution(empty, JUNE, ["township"]), distribution(TOWNSHIP))
    assert income_histogram(empty, JUNE, ["township"]).columns == ["township", *HISTOGRAM_SCHEMA]
    assert below_target(empty, JUNE).columns == list(PERSON_COLUMNS)
    assert without_income(empty, JUNE).is_empty()


def bins(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema={**groups, **HISTOGRAM_SCHEMA}, orient="row")


@pytest.mark.parametrize(
    ("width", "align", "expected"),
    [
        pytest.param(
            1000,
            0,
            bins(
                {},
                (1000, 2000, 1),
                (2000, 3000, 1),
                (3000, 4000, 1),
                (4000, 5000, 0),  # empty bins stay, so bars line up
                (5000, 6000, 1),
            ),
            id="from the lowest income",
        ),
        pytest.param(
            1000,
            2100,
            bins(
                {},
                (100, 1100, 1),
                (1100, 2100, 0),
                (2100, 3100, 2),
                (3100, 4100, 0),
                (4100, 5100, 1),
            ),
            id="edges on the target",
        ),
    ],
)
def test_income_histogram(width: int, align: int, expected: pl.DataFrame) -> None:
    assert_frame_equal(income_histogram(LEDGER, JUNE, width=width, align=align), expected)


def test_histogram_groups_share_the_bins() -> None:
    result = income_histogram(LEDGER, JUNE, ["employment_type"], width=2000)
    assert result.rows() == [
        ("省外务工", 0, 2000, 0),
        ("省外务工", 2000, 4000, 0),
        ("省外务工", 4000, 6000, 1),
        ("县内务工", 0, 2000, 0),
        ("县内务工", 2000, 4000, 2),
        ("县内务工", 4000, 6000, 0),
        ("居家就业", 0, 2000, 1),
        ("居家就业", 2000, 4000, 0),
        ("居家就业", 4000, 6000, 0),
    ]


def test_below_target_lists_the_people_by_building_and_room() -> None:
    below = below_target(LEDGER, JUNE, 3500)
    assert below.columns == list(PERSON_COLUMNS)
    # "2" before "10"; the blank incomes are not below anything.
    assert below.select("building", "name", "monthly_income").rows() == [
        ("1", "达标", 2100.0),
        ("2", "三千", 3000.0),
        ("10", "一千", 1000.0),
    ]
    assert below_target(LEDGER, JUNE).get_column("name").to_list() == ["一千"]


def test_without_income_lists_the_employed_with_a_blank_income() -> None:
    assert without_income(LEDGER, JUNE).get_column("name").to_list() == ["未填", "空白"]
