"""补贴发放 (pages/subsidies.py), and `python -m analytics subsidies`: where the money went.

A place's labour force and employed (per-capita amounts, the map's rates) come from the
household grain; a building's payees, and a household's or a person's labour, from person rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from analytics.drill import Place, grain_children, in_place, subsidies_in_place
from analytics.rates import month_end
from analytics.subsidies import (
    subsidy_budget,
    subsidy_headline,
    subsidy_per_capita,
    subsidy_ranking,
    subsidy_totals,
)
from data.frames import Frames
from reports.overview import AGGREGATE_LEVELS


def subsidy_months(data: Frames) -> tuple[dt.date, ...]:
    """Months with a ledger or a payment."""
    paid = data.subsidies.get_column("paid_on").dt.month_start()
    return tuple(pl.concat([data.households.get_column("month"), paid]).unique().sort())


def subsidy_numbers(data: Frames, place: Place, month: dt.date) -> dict[str, pl.DataFrame]:
    """Everything the page shows of `place` in `month` ("this year": 1 January to its end)."""
    year_start, until = dt.date(month.year, 1, 1), month_end(month)
    payments = subsidies_in_place(data.subsidies, data.labour_scan(), place)
    labour, households = _labour_of(data, place)
    level = "township" if place.level == "county" else "site"
    return {
        "payments_this_year": payments.filter(pl.col("paid_on").is_between(year_start, until)),
        "head": subsidy_headline(payments, month),
        "per_capita": subsidy_per_capita(
            payments, labour, [], month, year_start, until, households=households
        ),
        "budget": budget(data, month.year, month),
        "county_rates": grain_children(data.households, Place(), month, by="township"),
        "by_township": per_capita(data, ["township"], month, year_start, until),
        "site_amounts": totals(data, ["site"], year_start, until),
        "ranking": subsidy_ranking(
            payments, labour, level, month, year_start, until, households=households
        ),
        "by_month": subsidy_totals(
            payments, ["month", "kind"], dt.date(month.year - 1, 1, 1), until
        ).sort("month", "kind"),
        "by_kind": subsidy_totals(payments, ["kind", level], year_start, until),
    }


def totals(
    data: Frames, by: Sequence[str], date_from: dt.date | None, date_to: dt.date | None
) -> pl.DataFrame:
    """The county's payments and amounts per `by` (`analytics.subsidies.subsidy_totals`)."""
    return subsidy_totals(data.subsidies, by, date_from, date_to)


def per_capita(
    data: Frames,
    by: Sequence[str],
    month: dt.date,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> pl.DataFrame:
    """The county's amounts per labour-force member of `month` per township or site
    (`analytics.subsidies.subsidy_per_capita`)."""
    return subsidy_per_capita(
        data.subsidies, None, by, month, date_from, date_to, households=data.households
    )


def budget(data: Frames, year: int, month: dt.date) -> pl.DataFrame:
    """The year's 补贴金额 targets against the amounts paid to `month`'s end."""
    return subsidy_budget(data.subsidies, data.targets, year, month)


def _labour_of(data: Frames, place: Place) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """(person rows, household grain) of `place` for `analytics.subsidies`: the grain where it
    holds the place, else the person rows."""
    if place.level in AGGREGATE_LEVELS:
        return None, in_place(data.households, place)
    return data.labour_slice(None, place.filter()), None
