"""Pre-aggregated frames for the views that show counts and rates, not people.

The household grain: one row per month, place (township, village, site, building) and household,
with the household's labour-force members there (`lf`) and employed members (`emp`). Every rate
of `analytics.rates` grouped by month and places follows from it exactly: household coverage
needs a household's members counted together, which sums per place would lose, so the grain
keeps the household; and a household split across buildings (one code in two) is summed again
over its buildings before it counts, once, in a group that holds both.

The person counts: one row per month, place (township, site, building) and what the mix, the
migrant split, the target board and the headline's 公益性岗位 count read of a person (employed
or not, employment type, workshop), with the number of persons. Person counts add up over any
grouping of their keys, unlike household coverage: no household is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import polars as pl

from analytics.domain import WORKSHOP
from analytics.rates import employed_mask, group_rates, labour_force_mask, latest_month

# The grain's keys besides the household: every place-grouped rate groups by some of them.
GRAIN_PLACES: tuple[str, ...] = ("month", "township", "village", "site", "building")

# Places stay categorical, as in the labour frame (`analytics.columns.LABOUR_SCHEMA`): the same
# sort, the same text out of `analytics.rates.plain`.
GRAIN_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.Date(),
    "township": pl.Categorical(),
    "village": pl.Categorical(),
    "site": pl.Categorical(),
    "building": pl.Categorical(),
    # The household code's dense rank within its month: 4 bytes where the code is a string.
    # Ranked per month, so that a new month's grain does not depend on the months before it;
    # no rate groups two months together, so the code's identity across months is never needed.
    "household": pl.UInt32(),
    "lf": pl.UInt16(),  # labour-force members in this household, place and month
    "emp": pl.UInt16(),  # of them employed
}


def household_grain(labour: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The household grain of a labour frame (`GRAIN_SCHEMA`), sorted by month, household,
    then places (a household split across buildings has a row in each).

    Households without labour force keep their rows (lf 0): a place that has people but no
    labour force still has a rates row, with null rates.
    """
    grain = household_counts(labour.lazy(), GRAIN_PLACES).with_columns(
        pl.col("household").rank("dense").over("month").cast(pl.UInt32)
    )
    # The household's id before the places: integers sort fast, places only break its ties.
    order = ["month", "household", *GRAIN_PLACES[1:]]
    return grain.sort(order, nulls_last=True).collect().cast(GRAIN_SCHEMA)


def household_counts(rows: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """One row per `keys` and household code of the person rows, with `lf` and `emp`."""
    keys = list(dict.fromkeys([*keys, "household"]))
    return (
        rows.select(*keys, lf=labour_force_mask(), emp=employed_mask())
        .group_by(keys)
        # Strict: a household of 65,536 members in one building fails loudly, never wraps.
        .agg(pl.col("lf").sum().cast(pl.UInt16), pl.col("emp").sum().cast(pl.UInt16))
    )


def extend_grain(grain: pl.DataFrame, labour: pl.DataFrame) -> pl.DataFrame:
    """`grain` with the grain of `labour`'s months added, the older months as they were.

    Equal to `household_grain` of both ledgers together. Raises ValueError when `labour` holds
    a month the grain already has: that month has to be built again from all its rows.
    """
    return _extended(grain, household_grain(labour), "grain")


def regrain_months(
    grain: pl.DataFrame, labour: pl.DataFrame, months: Sequence[date]
) -> pl.DataFrame:
    """`grain` with `months` built again from `labour`'s rows of them, the other months as they
    were: equal to `household_grain(labour)` when the other months' rows are unchanged."""
    return _rebuilt(grain, labour, months, household_grain)


def _extended(old: pl.DataFrame, added: pl.DataFrame, what: str) -> pl.DataFrame:
    """`old` (sorted by month first) with the rows of `added`'s months, none of which it holds."""
    months = added.get_column("month").unique()
    if old.get_column("month").is_in(months.implode()).any():
        raise ValueError(f"the new labour records hold a month the {what} already has")
    if old.is_empty() or added.is_empty():
        return added if old.is_empty() else old
    extended = pl.concat([old, added])
    if old.get_column("month").max() < months.min():
        return extended  # a new last month: the rows are in order already
    return extended.sort("month", maintain_order=True)


def _rebuilt(
    old: pl.DataFrame,
    labour: pl.DataFrame,
    months: Sequence[date],
    build: Callable[[pl.LazyFrame], pl.DataFrame],
) -> pl.DataFrame:
    """`old` with `months` built again by `build` from `labour`'s rows of them."""
    chosen = pl.col("month").is_in(pl.Series(list(months), dtype=pl.Date()).implode())
    again = build(labour.lazy().filter(chosen))
    return pl.concat([old.filter(~chosen), again]).sort("month", maintain_order=True)


def grain_rates(grain: pl.DataFrame | pl.LazyFrame, by: Sequence[str]) -> pl.DataFrame:
    """The rates (`analytics.rates.RATES_SCHEMA` after the `by` columns) of the grain rows
    given, per `by` ⊆ `GRAIN_PLACES`.

    A household is one per month: the rows of one month (or `by` holding month) give what
    `analytics.rates` gives for the person rows they came from. Any frame with the grain's
    columns for `by`, a household column and `lf`, `emp` will do, the household codes included.
    """
    by = list(by)
    if not set(by) <= set(GRAIN_PLACES):
        raise ValueError(f"the household grain has no {sorted(set(by) - set(GRAIN_PLACES))}")
    keys = list(dict.fromkeys(["month", *by, "household"]))
    households = grain.lazy().group_by(keys).agg(pl.col("lf").sum(), pl.col("emp").sum())
    return group_rates(households, by)


def grain_employment_rates(
    grain: pl.DataFrame, by: Sequence[str], month: date | None = None
) -> pl.DataFrame:
    """`analytics.rates.employment_rates` of the labour frame whose grain this is."""
    month = month.replace(day=1) if month is not None else latest_month(grain)
    rows = grain.lazy()
    if month is not None:
        rows = rows.filter(pl.col("month") == month)
    return grain_rates(rows, by)


def grain_rates_by_month(
    grain: pl.DataFrame, by: Sequence[str] = (), until: date | None = None
) -> pl.DataFrame:
    """`analytics.rates.rates_by_month` of the labour frame whose grain this is."""
    rows = grain.lazy()
    if until is not None:
        rows = rows.filter(pl.col("month") <= until)
    return grain_rates(rows, ["month", *by])


# --- person counts ------------------------------------------------------------------------------

# The places the person views cut by (a scope, a drill place, a board's township or site; never
# a village of origin, which would multiply the rows by the villages a building draws from).
PERSON_PLACES: tuple[str, ...] = ("month", "township", "site", "building")
# Then what they count: employed or not (`analytics.rates.employed_mask`), and of the employed
# their employment type (mix, migrant split, 公益性岗位, 居家就业) and workshop, whose distinct
# count is the board's 扶贫车间 (a distinct count does not add up, so the workshop stays a key: a
# county has a few dozen). Nobody counts a type of the others, which keeps them one row a place.
PERSON_KEYS: tuple[str, ...] = (*PERSON_PLACES, "employed", "employment_type", "workshop")

PERSON_COUNT_SCHEMA: dict[str, pl.DataType] = {
    **{place: GRAIN_SCHEMA[place] for place in PERSON_PLACES},
    "employed": pl.Boolean(),
    "employment_type": pl.Categorical(),  # null unless employed
    # The employer of an employed person whose employment type is 扶贫车间, else null.
    "workshop": pl.Categorical(),
    "persons": pl.UInt32(),  # persons in the ledger with these keys
}


def person_counts(labour: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The person counts of a labour frame (`PERSON_COUNT_SCHEMA`), sorted by their keys
    (nulls last). Every person row counts, labour force or not: a place with people and no one
    employed keeps its row."""
    employed = pl.col("employed")
    return (
        labour.lazy()
        .select(*PERSON_PLACES, "employment_type", "employer", employed=employed_mask())
        .select(
            *PERSON_PLACES,
            "employed",
            pl.when(employed).then(pl.col("employment_type")).alias("employment_type"),
            pl.when(employed & (pl.col("employment_type") == WORKSHOP))
            .then(pl.col("employer"))
            .alias("workshop"),
        )
        .group_by(PERSON_KEYS)
        .agg(pl.len().cast(pl.UInt32).alias("persons"))
        .sort(PERSON_KEYS, nulls_last=True)
        .collect()
        .cast(PERSON_COUNT_SCHEMA)
    )


def extend_person_counts(counts: pl.DataFrame, labour: pl.DataFrame) -> pl.DataFrame:
    """`counts` with the counts of `labour`'s months added, as `extend_grain` does the grain."""
    return _extended(counts, person_counts(labour), "person counts")


def recount_months(
    counts: pl.DataFrame, labour: pl.DataFrame, months: Sequence[date]
) -> pl.DataFrame:
    """`counts` with `months` counted again from `labour`, as `regrain_months` does the grain."""
    return _rebuilt(counts, labour, months, person_counts)


def counted(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """`frame` with the person counts' `persons` and `employed`: person counts as they are,
    person rows one person each, employed by `analytics.rates.employed_mask`. Functions that
    count people (`analytics.mix`) so take person rows or person counts alike."""
    rows = frame.lazy()
    if "persons" in rows.collect_schema().names():
        return rows
    return rows.with_columns(persons=pl.lit(1, dtype=pl.UInt32), employed=employed_mask())
