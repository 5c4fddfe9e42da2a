"""The sign-in screen: user name and password, single sign-on when configured, demo accounts
when allowed. It stands in for every page while nobody is signed in."""

from __future__ import annotations

import streamlit as st

from data.accounts import demo_accounts, demo_store, has_users
from data.store import get_engine
from ui import auth
from ui.state import scope_places
from ui.strings import t
from ui.widgets import language_switch


def sign_in_page() -> None:
    _, middle, _ = st.columns([1, 1.8, 1])
    with middle:
        with st.container(horizontal=True, horizontal_alignment="right"):
            language_switch(key="signin_lang")
        st.header(t("app_title"))
        with st.form("sign_in", enter_to_submit=True):
            st.subheader(t("signin_title"))
            username = st.text_input(t("signin_username"), key="signin_username")
            password = st.text_input(t("signin_password"), type="password", key="signin_password")
            submitted = st.form_submit_button(t("signin_submit"), type="primary", width="stretch")
        if submitted and username.strip():
            outcome = auth.sign_in(username, password)
            if outcome.account is not None:
                st.rerun()
            if outcome.locked_until is not None:
                st.error(
                    t("signin_locked", until=auth.locked_until_text(outcome.locked_until)),
                    icon=":material/lock_clock:",
                )
            else:
                st.error(t("signin_failed"), icon=":material/error:")
        if auth.oidc_configured():
            _single_sign_on()
        if auth.demo_enabled() and demo_store(get_engine()):
            _demo_buttons()
        elif auth.demo_enabled():
            st.info(t("signin_demo_off"), icon=":material/info:")
        if not has_users(get_engine()):
            st.info(t("signin_no_users"), icon=":material/info:")


def _single_sign_on() -> None:
    if getattr(st.user, "is_logged_in", False):
        # Signed in at the provider, but no user here carries that name.
        name = st.user.get("preferred_username") or st.user.get("email") or "?"
        st.warning(t("signin_sso_unknown", name=name))
        st.button(t("sign_out"), on_click=st.logout)
        return
    st.button(t("signin_sso"), icon=":material/key:", on_click=st.login, width="stretch")


def _demo_buttons() -> None:
    demos = demo_accounts(get_engine())
    if not demos:
        return
    with st.container(border=True):
        st.badge(t("demo_badge"), color="orange", icon=":material/science:")
        st.markdown(f"**{t('signin_demo')}**")
        st.caption(t("signin_demo_note"))
        columns = st.columns(2)
    for index, account in enumerate(demos):
        columns[index % 2].button(
            t(f"role_{account.role}"),
            key=f"demo_{account.username}",
            on_click=auth.demo_sign_in,
            args=(account.username,),
            width="stretch",
            icon=":material/science:",
            help=scope_places(account.scope) or None,
        )
