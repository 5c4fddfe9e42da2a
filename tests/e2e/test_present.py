"""Projector mode in a real browser at 1920×1080: no chrome, every slide filling the screen,
controls out of sight until the mouse moves, keys step, a bar's click presents that place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import signed_in

pytestmark = pytest.mark.e2e

COUNTER = re.compile(r"^(\d+) / (\d+)$")
# The slide's content: from the title down to the lowest chart, card or table.
CONTENT = """() => {
  const boxes = [...document.querySelectorAll(
    'h1, .st-key-slide-body .js-plotly-plot, .st-key-slide-body table.board,'
    + ' .st-key-slide-body [data-testid="stMetric"]')]
    .map(e => e.getBoundingClientRect()).filter(r => r.height > 0);
  return {top: Math.min(...boxes.map(r => r.top)), bottom: Math.max(...boxes.map(r => r.bottom)),
          height: innerHeight, count: boxes.length};
}"""


# Text as drawn: plotly shrinks a label that does not fit its bar by a scale() in its transform,
# leaving its font size as it was.
DRAWN_SIZES = """ts => ts.map(t => parseFloat(t.style.fontSize)
  * parseFloat((/scale\\(([0-9.]+)/.exec(t.getAttribute('transform') || '') || [0, 1])[1]))"""


def _present(page: Page, app_url: str, demo_store_url: str, query: str = "") -> None:
    signed_in(page, app_url, demo_store_url, "demo-leader")
    page.goto(f"{app_url}/?present=1{query}")
    expect(page.locator("h1")).to_be_visible(timeout=60_000)
    # The keys are the buttons' shortcuts: bound once the buttons are on the page.
    expect(page.locator(".st-key-slide-controls button").first).to_be_attached(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


def _counter(page: Page) -> tuple[int, int]:
    text = page.locator(".st-key-slide-head").get_by_text(COUNTER).inner_text()
    shown, total = COUNTER.match(text).groups()
    return int(shown), int(total)


def _settled(page: Page) -> dict[str, float]:
    """The slide's content box (`CONTENT`) once its run is over and two readings half a second
    apart agree: the slide's charts draw, then stretch to the screen, after its title shows."""
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    last = None
    for _ in range(60):
        box = page.evaluate(CONTENT)
        if box == last and box["count"] > 1:
            return box
        last = box
        page.wait_for_timeout(500)
    raise AssertionError(f"the slide kept moving: {last}")


def test_projector_mode_hides_chrome_and_steps_by_key(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    _present(page, app_url, demo_store_url)
    value = page.get_by_test_id("stMetricValue").first
    expect(value).to_be_visible(timeout=60_000)

    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stToolbar")).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    size = value.evaluate("el => parseFloat(getComputedStyle(el.firstElementChild || el).fontSize)")
    print(f"KPI numeral font size at 1920×1080: {size}px")
    assert size >= 48

    _, total = _counter(page)
    page.keyboard.press("n")
    expect(page.get_by_text(f"2 / {total}")).to_be_visible(timeout=30_000)
    page.keyboard.press("p")
    expect(page.get_by_text(f"1 / {total}")).to_be_visible(timeout=30_000)
    assert page.outside_requests == [], page.outside_requests


def test_every_slide_fills_the_screen(page: Page, app_url: str, demo_store_url: str) -> None:
    _present(page, app_url, demo_store_url)
    page.keyboard.press("s")  # pause: the keys alone step
    expect(page.get_by_text("播放 (S)")).to_be_attached(timeout=30_000)
    shown, total = _counter(page)
    assert total > 5  # the county's five, then the places below target
    covered = {}
    for step in range(total):
        expect(page.get_by_text(f"{step + 1} / {total}")).to_be_visible(timeout=30_000)
        box = _settled(page)
        title = page.locator("h1").inner_text()
        covered[title] = (box["bottom"] - box["top"]) / box["height"]
        assert box["bottom"] <= box["height"] + 1, f"{title} runs off the screen"
        page.keyboard.press("n")
    print({k: f"{v:.0%}" for k, v in covered.items()})
    assert len(covered) == total
    assert min(covered.values()) >= 0.8, covered


def test_slide_text_reads_from_the_back_of_the_room(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    _present(page, app_url, demo_store_url)
    page.keyboard.press("s")
    expect(page.get_by_text("播放 (S)")).to_be_attached(timeout=30_000)
    _, total = _counter(page)
    for slide in range(2, 7):
        page.keyboard.press("n")
        expect(page.get_by_text(f"{slide} / {total}")).to_be_visible(timeout=30_000)
        if slide not in (3, 6):  # the sites' bars; the first place in need, its children's bars
            continue
        _settled(page)
        chart = page.locator(".st-key-slide-body .js-plotly-plot").first
        # The values: the text of the first bars (the rate bars; rate_bars draws them first).
        values = chart.locator("g.trace.bars").first.locator("text").evaluate_all(DRAWN_SIZES)
        # The rate axis's ticks, and the group names (the text of the last bars: rate_bars).
        ticks = chart.locator("g.xtick text, g.ytick text").evaluate_all(DRAWN_SIZES)
        ticks += chart.locator("g.trace.bars").last.locator("text").evaluate_all(DRAWN_SIZES)
        assert values and min(values) >= 28, (slide, values)
        assert ticks and min(ticks) >= 20, (slide, ticks)


def test_controls_wait_for_the_mouse(page: Page, app_url: str, demo_store_url: str) -> None:
    _present(page, app_url, demo_store_url)
    controls = page.locator(".st-key-slide-controls")
    help_icon = page.get_by_test_id("stTooltipIcon").first
    expect(controls).to_have_css("opacity", "0")
    expect(help_icon).to_be_hidden()

    page.keyboard.press("n")  # keys work while the controls are out of sight
    expect(page.get_by_text(re.compile(r"^2 / \d+$"))).to_be_visible(timeout=30_000)

    page.mouse.move(400, 400)
    page.mouse.move(420, 420)
    expect(controls).to_have_css("opacity", "1")
    expect(controls.get_by_role("button", name=re.compile("下一页"))).to_be_visible()
    # Still until they fade again.
    expect(controls).to_have_css("opacity", "0", timeout=15_000)


def test_a_bar_presents_its_place_live_and_back(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    _present(page, app_url, demo_store_url)
    page.keyboard.press("s")
    page.keyboard.press("n")  # 动态清零
    expect(page.get_by_text(re.compile(r"^2 / \d+$"))).to_be_visible(timeout=30_000)
    page.keyboard.press("n")  # the sites' bars, lowest first
    expect(page.get_by_text(re.compile(r"^3 / \d+$"))).to_be_visible(timeout=30_000)
    _settled(page)
    chart = page.locator(".st-key-slide-body .js-plotly-plot").first
    # The top bar's name (drawn as the text of the last bar trace): the lowest rate.
    label = chart.locator("g.trace.bars").last.locator("text.bartext").last
    site = label.text_content()
    tick = label.bounding_box()
    plot = chart.locator("rect.nsewdrag").first.bounding_box()
    page.mouse.click(plot["x"] + plot["width"] * 0.3, tick["y"] + tick["height"] / 2)

    expect(page).to_have_url(re.compile(r"[?&]site="), timeout=30_000)
    expect(page.locator("h1")).to_have_text(re.compile(f"^{site} · "), timeout=30_000)
    box = _settled(page)
    assert (box["bottom"] - box["top"]) / box["height"] >= 0.8

    page.keyboard.press("Backspace")
    expect(page).not_to_have_url(re.compile(r"[?&]site="), timeout=30_000)
    expect(page.get_by_text(re.compile(r"^3 / \d+$"))).to_be_visible(timeout=30_000)
