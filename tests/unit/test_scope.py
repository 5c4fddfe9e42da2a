"""Cutting frames to a scope: only rows inside it remain, and an empty scope sees nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA
from data.frames import Frames, Scope

M = dt.date(2020, 8, 1)

ROWS = [
    # township, site, building, id_number
    ("龙溪镇", "幸福家园", "1", "A"),
    ("龙溪镇", "幸福家园", "2", "B"),
    ("岩孔镇", "幸福家园", "2", "C"),
    ("岩孔镇", "光明小镇", "1", "D"),
]


def _frames() -> Frames:
    labour = (
        pl.DataFrame(
            [
                {"month": M, "township": t, "site": s, "building": b, "id_number": i}
                for t, s, b, i in ROWS
            ]
        )
        .select(
            [
                pl.col(c)
                if c in ("month", "township", "site", "building", "id_number")
                else pl.lit(None).alias(c)
                for c in LABOUR_SCHEMA
            ]
        )
        .cast(LABOUR_SCHEMA)
    )
    subsidies = pl.DataFrame(
        {
            "paid_on": [M, M, M],
            "kind": ["交通补贴", "吸纳就业补贴", "交通补贴"],
            "id_number": ["B", None, "D"],
            "amount": [500.0, 2000.0, 500.0],
            "township": ["龙溪镇", "龙溪镇", "岩孔镇"],
            "site": ["幸福家园", None, "光明小镇"],
        }
    ).with_columns(name=pl.lit(None), employer=pl.lit(None), note=pl.lit(None))
    return dataclasses.replace(
        Frames.empty(),
        labour=labour,
        subsidies=subsidies.select(list(SUBSIDY_SCHEMA)).cast(SUBSIDY_SCHEMA),
    )


@pytest.mark.parametrize(
    "scope, people, payments",
    [
        (Scope(), [], []),
        (Scope.whole_county(), ["A", "B", "C", "D"], [500.0, 2000.0, 500.0]),
        (Scope(townships=frozenset({"龙溪镇"})), ["A", "B"], [500.0, 2000.0]),
        (Scope(sites=frozenset({"幸福家园"})), ["A", "B", "C"], [500.0]),
        (Scope(buildings=frozenset({("幸福家园", "2")})), ["B", "C"], [500.0]),
        (Scope(buildings=frozenset({("光明小镇", "2")})), [], []),
    ],
)
def test_scoped_keeps_only_rows_inside(scope: Scope, people: list[str], payments: list) -> None:
    result = _frames().scoped(scope)
    assert sorted(result.labour.get_column("id_number")) == people
    assert result.subsidies.get_column("amount").to_list() == payments
    assert result.labour.schema == _frames().labour.schema


def test_empty_scope_sees_no_import_history() -> None:
    frames = dataclasses.replace(_frames(), batches=pl.DataFrame({"id": [1]}))
    assert frames.scoped(Scope(sites=frozenset({"幸福家园"}))).batches.is_empty()
    assert frames.scoped(Scope.whole_county()).batches.height == 1
