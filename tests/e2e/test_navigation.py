"""Navigation keeps its place (issue 21, items 1–4) in chromium: one history entry per drill
step and Back/Forward through the levels, clicks on a table cell and on a bar's name, the month
and place carried from page to page and back from the projector, a township officer's landing,
and a page the role may not open."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import polars as pl
import pytest
from playwright.sync_api import Locator, Page, expect

from analytics.drill import Place, children
from analytics.rates import latest_month
from data.accounts import get_account
from data.frames import load_frames
from data.store import get_engine
from tests.e2e.conftest import settled_box, signed_in
from ui.drill import DRILL_KEYS, GAP_NAMES
from ui.format import fmt_month
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

ROW_HEIGHT = 35  # st.dataframe's rows and header, in pixels


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def labour(demo_store_url: str):
    return load_frames(get_engine(demo_store_url)).labour


def _settled(page: Page) -> None:
    """The run is over and the page has drawn it."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)


def _history(page: Page) -> int:
    return page.evaluate("history.length")


def _path(page: Page) -> dict[str, str]:
    query = parse_qs(urlparse(page.url).query)
    return {key: query[key][-1] for key in DRILL_KEYS if key in query}


def _chart(page: Page, key: str) -> Locator:
    return page.locator(f'[class*="st-key-{key}"]').get_by_test_id("stPlotlyChart")


def _click_name(page: Page, chart: Locator, name: str) -> None:
    """Click a group's name in a rate chart (left of its bar), not the bar."""
    label = chart.locator("text.bartext").get_by_text(name, exact=True)
    expect(label).to_be_visible(timeout=30_000)
    label.scroll_into_view_if_needed()
    box = settled_box(page, label)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _click_cell(page: Page, table: Locator, row: int) -> None:
    """Click the middle of a table's `row` (0 = first data row): a cell, not its checkbox."""
    table.scroll_into_view_if_needed()
    box = settled_box(page, table)
    page.mouse.click(
        box["x"] + box["width"] / 2, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2
    )


def _at_county(page: Page) -> None:
    expect(page.get_by_role("heading", name=zh("by_site_title"))).to_be_visible(timeout=30_000)
    assert _path(page) == {}


def _at(page: Page, place: Place, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name=zh("by_site_title"))).to_have_count(0)
    assert _path(page) == place.to_query()


def test_a_name_and_a_cell_drill_and_back_and_forward_walk_the_levels(
    page: Page, app_url: str, demo_store_url: str, labour
) -> None:
    signed_in(page, app_url, demo_store_url)
    month = latest_month(labour)
    site = Place().child(children(labour, Place(), month, by="site").get_column("site")[0])
    buildings = children(labour, site, month).get_column("building")
    row = min(1, len(buildings) - 1)  # not the first row: the click must pick its own row
    building = site.child(buildings[row])

    page.goto(app_url)
    _settled(page)
    _at_county(page)
    start = _history(page)

    _click_name(page, _chart(page, "drill_sites_"), site.site)
    _at(page, site, zh("children_site"))
    _settled(page)
    assert _history(page) == start + 1  # one step down, one entry

    table = page.locator('[class*="st-key-drill_children_"]').get_by_test_id("stDataFrame")
    _click_cell(page, table, row)
    _at(page, building, zh("children_building"))
    _settled(page)
    assert _history(page) == start + 2

    page.go_back()
    _at(page, site, zh("children_site"))
    page.go_back()
    _at_county(page)
    page.go_forward()
    _at(page, site, zh("children_site"))
    page.go_forward()
    _at(page, building, zh("children_building"))
    expect(page.get_by_text(zh("building_label", building=building.building), exact=True))
    assert _history(page) == start + 2  # Back and Forward added nothing
    assert page.outside_requests == []


def test_a_building_without_its_site_is_completed_or_explained(
    page: Page, app_url: str, demo_store_url: str, labour
) -> None:
    signed_in(page, app_url, demo_store_url)
    month = latest_month(labour)
    now = labour.filter(labour["month"] == month)
    sites_of = now.group_by("building").agg(pl.col("site").cast(pl.String).unique().sort())
    shared = sites_of.filter(pl.col("site").list.len() > 1).row(0, named=True)

    page.goto(f"{app_url}/?building={shared['building']}")
    _settled(page)
    # Not silently the county: the warning names the sites that have such a building.
    warning = page.get_by_test_id("stAlert")
    expect(warning).to_contain_text(zh("building_label", building=shared["building"]))
    for site in shared["site"][:GAP_NAMES]:
        expect(warning).to_contain_text(site)
    if len(shared["site"]) > GAP_NAMES:
        expect(warning).to_contain_text(f"{len(shared['site'])} 个")

    # A household alone: its building and site come from the data.
    household = now.get_column("household").unique().sort()[0]
    home = now.filter(now["household"] == household).row(0, named=True)
    page.goto(f"{app_url}/?household={household}")
    _settled(page)
    expect(page.get_by_role("heading", name=zh("children_household"))).to_be_visible()
    expect(page.get_by_role("button", name=str(home["site"]))).to_be_visible()
    label = zh("building_label", building=home["building"])
    expect(page.get_by_role("button", name=label)).to_be_visible()
    expect(page.get_by_test_id("stAlert")).to_have_count(0)


def test_the_month_and_place_carry_across_pages_and_back_from_the_projector(
    page: Page, app_url: str, demo_store_url: str, labour
) -> None:
    signed_in(page, app_url, demo_store_url)
    months = labour.get_column("month").unique().sort()
    chosen = months[-3]
    site = children(labour, Place(), months[-1], by="site").get_column("site")[0]

    page.goto(f"{app_url}/?site={site}")
    _settled(page)
    start = _history(page)
    assert start == 2  # about:blank, then the link: the month picker's first render added none
    page.get_by_test_id("stSelectbox").filter(has_text=zh("month")).click()
    page.get_by_role("option", name=fmt_month(chosen)).click()
    expect(page.get_by_role("heading", name=re.compile(fmt_month(chosen)))).to_be_visible(
        timeout=30_000
    )
    _settled(page)
    assert _history(page) == start + 1  # one choice, one entry

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name=zh("nav_subsidies")).click()
    title = f"{zh('nav_subsidies')} · {fmt_month(chosen)}"
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=30_000)
    expect(page.get_by_text(site, exact=True).first).to_be_visible()  # the breadcrumb's place
    assert f"month={chosen:%Y-%m}" in page.url
    # The map reports its width once drawn (a session's first map), and that rerun can swallow
    # a page change clicked within it: a person reads the page first.
    page.locator('[class*="st-key-"][class*="map"]').first.locator("canvas").first.wait_for()
    page.wait_for_timeout(1000)
    _settled(page)

    sidebar.get_by_role("link", name=zh("nav_building")).click()
    review = re.compile(rf"^{re.escape(site)} .+ · {re.escape(fmt_month(chosen))}$")
    expect(page.get_by_role("heading", name=review)).to_be_visible(timeout=30_000)
    _settled(page)

    page.reload()  # the link itself holds the month and place
    expect(page.get_by_role("heading", name=review)).to_be_visible(timeout=30_000)

    sidebar.get_by_role("button", name=zh("present_start")).click()
    leave = page.get_by_role("button", name=zh("slide_exit"))
    expect(leave).to_be_attached(timeout=30_000)
    _settled(page)
    # The controls wait, hidden, for the mouse to move (a click's own move may come before
    # the slide's script listens).
    page.mouse.move(100, 100)
    page.mouse.move(120, 120)
    leave.click(timeout=30_000)
    expect(page).to_have_url(re.compile(r"/building\?"), timeout=30_000)
    expect(page.get_by_role("heading", name=review)).to_be_visible(timeout=30_000)


def test_a_township_officer_lands_on_their_township(
    page: Page, app_url: str, demo_store_url: str, labour
) -> None:
    account = get_account(get_engine(demo_store_url), "demo-township")
    (township,) = account.scope.townships
    signed_in(page, app_url, demo_store_url, "demo-township")

    page.goto(app_url)
    _settled(page)
    expect(page.get_by_role("heading", name=zh("children_township"))).to_be_visible(timeout=30_000)
    # The top of the path is the township itself: no county layout, no county crumb.
    expect(page.get_by_role("heading", name=zh("by_township_title"))).to_have_count(0)
    expect(page.get_by_role("button", name=zh("county"))).to_have_count(0)
    expect(page.get_by_text(township, exact=True).first).to_be_visible()

    site = children(labour, Place(township=township), latest_month(labour)).get_column("site")[0]
    _click_name(page, _chart(page, "drill_bars_"), site)
    expect(page.get_by_role("heading", name=zh("children_site"))).to_be_visible(timeout=30_000)
    page.get_by_role("button", name=township).click()  # the breadcrumb's top
    expect(page.get_by_role("heading", name=zh("children_township"))).to_be_visible(timeout=30_000)


def test_a_page_the_role_may_not_open_says_so(page: Page, app_url: str, demo_store_url) -> None:
    signed_in(page, app_url, demo_store_url, "demo-captain")
    page.goto(f"{app_url}/query")
    expect(page.get_by_role("heading", name=zh("nav_forbidden_title"))).to_be_visible(
        timeout=30_000
    )
    message = zh("nav_forbidden", role=zh("role_captain"), page=zh("nav_query"))
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_role("heading", name=zh("nav_overview"))).to_have_count(0)
    page.get_by_role("link", name=re.compile(zh("nav_forbidden_home", page=""))).last.click()
    expect(page.get_by_role("heading", name=zh("nav_forbidden_title"))).to_have_count(
        0, timeout=30_000
    )


def test_on_a_phone_a_page_link_closes_the_sidebar_and_on_a_laptop_leaves_it(
    page: Page, app_url: str, demo_store_url
) -> None:
    signed_in(page, app_url, demo_store_url, "demo-captain")
    sidebar = page.get_by_test_id("stSidebar")
    # The laptop first: Streamlit remembers a sidebar closed on the phone for the next page.
    for width, height, stays_open in ((1366, 768, True), (390, 844, False)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{app_url}/")
        _settled(page)
        if not stays_open:
            page.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        sidebar.get_by_role("link", name=zh("nav_meeting")).click()
        expect(page.get_by_role("heading", name=re.compile(zh("nav_meeting")))).to_be_visible(
            timeout=30_000
        )
        expect(sidebar).to_have_attribute("data-collapsed", "false" if stays_open else "true")
