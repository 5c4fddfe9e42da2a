"""Colours, the plotly template and page CSS: one look for every page."""

from __future__ import annotations

import json

# Imported whole before any chart is built: plotly imports pandas on first use without the import
# lock, and two sessions drawing their first chart at once got it half-imported (AttributeError:
# partially initialized module 'pandas', seen under the 20-session load test).
import pandas  # noqa: F401
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from analytics import domain
from ui.strings import t

# One fixed colour per employment type across the whole app (colour-blind-safe, projector-bright).
EMPLOYMENT_TYPE_COLOURS = {
    domain.OUT_OF_PROVINCE: "#1f77b4",
    domain.IN_PROVINCE_OUT_OF_COUNTY: "#6baed6",
    domain.IN_COUNTY: "#2ca02c",
    domain.PUBLIC_WELFARE_POST: "#ff7f0e",
    domain.WORKSHOP: "#9467bd",
    domain.HOME_PIECEWORK: "#e377c2",
    domain.SELF_EMPLOYED: "#8c564b",
    domain.FLEXIBLE: "#7f7f7f",
}
# One fixed colour per subsidy type: person payments in colour, employer payments in muted tones.
SUBSIDY_KIND_COLOURS = {
    domain.SUBSIDY_PUBLIC_WELFARE: "#ff7f0e",
    domain.SUBSIDY_TRANSPORT: "#1f77b4",
    domain.SUBSIDY_LIVING: "#aec7e8",
    domain.SUBSIDY_TRAINING: "#2ca02c",
    domain.SUBSIDY_STABLE: "#98df8a",
    domain.SUBSIDY_START_UP: "#8c564b",
    domain.SUBSIDY_LOAN_INTEREST: "#c49c94",
    domain.SUBSIDY_FLOOR_MANAGER: "#e377c2",
    domain.SUBSIDY_HIRING: "#9467bd",
    domain.SUBSIDY_SOCIAL_INSURANCE: "#c5b0d5",
    domain.SUBSIDY_ON_THE_JOB: "#7f7f7f",
}
GOOD = "#1a7f37"
WARN = "#d4a017"
BAD = "#c62828"
PRIMARY = "#0b5cad"

# A rate's three bands against its target, the same on bars and map: below target − 2 points
# (red), within 2 points below it (amber), at or above it (green). Defined once, here.
WARN_MARGIN = 0.02
RATE_BAND_COLOURS = (BAD, WARN, GOOD)


def rate_thresholds(target: float) -> tuple[float, float]:
    """The inner edges of the rate bands: target − 2 points, target."""
    return (round(target - WARN_MARGIN, 10), target)


def rate_band(rate: float | None, target: float | None) -> int | None:
    """0 (red), 1 (amber) or 2 (green) for a rate (0–1) against its target; None without
    either. Rounded to a tenth of a point, as the labels show it: a label of 95.0 % is green."""
    if rate is None or target is None:
        return None
    value = round(rate * 100, 1)
    low, high = (round(v * 100, 1) for v in rate_thresholds(target))
    return 2 if value >= high else 1 if value >= low else 0


def band_labels(target: float, spell) -> tuple[str, str, str]:
    """The legend of the three bands, low to high: "< 93.0 %", "93.0–95.0 %", "≥ 95.0 %"."""
    low, high = rate_thresholds(target)
    return (f"< {spell(low)}", f"{spell(low).rstrip('% ')}–{spell(high)}", f"≥ {spell(high)}")


# CJK-capable fonts that exist on the machine or the viewer's: nothing is fetched from outside.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
)

_dashboard = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT_FAMILY, "size": 16, "color": "#1f2328"},
        xaxis={"tickfont": {"size": 15}, "title": {"font": {"size": 16}}},
        yaxis={"tickfont": {"size": 15}, "title": {"font": {"size": 16}}, "automargin": True},
        title={"font": {"size": 20}},
        colorway=list(EMPLOYMENT_TYPE_COLOURS.values()),
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 16}},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        separators=".,",
    )
)

# Projector: read from five metres. Chart text ≥ 20 px; the dark look for dim rooms.
_projector = go.layout.Template(
    layout=go.Layout(
        font={"size": 22},
        xaxis={"tickfont": {"size": 20}, "title": {"font": {"size": 22}}},
        yaxis={"tickfont": {"size": 20}, "title": {"font": {"size": 22}}},
        hoverlabel={"font": {"size": 20}},
        legend={"font": {"size": 20}},
    )
)
_projector_dark = go.layout.Template(
    layout=go.Layout(
        font={"color": "#f0f3f6"},
        paper_bgcolor="#0d1117",
        plot_bgcolor="#0d1117",
        xaxis={"gridcolor": "#30363d", "linecolor": "#8b949e"},
        yaxis={"gridcolor": "#30363d", "linecolor": "#8b949e"},
    )
)

# Merged once here: a "a+b" template name is merged again by every figure that uses it, which
# cost 37 ms a chart (a third of a page's run); a registered merged template costs 0.5 ms.
pio.templates["dashboard"] = pio.templates.merge_templates(
    pio.templates["plotly_white"], _dashboard
)
pio.templates["projector"] = pio.templates.merge_templates(pio.templates["dashboard"], _projector)
pio.templates["projector_dark"] = pio.templates.merge_templates(
    pio.templates["projector"], _projector_dark
)
pio.templates.default = "dashboard"

_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.1vw, 3.2rem); font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
table.board { width: 100%; border-collapse: collapse; font-size: 1.1rem; }
table.board th { text-align: left; color: #57606a; font-weight: 600; padding: .45rem .6rem;
    border-bottom: 2px solid #d0d7de; }
table.board td { padding: .45rem .6rem; border-bottom: 1px solid #eaeef2; }
table.board .n { text-align: right; font-variant-numeric: tabular-nums; }
table.board .bar { display: inline-block; width: 60%; height: .7em; background: #eaeef2;
    border-radius: .35em; vertical-align: middle; margin-right: .6em; }
table.board .bar div { height: 100%; background: #0b5cad; border-radius: .35em; }
table.board .rag { color: white; padding: .1em .7em; border-radius: 1em; font-weight: 600; }
/* The map's width reporter (ui/maps.py) draws nothing: no gap for it either. */
.stElementContainer[class*="-mapwidth"] { display: none; }
</style>
"""

# Streamlit's widgets carry English of their own that no setting translates ("Upload", "200MB per
# file", "No results", "Press Enter to apply"). Each is hidden (no size, and out of the page's
# text) and our own text put in its place; the selectors are those of Streamlit 1.67.
_INSTRUCTION = '[data-testid="InputInstructions"] > span:first-child'
_BUILTIN_TEXT = {
    # The uploader's button, its size limit, and the overlay while files are dragged over it.
    '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p': (
        "st_upload_button"
    ),
    '[data-testid="stFileUploaderDropzoneInstructions"] span': "st_upload_limit",
    '[data-testid="stFileUploaderDropzone"] > input + div:not(:has([data-testid])) span': (
        "st_drop_here"
    ),
    # A select's or multiselect's list when the typed text matches nothing.
    '[role="listbox"][data-empty="true"] [role="option"] span': "st_no_results",
    # Under a text field being edited: outside a form, inside one, and a text area in one.
    _INSTRUCTION: "st_press_enter",
    f'[data-testid="stForm"] {_INSTRUCTION}': "st_enter_submit",
    f'[data-testid="stForm"] [data-testid="stTextArea"] {_INSTRUCTION}': "st_ctrl_enter_submit",
}


def _builtin_text_css() -> str:
    """CSS putting the viewer's language in place of Streamlit's built-in English."""
    rules = [
        f"{selector} {{ font-size: 0 !important; visibility: hidden; }}\n"
        f"{selector}::after {{ content: {json.dumps(t(key), ensure_ascii=False)};"
        " font-size: 0.875rem; visibility: visible; }"
        for selector, key in _BUILTIN_TEXT.items()
    ]
    return "<style>\n" + "\n".join(rules) + "\n</style>"


# No sidebar, header, toolbar or footer: only the slide. The slide is the viewport: a title line
# (`.st-key-slide-head`), then the body (`.st-key-slide-body`) down to the screen's bottom edge,
# its charts stretched to fill it. Sizes follow the viewport's height (vh), so a 1366×768 laptop
# projector shows the same slide smaller, never cut. At 1920×1080: KPI numerals 86 px, values on
# bars 30 px, axis labels 22 px, the title 52 px.
# Controls and "?" icons wait, hidden, for the mouse (`.slide-awake`, set by `WAKE_SCRIPT`).
_PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.5vh 2.5rem 0 !important;
    max-width: 100% !important; }
[data-testid="stAppViewContainer"] [data-testid="stMain"] { overflow: hidden; }
/* A rerun (the slide's timer) must not fade the slide. */
[data-stale="true"], .stale-element { opacity: 1 !important; }
p, li, button p, [data-testid="stMarkdownContainer"] p { font-size: 22px; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    font-size: min(8vh, 3.6vw) !important; line-height: 1.1 !important; font-weight: 700;
    white-space: normal !important; overflow: visible !important; }
[data-testid="stMetricLabel"] p { font-size: min(3vh, 32px) !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
    font-size: min(2.6vh, 28px) !important; }
[data-testid="stCaptionContainer"] p { font-size: min(2.2vh, 24px) !important; }
h1 { font-size: min(4.8vh, 56px) !important; padding: 0 !important; }
h2, h3 { font-size: 36px !important; }
.st-key-slide-head { height: 7vh; }
.st-key-slide-head [data-testid="stCaptionContainer"] p { text-align: right; }
.st-key-slide-body { flex: 0 0 auto !important; height: calc(100vh - 7vh - 1.5vh - 1rem - 1.5vh); }
.st-key-slide-body > [data-testid="stLayoutWrapper"],
.st-key-slide-body [data-testid="stHorizontalBlock"],
.st-key-slide-body [data-testid="stElementContainer"]:has([data-testid="stMetric"]),
.st-key-slide-body [data-testid="stElementContainer"]:has(table.board) {
    flex: 1 1 0 !important; min-height: 0; }
.st-key-slide-body [data-testid="stElementContainer"]:has(table.board) > * { height: 100%; }
.st-key-slide-body [data-testid="stColumn"] > [data-testid="stVerticalBlock"] { height: 100%; }
.st-key-slide-body [data-testid="stMetric"] { height: 100%; display: flex; flex-direction: column;
    justify-content: center; padding: 1vh 1vw; }
.st-key-slide-body [data-testid="stElementContainer"]:has(.js-plotly-plot) { flex: 1 1 0;
    min-height: 0; }
.st-key-slide-body [data-testid="stElementContainer"]:has(.js-plotly-plot) > *,
.st-key-slide-body [data-testid="stPlotlyChart"] { height: 100%; }
table.board { font-size: min(3.1vh, 34px) !important; height: 100%; }
table.board td, table.board th { white-space: nowrap; }
table.board .bar { width: 45%; }
.st-key-slide-controls { position: fixed; right: 2rem; bottom: 1.5rem; z-index: 999990;
    width: auto !important; padding: .6rem .8rem; border-radius: .6rem;
    background: rgba(246, 248, 250, .95); box-shadow: 0 2px 12px rgba(0, 0, 0, .25);
    opacity: 0; pointer-events: none; transition: opacity .25s; }
.st-key-slide-controls > [data-testid="stElementContainer"]:has(script) { display: none; }
[data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] svg,
[data-testid="stElementToolbar"], .modebar-container { visibility: hidden; }
body.slide-awake .st-key-slide-controls, .st-key-slide-controls:hover {
    opacity: 1; pointer-events: auto; }
body.slide-awake [data-testid="stTooltipIcon"],
body.slide-awake [data-testid="stTooltipHoverTarget"] svg,
body.slide-awake [data-testid="stElementToolbar"],
body.slide-awake .modebar-container { visibility: visible; }
body:not(.slide-awake) .stApp { cursor: none; }
</style>
"""
# Marks the page awake for three seconds after the mouse moves or a finger touches: the CSS
# above shows the controls and "?" icons only then. Bound once per browser tab.
WAKE_SCRIPT = """
<script>
if (!window.slideWake) {
  window.slideWake = true;
  let timer;
  const wake = () => {
    document.body.classList.add("slide-awake");
    clearTimeout(timer);
    timer = setTimeout(() => document.body.classList.remove("slide-awake"), 3000);
  };
  for (const kind of ["mousemove", "mousedown", "touchstart"]) {
    document.addEventListener(kind, wake, { passive: true });
  }
}
</script>
"""
# On a phone the sidebar lies over the page: a page link tapped in it closes it, as Streamlit's
# own navigation does (its page links leave it open, hiding the page just opened). Bound once
# per browser tab; 768 px is where Streamlit lays the sidebar over the page.
SIDEBAR_CLOSER = """
<script>
if (!window.sidebarCloser) {
  window.sidebarCloser = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-testid="stPageLink-NavLink"]');
    if (!link || !link.closest('[data-testid="stSidebar"]') || window.innerWidth >= 768) return;
    const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (close) setTimeout(() => close.click(), 0);
  }, true);
}
</script>
"""
_DARK_CSS = """
<style>
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    background: #0d1117 !important; color: #f0f3f6 !important; }
.stApp h1, .stApp h2, .stApp h3, [data-testid="stMarkdownContainer"] p,
[data-testid="stCaptionContainer"] p, [data-testid="stMetricLabel"] p,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { color: #f0f3f6 !important; }
[data-testid="stMetric"], [data-testid="stVerticalBlockBorderWrapper"] {
    background: #161b22; border-color: #30363d !important; }
[data-testid="stMetricDelta"] { background: transparent !important; filter: brightness(1.8); }
[data-testid="stMetricDelta"] p { color: inherit !important; }
.stButton button { background: #21262d !important; border-color: #484f58 !important; }
.st-key-slide-controls { background: rgba(22, 27, 34, .95) !important; }
.stButton button p, .stButton button span { color: #f0f3f6 !important; }
table.board td, table.board th { color: #f0f3f6 !important; border-color: #30363d !important; }
table.board .bar { background: #30363d !important; }
</style>
"""


def presenting() -> bool:
    """Projector mode: `?present=1` in the URL."""
    return st.query_params.get("present") == "1"


def dark() -> bool:
    """The dark projector look: `?look=dark`."""
    return st.query_params.get("look") == "dark"


def apply() -> None:
    """Put the shared CSS on the page, and the projector's when presenting."""
    st.html(_CSS)
    st.html(_builtin_text_css())
    if presenting():
        st.html(_PROJECTOR_CSS)
        if dark():
            st.html(_DARK_CSS)


def chart_template() -> str | None:
    """The plotly template for this view: the default, or the projector's."""
    if not presenting():
        return None
    return "projector_dark" if dark() else "projector"
