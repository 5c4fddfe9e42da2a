"""Projector mode (ui/present.py): the county's slides, the places that need attention, and a
place's slide, from the same aggregates and functions as the overview (`reports.overview`)."""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.aggregates import grain_rates_by_month
from analytics.drill import Place, grain_children
from analytics.lagging import lagging_places
from data.frames import Frames
from reports.overview import TREND_MONTHS, place_children, place_headline, target_numbers


def lagging_of(data: Frames, month: date) -> list[Place]:
    """The places that need attention in `month`, in order of need."""
    rows = lagging_places(None, data.targets, month, households=data.households)
    return [Place(**{level: name}) for level, name in rows.select("level", "place").iter_rows()]


def place_numbers(data: Frames, place: Place, month: date) -> dict[str, pl.DataFrame]:
    """A place slide's numbers: its headline (with last month's) and its children's rates."""
    return {
        "headline": place_headline(data, place, month),
        "children": place_children(data, place, month),
    }


def county_numbers(data: Frames, name: str, month: date, board: str | None) -> pl.DataFrame:
    """The numbers of the county slide `name` in `month` (`board`: whose targets, None: none)."""
    if name == "slide_overview":
        return place_headline(data, Place(), month)
    if name == "slide_lagging":
        return grain_children(data.households, Place(), month, by="site")
    if name == "slide_trend":
        return grain_rates_by_month(data.households, until=month).tail(TREND_MONTHS)
    if name == "slide_targets" and board is not None:
        return target_numbers(data, month.year, month, board)
    return pl.DataFrame()
