"""用户管理: accounts, roles and places; new users, new passwords, disabling."""

import polars as pl
import streamlit as st

from data import accounts
from data.store import get_engine
from ui.format import MISSING
from ui.shell import enter
from ui.state import account, frames
from ui.strings import lang, t

enter()

engine = get_engine()
me = account()
st.title(t("nav_users"))
users = accounts.list_users(engine)
st.dataframe(
    users.with_columns(
        pl.when(pl.col("role").is_in(sorted(accounts.COUNTY_ROLES)))
        .then(pl.lit(t("county")))
        .otherwise(pl.col("places"))
        .alias("places"),
        pl.col("role").replace_strict({r: t(f"role_{r}") for r in accounts.ROLES}),
    ),
    hide_index=True,
    placeholder=MISSING,
    column_config={
        "username": t("signin_username"),
        "display_name": t("users_display_name"),
        "role": t("users_role"),
        "places": t("users_places"),
        "disabled": st.column_config.CheckboxColumn(t("users_disabled")),
        "demo": st.column_config.CheckboxColumn(t("demo_badge")),
        "created_at": st.column_config.DatetimeColumn(
            t("users_created"), format="YYYY-MM-DD HH:mm", timezone="Asia/Shanghai"
        ),
        "password_changed_at": st.column_config.DatetimeColumn(
            t("users_password_changed"), format="YYYY-MM-DD HH:mm", timezone="Asia/Shanghai"
        ),
    },
)


def done(message: str) -> None:
    st.session_state["users_flash"] = message


if flash := st.session_state.pop("users_flash", None):
    st.success(flash, icon=":material/check_circle:")

data = frames()
add_col, change_col = st.columns(2, gap="large")
with add_col.container(border=True):
    st.markdown(f"**{t('users_add')}**")
    role = st.selectbox(
        t("users_role"), accounts.ROLES, format_func=lambda r: t(f"role_{r}"), key="users_role"
    )
    with st.form("user_add", clear_on_submit=True, border=False):
        username = st.text_input(t("signin_username"))
        name = st.text_input(t("users_display_name"))
        password = st.text_input(t("signin_password"), type="password")
        townships, buildings = [], []
        if role == "township":
            townships = st.multiselect(
                t("township"),
                data.townships.get_column("township").to_list(),
                placeholder=t("st_choose"),
            )
        if role == "captain":
            options = data.buildings.select(pl.format("{}/{}", "site", "building")).to_series()
            buildings = st.multiselect(t("building"), options.to_list(), placeholder=t("st_choose"))
        added = st.form_submit_button(t("users_add"), type="primary")
    if added:
        try:
            accounts.add_user(
                engine,
                username,
                role=role,
                display_name=name or None,
                password=password,
                townships=tuple(townships),
                buildings=tuple(tuple(b.split("/", 1)) for b in buildings),
                by=me.username,
            )
            done(t("users_added", name=username))
            st.rerun()
        except accounts.AccountError as exc:
            st.error(getattr(exc, lang()))

with change_col.container(border=True):
    st.markdown(f"**{t('users_change')}**")
    names = users.get_column("username").to_list()
    with st.form("user_change", clear_on_submit=True, border=False):
        who = st.selectbox(t("signin_username"), names, key="user_change_who")
        new_password = st.text_input(t("users_new_password"), type="password")
        left, middle, right = st.columns(3)
        reset = left.form_submit_button(t("users_reset"))
        disable = middle.form_submit_button(t("users_disable"))
        enable = right.form_submit_button(t("users_enable"))
    try:
        if reset:
            accounts.set_password(engine, who, new_password, by=me.username)
            done(t("users_reset_done", name=who))
            st.rerun()
        if disable or enable:
            if disable and who == me.username:
                st.error(t("users_not_self"))
            else:
                accounts.set_disabled(engine, who, bool(disable), by=me.username)
                done(t("users_disabled_done" if disable else "users_enabled_done", name=who))
                st.rerun()
    except accounts.AccountError as exc:
        st.error(getattr(exc, lang()))

limited = users.filter(~pl.col("role").is_in(sorted(accounts.COUNTY_ROLES)))
if not limited.is_empty():
    with change_col.container(border=True):
        st.markdown(f"**{t('users_places_title')}**")
        roles = dict(limited.select("username", "role").iter_rows())
        who = st.selectbox(t("signin_username"), list(roles), key="places_user")
        with st.form("user_places", border=False):
            if roles[who] == "township":
                chosen = st.multiselect(
                    t("township"),
                    data.townships.get_column("township").to_list(),
                    placeholder=t("st_choose"),
                )
                places = {"townships": tuple(chosen)}
            else:
                options = data.buildings.select(pl.format("{}/{}", "site", "building"))
                chosen = st.multiselect(
                    t("building"), options.to_series().to_list(), placeholder=t("st_choose")
                )
                places = {"buildings": tuple(tuple(b.split("/", 1)) for b in chosen)}
            if st.form_submit_button(t("users_places_save")):
                try:
                    accounts.set_places(engine, who, **places, by=me.username)
                    done(t("users_places_done", name=who))
                    st.rerun()
                except accounts.AccountError as exc:
                    st.error(getattr(exc, lang()))
