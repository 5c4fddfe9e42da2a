"""The compliance rules of domain.md on crafted ledgers and payments, boundaries first.

Held months are May and June 2024 unless a case says otherwise. An ID number is the region
520523, the birth date, three digits and a check character: the rules read the birth date there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from polars.testing import assert_frame_equal

from analytics.audit import (
    AGE_MISMATCH,
    CASE_SCHEMA,
    LIVING_OVER,
    MULTIPLE_POSTS,
    NOMINAL_POST,
    RULES,
    SUBSTITUTE,
    TRANSPORT_OVER,
    Ledger,
    Standards,
    age_mismatch,
    age_on,
    cases,
    cases_by,
    cases_by_month,
    living_over,
    month_grid,
    multiple_posts,
    nominal_posts,
    paid_after_leaving,
    stable_short,
    substitutes,
    transport_over,
    unknown_payees,
)
from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA

POST, TRANSPORT, LIVING, STABLE = "公益性岗位补贴", "交通补贴", "生活补贴", "稳岗就业补贴"
HIRING = "吸纳就业补贴"
ABLE, DISABLED, NONE = "有劳动能力", "丧失劳动能力", "无劳动能力"
E, U, STUDENT = "已就业", "未就业", "在校生"
ON_POST, LOCAL, AWAY = "公益性岗位", "县内务工", "省外务工"
APRIL, MAY, JUNE, JULY = date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1), date(2024, 7, 1)
TOWNSHIP, SITE = "岩孔街道", "光明小镇"


def ident(birth: str, n: int = 1) -> str:
    return f"520523{birth}{n:03d}X"


A = ident("19900101", 1)
B = ident("19900101", 2)
C = ident("19900101", 3)
D = ident("19900101", 4)  # in no labour record


def record(
    id_number: str,
    month: date,
    status: str | None = E,
    employment_type: str | None = ON_POST,
    capacity: str = ABLE,
    name: str | None = None,
) -> dict[str, Any]:
    return {
        "month": month,
        "id_number": id_number,
        "name": name or f"人{id_number[-4:-1]}",
        "capacity": capacity,
        "status": status,
        "employment_type": employment_type if status == E else None,
        "township": TOWNSHIP,
        "site": SITE,
    }


def ledger(*rows: dict[str, Any]) -> pl.DataFrame:
    columns = ("month", "id_number", "name", "capacity", "status", "employment_type")
    schema = {c: LABOUR_SCHEMA[c] for c in (*columns, "township", "site")}
    return pl.DataFrame(list(rows), schema=schema)


def pay(
    id_number: str | None,
    paid_on: date,
    kind: str = POST,
    amount: float = 800.0,
    name: str | None = None,
) -> dict[str, Any]:
    employer = "金沙扶贫车间" if id_number is None else None
    return {
        "paid_on": paid_on,
        "kind": kind,
        "name": name or (employer if id_number is None else f"人{id_number[-4:-1]}"),
        "id_number": id_number,
        "employer": employer,
        "amount": amount,
        "township": TOWNSHIP,
        "site": SITE,
        "note": None,
    }


def paid(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SUBSIDY_SCHEMA)


# Held months May and June; A, B and C on their posts in both (the background of most cases).
ON_POSTS = [record(p, m) for p in (A, B, C) for m in (MAY, JUNE)]

# (rule function, ledger rows, payments, expected cases as (id, period, amount_at_risk, paid, n))
CASES = {
    # 一人多岗
    "two posts in a month: all but the largest": (
        multiple_posts, ON_POSTS,
        [pay(A, date(2024, 6, 5), amount=600), pay(A, date(2024, 6, 25), amount=800)],
        [(A, "2024-06", 600.0, 1400.0, 2)],
    ),
    "one post a month is not a case": (
        multiple_posts, ON_POSTS, [pay(A, date(2024, 5, 25)), pay(A, date(2024, 6, 25))], [],
    ),
    "employer payments are never cases (一人多岗)": (
        multiple_posts, ON_POSTS, [pay(None, date(2024, 6, 1)), pay(None, date(2024, 6, 2))], [],
    ),
    # 挂岗
    "on the post: not a case": (nominal_posts, ON_POSTS, [pay(A, date(2024, 6, 25))], []),
    "paid for a post, recorded as working in the county": (
        nominal_posts, [record(A, JUNE, employment_type=LOCAL)], [pay(A, date(2024, 6, 25))],
        [(A, "2024-06", 800.0, 800.0, 1)],
    ),
    "paid for a post, no record in a held month": (
        nominal_posts, [record(A, MAY), record(B, JUNE)],
        [pay(A, date(2024, 6, 10), amount=300), pay(A, date(2024, 6, 25))],
        [(A, "2024-06", 1100.0, 1100.0, 2)],
    ),
    "a month the store does not hold is not judged (挂岗)": (
        nominal_posts, ON_POSTS, [pay(A, date(2024, 7, 25)), pay(ident("19900101", 9), APRIL)],
        [],
    ),
    "employer payments are never cases (挂岗)": (
        nominal_posts, ON_POSTS, [pay(None, date(2024, 6, 25))], [],
    ),
    # 替岗
    "a post paid to someone without working capacity": (
        substitutes, [record(A, JUNE, capacity=NONE)], [pay(A, date(2024, 6, 25))],
        [(A, "2024-06", 800.0, 800.0, 1)],
    ),
    "aged exactly 16 on the payment date: not a case": (
        substitutes, [], [pay(ident("20080616"), date(2024, 6, 16))], [],
    ),
    "15, sixteen the day after: a case": (
        substitutes, [], [pay(ident("20080617"), date(2024, 6, 16))],
        [(ident("20080617"), "2024-06", 800.0, 800.0, 1)],
    ),
    "aged 65, sixty-six the day after: not a case": (
        substitutes, [], [pay(ident("19580617"), date(2024, 6, 16))], [],
    ),
    "66 on the payment date: a case": (
        substitutes, [], [pay(ident("19580616"), date(2024, 6, 16))],
        [(ident("19580616"), "2024-06", 800.0, 800.0, 1)],
    ),
    "替岗 judges months the store does not hold": (
        substitutes, [], [pay(ident("19500616"), date(2023, 1, 5))],
        [(ident("19500616"), "2023-01", 800.0, 800.0, 1)],
    ),
    # 交通补贴超标
    "exactly 500 yuan of transport in a year: not a case": (
        transport_over, ON_POSTS,
        [pay(A, date(2024, 2, 1), TRANSPORT, 200), pay(A, date(2024, 9, 1), TRANSPORT, 300)], [],
    ),
    "500.01 yuan of transport: 0.01 at risk": (
        transport_over, ON_POSTS,
        [pay(A, date(2024, 2, 1), TRANSPORT, 200), pay(A, date(2024, 9, 1), TRANSPORT, 300.01)],
        [(A, "2024", pytest.approx(0.01), 500.01, 2)],
    ),
    "400 in each of two years: not a case": (
        transport_over, ON_POSTS,
        [pay(A, date(2023, 12, 31), TRANSPORT, 400), pay(A, date(2024, 1, 1), TRANSPORT, 400)], [],
    ),
    "employer payments are never cases (交通补贴)": (
        transport_over, ON_POSTS, [pay(None, date(2024, 2, 1), TRANSPORT, 900)], [],
    ),
    # 生活补贴超标
    "exactly 140 of living allowance: not a case": (
        living_over, ON_POSTS, [pay(A, date(2024, 6, 3), LIVING, 140)], [],
    ),
    "141: one yuan at risk; a 140 beside it is no part of the case": (
        living_over, ON_POSTS,
        [pay(A, date(2024, 6, 3), LIVING, 141), pay(A, date(2024, 6, 20), LIVING, 140)],
        [(A, "2024-06", 1.0, 141.0, 1)],
    ),
    "each payment's excess adds up": (
        living_over, ON_POSTS,
        [pay(A, date(2024, 6, 3), LIVING, 141), pay(A, date(2024, 6, 20), LIVING, 150)],
        [(A, "2024-06", 11.0, 291.0, 2)],
    ),
    # 稳岗补贴未满三个月
    "three held months in county work: not a case": (
        stable_short, [record(A, m, employment_type=LOCAL) for m in (APRIL, MAY, JUNE)],
        [pay(A, date(2024, 6, 28), STABLE, 1000)], [],
    ),
    "a held month without a record counts against": (
        stable_short,
        [*(record(A, m, employment_type=LOCAL) for m in (APRIL, JUNE)), record(B, MAY)],
        [pay(A, date(2024, 6, 28), STABLE, 1000)], [(A, "2024-06", 1000.0, 1000.0, 1)],
    ),
    "a held month out of the county counts against": (
        stable_short,
        [record(A, APRIL, employment_type=AWAY),
         *(record(A, m, employment_type=LOCAL) for m in (MAY, JUNE))],
        [pay(A, date(2024, 6, 28), STABLE, 1000)], [(A, "2024-06", 1000.0, 1000.0, 1)],
    ),
    "months the store does not hold are not judged (稳岗)": (
        stable_short, [record(A, m, employment_type=LOCAL) for m in (MAY, JUNE)],
        [pay(A, date(2024, 6, 28), STABLE, 1000), pay(A, date(2024, 7, 28), STABLE, 1000)], [],
    ),
    "paid in a month not held, judged on the held months before it": (
        stable_short, [record(A, MAY, employment_type=LOCAL), record(A, JUNE, status=U)],
        [pay(A, date(2024, 7, 28), STABLE, 1000)], [(A, "2024-07", 1000.0, 1000.0, 1)],
    ),
    # 发放对象不明
    "an ID in no labour record": (
        unknown_payees, ON_POSTS, [pay(ident("19900101", 9), date(2024, 6, 3), LIVING, 100)],
        [(ident("19900101", 9), "2024-06", 100.0, 100.0, 1)],
    ),
    "another name than the month's record": (
        unknown_payees, ON_POSTS, [pay(A, date(2024, 6, 3), name="冒名")],
        [(A, "2024-06", 800.0, 800.0, 1)],
    ),
    "the month's name wins over the latest": (
        unknown_payees, [record(A, MAY, name="旧名"), record(A, JUNE, name="新名")],
        [pay(A, date(2024, 5, 3), name="旧名"), pay(A, date(2024, 6, 3), name="新名")], [],
    ),
    "a month without a record: the latest month's name": (
        unknown_payees, [record(A, MAY, name="旧名"), record(A, JUNE, name="新名")],
        [pay(A, date(2024, 7, 3), name="新名"), pay(A, date(2024, 8, 3), name="旧名")],
        [(A, "2024-08", 800.0, 800.0, 1)],
    ),
    "employer payments are never cases (发放对象不明)": (
        unknown_payees, ON_POSTS, [pay(None, date(2024, 6, 3), HIRING, 2000)], [],
    ),
    "an employer's payment naming the worker hired is still the employer's (发放对象不明)": (
        unknown_payees, ON_POSTS,
        [{**pay(D, date(2024, 6, 3), HIRING, 2000), "employer": "金沙鞋厂"}], [],
    ),
    # 离开后发放
    "paid in a held month after the ID's last record": (
        paid_after_leaving, [record(A, MAY), record(B, MAY), record(B, JUNE)],
        [pay(A, date(2024, 6, 3), TRANSPORT, 300), pay(A, date(2024, 6, 9), LIVING, 100)],
        [(A, "2024-06", 400.0, 400.0, 2)],
    ),
    "an employer's payment naming the worker hired is still the employer's (离开后发放)": (
        paid_after_leaving, [record(A, MAY), record(B, MAY), record(B, JUNE)],
        [{**pay(A, date(2024, 6, 3), HIRING, 2000), "employer": "金沙鞋厂"}], [],
    ),
    "公益性岗位补贴 is 挂岗's, not 离开后发放's": (
        paid_after_leaving, [record(A, MAY), record(B, JUNE)], [pay(A, date(2024, 6, 25))], [],
    ),
    "a month not held is not judged (离开后发放)": (
        paid_after_leaving, [record(A, MAY), record(B, JUNE)],
        [pay(A, date(2024, 7, 3), TRANSPORT, 300)], [],
    ),
    "no record before the month: not a case": (
        paid_after_leaving, [record(B, MAY), record(A, JUNE)],
        [pay(A, date(2024, 5, 3), TRANSPORT, 300), pay(C, date(2024, 6, 3), TRANSPORT, 300)], [],
    ),
}  # fmt: skip


def _expected(rule: str, rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [(rule, *row) for row in rows],
        schema=["rule", "id_number", "period", "amount_at_risk", "paid", "payments"],
        orient="row",
    )


@pytest.mark.parametrize("case", list(CASES))
def test_rule(case: str) -> None:
    rule, rows, payments, expected = CASES[case]

    paid_rows = paid(*payments)
    found = rule(Ledger.of(ledger(*rows), paid_rows), paid_rows, Standards())

    assert found.schema == pl.Schema(CASE_SCHEMA)
    shown = found.sort("period", "id_number").select(
        "id_number", "period", "amount_at_risk", "paid", "payments"
    )
    assert shown.height == len(expected), shown
    for got, want in zip(shown.rows(), expected, strict=True):
        assert got[:2] == want[:2]
        assert got[2] == pytest.approx(want[2])
        assert got[3:] == pytest.approx(want[3:])


@pytest.mark.parametrize(
    ("birth", "case"),
    [
        ("20080630", False),  # 16 on 30 June
        ("20080701", True),  # 15 on 30 June, 16 the day after
        ("19590630", False),  # 65
        ("19580630", True),  # 66 on 30 June
        ("19580701", False),  # 65 on 30 June, 66 the day after
    ],
)
def test_age_mismatch_on_the_month_s_last_day(birth: str, case: bool) -> None:
    rows = ledger(record(ident(birth), JUNE, status=U))

    found = age_mismatch(Ledger.of(rows, paid()), paid(), Standards())

    expected = _expected(AGE_MISMATCH, [(ident(birth), "2024-06", None, None, 0)] if case else [])
    assert_frame_equal(
        found.select(expected.columns), expected, check_dtypes=False, check_column_order=False
    )
    if case:
        assert (
            found.item(0, "evidence") == "台账 2024-06 未就业/—/有劳动能力 | 月末年龄不在 16–65 岁"
        )


def test_age_mismatch_counts_the_labour_force_only() -> None:
    young = ident("20100101")
    rows = ledger(record(young, JUNE, status=STUDENT), record(young, MAY, capacity=DISABLED))

    assert age_mismatch(Ledger.of(rows, paid()), paid(), Standards()).is_empty()


def test_standards_move_the_boundaries() -> None:
    payments = paid(pay(A, date(2024, 3, 1), TRANSPORT, 600), pay(A, date(2024, 6, 3), LIVING, 150))
    strict = Standards(transport_per_year=550, living_per_payment=150)

    found = cases(ledger(*ON_POSTS), payments, strict)

    assert found.select("rule", "amount_at_risk").rows() == [(TRANSPORT_OVER, 50.0)]


def test_a_payment_that_is_a_case_of_two_rules() -> None:
    """A post paid to a man of 70 recorded as retired without capacity: 挂岗 and 替岗, each
    with the whole payment, and each with its evidence."""
    old = ident("19540301")
    rows = ledger(*ON_POSTS, record(old, JUNE, status="退休", capacity=NONE, name="老人"))
    payments = paid(pay(old, date(2024, 6, 25), name="老人"))

    found = cases(rows, payments)

    expected = pl.DataFrame(
        {
            "rule": [NOMINAL_POST, SUBSTITUTE],
            "id_number": [old, old],
            "name": ["老人", "老人"],
            "period": ["2024-06", "2024-06"],
            "amount_at_risk": [800.0, 800.0],
            "township": [TOWNSHIP, TOWNSHIP],
            "site": [SITE, SITE],
            "paid": [800.0, 800.0],
            "payments": [1, 1],
            "evidence": [
                "2024-06-25 公益性岗位补贴 800.00 元 | 台账 2024-06 退休/—/无劳动能力",
                "2024-06-25 公益性岗位补贴 800.00 元 | 台账 2024-06 退休/—/无劳动能力",
            ],
        },
        schema=CASE_SCHEMA,
    )
    assert_frame_equal(found, expected)


def test_cases_in_rule_order_cut_to_the_range() -> None:
    young = ident("20100101")
    rows = ledger(*ON_POSTS, record(young, MAY, status=U), record(young, JUNE, status=U))
    payments = paid(
        pay(A, date(2024, 5, 1), LIVING, 200),
        pay(A, date(2024, 6, 5), amount=600),
        pay(A, date(2024, 6, 25)),
        pay(B, date(2023, 3, 1), TRANSPORT, 600),
    )

    every = cases(rows, payments)
    june = cases(rows, payments, start=JUNE, end=JUNE)
    posts = cases(rows, payments, rules=[MULTIPLE_POSTS, AGE_MISMATCH])

    assert every.select("rule", "period").rows() == [
        (MULTIPLE_POSTS, "2024-06"),
        (TRANSPORT_OVER, "2023"),
        (LIVING_OVER, "2024-05"),
        (AGE_MISMATCH, "2024-05"),
        (AGE_MISMATCH, "2024-06"),
    ]
    assert june.select("rule", "period").rows() == [
        (MULTIPLE_POSTS, "2024-06"),
        (AGE_MISMATCH, "2024-06"),
    ]
    assert posts.get_column("rule").to_list() == [MULTIPLE_POSTS, AGE_MISMATCH, AGE_MISMATCH]


JANUARY = date(2024, 1, 1)


def test_a_year_is_in_range_when_any_of_its_months_is() -> None:
    payments = paid(pay(B, date(2023, 3, 1), TRANSPORT, 600))

    assert cases(ledger(*ON_POSTS), payments, start=date(2023, 12, 1)).height == 1
    assert cases(ledger(*ON_POSTS), payments, start=JANUARY).is_empty()
    assert cases(ledger(*ON_POSTS), payments, end=date(2022, 12, 1)).is_empty()


PEOPLE = [A, B, C, ident("20100101", 4), ident("19500101", 5), ident("19900101", 6)]
PAYMENT = hst.fixed_dictionaries(
    {
        "id_number": hst.sampled_from([*PEOPLE, None]),
        "paid_on": hst.dates(date(2024, 3, 1), date(2024, 8, 31)),
        "kind": hst.sampled_from([POST, TRANSPORT, LIVING, STABLE, HIRING, "培训补贴"]),
        "amount": hst.integers(1, 200_000).map(lambda fen: fen / 100),
        "name": hst.sampled_from(["人001", "人002", "别人"]),
    }
)
LEDGER = ledger(
    record(A, MAY),
    record(A, JUNE, employment_type=LOCAL),
    record(B, JUNE, status=U),
    record(C, MAY, capacity=NONE, status="其他"),
    record(ident("20100101", 4), JUNE, status=U),
    record(ident("19500101", 5), MAY, employment_type=LOCAL),
)


@settings(max_examples=60, deadline=None)
@given(hst.lists(PAYMENT, max_size=12))
def test_amount_at_risk_never_exceeds_what_was_paid(rows: list[dict[str, Any]]) -> None:
    payments = paid(*(pay(**row) for row in rows))

    found = cases(LEDGER, payments)

    with_money = found.filter(pl.col("rule") != AGE_MISMATCH)
    assert (with_money.get_column("amount_at_risk") > 0).all()
    assert (with_money.get_column("amount_at_risk") <= with_money.get_column("paid") + 1e-9).all()
    assert set(found.get_column("rule")) <= set(RULES)
    without = cases(LEDGER, payments.clear())
    assert_frame_equal(without, found.filter(pl.col("rule") == AGE_MISMATCH))
    assert not without.is_empty()


def _found(*rows: tuple[str, str, float | None]) -> pl.DataFrame:
    """Cases of (rule, township, amount at risk), the rest of `CASE_SCHEMA` empty."""
    return pl.DataFrame(
        [{"rule": r, "township": t, "amount_at_risk": a, "payments": 1} for r, t, a in rows],
        schema=CASE_SCHEMA,
    )


@pytest.mark.parametrize(
    ("rows", "by", "expected"),
    [
        # By township: most money first; only data-quality cases: no amount, last.
        (
            [(SUBSTITUTE, "甲镇", 800.0), (AGE_MISMATCH, "乙镇", None),
             (NOMINAL_POST, "丙镇", 900.0), (AGE_MISMATCH, "甲镇", None)],
            "township",
            [("丙镇", 1, 900.0), ("甲镇", 2, 800.0), ("乙镇", 1, None)],
        ),
        # By rule: every rule in order, zeros where none; the data-quality rule never a 0.
        (
            [(SUBSTITUTE, "甲镇", 800.0), (SUBSTITUTE, "乙镇", 400.0)],
            "rule",
            [(r, 2 if r == SUBSTITUTE else 0, None if r == AGE_MISMATCH else
              1200.0 if r == SUBSTITUTE else 0.0) for r in RULES],
        ),
    ],
)  # fmt: skip
def test_cases_by(rows: list[tuple], by: str, expected: list[tuple]) -> None:
    result = cases_by(_found(*rows), by)

    assert_frame_equal(
        result,
        pl.DataFrame(
            expected,
            schema={by: pl.String(), "case_count": pl.Int64(), "amount_at_risk": pl.Float64()},
            orient="row",
        ),
    )


def _periods(*rows: tuple[str, str, float | None]) -> pl.DataFrame:
    """Cases of (rule, period, amount at risk), the rest of `CASE_SCHEMA` empty."""
    return pl.DataFrame(
        [{"rule": r, "period": p, "amount_at_risk": a, "payments": 1} for r, p, a in rows],
        schema=CASE_SCHEMA,
    )


BY_MONTH_SCHEMA = {
    "rule": pl.String(),
    "period": pl.String(),
    "case_count": pl.Int64(),
    "amount_at_risk": pl.Float64(),
}


def test_cases_by_month_in_time_order_a_year_after_its_months() -> None:
    found = _periods(
        (TRANSPORT_OVER, "2024", 0.01),
        (SUBSTITUTE, "2024-06", 800.0),
        (NOMINAL_POST, "2024-06", 800.0),
        (NOMINAL_POST, "2024-06", 400.0),
        (AGE_MISMATCH, "2024-05", None),
        (LIVING_OVER, "2023-12", 1.0),
        (TRANSPORT_OVER, "2023", 99.0),
        (LIVING_OVER, "2024-12", 2.0),
    )

    result = cases_by_month(found)

    expected = [
        (LIVING_OVER, "2023-12", 1, 1.0),
        (TRANSPORT_OVER, "2023", 1, 99.0),
        (AGE_MISMATCH, "2024-05", 1, None),  # no amount: null, never a false 0
        (NOMINAL_POST, "2024-06", 2, 1200.0),
        (SUBSTITUTE, "2024-06", 1, 800.0),
        (LIVING_OVER, "2024-12", 1, 2.0),
        (TRANSPORT_OVER, "2024", 1, 0.01),
    ]
    assert_frame_equal(result, pl.DataFrame(expected, schema=BY_MONTH_SCHEMA, orient="row"))


def test_month_grid_cells_a_rule_cannot_fill_are_null() -> None:
    found = _periods(
        (NOMINAL_POST, "2024-06", 800.0),
        (TRANSPORT_OVER, "2024", 0.01),
        (AGE_MISMATCH, "2024-06", None),
    )
    by_month = cases_by_month(found)

    counts = month_grid(by_month, "case_count", [MAY, JUNE])
    amounts = month_grid(by_month, "amount_at_risk", [MAY, JUNE])

    assert counts.columns == ["period", *RULES, "total"]
    # May holds no case: a month of the range shows 0, not a missing row; the year comes last.
    assert counts.get_column("period").to_list() == ["2024-05", "2024-06", "2024"]
    columns = {c: counts.get_column(c).to_list() for c in counts.columns}
    assert columns[NOMINAL_POST] == [0, 1, None]
    assert columns[TRANSPORT_OVER] == [None, None, 1]
    assert columns[AGE_MISMATCH] == [0, 1, None]
    assert columns[MULTIPLE_POSTS] == [0, 0, None]
    assert columns["total"] == [0, 2, 1]
    money = {c: amounts.get_column(c).to_list() for c in amounts.columns}
    assert money[NOMINAL_POST] == [0.0, 800.0, None]
    assert money[TRANSPORT_OVER] == [None, None, 0.01]
    assert money[AGE_MISMATCH] == [None, None, None]
    assert money["total"] == [0.0, 800.0, 0.01]


def test_month_grid_without_cases_or_months() -> None:
    grid = month_grid(cases_by_month(_periods()), "amount_at_risk")

    assert grid.columns == ["period", *RULES, "total"]
    assert grid.is_empty()


@settings(max_examples=40, deadline=None)
@given(hst.lists(PAYMENT, max_size=12))
def test_the_month_breakdown_adds_up_to_the_rules(rows: list[dict[str, Any]]) -> None:
    found = cases(LEDGER, paid(*(pay(**row) for row in rows)))

    by_month = cases_by_month(found)
    by_rule = cases_by(found, "rule")

    for measure in ("case_count", "amount_at_risk"):
        grid = month_grid(by_month, measure, [MAY, JUNE])
        per_rule = {rule: grid.get_column(rule).sum() for rule in RULES}
        expected = dict(by_rule.select("rule", measure).iter_rows())
        if measure == "amount_at_risk":
            assert grid.get_column(AGE_MISMATCH).null_count() == grid.height
            expected[AGE_MISMATCH] = 0  # a sum of nulls
        assert per_rule == pytest.approx(expected)
        assert grid.get_column("total").sum() == pytest.approx(sum(expected.values()))
    assert by_month.get_column("case_count").sum() == found.height


def _full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@given(born=hst.dates(date(1900, 1, 1), date(2030, 12, 31)), on=hst.dates(date(1990, 1, 1)))
@settings(max_examples=300, deadline=None)
def test_age_on_counts_full_years_from_the_id_number(born: date, on: date) -> None:
    eighteen = f"610102{born:%Y%m%d}0011"
    ids = [eighteen]
    if 1900 <= born.year <= 1999:  # a 15-digit ID writes the year without its 19
        ids.append(f"610102{born:%y%m%d}001")
    found = pl.DataFrame({"id_number": ids, "on": [on] * len(ids)}).select(age=age_on(pl.col("on")))
    assert found.get_column("age").to_list() == [_full_years(born, on)] * len(ids)


@pytest.mark.parametrize("id_number", ["610102199902300011", "61010219990101001X1", "", "6101"])
def test_age_on_is_unknown_without_a_birth_date_in_the_id_number(id_number: str) -> None:
    found = pl.DataFrame({"id_number": [id_number]}).select(age=age_on(pl.lit(date(2024, 5, 31))))
    assert found.get_column("age").to_list() == [None]
