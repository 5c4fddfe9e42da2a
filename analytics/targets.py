"""Annual targets (年度目标): looking up the target a number is measured against."""

from __future__ import annotations

import polars as pl

from analytics.domain import COUNTY_SCOPE

# Targets for these metrics are written in percent (95 = 95 %); metrics compare with fractions.
RATE_METRICS = ("就业率", "一户一人率")


def target_value(
    targets: pl.DataFrame, year: int, metric: str, scope: str = COUNTY_SCOPE
) -> float | None:
    """The target of `metric` for `scope` in `year` (rates as fractions), or None if none is set."""
    row = targets.filter(
        (pl.col("year") == year) & (pl.col("metric") == metric) & (pl.col("scope") == scope)
    )
    if row.is_empty():
        return None
    value = row.get_column("target")[0]
    return value / 100 if metric in RATE_METRICS else value
