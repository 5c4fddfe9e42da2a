"""Plotly chart builders shared by the pages: Chinese labels, fixed colours, projector-legible."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from analytics.audit import RULES
from ui.format import fmt_count, fmt_month, fmt_rate, fmt_wan, fmt_yuan, total_unit
from ui.strings import t
from ui.theme import (
    BAD,
    EMPLOYMENT_TYPE_COLOURS,
    GOOD,
    PRIMARY,
    RATE_BAND_COLOURS,
    SUBSIDY_KIND_COLOURS,
    chart_template,
    rate_band,
)


def rate_trend(series: pl.DataFrame) -> go.Figure:
    """Employment rate by month: one line on one axis, the people behind it in the hover.

    One axis (issue 21): a rate beside a count on a second axis made two scales to read from
    five metres. The axis starts near the lowest rate so that a month's change shows; its title
    says where it starts, the break told plainly rather than hidden.
    """
    months = [fmt_month(m) for m in series.get_column("month")]
    rates = series.get_column("employment_rate").to_list()
    employed = series.get_column("employed").to_list()
    labour = series.get_column("labour_force").to_list()
    texts = [None] * len(rates)
    if rates and rates[-1] is not None:
        texts[-1] = fmt_rate(rates[-1])  # the month shown, named at the line's end
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=[None if r is None else r * 100 for r in rates],
            name=t("employment_rate"),
            mode="lines+markers+text",
            text=texts,
            # Left of its point: centred, the last month's label ran off a phone's chart.
            textposition="top left",
            textfont={"size": 18, "color": PRIMARY},
            line={"color": PRIMARY, "width": 4},
            marker={"size": 8},
            customdata=[
                (fmt_rate(r), fmt_count(e, "unit_persons"), fmt_count(n, "unit_persons"))
                for r, e, n in zip(rates, employed, labour, strict=True)
            ],
            hovertemplate="%{x}<br>"
            + t("employment_rate")
            + " %{customdata[0]}<br>"
            + t("employed")
            + " %{customdata[1]} / "
            + t("labour_force")
            + " %{customdata[2]}<extra></extra>",
        )
    )
    present = [r * 100 for r in rates if r is not None]
    floor = max(0, 5 * math.floor((min(present, default=90.0) - 1) / 5))
    name = t("employment_rate")
    title = name if floor == 0 else t("axis_from", name=name, low=floor)
    fig.update_yaxes(title_text=title, ticksuffix="%", dtick=5, range=[floor, 101.5])
    fig.update_layout(height=420, showlegend=False, hovermode="x unified")
    return fig


# Bars a rate chart draws at most. A county's townships and sites fit; a province's 2,640 sites
# made a chart 90,000 pixels tall that took a fifth of a second to build on every rerun.
MOST_BARS = 30
# The share of a rate chart's width that holds the group names (inside the plot, clickable):
# per character of the longest name, within bounds. A half-width chart at 1366×768 is about
# 430 px wide, and 7 characters of 17 px need 120 px of it.
NAME_SHARE_PER_CHARACTER = 0.045
NAME_SHARE_BOUNDS = (0.1, 0.4)


def rate_bars(
    rates: pl.DataFrame,
    group: str,
    target: float | None = None,
    label: str | None = None,
    *,
    most: int | None = None,
) -> go.Figure:
    """Horizontal bars of the employment rate per group, lowest at the top, with the target line.

    `rates` comes in attention order (`analytics.drill.children`), drawn top to bottom: the first
    `MOST_BARS` of it, the chart saying so under its axis when there are more.
    Bars are coloured by `ui.theme.rate_band` (the map's bands): green at or above the target,
    amber within 2 points below it, red further below. The axis starts at 0.
    Groups without labour force show no bar ("—" in the hover), never a false 0. `label` is a
    UI string with a `{%s}` placeholder for the group's name (e.g. "3栋"); the group's own value
    rides along in each bar's customdata, for clicks, which a group's whole row and its name
    take as well as its bar. `most` lowers the number of bars (a slide's `SLIDE_BARS`, each tall
    enough for its label).
    """
    most = MOST_BARS if most is None else most
    data = rates.head(most).reverse()  # plotly draws the first category at the bottom
    keys = data.get_column(group).to_list()
    names = [t(label, **{group: k}) if label else k for k in keys]
    values = [None if r is None else r * 100 for r in data.get_column("employment_rate")]
    goal = None if target is None else target * 100
    bands = [rate_band(r, target) for r in data.get_column("employment_rate")]
    colours = [PRIMARY if b is None else RATE_BAND_COLOURS[b] for b in bands]
    labels = [fmt_rate(r) for r in data.get_column("employment_rate")]
    counts = [fmt_count(v) for v in data.get_column("labour_force")]
    customdata = list(zip(labels, counts, keys, strict=True))
    hover = (
        "%{y}<br>"
        + t("employment_rate")
        + " %{customdata[0]}<br>"
        + t("labour_force")
        + " %{customdata[1]}<extra></extra>"
    )
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=colours,
            text=labels,
            # At the bar's start: the target line (near 100 %) never runs through a label.
            textposition="inside",
            insidetextanchor="start",
            # Dark text on amber: white on it could not be read from the back of the room.
            textfont={"color": ["#1f2328" if b == 1 else "white" for b in bands]},
            customdata=customdata,
            hovertemplate=hover,
        )
    )
    # A click anywhere on a group's row picks it, its name included (issue 21: "点击条形"):
    # plotly reports clicks on traces only, and tick labels sit outside the plot. So an
    # invisible bar spans each row, and the names are the text of invisible bars of their own
    # axis at the left, carrying the same customdata as the bar they name.
    clear = "rgba(0,0,0,0)"
    longest = max((len(n) for n in names), default=0)
    low, high = NAME_SHARE_BOUNDS
    share = min(high, max(low, NAME_SHARE_PER_CHARACTER * longest + 0.02))
    fig.add_bar(
        x=[102] * len(names), y=names, orientation="h", marker_color=clear,
        customdata=customdata, hovertemplate=hover,
    )  # fmt: skip
    fig.add_bar(
        x=[1] * len(names), y=names, orientation="h", marker_color=clear, xaxis="x2",
        text=names, textposition="inside", insidetextanchor="end", textfont={"color": "#1f2328"},
        textangle=0, constraintext="none", customdata=customdata, hovertemplate=hover,
    )  # fmt: skip
    fig.update_layout(
        barmode="overlay",
        xaxis2={"domain": [0, share - 0.01], "range": [0, 1], "visible": False},
    )
    fig.update_yaxes(showticklabels=False)
    # From 0: a bar's length is its rate (from 70 % a 90 % bar looked three times an 80 % one).
    # The rates' axis alone (not the names' axis beside it).
    fig.update_layout(
        # Every 20 points: eleven labels turned sideways in a half-width chart at 1366×768.
        xaxis={"domain": [share, 1], "range": [0, 102], "ticksuffix": "%", "dtick": 20}
    )
    fig.update_yaxes(type="category")
    if rates.height > most:
        # In the figure, not a caption beside it: at the chart's own size, legible on a projector.
        left_out = t("bars_left_out", shown=most, total=fmt_count(rates.height))
        fig.layout.xaxis.title.text = left_out
    if goal is not None:
        fig.add_vline(x=goal, line_dash="dash", line_color="#333", line_width=2)
        # Above the plot area, clear of the bars and their labels.
        fig.add_annotation(
            x=goal,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            xanchor="right",
            text=f"{t('target')} {goal:.0f}%",
            showarrow=False,
        )
    fig.update_layout(height=max(320, 34 * len(names) + 80), showlegend=False)
    return fig


def show(fig: go.Figure, *, key: str, **kwargs) -> object:
    """Draw `fig` with the app's own template (Streamlit's chart theme would shrink the fonts)."""
    if template := chart_template():
        fig.update_layout(template=template)
        # Bars and lines grow with the projector's text.
        fig.update_layout(height=max(fig.layout.height or 420, 520))
    return st.plotly_chart(fig, key=key, theme=None, **kwargs)


# On a slide, read from the back of the room at 1920×1080: values 30 px, axis labels 22 px.
SLIDE_VALUE_SIZE = 30
SLIDE_AXIS_SIZE = 22
# Bars a slide draws at most: at 1920×1080 each is then taller than its 30 px label (plotly
# shrinks a label that does not fit: 15 bars made theirs 26 px).
SLIDE_BARS = 12


def show_on_slide(fig: go.Figure, *, key: str, **kwargs) -> object:
    """Draw `fig` on a projector slide: the projector's template, values and labels enlarged,
    the chart stretched to the slide's height (`ui.theme`'s `.st-key-slide-body`) rather than
    the figure's own."""
    fig.update_layout(
        template=chart_template() or "projector",
        height=None,
        autosize=True,
        margin={"l": 10, "r": 20, "t": 60, "b": 10},
        font={"size": SLIDE_AXIS_SIZE},
        bargap=0.12,  # thicker bars, room for their labels
    )
    fig.update_xaxes(tickfont={"size": SLIDE_AXIS_SIZE}, title_font={"size": SLIDE_AXIS_SIZE})
    fig.update_yaxes(tickfont={"size": SLIDE_AXIS_SIZE}, title_font={"size": SLIDE_AXIS_SIZE})
    fig.update_traces(textfont_size=SLIDE_VALUE_SIZE, selector={"type": "bar"})
    fig.update_traces(textfont_size=SLIDE_VALUE_SIZE, selector={"type": "scatter"})
    # A rate chart's group names are the text of bars on their own axis (`rate_bars`): sized as
    # axis labels, and light on the dark look, where the page's dark text would vanish.
    names = {"xaxis": "x2"}
    fig.update_traces(textfont_size=SLIDE_AXIS_SIZE, selector=names)
    fig.update_annotations(font_size=SLIDE_AXIS_SIZE + 4)
    if chart_template() == "projector_dark":
        # The target line's dark grey vanishes on the dark look's background.
        fig.update_shapes(line_color="#c9d1d9")
        fig.update_traces(textfont_color="#f0f3f6", selector=names)
    return st.plotly_chart(fig, key=key, theme=None, height="stretch", **kwargs)


def mix_bars(mix: pl.DataFrame) -> go.Figure:
    """Employed persons per employment type, in the fixed order and colours of the whole app."""
    types = mix.get_column("employment_type").to_list()
    employed = mix.get_column("employed").to_list()
    shares = [fmt_rate(v) for v in mix.get_column("share")]
    fig = go.Figure(
        go.Bar(
            x=employed,
            y=types,
            orientation="h",
            marker_color=[EMPLOYMENT_TYPE_COLOURS[k] for k in types],
            text=[f"{fmt_count(v)}（{s}）" for v, s in zip(employed, shares, strict=True)],
            textposition="auto",
            hovertemplate="%{y}<br>%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=",")
    fig.update_layout(height=380, showlegend=False)
    return fig


def migrant_donut(split: pl.DataFrame) -> go.Figure:
    """The three-way split of migrant work the province reports (省外 / 省内县外 / 县内)."""
    types = split.get_column("employment_type").to_list()
    fig = go.Figure(
        go.Pie(
            labels=types,
            values=split.get_column("employed").to_list(),
            hole=0.5,
            sort=False,
            marker_colors=[EMPLOYMENT_TYPE_COLOURS[k] for k in types],
            texttemplate="%{label}<br>%{percent:.1%}",
            hovertemplate="%{label}<br>%{value:,} " + t("unit_persons") + "<extra></extra>",
        )
    )
    fig.update_layout(height=380, showlegend=False)
    return fig


def person_months(timeline: pl.DataFrame) -> go.Figure:
    """One person's months: income bars coloured by employment type; other statuses as labels."""
    months = [fmt_month(m) for m in timeline.get_column("month")]
    types = timeline.get_column("employment_type").to_list()
    statuses = timeline.get_column("status").to_list()
    incomes = [v or 0 for v in timeline.get_column("monthly_income")]
    fig = go.Figure(
        go.Bar(
            x=months,
            y=incomes,
            marker_color=[EMPLOYMENT_TYPE_COLOURS.get(k, "#bbbbbb") for k in types],
            text=[k if k else s for k, s in zip(types, statuses, strict=True)],
            textposition="outside",
            hovertemplate="%{x}<br>%{text}<br>" + t("monthly_income") + " %{y:,}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=t("monthly_income"), tickformat=",", rangemode="tozero")
    fig.update_layout(height=360, showlegend=False)
    return fig


def subsidy_stack(by_month: pl.DataFrame) -> go.Figure:
    """Yuan paid per month, stacked by subsidy type in the app's fixed type colours.

    `by_month`: month, kind, amount (`subsidy_totals(by=["month", "kind"])`). Amounts are drawn
    and hovered in the unit of the page's totals (万元; English: millions).
    """
    months = by_month.get_column("month").unique().sort().to_list()
    labels = [fmt_month(m) for m in months]
    per, _ = total_unit()
    fig = go.Figure()
    present = set(by_month.get_column("kind"))
    for kind, colour in SUBSIDY_KIND_COLOURS.items():
        if kind not in present:
            continue
        rows = dict(by_month.filter(pl.col("kind") == kind).select("month", "amount").iter_rows())
        amounts = [rows.get(m) for m in months]
        fig.add_bar(
            x=labels,
            y=[None if a is None else a / per for a in amounts],
            name=kind,
            marker_color=colour,
            customdata=[fmt_wan(a) for a in amounts],
            hovertemplate="%{x}<br>" + kind + " %{customdata}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=500,
        # Above the plot: below it, the month labels (slanted on a laptop) ran into it.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
        hovermode="x",
    )
    fig.update_yaxes(title_text=t("unit_wan"), tickformat=",", rangemode="tozero")
    return fig


def subsidy_treemap(by_kind_place: pl.DataFrame, place: str) -> go.Figure:
    """Subsidy type → place (`place` = "township" or "site"), areas proportional to the yuan paid.

    `by_kind_place`: kind, `place`, amount. Each type keeps its colour; its places are its tiles.
    """
    rows = by_kind_place.filter(pl.col("amount") > 0)
    kinds = rows.group_by("kind").agg(pl.col("amount").sum()).sort("amount", descending=True)
    ids = kinds.get_column("kind").to_list()
    parents = [""] * len(ids)
    values = kinds.get_column("amount").to_list()
    labels = list(ids)
    colours = [SUBSIDY_KIND_COLOURS.get(k, "#bbbbbb") for k in ids]
    for kind, name, amount in rows.select("kind", place, "amount").iter_rows():
        ids.append(f"{kind}/{name}")
        parents.append(kind)
        values.append(amount)
        labels.append(name or t("unknown_place"))
        colours.append(SUBSIDY_KIND_COLOURS.get(kind, "#bbbbbb"))
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            values=values,
            labels=labels,
            branchvalues="total",
            marker={"colors": colours, "line": {"color": "white", "width": 1}},
            customdata=[fmt_wan(v) for v in values],
            texttemplate="%{label}<br>%{customdata}",
            hovertemplate="%{label}<br>%{customdata}<br>%{percentParent:.1%}<extra></extra>",
            maxdepth=2,
        )
    )
    fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    return fig


# --- issue 7: jobs, training and income (pages/jobs.py, pages/income.py) ---

WAGE_COLOUR = "#bdbdbd"  # posted wages: grey, an offer beside what people earn
INCOME_COLOUR = "#5b9bd5"  # light enough for the black median line on it


def supply_trend(series: pl.DataFrame) -> go.Figure:
    """Vacancies and job seekers per month, as bars on one axis of people. `series`:
    `analytics.jobs.vacancies_by_month` without groups. Their ratio is `supply_ratio`'s chart:
    one axis per chart (issue 21), not a ratio on a second axis beside the people."""
    months = [fmt_month(m) for m in series.get_column("month")]
    fig = go.Figure()
    for column, colour in (("vacancies", "#9ecae1"), ("seekers", "#fdae6b")):
        values = series.get_column(column).to_list()
        fig.add_bar(
            x=months,
            y=values,
            name=t(column),
            marker_color=colour,
            customdata=[fmt_count(v, "unit_persons") for v in values],
            hovertemplate="%{x}<br>" + t(column) + " %{customdata}<extra></extra>",
        )
    fig.update_yaxes(title_text=t("unit_persons"), tickformat=",", rangemode="tozero")
    fig.update_layout(
        barmode="group",
        height=360,
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def supply_ratio(series: pl.DataFrame) -> go.Figure:
    """Vacancies per seeker by month, from 0, with the line at 1 (below it there are more
    seekers than places)."""
    months = [fmt_month(m) for m in series.get_column("month")]
    ratios = series.get_column("vacancies_per_seeker").to_list()
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=ratios,
            name=t("vacancies_per_seeker"),
            mode="lines+markers",
            line={"color": PRIMARY, "width": 4},
            marker={"size": 8},
            customdata=[_ratio_text(r) for r in ratios],
            hovertemplate="%{x}<br>" + t("vacancies_per_seeker") + " %{customdata}<extra></extra>",
        )
    )
    fig.add_hline(y=1, line_dash="dash", line_color="#333", line_width=2)
    top = max([r for r in ratios if r is not None], default=1.0)
    fig.update_yaxes(
        title_text=t("vacancies_per_seeker"), range=[0, max(top, 1.0) * 1.15], tickformat=".1f"
    )
    fig.update_layout(height=360, showlegend=False, hovermode="x unified")
    return fig


def _ratio_text(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def wage_income_ranges(wages: pl.DataFrame, target: float | None = None) -> go.Figure:
    """Per job category: the posted wages (median lowest to median highest) beside what the
    employed of that category earn (middle half, the median marked), with the income target.

    `wages`: `analytics.jobs.wages_vs_incomes`. A side without data draws nothing there.
    """
    categories = wages.get_column("job_category").to_list()
    rows = wages.to_dicts()

    def span(low: str, high: str) -> tuple[list, list, list]:
        bases, lengths, texts = [], [], []
        for row in rows:
            a, b = row[low], row[high]
            present = a is not None and b is not None
            bases.append(a if present else None)
            lengths.append(b - a if present else None)
            texts.append(f"{fmt_yuan(a)} – {fmt_yuan(b)}" if present else "—")
        return bases, lengths, texts

    posted_base, posted_len, posted_text = span("wage_min_median", "wage_max_median")
    earned_base, earned_len, earned_text = span("income_p25", "income_p75")
    # Numeric positions instead of grouped categories: the median marker must sit on its bar.
    slots = list(range(len(categories)))
    posted_x = [x - 0.2 for x in slots]
    earned_x = [x + 0.2 for x in slots]
    fig = go.Figure()
    fig.add_bar(
        x=posted_x,
        y=posted_len,
        base=posted_base,
        width=0.38,
        name=t("jobs_chart_posted"),
        marker_color=WAGE_COLOUR,
        customdata=list(zip(categories, posted_text, strict=True)),
        hovertemplate="%{customdata[0]}<br>"
        + t("jobs_chart_posted")
        + " %{customdata[1]}<extra></extra>",
    )
    fig.add_bar(
        x=earned_x,
        y=earned_len,
        base=earned_base,
        width=0.38,
        name=t("jobs_chart_earned"),
        marker_color=INCOME_COLOUR,
        customdata=list(zip(categories, earned_text, strict=True)),
        hovertemplate="%{customdata[0]}<br>"
        + t("jobs_chart_earned")
        + " %{customdata[1]}<extra></extra>",
    )
    medians = [row["income_median"] for row in rows]
    fig.add_scatter(
        x=earned_x,
        y=medians,
        name=t("income_median"),
        mode="markers",
        marker={"symbol": "line-ew", "size": 60, "line": {"width": 4, "color": "#1f2328"}},
        customdata=list(zip(categories, [fmt_yuan(v) for v in medians], strict=True)),
        hovertemplate="%{customdata[0]}<br>"
        + t("income_median")
        + " %{customdata[1]}<extra></extra>",
    )
    _target_line(fig, target, horizontal=True)
    fig.update_xaxes(tickvals=slots, ticktext=categories, range=[-0.6, len(slots) - 0.4])
    fig.update_yaxes(title_text=t("jobs_chart_yuan"), tickformat=",", rangemode="tozero")
    fig.update_layout(barmode="overlay", height=460, legend={"orientation": "h", "y": 1.12, "x": 0})
    return fig


def _target_line(fig: go.Figure, target: float | None, *, horizontal: bool) -> None:
    """The income target as a dashed line with its label."""
    if target is None:
        return
    label = f"{t('target')} {fmt_yuan(target)}"
    if horizontal:
        fig.add_hline(y=target, line_dash="dash", line_color=BAD, line_width=2)
        # Left: the tallest boxes and bars (migrant work) stand there, far above the target.
        fig.add_annotation(
            x=0, xref="paper", y=target, text=label, showarrow=False, yshift=12, xanchor="left"
        )
    else:
        fig.add_vline(x=target, line_dash="dash", line_color=BAD, line_width=2)
        fig.add_annotation(
            x=target, y=1.04, yref="paper", text=label, showarrow=False, xanchor="left"
        )


def share_bars(
    frame: pl.DataFrame,
    label: str,
    share: str,
    count: str,
    *,
    goal: float | None = None,
) -> go.Figure:
    """Horizontal bars of a share (0–1) per `label`, lowest at the top; `count` (the base of
    the share) in the hover. A null share draws no bar and reads "—", never 0 %. With `goal`,
    bars at or above it are green, others red, and the goal is a dashed line."""
    data = frame.sort(share, descending=True, nulls_last=False)  # plotly draws bottom-up
    names = [v if v is not None else t("unknown_place") for v in data.get_column(label)]
    shares = data.get_column(share).to_list()
    values = [None if v is None else v * 100 for v in shares]
    colours = [
        PRIMARY if goal is None or v is None else GOOD if v >= goal * 100 else BAD for v in values
    ]
    texts = [fmt_rate(v) for v in shares]
    counts = [fmt_count(v, "unit_persons") for v in data.get_column(count)]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=colours,
            text=texts,
            textposition="auto",
            customdata=list(zip(texts, counts, strict=True)),
            hovertemplate="%{y}<br>%{customdata[0]}<br>"
            + t(count)
            + " %{customdata[1]}<extra></extra>",
        )
    )
    if goal is not None:
        fig.add_vline(x=goal * 100, line_dash="dash", line_color="#333", line_width=2)
    fig.update_xaxes(range=[0, 100.5], ticksuffix="%")
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(320, 34 * len(names) + 80), showlegend=False)
    return fig


def income_boxes(distribution: pl.DataFrame, target: float | None = None) -> go.Figure:
    """Monthly income per employment type as boxes drawn from the quartiles the table shows
    (`analytics.income.income_distribution(by=["employment_type"])`): the box is the middle
    half, the whiskers the lowest and highest income. Types without earners are left out."""
    rows = [r for r in distribution.to_dicts() if r["income_median"] is not None]
    fig = go.Figure()
    for row in rows:
        kind = row["employment_type"]
        fig.add_trace(
            go.Box(
                name=kind,
                x=[kind],
                q1=[row["income_p25"]],
                median=[row["income_median"]],
                q3=[row["income_p75"]],
                lowerfence=[row["income_min"]],
                upperfence=[row["income_max"]],
                mean=[row["income_mean"]],
                boxmean=True,
                marker_color=EMPLOYMENT_TYPE_COLOURS.get(kind, PRIMARY),
                line={"width": 2},
                hoverinfo="y+name",
            )
        )
    _target_line(fig, target, horizontal=True)
    fig.update_yaxes(title_text=t("monthly_income"), tickformat=",", rangemode="tozero")
    fig.update_layout(height=460, showlegend=False)
    return fig


def income_histogram(histogram: pl.DataFrame, target: float | None = None) -> go.Figure:
    """Earners per income bin (`analytics.income.income_histogram` without groups, aligned on
    the target): bins below the target red, the others green, the target a dashed line."""
    starts = histogram.get_column("bin_start").to_list()
    ends = histogram.get_column("bin_end").to_list()
    counts = histogram.get_column("earners").to_list()
    colours = [BAD if target is not None and end <= target else GOOD for end in ends]
    fig = go.Figure(
        go.Bar(
            x=[(a + b) / 2 for a, b in zip(starts, ends, strict=True)],
            y=counts,
            width=[b - a for a, b in zip(starts, ends, strict=True)],
            marker_color=colours,
            marker_line={"color": "white", "width": 1},
            customdata=[
                (f"{a:,}–{b:,}", fmt_count(c, "unit_persons"))
                for a, b, c in zip(starts, ends, counts, strict=True)
            ],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    )
    _target_line(fig, target, horizontal=False)
    fig.update_xaxes(title_text=t("monthly_income"), tickformat=",")
    fig.update_yaxes(title_text=t("earners"), tickformat=",", rangemode="tozero")
    fig.update_layout(height=420, showlegend=False, bargap=0)
    return fig


def audit_month_bars(by_month: pl.DataFrame, measure: str, labels: dict[str, str]) -> go.Figure:
    """Cases or yuan at risk (`measure` of `analytics.audit.cases_by_month`) per period, stacked
    by rule in the rules' order; `labels` names each period on the axis (a year's column is
    交通补贴超标's alone). The data-quality rule has no amount and no bar of amounts."""
    periods = list(labels)
    fig = go.Figure()
    money = measure == "amount_at_risk"
    for rule in RULES:
        rows = by_month.filter((pl.col("rule") == rule) & pl.col(measure).is_not_null())
        if rows.is_empty():
            continue
        values = dict(rows.select("period", measure).iter_rows())
        shown = [values.get(p) for p in periods]
        fig.add_bar(
            x=[labels[p] for p in periods],
            y=shown,
            name=rule,
            customdata=[
                None if v is None else fmt_yuan(v) if money else fmt_count(v, "unit_cases")
                for v in shown
            ],
            hovertemplate="%{x}<br>" + rule + " %{customdata}<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=420,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"},
        hovermode="x",
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=t(measure), tickformat=",", rangemode="tozero")
    return fig
