"""收入 (pages/income.py), and `python -m analytics income`: the monthly income of the employed.

Medians and quartiles do not add up over places: these numbers read the person rows of the
township chosen (all of the viewer's without one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.income import (
    HISTOGRAM_WIDTH,
    below_target,
    income_distribution,
    income_histogram,
    without_income,
)
from data.frames import Frames
from reports.jobs import people_of


def income_numbers(
    data: Frames, township: str | None, month: date, target: float, level: str
) -> dict[str, pl.DataFrame]:
    """Everything the page shows of `township` (None: all the viewer's places) in `month`,
    its places being townships or sites (`level`)."""
    township = township or None
    return {
        "overall": distribution(data, township, month, [], target),
        "below": below(data, township, month, target),
        "blank": blank(data, township, month),
        "by_type": distribution(data, township, month, ["employment_type"], target),
        "by_place": distribution(data, township, month, [level], target),
        "histogram": histogram(data, township, month, [], HISTOGRAM_WIDTH, target),
    }


def distribution(
    data: Frames, township: str | None, month: date, by: Sequence[str], target: float
) -> pl.DataFrame:
    """Earners, quartiles and the share at or above `target` per `by`."""
    return income_distribution(people_of(data, township), month, by, target)


def below(data: Frames, township: str | None, month: date, target: float) -> pl.DataFrame:
    """The employed earning less than `target`."""
    return below_target(people_of(data, township), month, target)


def blank(data: Frames, township: str | None, month: date) -> pl.DataFrame:
    """The employed without a reported income."""
    return without_income(people_of(data, township), month)


def histogram(
    data: Frames, township: str | None, month: date, by: Sequence[str], width: int, target: float
) -> pl.DataFrame:
    """Earners per income bin of `width` yuan, the bins' edges on `target`."""
    return income_histogram(people_of(data, township), month, by, width, align=round(target))
