"""Employment rate and household coverage (一户一人率), as domain.md defines them.

Every metric is for one reporting month. A group keeps its row when it has people but no labour
force: its rates are then null ("—" on screen), never 0 % and never a division error.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

import polars as pl
import polars.selectors as cs

from analytics.domain import LABOUR_CAPACITIES, LABOUR_STATUSES, STATUS_EMPLOYED

# The metric columns every rates frame carries after its group columns, in this order.
RATES_SCHEMA: dict[str, pl.DataType] = {
    "labour_force": pl.Int64(),
    "employed": pl.Int64(),
    "employment_rate": pl.Float64(),
    "households": pl.Int64(),
    "households_covered": pl.Int64(),
    "household_coverage": pl.Float64(),
    "zero_employment_households": pl.Int64(),
}


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def plain(frame: Frame, *columns: str) -> Frame:
    """`frame` with its categorical columns (those of `columns`, if given) as text.

    The labour frame keeps its repeated text (places, statuses, names) as categoricals, a
    third of the memory at province scale; what analytics hands back is plain text, so that
    results join with any other frame and read the same whatever their input held.
    """
    chosen = cs.by_name(*columns, require_all=False) if columns else cs.all()
    return frame.with_columns((cs.categorical() & chosen).cast(pl.String))


def labour_force_mask() -> pl.Expr:
    """True for labour-force members: able or weak labour, and employed or unemployed."""
    return (
        pl.col("capacity").is_in(LABOUR_CAPACITIES) & pl.col("status").is_in(LABOUR_STATUSES)
    ).fill_null(False)


def employed_mask() -> pl.Expr:
    """True for labour-force members who are employed (已就业)."""
    return labour_force_mask() & (pl.col("status") == STATUS_EMPLOYED).fill_null(False)


def latest_month(labour: pl.DataFrame | pl.LazyFrame) -> date | None:
    """The latest reporting month in `labour`, None when it holds no rows."""
    return labour.lazy().select(pl.col("month").max()).collect().item()


def previous_month(month: date) -> date:
    """The first day of the calendar month before `month`."""
    if month.month == 1:
        return date(month.year - 1, 12, 1)
    return date(month.year, month.month - 1, 1)


def month_end(month: date) -> date:
    """The last day of `month`'s calendar month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def employment_rates(
    labour: pl.DataFrame, by: Sequence[str], month: date | None = None
) -> pl.DataFrame:
    """Labour force, employed, household coverage and zero-employment households per group.

    `month` defaults to the latest month in `labour`. `by=[]` gives one county row, even for an
    empty frame. A household counts in every group where it has a labour-force member, so
    person-level columns (gender, education, …) group correctly too.
    """
    month = month.replace(day=1) if month is not None else latest_month(labour)
    rows = labour.lazy()
    # No month means an empty frame: nothing to filter, and the county row still comes out.
    if month is not None:
        rows = rows.filter(pl.col("month") == month)
    return _rates(rows, list(by))


def rates_by_month(
    labour: pl.DataFrame, by: Sequence[str] = (), until: date | None = None
) -> pl.DataFrame:
    """`employment_rates` for every month in `labour` (up to `until`): one row per month and
    group."""
    rows = labour.lazy()
    if until is not None:
        # Inside the query: filtered first, a province's ledger would be copied whole.
        rows = rows.filter(pl.col("month") <= until)
    return _rates(rows, ["month", *by])


def _rates(rows: pl.LazyFrame, by: list[str]) -> pl.DataFrame:
    # aggregates builds on this module's masks: imported here, where both are loaded.
    from analytics.aggregates import GRAIN_PLACES, household_counts

    if set(by) <= set(GRAIN_PLACES):
        # Grouped by places: the household grain's counts (`analytics.aggregates`, which the
        # aggregate views read built), coarsened to the keys asked for.
        return group_rates(household_counts(rows, ["month", *by]), by)
    # Person columns (gender, education, …): a household counts in every group where it has
    # a member, which a grain by place cannot tell.
    keys = list(dict.fromkeys([*by, "household"]))
    households = (
        rows.select(*keys, lf=labour_force_mask(), emp=employed_mask())
        .group_by(keys)
        .agg(pl.col("lf").sum(), pl.col("emp").sum())
    )
    return group_rates(households, by)


def group_rates(households: pl.LazyFrame, by: list[str]) -> pl.DataFrame:
    """The rates of households (one row per group and household, with their `lf` and `emp`
    members) per `by`: `RATES_SCHEMA` after the `by` columns, sorted by them."""
    # A household is covered once however many members work.
    counts = [
        pl.col("lf").sum().cast(pl.Int64).alias("labour_force"),
        pl.col("emp").sum().cast(pl.Int64).alias("employed"),
        (pl.col("lf") > 0).sum().cast(pl.Int64).alias("households"),
        (pl.col("emp") > 0).sum().cast(pl.Int64).alias("households_covered"),
    ]
    # A plain select (no keys) still yields one row on an empty frame: the county total.
    grouped = households.group_by(by).agg(counts) if by else households.select(counts)
    result = grouped.select(
        *by,
        "labour_force",
        "employed",
        _ratio("employed", "labour_force").alias("employment_rate"),
        "households",
        "households_covered",
        _ratio("households_covered", "households").alias("household_coverage"),
        (pl.col("households") - pl.col("households_covered")).alias("zero_employment_households"),
    ).collect()
    return plain(result.sort(by, nulls_last=True) if by else result)


def _ratio(numerator: str, denominator: str) -> pl.Expr:
    """numerator / denominator, null (not 0, not NaN) when the denominator is 0."""
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
        .cast(pl.Float64)
    )
