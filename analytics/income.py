"""Monthly income (月收入) of employed people, and who earns below the county's target.

The population of month M is its employed labour-force members (domain.md) with a reported
monthly income. Employed people whose ledger row has no income are counted apart (`no_income`),
never as 0 yuan: a blank cell is a gap in the ledger, not a month without pay. A reported 0 is a
reported income and counts as one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.domain import EMPLOYMENT_TYPES
from analytics.rates import employed_mask, plain
from analytics.rosters import PLACE_COLUMNS, by_address

# Jinsha's target for a relocated worker's monthly income, in yuan (domain.md: ≥ 2,100 yuan).
INCOME_TARGET = 2100
HISTOGRAM_WIDTH = 500  # yuan per bin

DISTRIBUTION_SCHEMA: dict[str, pl.DataType] = {
    "earners": pl.Int64(),
    "income_mean": pl.Float64(),
    "income_p25": pl.Float64(),
    "income_median": pl.Float64(),
    "income_p75": pl.Float64(),
    "income_min": pl.Float64(),
    "income_max": pl.Float64(),
    "at_or_above": pl.Int64(),
    "at_or_above_share": pl.Float64(),
    "no_income": pl.Int64(),
}
HISTOGRAM_SCHEMA: dict[str, pl.DataType] = {
    "bin_start": pl.Int64(),
    "bin_end": pl.Int64(),
    "earners": pl.Int64(),
}
# The people on the list, by site, building and room; the ledger's column names.
PERSON_COLUMNS: tuple[str, ...] = (
    *PLACE_COLUMNS,
    "head_name",
    "name",
    "id_number",
    "gender",
    "employment_type",
    "employer",
    "work_place",
    "monthly_income",
    "wish",
    "training_need",
    "three_no",
    "monitoring",
    "phone",
)


def _employed(labour: pl.DataFrame | pl.LazyFrame, month: date) -> pl.LazyFrame:
    return labour.lazy().filter((pl.col("month") == month.replace(day=1)) & employed_mask())


def income_distribution(
    labour: pl.DataFrame | pl.LazyFrame,
    month: date,
    by: Sequence[str] = (),
    target: float = INCOME_TARGET,
) -> pl.DataFrame:
    """Monthly income of the employed with a reported income, per group.

    `earners`, their `income_mean`, quartiles (`income_p25`, `income_median`, `income_p75`,
    linear interpolation), `income_min`, `income_max`, `at_or_above` (income ≥ `target`),
    `at_or_above_share` (of the earners; null without earners) and `no_income` (employed,
    income blank). Every group with a ledger row in `month` keeps its row, so a place
    without earners reads "—", not 0 %. Grouped by `employment_type`, all eight types come in
    their fixed order (a type nobody works in has 0 earners).
    """
    by = list(by)
    month = month.replace(day=1)
    income = pl.col("monthly_income")
    stats = [
        income.is_not_null().sum().cast(pl.Int64).alias("earners"),
        income.mean().alias("income_mean"),
        income.quantile(0.25, interpolation="linear").alias("income_p25"),
        income.median().alias("income_median"),
        income.quantile(0.75, interpolation="linear").alias("income_p75"),
        income.min().alias("income_min"),
        income.max().alias("income_max"),
        (income >= target).sum().cast(pl.Int64).alias("at_or_above"),
        income.is_null().sum().cast(pl.Int64).alias("no_income"),
    ]
    employed = plain(_employed(labour, month))
    share = (
        pl.when(pl.col("earners") > 0)
        .then(pl.col("at_or_above") / pl.col("earners"))
        .cast(pl.Float64)
        .alias("at_or_above_share")
    )
    if not by:
        # A plain select keeps the one county row on an empty frame.
        county = employed.select(stats).with_columns(share).collect()
        return county.select(*DISTRIBUTION_SCHEMA).cast(DISTRIBUTION_SCHEMA)
    groups = _groups(labour, month, by)
    counts = employed.group_by(by).agg(stats)
    result = (
        groups.join(counts, on=by, how="left", nulls_equal=True)
        .with_columns(pl.col("earners", "at_or_above", "no_income").fill_null(0))
        .with_columns(share)
        .collect()
    )
    return _sorted(result, by).select(*by, *DISTRIBUTION_SCHEMA).cast(DISTRIBUTION_SCHEMA)


def _groups(labour: pl.DataFrame | pl.LazyFrame, month: date, by: list[str]) -> pl.LazyFrame:
    """The groups of `month`'s ledger rows; with every employment type when grouped by it."""
    others = [c for c in by if c != "employment_type"]
    rows = labour.lazy().filter(pl.col("month") == month)
    if "employment_type" not in by:
        return plain(rows.select(by)).unique()
    types = pl.LazyFrame(
        {"employment_type": EMPLOYMENT_TYPES}, schema={"employment_type": pl.String}
    )
    if not others:
        return types
    return plain(rows.select(others)).unique().join(types, how="cross")


def _sorted(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    keys = [
        pl.col(c).cast(pl.Enum(EMPLOYMENT_TYPES)) if c == "employment_type" else pl.col(c)
        for c in by
    ]
    return frame.sort(keys, nulls_last=True)


def income_histogram(
    labour: pl.DataFrame | pl.LazyFrame,
    month: date,
    by: Sequence[str] = (),
    width: int = HISTOGRAM_WIDTH,
    align: int = 0,
) -> pl.DataFrame:
    """Earners per income bin [bin_start, bin_end) of `width` yuan, per group.

    Bin edges fall on `align` + k × `width`: pass the target and no bin straddles it. Every
    group gets the same bins, from the one holding the lowest income to the one holding the
    highest, empty bins included (0 earners), so bars line up across groups. No earners: no rows.
    """
    by = list(by)
    income = pl.col("monthly_income")
    earners = (
        plain(_employed(labour, month))
        .filter(income.is_not_null())
        .select(*by, bin_start=((income - align) // width * width + align).cast(pl.Int64))
        .collect()
    )
    schema = {**earners.select(by).schema, **HISTOGRAM_SCHEMA}
    if earners.is_empty():
        return pl.DataFrame(schema=schema)
    low = earners.get_column("bin_start").min()
    high = earners.get_column("bin_start").max()
    bins = pl.DataFrame({"bin_start": range(low, high + 1, width)}, schema={"bin_start": pl.Int64})
    grid = earners.select(by).unique().join(bins, how="cross") if by else bins
    counts = earners.group_by(*by, "bin_start").agg(earners=pl.len().cast(pl.Int64))
    keys = [*by, "bin_start"]
    result = (
        grid.join(counts, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col("earners").fill_null(0), bin_end=pl.col("bin_start") + width)
        .select(*by, *HISTOGRAM_SCHEMA)
    )
    return _sorted(result, keys)


def below_target(
    labour: pl.DataFrame | pl.LazyFrame, month: date, target: float = INCOME_TARGET
) -> pl.DataFrame:
    """The employed of `month` whose reported income is below `target`, by site, building, room."""
    return _people(_employed(labour, month).filter(pl.col("monthly_income") < target))


def without_income(labour: pl.DataFrame | pl.LazyFrame, month: date) -> pl.DataFrame:
    """The employed of `month` whose ledger row has no income: to be asked, not counted as 0."""
    return _people(_employed(labour, month).filter(pl.col("monthly_income").is_null()))


def _people(rows: pl.LazyFrame) -> pl.DataFrame:
    return plain(by_address(rows.collect()).select(PERSON_COLUMNS))
