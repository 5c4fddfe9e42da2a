"""The building review (楼栋月报) opened by a link: KPIs, zero-employment households first,
changes since last month, unknown buildings, search.

Expected values come from `analytics` on the demo store, never from the page's own helpers.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.building import members_by_room, unemployed, zero_employment
from analytics.drill import Place, children, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.matching import job_seekers, match_postings
from analytics.rates import latest_month, month_end
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.format import fmt_count, fmt_rate
from ui.strings import STRINGS

PAGE = "pages/building.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


@pytest.fixture(scope="module")
def place(data: Frames) -> Place:
    """The building with the most zero-employment households in the latest month."""
    month = latest_month(data.labour)
    sites = children(data.labour, Place(), month).get_column("site")
    kids = pl.concat(
        children(data.labour, Place(site=s), month).with_columns(site=pl.lit(s)) for s in sites
    )
    best = kids.sort(
        ["zero_employment_households", "labour_force"], descending=True, maintain_order=True
    ).row(0, named=True)
    assert best["zero_employment_households"] > 0
    return Place(site=best["site"], building=best["building"])


def test_building_shows_its_kpis_and_zero_employment_households_first(
    app_for, demo_store_url: str, data: Frames, place: Place
) -> None:
    month = latest_month(data.labour)
    labour = in_place(data.labour, place)
    head = headline(labour, subsidies_in_place(data.subsidies, data.labour, place), month)
    head = head.row(0, named=True)

    at = app_for(demo_store_url, **place.to_query()).switch_page(PAGE).run()

    assert not at.exception
    assert not at.warning
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[zh("employment_rate")] == fmt_rate(head["employment_rate"])
    assert metrics[zh("employed")] == fmt_count(head["employed"], "unit_persons")
    assert metrics[zh("zero_employment_households")] == fmt_count(
        head["zero_employment_households"], "unit_households"
    )
    members = members_by_room(labour, month)
    zero = zero_employment(members)
    # Read-only tables carry no key: they come in page order, the pinned zero-employment first.
    tables = [d.value for d in at.dataframe]
    shown_zero, shown_members = tables[:2]
    shown_idle = next(x for x in tables if "wish" in x.columns and "reason" not in x.columns)
    assert shown_zero["name"].tolist() == zero.get_column("name").to_list()
    assert shown_zero["room"].nunique() == head["zero_employment_households"]
    assert shown_members["name"].tolist() == members.get_column("name").to_list()
    idle = unemployed(labour, month)
    assert shown_idle["name"].tolist() == idle.get_column("name").to_list()
    assert {"wish", "training_need"} <= set(shown_idle.columns)
    expected = match_postings(job_seekers(labour, month), data.postings, as_of=month_end(month))
    shown_matches = next((x for x in tables if "reason" in x.columns), None)
    if expected.is_empty():
        assert shown_matches is None
    else:
        assert shown_matches["title"].tolist() == expected.get_column("title").to_list()
        assert set(shown_matches["name"]) <= set(idle.get_column("name"))
        assert shown_matches["reason"].str.len().min() > 0
    assert zh("bld_changes_title") in [s.value for s in at.subheader]
    assert not any(zh("bld_no_previous", previous="") in i.value for i in at.info)


def test_unknown_building_says_so_and_shows_a_real_one(
    app_for, demo_store_url: str, place: Place
) -> None:
    at = app_for(demo_store_url, site=place.site, building="999").switch_page(PAGE).run()

    assert not at.exception
    assert len(at.warning) == 1
    assert "999" in at.warning[0].value
    assert at.metric  # the site's first building is shown instead


def test_first_month_has_no_previous_month_to_compare(
    app_for, demo_store_url: str, data: Frames, place: Place
) -> None:
    first: date = data.labour.get_column("month").min()

    at = app_for(demo_store_url, **place.to_query(), month=f"{first:%Y-%m}").switch_page(PAGE).run()

    assert not at.exception
    before = f"{first.year - (first.month == 1)}年{(first.month - 2) % 12 + 1}月"
    assert zh("bld_no_previous", previous=before) in [i.value for i in at.info]
    assert not any(m.delta for m in at.metric)


def test_search_by_room_offers_the_building_and_opens_it(
    app_for, demo_store_url: str, data: Frames, place: Place
) -> None:
    room = members_by_room(in_place(data.labour, place), latest_month(data.labour))["room"][0]
    at = app_for(demo_store_url).switch_page(PAGE).run()

    at.text_input(key="building_search").input(room).run()
    hit = zh("bld_hit", site=place.site, building=place.building, found=f"房号 {room}")
    button = next(b for b in at.button if b.label == hit)
    button.click().run()

    assert not at.exception
    assert at.selectbox(key="site").value == place.site
    assert at.selectbox(key="building").value == place.building
    assert at.title[0].value.startswith(
        f"{place.site} {zh('building_label', building=place.building)}"
    )
