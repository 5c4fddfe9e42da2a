"""What changed since last month, person by person (domain.md: newly employed, lost work).

People are matched by ID number between the calendar month before M and M. Those found in only
one of the two months are listed apart as `joined` or `left`: they are neither newly employed nor
out of work, they moved in or out of the ledger.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.domain import STATUS_EMPLOYED, STATUS_UNEMPLOYED
from analytics.rates import plain, previous_month

NEWLY_EMPLOYED = "newly_employed"
LOST_WORK = "lost_work"
JOINED = "joined"
LEFT = "left"
# The order rows come in, as the building captain's meeting goes through them.
CHANGES = (NEWLY_EMPLOYED, LOST_WORK, JOINED, LEFT)

CHANGES_SCHEMA: dict[str, pl.DataType] = {
    "change": pl.String(),
    "township": pl.String(),
    "site": pl.String(),
    "building": pl.String(),
    "room": pl.String(),
    "household": pl.String(),
    "name": pl.String(),
    "id_number": pl.String(),
    "status_before": pl.String(),
    "status_after": pl.String(),
    "employment_type_before": pl.String(),
    "employment_type_after": pl.String(),
}

# Where a person lives and who they are: from M, or from M-1 for people who left.
_PERSON = ("township", "site", "building", "room", "household", "name")


def changes(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """One row per person who changed between the month before `month` and `month`.

    Empty (with `CHANGES_SCHEMA`) when `labour` holds no rows for the month before: there is
    nothing to compare with, and everyone would otherwise show as joined.
    """
    month = month.replace(day=1)
    before = _month(labour, previous_month(month))
    if before.is_empty():
        return pl.DataFrame(schema=CHANGES_SCHEMA)
    after = _month(labour, month)
    both = after.join(before, on="id_number", how="full", coalesce=True, suffix="_before")
    in_before = pl.col("present_before").fill_null(False)
    in_after = pl.col("present").fill_null(False)
    change = (
        pl.when(~in_before)
        .then(pl.lit(JOINED))
        .when(~in_after)
        .then(pl.lit(LEFT))
        .when(
            (pl.col("status_before") == STATUS_UNEMPLOYED) & (pl.col("status") == STATUS_EMPLOYED)
        )
        .then(pl.lit(NEWLY_EMPLOYED))
        .when(
            (pl.col("status_before") == STATUS_EMPLOYED) & (pl.col("status") == STATUS_UNEMPLOYED)
        )
        .then(pl.lit(LOST_WORK))
    )
    return plain(
        both.with_columns(change=change)
        .filter(pl.col("change").is_not_null())
        .select(
            "change",
            *(pl.when(in_after).then(c).otherwise(f"{c}_before").alias(c) for c in _PERSON),
            "id_number",
            pl.col("status_before"),
            pl.col("status").alias("status_after"),
            pl.col("employment_type_before"),
            pl.col("employment_type").alias("employment_type_after"),
        )
        .sort(
            pl.col("change").replace_strict(CHANGES, range(len(CHANGES))),
            "site",
            "building",
            "room",
            "name",
            "id_number",
            nulls_last=True,
        )
    )


def _month(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    # `present` survives the full join as the only sure sign of being in this month's ledger.
    return (
        labour.lazy()
        .filter(pl.col("month") == month)
        .select("id_number", *_PERSON, "status", "employment_type", present=pl.lit(True))
        .collect()
    )
