"""审计日志: who signed in, imported, undid, updated, noted and exported what, and when."""

import datetime as dt

import polars as pl
import streamlit as st

from data.audit import audit_log
from data.store import get_engine
from ui.format import MISSING
from ui.shell import enter
from ui.strings import t
from ui.widgets import excel_download

enter()

st.title(t("nav_audit"))
log = audit_log(get_engine())
if log.is_empty():
    st.info(t("audit_empty"))
    st.stop()

actions = sorted(log.get_column("action").unique().to_list())
users = sorted(log.get_column("username").unique().drop_nulls().to_list())
china = dt.timezone(dt.timedelta(hours=8))
days = log.get_column("at").dt.convert_time_zone("Asia/Shanghai").dt.date()
user_col, action_col, day_col = st.columns([1, 2, 1])
chosen_users = user_col.multiselect(
    t("audit_user"), users, key="audit_users", placeholder=t("audit_all")
)
chosen_actions = action_col.multiselect(
    t("audit_action"),
    actions,
    format_func=lambda a: t(f"audit_{a}"),
    key="audit_actions",
    placeholder=t("audit_all"),
)
span = day_col.date_input(
    t("audit_days"), (days.min(), days.max()), format="YYYY-MM-DD", key="audit_days"
)
shown = log.with_columns(days.alias("day"))
if chosen_users:
    shown = shown.filter(pl.col("username").is_in(chosen_users))
if chosen_actions:
    shown = shown.filter(pl.col("action").is_in(chosen_actions))
if isinstance(span, tuple) and len(span) == 2:
    shown = shown.filter(pl.col("day").is_between(*span))
shown = shown.drop("day").with_columns(
    pl.col("action").replace_strict({a: t(f"audit_{a}") for a in actions})
)
st.caption(t("audit_count", shown=shown.height, total=log.height))
st.dataframe(
    shown,
    hide_index=True,
    placeholder=MISSING,
    column_config={
        "at": st.column_config.DatetimeColumn(
            t("audit_at"), format="YYYY-MM-DD HH:mm:ss", timezone="Asia/Shanghai"
        ),
        "username": t("audit_user"),
        "action": t("audit_action"),
        "detail": st.column_config.TextColumn(t("audit_detail"), width="large"),
        "batch_id": st.column_config.NumberColumn(t("audit_batch"), format="%d"),
    },
    height=640,
)
excel_download(
    # Excel has no time zones: China time, as county staff read it.
    {
        t("nav_audit"): shown.with_columns(
            pl.col("at").dt.convert_time_zone("Asia/Shanghai").dt.replace_time_zone(None)
        )
    },
    f"审计日志-{dt.datetime.now(china):%Y%m%d}.xlsx",
    key="audit_excel",
)
