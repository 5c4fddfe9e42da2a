"""楼栋月报: one building in one month, room by room, for the building captains' meeting.

The building (?site=…&building=…) and the month live in the URL.
"""

import polars as pl
import streamlit as st

from analytics.building import (
    CHANGE_DETAILS,
    members_by_room,
    roster,
    search,
    unemployed,
    zero_employment,
)
from analytics.changes import CHANGES, changes
from analytics.drill import Place, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.matching import job_seekers, match_postings
from analytics.rates import month_end
from ui import views
from ui.empty import first_run_screen
from ui.format import MISSING, fmt_month
from ui.shell import enter
from ui.state import current_version, frames
from ui.strings import t
from ui.widgets import masked, month_picker, url_bound

enter()

# For each unemployed member the best open postings, with why they were chosen.
MATCH_COLUMNS = (
    "room",
    "name",
    "wish",
    "training_need",
    "rank",
    "employer",
    "title",
    "work_place",
    "reason",
)


def choose(site: str, building: str) -> None:
    """A search hit was clicked: show its building and clear the search."""
    st.session_state.update(site=site, building=building, building_search="")


def first_building(buildings: pl.DataFrame) -> None:
    """Another site was chosen: start at its first building."""
    here = buildings.filter(pl.col("site") == st.session_state["site"])
    st.session_state["building"] = here.get_column("building")[0]


data = frames()
if data.labour.is_empty():
    first_run_screen()
    st.stop()

buildings = roster(data.buildings, data.labour)
sites = buildings.get_column("site").unique(maintain_order=True).to_list()
wanted = (st.query_params.get("site"), st.query_params.get("building"))

months = data.labour.get_column("month").unique().sort().to_list()
head_col, month_col = st.columns([4, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
site_col, building_col, search_col = st.columns([1, 1, 2], vertical_alignment="bottom")
with site_col:
    site = url_bound(
        st.selectbox, t("site"), sites, key="site", default=sites[0],
        on_change=first_building, args=(buildings,),
    )  # fmt: skip
in_site = buildings.filter(pl.col("site") == site)
labels = {
    name: t("bld_option", building=name, captain=who) if who else t("building_label", building=name)
    for name, who in in_site.select("building", "captain").iter_rows()
}
with building_col:
    building = url_bound(
        st.selectbox, t("building"), list(labels), key="building", default=next(iter(labels)),
        format_func=labels.get,
    )  # fmt: skip
known = buildings.filter(pl.col("site").eq_missing(wanted[0])).get_column("building").to_list()
if (wanted[0] is not None and wanted[0] not in sites) or (wanted[1] not in [None, *known]):
    shown = f"{site} {t('building_label', building=building)}"
    st.warning(t("bld_unknown", site=wanted[0] or MISSING, building=wanted[1] or "", shown=shown))
with search_col:
    text = st.text_input(t("bld_search"), key="building_search", placeholder=t("bld_search_hint"))
if text.strip():
    hits = search(data.buildings, data.labour, text)
    if hits.is_empty():
        st.caption(t("bld_search_none", text=text.strip()))
    with st.container(horizontal=True, gap="small"):
        for index, hit in enumerate(hits.iter_rows(named=True)):
            found = t(f"bld_found_{hit['found_by']}", text=hit["text"])
            st.button(
                t("bld_hit", site=hit["site"], building=hit["building"], found=found),
                key=f"building_hit_{index}",
                on_click=choose,
                args=(hit["site"], hit["building"]),
                icon=":material/apartment:",
            )

place = Place(site=site, building=building)
head_col.title(f"{site} {t('building_label', building=building)} · {fmt_month(month)}")
captain = masked(in_site.filter(pl.col("building") == building)).row(0, named=True)
if captain["captain"]:
    st.markdown(t("bld_captain_line", **{k: v or MISSING for k, v in captain.items()}))
else:
    st.caption(t("bld_no_captain"))

labour = in_place(data.labour, place)
if labour.filter(pl.col("month") == month).is_empty():
    st.info(t("no_data_month", month=fmt_month(month)))
    st.stop()
head = headline(labour, subsidies_in_place(data.subsidies, data.labour, place), month)
head = head.row(0, named=True)
views.kpi_row(head)

members = members_by_room(labour, month)
zero = zero_employment(members)
if zero.is_empty():
    st.success(t("bld_zero_none"), icon=":material/check_circle:")
else:
    with st.container(border=True):
        count = head["zero_employment_households"]
        st.subheader(f":red[:material/warning: {t('bld_zero_title', count=count)}]")
        views.table(zero.drop("zero_employment"), key="building_zero")

st.subheader(t("bld_members_title"))
views.table(members.drop("zero_employment"), key="building_members", height=720)

st.subheader(t("bld_changes_title"))
named = {kind: t("change_" + kind) for kind in CHANGES}
moved = changes(labour, month).with_columns(pl.col("change").replace(named))
if head["labour_force_previous"] is None:
    st.info(t("bld_no_previous", previous=fmt_month(head["previous_month"])))
else:
    counts = (f"{n} **{moved.filter(pl.col('change') == n).height}**" for n in named.values())
    views.inline(counts)
    if not moved.is_empty():
        views.table(moved.select(CHANGE_DETAILS), key="building_changes")

st.subheader(t("bld_unemployed_title"))
idle = unemployed(labour, month)
if idle.is_empty():
    st.caption(t("bld_unemployed_none"))
else:
    views.table(idle, key="building_unemployed")

st.subheader(t("bld_matches_title"))
matches = match_postings(job_seekers(labour, month), data.postings, as_of=month_end(month))
if matches.is_empty():
    st.caption(t("bld_matches_none"))
else:
    st.caption(t("bld_matches_hint"))
    views.table(matches.select(MATCH_COLUMNS), key="building_matches")

views.download(
    {
        t("bld_sheet_zero"): zero.drop("household", "zero_employment"),
        t("bld_sheet_members"): members.drop("household"),
        t("bld_sheet_changes"): moved.drop("household"),
        t("bld_sheet_unemployed"): idle,
        t("bld_matches_title"): matches.select(MATCH_COLUMNS),
    },
    place,
    month,
    key="building_excel",
)
st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
