"""一库六册: the six rosters of a month for the viewer's places, on screen and as one workbook
with a sheet per roster (the same file as `python -m data export rosters`)."""

import streamlit as st

from analytics.rosters import ROSTERS
from data.export import rosters_workbook
from reports.rosters import roster_heads
from ui import views
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month
from ui.rosters import place_picker
from ui.shell import enter
from ui.state import computed, current_version, full_view, person_slice, report_months
from ui.strings import t
from ui.widgets import file_download, month_picker

enter()

months = report_months()
if not months:
    no_data_screen()
    st.stop()

head_col, place_col, month_col = st.columns([3, 2, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
with place_col:
    place, where = place_picker()
head_col.title(f"{t('nav_rosters')} · {where}")

books = computed(roster_heads, place, month, views.MAX_TABLE_ROWS)
counts = st.columns(len(ROSTERS))
for column, (name, (rows, _)) in zip(counts, books.items(), strict=True):
    column.metric(t(f"roster_{name}"), fmt_count(rows, "unit_persons"), border=True)

full = full_view()
file_download(
    lambda: rosters_workbook(person_slice([month], place), month, full=full),
    f"一库六册-{where}-{month:%Y-%m}.xlsx",
    key="rosters_excel",
    full=full,
    label=t("rosters_download"),
)
for tab, (name, (rows, roster)) in zip(
    st.tabs([t(f"roster_{n}") for n in ROSTERS]), books.items(), strict=True
):
    with tab:
        st.caption(t(f"roster_{name}_help"))
        views.table(roster, key=f"roster_{name}", height=600, rows=rows)
st.caption(t("data_as_of", month=fmt_month(month), version=current_version()))
