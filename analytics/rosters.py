"""一库六册: the six rosters of the real-name labour database, for one month and any scope.

All labour (劳动力), employed, unemployed, employment and start-up wishes, training needs, and
two-after youth (domain.md). Rows keep the labour ledger's column order, which is the order
county staff fill and read them in; people are listed by site, building, room and name.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.domain import STATUS_EMPLOYED, STATUS_UNEMPLOYED
from analytics.drill import natural_key
from analytics.rates import labour_force_mask, plain

# Where a person lives and comes from, in the ledger's order: every list of people starts so.
PLACE_COLUMNS: tuple[str, ...] = (
    "township",
    "village",
    "site",
    "building",
    "unit",
    "room",
    "household",
)
# The labour ledger's columns, in its order (data.ledger.LABOUR), as frame columns.
ROSTER_COLUMNS: tuple[str, ...] = (
    "month",
    *PLACE_COLUMNS,
    "head_name",
    "name",
    "id_number",
    "gender",
    "relation",
    "education",
    "capacity",
    "status",
    "employment_type",
    "employer",
    "work_place",
    "monthly_income",
    "wish",
    "training_need",
    "two_after",
    "three_no",
    "monitoring",
    "phone",
)


def _has(column: str) -> pl.Expr:
    return pl.col(column).is_not_null() & (pl.col(column).cast(pl.String).str.strip_chars() != "")


# Roster → who is on it. Wishes and training needs count for the labour force only: they are
# what the employment service acts on; a pupil's wish is not yet a job search.
ROSTERS: dict[str, pl.Expr] = {
    "labour": labour_force_mask(),
    "employed": labour_force_mask() & (pl.col("status") == STATUS_EMPLOYED),
    "unemployed": labour_force_mask() & (pl.col("status") == STATUS_UNEMPLOYED),
    "wishes": labour_force_mask() & _has("wish"),
    "training": labour_force_mask() & _has("training_need"),
    "two_after": pl.col("two_after").fill_null(False),
}


def by_address(people: pl.DataFrame) -> pl.DataFrame:
    """People as county staff list them: by site, building and room (2 before 10), then name."""
    return people.sort(
        "site",
        natural_key(people, "building"),
        natural_key(people, "room"),
        "name",
        "id_number",
        nulls_last=True,
    )


def rosters(labour: pl.DataFrame, month: date) -> dict[str, pl.DataFrame]:
    """All six rosters of `month`, in the order of ROSTERS: ledger columns, by site, building,
    room."""
    # The month's people sorted once, each roster a filter that keeps their order (a province's
    # month: 3.0 s the first time in a process instead of 3.6 s, six sorts).
    in_month = by_address(labour.filter(pl.col("month") == month)).select(ROSTER_COLUMNS)
    return {name: plain(in_month.filter(ROSTERS[name].fill_null(False))) for name in ROSTERS}
