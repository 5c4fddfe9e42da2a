"""就业总览: a place's month at a glance, from the county down to one person.

The path (township / site / building / household / person) and the month live in the URL.
"""

import streamlit as st

from analytics.targets import place_target
from reports import overview
from ui import charts, views
from ui.clearing import clearing_block
from ui.drill import breadcrumb, chosen_bar, chosen_row, crumbs, current_place, go, widget_key
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month, fmt_rate
from ui.maps import place_map, site_circles, township_values
from ui.present import present_button
from ui.shell import enter
from ui.state import board_scope, computed, current_version, frames, person_rows, report_months
from ui.strings import t
from ui.widgets import month_picker

enter()


def site_line(site: dict) -> str:
    """A site's tooltip on the map: its rate and labour force."""
    return (
        f"{t('employment_rate')} {fmt_rate(site['employment_rate'])} · "
        f"{t('labour_force')} {fmt_count(site['labour_force'])}"
    )


data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()

months = report_months()
rows = data.labour_scan()  # read only for what each use below filters
place = current_place(rows)
head, picker = st.columns([4, 1], vertical_alignment="bottom")
with picker:
    month = month_picker(months)
head.title(f"{t('nav_overview')} · {fmt_month(month)}")
breadcrumb(place, rows)
present_button(place, month)

numbers = computed(overview.place_numbers, place, month, board_scope())
if numbers is None:
    st.info(t("no_data_month", month=fmt_month(month)))
    st.stop()
if place.level == "person":
    subsidy_ytd = numbers["headline"].get_column("subsidy_amount_ytd")[0]
    views.person_kpis(numbers["timeline"], month, subsidy_ytd)
else:
    views.kpi_row(numbers["headline"].row(0, named=True))

level = place.level
target = place_target(data.targets, place, month.year)
if level not in ("household", "person"):
    clearing_block(place, month, latest=months[-1], where=crumbs(place, rows)[-1][0])

if level == "person":
    st.subheader(t("timeline_title"))
    timeline = numbers["timeline"]
    if views.has_income(timeline):
        charts.show(charts.person_months(timeline), key="timeline_chart")
    views.table(timeline, key="timeline")
    person = person_rows(place.id_number).get_column("name")
    views.download(
        {t("timeline_title"): timeline},
        place,
        month,
        key="excel",
        person=person[0] if len(person) else None,
    )
    st.stop()

if level == "household":
    st.subheader(t("children_household"))
    members = numbers["children"]
    event = views.table(members, key=widget_key("members"), clickable=True)
    if picked := chosen_row(event, members, "id_number"):
        go(place.child(picked))
    views.download({t("children_household"): members}, place, month, key="excel")
    st.stop()

st.subheader(t("trend_title"))
charts.show(charts.rate_trend(numbers["trend"]), key="trend")
st.caption(t("click_hint"))

if level == "county":
    left, right = st.columns(2)
    townships, sites = numbers["townships"], numbers["sites"]
    with left:
        st.subheader(t("by_township_title"))
        event = charts.show(
            charts.rate_bars(townships, "township", target),
            key=widget_key("townships"),
            on_select="rerun",
            selection_mode="points",
        )
        if picked := chosen_bar(event):
            go(place.child(picked, by="township"))
    with right:
        st.subheader(t("by_site_title"))
        event = charts.show(
            charts.rate_bars(sites, "site", target),
            key=widget_key("sites"),
            on_select="rerun",
            selection_mode="points",
        )
        if picked := chosen_bar(event):
            go(place.child(picked, by="site"))
        # Beside the long township list: the county's shape, coloured by the same rates.
        st.subheader(t("map_title"))
        clicked = place_map(
            data.townships,
            township_values(data.townships, townships, "employment_rate", fmt_rate),
            legend_title=t("employment_rate"),
            value_format=fmt_rate,
            sites=site_circles(data.sites, sites, "labour_force", site_line),
            site_legend=t("map_circles"),
            higher_is_better=True,
            key=widget_key("map"),
            # The bars' colours: at or above the target, within 2 points below it, further below.
            target=target,
        )
        if clicked is not None:
            go(place.child(clicked.name, by=clicked.level))

    mix_col, split_col = st.columns([3, 2])
    with mix_col:
        st.subheader(t("mix_title"))
        charts.show(charts.mix_bars(numbers["mix"]), key="mix")
    with split_col:
        st.subheader(t("migrant_title"))
        charts.show(charts.migrant_donut(numbers["split"]), key="split")

    st.subheader(t("targets_title"))
    board = numbers["board"]
    views.target_board(board, month.year)
    views.download(
        {
            t("township"): townships,
            t("site"): sites,
            t("targets_title"): views.board_sheet(board),
        },
        place,
        month,
        key="excel",
    )
else:
    key = {"township": "site", "site": "building", "building": "household"}[level]
    kids = numbers["children"]
    st.subheader(t(f"children_{level}"))
    if level != "building":
        # A building is a bare number ("3"): the bar says "3栋", as the breadcrumb does.
        label = "building_label" if key == "building" else None
        event = charts.show(
            charts.rate_bars(kids, key, target, label=label),
            key=widget_key("bars"),
            on_select="rerun",
            selection_mode="points",
        )
        if picked := chosen_bar(event):
            go(place.child(picked))
    event = views.table(kids, key=widget_key("children"), clickable=True)
    if picked := chosen_row(event, kids, key):
        go(place.child(picked))
    views.download({t(f"children_{level}"): kids}, place, month, key="excel")

st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
