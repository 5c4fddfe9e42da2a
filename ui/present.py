"""Projector mode's pieces: presenting the place on screen (shared with other pages), a slide's
frame (the title line and the body that fills the screen below it), and the numbers the place
slides show (module-level functions for `ui.state.computed`)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import polars as pl
import streamlit as st

from analytics.drill import Place, children, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.lagging import lagging_places
from data.frames import Frames
from ui import charts, clearing
from ui.drill import DRILL_KEYS, root_place, url_query
from ui.format import fmt_count
from ui.state import account
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


def lagging_of(data: Frames, month: date) -> list[Place]:
    """The places that need attention in `month`, in order of need."""
    rows = lagging_places(data.labour, data.targets, month)
    return [Place(**{level: name}) for level, name in rows.select("level", "place").iter_rows()]


def place_numbers(data: Frames, place: Place, month: date) -> dict[str, pl.DataFrame]:
    """A place slide's numbers: its headline (with last month's) and its children's rates."""
    subsidies = subsidies_in_place(data.subsidies, data.labour, place)
    return {
        "headline": headline(in_place(data.labour, place), subsidies, month),
        "children": children(data.labour, place, month),
    }


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
