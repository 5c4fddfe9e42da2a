"""投影模式: slides for the leadership meeting, read from five metres, advancing on their own.

Keys: N next, P previous, S pause/play. The month comes from `?month=`, else the latest.
"""

import time

import streamlit as st

from analytics.drill import Place, children
from analytics.kpis import headline
from analytics.rates import rates_by_month
from analytics.targets import target_board, target_value
from ui import charts, views
from ui.empty import no_data_screen
from ui.format import fmt_month
from ui.shell import enter
from ui.state import frames
from ui.strings import t
from ui.theme import dark

enter()

SLIDES = ("slide_overview", "slide_lagging", "slide_trend", "slide_targets")
SECONDS_PER_SLIDE = 15

data = frames()
if data.labour.is_empty():
    no_data_screen()
    st.stop()
months = data.labour.get_column("month").unique().sort().to_list()
wanted = st.query_params.get("month")
month = next((m for m in months if f"{m:%Y-%m}" == wanted), months[-1])

st.session_state.setdefault("present_slide", 0)
st.session_state.setdefault("present_playing", True)


def move(step: int) -> None:
    st.session_state.present_slide = (st.session_state.present_slide + step) % len(SLIDES)
    st.session_state.present_shown_at = time.monotonic()


def leave() -> None:
    for key in ("present", "look"):
        st.query_params.pop(key, None)


def switch_look() -> None:
    if dark():
        st.query_params.pop("look", None)
    else:
        st.query_params["look"] = "dark"


playing = st.session_state.present_playing
with st.container(horizontal=True, vertical_alignment="center"):
    st.button(
        t("slide_prev"), icon=":material/skip_previous:", shortcut="P", on_click=move, args=(-1,)
    )
    st.button(
        t("slide_pause") if playing else t("slide_play"),
        shortcut="S",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=lambda: st.session_state.update(present_playing=not playing),
    )
    st.button(t("slide_next"), icon=":material/skip_next:", shortcut="N", on_click=move, args=(1,))
    st.button(
        t("look_light") if dark() else t("look_dark"),
        icon=":material/contrast:",
        on_click=switch_look,
    )
    st.button(t("slide_exit"), icon=":material/close:", on_click=leave)


@st.fragment(run_every=SECONDS_PER_SLIDE if playing else None)
def slide() -> None:
    """The current slide; on the timer's beat, the next one."""
    now = time.monotonic()
    shown_at = st.session_state.setdefault("present_shown_at", now)
    if st.session_state.present_playing and now - shown_at >= SECONDS_PER_SLIDE - 1:
        move(1)
    name = SLIDES[st.session_state.present_slide]
    st.title(f"{t(name)} · {fmt_month(month)}")
    st.caption(f"{st.session_state.present_slide + 1} / {len(SLIDES)}")
    if name == "slide_overview":
        views.kpi_row(headline(data.labour, data.subsidies, month).row(0, named=True))
    elif name == "slide_lagging":
        sites = children(data.labour, Place(), month, by="site")
        target = target_value(data.targets, month.year, "就业率")
        charts.show(charts.rate_bars(sites, "site", target), key="present_lagging")
    elif name == "slide_trend":
        trend = rates_by_month(data.labour, by=[], until=month).tail(24)
        charts.show(charts.rate_trend(trend), key="present_trend")
    else:
        board = target_board(
            data.targets, data.labour, data.subsidies, data.training, month.year, month
        )
        views.target_board(board, month.year)


slide()
