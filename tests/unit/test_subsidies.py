"""Subsidy spending by kind and place, and per labour-force member of the same place."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.subsidies import subsidy_per_capita, subsidy_totals
from data.frames import LABOUR_SCHEMA, SUBSIDY_SCHEMA

POST, TRANSPORT, HIRING = "公益性岗位补贴", "交通补贴", "吸纳就业补贴"
T1, T2, T3, T4 = "岩孔街道", "西洛街道", "禹谟镇", "平坝镇"
ABLE, E, U = "有劳动能力", "已就业", "未就业"


def payment(paid_on: date, kind: str, amount: float, **columns: Any) -> dict[str, Any]:
    return {"paid_on": paid_on, "kind": kind, "amount": amount, "township": T1, **columns}


def payments(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SUBSIDY_SCHEMA)


def totals(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    schema = {**groups, "payments": pl.Int64(), "amount": pl.Float64()}
    return pl.DataFrame(list(rows), schema=schema, orient="row")


KIND = {"kind": pl.String()}
TOWNSHIP = {"township": pl.String()}
JUNE_PAYMENTS = [
    payment(date(2024, 5, 31), POST, 800.0),
    payment(date(2024, 6, 1), TRANSPORT, 500.0),
    payment(date(2024, 6, 30), POST, 800.0),
    payment(date(2024, 7, 1), HIRING, 2000.0),
]


@pytest.mark.parametrize(
    ("rows", "by", "date_from", "date_to", "expected"),
    [
        pytest.param(
            [
                payment(date(2024, 6, 1), TRANSPORT, 300.0),
                payment(date(2024, 6, 2), POST, 800.0),
                payment(date(2024, 6, 3), TRANSPORT, 500.0),
                payment(date(2024, 6, 4), HIRING, 800.0),
                payment(date(2024, 6, 5), HIRING, 100.0, township=T2),
            ],
            ["kind"],
            None,
            None,
            # Ties in code-point order: 交 (U+4EA4) before 公 (U+516C).
            totals(KIND, (HIRING, 2, 900.0), (TRANSPORT, 2, 800.0), (POST, 1, 800.0)),
            id="largest amount first, ties by kind",
        ),
        pytest.param(
            JUNE_PAYMENTS,
            ["kind"],
            date(2024, 6, 1),
            date(2024, 6, 30),
            totals(KIND, (POST, 1, 800.0), (TRANSPORT, 1, 500.0)),
            id="both ends of the range inclusive",
        ),
        pytest.param(
            JUNE_PAYMENTS,
            [],
            date(2024, 6, 30),
            None,
            totals({}, (2, 2800.0)),
            id="from only",
        ),
        pytest.param(
            JUNE_PAYMENTS,
            [],
            None,
            date(2024, 6, 1),
            totals({}, (2, 1300.0)),
            id="to only",
        ),
        pytest.param(
            JUNE_PAYMENTS,
            [],
            date(2025, 1, 1),
            None,
            totals({}, (0, 0.0)),
            id="nothing in range: grand total of zero",
        ),
        pytest.param([], [], None, None, totals({}, (0, 0.0)), id="empty frame grand total"),
        pytest.param([], ["kind"], None, None, totals(KIND), id="empty frame by kind"),
        pytest.param(
            [
                payment(date(2024, 6, 1), TRANSPORT, 0.1),
                payment(date(2024, 6, 2), TRANSPORT, 0.2),
            ],
            [],
            None,
            None,
            totals({}, (2, 0.3)),
            id="sums come back to whole fen",
        ),
        pytest.param(
            [
                payment(date(2024, 6, 1), HIRING, 500.0, site=None),
                payment(date(2024, 6, 1), POST, 500.0, site="光明小镇"),
                payment(date(2024, 6, 1), POST, 400.0, township=T2, site="鼎新社区"),
            ],
            ["township", "site"],
            None,
            None,
            totals(
                {"township": pl.String(), "site": pl.String()},
                (T1, "光明小镇", 1, 500.0),
                (T1, None, 1, 500.0),
                (T2, "鼎新社区", 1, 400.0),
            ),
            id="a payment without a site is its own group, after named sites",
        ),
    ],
)
def test_subsidy_totals(
    rows: list[dict],
    by: list[str],
    date_from: date | None,
    date_to: date | None,
    expected: pl.DataFrame,
) -> None:
    result = subsidy_totals(payments(*rows), by, date_from, date_to)

    assert_frame_equal(result, expected)


def person(township: str, status: str, month: date = date(2024, 6, 1)) -> dict[str, Any]:
    return {"month": month, "township": township, "household": township, "capacity": ABLE,
            "status": status}  # fmt: skip


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def per_capita(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    schema = {
        **groups,
        "payments": pl.Int64(),
        "amount": pl.Float64(),
        "labour_force": pl.Int64(),
        "amount_per_capita": pl.Float64(),
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


@pytest.mark.parametrize(
    ("pays", "people", "by", "expected"),
    [
        pytest.param(
            [
                payment(date(2024, 6, 1), POST, 1000.0),
                payment(date(2024, 6, 1), POST, 900.0, township=T2),
                payment(date(2024, 6, 1), POST, 300.0, township=T4),
            ],
            [
                person(T1, E),
                person(T1, U),
                person(T2, "退休"),
                person(T3, E),
            ],
            ["township"],
            per_capita(
                TOWNSHIP,
                (T1, 1, 1000.0, 2, 500.0),
                (T3, 0, 0.0, 1, 0.0),
                # No labour force: no per-capita figure, never a division by zero.
                (T4, 1, 300.0, 0, None),
                (T2, 1, 900.0, 0, None),
            ),
            id="per township, zero labour force gives null",
        ),
        pytest.param(
            [payment(date(2024, 6, 1), POST, 900.0), payment(date(2024, 6, 2), POST, 300.0)],
            [person(T1, E), person(T2, U), person(T2, U), person(T2, E, date(2024, 5, 1))],
            [],
            per_capita({}, (2, 1200.0, 3, 400.0)),
            id="county, labour force of the latest month",
        ),
        pytest.param([], [], [], per_capita({}, (0, 0.0, 0, None)), id="nothing at all"),
    ],
)
def test_subsidy_per_capita(
    pays: list[dict], people: list[dict], by: list[str], expected: pl.DataFrame
) -> None:
    result = subsidy_per_capita(payments(*pays), labour(*people), by)

    assert_frame_equal(result, expected)


def test_subsidy_per_capita_month_and_range() -> None:
    pays = payments(*JUNE_PAYMENTS)
    people = labour(person(T1, E, date(2024, 5, 1)), person(T1, E), person(T1, U))

    result = subsidy_per_capita(
        pays, people, ["township"], date(2024, 5, 1), date(2024, 5, 1), date(2024, 5, 31)
    )

    assert_frame_equal(result, per_capita(TOWNSHIP, (T1, 1, 800.0, 1, 800.0)))
