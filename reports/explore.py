"""透视分析 (pages/explore.py): who matches an analyst's filters in a month, and the pivot.

Read from the snapshot's months the view asks for (`Frames.labour_scan`); what is kept for the
next viewer is the counts and a list's first rows, never a province's month of people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.matching import job_seekers
from analytics.pivot import Pivot, filter_labour, pivot
from analytics.rates import employment_rates
from analytics.rosters import ROSTER_COLUMNS, by_address
from data.frames import Frames

Filters = tuple[tuple[str, tuple], ...]  # dimension → chosen values, hashable for the cache


@dataclass(frozen=True)
class Matched:
    """Who matches the filters in a month: how many, their counts (`employment_rates`), the
    first rows of their list, and the job seekers among them when few enough to match."""

    persons: int
    counts: pl.DataFrame
    first_rows: pl.DataFrame
    seeker_count: int
    seekers: pl.DataFrame  # empty when more than the `most_seekers` asked for


def matching(data: Frames, filters: Filters, month: date) -> pl.DataFrame:
    """The labour rows of `month` that match the filters."""
    return filter_labour(data.labour_scan(), {d: list(v) for d, v in filters}, (month, month))


def listed(people: pl.DataFrame) -> pl.DataFrame:
    """`people` as staff list them (room, then name): the store's order, by ID number within a
    room, would tell what a masked ID hides."""
    return by_address(people).select(ROSTER_COLUMNS)


def matched(
    data: Frames, filters: Filters, month: date, first_rows: int, most_seekers: int
) -> Matched:
    """`Matched` of the filters in `month`, its list cut to `first_rows`."""
    people = matching(data, filters, month)
    seekers = job_seekers(people, month)
    return Matched(
        persons=people.height,
        counts=employment_rates(people, [], month),
        first_rows=listed(people).head(first_rows),
        seeker_count=seekers.height,
        seekers=seekers if seekers.height <= most_seekers else seekers.clear(),
    )


def pivoted(
    data: Frames,
    filters: Filters,
    months: tuple[date, date],
    rows: Sequence[str],
    columns: Sequence[str],
    measure: str,
) -> Pivot:
    """`analytics.pivot.pivot` of the filters over `months`."""
    return pivot(
        data.labour_scan(),
        data.subsidies,
        measure=measure,
        rows=list(rows),
        columns=list(columns),
        filters={d: list(v) for d, v in filters},
        months=months,
    )
