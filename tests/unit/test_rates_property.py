"""`employment_rates` against a naive reading of domain.md, on random small ledgers."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA
from analytics.rates import RATES_SCHEMA, employment_rates, rates_by_month

MONTHS = (date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1))
BY_CHOICES = [
    [],
    ["township"],
    ["site"],
    ["site", "building"],
    ["household"],
    ["gender"],
    ["township", "gender"],
    ["capacity"],
    ["status"],
]

ledger_rows = st.lists(
    st.fixed_dictionaries(
        {
            "month": st.sampled_from(MONTHS),
            "township": st.sampled_from(["岩孔街道", "西洛街道", "禹谟镇"]),
            "site": st.sampled_from(["光明小镇", "鼎新社区"]),
            "building": st.sampled_from(["1栋", "2栋", "10栋"]),
            "household": st.sampled_from([f"h{i}" for i in range(6)]),
            "gender": st.sampled_from(["男", "女", None]),
            "capacity": st.sampled_from(["有劳动能力", "弱劳动力", "丧失劳动能力", "无劳动能力"]),
            "status": st.sampled_from(["已就业", "未就业", "在校生", "服役", "退休", "其他"]),
        }
    ),
    max_size=40,
)


def reference(rows: list[dict[str, Any]], by: list[str], month: date) -> list[tuple]:
    """domain.md, word for word, with loops and sets."""
    groups: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        if row["month"] != month:
            continue
        key = tuple(row[column] for column in by)
        group = groups.setdefault(key, {"lf": 0, "emp": 0, "with_lf": set(), "with_emp": set()})
        in_labour_force = row["capacity"] in ("有劳动能力", "弱劳动力") and row["status"] in (
            "已就业",
            "未就业",
        )
        if in_labour_force:
            group["lf"] += 1
            group["with_lf"].add(row["household"])
            if row["status"] == "已就业":
                group["emp"] += 1
                group["with_emp"].add(row["household"])
    if not by and not groups:
        groups[()] = {"lf": 0, "emp": 0, "with_lf": set(), "with_emp": set()}
    result = []
    for key in sorted(groups, key=lambda k: tuple((v is None, v or "") for v in k)):
        g = groups[key]
        households, covered = len(g["with_lf"]), len(g["with_emp"])
        result.append(
            (
                *key,
                g["lf"],
                g["emp"],
                g["emp"] / g["lf"] if g["lf"] else None,
                households,
                covered,
                covered / households if households else None,
                households - covered,
            )
        )
    return result


def as_frame(rows: list[tuple], groups: list[str]) -> pl.DataFrame:
    # analytics hands back text
    schema = {**{c: pl.Date() if c == "month" else pl.String() for c in groups}, **RATES_SCHEMA}
    return pl.DataFrame(rows, schema=schema, orient="row")


@pytest.mark.parametrize("by", BY_CHOICES, ids=lambda by: "+".join(by) or "county")
@settings(max_examples=60, deadline=None)
@given(rows=ledger_rows, month=st.sampled_from(MONTHS))
def test_employment_rates_matches_reference(
    by: list[str], rows: list[dict[str, Any]], month: date
) -> None:
    labour = pl.DataFrame(rows, schema=LABOUR_SCHEMA)

    result = employment_rates(labour, by, month)

    expected = as_frame(reference(rows, by, month), by)
    assert_frame_equal(result, expected)


@pytest.mark.parametrize("by", BY_CHOICES, ids=lambda by: "+".join(by) or "county")
@settings(max_examples=30, deadline=None)
@given(rows=ledger_rows)
def test_rates_by_month_matches_reference(by: list[str], rows: list[dict[str, Any]]) -> None:
    labour = pl.DataFrame(rows, schema=LABOUR_SCHEMA)

    result = rates_by_month(labour, by)

    months = sorted({row["month"] for row in rows})
    expected = as_frame(
        [(month, *r) for month in months for r in reference(rows, by, month)], ["month", *by]
    )
    assert_frame_equal(result, expected)
