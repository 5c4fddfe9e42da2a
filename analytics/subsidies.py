"""Subsidy spending (补贴) by kind and by place, in total and per labour-force member.

A payment lies at the township (and site, when known) written on its row (domain.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.rates import employment_rates


def subsidy_totals(
    payments: pl.DataFrame,
    by: Sequence[str],
    date_from: date | None = None,
    date_to: date | None = None,
) -> pl.DataFrame:
    """Number of payments and amount (yuan) per group, paid between the two dates inclusive.

    Sorted by amount, largest first, then by the group columns. `by=[]` gives one grand-total row,
    zeros included.
    """
    by = list(by)
    rows = payments.lazy()
    if date_from is not None:
        rows = rows.filter(pl.col("paid_on") >= date_from)
    if date_to is not None:
        rows = rows.filter(pl.col("paid_on") <= date_to)
    totals = [
        pl.len().cast(pl.Int64).alias("payments"),
        # Amounts are exact fen in the store: round the float sum back to whole fen.
        pl.col("amount").sum().round(2).cast(pl.Float64).alias("amount"),
    ]
    if not by:
        return rows.select(totals).collect()
    return (
        rows.group_by(by)
        .agg(totals)
        .collect()
        .sort(["amount", *by], descending=[True] + [False] * len(by), nulls_last=True)
    )


def subsidy_per_capita(
    payments: pl.DataFrame,
    labour: pl.DataFrame,
    by: Sequence[str],
    month: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> pl.DataFrame:
    """`subsidy_totals` by place, with the labour force of the same place and amount per member.

    `by` holds place columns both frames carry (`township`, `site`). The labour force is that of
    `month` (default: the latest in `labour`). Places with labour but no payment show 0 yuan;
    `amount_per_capita` is null where the labour force is 0. Sorted by it, largest first.
    """
    by = list(by)
    totals = subsidy_totals(payments, by, date_from, date_to)
    labour_force = employment_rates(labour, by, month).select(*by, "labour_force")
    if by:
        joined = totals.join(labour_force, on=by, how="full", coalesce=True)
    else:
        joined = pl.concat([totals, labour_force], how="horizontal")
    return (
        joined.with_columns(pl.col("payments", "labour_force").fill_null(0))
        .with_columns(pl.col("amount").fill_null(0.0))
        .with_columns(
            amount_per_capita=pl.when(pl.col("labour_force") > 0)
            .then(pl.col("amount") / pl.col("labour_force"))
            .otherwise(None)
        )
        .sort(
            ["amount_per_capita", *by],
            descending=[True] + [False] * len(by),
            nulls_last=True,
        )
    )
