"""Every page at a laptop's 1366×768, and the captain's pages on a 390×844 phone, in chromium:
nothing wider than the screen, no text on top of other text (headings, KPI labels and values,
buttons, captions, chart legends against axis labels), and no English built into Streamlit's
widgets on the Chinese UI ("Upload", "200MB per file", "Choose options", …)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import signed_in
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

LAPTOP = (1366, 768)
PHONE = (390, 844)
ADMIN_PAGES = [
    "/",
    "/building",
    "/meeting",
    "/subsidies",
    "/explore",
    "/rosters",
    "/jobs",
    "/income",
    "/compliance",
    "/query",
    "/upload",
    "/imports",
    "/users",
    "/audit",
]
CASES = [
    *(("demo-admin", LAPTOP, path) for path in ADMIN_PAGES),
    ("demo-captain", PHONE, "/building"),
    ("demo-captain", PHONE, "/"),
    ("demo-captain", PHONE, "/meeting"),
    ("demo-captain", LAPTOP, "/meeting"),
    *(("demo-admin", PHONE, path) for path in ADMIN_PAGES),
]
# Streamlit's own English, which the Chinese UI replaces (ui/theme.py _BUILTIN_TEXT) or avoids
# (a placeholder on every select).
BUILT_IN_ENGLISH = (
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "Choose options",
    "Choose an option",
    "No results",
    "Press Enter",
)

# Visible text as a reader sees it: text nodes with a size, not hidden, not icon ligatures
# ("upload" in Material Symbols draws an arrow), each with the boxes of its lines.
_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const text = node.textContent.trim();
    if (!el || !text || el.closest('script, style, noscript, svg, .deck-tooltip')) continue;
    if (el.closest('[data-testid="stIconMaterial"]')) continue;
    const style = getComputedStyle(el);
    if (/Material/.test(style.fontFamily)) continue;
    if (style.visibility === 'hidden' || parseFloat(style.fontSize) === 0) continue;
    if (parseFloat(style.opacity) === 0) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    // What an ancestor that clips (a closed expander, a scrolled frame) lets through.
    let clip = [-Infinity, -Infinity, Infinity, Infinity];
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflow === 'visible') continue;
      const r = p.getBoundingClientRect();
      clip = [Math.max(clip[0], r.left), Math.max(clip[1], r.top),
              Math.min(clip[2], r.right), Math.min(clip[3], r.bottom)];
    }
    const range = document.createRange();
    range.selectNodeContents(node);
    const boxes = [...range.getClientRects()]
      .map(r => [Math.max(r.left, clip[0]), Math.max(r.top, clip[1]),
                 Math.min(r.right, clip[2]), Math.min(r.bottom, clip[3])])
      .filter(([l, t, r, b]) => r - l > 1 && b - t > 1 && r > 0 && b > 0)
      .map(([l, t, r, b]) => [[l, t], [r, t], [r, b], [l, b]]);
    if (boxes.length) out.push({text: text.slice(0, 60), shapes: boxes});
  }
  return out;
}"""

# Elements reaching past the right edge of the screen, outside anything that scrolls sideways
# on purpose (a wide table scrolls in its own frame).
_TOO_WIDE = """() => {
  const width = window.innerWidth, wide = [];
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if ((x === 'auto' || x === 'scroll' || x === 'hidden') && p !== document.body
          && p !== document.documentElement && p.scrollWidth > p.clientWidth + 1) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.right <= width + 1) continue;
    if (getComputedStyle(el).visibility === 'hidden' || scrolls(el)) continue;
    wide.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} ` +
              `right=${Math.round(r.right)}`);
  }
  return {page: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""

# Each chart's legend entries, axis tick labels, axis titles and annotations, as the four corners
# of their glyphs' box on screen: a slanted month label is a slanted box, and two slanted labels
# side by side do not touch although their upright bounding boxes would.
_CHART_TEXTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot =>
  [...plot.querySelectorAll(
    '.legendtext, .xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .annotation-text')]
  .filter(t => t.textContent.trim() && t.getBBox().width > 1)
  .map(t => {
    // The glyphs' height is the font's size; the box adds the line's ascent and descent.
    const b = t.getBBox(), m = t.getScreenCTM();
    const size = parseFloat(getComputedStyle(t).fontSize), top = b.y + (b.height - size) / 2;
    const corners = [[b.x, top], [b.x + b.width, top], [b.x + b.width, top + size],
                     [b.x, top + size]]
      .map(([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; });
    return {text: t.textContent.slice(0, 40), shapes: [corners]};
  }))"""


def _box(left: float, top: float, right: float, bottom: float) -> list[list[float]]:
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


def _apart(first: list[list[float]], second: list[list[float]], slack: float) -> bool:
    """Two convex shapes (corners in order) are apart, or share at most `slack` pixels across
    some direction: the separating-axis test over both shapes' edge normals."""
    for shape in (first, second):
        for (x1, y1), (x2, y2) in zip(shape, shape[1:] + shape[:1], strict=True):
            nx, ny = y1 - y2, x2 - x1
            length = (nx * nx + ny * ny) ** 0.5
            if length == 0:
                continue
            a = [(x * nx + y * ny) / length for x, y in first]
            b = [(x * nx + y * ny) / length for x, y in second]
            if min(max(a), max(b)) - max(min(a), min(b)) <= slack:
                return True
    return False


def overlapping(texts: list[dict], slack: float = 2.0) -> list[tuple[str, str]]:
    """Pairs of different texts whose shapes overlap by more than `slack` pixels."""
    pairs = []
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            if any(not _apart(a, b, slack) for a in first["shapes"] for b in second["shapes"]):
                pairs.append((first["text"], second["text"]))
    return pairs


def _settled(page: Page) -> None:
    """The page drawn: the script done, maps drawn (WebGL, seconds without a GPU), charts laid
    out, and the rerun a map's width report causes done too."""
    page.wait_for_timeout(1_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=120_000)
    maps = page.locator('[class*="st-key-"][class*="map"] canvas')
    if maps.count():
        maps.first.wait_for(timeout=60_000)
    page.wait_for_timeout(1_500)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=120_000)


def test_overlap_finds_text_on_text_and_not_text_beside_text() -> None:
    a = {"text": "a", "shapes": [_box(0, 0, 50, 20)]}
    beside = {"text": "b", "shapes": [_box(50, 0, 90, 20)]}
    on_top = {"text": "c", "shapes": [_box(40, 5, 80, 25)]}
    assert overlapping([a, beside]) == []
    assert overlapping([a, on_top]) == [("a", "c")]
    # Two labels slanted at 45°, side by side: their upright boxes overlap, they do not.
    slanted = [[0, 40], [40, 0], [50, 10], [10, 50]]
    next_one = [[x + 20, y] for x, y in slanted]
    assert (
        overlapping([{"text": "x", "shapes": [slanted]}, {"text": "y", "shapes": [next_one]}]) == []
    )
    on_it = [[x + 5, y + 5] for x, y in slanted]
    assert overlapping([{"text": "x", "shapes": [slanted]}, {"text": "z", "shapes": [on_it]}])


@pytest.mark.parametrize(
    ("user", "size", "path"), CASES, ids=[f"{u}-{s[0]}x{s[1]}-{p}" for u, s, p in CASES]
)
def test_the_page_fits_the_screen_without_overlaps_or_english(
    browser, app_url: str, demo_store_url: str, user: str, size: tuple[int, int], path: str
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    try:
        page = context.new_page()
        signed_in(page, app_url, demo_store_url, user)
        page.goto(app_url + path)
        _settled(page)
        assert not page.get_by_test_id("stException").count()
        # A failing page shows the shell's "logged, reference …" message instead of a traceback.
        failed = STRINGS["page_failed"]["zh"].split("{")[0]
        assert not page.get_by_text(failed[:6]).count(), f"{path} failed"

        fit = page.evaluate(_TOO_WIDE)
        assert fit["page"] <= width, fit
        assert fit["wide"] == [], fit

        texts = page.evaluate(_TEXTS)
        assert overlapping(texts) == []
        for chart in page.evaluate(_CHART_TEXTS):
            assert overlapping(chart) == [], chart

        shown = " ".join(t["text"] for t in texts)
        assert [words for words in BUILT_IN_ENGLISH if words in shown] == []
    finally:
        context.close()
