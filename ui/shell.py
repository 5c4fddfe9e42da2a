"""The shared frame every page runs in: page config, theme, language, navigation.

`app.py` calls `run_app()`. Each page calls `enter()` first: Streamlit serves `pages/*.py` on its
own (its legacy folder discovery) to a fresh server's first visitor of a page URL, before any
`st.navigation` ran; `enter()` then runs the app around the page instead, so the frame, and the
list of pages a viewer may reach, always apply.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from ui import theme
from ui.strings import LANGUAGES, t
from ui.widgets import url_bound

FAVICON = Path(__file__).parent / "assets" / "favicon.png"
_inside_app: ContextVar[bool] = ContextVar("inside_app", default=False)


def _pages() -> dict[str, list[st.Page]]:
    return {
        t("section_dashboard"): [
            st.Page(
                "pages/overview.py",
                title=t("nav_overview"),
                icon=":material/monitoring:",
                default=True,
            ),
            st.Page(
                "pages/building.py",
                title=t("nav_building"),
                icon=":material/apartment:",
                url_path="building",
            ),
            st.Page(
                "pages/subsidies.py",
                title=t("nav_subsidies"),
                icon=":material/payments:",
                url_path="subsidies",
            ),
        ],
        t("section_data"): [
            st.Page("pages/imports.py", title=t("nav_imports"), icon=":material/history:"),
        ],
    }


def _sidebar() -> None:
    with st.sidebar:
        url_bound(
            st.segmented_control,
            "Language",
            list(LANGUAGES),
            key="lang",
            default="zh",
            format_func=LANGUAGES.get,
            required=True,
            label_visibility="collapsed",
        )
        if st.button(t("present_start"), icon=":material/present_to_all:", width="stretch"):
            st.query_params["present"] = "1"
            st.rerun()


def run_app() -> None:
    """Page config, theme, navigation (by mode), the sidebar, then the chosen page."""
    # A local favicon: a :material/…: icon here would be fetched from Google's font servers.
    st.set_page_config(page_title="易地扶贫搬迁就业监测", page_icon=str(FAVICON), layout="wide")
    theme.apply()
    if theme.presenting():
        present = st.Page("pages/present.py", title=t("nav_present"), default=True)
        page = st.navigation([present], position="hidden")
    else:
        # Navigation first, then the sidebar's widgets: a widget drawn before st.navigation
        # loses the first click of a new session (the first page transition resets its state).
        page = st.navigation(_pages())
        _sidebar()
    token = _inside_app.set(True)
    try:
        page.run()
    finally:
        _inside_app.reset(token)


def enter() -> None:
    """First line of every page: make sure the page runs inside `run_app()`."""
    if not _inside_app.get():
        run_app()
        st.stop()
