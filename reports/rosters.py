"""一库六册: the six rosters of one month and place, from that month's rows of the place."""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.drill import Place
from analytics.rosters import rosters
from data.frames import Frames


def place_rosters(rows: pl.DataFrame, month: date) -> dict[str, pl.DataFrame]:
    """The rosters (`analytics.rosters.rosters`) of `rows`, a place's labour rows of `month`."""
    return rosters(rows, month)


def rosters_of(data: Frames, place: Place, month: date) -> dict[str, pl.DataFrame]:
    """`place_rosters` of `place` in `month`, from its slice of that month alone."""
    return place_rosters(data.labour_slice([month], place.filter()), month)


def roster_heads(
    data: Frames, place: Place, month: date, shown: int
) -> dict[str, tuple[int, pl.DataFrame]]:
    """Each roster of `rosters_of`: its length and its first `shown` rows, what the page
    shows. Kept for the next viewer without the rest: a province's roster is a month of its
    people (the workbook is made from the rows again, on the click)."""
    return {name: (r.height, r.head(shown)) for name, r in rosters_of(data, place, month).items()}
