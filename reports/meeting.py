"""楼长月例会模式: the household cards' members, from the building's rows of the month."""

from __future__ import annotations

from datetime import date

import polars as pl

from analytics.drill import Place
from analytics.meeting import card_members
from data.frames import Frames


def building_members(rows: pl.DataFrame, month: date) -> pl.DataFrame:
    """Every member of the building in `month` for its cards (`analytics.meeting.card_members`);
    `rows`: the building's labour rows of the month."""
    return card_members(rows, month)


def members_of(data: Frames, place: Place, month: date) -> pl.DataFrame:
    """`building_members` of building `place`, from its slice of `month`."""
    return building_members(data.labour_slice([month], place.filter()), month)
