"""楼栋月报 and the captains' meeting pack: one building's numbers in one month, from the months
and place the review shows (`data.frames.Frames.labour_slice`), not from every month of the
ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.building import Review, review, roster
from analytics.drill import Place
from analytics.rates import previous_month
from data.frames import Frames

# Who lived in a place in any month: the payees a building's subsidies count (domain.md).
_RESIDENT_COLUMNS = ["township", "site", "building", "id_number"]


def review_months(month: date) -> tuple[date, date]:
    """The months a building's review reads: the month before (changes since it) and the month."""
    month = month.replace(day=1)
    return previous_month(month), month


def building_roster(data: Frames) -> pl.DataFrame:
    """Every building with its site and captain (`analytics.building.roster`), for the building
    page's and the meeting's pickers. The ledger's buildings are the household grain's: the same
    places as the person rows, without reading them."""
    return roster(data.buildings, data.households)


def residents(data: Frames, place: Place) -> pl.DataFrame:
    """The people who lived in `place` in any month (`_RESIDENT_COLUMNS`, one row each place and
    person). Every month's file is opened, for these columns of the place's rows alone."""
    return data.labour_slice(None, place.filter(), columns=_RESIDENT_COLUMNS).unique(
        maintain_order=True
    )


def review_of(
    rows: pl.DataFrame, people: pl.DataFrame, data: Frames, place: Place, month: date
) -> Review:
    """The review of building `place` in `month` from its slice: `rows`, its labour rows of
    `review_months(month)` (more months or places do no harm), and `people`, its `residents`."""
    return review(
        labour=rows,
        residents=people,
        subsidies=data.subsidies,
        postings=data.postings,
        buildings=data.buildings,
        notes=data.notes,
        place=place,
        month=month,
    )


def building_review(data: Frames, place: Place, month: date) -> Review:
    """The building's review in `month` (its members empty when the month has no records): one
    function for the building page and the meeting, so `ui.state.computed` works it out once."""
    rows = data.labour_slice(review_months(month), place.filter())
    return review_of(rows, residents(data, place), data, place, month)


def site_reviews(data: Frames, site: str, month: date, building: str | None = None) -> list[Review]:
    """The reviews of every building of `site` in natural order (or of `building` alone), for
    the meeting pack: the site's slice is read once, then cut by building.

    Every building of the captains' list or the ledger gets a page, also one without data this
    month: the meeting sees that the building is missing, not a silently shorter pack.
    """
    here = building_roster(data).filter(pl.col("site") == site)
    if building is not None:
        here = here.filter(pl.col("building") == building)
    names: Sequence[str] = here.get_column("building").to_list()
    at_site = Place(site=site).filter()
    rows = data.labour_slice(review_months(month), at_site)
    people = data.labour_slice(None, at_site, columns=_RESIDENT_COLUMNS).unique(maintain_order=True)
    return [review_of(rows, people, data, Place(site=site, building=n), month) for n in names]
