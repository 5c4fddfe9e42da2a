"""The places that need attention this month: the sites and townships below their employment-rate
target, the furthest below first. The projector shows one slide for each, after the county's.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import polars as pl

from analytics.domain import COUNTY_SCOPE
from analytics.drill import Place, children, grain_children
from analytics.rates import latest_month, previous_month
from analytics.targets import target_value

# A meeting goes through a slide in 15 s: eight places are two minutes, and a province's hundreds
# of lagging sites would be an afternoon.
MOST_PLACES = 8

LAGGING_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.String(),
    "place": pl.String(),
    "employment_rate": pl.Float64(),
    "target": pl.Float64(),
    "change": pl.Float64(),
    "employed": pl.Int64(),
    "labour_force": pl.Int64(),
    "zero_employment_households": pl.Int64(),
}


def lagging_places(
    labour: pl.DataFrame | None,
    targets: pl.DataFrame,
    month: date | None = None,
    most: int = MOST_PLACES,
    households: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Sites, then townships, of `month` (default: the latest) whose employment rate is below
    their target (`LAGGING_SCHEMA`, rates and targets as fractions).

    A place's target is its own (`scope` = its name) or else the county's. Rates and targets are
    compared in percent to a tenth of a point, as the bars label them: 94.96 % reads 95.0 % and
    meets a 95 % target. A place without a target of its own or the county's is not listed;
    without any target at all, the `most` worst places are listed instead. Order of need: the
    furthest below target first, then most zero-employment households, sites before townships,
    then `children`'s order. `change` is the rate's change
    since the month before (null without that month or without labour force then).

    `households`, the household grain of `labour` (`analytics.aggregates.household_grain`),
    gives the same places without the person rows: `labour` is then not read and may be None.
    """
    held = households if households is not None else labour
    if held is None:
        raise ValueError("lagging places need the person rows or their household grain")

    def rates(when: date, level: Literal["site", "township"]) -> pl.DataFrame:
        if households is not None:
            return grain_children(households, Place(), when, by=level)
        return children(held, Place(), when, by=level)

    month = month.replace(day=1) if month is not None else latest_month(held)
    if month is None:
        return pl.DataFrame(schema=LAGGING_SCHEMA)
    county = target_value(targets, month.year, "就业率", COUNTY_SCOPE)
    before = previous_month(month)
    had_before = (held.get_column("month") == before).any()
    frames = []
    levels: tuple[Literal["site", "township"], ...] = ("site", "township")
    for rank_of_level, level in enumerate(levels):
        now = rates(month, level).filter(pl.col("employment_rate").is_not_null())
        names = now.get_column(level).to_list()
        own = [target_value(targets, month.year, "就业率", name) for name in names]
        goal = [county if t is None else t for t in own]
        then = (
            rates(before, level).select(pl.col(level), pl.col("employment_rate").alias("then"))
            if had_before
            else pl.DataFrame(schema={level: pl.String(), "then": pl.Float64()})
        )
        frames.append(
            now.with_columns(
                target=pl.Series(goal, dtype=pl.Float64()),
                order=pl.int_range(pl.len()),
                rank_of_level=pl.lit(rank_of_level),
            )
            .join(then, on=level, how="left")
            .select(
                pl.lit(level).alias("level"),
                pl.col(level).alias("place"),
                "employment_rate",
                "target",
                (pl.col("employment_rate") - pl.col("then")).alias("change"),
                "employed",
                "labour_force",
                "zero_employment_households",
                "order",
                "rank_of_level",
            )
        )
    places = pl.concat(frames)
    percent = (pl.col("employment_rate") * 100).round(1)
    if county is None and places.get_column("target").is_null().all():
        gap = percent
    else:
        gap = percent - (pl.col("target") * 100).round(1)
        places = places.filter(gap < 0)
    return (
        places.sort(
            [gap, "zero_employment_households", "rank_of_level", "order"],
            descending=[False, True, False, False],
        )
        .head(most)
        .select(list(LAGGING_SCHEMA))
        .cast(LAGGING_SCHEMA)
    )
