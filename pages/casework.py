"""工单 (casework): every subject of the month that must be cleared to zero — audit cases up to
the month, zero-employment households and unemployed people wishing to work in it — with its
state, owner and due date; filtered, worked one by one, assigned in bulk, exported.

The month and the filters live in the URL (`?month=2020-12&rule=零就业家庭&state=open&
unassigned=1`). The list is `analytics.casework.worklist`, as `python -m analytics cases` prints
it; the numbers above it are the overview's 动态清零.
"""

import polars as pl
import streamlit as st

from analytics.casework import progress
from ui import casework, clearing, views
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month
from ui.shell import enter
from ui.standards import standards_caption
from ui.state import computed_list, current_version, frames, report_months
from ui.strings import t
from ui.widgets import excel_download, kpi, month_picker

enter()

data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()

months = report_months()
head_col, month_col = st.columns([4, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
head_col.title(f"{t('nav_casework')} · {fmt_month(month)}")
standards = clearing.clearing_standards()
st.caption(
    f"{t('cw_worklist_caption')} {standards_caption(standards)}", help=clearing.help_text(month)
)

today = casework.today()
current, previous = computed_list(clearing.worklists, month, today, standards)
total = progress(current, previous, [], today).row(0, named=True)
cards = st.columns(4)
kpi(cards[0], t("clr_open"), fmt_count(total["open"], "unit_cases"))
kpi(cards[1], t("clr_overdue"), fmt_count(total["overdue"], "unit_cases"))
unassigned = current.filter(pl.col("is_open") & pl.col("owner").is_null()).height
kpi(cards[2], t("cw_kpi_unassigned"), fmt_count(unassigned, "unit_cases"))
kpi(cards[3], t("clr_cleared"), fmt_count(total["cleared"], "unit_cases"))
casework.assigned_flash()

rows = casework.worklist_filters(casework.worklist_rows(current))
with st.container(horizontal=True, vertical_alignment="center", key="worklist_actions"):
    casework.assign_form(rows)
    excel_download(
        {t("nav_casework"): rows.select(casework.WORKLIST_COLUMNS)},
        f"{t('cw_worklist_file')}-{month:%Y-%m}.xlsx",
        key="worklist_excel",
        notes=[
            t("cw_worklist_note", month=fmt_month(month), today=today.isoformat()),
            standards_caption(standards),
        ],
    )

list_col, form_col = st.columns([3, 2], gap="large")
with list_col:
    if rows.is_empty():
        st.info(t("clr_all_clear"), icon=":material/check_circle:")
        event = None
    else:
        event = views.table(
            rows.select(casework.WORKLIST_COLUMNS),
            key=f"worklist_{month:%Y%m}_{current_version()}{casework.list_key()}",
            clickable=True,
            height=520,
        )
with form_col:
    casework.worklist_form(casework.picked(event, rows))
