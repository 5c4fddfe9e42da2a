"""The headline KPIs of a month and their change against the month before."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA
from analytics.drill import Place, in_place, subsidies_in_place
from analytics.kpis import HEADLINE_SCHEMA, KPI_SCHEMA, headline

DEC, JAN, MAY, JUNE = date(2023, 12, 1), date(2024, 1, 1), date(2024, 5, 1), date(2024, 6, 1)
ABLE, NONE = "有劳动能力", "无劳动能力"
E, U = "已就业", "未就业"
POST, COUNTY = "公益性岗位", "县内务工"
S1, S2 = "光明小镇", "鼎新社区"


def person(
    month: date, household: str, status: str, kind: str | None = None, **columns: Any
) -> dict[str, Any]:
    return {
        "month": month,
        "township": "岩孔街道",
        "site": S1,
        "building": "1栋",
        "household": household,
        "id_number": f"{household}-{status}-{kind}",
        "capacity": ABLE,
        "status": status,
        "employment_type": kind,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def paid(on: date, amount: float, **columns: Any) -> dict[str, Any]:
    return {"paid_on": on, "kind": "交通补贴", "amount": amount, "township": "岩孔街道", **columns}


def payments(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SUBSIDY_SCHEMA)


def kpis(*values: Any) -> dict[str, Any]:
    """labour_force, employed, employment_rate, households, households_covered,
    household_coverage, zero_employment_households, public_welfare_posts, subsidy_amount_ytd."""
    return dict(zip(KPI_SCHEMA, values, strict=True))


NO_KPIS = dict.fromkeys(KPI_SCHEMA)


def expected(month: date, now: dict, before_month: date, before: dict) -> pl.DataFrame:
    change = {
        k: None if now[k] is None or before[k] is None else now[k] - before[k] for k in KPI_SCHEMA
    }
    row = {
        "month": month,
        **now,
        "previous_month": before_month,
        **{f"{k}_previous": v for k, v in before.items()},
        **{f"{k}_change": v for k, v in change.items()},
    }
    return pl.DataFrame([row], schema=HEADLINE_SCHEMA)


TWO_MONTHS = labour(
    person(MAY, "h1", U),
    person(MAY, "h2", E, POST),
    person(MAY, "h2", "在校生"),
    person(JUNE, "h1", E, COUNTY),
    person(JUNE, "h1", U),
    person(JUNE, "h2", E, POST),
    person(JUNE, "h2", E, POST, capacity=NONE),  # not labour force: not a post holder either
    person(JUNE, "h3", U),
)
PAID = payments(
    paid(date(2023, 12, 31), 1000.0),  # last year
    paid(date(2024, 1, 1), 100.0),
    paid(date(2024, 5, 31), 200.10),
    paid(date(2024, 6, 30), 300.20),
    paid(date(2024, 7, 1), 5000.0),  # after the month
)


@pytest.mark.parametrize(
    ("rows", "subsidies", "month", "result_expected"),
    [
        pytest.param(
            TWO_MONTHS,
            PAID,
            JUNE,
            expected(
                JUNE,
                kpis(4, 2, 0.5, 3, 2, 2 / 3, 1, 1, 600.30),
                MAY,
                kpis(2, 1, 0.5, 2, 1, 0.5, 1, 1, 300.10),
            ),
            id="June against May",
        ),
        pytest.param(
            TWO_MONTHS,
            PAID,
            date(2024, 6, 15),
            expected(
                JUNE,
                kpis(4, 2, 0.5, 3, 2, 2 / 3, 1, 1, 600.30),
                MAY,
                kpis(2, 1, 0.5, 2, 1, 0.5, 1, 1, 300.10),
            ),
            id="any day of the month",
        ),
        pytest.param(
            TWO_MONTHS,
            PAID,
            MAY,
            expected(MAY, kpis(2, 1, 0.5, 2, 1, 0.5, 1, 1, 300.10), date(2024, 4, 1), NO_KPIS),
            id="no ledger the month before: nothing to compare",
        ),
        pytest.param(
            labour(person(DEC, "h1", E, POST), person(JAN, "h1", U)),
            PAID,
            JAN,
            expected(
                JAN,
                kpis(1, 0, 0.0, 1, 0, 0.0, 1, 0, 100.0),
                DEC,
                kpis(1, 1, 1.0, 1, 1, 1.0, 0, 1, 1000.0),
            ),
            id="January: the year restarts, December's total is last year's",
        ),
        pytest.param(
            TWO_MONTHS,
            payments(),
            date(2024, 7, 1),
            expected(
                date(2024, 7, 1),
                kpis(0, 0, None, 0, 0, None, 0, 0, 0.0),
                JUNE,
                kpis(4, 2, 0.5, 3, 2, 2 / 3, 1, 1, 0.0),
            ),
            id="a month without ledger rows: zeros, no rates, no change of a rate",
        ),
        pytest.param(
            labour(),
            payments(),
            JUNE,
            expected(JUNE, kpis(0, 0, None, 0, 0, None, 0, 0, 0.0), MAY, NO_KPIS),
            id="empty frames",
        ),
    ],
)
def test_headline(
    rows: pl.DataFrame, subsidies: pl.DataFrame, month: date, result_expected: pl.DataFrame
) -> None:
    result = headline(rows, subsidies, month)

    assert_frame_equal(result, result_expected)


def test_headline_of_a_place() -> None:
    rows = labour(
        person(MAY, "h1", U),
        person(JUNE, "h1", E, COUNTY),
        person(MAY, "h2", E, POST, site=S2),
        person(JUNE, "h2", U, site=S2),
    )
    subsidies = payments(
        paid(JUNE, 500.0, site=S1, id_number="h1-已就业-县内务工"),
        paid(JUNE, 800.0, site=S2, id_number="h2-未就业-None"),
    )
    place = Place(site=S2)

    result = headline(in_place(rows, place), subsidies_in_place(subsidies, rows, place), JUNE)

    assert_frame_equal(
        result,
        expected(
            JUNE,
            kpis(1, 0, 0.0, 1, 0, 0.0, 1, 0, 800.0),
            MAY,
            kpis(1, 1, 1.0, 1, 1, 1.0, 0, 1, 0.0),
        ),
    )
