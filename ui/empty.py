"""What a page shows instead of itself when there is nothing for this viewer to see."""

from __future__ import annotations

import streamlit as st

from data.store import data_version, get_engine
from ui.state import account
from ui.strings import t


def no_data_screen() -> None:
    """The reason the viewer sees no data: their account has no places, or their places have no
    records yet, or the store is empty (then how to load it, for those who may)."""
    signed_in = account()
    if signed_in is None or signed_in.scope.is_empty:
        st.warning(t("scope_none"), icon=":material/lock:")
        return
    if data_version(get_engine()) > 0:
        st.info(t("scope_no_data"), icon=":material/info:")
        return
    if signed_in.may("upload"):
        first_run_screen()
    else:
        st.info(t("empty_ask_clerk"), icon=":material/info:")


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
