"""The employment-type mix (就业形式) of employed people, and Shaanxi's three-way migrant split."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.aggregates import counted
from analytics.domain import EMPLOYMENT_TYPES, MIGRANT_TYPES
from analytics.rates import latest_month, plain

# The columns every mix frame carries after its group columns.
MIX_SCHEMA: dict[str, pl.DataType] = {
    "employment_type": pl.String(),
    "employed": pl.Int64(),
    "share": pl.Float64(),
}


def employment_mix(
    labour: pl.DataFrame, month: date | None = None, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Employed labour-force members per employment type, all eight in `EMPLOYMENT_TYPES` order.

    `labour` is person rows, or their person counts (`analytics.aggregates.person_counts`): the
    same frame from either. `month` defaults to the latest in `labour`. `share` divides by
    everyone employed in the group, so people employed without a known type keep the shares
    below 100 % instead of hiding; it is null where nobody is employed. With `by`, every group
    that has a row that month gets all eight types, sorted by the group columns (nulls last),
    then type.
    """
    by = list(by)
    month = month.replace(day=1) if month is not None else latest_month(labour)
    rows = labour.lazy()
    if month is not None:
        rows = rows.filter(pl.col("month") == month)
    rows = plain(counted(rows).select(*by, "employment_type", "persons", "employed"))
    types = pl.LazyFrame(
        {"employment_type": EMPLOYMENT_TYPES, "order": range(len(EMPLOYMENT_TYPES))},
        schema={"employment_type": pl.String(), "order": pl.Int64()},
    )
    counts = (
        rows.filter("employed")
        .group_by(*by, "employment_type")
        .agg(pl.col("persons").sum().cast(pl.Int64).alias("employed"))
    )
    totals = pl.col("persons").filter("employed").sum().cast(pl.Int64).alias("total")
    if by:
        groups = rows.group_by(by).agg(totals)
        grid = groups.join(types, how="cross")
    else:
        # A plain select keeps the one county row on an empty frame.
        grid = rows.select(totals).join(types, how="cross")
    keys = [*by, "employment_type"]
    return (
        grid.join(counts, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col("employed").fill_null(0))
        .with_columns(share=_share(pl.col("employed"), pl.col("total")))
        .collect()
        .sort([*by, "order"], nulls_last=True)
        .select(*by, *MIX_SCHEMA)
    )


def migrant_split(labour: pl.DataFrame, month: date | None = None) -> pl.DataFrame:
    """The three migrant-work types of Shaanxi's reporting (省外 / 省内县外 / 县内) in `month`,
    of person rows or person counts as `employment_mix`.

    `share` is of the three together (they are reported as one total), null when it is 0.
    """
    mix = employment_mix(labour, month).filter(pl.col("employment_type").is_in(MIGRANT_TYPES))
    return mix.with_columns(share=_share(pl.col("employed"), pl.col("employed").sum()))


def _share(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    return pl.when(whole > 0).then(part / whole).otherwise(None).cast(pl.Float64)
