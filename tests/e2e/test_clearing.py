"""动态清零 at a laptop's 1366×768: the overview's block begins on the first screen and fits one
screen, its bars drawn; the projector's slide holds its numbers and bars without scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import settled_box, signed_in
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def zh(key: str) -> str:
    return STRINGS[key]["zh"]


def _open(page: Page, app_url: str, demo_store_url: str, path: str) -> None:
    page.set_viewport_size(LAPTOP)
    signed_in(page, app_url, demo_store_url)
    page.goto(app_url + path)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


def test_the_overview_block_is_on_the_first_screen_and_fits_one(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    _open(page, app_url, demo_store_url, "/")
    block = page.locator(".st-key-clearing")
    expect(block).to_be_visible(timeout=120_000)
    # The block's numbers come after the audit's cases, worked out cold on a new server.
    for label in ("clr_open", "clr_overdue", "clr_cleared"):
        label_box = block.get_by_test_id("stMetricLabel").filter(has_text=zh(label))
        expect(label_box).to_be_visible(timeout=60_000)
    expect(block.locator(".js-plotly-plot .bars").first).to_be_attached(timeout=60_000)

    box = settled_box(page, block)
    # Below the headline numbers, begun on the first screen: read without scrolling to it.
    assert box["y"] < LAPTOP["height"]
    # Compact: the whole block within one screen's height, and within the page's width.
    assert box["height"] <= LAPTOP["height"] * 0.6
    assert box["x"] + box["width"] <= LAPTOP["width"]


def test_the_slide_holds_its_numbers_and_bars_on_one_screen(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    _open(page, app_url, demo_store_url, "/?present=1")
    page.keyboard.press("n")  # the second slide: 动态清零
    expect(page.get_by_role("heading", name=zh("slide_clearing"))).to_be_visible(timeout=60_000)
    bars = page.locator(".st-key-slide-body .js-plotly-plot").first
    expect(bars).to_be_visible(timeout=60_000)
    for label in ("clr_open", "clr_overdue", "clr_cleared"):
        number = page.get_by_test_id("stMetricLabel").filter(has_text=zh(label))
        assert settled_box(page, number)["y"] < LAPTOP["height"]
    box = settled_box(page, bars)
    assert box["y"] + box["height"] <= LAPTOP["height"]
