"""Colours, the plotly template and page CSS: one look for every page."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from analytics import domain

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
GOOD = "#1a7f37"
WARN = "#d4a017"
BAD = "#c62828"
PRIMARY = "#0b5cad"

# CJK-capable fonts that exist on the machine or the viewer's: nothing is fetched from outside.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
)

pio.templates["dashboard"] = go.layout.Template(
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
pio.templates.default = "plotly_white+dashboard"

_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.1vw, 3.2rem); font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
</style>
"""


def apply() -> None:
    """Put the shared CSS on the page."""
    st.html(_CSS)
