"""The demo county's household grain: kept in the snapshot, cut by scope, and every rate the
overview reads from it equal to the rate from the person rows."""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

from analytics.aggregates import grain_employment_rates, grain_rates_by_month, household_grain
from analytics.drill import Place, children, grain_children
from data.frames import Frames, Scope, load_frames
from data.store import get_engine
from tests.unit.test_aggregates import person_employment_rates, person_rates_by_month


@pytest.fixture(scope="module")
def county(demo_store_url: str) -> Frames:
    load_frames(get_engine(demo_store_url))  # writes the snapshot if no test has yet
    return load_frames(get_engine(demo_store_url))  # reads it


def test_the_snapshot_holds_the_grain_of_its_labour(county: Frames) -> None:
    assert county.households is not None
    assert_frame_equal(county.households, household_grain(county.labour))
    # Small beside the person rows it stands for.
    assert county.households.estimated_size() < county.labour.estimated_size() / 10


@pytest.mark.parametrize("by", [[], ["township"], ["site"], ["site", "building"], ["month"]])
def test_rates_from_the_grain_equal_rates_from_people(county: Frames, by: list[str]) -> None:
    assert county.households is not None
    months = county.labour.get_column("month").unique().sort()
    for month in [months[0], months[-1]]:
        assert_frame_equal(
            grain_employment_rates(county.households, by, month),
            person_employment_rates(county.labour, by, month),
        )
    if "month" not in by:
        assert_frame_equal(
            grain_rates_by_month(county.households, by),
            person_rates_by_month(county.labour, by),
        )


def test_children_from_the_grain_equal_children_from_people(county: Frames) -> None:
    assert county.households is not None
    township, site = county.labour.select("township", "site").row(0)
    for place, by in [
        (Place(), "township"),
        (Place(), "site"),
        (Place(township=township), "site"),
        (Place(site=site), "site"),
    ]:
        assert_frame_equal(
            grain_children(county.households, place, by=by),  # type: ignore[arg-type]
            children(county.labour, place, by=by),  # type: ignore[arg-type]
        )


def test_a_scope_cuts_the_grain_as_it_cuts_labour(county: Frames) -> None:
    township, site, building = county.labour.select("township", "site", "building").row(-1)
    for scope in [
        Scope(townships=frozenset({township})),
        Scope(sites=frozenset({site})),
        Scope(buildings=frozenset({(site, building)})),
    ]:
        scoped = county.scoped(scope)
        assert scoped.households is not None and not scoped.households.is_empty()
        # Ids are ranks in the county's month, not the scope's: the rates are what must agree.
        assert_frame_equal(
            grain_rates_by_month(scoped.households, ["site", "building"]),
            person_rates_by_month(scoped.labour, ["site", "building"]),
        )
    nobody = county.scoped(Scope()).households
    assert nobody is not None and nobody.is_empty()
