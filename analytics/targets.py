"""Annual targets (年度目标): the target a number is measured against, and the target board
(挂图作战): each target of a year with its actual, progress and a red/amber/green status.

How a status is decided (`target_board`):

- Rates (就业率, 一户一人率), in percent as targets are written: green when the actual reaches
  the target, amber within `AMBER_RATE_POINTS` percentage points below it, red below that.
  A share of the target would be too kind: 86 % against 95 % is 90 % "done".
- Lower is better (零就业家庭, target usually 0): green when actual ≤ target, amber when above by
  at most the larger of `AMBER_LOWER_SHARE` of the target and `AMBER_LOWER_UNITS`, red beyond.
  `progress` is 1.0 when actual ≤ target, else target / actual (0.0 against a target of 0).
- Other counts and money: `progress` = actual / target (1.0 for a target ≤ 0). Green when it
  reaches `expected_progress`, amber from `AMBER_SHARE` of it, red below. `expected_progress` is
  1.0 for levels measured at the month, and the share of the year gone (序时进度, month / 12) for
  the totals that build up from 1 January (培训人数, 补贴金额): 500 trained against 1,000 in June
  is on time.

An actual that cannot be computed (no ledger rows for the scope in the month, no payments or no
training records at all in the store, a rate without labour force, a metric this module does not
know) is null, and so are its progress and status: never a false 0.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl

from analytics.aggregates import grain_rates
from analytics.domain import (
    COUNTY_SCOPE,
    HOME_PIECEWORK,
    PUBLIC_WELFARE_POST,
    TARGET_METRICS,
    WORKSHOP,
)
from analytics.drill import Place
from analytics.rates import employed_mask, employment_rates
from analytics.subsidies import in_scope, paid_in_scope

# Targets for these metrics are written in percent (95 = 95 %); metrics compare with fractions.
RATE_METRICS = ("就业率", "一户一人率")
LOWER_IS_BETTER = ("零就业家庭",)
# Totals from 1 January, measured against the share of the year gone (序时进度).
CUMULATIVE_METRICS = ("培训人数", "补贴金额")

AMBER_SHARE = 0.9
AMBER_RATE_POINTS = 2.0
AMBER_LOWER_SHARE = 0.1
AMBER_LOWER_UNITS = 5.0

GREEN, AMBER, RED = "green", "amber", "red"

BOARD_SCHEMA: dict[str, pl.DataType] = {
    "metric": pl.String(),
    "target": pl.Float64(),
    "actual": pl.Float64(),
    "progress": pl.Float64(),
    "expected_progress": pl.Float64(),
    "status": pl.String(),
    "higher_is_better": pl.Boolean(),
}


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


def place_target(
    targets: pl.DataFrame, place: Place, year: int, metric: str = "就业率"
) -> float | None:
    """The target `place` is held to: its site's, else its township's, else the county's."""
    for scope in (place.site, place.township, COUNTY_SCOPE):
        if scope is not None and (goal := target_value(targets, year, metric, scope)) is not None:
            return goal
    return None


def target_board(
    targets: pl.DataFrame,
    labour: pl.DataFrame,
    subsidies: pl.DataFrame,
    training: pl.DataFrame,
    year: int,
    month: date | None = None,
    scope: str = COUNTY_SCOPE,
    households: pl.DataFrame | None = None,
    persons: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per target of `year` for `scope` (县, or a township or site name), in
    `TARGET_METRICS` order (`BOARD_SCHEMA`); the module docstring says how status is decided.

    Levels are those of `month` (default: the latest ledger month of `year`); totals run from
    1 January to the month's last day (to 31 December when the year has no ledger month).
    Actuals: 就业率 and 一户一人率 in percent; 零就业家庭, 已就业人数, 公益性岗位人数 and 居家就业
    count households or employed persons at the month; 扶贫车间 counts workshops, the distinct
    employers of people employed in one (targets name workshops: 31 in Zongyang's plan);
    培训人数 counts distinct people whose course started in the period (outside the county: those
    in the scope's ledger); 补贴金额 is the yuan paid in the period, placed by the township or site
    written on the payment.

    With `households` and `persons`, the household grain and person counts of `labour`
    (`analytics.aggregates`), the levels come from them: the same board, and the person rows
    are read only for 培训人数 outside the county.
    """
    if month is not None and month.year != year:
        raise ValueError(f"month {month:%Y-%m} is not in year {year}")
    aggregates = (households, persons) if households is not None and persons is not None else None
    held = labour if aggregates is None else aggregates[0]
    month = month.replace(day=1) if month is not None else _latest_in_year(held, year)
    rows = targets.filter((pl.col("year") == year) & (pl.col("scope") == scope)).select(
        "metric", "target"
    )
    actual = _actuals(labour, subsidies, training, year, month, scope, aggregates)
    actuals = pl.DataFrame(
        {"metric": list(actual), "actual": list(actual.values())},
        schema={"metric": pl.String(), "actual": pl.Float64()},
    )
    month_share = (month.month if month is not None else 12) / 12
    order = pl.col("metric").replace_strict(
        TARGET_METRICS, range(len(TARGET_METRICS)), default=len(TARGET_METRICS)
    )
    return (
        rows.join(actuals, on="metric", how="left")
        .with_columns(
            higher_is_better=~pl.col("metric").is_in(LOWER_IS_BETTER),
            expected_progress=pl.when(pl.col("metric").is_in(CUMULATIVE_METRICS))
            .then(pl.lit(month_share))
            .otherwise(1.0),
        )
        .with_columns(progress=_progress())
        .with_columns(status=_status())
        .sort(order, "metric")
        .select(list(BOARD_SCHEMA))
        .cast(BOARD_SCHEMA)
    )


def _progress() -> pl.Expr:
    actual, target = pl.col("actual"), pl.col("target")
    higher = pl.when(target > 0).then(actual / target).otherwise(1.0)
    lower = pl.when(actual <= target).then(1.0).otherwise(target / actual)
    return (
        pl.when(actual.is_null())
        .then(None)
        .when(pl.col("higher_is_better"))
        .then(higher)
        .otherwise(lower)
        .cast(pl.Float64)
    )


def _status() -> pl.Expr:
    actual, target = pl.col("actual"), pl.col("target")
    progress, expected = pl.col("progress"), pl.col("expected_progress")
    rate = pl.col("metric").is_in(RATE_METRICS)
    lower_margin = pl.max_horizontal(target * AMBER_LOWER_SHARE, pl.lit(AMBER_LOWER_UNITS))
    return (
        pl.when(actual.is_null())
        .then(None)
        .when(~pl.col("higher_is_better"))
        .then(
            pl.when(actual <= target)
            .then(pl.lit(GREEN))
            .when(actual <= target + lower_margin)
            .then(pl.lit(AMBER))
            .otherwise(pl.lit(RED))
        )
        .when(rate)
        .then(
            pl.when(actual >= target)
            .then(pl.lit(GREEN))
            .when(actual >= target - AMBER_RATE_POINTS)
            .then(pl.lit(AMBER))
            .otherwise(pl.lit(RED))
        )
        .when(progress >= expected)
        .then(pl.lit(GREEN))
        .when(progress >= expected * AMBER_SHARE)
        .then(pl.lit(AMBER))
        .otherwise(pl.lit(RED))
    )


def _latest_in_year(labour: pl.DataFrame | pl.LazyFrame, year: int) -> date | None:
    return (
        labour.lazy()
        .select(pl.col("month").filter(pl.col("month").dt.year() == year).max())
        .collect()
        .item()
    )


def _actuals(
    labour: pl.DataFrame | pl.LazyFrame,
    subsidies: pl.DataFrame,
    training: pl.DataFrame,
    year: int,
    month: date | None,
    scope: str,
    aggregates: tuple[pl.DataFrame, pl.DataFrame] | None = None,
) -> dict[str, float | None]:
    """Each metric of `TARGET_METRICS` → its actual, None where it cannot be computed; the
    levels from `aggregates` (household grain, person counts) when given."""
    start = date(year, 1, 1)
    end = (
        date(year, month.month, calendar.monthrange(year, month.month)[1])
        if month is not None
        else date(year, 12, 31)
    )
    county = scope == COUNTY_SCOPE
    at_scope = in_scope(scope)  # the same rule places ledger rows and payments
    actual: dict[str, float | None] = dict.fromkeys(TARGET_METRICS)

    # Levels: the scope's ledger in the month, cut first (the ledger holds every month).
    rows = None
    if aggregates is not None:
        actual |= _levels_of_aggregates(*aggregates, month, at_scope)
    elif month is not None:
        rows = labour.lazy().filter((pl.col("month") == month) & at_scope).collect()
    if rows is not None and not rows.is_empty():
        rates = employment_rates(rows, [], month).row(0, named=True)
        employed = rows.filter(employed_mask())
        of_type = employed.get_column("employment_type")
        # Percent from the counts: 57 of 100 is exactly 57.0, where 0.57 * 100 is 56.99999….
        for metric, part, whole in (
            ("就业率", "employed", "labour_force"),
            ("一户一人率", "households_covered", "households"),
        ):
            actual[metric] = rates[part] * 100 / rates[whole] if rates[whole] else None
        actual["零就业家庭"] = rates["zero_employment_households"]
        actual["已就业人数"] = rates["employed"]
        actual["公益性岗位人数"] = (of_type == PUBLIC_WELFARE_POST).sum()
        actual["居家就业"] = (of_type == HOME_PIECEWORK).sum()
        actual["扶贫车间"] = (
            employed.filter(pl.col("employment_type") == WORKSHOP)
            .get_column("employer")
            .drop_nulls()
            .n_unique()
        )

    # Totals from 1 January; an empty frame means nothing was imported, not nothing happened.
    actual["补贴金额"] = paid_in_scope(subsidies, scope, start, end)
    in_period = pl.col("start").is_between(start, end)
    if not training.is_empty() and county:
        actual["培训人数"] = _trainees(training.filter(in_period))
    elif not training.is_empty():
        people = (
            labour.lazy()
            .filter(at_scope)
            .select(pl.col("id_number").unique().drop_nulls())
            .collect()
            .get_column("id_number")
        )
        if not people.is_empty():
            actual["培训人数"] = _trainees(
                training.filter(in_period & pl.col("id_number").is_in(people.implode()))
            )
    return actual


def _levels_of_aggregates(
    households: pl.DataFrame, persons: pl.DataFrame, month: date | None, at_scope: pl.Expr
) -> dict[str, float | None]:
    """The level metrics of `_actuals` from the household grain and the person counts."""
    if month is None:
        return {}
    grain = households.lazy().filter((pl.col("month") == month) & at_scope).collect()
    if grain.is_empty():
        return {}
    rates = grain_rates(grain, []).row(0, named=True)
    employed = (
        persons.lazy()
        .filter((pl.col("month") == month) & at_scope & pl.col("employed"))
        .select("employment_type", "workshop", "persons")
        .collect()
    )
    posts, home, workshops = employed.select(
        _persons_of(PUBLIC_WELFARE_POST),
        _persons_of(HOME_PIECEWORK),
        pl.col("workshop").filter(pl.col("employment_type") == WORKSHOP).drop_nulls().n_unique(),
    ).row(0)
    return {
        # Percent from the counts, as `_actuals` does.
        "就业率": _percent(rates["employed"], rates["labour_force"]),
        "一户一人率": _percent(rates["households_covered"], rates["households"]),
        "零就业家庭": rates["zero_employment_households"],
        "已就业人数": rates["employed"],
        "公益性岗位人数": posts,
        "居家就业": home,
        "扶贫车间": workshops,
    }


def _persons_of(employment_type: str) -> pl.Expr:
    return (
        pl.col("persons")
        .filter(pl.col("employment_type") == employment_type)
        .sum()
        .alias(employment_type)
    )


def _percent(part: int, whole: int) -> float | None:
    return part * 100 / whole if whole else None


def _trainees(training: pl.DataFrame) -> int:
    return training.get_column("id_number").drop_nulls().n_unique()
