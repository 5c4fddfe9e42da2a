"""动态清零 on the overview and the projector: the open, overdue and cleared-this-month casework
(`analytics.casework`) of a place and month, split by kind and by the place's children.

"This month" of 本月清零 is the calendar month of today in China, whatever month is chosen: the
chosen month picks the list (its zero-employment households and people, the audit cases up to it),
the states are today's.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from analytics.audit import Standards, in_span
from analytics.casework import (
    KINDS,
    WORKLIST_LABOUR_COLUMNS,
    progress,
    progress_by_kind,
    progress_of_places,
    worklist,
)
from analytics.drill import Place
from analytics.rates import previous_month
from data.audit_cases import audit_cases
from data.frames import Frames
from data.standards import load_standards
from data.store import get_engine
from ui import charts
from ui.casework import today
from ui.drill import context_query
from ui.format import fmt_count, fmt_month
from ui.state import account, computed, computed_list
from ui.strings import t
from ui.theme import BAD, GOOD, WARN
from ui.widgets import kpi

# The children a place's progress is split by; a building's is its total alone.
CHILD = {"county": "township", "township": "site", "site": "building"}
# Bars the overview's chart draws (the places with most open); a slide draws `SLIDE_PLACES`.
OVERVIEW_PLACES = 6
SLIDE_PLACES = 12
# Open subjects of each kind, stacked in this order from the axis.
KIND_COLOURS = {"household": BAD, "person": WARN, "audit": "#5b6b7f"}


def clearing_standards() -> Standards:
    """The standards 动态清零's audit cases are found by: those an administrator saved on
    合规审计, read on every run (one small query) so a change shows in every session at once."""
    return load_standards(get_engine())


def worklists(
    data: Frames, month: dt.date, on: dt.date, standards: Standards
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The worklists of `month` and of the month before, as of the day `on`, of the whole
    scope: the audit's seconds spent once, whichever of its places is shown."""
    found = in_span(audit_cases(data, standards), None, month)
    # Of the person rows, the two months' and the case subjects' homes: never every month.
    months = [month, previous_month(month)]
    subjects = found.get_column("id_number").unique().implode()
    labour = data.labour_slice(
        None,
        pl.col("month").is_in(months) | pl.col("id_number").is_in(subjects),
        WORKLIST_LABOUR_COLUMNS,
    )
    return (
        worklist(found, labour, data.case_work, month, on),
        worklist(found, labour, data.case_work, previous_month(month), on),
    )


def clearing_numbers(
    data: Frames, place: Place, month: dt.date, on: dt.date, standards: Standards
) -> dict[str, pl.DataFrame]:
    """动态清零 of `place` in `month` as of the day `on`: the total, per kind (`KINDS` order)
    and per child place ("places"; empty for a building). A module-level function of the
    frames for `ui.state.computed`; the scope's `worklists` are cached once for all places."""
    current, previous = computed_list(worklists, month, on, standards)
    where = Place.filter_on(
        {"township": place.township, "site": place.site, "building": place.building}
    )
    current, previous = current.filter(where), previous.filter(where)
    numbers = {
        "total": progress(current, previous, [], on),
        "kinds": progress_by_kind(current, previous, on),
        "places": pl.DataFrame(),
    }
    if (by := CHILD.get(place.level)) is not None:
        held = data.labour_slice([month], where, [by])
        names = held.get_column(by).drop_nulls().unique().sort().to_list()
        numbers["places"] = progress_of_places(current, previous, by, names, on)
    return numbers


def place_numbers(place: Place, month: dt.date) -> dict[str, pl.DataFrame]:
    """`clearing_numbers` of this session's scope, once per data version, place, month and day."""
    return computed(clearing_numbers, place, month, today(), clearing_standards())


def help_text(month: dt.date) -> str:
    on = today()
    return t(
        "clr_help",
        month=fmt_month(month),
        previous=fmt_month(previous_month(month)),
        today=f"{on:%Y-%m-%d}",
        this_month=fmt_month(on.replace(day=1)),
    )


def _name(by: str, value: str | None) -> str:
    if value is None:
        return "—"
    return t("building_label", building=value) if by == "building" else value


def clearing_bars(
    places: pl.DataFrame, by: str, most: int, *, name_cleared: bool = True
) -> go.Figure:
    """Open subjects per place, stacked by kind, most open at the top: the length left to clear.
    Each bar names its open, overdue and (`name_cleared`: a slide's room) cleared this month,
    those not zero; a place with none open says 已清零 in green, where its bar would be. The
    overview's half width has room for the first two: its hover tells the third."""
    data = places.head(most).reverse()  # plotly draws the first category at the bottom
    names = [_name(by, v) for v in data.get_column(by)]
    fig = go.Figure()
    for kind in KINDS:
        fig.add_bar(
            y=names,
            x=data.get_column(f"open_{kind}").to_list(),
            orientation="h",
            name=t(f"clr_kind_{kind}"),
            marker_color=KIND_COLOURS[kind],
            customdata=data.get_column("cleared").to_list(),
            hovertemplate="%{y}<br>"
            + t(f"clr_kind_{kind}")
            + " %{x:,}<br>"
            + t("clr_cleared")
            + " %{customdata:,}<extra></extra>",
        )
    rows = data.select("open", "overdue", "cleared").rows()
    widest = max((o for o, _, _ in rows), default=0) or 1
    for name, (open_, overdue, done) in zip(names, rows, strict=True):
        parts = [f"<b>✓ {t('clr_all_clear')}</b>" if open_ == 0 else fmt_count(open_)]
        if overdue:
            parts.append(f"{t('clr_overdue')} {fmt_count(overdue)}")
        if done and name_cleared:
            parts.append(f"{t('clr_cleared')} {fmt_count(done)}")
        text = "　".join(parts)
        fig.add_annotation(
            x=open_,
            y=name,
            text=text,
            xanchor="left",
            showarrow=False,
            xshift=6,
            font={"color": GOOD if open_ == 0 else BAD if overdue else None},
        )
    fig.update_layout(
        barmode="stack",
        height=34 * len(names) + 90,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.05, "yanchor": "top", "x": 0},
        hovermode="closest",
    )
    # Room right of the longest bar for its text.
    fig.update_xaxes(range=[0, widest * 1.6], showticklabels=False, showgrid=False)
    fig.update_yaxes(automargin=True)
    return fig


def _kind_table(kinds: pl.DataFrame) -> pl.DataFrame:
    return kinds.select(
        pl.col("kind").replace_strict({k: t(f"clr_kind_{k}") for k in KINDS}).alias(t("clr_kind")),
        pl.col("open").alias(t("clr_open")),
        pl.col("overdue").alias(t("clr_overdue")),
        pl.col("cleared").alias(t("clr_cleared")),
    )


def clearing_block(place: Place, month: dt.date, *, latest: dt.date, where: str) -> None:
    """The overview's 动态清零: open, overdue and cleared this month, per kind, and the children
    with most open as bars; "已清零" when nothing is open. `latest`: the newest month held (an
    older month's list is shown in today's states, and says so); `where`: the place's name."""
    numbers = place_numbers(place, month)
    total = numbers["total"].row(0, named=True)
    with st.container(border=True, key="clearing"):
        head, link = st.columns([3, 2], vertical_alignment="center")
        head.subheader(t("clr_title"), help=help_text(month), anchor=False)
        signed_in = account()
        if signed_in is not None and signed_in.may("casework"):
            link.page_link(
                "pages/casework.py",
                label=t("clr_to_casework"),
                icon=":material/assignment_turned_in:",
                query_params=context_query(month=f"{month:%Y-%m}"),
            )
        if signed_in is not None and signed_in.may("compliance"):
            link.page_link(
                "pages/compliance.py",
                label=t("clr_to_compliance"),
                icon=":material/gavel:",
                query_params=context_query(month=f"{month:%Y-%m}", to=f"{month:%Y-%m}"),
            )
        figures, bars = st.columns([2, 3])
        with figures:
            cards = st.columns(3)
            kpi(cards[0], t("clr_open"), fmt_count(total["open"]))
            kpi(cards[1], t("clr_overdue"), fmt_count(total["overdue"]))
            kpi(cards[2], t("clr_cleared"), fmt_count(total["cleared"]))
            st.dataframe(_kind_table(numbers["kinds"]), hide_index=True, key="clearing_kinds")
            if month != latest:
                on = today()
                st.caption(
                    t(
                        "clr_past_month",
                        month=fmt_month(month),
                        this_month=fmt_month(on.replace(day=1)),
                    )
                )
        with bars:
            places = numbers["places"]
            if total["open"] == 0:
                st.success(
                    f"**{t('clr_all_clear')}** · {t('clr_all_clear_note', place=where)}",
                    icon=":material/task_alt:",
                )
            elif places.height:
                charts.show(
                    clearing_bars(places, CHILD[place.level], OVERVIEW_PLACES, name_cleared=False),
                    key="clearing_bars",
                    config={"displayModeBar": False},
                )
                if places.height > OVERVIEW_PLACES:
                    st.caption(t("clr_more_places", shown=OVERVIEW_PLACES, count=places.height))
