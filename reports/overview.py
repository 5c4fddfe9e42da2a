"""就业总览 (pages/overview.py), and `python -m analytics rates | mix | targets`: a place's month.

County to building read the aggregates (`Frames.households`, `Frames.person_counts`); the
person rows only for what they alone hold: a building's households, a household's members, a
person's months, and who lives in a building (its payees).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics import mix
from analytics.aggregates import grain_employment_rates, grain_rates_by_month
from analytics.domain import COUNTY_SCOPE
from analytics.drill import (
    Place,
    children,
    grain_children,
    in_place,
    person_timeline,
    subsidies_in_place,
)
from analytics.kpis import headline
from analytics.rates import rates_by_month
from analytics.targets import target_board
from data.frames import Frames

# Levels the aggregates hold: below them a place is a household or a person.
AGGREGATE_LEVELS = ("county", "township", "site", "building")
# Months of the trend line.
TREND_MONTHS = 24


def place_numbers(
    data: Frames, place: Place, month: date, board: str | None
) -> dict[str, pl.DataFrame] | None:
    """Everything the overview shows of `place` in `month` (None: no records that month), with
    the target board of `board` (`ui.state.board_scope`; None: no board)."""
    if place.level not in AGGREGATE_LEVELS:
        return _person_numbers(data, place, month)
    households = in_place(data.households, place)
    if not (households["month"] == month).any():
        return None
    numbers = {
        "headline": place_headline(data, place, month),
        "trend": grain_rates_by_month(households, until=month).tail(TREND_MONTHS),
    }
    if place.level == "county":
        numbers |= {
            "townships": grain_children(data.households, place, month, by="township"),
            "sites": grain_children(data.households, place, month, by="site"),
            "mix": employment_mix(data, month),
            "split": migrant_split(data, month),
            "board": target_numbers(data, month.year, month, board)
            if board is not None
            else pl.DataFrame(),
        }
    else:
        numbers["children"] = place_children(data, place, month)
    return numbers


def _person_numbers(data: Frames, place: Place, month: date) -> dict[str, pl.DataFrame] | None:
    """`place_numbers` of a household or a person, from their rows."""
    labour = data.labour_slice(None, place.filter())
    if not (labour["month"] == month).any():
        return None
    numbers = {
        "headline": place_headline(data, place, month),
        "trend": rates_by_month(labour, by=[], until=month).tail(TREND_MONTHS),
    }
    if place.level == "person":
        numbers["timeline"] = person_timeline(data.labour_scan(), place.id_number)
    else:
        numbers["children"] = children(labour, place, month)
    return numbers


def place_headline(data: Frames, place: Place, month: date) -> pl.DataFrame:
    """The headline KPIs of `place` in `month` and the month before (`analytics.kpis`)."""
    subsidies = subsidies_in_place(data.subsidies, data.labour_scan(), place)
    if place.level not in AGGREGATE_LEVELS:
        return headline(data.labour_slice(None, place.filter()), subsidies, month)
    return headline(
        None,
        subsidies,
        month,
        households=in_place(data.households, place),
        persons=in_place(data.person_counts, place),
    )


def place_children(data: Frames, place: Place, month: date) -> pl.DataFrame:
    """The children of a township, site or building in `month` (`analytics.drill.children`):
    a building's are households, from its person rows."""
    if place.level == "building":
        return children(data.labour_scan(), place, month)
    return grain_children(data.households, place, month)


def place_rates(data: Frames, by: Sequence[str], month: date) -> pl.DataFrame:
    """`analytics.rates.employment_rates` of the ledger per `by` (places) in `month`."""
    return grain_employment_rates(data.households, by, month)


def employment_mix(data: Frames, month: date) -> pl.DataFrame:
    """The county's employment-type mix of `month` (`analytics.mix.employment_mix`)."""
    return mix.employment_mix(data.person_counts, month)


def migrant_split(data: Frames, month: date) -> pl.DataFrame:
    """The county's three-way migrant split of `month` (`analytics.mix.migrant_split`)."""
    return mix.migrant_split(data.person_counts, month)


def target_numbers(
    data: Frames, year: int, month: date | None, scope: str = COUNTY_SCOPE
) -> pl.DataFrame:
    """The target board of `scope` for `year` at `month` (`analytics.targets.target_board`)."""
    return target_board(
        data.targets,
        data.labour_scan(),
        data.subsidies,
        data.training,
        year,
        month,
        scope,
        households=data.households,
        persons=data.person_counts,
    )
