"""Subsidy spending by kind, place and time, per labour-force member and employed person of the
same place, the subsidy page's headline and ranking, and the budget (补贴金额 targets)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA, TARGET_SCHEMA, TRAINING_SCHEMA
from analytics.subsidies import (
    PAYEE_EMPLOYER,
    PAYEE_PERSON,
    SUBSIDY_BUDGET_SCHEMA,
    SUBSIDY_HEADLINE_SCHEMA,
    subsidy_budget,
    subsidy_headline,
    subsidy_per_capita,
    subsidy_ranking,
    subsidy_totals,
)
from analytics.targets import target_board

POST, TRANSPORT, HIRING = "公益性岗位补贴", "交通补贴", "吸纳就业补贴"
SITE_A, SITE_B = "光明小镇", "鼎新社区"
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


MONTH, YEAR, PAYEE = {"month": pl.Date()}, {"year": pl.Int64()}, {"payee_type": pl.String()}


@pytest.mark.parametrize(
    ("rows", "by", "expected"),
    [
        pytest.param(
            JUNE_PAYMENTS,
            ["month"],
            totals(
                MONTH,
                (date(2024, 7, 1), 1, 2000.0),
                (date(2024, 6, 1), 2, 1300.0),
                (date(2024, 5, 1), 1, 800.0),
            ),
            id="month is the first day of the month paid",
        ),
        pytest.param(
            [
                payment(date(2023, 12, 31), POST, 100.0),
                payment(date(2024, 1, 1), POST, 200.0),
                payment(date(2024, 12, 31), POST, 50.0),
            ],
            ["year"],
            totals(YEAR, (2024, 2, 250.0), (2023, 1, 100.0)),
            id="year",
        ),
        pytest.param(
            JUNE_PAYMENTS,
            ["payee_type"],
            totals(PAYEE, (PAYEE_PERSON, 3, 2100.0), (PAYEE_EMPLOYER, 1, 2000.0)),
            id="payee type: employer kinds against the rest",
        ),
        pytest.param(
            JUNE_PAYMENTS,
            ["month", "kind"],
            # The two 800s tie: by month, then kind.
            totals(
                {**MONTH, **KIND},
                (date(2024, 7, 1), HIRING, 1, 2000.0),
                (date(2024, 5, 1), POST, 1, 800.0),
                (date(2024, 6, 1), POST, 1, 800.0),
                (date(2024, 6, 1), TRANSPORT, 1, 500.0),
            ),
            id="month and kind",
        ),
        pytest.param(
            [
                payment(date(2024, 6, 1), POST, 800.0),
                payment(date(2024, 6, 2), POST, 700.0, township=T2),
                payment(date(2024, 6, 3), TRANSPORT, 100.0, township=T2),
                payment(date(2024, 6, 4), POST, 200.0),
            ],
            ["kind", "township"],
            totals(
                {**KIND, **TOWNSHIP},
                (POST, T1, 2, 1000.0),
                (POST, T2, 1, 700.0),
                (TRANSPORT, T2, 1, 100.0),
            ),
            id="kind and township",
        ),
        pytest.param(
            [
                payment(date(2024, 6, 1), HIRING, 1000.0, township=T2),
                payment(date(2024, 6, 2), POST, 1000.0, township=T2),
                payment(date(2024, 6, 3), POST, 300.0),
            ],
            ["township", "payee_type"],
            totals(
                {**TOWNSHIP, **PAYEE},
                (T2, PAYEE_EMPLOYER, 1, 1000.0),
                (T2, PAYEE_PERSON, 1, 1000.0),
                (T1, PAYEE_PERSON, 1, 300.0),
            ),
            id="township and payee type",
        ),
        pytest.param([], ["month"], totals(MONTH), id="empty frame by month"),
        pytest.param(
            [], ["year", "payee_type"], totals({**YEAR, **PAYEE}), id="empty frame by year, payee"
        ),
    ],
)
def test_subsidy_totals_derived_groups(
    rows: list[dict], by: list[str], expected: pl.DataFrame
) -> None:
    result = subsidy_totals(payments(*rows), by)

    assert_frame_equal(result, expected)


def test_subsidy_totals_unknown_group() -> None:
    with pytest.raises(ValueError, match="quarter"):
        subsidy_totals(payments(*JUNE_PAYMENTS), ["quarter"])


def random_payments(seed: int, n: int = 300) -> pl.DataFrame:
    """Amounts in whole fen (as the store holds them), over two years, four places, all kinds."""
    rng = random.Random(seed)
    kinds = [POST, TRANSPORT, HIRING, "生活补贴", "社保补贴"]
    rows = [
        payment(
            date(2023, 1, 1) + timedelta(days=rng.randrange(730)),
            rng.choice(kinds),
            rng.randrange(1, 500_000) / 100,
            township=rng.choice([T1, T2, T3, T4]),
            site=rng.choice([SITE_A, SITE_B, None]),
        )
        for _ in range(n)
    ]
    return payments(*rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "by", [["township"], ["month", "kind"], ["township", "site"], ["year", "payee_type"]]
)
def test_groups_sum_to_the_grand_total(seed: int, by: list[str]) -> None:
    pays = random_payments(seed)
    grand = subsidy_totals(pays, []).row(0, named=True)

    groups = subsidy_totals(pays, by)

    # In fen: each group sum is already whole fen, so their sum is exact.
    assert sum(round(a * 100) for a in groups.get_column("amount")) == round(grand["amount"] * 100)
    assert groups.get_column("payments").sum() == grand["payments"] == pays.height
    assert round(pays.get_column("amount").sum() * 100) == round(grand["amount"] * 100)


def person(township: str, status: str, month: date = date(2024, 6, 1), **columns: Any) -> dict:
    return {"month": month, "township": township, "household": township, "capacity": ABLE,
            "status": status, **columns}  # fmt: skip


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def per_capita(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    schema = {
        **groups,
        "payments": pl.Int64(),
        "amount": pl.Float64(),
        "person_amount": pl.Float64(),
        "employer_amount": pl.Float64(),
        "labour_force": pl.Int64(),
        "employed": pl.Int64(),
        "amount_per_capita": pl.Float64(),
        "amount_per_employed": pl.Float64(),
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


SITE = {"site": pl.String()}


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
                (T1, 1, 1000.0, 1000.0, 0.0, 2, 1, 500.0, 1000.0),
                # Labour but no payment: a true 0 yuan per member.
                (T3, 0, 0.0, 0.0, 0.0, 1, 1, 0.0, 0.0),
                # No labour force: no per-capita figure, never a division by zero.
                (T4, 1, 300.0, 300.0, 0.0, 0, 0, None, None),
                (T2, 1, 900.0, 900.0, 0.0, 0, 0, None, None),
            ),
            id="per township, zero labour force gives null",
        ),
        pytest.param(
            [payment(date(2024, 6, 1), POST, 900.0), payment(date(2024, 6, 2), POST, 300.0)],
            [person(T1, E), person(T2, U), person(T2, U), person(T2, E, date(2024, 5, 1))],
            [],
            per_capita({}, (2, 1200.0, 1200.0, 0.0, 3, 1, 400.0, 1200.0)),
            id="county, labour force of the latest month",
        ),
        pytest.param(
            [payment(date(2024, 6, 1), POST, 600.0)],
            [person(T1, U), person(T1, U)],
            ["township"],
            per_capita(TOWNSHIP, (T1, 1, 600.0, 600.0, 0.0, 2, 0, 300.0, None)),
            id="nobody employed: per employed is null, per capita is not",
        ),
        pytest.param(
            [
                payment(date(2024, 6, 1), POST, 600.0, site=SITE_A),
                payment(date(2024, 6, 2), HIRING, 200.0, site=None),
            ],
            [person(T1, E, site=SITE_A), person(T1, E, site=SITE_A), person(T1, U, site=SITE_A)],
            ["site"],
            per_capita(
                SITE,
                (SITE_A, 1, 600.0, 600.0, 0.0, 3, 2, 200.0, 300.0),
                (None, 1, 200.0, 0.0, 200.0, 0, 0, None, None),
            ),
            id="per site, a payment without a site has no labour",
        ),
        pytest.param(
            [
                payment(date(2024, 6, 1), POST, 600.0),
                payment(date(2024, 6, 1), HIRING, 2000.0, employer="黔北鞋厂"),
                payment(date(2024, 6, 2), HIRING, 1000.0, employer="黔北鞋厂", township=T2),
            ],
            [person(T1, E), person(T1, E), person(T1, U), person(T2, E)],
            ["township"],
            per_capita(
                TOWNSHIP,
                # The employer's 2,000 yuan is shown beside, never divided by T1's residents.
                (T1, 2, 2600.0, 600.0, 2000.0, 3, 2, 200.0, 300.0),
                (T2, 1, 1000.0, 0.0, 1000.0, 1, 1, 0.0, 0.0),
            ),
            id="employer payments are their own figure, not per member",
        ),
        pytest.param(
            [],
            [person(T1, E), person(T2, U)],
            ["township"],
            per_capita(
                TOWNSHIP,
                (T1, 0, 0.0, 0.0, 0.0, 1, 1, 0.0, 0.0),
                (T2, 0, 0.0, 0.0, 0.0, 1, 0, 0.0, None),
            ),
            id="no payments: every place with labour at 0 yuan",
        ),
        pytest.param(
            [payment(date(2024, 6, 1), POST, 0.1), payment(date(2024, 6, 2), POST, 0.2)],
            [person(T1, E), person(T1, E), person(T1, E)],
            ["township"],
            per_capita(TOWNSHIP, (T1, 2, 0.3, 0.3, 0.0, 3, 3, 0.1, 0.1)),
            id="the amount is whole fen before dividing",
        ),
        pytest.param(
            [], [], [], per_capita({}, (0, 0.0, 0.0, 0.0, 0, 0, None, None)), id="nothing at all"
        ),
        pytest.param([], [], ["site"], per_capita(SITE), id="nothing at all, by site"),
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

    assert_frame_equal(result, per_capita(TOWNSHIP, (T1, 1, 800.0, 800.0, 0.0, 1, 1, 800.0, 800.0)))


def test_subsidy_per_capita_needs_places() -> None:
    with pytest.raises(ValueError, match="kind"):
        subsidy_per_capita(payments(*JUNE_PAYMENTS), labour(person(T1, E)), ["kind"])


# -- headline -------------------------------------------------------------------------------------


def headline(*values: Any) -> pl.DataFrame:
    return pl.DataFrame([values], schema=SUBSIDY_HEADLINE_SCHEMA, orient="row")


ID_A, ID_B = "520523199001010011", "520523199001010022"
HEADLINE_PAYMENTS = [
    payment(date(2023, 12, 20), POST, 10_000.0, id_number=ID_A),
    payment(date(2024, 1, 5), POST, 800.0, id_number=ID_A),
    payment(date(2024, 5, 31), POST, 800.0, id_number=ID_A),
    payment(date(2024, 6, 1), POST, 800.0, id_number=ID_A),
    payment(date(2024, 6, 15), TRANSPORT, 500.0, id_number=ID_A),
    payment(date(2024, 6, 20), TRANSPORT, 300.0, id_number=ID_B),
    payment(date(2024, 6, 30), HIRING, 2000.0, employer="金沙扶贫车间"),
    payment(date(2024, 7, 1), POST, 800.0, id_number=ID_B),
]


@pytest.mark.parametrize(
    ("rows", "month", "expected"),
    [
        pytest.param(
            HEADLINE_PAYMENTS,
            date(2024, 6, 1),
            # ytd 800 + 800 + 3600; June 800 + 500 + 300 + 2000 in 4 payments to A and B (the
            # employer is not a person); May 800.
            headline(5200.0, 3600.0, 4, 800.0, 2800.0, 2),
            id="June",
        ),
        pytest.param(
            HEADLINE_PAYMENTS,
            date(2024, 6, 17),
            headline(5200.0, 3600.0, 4, 800.0, 2800.0, 2),
            id="any day names its month",
        ),
        pytest.param(
            HEADLINE_PAYMENTS,
            date(2024, 1, 1),
            # The year starts afresh; the month before is last December.
            headline(800.0, 800.0, 1, 10_000.0, -9200.0, 1),
            id="January against December",
        ),
        pytest.param(
            HEADLINE_PAYMENTS,
            date(2024, 3, 1),
            # Payments before March but none in February: a true 0, not "—".
            headline(800.0, 0.0, 0, 0.0, 0.0, 0),
            id="a month without payments, after data",
        ),
        pytest.param(
            HEADLINE_PAYMENTS,
            date(2023, 12, 1),
            headline(10_000.0, 10_000.0, 1, None, None, 1),
            id="the data starts this month: no previous month",
        ),
        pytest.param(
            HEADLINE_PAYMENTS,
            date(2023, 6, 1),
            headline(0.0, 0.0, 0, None, None, 0),
            id="before the data",
        ),
        pytest.param(
            [
                payment(date(2024, 5, 2), POST, 0.1, id_number=ID_A),
                payment(date(2024, 6, 1), POST, 0.2, id_number=ID_A),
                payment(date(2024, 6, 2), POST, 0.1, id_number=ID_A),
            ],
            date(2024, 6, 1),
            headline(0.4, 0.3, 2, 0.1, 0.2, 1),
            id="sums and change in whole fen",
        ),
        pytest.param([], date(2024, 6, 1), headline(0.0, 0.0, 0, None, None, 0), id="empty"),
    ],
)
def test_subsidy_headline(rows: list[dict], month: date, expected: pl.DataFrame) -> None:
    result = subsidy_headline(payments(*rows), month)

    assert_frame_equal(result, expected, check_exact=True)


# -- budget ---------------------------------------------------------------------------------------


def budget_targets(*rows: tuple) -> pl.DataFrame:
    """Rows of (year, metric, scope, target)."""
    return pl.DataFrame(list(rows), schema=TARGET_SCHEMA, orient="row")


def budget(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SUBSIDY_BUDGET_SCHEMA, orient="row")


BUDGETS = budget_targets(
    (2024, "补贴金额", T2, 0.0),
    (2024, "补贴金额", "县", 10_000.0),
    (2024, "补贴金额", T1, 4000.0),
    (2024, "补贴金额", SITE_A, 1000.0),
    (2024, "就业率", "县", 95.0),
    (2023, "补贴金额", "县", 5000.0),
)
BUDGET_PAYMENTS = [
    payment(date(2023, 12, 31), POST, 999.0),
    payment(date(2024, 1, 1), POST, 500.0, site=SITE_A),
    payment(date(2024, 6, 30), HIRING, 300.0, township=T2, site=None),
    payment(date(2024, 7, 1), POST, 1000.0),
]


@pytest.mark.parametrize(
    ("rows", "targets", "year", "month", "expected"),
    [
        pytest.param(
            BUDGET_PAYMENTS,
            BUDGETS,
            2024,
            date(2024, 6, 1),
            # January to June: 500 (T1, SITE_A) + 300 (T2, no site); half the year gone.
            budget(
                ("县", 10_000.0, 800.0, 0.08, 0.5),
                (SITE_A, 1000.0, 500.0, 0.5, 0.5),
                (T1, 4000.0, 500.0, 0.125, 0.5),
                # A budget of 0: no progress to show, never a division by zero.
                (T2, 0.0, 300.0, None, 0.5),
            ),
            id="county first, then scopes by name",
        ),
        pytest.param(
            BUDGET_PAYMENTS,
            BUDGETS,
            2024,
            date(2024, 12, 1),
            budget(
                ("县", 10_000.0, 1800.0, 0.18, 1.0),
                (SITE_A, 1000.0, 500.0, 0.5, 1.0),
                (T1, 4000.0, 1500.0, 0.375, 1.0),
                (T2, 0.0, 300.0, None, 1.0),
            ),
            id="December: the whole year",
        ),
        pytest.param(
            BUDGET_PAYMENTS,
            BUDGETS,
            2023,
            date(2023, 3, 1),
            budget(("县", 5000.0, 0.0, 0.0, 0.25)),
            id="a period with no payments: 0 paid",
        ),
        pytest.param(
            [],
            BUDGETS,
            2023,
            date(2023, 3, 1),
            budget(("县", 5000.0, None, None, 0.25)),
            id="no payments imported: paid unknown",
        ),
        pytest.param(BUDGET_PAYMENTS, BUDGETS, 2025, date(2025, 1, 1), budget(), id="no budget"),
    ],
)
def test_subsidy_budget(
    rows: list[dict], targets: pl.DataFrame, year: int, month: date, expected: pl.DataFrame
) -> None:
    result = subsidy_budget(payments(*rows), targets, year, month)

    assert_frame_equal(result, expected)


def test_subsidy_budget_month_outside_year() -> None:
    with pytest.raises(ValueError, match="not in year"):
        subsidy_budget(payments(*BUDGET_PAYMENTS), BUDGETS, 2024, date(2023, 12, 1))


@pytest.mark.parametrize("scope", ["县", T1, T2, SITE_A])
def test_subsidy_budget_agrees_with_the_target_board(scope: str) -> None:
    pays = payments(*BUDGET_PAYMENTS)
    people = labour(person(T1, E), person(T2, E))
    training = pl.DataFrame(schema=TRAINING_SCHEMA)

    board = target_board(BUDGETS, people, pays, training, 2024, date(2024, 6, 1), scope)
    rows = subsidy_budget(pays, BUDGETS, 2024, date(2024, 6, 1)).filter(pl.col("scope") == scope)

    on_board = board.filter(pl.col("metric") == "补贴金额").row(0, named=True)
    assert rows.row(0, named=True) == {
        "scope": scope,
        "budget": on_board["target"],
        "paid": on_board["actual"],
        "progress": rows.item(0, "progress"),
        "expected_progress": on_board["expected_progress"],
    }


# -- ranking --------------------------------------------------------------------------------------


def ranking(level: str, *rows: tuple) -> pl.DataFrame:
    schema = {
        level: pl.String(),
        "payments": pl.Int64(),
        "amount": pl.Float64(),
        "person_amount": pl.Float64(),
        "employer_amount": pl.Float64(),
        "persons": pl.Int64(),
        "labour_force": pl.Int64(),
        "employed": pl.Int64(),
        "amount_per_capita": pl.Float64(),
        "amount_per_employed": pl.Float64(),
        "share": pl.Float64(),
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


RANKING_PAYMENTS = [
    payment(date(2024, 6, 1), POST, 300.0, id_number=ID_A, site=SITE_A),
    payment(date(2024, 6, 2), TRANSPORT, 200.0, id_number=ID_A, site=SITE_A),
    payment(date(2024, 6, 3), POST, 500.0, id_number=ID_B, site=SITE_B),
    payment(date(2024, 6, 4), HIRING, 1000.0, employer="金沙扶贫车间", site=None),
    payment(date(2024, 6, 5), POST, 1000.0, id_number="520523199001010033", township=T2,
            site=SITE_A),
    payment(date(2024, 7, 1), POST, 9999.0, id_number=ID_B),
]  # fmt: skip
RANKING_LABOUR = [
    person(T1, E, site=SITE_A),
    person(T1, U, site=SITE_B),
    person(T3, E, site=SITE_B),
    person(T3, E, site=SITE_B, month=date(2024, 5, 1)),
]
JUNE_2024 = (date(2024, 6, 1), date(2024, 6, 1), date(2024, 6, 30))


@pytest.mark.parametrize(
    ("rows", "people", "level", "period", "expected"),
    [
        pytest.param(
            RANKING_PAYMENTS,
            RANKING_LABOUR,
            "township",
            JUNE_2024,
            # June: 3,000 yuan. T1: 4 payments, ID_A twice and ID_B (the employer is no person);
            # per member counts the 1,000 yuan paid to persons, not the employer's 1,000.
            ranking(
                "township",
                (T1, 4, 2000.0, 1000.0, 1000.0, 2, 2, 1, 500.0, 1000.0, 2 / 3),
                (T2, 1, 1000.0, 1000.0, 0.0, 1, 0, 0, None, None, 1 / 3),
                (T3, 0, 0.0, 0.0, 0.0, 0, 1, 1, 0.0, 0.0, 0.0),
            ),
            id="by township",
        ),
        pytest.param(
            RANKING_PAYMENTS,
            RANKING_LABOUR,
            "site",
            JUNE_2024,
            ranking(
                "site",
                (SITE_A, 3, 1500.0, 1500.0, 0.0, 2, 1, 1, 1500.0, 1500.0, 0.5),
                # No site on the payment: its own row, without labour.
                (None, 1, 1000.0, 0.0, 1000.0, 0, 0, 0, None, None, 1 / 3),
                (SITE_B, 1, 500.0, 500.0, 0.0, 1, 2, 1, 250.0, 500.0, 1 / 6),
            ),
            id="by site, a payment without a site",
        ),
        pytest.param(
            RANKING_PAYMENTS,
            RANKING_LABOUR,
            "township",
            (date(2024, 6, 1), date(2025, 1, 1), None),
            # Nothing paid: every share is "—", the amounts are a true 0.
            ranking(
                "township",
                (T1, 0, 0.0, 0.0, 0.0, 0, 2, 1, 0.0, 0.0, None),
                (T3, 0, 0.0, 0.0, 0.0, 0, 1, 1, 0.0, 0.0, None),
            ),
            id="a period with no payments",
        ),
        pytest.param([], [], "site", (None, None, None), ranking("site"), id="nothing at all"),
    ],
)
def test_subsidy_ranking(
    rows: list[dict],
    people: list[dict],
    level: str,
    period: tuple[date | None, date | None, date | None],
    expected: pl.DataFrame,
) -> None:
    result = subsidy_ranking(payments(*rows), labour(*people), level, *period)

    assert_frame_equal(result, expected)


def test_subsidy_ranking_level() -> None:
    with pytest.raises(ValueError, match="level"):
        subsidy_ranking(payments(), labour(), "building")  # type: ignore[arg-type]
