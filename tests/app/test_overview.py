"""The overview at each drill level opened by a link: KPIs, children, breadcrumb, month, fallbacks.

Expected values come from `analytics` on the demo store, never from the page's own helpers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import polars as pl
import pytest

from analytics.drill import Place, children, in_place, person_timeline
from analytics.rates import employment_rates, latest_month
from analytics.targets import place_target
from data.accounts import get_account
from data.frames import load_frames
from data.store import get_engine
from ui import charts
from ui.format import fmt_rate, mask_id
from ui.strings import STRINGS

LEVELS = ["county", "township", "site", "township_site", "building", "household", "person"]
KPIS = [
    "labour_force",
    "employed",
    "employment_rate",
    "household_coverage",
    "zero_employment_households",
    "public_welfare_posts",
    "subsidy_amount_ytd",
]
# The 动态清零 block's numbers, beside the place's KPIs (tests/app/test_clearing.py checks them).
CLEARING_KPIS = ["clr_open", "clr_overdue", "clr_cleared"]
PERSON_KPIS = ["status", "employment_type", "monthly_income", "subsidy_amount_ytd"]
CHILD_TITLES = ["children_township", "children_site", "children_building", "children_household"]


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def zh_month(month: date) -> str:
    return f"{month.year}年{month.month}月"


@pytest.fixture(scope="module")
def labour(demo_store_url: str) -> pl.DataFrame:
    return load_frames(get_engine(demo_store_url)).labour


def _biggest(kids: pl.DataFrame, key: str, size: str = "labour_force") -> str:
    return kids.sort([size, key], descending=[True, False]).get_column(key)[0]


@pytest.fixture(scope="module")
def places(labour: pl.DataFrame) -> dict[str, Place]:
    """One place per level, each time the child with the most people: every list has rows."""
    month = latest_month(labour)
    county = Place()
    township = county.child(
        _biggest(children(labour, county, month, by="township"), "township"), by="township"
    )
    site = county.child(_biggest(children(labour, county, month, by="site"), "site"))
    building = site.child(_biggest(children(labour, site, month), "building"))
    household = building.child(_biggest(children(labour, building, month), "household", "members"))
    return {
        "county": county,
        "township": township,
        "site": site,
        "township_site": township.child(_biggest(children(labour, township, month), "site")),
        "building": building,
        "household": household,
        "person": household.child(children(labour, household, month).get_column("id_number")[0]),
    }


def _rate(labour: pl.DataFrame, place: Place, month: date) -> str:
    rates = employment_rates(in_place(labour, place), by=[], month=month)
    return fmt_rate(rates.get_column("employment_rate")[0])


def _metric(at, key: str) -> str:
    return next(m.value for m in at.metric if m.label == zh(key))


def _crumb_buttons(at) -> list[str]:
    return [b.label for b in at.button if (b.key or "").startswith("crumb_")]


def _crumbs(labour: pl.DataFrame, place: Place) -> list[str]:
    """The breadcrumb a reader expects, from the county down to `place`."""
    labels = [zh("county"), *filter(None, [place.township, place.site])]
    if place.building is not None:
        labels.append(zh("building_label", building=place.building))
    if place.household is not None:
        row = labour.filter(pl.col("household") == place.household).row(0, named=True)
        labels.append(zh("household_label", room=row["room"], head=row["head_name"]))
    if place.id_number is not None:
        name = labour.filter(pl.col("id_number") == place.id_number).get_column("name")[0]
        labels.append(f"{name}（{mask_id(place.id_number)}）")
    return labels


def _keyed(elements, prefix: str):
    """The element whose key starts with `prefix` (drill keys end in a round number)."""
    return next(e for e in elements if e.proto.id.rsplit("-", 1)[-1].startswith(prefix))


def _bar_groups(at, prefix: str) -> list[str]:
    """The groups of a `rate_bars` chart from the top bar down (plotly draws the first at the
    bottom)."""
    bars = _figure(at, prefix)["data"][0]
    return [point[2] for point in reversed(bars["customdata"])]


def _figure(at, prefix: str) -> dict:
    """The plotly figure (as JSON) of the chart whose key starts with `prefix`."""
    return json.loads(_keyed(at.get("plotly_chart"), prefix).proto.spec)


@pytest.mark.parametrize("level", LEVELS)
def test_level_opened_by_link_shows_its_kpis_and_path(
    app_for, demo_store_url: str, labour: pl.DataFrame, places: dict[str, Place], level: str
) -> None:
    place = places[level]
    month = latest_month(labour)

    at = app_for(demo_store_url, **place.to_query()).run()

    assert not at.exception
    assert not at.warning  # the place is known: no fallback
    if level == "person":
        # One person has a status, not a rate: no 就业率 or 一户一人率 of 100 % or 0 %.
        assert sorted(m.label for m in at.metric) == sorted(zh(k) for k in PERSON_KPIS)
        now = person_timeline(labour, place.id_number).filter(pl.col("month") == month)
        assert _metric(at, "status") == now.get_column("status")[0]
    else:
        # A household's cases are its captain's (楼栋月报): no 动态清零 block of one household.
        clearing = CLEARING_KPIS if level != "household" else []
        assert sorted(m.label for m in at.metric) == sorted(zh(k) for k in [*KPIS, *clearing])
        assert _metric(at, "employment_rate") == _rate(labour, place, month)
    *above, here = _crumbs(labour, place)
    assert _crumb_buttons(at) == above
    assert f"**{here}**" in [m.value for m in at.markdown]


def _county_lists(at, labour, place, month) -> None:
    for by in ("township", "site"):
        expected = children(labour, place, month, by=by).get_column(by).to_list()
        assert _bar_groups(at, f"drill_{by}s_") == expected


def _place_list(key: str) -> Callable:
    def check(at, labour, place, month) -> None:
        shown = _keyed(at.dataframe, "drill_children_").value
        assert shown[key].tolist() == children(labour, place, month).get_column(key).to_list()

    return check


def _members(at, labour, place, month) -> None:
    members = children(labour, place, month)
    shown = _keyed(at.dataframe, "drill_members_").value
    assert shown["name"].tolist() == members.get_column("name").to_list()
    assert {"status", "employment_type", "employer", "monthly_income"} <= set(shown.columns)
    assert shown["id_number"].tolist() == [mask_id(i) for i in members.get_column("id_number")]


def _months(at, labour, place, month) -> None:
    timeline = person_timeline(labour, place.id_number)
    (table,) = at.dataframe  # a read-only table carries no key to find it by
    shown = table.value
    assert [m.date() for m in shown["month"]] == timeline.get_column("month").to_list()
    assert len(shown) > 1


@pytest.mark.parametrize(
    "level, title, check",
    [
        ("county", "by_site_title", _county_lists),
        ("township", "children_township", _place_list("site")),
        ("site", "children_site", _place_list("building")),
        ("township_site", "children_site", _place_list("building")),
        ("building", "children_building", _place_list("household")),
        ("household", "children_household", _members),
        ("person", "timeline_title", _months),
    ],
)
def test_level_lists_its_children_in_attention_order(
    app_for,
    demo_store_url: str,
    labour: pl.DataFrame,
    places: dict[str, Place],
    level: str,
    title: str,
    check: Callable,
) -> None:
    place = places[level]
    at = app_for(demo_store_url, **place.to_query()).run()

    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert zh(title) in subheaders
    # Only this level's list: no other level's heading.
    assert [zh(k) for k in CHILD_TITLES if zh(k) in subheaders and k != title] == []
    check(at, labour, place, latest_month(labour))


@pytest.mark.parametrize("level", ["county", "site"])
@pytest.mark.parametrize("room", [0, 1])  # bars the chart could draw beyond the children
def test_bars_draw_the_first_ones_and_say_how_many_are_left_out(
    app_for,
    demo_store_url: str,
    labour: pl.DataFrame,
    places: dict[str, Place],
    monkeypatch: pytest.MonkeyPatch,
    level: str,
    room: int,
) -> None:
    place = places[level]
    kids = children(labour, place, latest_month(labour))
    most = kids.height - 1 + room
    monkeypatch.setattr(charts, "MOST_BARS", most)

    at = app_for(demo_store_url, **place.to_query()).run()

    prefix = "drill_sites_" if level == "county" else "drill_bars_"
    assert _bar_groups(at, prefix) == kids.get_column(kids.columns[0]).head(most).to_list()
    axis = _figure(at, prefix)["layout"]["xaxis"].get("title", {}).get("text")
    note = zh("bars_left_out", shown=most, total=kids.height)
    assert axis == (note if room == 0 else None)


def _site_outside(labour: pl.DataFrame, township: str) -> str:
    """A real site that nobody from `township` lives in."""
    inside = labour.filter(pl.col("township") == township).get_column("site")
    site = labour.filter(~pl.col("site").is_in(inside.implode())).get_column("site").min()
    assert site is not None, f"every site has someone from {township}"
    return site


@pytest.mark.parametrize(
    "query",
    [
        lambda p, labour: {"site": "不存在的安置点"},
        lambda p, labour: {**p["site"].to_query(), "building": "999"},
        lambda p, labour: {
            **p["township"].to_query(),
            "site": _site_outside(labour, p["township"].township),
        },
        lambda p, labour: {**p["household"].to_query(), "person": "000000000000000000"},
    ],
    ids=["unknown_site", "unknown_building", "site_not_in_township", "unknown_person"],
)
def test_unknown_place_falls_back_to_the_county(
    app_for, demo_store_url: str, labour: pl.DataFrame, places: dict[str, Place], query
) -> None:
    at = app_for(demo_store_url, **query(places, labour)).run()

    assert not at.exception
    assert [w.value for w in at.warning] == [zh("place_unknown")]
    assert _metric(at, "employment_rate") == _rate(labour, Place(), latest_month(labour))
    assert f"**{zh('county')}**" in [m.value for m in at.markdown]
    assert _crumb_buttons(at) == []  # no path left above the county


def test_month_in_url_with_a_place(
    app_for, demo_store_url: str, labour: pl.DataFrame, places: dict[str, Place]
) -> None:
    place = places["building"]
    first = labour.get_column("month").min()
    query = {**place.to_query(), "month": f"{first:%Y-%m}"}

    at = app_for(demo_store_url, **query).run()

    assert not at.exception
    assert zh_month(first) in at.title[0].value
    assert _metric(at, "employment_rate") == _rate(labour, place, first)
    shown = _keyed(at.dataframe, "drill_children_").value
    expected = children(labour, place, first).get_column("household").to_list()
    assert shown["household"].tolist() == expected
    assert at.query_params == query  # neither the month nor the path is rewritten


def test_empty_store_with_a_place_in_the_url_shows_first_run_screen(
    app_for, empty_store_url: str
) -> None:
    at = app_for(empty_store_url, site="阳光新城", building="1").run()

    assert not at.exception
    assert at.title[0].value == zh("empty_title")
    assert not at.warning  # nothing to compare the place with: no "unknown place" warning
    assert not at.metric


@pytest.mark.parametrize("crumb, level", [(0, "county"), (1, "site"), (2, "building")])
def test_breadcrumb_goes_back_up_and_keeps_the_month(
    app_for,
    demo_store_url: str,
    labour: pl.DataFrame,
    places: dict[str, Place],
    crumb: int,
    level: str,
) -> None:
    first = labour.get_column("month").min()
    month = f"{first:%Y-%m}"
    at = app_for(demo_store_url, **places["household"].to_query(), month=month).run()

    at.button(key=f"crumb_{crumb}").click().run()

    target = places[level]
    assert not at.exception
    assert at.query_params == {**target.to_query(), "month": month}
    assert _metric(at, "employment_rate") == _rate(labour, target, first)
    assert len(_crumb_buttons(at)) == crumb  # the levels below the target are gone


def test_a_person_without_income_gets_no_empty_income_chart(
    app_for, demo_store_url: str, labour: pl.DataFrame
) -> None:
    month = latest_month(labour)
    never_paid = (
        labour.group_by("id_number")
        .agg(pl.col("monthly_income").fill_null(0).max().alias("top"), pl.col("month").max())
        .filter((pl.col("top") == 0) & (pl.col("month") == month))
        .sort("id_number")
        .get_column("id_number")[0]
    )
    row = labour.filter((pl.col("id_number") == never_paid) & (pl.col("month") == month)).row(
        0, named=True
    )
    place = Place(site=row["site"], building=row["building"], household=row["household"])

    at = app_for(demo_store_url, **place.child(never_paid).to_query()).run()

    assert not at.exception
    assert not at.get("plotly_chart")  # nothing to draw: the table says every month
    assert len(at.dataframe) == 1


def test_a_township_officer_s_bars_are_held_to_the_township_s_target(
    app_for, demo_store_url: str
) -> None:
    """Their township's sites are coloured against its target, or the county's when it has
    none (the county's were cut from a township's frames, and the bars had no target at all);
    the county's target board (county targets over one township's people) is not shown."""
    engine = get_engine(demo_store_url)
    account = get_account(engine, "demo-township")
    (township,) = account.scope.townships
    month = latest_month(load_frames(engine).labour)
    store = load_frames(engine).targets
    goal = place_target(store, Place(township=township), month.year)
    assert goal is not None

    at = app_for(demo_store_url, user="demo-township").run()

    assert not at.exception
    shapes = _figure(at, "drill_bars")["layout"]["shapes"]
    assert [s["x0"] for s in shapes if s.get("type") == "line"] == [pytest.approx(goal * 100)]
    assert STRINGS["targets_title"]["zh"] not in [h.value for h in at.subheader]
