"""The demo county: every screen's numbers from `reports` (the aggregates where they hold the
place) equal the same numbers worked out from the person rows, and the snapshot keeps the
person counts of its labour."""

from __future__ import annotations

import datetime as dt

import pytest
from polars.testing import assert_frame_equal

from analytics.aggregates import person_counts
from analytics.drill import Place, children, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.lagging import lagging_places
from analytics.mix import migrant_split
from analytics.rates import employment_rates, month_end, rates_by_month
from analytics.subsidies import subsidy_per_capita, subsidy_ranking
from analytics.targets import target_board
from data.frames import Frames, Scope, load_frames
from data.store import get_engine
from reports import overview, present, subsidies
from tests.unit.test_person_counts import person_mix


@pytest.fixture(scope="module")
def county(demo_store_url: str) -> Frames:
    load_frames(get_engine(demo_store_url))  # writes the snapshot if no test has yet
    return load_frames(get_engine(demo_store_url))  # reads it


@pytest.fixture(scope="module")
def months(county: Frames) -> list[dt.date]:
    held = county.labour.get_column("month").unique().sort()
    return [held[0], held[-1]]


def places(county: Frames) -> list[Place]:
    township, site, building = county.labour.select("township", "site", "building").row(-1)
    return [
        Place(),
        Place(township=str(township)),
        Place(site=str(site)),
        Place(township=str(township), site=str(site)),
        Place(site=str(site), building=str(building)),
    ]


def person_headline(county: Frames, place: Place, month: dt.date):
    payments = subsidies_in_place(county.subsidies, county.labour, place)
    return headline(in_place(county.labour, place), payments, month)


def person_board(county: Frames, month: dt.date, scope: str):
    return target_board(
        county.targets, county.labour, county.subsidies, county.training, month.year, month, scope
    )


def test_the_snapshot_holds_the_person_counts_of_its_labour(county: Frames) -> None:
    assert county.person_counts is not None
    assert_frame_equal(county.person_counts, person_counts(county.labour))
    assert county.person_counts.get_column("persons").sum() == county.labour.height
    assert county.person_counts.estimated_size() < county.labour.estimated_size() / 10


def test_the_overview_numbers_equal_the_person_rows(county: Frames, months) -> None:
    for month in months:
        for place in places(county):
            numbers = overview.place_numbers(county, place, month, "县")
            assert numbers is not None
            labour = in_place(county.labour, place)
            assert_frame_equal(numbers["headline"], person_headline(county, place, month))
            assert_frame_equal(
                numbers["trend"], rates_by_month(labour, by=[], until=month).tail(24)
            )
            if place.level != "county":
                assert_frame_equal(numbers["children"], children(county.labour, place, month))
                continue
            for by in ("township", "site"):
                assert_frame_equal(numbers[f"{by}s"], children(county.labour, place, month, by=by))
            assert_frame_equal(numbers["mix"], person_mix(county.labour, month))
            assert_frame_equal(numbers["split"], migrant_split(county.labour, month))
            assert_frame_equal(numbers["board"], person_board(county, month, "县"))


def test_the_board_of_a_township_and_a_site_equals_the_person_rows(county: Frames) -> None:
    month = county.labour.get_column("month").max()
    township, site = county.labour.select("township", "site").row(0)
    for scope in (str(township), str(site)):
        assert_frame_equal(
            overview.target_numbers(county, month.year, month, scope),
            person_board(county, month, scope),
        )


def test_the_command_line_s_rates_equal_the_person_rows(county: Frames, months) -> None:
    for month in months:
        for by in ([], ["township"], ["site"], ["site", "building"]):
            assert_frame_equal(
                overview.place_rates(county, by, month), employment_rates(county.labour, by, month)
            )


def test_the_projector_numbers_equal_the_person_rows(county: Frames, months) -> None:
    for month in months:
        assert_frame_equal(
            present.county_numbers(county, "slide_overview", month, "县"),
            person_headline(county, Place(), month),
        )
        assert_frame_equal(
            present.county_numbers(county, "slide_lagging", month, "县"),
            children(county.labour, Place(), month, by="site"),
        )
        assert_frame_equal(
            present.county_numbers(county, "slide_trend", month, "县"),
            rates_by_month(county.labour, by=[], until=month).tail(24),
        )
        assert_frame_equal(
            present.county_numbers(county, "slide_targets", month, "县"),
            person_board(county, month, "县"),
        )
        lagging = lagging_places(county.labour, county.targets, month)
        assert present.lagging_of(county, month) == [
            Place(**{level: name}) for level, name in lagging.select("level", "place").iter_rows()
        ]
        for place in places(county)[1:]:
            numbers = present.place_numbers(county, place, month)
            assert_frame_equal(numbers["headline"], person_headline(county, place, month))
            assert_frame_equal(numbers["children"], children(county.labour, place, month))


def test_the_subsidy_numbers_equal_the_person_rows(county: Frames, months) -> None:
    for month in months:
        start, until = dt.date(month.year, 1, 1), month_end(month)
        for place in places(county):
            numbers = subsidies.subsidy_numbers(county, place, month)
            payments = subsidies_in_place(county.subsidies, county.labour, place)
            labour = in_place(county.labour, place)
            level = "township" if place.level == "county" else "site"
            assert_frame_equal(
                numbers["per_capita"],
                subsidy_per_capita(payments, labour, [], month, start, until),
            )
            assert_frame_equal(
                numbers["ranking"], subsidy_ranking(payments, labour, level, month, start, until)
            )
            assert_frame_equal(
                numbers["county_rates"], children(county.labour, Place(), month, by="township")
            )
            assert_frame_equal(
                numbers["by_township"],
                subsidy_per_capita(
                    county.subsidies, county.labour, ["township"], month, start, until
                ),
            )


def test_a_scope_cuts_the_person_counts_as_it_cuts_labour(county: Frames) -> None:
    township, site, building = county.labour.select("township", "site", "building").row(-1)
    for scope in [
        Scope(townships=frozenset({township})),
        Scope(sites=frozenset({site})),
        Scope(buildings=frozenset({(site, building)})),
    ]:
        scoped = county.scoped(scope)
        assert scoped.person_counts is not None and not scoped.person_counts.is_empty()
        assert_frame_equal(scoped.person_counts, person_counts(scoped.labour))
    nobody = county.scoped(Scope()).person_counts
    assert nobody is not None and nobody.is_empty()
