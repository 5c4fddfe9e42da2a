"""投影模式: slides for the leadership meeting, read from five metres, advancing on their own.

The county's slides, then one slide per place that needs attention (`analytics.lagging`): its
rate against its target, its change since last month, its children's bars. Keys: N next,
P previous, S pause/play. The month comes from `?month=`, else the latest.

A place in the URL (`?present=1&site=…`, from the overview's "投影此页", or a click on a slide's
bar) shows that place's slide, live, until ← (Backspace) returns to the slideshow.
"""

import time

import streamlit as st

from analytics.drill import Place
from reports.present import lagging_of
from ui.drill import DRILL_KEYS, current_place
from ui.empty import no_data_screen
from ui.present import county_slide, place_slide
from ui.shell import enter
from ui.state import computed, frames, report_months
from ui.strings import t
from ui.theme import WAKE_SCRIPT, dark

enter()

SLIDES = ("slide_overview", "slide_clearing", "slide_lagging", "slide_trend", "slide_targets")
SECONDS_PER_SLIDE = 15


data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()
months = list(report_months())
wanted = st.query_params.get("month")
month = next((m for m in months if f"{m:%Y-%m}" == wanted), months[-1])

# A place shown live: at most a building (a household's slide would be its members' names).
# Only a place the URL names: a township officer's own township, their start elsewhere, would
# otherwise hold the slideshow out of reach ("返回幻灯片" led back to it).
live = current_place(data.labour_scan()) if DRILL_KEYS & st.query_params.keys() else Place()
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


if live.level != "county":
    counter = t("slide_live" if live.level == "building" else "slide_live_drill")
    place_slide(data, live, month, counter)
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
            place_slide(data, current, month, counter)
        else:
            county_slide(data, current, month, counter)

    slide()
