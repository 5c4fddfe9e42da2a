"""The explore page's parts: filters kept in the URL and shown as removable chips, the pivot
builder, and the pivot drawn as a table and a chart.

Every choice lives in the URL, so a link reproduces the view: `?township=龙溪镇&two_after=1&
status=未就业&training_need=电工&rows=township&cols=employment_type&measure=employed&from=2020-01
&to=2020-12`. Values are the ledger's own, so a link reads the same in either language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from analytics.pivot import (
    BLANK,
    BOOLEAN_DIMENSIONS,
    DEFINING_AXES,
    DIMENSIONS,
    MEASURES,
    PLACE_DIMENSIONS,
    RATE_MEASURES,
    Pivot,
    axes_for,
    ledger_order,
    terms,
    with_dimensions,
)
from data.frames import Frames
from ui.format import MISSING, fmt_count, fmt_month, fmt_rate, fmt_yuan
from ui.state import computed
from ui.strings import t
from ui.theme import EMPLOYMENT_TYPE_COLOURS
from ui.widgets import url_bound

KEY = "explore_f_"  # session keys of the filter widgets: explore_f_township, …
# The filter panel's groups, as the ledger groups its columns.
FILTER_GROUPS = (
    ("explore_group_place", PLACE_DIMENSIONS),
    ("explore_group_person", ("gender", "age_band", "education", "capacity")),
    ("explore_group_work", ("status", "employment_type", "wish", "training_need")),
    ("explore_group_help", ("two_after", "three_no", "monitoring")),
)
MONEY_MEASURES = ("mean_income", "median_income", "subsidy_amount")
MAX_AXES = 2  # per side: three nested groups no longer read as a table


def label(dimension: str) -> str:
    """A dimension's or measure's name in the viewer's language."""
    return t(f"pivot_{dimension}")


def value_text(value: object) -> str:
    """A dimension value as a reader sees it: 是/否 for yes/no, "（空白）" as blank."""
    if isinstance(value, bool):
        return t("pivot_yes") if value else t("pivot_no")
    return t("pivot_blank") if value == BLANK else str(value)


def _encode(value: object) -> str:
    return ("1" if value else "0") if isinstance(value, bool) else str(value)


def _offered(
    data: Frames, months: tuple[dt.date, dt.date], places: tuple[tuple[str, tuple], ...]
) -> dict[str, list]:
    """What each filter offers: the values in `months` of the viewer's data, a village, site
    or building list narrowed by the places chosen before it (`places`: dimension → values)."""
    # The months' rows, one column at a time: never the range's every column in memory.
    labour = with_dimensions(data.labour_scan().filter(pl.col("month").is_between(*months)))
    chosen = dict(places)
    asked = {}
    for dimension in DIMENSIONS:
        if dimension in BOOLEAN_DIMENSIONS:
            continue
        rows = labour
        if dimension in PLACE_DIMENSIONS:
            for parent in PLACE_DIMENSIONS[: PLACE_DIMENSIONS.index(dimension)]:
                if chosen.get(parent):
                    rows = rows.filter(pl.col(parent).is_in(list(chosen[parent])))
        asked[dimension] = rows.select(pl.col(dimension).unique())
    found = dict(zip(asked, pl.collect_all(asked.values()), strict=True))
    offered: dict[str, list] = {}
    for dimension in DIMENSIONS:
        if dimension in BOOLEAN_DIMENSIONS:
            offered[dimension] = [True, False]
            continue
        values = found[dimension].get_column(dimension)
        if dimension == "training_need":
            offered[dimension] = terms(values)
        else:
            offered[dimension] = ledger_order(dimension, values.drop_nulls().unique().to_list())
    return offered


def filter_panel(months: tuple[dt.date, dt.date]) -> dict[str, list]:
    """The filter widgets, grouped, starting from the URL; returns dimension → chosen values.

    The filters offer what is in the `months` chosen."""
    for dimension in DIMENSIONS:
        key = KEY + dimension
        if key not in st.session_state:
            wanted = st.query_params.get_all(dimension)
            if dimension in BOOLEAN_DIMENSIONS:
                st.session_state[key] = [v == "1" for v in wanted if v in ("0", "1")]
            else:
                st.session_state[key] = list(dict.fromkeys(wanted))
    places = tuple((d, tuple(st.session_state.get(KEY + d) or [])) for d in PLACE_DIMENSIONS)
    offered = computed(_offered, months, places)
    with st.expander(t("explore_filters"), icon=":material/filter_alt:"):
        for group, columns in zip(st.columns(len(FILTER_GROUPS)), FILTER_GROUPS, strict=True):
            title, dimensions = columns
            group.markdown(f"**{t(title)}**")
            for dimension in dimensions:
                found = offered[dimension]
                # A value from the URL that is not in these months stays choosable (and removable).
                chosen = st.session_state.get(KEY + dimension) or []
                group.multiselect(
                    label(dimension),
                    [*found, *[v for v in chosen if v not in found]],
                    key=KEY + dimension,
                    format_func=value_text,
                    placeholder=t("explore_any"),
                )
    chosen = {d: list(st.session_state.get(KEY + d) or []) for d in DIMENSIONS}
    for dimension, values in chosen.items():
        if values:
            st.query_params[dimension] = [_encode(v) for v in values]
        else:
            st.query_params.pop(dimension, None)
    return {d: v for d, v in chosen.items() if v}


def filter_key(filters: dict[str, list]) -> tuple[tuple[str, tuple], ...]:
    """The filters as a small hashable key, in dimension order."""
    return tuple((d, tuple(filters[d])) for d in DIMENSIONS if d in filters)


def _remove(dimension: str, value: object) -> None:
    key = KEY + dimension
    st.session_state[key] = [v for v in st.session_state.get(key, []) if v != value]


def _clear() -> None:
    for dimension in DIMENSIONS:
        st.session_state[KEY + dimension] = []


def chips(filters: dict[str, list]) -> None:
    """The chosen filters as chips: a click on one removes it."""
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    if not filters:
        row.caption(t("explore_no_filters"))
        return
    row.markdown(f"**{t('explore_filtered_by')}**")
    for dimension, values in filters.items():
        for value in values:
            row.button(
                f"{label(dimension)}：{value_text(value)}",
                key=f"chip_{dimension}_{_encode(value)}",
                icon=":material/close:",
                on_click=_remove,
                args=(dimension, value),
                help=t("explore_remove_chip"),
            )
    row.button(t("explore_clear"), key="chip_clear", type="tertiary", on_click=_clear)


def month_range(months: Sequence[dt.date]) -> tuple[dt.date, dt.date]:
    """From and to month, latest by default, kept in the URL as `?from=2020-01&to=2020-12`."""
    by_key = {f"{m:%Y-%m}": m for m in sorted(months, reverse=True)}
    options = list(by_key)
    names = {k: fmt_month(m) for k, m in by_key.items()}
    start_col, end_col = st.columns(2)
    with end_col:
        end = url_bound(
            st.selectbox, t("explore_to"), options, key="explore_to", param="to",
            default=options[0], format_func=names.get,
        )  # fmt: skip
    with start_col:
        start = url_bound(
            st.selectbox, t("explore_from"), options, key="explore_from", param="from",
            default=end, format_func=names.get,
        )  # fmt: skip
    first, last = sorted((by_key[start], by_key[end]))
    return first, last


def _axes(
    title: str, key: str, default: list[str], exclude: Sequence[str], measure: str
) -> list[str]:
    """Pivot rows or columns, kept in the URL as `?rows=township&rows=site`; only the axes
    that mean something with `measure` (`analytics.pivot.axes_for`)."""
    allowed = axes_for(measure)
    if key not in st.session_state:
        wanted = st.query_params.get_all(key) if key in st.query_params else default
        st.session_state[key] = [a for a in wanted if a in allowed][:MAX_AXES]
    elif any(a not in allowed for a in st.session_state[key]):
        # The measure changed to one the axis decides: drop the axis before its widget is drawn.
        st.session_state[key] = [a for a in st.session_state[key] if a in allowed]
    options = [a for a in allowed if a not in exclude or a in st.session_state[key]]
    chosen = st.multiselect(
        title,
        options,
        key=key,
        format_func=label,
        max_selections=MAX_AXES,
        placeholder=t("explore_none"),
    )
    if chosen == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = chosen or [""]
    return chosen


def pivot_builder() -> tuple[list[str], list[str], str]:
    """Rows, columns and measure of the pivot."""
    rows_col, cols_col, measure_col = st.columns([2, 2, 1.4])
    # The measure first (drawn in its own, rightmost column): it decides which axes are offered.
    with measure_col:
        measure = url_bound(
            st.selectbox, t("explore_measure"), list(MEASURES), key="measure",
            default="labour_force", format_func=label,
        )  # fmt: skip
        if DEFINING_AXES.get(measure):
            st.caption(t("explore_defining_axes"))
    with rows_col:
        cols = st.session_state.get("cols", [])
        rows = _axes(t("explore_rows"), "rows", ["township"], cols, measure)
    with cols_col:
        columns = _axes(t("explore_columns"), "cols", [], rows, measure)
    return rows, columns, measure


def formatted(value: object, measure: str) -> str:
    """One pivot value as text: percent, money or a count; "—" for nothing."""
    if value is None:
        return MISSING
    if measure in RATE_MEASURES:
        return fmt_rate(value)
    if measure in MONEY_MEASURES:
        return fmt_yuan(value)  # the unit of the table beside it
    return fmt_count(value)


def pivot_table(table: pl.DataFrame, result: Pivot, *, key: str) -> None:
    """The wide pivot (`analytics.pivot.wide`) with readable headers and the measure's format."""
    label_columns = list(result.rows) or ["_"]
    headers = {c: label(c) for c in result.rows} | {"_": ""}
    shown = table.with_columns(pl.col(c).replace(BLANK, t("pivot_blank")) for c in label_columns)
    value_columns = [c for c in table.columns if c not in label_columns]
    config: dict = {c: headers[c] for c in label_columns}
    for column in value_columns:
        title = t("pivot_blank") if column == BLANK else column
        if result.measure in RATE_MEASURES:
            config[column] = st.column_config.NumberColumn(title, format="%.1f%%")
        elif result.measure in MONEY_MEASURES:
            config[column] = st.column_config.NumberColumn(title, format="%,.0f")
        else:
            config[column] = st.column_config.NumberColumn(title, format="%,d")
    if result.measure in RATE_MEASURES:
        shown = shown.with_columns(pl.col(c) * 100 for c in value_columns)
    st.dataframe(
        shown,
        key=key,
        hide_index=True,
        column_config=config,
        placeholder=MISSING,
        height=min(35 * (shown.height + 1) + 12, 720),
    )


def pivot_chart(result: Pivot) -> go.Figure:
    """Bars of the measure per row group, one colour per column group; rates in percent."""
    rows, columns = list(result.rows), list(result.columns)
    frame = result.cells
    x_label = " / ".join(label(c) for c in rows)
    if rows:
        frame = frame.with_columns(_joined(rows).alias("_x"))
    else:
        frame = frame.with_columns(pl.lit(label(result.measure)).alias("_x"))
    rate = result.measure in RATE_MEASURES
    fig = go.Figure()
    groups = (
        frame.with_columns(_joined(columns).alias("_c")).partition_by("_c", maintain_order=True)
        if columns
        else [frame.with_columns(pl.lit(label(result.measure)).alias("_c"))]
    )
    groups = [g for g in groups if g.height]
    for group in groups:
        name = group.get_column("_c")[0]
        values = group.get_column("value").to_list()
        fig.add_bar(
            x=group.get_column("_x").to_list(),
            y=[None if v is None else v * 100 if rate else v for v in values],
            name=value_text(name),
            marker_color=EMPLOYMENT_TYPE_COLOURS.get(name),
            text=[formatted(v, result.measure) for v in values],
            textposition="outside" if len(groups) * group.height <= 24 else "none",
            hovertemplate="%{x}<br>" + value_text(name) + "：%{text}<extra></extra>",
        )
    fig.update_layout(
        barmode="group",
        height=520,
        showlegend=bool(columns),
        legend={"orientation": "h", "y": -0.2},
        xaxis_title=x_label,
        yaxis_title=label(result.measure),
    )
    fig.update_xaxes(type="category")
    if rate:
        fig.update_yaxes(ticksuffix="%")
    elif result.measure in MONEY_MEASURES:
        fig.update_yaxes(tickformat=",")
    else:
        # Whole people: no 0.2-person gridlines when the counts are small.
        most = result.cells.get_column("value").max() or 0
        fig.update_yaxes(tickformat=",d", dtick=1 if most <= 5 else None)
    return fig


def _joined(columns: list[str]) -> pl.Expr:
    return pl.concat_str(
        [
            pl.col(c).dt.strftime("%Y-%m")
            if c == "month"
            else pl.col(c).replace(BLANK, t("pivot_blank"))
            for c in columns
        ],
        separator=" / ",
    )


def filter_notes(
    filters: dict[str, list], months: tuple[dt.date, dt.date], rows, columns, measure: str
) -> list[str]:
    """What the pivot shows, line by line, for the top of its Excel sheet."""
    start, end = months
    span = fmt_month(end) if start == end else f"{fmt_month(start)} – {fmt_month(end)}"
    lines = [t("explore_note_months", months=span)]
    if filters:
        lines += [
            f"{label(d)}：{'、'.join(value_text(v) for v in values)}"
            for d, values in filters.items()
        ]
    else:
        lines.append(t("explore_no_filters"))
    lines.append(
        t(
            "explore_note_pivot",
            rows="、".join(label(r) for r in rows) or MISSING,
            columns="、".join(label(c) for c in columns) or MISSING,
            measure=label(measure),
        )
    )
    return lines


def pivot_sheet(table: pl.DataFrame, measure: str) -> pl.DataFrame:
    """The pivot as its workbook sheet. Without row dimensions `wide` labels its one row in a
    column named "_": headed by the measure's name, as a blank header would read to a program
    as "__UNNAMED__0"."""
    return table.rename({"_": label(measure)}, strict=False)
