"""楼栋月报: one building in one month, room by room, for the building captains' meeting.

The building (?site=…&building=…) and the month live in the URL.
"""

import polars as pl
import streamlit as st

from analytics.building import (
    CHANGE_DETAILS,
    MATCH_COLUMNS,
    NOTE_COLUMNS,
    SUITABLE_COLUMNS,
    search,
    with_last_note,
)
from analytics.changes import CHANGES
from analytics.drill import Place
from analytics.privacy import masked
from reports.building import building_review, building_roster
from ui import casework, record, views
from ui.empty import no_data_screen
from ui.format import MISSING, fmt_month
from ui.shell import enter
from ui.state import (
    account,
    computed,
    current_version,
    frames,
    full_view,
    person_slice,
    report_months,
)
from ui.strings import t
from ui.widgets import month_picker, url_bound

enter()


def choose(site: str, building: str) -> None:
    """A search hit was clicked: show its building and clear the search."""
    st.session_state.update(site=site, building=building, building_search="")


def first_building(buildings: pl.DataFrame) -> None:
    """Another site was chosen: start at its first building."""
    here = buildings.filter(pl.col("site") == st.session_state["site"])
    st.session_state["building"] = here.get_column("building")[0]


viewer = account()
full = full_view()
data = frames()
months = report_months()
if not months:
    no_data_screen()
    st.stop()

buildings = computed(building_roster)
sites = buildings.get_column("site").unique(maintain_order=True).to_list()
wanted = (st.query_params.get("site"), st.query_params.get("building"))

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
    if not viewer.scope.county:
        # Outside a limited scope: refused, without saying whether the place exists.
        asked = f"{wanted[0] or ''} {wanted[1] or ''}".strip()
        st.error(t("not_in_scope", place=asked), icon=":material/block:")
        st.stop()
    shown = f"{site} {t('building_label', building=building)}"
    st.warning(t("bld_unknown", site=wanted[0] or MISSING, building=wanted[1] or "", shown=shown))
with search_col:
    text = st.text_input(t("bld_search"), key="building_search", placeholder=t("bld_search_hint"))
if text.strip():
    hits = search(data.buildings, data.labour_scan(), text)
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
here = computed(building_review, place, month)
if here.captain["captain"]:
    captain = pl.DataFrame([here.captain])
    captain = (captain if full else masked(captain)).row(0, named=True)
    st.markdown(t("bld_captain_line", **{k: v or MISSING for k, v in captain.items()}))
else:
    st.caption(t("bld_no_captain"))
if here.members.is_empty():
    st.info(t("no_data_month", month=fmt_month(month)))
    st.stop()
if viewer.may("meeting"):
    st.page_link(
        "pages/meeting.py",
        label=t("meeting_start"),
        icon=":material/groups:",
        query_params={**place.to_query(), "month": f"{month:%Y-%m}"},
    )
# The meeting pack is printed before the meeting: its buttons come first.
record.pack_buttons(data, here, full=full)
views.kpi_row(here.head)

if here.zero.is_empty():
    st.success(t("bld_zero_none"), icon=":material/check_circle:")
else:
    with st.container(border=True):
        count = here.head["zero_employment_households"]
        st.subheader(f":red[:material/warning: {t('bld_zero_title', count=count)}]")
        views.table(here.zero.drop("zero_employment"), key="building_zero")
casework.building_section(computed(casework.building_worklist, place, month, casework.today()))

st.subheader(t("bld_changes_title"))
named = {kind: t("change_" + kind) for kind in CHANGES}
moved = here.changes.with_columns(pl.col("change").replace(named))
if not here.has_previous:
    st.info(t("bld_no_previous", previous=fmt_month(here.head["previous_month"])))
else:
    counts = (f"{n} **{moved.filter(pl.col('change') == n).height}**" for n in named.values())
    views.inline(counts)
    if not moved.is_empty():
        views.table(moved.select(CHANGE_DETAILS), key="building_changes")

st.subheader(t("bld_members_title"))
members = with_last_note(here.members, here.notes)
views.table(members.drop("zero_employment"), key="building_members", height=720)

st.subheader(t("bld_unemployed_title"))
if here.unemployed.is_empty():
    st.caption(t("bld_unemployed_none"))
else:
    views.table(here.unemployed, key="building_unemployed")

st.subheader(t("bld_matches_title"))
if here.matches.is_empty():
    st.caption(t("bld_matches_none"))
else:
    by_person, by_posting = st.tabs([t("bld_matches_tab"), t("bld_suitable_tab")])
    with by_person:
        st.caption(t("bld_matches_hint"))
        views.table(here.matches.select(MATCH_COLUMNS), key="building_matches")
    with by_posting:
        st.caption(t("bld_suitable_hint"))
        views.table(here.suitable.select(SUITABLE_COLUMNS), key="building_suitable")

st.subheader(t("bld_record_title"))
if viewer.may_edit:
    update_col, note_col = st.columns(2, gap="large")
    with update_col.container(border=True):
        st.markdown(f"**{t('bld_update_title')}**")
        st.caption(t("bld_update_hint"))
        record.status_form(here, person_slice([month], place))
    with note_col.container(border=True):
        st.markdown(f"**{t('bld_note_title')}**")
        record.note_form(here)
else:
    st.caption(t("read_only"))

st.subheader(t("bld_notes_title"))
if here.notes.is_empty():
    st.caption(t("bld_notes_none"))
else:
    views.table(here.notes.select(NOTE_COLUMNS), key="building_notes")
edits = data.edits.filter(
    (pl.col("site") == site) & (pl.col("building") == building) & (pl.col("month") == month)
)
if not edits.is_empty():
    st.markdown(f"**{t('bld_edits_title')}**")
    shown = edits.sort("batch_id", descending=True).with_columns(
        pl.col("field").map_elements(t, return_dtype=pl.String)
    )
    views.table(
        shown.select("edited_at", "user", "room", "name", "field", "old_value", "new_value"),
        key="building_edits",
    )

st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
