"""Employment rate and household coverage: domain.md's definitions on small hand-made frames."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA
from analytics.rates import (
    RATES_SCHEMA,
    employment_rates,
    labour_force_mask,
    latest_month,
    month_end,
    previous_month,
    rates_by_month,
)

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, WEAK, DISABLED, NONE = "有劳动能力", "弱劳动力", "丧失劳动能力", "无劳动能力"
E, U = "已就业", "未就业"


def person(household: str, capacity: str, status: str, **columns: Any) -> dict[str, Any]:
    """One ledger row; place columns default to one township, site and building."""
    return {
        "month": JUNE,
        "township": "岩孔街道",
        "site": "光明小镇",
        "building": "1栋",
        "household": household,
        "capacity": capacity,
        "status": status,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def rates(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    """Expected rows: group values, then labour_force, employed, employment_rate, households,
    households_covered, household_coverage, zero_employment_households."""
    return pl.DataFrame(list(rows), schema={**groups, **RATES_SCHEMA}, orient="row")


TOWNSHIP = {"township": pl.String()}


@pytest.mark.parametrize(
    ("rows", "by", "expected"),
    [
        pytest.param(
            [
                person("h1", ABLE, E),
                person("h1", WEAK, U),
                person("h1", ABLE, "在校生"),
                person("h2", ABLE, U),
                person("h2", NONE, "退休"),
            ],
            [],
            rates({}, (3, 1, 1 / 3, 2, 1, 0.5, 1)),
            id="county total",
        ),
        pytest.param(
            [person("h1", WEAK, E), person("h2", WEAK, U)],
            [],
            rates({}, (2, 1, 0.5, 2, 1, 0.5, 1)),
            id="weak labour counts",
        ),
        pytest.param(
            [
                person("h1", ABLE, "在校生"),
                person("h1", ABLE, "服役"),
                person("h1", ABLE, "退休"),
                person("h1", ABLE, "其他"),
                person("h2", DISABLED, E),
                person("h2", NONE, U),
            ],
            [],
            rates({}, (0, 0, None, 0, 0, None, 0)),
            id="students soldiers retirees other and no capacity are not labour",
        ),
        pytest.param(
            [person("h1", ABLE, U), person("h1", WEAK, U), person("h2", ABLE, E)],
            [],
            rates({}, (3, 1, 1 / 3, 2, 1, 0.5, 1)),
            id="zero-employment household",
        ),
        pytest.param(
            [person("h1", ABLE, E), person("h1", ABLE, E), person("h1", ABLE, U)],
            [],
            rates({}, (3, 2, 2 / 3, 1, 1, 1.0, 0)),
            id="a household is covered once",
        ),
        pytest.param(
            [person("h1", ABLE, E, township="西洛街道"), person("h2", NONE, "退休")],
            ["township"],
            rates(
                TOWNSHIP,
                ("岩孔街道", 0, 0, None, 0, 0, None, 0),
                ("西洛街道", 1, 1, 1.0, 1, 1, 1.0, 0),
            ),
            id="a group without labour force keeps its row with null rates",
        ),
        pytest.param(
            [
                person("h1", ABLE, E, building="2栋"),
                person("h2", ABLE, U, building="10栋"),
                person("h3", ABLE, E, site="鼎新社区", building="1栋"),
            ],
            ["site", "building"],
            rates(
                {"site": pl.String(), "building": pl.String()},
                ("光明小镇", "10栋", 1, 0, 0.0, 1, 0, 0.0, 1),
                ("光明小镇", "2栋", 1, 1, 1.0, 1, 1, 1.0, 0),
                ("鼎新社区", "1栋", 1, 1, 1.0, 1, 1, 1.0, 0),
            ),
            id="sorted by the group columns",
        ),
        pytest.param(
            [
                person("h1", ABLE, E, gender="男"),
                person("h1", ABLE, U, gender="女"),
                person("h2", WEAK, U, gender="女"),
                person("h3", ABLE, E, gender=None),
            ],
            ["gender"],
            rates(
                {"gender": pl.String()},
                ("女", 2, 0, 0.0, 2, 0, 0.0, 2),
                ("男", 1, 1, 1.0, 1, 1, 1.0, 0),
                (None, 1, 1, 1.0, 1, 1, 1.0, 0),
            ),
            id="person-level column: a household counts where it has labour, nulls last",
        ),
        pytest.param(
            [person("h2", ABLE, U), person("h1", ABLE, E), person("h1", NONE, "退休")],
            ["household"],
            rates(
                {"household": pl.String()},
                ("h1", 1, 1, 1.0, 1, 1, 1.0, 0),
                ("h2", 1, 0, 0.0, 1, 0, 0.0, 1),
            ),
            id="by household",
        ),
        pytest.param([], [], rates({}, (0, 0, None, 0, 0, None, 0)), id="empty frame county"),
        pytest.param([], ["township"], rates(TOWNSHIP), id="empty frame by township"),
    ],
)
def test_employment_rates(rows: list[dict], by: list[str], expected: pl.DataFrame) -> None:
    result = employment_rates(labour(*rows), by)

    assert_frame_equal(result, expected)


TWO_MONTHS = [
    person("h1", ABLE, U, month=MAY),
    person("h2", ABLE, E, month=MAY, township="西洛街道"),
    person("h1", ABLE, E),
    person("h1", WEAK, U),
]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (MAY, rates({}, (2, 1, 0.5, 2, 1, 0.5, 1))),
        (JUNE, rates({}, (2, 1, 0.5, 1, 1, 1.0, 0))),
        (None, rates({}, (2, 1, 0.5, 1, 1, 1.0, 0))),  # the latest month
        (date(2024, 5, 20), rates({}, (2, 1, 0.5, 2, 1, 0.5, 1))),  # any day of May
        (date(2024, 4, 1), rates({}, (0, 0, None, 0, 0, None, 0))),
    ],
)
def test_employment_rates_month(month: date | None, expected: pl.DataFrame) -> None:
    result = employment_rates(labour(*TWO_MONTHS), [], month)

    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (
            [],
            rates(
                {"month": pl.Date()},
                (MAY, 2, 1, 0.5, 2, 1, 0.5, 1),
                (JUNE, 2, 1, 0.5, 1, 1, 1.0, 0),
            ),
        ),
        (
            ["township"],
            rates(
                {"month": pl.Date(), **TOWNSHIP},
                (MAY, "岩孔街道", 1, 0, 0.0, 1, 0, 0.0, 1),
                (MAY, "西洛街道", 1, 1, 1.0, 1, 1, 1.0, 0),
                (JUNE, "岩孔街道", 2, 1, 0.5, 1, 1, 1.0, 0),
            ),
        ),
    ],
)
def test_rates_by_month(by: list[str], expected: pl.DataFrame) -> None:
    result = rates_by_month(labour(*reversed(TWO_MONTHS)), by)

    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("until", "months"), [(MAY, [MAY]), (JUNE, [MAY, JUNE]), (None, [MAY, JUNE])]
)
def test_rates_by_month_until(until: date | None, months: list[date]) -> None:
    ledger = labour(*TWO_MONTHS)

    result = rates_by_month(ledger, ["township"], until=until)

    expected = rates_by_month(ledger, ["township"]).filter(pl.col("month").is_in(months))
    assert result.get_column("month").unique().sort().to_list() == months
    assert_frame_equal(result, expected)


def test_rates_by_month_empty() -> None:
    result = rates_by_month(labour(), ["site"])

    assert_frame_equal(result, rates({"month": pl.Date(), "site": pl.String()}))


@pytest.mark.parametrize(
    ("capacity", "status", "expected"),
    [
        (ABLE, E, True),
        (ABLE, U, True),
        (WEAK, E, True),
        (WEAK, U, True),
        (DISABLED, E, False),
        (NONE, U, False),
        (ABLE, "在校生", False),
        (ABLE, "服役", False),
        (ABLE, "退休", False),
        (ABLE, "其他", False),
        (None, E, False),
        (ABLE, None, False),
    ],
)
def test_labour_force_mask(capacity: str | None, status: str | None, expected: bool) -> None:
    frame = pl.DataFrame(
        {"capacity": [capacity], "status": [status]},
        schema={"capacity": pl.String, "status": pl.String},
    )

    result = frame.select(labour_force_mask()).item()

    assert result is expected


@pytest.mark.parametrize(
    ("rows", "expected"),
    [([], None), (TWO_MONTHS, JUNE), (TWO_MONTHS[:2], MAY)],
)
def test_latest_month(rows: list[dict], expected: date | None) -> None:
    assert latest_month(labour(*rows)) == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2024, 6, 1), date(2024, 5, 1)),
        (date(2024, 3, 31), date(2024, 2, 1)),
        (date(2024, 1, 1), date(2023, 12, 1)),
    ],
)
def test_previous_month(month: date, expected: date) -> None:
    assert previous_month(month) == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2020, 2, 1), date(2020, 2, 29)),
        (date(2019, 2, 14), date(2019, 2, 28)),
        (date(2020, 12, 1), date(2020, 12, 31)),
        (date(2020, 4, 30), date(2020, 4, 30)),
    ],
)
def test_month_end(month: date, expected: date) -> None:
    assert month_end(month) == expected
