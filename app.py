"""The dashboard's entry: page config, language, navigation. Pages live in pages/."""

from pathlib import Path

import streamlit as st

from ui import theme
from ui.strings import LANGUAGES, t
from ui.widgets import url_bound

FAVICON = Path(__file__).parent / "ui" / "assets" / "favicon.png"

# A local favicon: a :material/…: icon here would be fetched from Google's font servers.
st.set_page_config(page_title="易地扶贫搬迁就业监测", page_icon=str(FAVICON), layout="wide")
theme.apply()

if theme.presenting():
    present = st.Page("pages/present.py", title=t("nav_present"), default=True)
    st.navigation([present], position="hidden").run()
    st.stop()

pages = {
    t("section_dashboard"): [
        st.Page(
            "pages/overview.py", title=t("nav_overview"), icon=":material/monitoring:", default=True
        ),
    ],
    t("section_data"): [
        st.Page("pages/imports.py", title=t("nav_imports"), icon=":material/history:"),
    ],
}
# Navigation first, then the sidebar's widgets: a widget drawn before st.navigation loses the
# first click of a new session (its state is reset by the first page transition).
page = st.navigation(pages)

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

page.run()
