"""The places that need attention: below their target, the furthest below first."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.columns import LABOUR_SCHEMA, TARGET_SCHEMA
from analytics.lagging import LAGGING_SCHEMA, lagging_places

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
E, U = "已就业", "未就业"


def people(month: date, township: str, site: str, employed: int, unemployed: int) -> list[dict]:
    """`employed` + `unemployed` able people, one household each, in `township` and `site`."""
    return [
        {
            "month": month,
            "township": township,
            "site": site,
            "household": f"{township}{site}{month:%m}{i}",
            "id_number": f"{township}{site}{month:%m}{i}",
            "capacity": "有劳动能力",
            "status": E if i < employed else U,
        }
        for i in range(employed + unemployed)
    ]


# June: site 甲 90 % (2 zero-employment households of 20), site 乙 95 %, site 丙 96 %;
# township 东 90 % (甲's people), 西 95.5 % (乙's and 丙's). May: 甲 80 %, 东 80 %.
LABOUR = pl.DataFrame(
    people(JUNE, "东", "甲", 18, 2)
    + people(JUNE, "西", "乙", 19, 1)
    + people(JUNE, "西", "丙", 24, 1)
    + people(MAY, "东", "甲", 8, 2),
    schema=LABOUR_SCHEMA,
)


def targets(*rows: tuple[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [(2024, "就业率", scope, value) for scope, value in rows],
        schema=TARGET_SCHEMA,
        orient="row",
    )


@pytest.mark.parametrize(
    ("goals", "most", "expected"),
    [
        # County 95 %: 乙 at exactly 95.0 % meets it; 甲 and 东 are 5 points below, the site first.
        ([("县", 95.0)], 8, [("site", "甲"), ("township", "东")]),
        # 西 has its own 96 % and falls 0.5 below it; 丙 (96 %) meets the county's 95 %.
        ([("县", 95.0), ("西", 96.0)], 8, [("site", "甲"), ("township", "东"), ("township", "西")]),
        # A site's own lower target takes it off the list.
        ([("县", 95.0), ("甲", 85.0)], 8, [("township", "东")]),
        # The list stops at `most`.
        ([("县", 99.0)], 2, [("site", "甲"), ("township", "东")]),
        # No target anywhere: the worst, lowest rate first.
        ([], 3, [("site", "甲"), ("township", "东"), ("site", "乙")]),
    ],
)
def test_places_below_target_in_order_of_need(goals, most, expected) -> None:
    lagging = lagging_places(LABOUR, targets(*goals), JUNE, most=most)
    assert lagging.schema == pl.Schema(LAGGING_SCHEMA)
    assert list(zip(lagging["level"], lagging["place"], strict=True)) == expected


def test_a_place_shows_its_rate_target_and_change_since_last_month() -> None:
    row = lagging_places(LABOUR, targets(("县", 95.0)), JUNE).row(0, named=True)
    assert row["employment_rate"] == pytest.approx(0.9)
    assert row["target"] == pytest.approx(0.95)
    assert row["change"] == pytest.approx(0.1)  # 80 % in May
    assert (row["employed"], row["labour_force"], row["zero_employment_households"]) == (18, 20, 2)


def test_no_month_before_means_no_change() -> None:
    lagging = lagging_places(LABOUR.filter(pl.col("month") == JUNE), targets(("县", 95.0)), JUNE)
    assert lagging.get_column("change").is_null().all()


def test_an_empty_ledger_has_no_lagging_places() -> None:
    empty = pl.DataFrame(schema=LABOUR_SCHEMA)
    assert lagging_places(empty, targets(("县", 95.0))).is_empty()
