"""Projector mode's pieces: presenting the place on screen (shared with other pages), a slide's
frame (the title line and the body that fills the screen below it), and the slides, whose
numbers come from `reports.present`."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import streamlit as st

from analytics.drill import Place
from analytics.targets import place_target, target_value
from data.frames import Frames
from reports.present import county_numbers, place_numbers
from ui import charts, clearing, views
from ui.drill import DRILL_KEYS, chosen_bar, go, root_place, url_query, widget_key
from ui.format import fmt_count, fmt_delta_count, fmt_delta_rate, fmt_month, fmt_rate
from ui.state import account, board_scope, computed, scope_places, session_scope
from ui.strings import t
from ui.widgets import kpi


def present_button(place: Place, month: date) -> None:
    """ "投影此页": the place on screen as a projector slide (`?present=1` with the place and month
    in the URL); the slide's ← returns to the slideshow, its exit to this page. Only for those who
    may present."""
    signed_in = account()
    if signed_in is None or not signed_in.may("present"):
        return
    if st.button(t("present_this"), icon=":material/present_to_all:", key="present_this"):
        for key in DRILL_KEYS:
            st.query_params.pop(key, None)
        st.query_params.update({**url_query(place), "month": f"{month:%Y-%m}", "present": "1"})
        st.rerun()


def place_title(place: Place) -> str:
    """A slide's name for a place: "同心家园 3栋", "永兴镇 · 乡镇(街道)", "同心家园 · 安置点"."""
    if place.building is not None:
        return f"{place.site} {t('building_label', building=place.building)}"
    if place.site is not None:
        return f"{place.site} · {t('site')}"
    return f"{place.township} · {t('township')}"


def slide_head(title: str, counter: str) -> None:
    """The slide's one title line: its name on the left, where it is in the show on the right."""
    with st.container(key="slide-head", horizontal=True, vertical_alignment="center"):
        st.title(title, anchor=False, width="stretch")
        st.caption(counter, width="content")


@contextmanager
def slide_body():
    """The rest of the screen below the title line: charts inside it stretch to its height."""
    with st.container(key="slide-body", gap="medium"):
        yield


def clearing_slide(month: date) -> None:
    """The 动态清零 slide's body: open, overdue and cleared this month as big numbers, then the
    townships (the scope's sites for a township officer) as bars toward zero."""
    place = root_place()
    numbers = clearing.place_numbers(place, month)
    total = numbers["total"].row(0, named=True)
    figures, bars = st.columns([1, 2.4], gap="medium")
    with figures:
        kpi(st, t("clr_open"), fmt_count(total["open"]), help=clearing.help_text(month))
        kpi(st, t("clr_overdue"), fmt_count(total["overdue"]))
        kpi(st, t("clr_cleared"), fmt_count(total["cleared"]))
    with bars:
        places = numbers["places"]
        if total["open"] == 0:
            st.success(f"# ✓ {t('clr_all_clear')}")
        elif places.height:
            by = clearing.CHILD[place.level]
            charts.show_on_slide(
                clearing.clearing_bars(places, by, clearing.SLIDE_PLACES),
                key="present_clearing",
            )


def county_slide(data: Frames, name: str, month: date, counter: str) -> None:
    """One of the county's slides: its title line, then its numbers as large as the screen takes.
    The numbers are worked out once per data version and shared (a slide redraws every 15 s)."""
    places = scope_places(session_scope())
    # A township officer's slides are their township's, not the county's.
    title = (
        t("slide_overview_of", places=places) if name == "slide_overview" and places else t(name)
    )
    slide_head(f"{title} · {fmt_month(month)}", counter)
    with slide_body():
        if name == "slide_clearing":
            clearing_slide(month)
            return
        numbers = computed(county_numbers, name, month, board_scope())
        if name == "slide_overview":
            views.kpi_row(numbers.row(0, named=True))
        elif name == "slide_lagging":
            target = target_value(data.targets, month.year, "就业率")
            event = charts.show_on_slide(
                charts.rate_bars(numbers, "site", target, most=charts.SLIDE_BARS),
                key=widget_key("present_lagging"),
                on_select="rerun",
                selection_mode="points",
            )
            if picked := chosen_bar(event):
                go(Place(site=picked))
        elif name == "slide_trend":
            figure = charts.rate_trend(numbers)
            # Every third month named: 24 labels at 22 px stood on end and took a quarter of
            # a 1366×768 slide.
            figure.update_xaxes(nticks=9, tickangle=0)
            charts.show_on_slide(figure, key="present_trend")
        else:
            views.target_board(numbers, month.year)


def place_slide(data: Frames, place: Place, month: date, counter: str) -> None:
    """A place's rate against its target and last month, its people, and its children's bars."""
    numbers = computed(place_numbers, place, month)
    head = numbers["headline"].row(0, named=True)
    target = place_target(data.targets, place, month.year)
    slide_head(f"{place_title(place)} · {fmt_month(month)}", counter)
    with slide_body():
        figures, bars = st.columns([1, 2.4], gap="medium")
        with figures:
            kpi(
                st,
                t("slide_rate_target", target=fmt_rate(target)) if target else t("employment_rate"),
                fmt_rate(head["employment_rate"]),
                fmt_delta_rate(head["employment_rate_change"]),
            )
            kpi(
                st,
                t("slide_employed_of"),
                f"{fmt_count(head['employed'])} / {fmt_count(head['labour_force'])}",
                fmt_delta_count(head["employed_change"]),
            )
            kpi(
                st,
                t("zero_employment_households"),
                fmt_count(head["zero_employment_households"], "unit_households"),
                fmt_delta_count(head["zero_employment_households_change"]),
                lower_is_better=True,
            )
        with bars:
            key = {"township": "site", "site": "building", "building": "room"}[place.level]
            kids = numbers["children"]
            label = "building_label" if key == "building" else None
            event = charts.show_on_slide(
                charts.rate_bars(kids, key, target, label=label, most=charts.SLIDE_BARS),
                key=widget_key(f"present_{place.level}"),
                # A household's slide would be its members' names: the rooms do not drill.
                on_select="ignore" if key == "room" else "rerun",
                selection_mode="points",
            )
            if picked := chosen_bar(event):
                go(place.child(picked))
