"""Sections of the overview that every drill level shares: KPIs, tables, the target board."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.drill import Place
from ui.format import (
    MISSING,
    fmt_count,
    fmt_delta_count,
    fmt_delta_rate,
    fmt_money,
    fmt_rate,
)
from ui.strings import STRINGS, t
from ui.widgets import excel_download, kpi, masked

RATE_COLUMNS = ("employment_rate", "household_coverage", "share", "progress")
# Keys the page needs for clicks but a reader does not: the room and head name say the same.
HIDDEN_COLUMNS = ("household", "in_labour_force")


def kpi_row(head: dict) -> None:
    """The seven headline numbers of a place, each with its change against last month."""
    cols = st.columns(7)
    counts = [
        ("labour_force", "unit_persons", False),
        ("employed", "unit_persons", False),
    ]
    for col, (name, unit, lower) in zip(cols[:2], counts, strict=True):
        kpi(
            col,
            t(name),
            fmt_count(head[name], unit),
            fmt_delta_count(head[f"{name}_change"]),
            lower_is_better=lower,
        )
    kpi(
        cols[2],
        t("employment_rate"),
        fmt_rate(head["employment_rate"]),
        fmt_delta_rate(head["employment_rate_change"]),
        help=t("help_employment_rate"),
    )
    kpi(
        cols[3],
        t("household_coverage"),
        fmt_rate(head["household_coverage"]),
        fmt_delta_rate(head["household_coverage_change"]),
        help=t("help_household_coverage"),
    )
    kpi(
        cols[4],
        t("zero_employment_households"),
        fmt_count(head["zero_employment_households"], "unit_households"),
        fmt_delta_count(head["zero_employment_households_change"]),
        help=t("help_zero_employment"),
        lower_is_better=True,
    )
    kpi(
        cols[5],
        t("public_welfare_posts"),
        fmt_count(head["public_welfare_posts"], "unit_persons"),
        fmt_delta_count(head["public_welfare_posts_change"]),
    )
    kpi(cols[6], t("subsidy_amount_ytd"), fmt_money(head["subsidy_amount_ytd"]))


def table(frame: pl.DataFrame, *, key: str, clickable: bool = False, height: int | str = "auto"):
    """A table with localised headers, rates in percent, ID numbers masked and "—" for gaps.

    With `clickable`, a click on a row reruns the page and the selection is returned.
    """
    shown = masked(frame).with_columns(pl.col(c) * 100 for c in frame.columns if c in RATE_COLUMNS)
    config = {c: t(c) for c in frame.columns if c in STRINGS}
    for column in frame.columns:
        if column in RATE_COLUMNS:
            config[column] = st.column_config.NumberColumn(t(column), format="%.1f%%")
    return st.dataframe(
        shown,
        key=key,
        column_order=[c for c in frame.columns if c not in HIDDEN_COLUMNS],
        hide_index=True,
        column_config=config,
        placeholder=MISSING,
        height=height,
        on_select="rerun" if clickable else "ignore",
        selection_mode="single-row",
    )


def target_board(board: pl.DataFrame, year: int) -> None:
    """Each target of the year with its actual, % done and a red/amber/green mark."""
    if board.is_empty():
        st.info(t("targets_none", year=year))
        return
    shown = board.select(
        "metric",
        "target",
        "actual",
        "progress",
        pl.col("status")
        .replace_strict(
            {"green": t("rag_green"), "amber": t("rag_amber"), "red": t("rag_red")},
            default=MISSING,
        )
        .alias("status_rag"),
    )
    st.dataframe(
        shown,
        hide_index=True,
        placeholder=MISSING,
        column_config={
            "metric": t("metric"),
            "target": st.column_config.NumberColumn(t("target"), format="%,.1f"),
            "actual": st.column_config.NumberColumn(t("actual"), format="%,.1f"),
            "progress": st.column_config.ProgressColumn(
                t("progress"), format="percent", min_value=0.0, max_value=1.0
            ),
            "status_rag": t("status_rag"),
        },
    )


def download(sheets: dict[str, pl.DataFrame], place: Place, month, *, key: str) -> None:
    """Every table of the screen as one workbook named after the place and month."""
    name = "-".join([*place.to_query().values(), f"{month:%Y-%m}"]) or "county"
    excel_download(sheets, f"就业-{name}.xlsx", key=key)
