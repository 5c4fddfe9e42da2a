"""The headline numbers (KPIs) of a place for a month, with their change against the month before.

A pure function of the frames it is given: pass frames already cut to a township, site, building
or household (`drill.in_place`, `drill.subsidies_in_place`) and the numbers are that place's.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl

from analytics.aggregates import counted, grain_employment_rates
from analytics.domain import PUBLIC_WELFARE_POST
from analytics.rates import RATES_SCHEMA, employment_rates, previous_month
from analytics.subsidies import subsidy_totals

# The KPIs in display order, with their types.
KPI_SCHEMA: dict[str, pl.DataType] = {
    **RATES_SCHEMA,
    "public_welfare_posts": pl.Int64(),
    "subsidy_amount_ytd": pl.Float64(),
}
# One row: month, the KPIs, previous_month, each KPI's `_previous`, then each KPI's `_change`.
HEADLINE_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.Date(),
    **KPI_SCHEMA,
    "previous_month": pl.Date(),
    **{f"{kpi}_previous": dtype for kpi, dtype in KPI_SCHEMA.items()},
    **{f"{kpi}_change": dtype for kpi, dtype in KPI_SCHEMA.items()},
}


def headline(
    labour: pl.DataFrame | None,
    subsidies: pl.DataFrame,
    month: date,
    households: pl.DataFrame | None = None,
    persons: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row of KPIs for `month` and the calendar month before (`HEADLINE_SCHEMA`).

    The KPIs: the columns of `employment_rates`, `public_welfare_posts` (employed on a
    公益性岗位) and `subsidy_amount_ytd` (yuan paid from 1 January of the month's year to the
    month's last day). The `_previous` values and every `_change` are null when `labour` holds
    no row for the month before: no comparison beats a comparison with nothing. A change of a
    null rate is null too.

    `households`, the household grain of `labour` (`analytics.aggregates.household_grain`),
    gives the rates without grouping the person rows again, and `persons`, its person counts
    (`analytics.aggregates.person_counts`), the posts: the same numbers. With both, `labour`
    is not read and may be None.
    """
    if labour is None and (households is None or persons is None):
        raise ValueError("a headline without person rows needs the grain and the person counts")
    month = month.replace(day=1)
    before = previous_month(month)
    now = _kpis(labour, subsidies, month, households, persons)
    held = (households if households is not None else labour).get_column("month")
    if (held == before).any():
        then = _kpis(labour, subsidies, before, households, persons)
    else:
        then = pl.DataFrame([[None] * len(KPI_SCHEMA)], schema=KPI_SCHEMA, orient="row")
    changes = [
        (pl.col(kpi) - then.get_column(kpi)).round(2).alias(kpi)
        if kpi == "subsidy_amount_ytd"
        else (pl.col(kpi) - then.get_column(kpi)).alias(kpi)
        for kpi in KPI_SCHEMA
    ]
    return pl.concat(
        [
            pl.DataFrame({"month": [month]}, schema={"month": pl.Date()}),
            now,
            pl.DataFrame({"previous_month": [before]}, schema={"previous_month": pl.Date()}),
            then.select(pl.all().name.suffix("_previous")),
            now.select(changes).select(pl.all().name.suffix("_change")),
        ],
        how="horizontal",
    ).cast(HEADLINE_SCHEMA)


def _kpis(
    labour: pl.DataFrame | None,
    subsidies: pl.DataFrame,
    month: date,
    households: pl.DataFrame | None,
    persons: pl.DataFrame | None,
) -> pl.DataFrame:
    """The KPI row of one month."""
    if households is None:
        rates = employment_rates(labour, [], month)
    else:
        rates = grain_employment_rates(households, [], month)
    on_post = pl.col("employed") & (pl.col("employment_type") == PUBLIC_WELFARE_POST).fill_null(
        False
    )
    posts = (
        counted(persons if persons is not None else labour)
        .filter(pl.col("month") == month)
        .select(
            pl.col("persons").filter(on_post).sum().cast(pl.Int64).alias("public_welfare_posts")
        )
        .collect()
    )
    month_end = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    paid = subsidy_totals(subsidies, [], date(month.year, 1, 1), month_end)
    return pl.concat(
        [rates, posts, paid.select(pl.col("amount").alias("subsidy_amount_ytd"))],
        how="horizontal",
    )
