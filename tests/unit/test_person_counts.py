"""The person counts: the mix, the migrant split, the target board, the headline's 公益性岗位
count and what the projector and the subsidy page read from the aggregates equal what the person
rows give, on hand-made and hypothesis-generated ledgers.

The mix's oracle is the person-row algorithm `analytics.mix` had before the counts, kept here
word for word; the board's is `target_board`'s own person-row path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analytics.aggregates import (
    PERSON_COUNT_SCHEMA,
    extend_person_counts,
    household_grain,
    person_counts,
    recount_months,
)
from analytics.columns import SUBSIDY_SCHEMA, TARGET_SCHEMA, TRAINING_SCHEMA
from analytics.domain import (
    EMPLOYMENT_TYPES,
    MIGRANT_TYPES,
    PUBLIC_WELFARE_POST,
    TARGET_METRICS,
    WORKSHOP,
)
from analytics.kpis import headline
from analytics.lagging import lagging_places
from analytics.mix import employment_mix, migrant_split
from analytics.rates import employed_mask, latest_month, plain
from analytics.subsidies import subsidy_per_capita, subsidy_ranking
from analytics.targets import target_board
from tests.unit.test_aggregates import (
    ABLE,
    DISABLED,
    JUNE,
    MAY,
    MONTHS,
    SPLIT,
    E,
    U,
    labour,
    ledger_rows,
    person,
)

# --- the oracle: the person-row mix before the counts -------------------------------------------


def person_mix(
    labour: pl.DataFrame, month: date | None = None, by: Sequence[str] = ()
) -> pl.DataFrame:
    by = list(by)
    month = month.replace(day=1) if month is not None else latest_month(labour)
    rows = labour.lazy()
    if month is not None:
        rows = rows.filter(pl.col("month") == month)
    rows = plain(rows.select(*by, "employment_type", employed=employed_mask()))
    types = pl.LazyFrame(
        {"employment_type": EMPLOYMENT_TYPES, "order": range(len(EMPLOYMENT_TYPES))},
        schema={"employment_type": pl.String(), "order": pl.Int64()},
    )
    counts = (
        rows.filter("employed")
        .group_by(*by, "employment_type")
        .agg(pl.len().cast(pl.Int64).alias("employed"))
    )
    totals = pl.col("employed").sum().cast(pl.Int64).alias("total")
    if by:
        grid = rows.group_by(by).agg(totals).join(types, how="cross")
    else:
        grid = rows.select(totals).join(types, how="cross")
    keys = [*by, "employment_type"]
    share = lambda part, whole: (  # noqa: E731
        pl.when(whole > 0).then(part / whole).otherwise(None).cast(pl.Float64)
    )
    return (
        grid.join(counts, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col("employed").fill_null(0))
        .with_columns(share=share(pl.col("employed"), pl.col("total")))
        .collect()
        .sort([*by, "order"], nulls_last=True)
        .select(*by, "employment_type", "employed", "share")
    )


def person_posts(labour: pl.DataFrame, month: date) -> int:
    """Employed on a 公益性岗位 in `month`, one person row at a time."""
    return sum(
        1
        for row in plain(labour).filter(pl.col("month") == month).iter_rows(named=True)
        if row["capacity"] in (ABLE, "弱劳动力")
        and row["status"] == E
        and row["employment_type"] == PUBLIC_WELFARE_POST
    )


# --- ledgers ------------------------------------------------------------------------------------

TYPED = [
    person("h1", ABLE, E, employment_type=WORKSHOP, employer="车间甲"),
    person("h1", ABLE, E, employment_type=WORKSHOP, employer="车间甲", building="2"),
    person("h2", ABLE, E, employment_type=WORKSHOP, employer="车间乙", building="2"),
    # Not employed: neither a post nor a workshop, whatever the ledger says.
    person("h2", ABLE, U, employment_type=WORKSHOP, employer="车间丙"),
    person("h3", DISABLED, E, employment_type=PUBLIC_WELFARE_POST),
    person("h3", ABLE, E, employment_type=PUBLIC_WELFARE_POST),
    person("h4", ABLE, E, employment_type=MIGRANT_TYPES[0], site="鼎新社区"),
    person("h4", ABLE, E),  # employed, type unknown: in the total, in no type
    *SPLIT,
]

# Random ledgers with employment types and employers; the places, households, capacities and
# statuses of `tests.unit.test_aggregates.ledger_rows`.
typed_rows = st.tuples(
    ledger_rows,
    st.lists(
        st.fixed_dictionaries(
            {
                "employment_type": st.sampled_from([*EMPLOYMENT_TYPES[:5], None]),
                "employer": st.sampled_from(["车间甲", "车间乙", None]),
            }
        ),
        min_size=30,
        max_size=30,
    ),
).map(lambda pair: [row | extra for row, extra in zip(pair[0], pair[1], strict=False)])


def board_targets(scope: str) -> pl.DataFrame:
    return pl.DataFrame(
        [(2024, metric, scope, 5.0) for metric in TARGET_METRICS],
        schema=TARGET_SCHEMA,
        orient="row",
    )


NO_PAYMENTS = pl.DataFrame(schema=SUBSIDY_SCHEMA)
NO_TRAINING = pl.DataFrame(schema=TRAINING_SCHEMA)


def assert_same_numbers(frame: pl.DataFrame) -> None:
    """Every number read from the aggregates equals the one from the person rows."""
    counts, grain = person_counts(frame), household_grain(frame)
    for month in [None, *frame.get_column("month").unique().drop_nulls()]:
        for by in [[], ["township"], ["site", "building"]]:
            assert_frame_equal(employment_mix(counts, month, by), person_mix(frame, month, by))
        assert_frame_equal(migrant_split(counts, month), migrant_split(frame, month))
        assert_frame_equal(
            lagging_places(None, pl.DataFrame(schema=TARGET_SCHEMA), month, households=grain),
            lagging_places(frame, pl.DataFrame(schema=TARGET_SCHEMA), month),
        )
        for by in [[], ["township"], ["site"]]:
            assert_frame_equal(
                subsidy_per_capita(NO_PAYMENTS, None, by, month, households=grain),
                subsidy_per_capita(NO_PAYMENTS, frame, by, month),
            )
        if month is None:
            continue
        assert_frame_equal(
            headline(None, NO_PAYMENTS, month, grain, counts),
            headline(frame, NO_PAYMENTS, month),
        )
        posts = headline(None, NO_PAYMENTS, month, grain, counts)["public_welfare_posts"]
        assert posts.item() == person_posts(frame, month)
        for scope in ["县", "岩孔街道", "鼎新社区"]:
            assert_frame_equal(
                target_board(
                    board_targets(scope),
                    frame,
                    NO_PAYMENTS,
                    NO_TRAINING,
                    2024,
                    month,
                    scope,
                    households=grain,
                    persons=counts,
                ),  # fmt: skip
                target_board(
                    board_targets(scope), frame, NO_PAYMENTS, NO_TRAINING, 2024, month, scope
                ),
            )


def test_typed_ledger_numbers_from_the_counts_equal_those_from_people() -> None:
    assert_same_numbers(labour(TYPED))


def test_the_board_counts_workshops_and_posts_of_the_employed_only() -> None:
    ledger = labour(TYPED)
    board = target_board(
        board_targets("县"), ledger, NO_PAYMENTS, NO_TRAINING, 2024, JUNE,
        households=household_grain(ledger), persons=person_counts(ledger),
    )  # fmt: skip
    actual = dict(board.select("metric", "actual").iter_rows())
    # 车间丙's worker is unemployed; the disabled member on a post is no labour force.
    assert (actual["扶贫车间"], actual["公益性岗位人数"]) == (2, 1)


def test_the_counts_sum_to_the_person_rows_and_keep_their_schema() -> None:
    ledger = labour(TYPED)
    counts = person_counts(ledger)
    assert counts.schema == pl.Schema(PERSON_COUNT_SCHEMA)
    assert counts.get_column("persons").sum() == ledger.height
    # The two workers of 车间甲 in one place and month are one row.
    workshop = counts.filter(pl.col("workshop") == "车间甲")
    assert workshop.get_column("persons").to_list() == [1, 1]
    assert counts.height < ledger.height


def test_an_empty_ledger_has_empty_counts() -> None:
    assert_frame_equal(person_counts(labour([])), pl.DataFrame(schema=PERSON_COUNT_SCHEMA))


def test_a_headline_without_person_rows_needs_both_aggregates() -> None:
    with pytest.raises(ValueError, match="grain"):
        headline(None, NO_PAYMENTS, JUNE, household_grain(labour(SPLIT)))


def test_extending_the_counts_by_a_month_they_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="month"):
        extend_person_counts(person_counts(labour(SPLIT)), labour([person("h9", ABLE, E)]))


@settings(max_examples=120, deadline=None)
@given(rows=typed_rows)
def test_numbers_from_the_counts_equal_those_from_people_on_random_ledgers(
    rows: list[dict[str, Any]],
) -> None:
    assert_same_numbers(labour(rows))


@settings(max_examples=80, deadline=None)
@given(rows=typed_rows, cut=st.sampled_from(MONTHS))
def test_a_new_month_extends_the_counts_as_a_recount_would(
    rows: list[dict[str, Any]], cut: date
) -> None:
    ledger = labour(rows)
    before, after = ledger.filter(pl.col("month") < cut), ledger.filter(pl.col("month") >= cut)
    assert_frame_equal(extend_person_counts(person_counts(before), after), person_counts(ledger))


@settings(max_examples=80, deadline=None)
@given(rows=typed_rows, again=typed_rows)
def test_months_counted_again_equal_a_recount(
    rows: list[dict[str, Any]], again: list[dict[str, Any]]
) -> None:
    # People join and leave: a month written again holds other rows than before.
    old, written = labour(rows), labour(again)
    months = written.get_column("month").unique().to_list()
    new = pl.concat([old.filter(~pl.col("month").is_in(months)), written])
    assert_frame_equal(recount_months(person_counts(old), new, months), person_counts(new))


@pytest.mark.parametrize("level", ["township", "site"])
def test_the_subsidy_ranking_from_the_grain_equals_the_ranking_from_people(level: Any) -> None:
    ledger = labour(TYPED)
    payments = pl.DataFrame(
        [
            (MAY, "交通补贴", "甲", "1", None, 100.0, "岩孔街道", "光明小镇", None),
            (JUNE, "吸纳就业补贴", None, None, "车间甲", 50.5, "西洛街道", None, None),
        ],
        schema=SUBSIDY_SCHEMA,
        orient="row",
    )
    assert_frame_equal(
        subsidy_ranking(payments, None, level, JUNE, households=household_grain(ledger)),
        subsidy_ranking(payments, ledger, level, JUNE),
    )
