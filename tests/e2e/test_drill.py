"""Drill-down by clicking bars in chromium: county → site → building; a reload keeps the place."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

from analytics.drill import Place, children
from analytics.rates import latest_month
from data.frames import load_frames
from data.store import get_engine
from tests.e2e.conftest import signed_in
from ui.drill import DRILL_KEYS
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _chart(page: Page, key: str) -> Locator:
    """The plotly chart whose widget key starts with `key` (drill keys end in a round number)."""
    return page.locator(f'[class*="st-key-{key}"]').get_by_test_id("stPlotlyChart")


def _click_bar(page: Page, chart: Locator, label: str) -> None:
    """Click the bar of the group named `label`, in its middle.

    The names are drawn inside the plot, as the text of bars of their own (clickable too):
    the bar is the rate bar whose row holds the name.
    """
    chart.scroll_into_view_if_needed()
    name = chart.locator("text.bartext").get_by_text(label, exact=True).bounding_box()
    plot = chart.locator("rect.nsewdrag").first.bounding_box()
    middle = name["y"] + name["height"] / 2
    rates = chart.locator("g.trace.bars").first  # the rate bars' trace, drawn first
    bar = None
    for _ in range(50):  # the bars may still be laying out just after the chart appears
        boxes = [b.bounding_box() for b in rates.locator("path").all()]
        bar = next((b for b in boxes if b and b["y"] <= middle <= b["y"] + b["height"]), None)
        if bar is not None:
            break
        page.wait_for_timeout(100)
    assert bar is not None, f"no bar beside {label!r}"
    left = max(bar["x"], plot["x"])
    right = min(bar["x"] + bar["width"], plot["x"] + plot["width"])
    page.mouse.click((left + right) / 2, middle)


def _drill_to(page: Page, chart: Locator, label: str, heading: str, key: str) -> float:
    """Click `label`'s bar; seconds until the URL has `key`, the next level's `heading` shows
    and the run is over."""
    start = time.perf_counter()
    _click_bar(page, chart, label)
    expect(page).to_have_url(re.compile(f"[?&]{key}="), timeout=30_000)
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)
    return time.perf_counter() - start


def _path_in_url(page: Page) -> dict[str, str]:
    query = parse_qs(urlparse(page.url).query)
    return {key: query[key][-1] for key in DRILL_KEYS if key in query}


def test_click_site_then_building_and_reload(page: Page, app_url: str, demo_store_url: str) -> None:
    signed_in(page, app_url, demo_store_url)
    labour = load_frames(get_engine(demo_store_url)).labour
    month = latest_month(labour)
    # The lowest-rate site is drawn at the top, and the lowest-rate building of it too.
    site = Place().child(children(labour, Place(), month, by="site").get_column("site")[0])
    building = site.child(children(labour, site, month).get_column("building")[0])
    building_label = zh("building_label", building=building.building)

    page.goto(app_url)
    sites_chart = _chart(page, "drill_sites_")
    expect(sites_chart.locator("text.bartext").get_by_text(site.site, exact=True)).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)

    seconds = _drill_to(page, sites_chart, site.site, zh("children_site"), "site")
    print(f"\nclick site bar → buildings rendered: {seconds:.2f} s")
    expect(page).to_have_url(re.compile(re.escape(urlencode(site.to_query()))))
    assert _path_in_url(page) == site.to_query()
    expect(_chart(page, "drill_sites_")).to_have_count(0)  # the county's charts are gone

    bars = _chart(page, "drill_bars_")
    seconds = _drill_to(page, bars, building_label, zh("children_building"), "building")
    print(f"click building bar → households rendered: {seconds:.2f} s")
    assert _path_in_url(page) == building.to_query()
    households = page.locator('[class*="st-key-drill_children_"]').get_by_test_id("stDataFrame")
    expect(households).to_have_count(1, timeout=30_000)  # the site's table is gone
    expect(households).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name=zh("children_building"))).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name=zh("county"))).to_be_visible()
    expect(page.get_by_role("button", name=site.site)).to_be_visible()
    expect(page.get_by_text(building_label, exact=True)).to_be_visible()
    assert _path_in_url(page) == building.to_query()
    assert page.outside_requests == [], page.outside_requests
