"""一库六册: the six rosters of a month for the viewer's places, on screen and as one workbook
with a sheet per roster (the same file as `python -m data export rosters`)."""

import streamlit as st

from analytics.rosters import ROSTERS, rosters
from data.export import rosters_workbook
from ui import views
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month
from ui.rosters import place_picker
from ui.shell import enter
from ui.state import current_version, frames, full_view
from ui.strings import t
from ui.widgets import file_download, month_picker

enter()

data = frames()
if data.labour.is_empty():
    no_data_screen()
    st.stop()

head_col, place_col, month_col = st.columns([3, 2, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(data.labour.get_column("month").unique().to_list())
with place_col:
    labour, where = place_picker(data.labour)
head_col.title(f"{t('nav_rosters')} · {where}")

books = rosters(labour, month)
counts = st.columns(len(ROSTERS))
for column, (name, roster) in zip(counts, books.items(), strict=True):
    column.metric(t(f"roster_{name}"), fmt_count(roster.height, "unit_persons"), border=True)

full = full_view()
file_download(
    lambda: rosters_workbook(labour, month, full=full),
    f"一库六册-{where}-{month:%Y-%m}.xlsx",
    key="rosters_excel",
    full=full,
    label=t("rosters_download"),
)
for tab, (name, roster) in zip(
    st.tabs([t(f"roster_{n}") for n in ROSTERS]), books.items(), strict=True
):
    with tab:
        st.caption(t(f"roster_{name}_help"))
        views.table(roster, key=f"roster_{name}", height=600)
st.caption(t("data_as_of", month=fmt_month(month), version=current_version()))
