"""投影模式: slides for the leadership meeting, read from five metres, advancing on their own.

The county's slides, then one slide per place that needs attention (`analytics.lagging`): its
rate against its target, its change since last month, its children's bars. Keys: N next,
P previous, S pause/play. The month comes from `?month=`, else the latest.

A place in the URL (`?present=1&site=…`, from the overview's "投影此页", or a click on a slide's
bar) shows that place's slide, live, until ← (Backspace) returns to the slideshow.
"""

import time

import polars as pl
import streamlit as st

from analytics.drill import Place, children
from analytics.kpis import headline
from analytics.rates import rates_by_month
from analytics.targets import place_target, target_board, target_value
from ui import charts, views
from ui.drill import DRILL_KEYS, chosen_bar, current_place, go, widget_key
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_delta_count, fmt_delta_rate, fmt_month, fmt_rate
from ui.present import (
    clearing_slide,
    lagging_of,
    place_numbers,
    place_title,
    slide_body,
    slide_head,
)
from ui.shell import enter
from ui.state import board_scope, computed, frames, scope_places, session_scope
from ui.strings import t
from ui.theme import WAKE_SCRIPT, dark
from ui.widgets import kpi

enter()

SLIDES = ("slide_overview", "slide_clearing", "slide_lagging", "slide_trend", "slide_targets")
SECONDS_PER_SLIDE = 15


data = frames()
if data.labour.is_empty():
    no_data_screen()
    st.stop()
months = data.labour.get_column("month").unique().sort().to_list()
wanted = st.query_params.get("month")
month = next((m for m in months if f"{m:%Y-%m}" == wanted), months[-1])

# A place shown live: at most a building (a household's slide would be its members' names).
# Only a place the URL names: a township officer's own township, their start elsewhere, would
# otherwise hold the slideshow out of reach ("返回幻灯片" led back to it).
live = current_place(data.labour) if DRILL_KEYS & st.query_params.keys() else Place()
while live.level in ("household", "person"):
    live = live.parent()
slides: list[str | Place] = [*SLIDES, *computed(lagging_of, month)]

st.session_state.setdefault("present_slide", 0)
st.session_state.setdefault("present_playing", True)
if st.session_state.present_slide >= len(slides):
    st.session_state.present_slide = 0


def move(step: int) -> None:
    st.session_state.present_slide = (st.session_state.present_slide + step) % len(slides)
    st.session_state.present_shown_at = time.monotonic()


def leave() -> None:
    for key in ("present", "look"):
        st.query_params.pop(key, None)


def back_to_slides() -> None:
    for key in DRILL_KEYS:
        st.query_params.pop(key, None)
    st.session_state.present_shown_at = time.monotonic()


def switch_look() -> None:
    if dark():
        st.query_params.pop("look", None)
    else:
        st.query_params["look"] = "dark"


playing = st.session_state.present_playing and live.level == "county"
# Fixed in the screen's corner, out of sight until the mouse moves (ui.theme's projector CSS).
with st.container(key="slide-controls", horizontal=True, vertical_alignment="center"):
    st.html(WAKE_SCRIPT, unsafe_allow_javascript=True, width="content")
    if live.level != "county":
        st.button(
            t("slide_back"),
            icon=":material/arrow_back:",
            shortcut="Backspace",
            on_click=back_to_slides,
        )
    else:
        st.button(
            t("slide_prev"),
            icon=":material/skip_previous:",
            shortcut="P",
            on_click=move,
            args=(-1,),
        )
        st.button(
            t("slide_pause") if playing else t("slide_play"),
            shortcut="S",
            icon=":material/pause:" if playing else ":material/play_arrow:",
            on_click=lambda: st.session_state.update(present_playing=not playing),
        )
        st.button(
            t("slide_next"), icon=":material/skip_next:", shortcut="N", on_click=move, args=(1,)
        )
    st.button(
        t("look_light") if dark() else t("look_dark"),
        icon=":material/contrast:",
        on_click=switch_look,
    )
    st.button(t("slide_exit"), icon=":material/close:", on_click=leave)


def county_slide(name: str, counter: str) -> None:
    places = scope_places(session_scope())
    # A township officer's slides are their township's, not the county's.
    title = (
        t("slide_overview_of", places=places) if name == "slide_overview" and places else t(name)
    )
    slide_head(f"{title} · {fmt_month(month)}", counter)
    with slide_body():
        if name == "slide_overview":
            views.kpi_row(headline(data.labour, data.subsidies, month).row(0, named=True))
        elif name == "slide_clearing":
            clearing_slide(month)
        elif name == "slide_lagging":
            sites = children(data.labour, Place(), month, by="site")
            target = target_value(data.targets, month.year, "就业率")
            event = charts.show_on_slide(
                charts.rate_bars(sites, "site", target, most=charts.SLIDE_BARS),
                key=widget_key("present_lagging"),
                on_select="rerun",
                selection_mode="points",
            )
            if picked := chosen_bar(event):
                go(Place(site=picked))
        elif name == "slide_trend":
            trend = rates_by_month(data.labour, by=[], until=month).tail(24)
            figure = charts.rate_trend(trend)
            # Every third month named: 24 labels at 22 px stood on end and took a quarter of
            # a 1366×768 slide.
            figure.update_xaxes(nticks=9, tickangle=0)
            charts.show_on_slide(figure, key="present_trend")
        elif (scope := board_scope()) is None:
            views.target_board(pl.DataFrame(), month.year)
        else:
            board = target_board(
                data.targets, data.labour, data.subsidies, data.training, month.year, month, scope
            )
            views.target_board(board, month.year)


def place_slide(place: Place, counter: str) -> None:
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


if live.level != "county":
    place_slide(live, t("slide_live" if live.level == "building" else "slide_live_drill"))
else:

    @st.fragment(run_every=SECONDS_PER_SLIDE if playing else None)
    def slide() -> None:
        """The current slide; on the timer's beat, the next one."""
        now = time.monotonic()
        shown_at = st.session_state.setdefault("present_shown_at", now)
        if st.session_state.present_playing and now - shown_at >= SECONDS_PER_SLIDE - 1:
            move(1)
        index = st.session_state.present_slide
        current = slides[index]
        counter = f"{index + 1} / {len(slides)}"
        if isinstance(current, Place):
            place_slide(current, counter)
        else:
            county_slide(current, counter)

    slide()
