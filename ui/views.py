"""Sections of the overview that every drill level shares: KPIs, tables, the target board."""

from __future__ import annotations

import html
from collections.abc import Sequence

import polars as pl
import streamlit as st

from analytics.drill import Place
from analytics.privacy import masked
from analytics.targets import RATE_METRICS
from ui.drill import url_query
from ui.format import (
    FLAG_COLUMNS,
    INTERNAL_COLUMNS,
    MISSING,
    MONEY_COLUMNS,
    RATE_COLUMNS,
    fmt_count,
    fmt_delta_count,
    fmt_delta_rate,
    fmt_month,
    fmt_rate,
    fmt_wan,
    fmt_yuan,
    mask_id,
    safe_file_name,
    total_unit,
)
from ui.state import full_view
from ui.strings import STRINGS, t
from ui.theme import BAD, GOOD, WARN
from ui.widgets import excel_download, kpi

# Keys the page needs for clicks but a reader does not: the room and head name say the same.
HIDDEN_COLUMNS = ("household", "in_labour_force")


def kpi_row(head: dict) -> None:
    """The seven headline numbers of a place, each with its change against last month.

    Two rows (the four that leaders ask for first, then the rest): seven in one row would not
    fit a laptop beside the sidebar.
    """
    top = st.columns(4)
    kpi(
        top[0],
        t("employment_rate"),
        fmt_rate(head["employment_rate"]),
        fmt_delta_rate(head["employment_rate_change"]),
        help=t("help_employment_rate"),
    )
    kpi(
        top[1],
        t("employed"),
        fmt_count(head["employed"], "unit_persons"),
        fmt_delta_count(head["employed_change"]),
    )
    kpi(
        top[2],
        t("household_coverage"),
        fmt_rate(head["household_coverage"]),
        fmt_delta_rate(head["household_coverage_change"]),
        help=t("help_household_coverage"),
    )
    kpi(
        top[3],
        t("zero_employment_households"),
        fmt_count(head["zero_employment_households"], "unit_households"),
        fmt_delta_count(head["zero_employment_households_change"]),
        help=t("help_zero_employment"),
        lower_is_better=True,
    )
    bottom = st.columns(4)
    kpi(
        bottom[0],
        t("labour_force"),
        fmt_count(head["labour_force"], "unit_persons"),
        fmt_delta_count(head["labour_force_change"]),
    )
    kpi(
        bottom[1],
        t("public_welfare_posts"),
        fmt_count(head["public_welfare_posts"], "unit_persons"),
        fmt_delta_count(head["public_welfare_posts_change"]),
    )
    kpi(bottom[2], t("subsidy_amount_ytd"), fmt_wan(head["subsidy_amount_ytd"]))


def person_kpis(timeline: pl.DataFrame, month, subsidy_ytd: float | None) -> None:
    """A person's month: status, employment type, income and this year's subsidies.

    A place's rates (employment rate, 一户一人率) are 100 % or 0 % or meaningless for one person.
    """
    now = timeline.filter(pl.col("month") == month)
    row = now.row(0, named=True) if now.height else {}
    cards = st.columns(4)
    kpi(cards[0], t("status"), row.get("status") or MISSING)
    kpi(cards[1], t("employment_type"), row.get("employment_type") or MISSING)
    kpi(cards[2], t("monthly_income"), fmt_count(row.get("monthly_income")))  # the label: 元
    kpi(cards[3], t("subsidy_amount_ytd"), fmt_yuan(subsidy_ytd))


def has_income(timeline: pl.DataFrame) -> bool:
    """Some month of the person's has an income: else a chart of incomes would be empty."""
    return bool((timeline.get_column("monthly_income").fill_null(0) > 0).any())


def inline(parts) -> None:
    """Short facts on one line: "新就业 2 · 失业 1"."""
    st.markdown(" · ".join(parts))


# A screen shows a few dozen rows; a county's whole list (16,879 people) took 0.4 s a rerun to
# send, and a province's would not fit in a browser. The rest is one download away.
MAX_TABLE_ROWS = 1_000


def table(
    frame: pl.DataFrame,
    *,
    key: str,
    clickable: bool = False,
    height: int | str = "auto",
    rates: Sequence[str] = (),
    money: Sequence[str] = (),
    totals: Sequence[str] = (),
    rows: int | None = None,
):
    """A table with localised headers, rates in percent, ID numbers masked (unless the viewer
    switched to full view) and "—" for gaps. `rows`: the whole list's length, when `frame` is
    its first rows only.

    `rates` (fractions) and `money` (yuan) name more columns than the app-wide ones to show as
    percent and as whole yuan; `totals` (yuan) are shown in 万元 (English: millions), headed by
    their `<column>_wan` string, as the screen's KPIs of the same figures (`fmt_wan`). With
    `clickable`, a click on a row (its checkbox or any cell) reruns the page and the selection
    is returned (`ui.drill.chosen_row` reads it). Only the first `MAX_TABLE_ROWS` rows are
    shown, and the caption says so.
    """
    rates = [c for c in frame.columns if c in RATE_COLUMNS or c in rates]
    totals = [c for c in frame.columns if c in totals]
    money = [c for c in frame.columns if (c in MONEY_COLUMNS or c in money) and c not in totals]
    rows = max(rows or 0, frame.height)
    if rows > MAX_TABLE_ROWS or rows > frame.height:
        frame = frame.head(MAX_TABLE_ROWS)
        st.caption(t("table_cut", shown=fmt_count(frame.height), rows=fmt_count(rows)))
    per, digits = total_unit()
    shown = (frame if full_view() else masked(frame)).with_columns(
        *(pl.col(c) * 100 for c in rates),
        *(pl.col(c).round(0) for c in money),
        *(pl.col(c) / per for c in totals),
        *(
            pl.when(pl.col(c)).then(pl.lit(t(c))).otherwise(pl.lit("")).alias(c)
            for c in frame.columns
            if c in FLAG_COLUMNS
        ),
    )
    config = {c: t(c) for c in frame.columns if c in STRINGS}
    for column, dtype in frame.schema.items():
        if column in rates:
            config[column] = st.column_config.NumberColumn(t(column), format="%.1f%%")
        elif column in totals:
            config[column] = st.column_config.NumberColumn(
                t(f"{column}_wan"), format=f"%,.{digits}f"
            )
        elif column in money:
            # Whole yuan with thousands separators: 1,234,567.
            config[column] = st.column_config.NumberColumn(t(column), format="localized")
        elif column == "birth_year":  # 1986, not 1,986
            config[column] = st.column_config.NumberColumn(t(column), format="%d")
        elif dtype == pl.Date():
            # Reporting months read as months: 2020-08, not a midnight timestamp.
            config[column] = st.column_config.DateColumn(
                t(column) if column in STRINGS else column,
                format="YYYY-MM" if column == "month" else "YYYY-MM-DD",
            )
    return st.dataframe(
        shown,
        key=key,
        column_order=[c for c in frame.columns if c not in HIDDEN_COLUMNS],
        hide_index=True,
        column_config=config,
        placeholder=MISSING,
        height=height,
        on_select="rerun" if clickable else "ignore",
        # A cell as well as the row's checkbox: a click anywhere on a row picks it.
        selection_mode=["single-row", "single-cell"] if clickable else "single-row",
    )


def target_board(board: pl.DataFrame, year: int) -> None:
    """Each target of the year with its actual, % done and a red/amber/green mark.

    Drawn as HTML rather than a data grid: it must read from the back of a meeting room, and
    coloured marks must not depend on an emoji font the county's PCs may lack.
    """
    if board.is_empty():
        st.info(t("targets_none", year=year))
        return
    colours = {"green": GOOD, "amber": WARN, "red": BAD}
    rows = []
    for row in board.iter_rows(named=True):
        value = _target_format(row["metric"])
        progress = row["progress"]
        width = 0 if progress is None else min(progress, 1.0) * 100
        status = row["status"]
        mark = (
            f'<span class="rag" style="background:{colours[status]}">{t("rag_" + status)}</span>'
            if status in colours
            else MISSING
        )
        rows.append(
            f"<tr><td>{html.escape(row['metric'])}</td><td class='n'>{value(row['target'])}</td>"
            f"<td class='n'>{value(row['actual'])}</td>"
            f"<td><div class='bar'><div style='width:{width:.0f}%'></div></div>"
            f"<span class='pct'>{fmt_rate(progress)}</span></td><td>{mark}</td></tr>"
        )
    head = "".join(
        f"<th>{t(c)}</th>" for c in ("metric", "target", "actual", "progress", "status_rag")
    )
    st.html(
        f"<table class='board'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _target_format(metric: str):
    """How a target's numbers read: rates in percent, money in 万元, counts with separators."""
    if metric in RATE_METRICS:
        return lambda v: MISSING if v is None else f"{v:.1f}%"
    if metric == "补贴金额":
        return fmt_wan
    return lambda v: fmt_count(None if v is None else round(v))


def board_sheet(board: pl.DataFrame) -> pl.DataFrame:
    """The target board as its sheet of a workbook, reading as the screen does: the status in
    words under 进度状态 (a person's 就业状态 is another thing), targets and actuals rounded as
    the board shows them (rates in percent to 0.1, money to the fen, counts whole)."""
    shown = [
        pl.when(pl.col("metric").is_in(RATE_METRICS))
        .then(pl.col(c).round(1))
        .when(pl.col("metric") == "补贴金额")
        .then(pl.col(c).round(2))
        .otherwise(pl.col(c).round(0))
        .alias(c)
        for c in ("target", "actual")
    ]
    words = {s: t(f"rag_{s}") for s in ("green", "amber", "red")}
    status = pl.col("status").replace_strict(words, default=None, return_dtype=pl.String)
    return board.with_columns(*shown, progress_status=status).select(
        "progress_status" if c == "status" else c
        for c in board.columns
        if c not in INTERNAL_COLUMNS
    )


def download_name(place: Place, month, person: str | None = None) -> str:
    """A download's file name: 就业-<place>-<month>.xlsx; a person's file after the person,
    with the ID number masked as a link would show it (张三-5224…8392-2020年12月.xlsx)."""
    if place.level == "person":
        parts = [person, mask_id(place.id_number), fmt_month(month)]
        return safe_file_name("-".join(p for p in parts if p)) + ".xlsx"
    name = "-".join([*url_query(place).values(), f"{month:%Y-%m}"])
    return safe_file_name(f"就业-{name}") + ".xlsx"


def download(
    sheets: dict[str, pl.DataFrame], place: Place, month, *, key: str, person: str | None = None
) -> None:
    """Every table of the screen as one workbook named after the place (or `person`) and month."""
    excel_download(sheets, download_name(place, month, person), key=key)
