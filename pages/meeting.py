"""楼长月例会模式: the captains' monthly meeting, one household at a time, as a card.

The building (?site=…&building=…) and the month live in the URL. ← / → (keys and buttons) move
between households; where the meeting is (the household shown, those gone through) is kept in
the session for each building and month, so a reload or a look at another page keeps it.
"""

import polars as pl
import streamlit as st

from analytics.meeting import meeting_order, meeting_progress
from reports.building import building_review, building_roster
from reports.meeting import members_of
from ui import casework, meeting
from ui.empty import no_data_screen
from ui.format import fmt_month
from ui.shell import enter
from ui.state import account, computed, frames, full_view, person_slice, report_months
from ui.strings import t
from ui.widgets import month_picker

enter()


meeting.style()
viewer = account()
full = full_view()
data = frames()
months = report_months()
if not months:
    no_data_screen()
    st.stop()

buildings = computed(building_roster)
title_col, month_col = st.columns([3, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
with title_col:
    place = meeting.building_picker(buildings)
if place is None:
    st.stop()  # refused: said by the picker

here = computed(building_review, place, month)
building = t("building_label", building=place.building)
title_col.markdown(
    "### " + t("meeting_title", site=place.site, building=building, month=fmt_month(month))
)
if here.households.is_empty():
    st.info(t("no_data_month", month=fmt_month(month)))
    st.stop()

state = meeting.session(place, month)
order = meeting_order(here.households, zero_first=meeting.zero_first())
if state["ended"]:
    meeting.summary(data, here, state, order, full=full)
    st.stop()

codes = order.get_column("household").to_list()
if state["at"] not in codes:
    state["at"] = codes[0]
state["visited"].add(state["at"])
gone, total = meeting_progress(order, state["visited"])
position = codes.index(state["at"])
meeting.controls(state, codes, position, gone, total)

home = order.row(position, named=True)
members = computed(members_of, place, month).filter(pl.col("household") == home["household"])
cases = computed(casework.building_worklist, place, month, casework.today())
meeting.card(
    here,
    home,
    members,
    person_slice([month], place),
    editable=viewer.may_edit,
    cases=cases.filter(pl.col("household") == home["household"]),
)
