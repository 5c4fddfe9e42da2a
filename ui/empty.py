"""The first-run screen, shown instead of a page while the store holds no labour data."""

from __future__ import annotations

import streamlit as st

from data.store import get_engine
from ui.strings import t


def first_run_screen() -> None:
    """Explain how to load data: the demo county in one click, or the county's own ledgers."""
    st.title(t("empty_title"))
    st.write(t("empty_body"))
    left, right = st.columns(2)
    with left, st.container(border=True):
        if st.button(t("empty_demo"), type="primary", icon=":material/play_arrow:"):
            from data.demo import build_demo  # heavy: only when asked for

            with st.spinner(t("empty_demo")):
                result = build_demo(get_engine())
            if result.ok:
                st.rerun()
            st.error(result.report())
        st.code("python -m data demo", language="bash")
    with right, st.container(border=True):
        st.markdown(f"**{t('empty_import')}**")
        st.code("python -m data import 台账.xlsx [--month 2020-08]", language="bash")
    st.caption(t("empty_formats"))
