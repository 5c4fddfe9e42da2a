"""收入: the monthly income of the employed, by employment type and place, against the county's
target, and who earns below it.

The month, the township (of origin) and the target live in the URL
(`?month=2020-08&township=龙溪镇&target=2100`). Employed people without a reported income are
counted apart, never as 0 yuan. Every number comes from `reports.income`, as
`python -m analytics income` prints it.
"""

import math

import streamlit as st

from analytics.income import HISTOGRAM_WIDTH, INCOME_TARGET
from reports.income import income_numbers
from ui import charts, views
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month, fmt_rate, fmt_yuan
from ui.shell import enter
from ui.state import (
    computed,
    current_version,
    frames,
    report_months,
    report_townships,
    scope_places,
    session_scope,
)
from ui.strings import t
from ui.widgets import excel_download, kpi, month_picker, township_picker

enter()

LOWEST_TARGET = 100.0  # yuan a month; below it a "target" is a typing slip
STATS = ("income_mean", "income_p25", "income_median", "income_p75", "income_min", "income_max")
RATES = ("at_or_above_share",)


def target_input() -> float:
    """The income target in yuan, from `?target=` (default 2,100), kept in the URL."""
    if "income_target" not in st.session_state:
        try:
            wanted = float(st.query_params.get("target", INCOME_TARGET))
        except ValueError:
            wanted = INCOME_TARGET
        # A hand-edited link must not break the page: out of range means the county's target.
        fits = math.isfinite(wanted) and wanted >= LOWEST_TARGET
        st.session_state["income_target"] = wanted if fits else float(INCOME_TARGET)
    value = st.number_input(
        t("inc_target"), min_value=LOWEST_TARGET, step=100.0, format="%.0f", key="income_target",
        help=t("inc_target_help"),
    )  # fmt: skip
    if value == INCOME_TARGET:
        st.query_params.pop("target", None)
    else:
        st.query_params["target"] = f"{value:.0f}"
    return value


data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()

months = report_months()
townships = report_townships()
head_col, town_col, target_col, month_col = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
with town_col:
    township = township_picker(townships, key="income_township")
with target_col:
    target = target_input()
where = township or scope_places(session_scope()) or t("county")
head_col.title(f"{t('nav_income')} · {where} · {fmt_month(month)}")

# A township's places are its sites; the county's (or several townships') are townships.
level = "site" if township or len(townships) == 1 else "township"
numbers = computed(income_numbers, township, month, target, level)
overall = numbers["overall"].row(0, named=True)
below, blank = numbers["below"], numbers["blank"]
target_text = fmt_yuan(target)

cards = st.columns(4)
kpi(cards[0], t("inc_kpi_median"), fmt_yuan(overall["income_median"]))
kpi(
    cards[1],
    t("inc_kpi_share"),
    fmt_rate(overall["at_or_above_share"]),
    help=t("inc_share_help", target=target_text),
)
kpi(cards[2], t("inc_kpi_below"), fmt_count(below.height, "unit_persons"))
kpi(
    cards[3],
    t("inc_kpi_no_income"),
    fmt_count(overall["no_income"], "unit_persons"),
    help=t("inc_no_income_help"),
)
if overall["earners"] == 0:
    st.info(t("inc_none", month=fmt_month(month)), icon=":material/info:")

by_type, by_place, histogram = numbers["by_type"], numbers["by_place"], numbers["histogram"]

box_col, share_col = st.columns([3, 2], gap="large")
with box_col:
    st.subheader(t("inc_box_title"))
    charts.show(charts.income_boxes(by_type, target), key="income_boxes")
    st.caption(t("inc_box_caption"))
with share_col:
    st.subheader(t(f"inc_share_title_{level}"))
    charts.show(
        charts.share_bars(by_place, level, "at_or_above_share", "earners"),
        key="income_share",
    )

st.subheader(t("inc_hist_title", width=HISTOGRAM_WIDTH))
charts.show(charts.income_histogram(histogram, target), key="income_histogram")

type_col, place_col = st.columns(2, gap="large")
with type_col:
    st.subheader(t("inc_by_type_title"))
    views.table(by_type, key="income_by_type", rates=RATES, money=STATS)
with place_col:
    st.subheader(t(f"inc_by_{level}_title"))
    views.table(by_place, key="income_by_place", height=320, rates=RATES, money=STATS)

st.subheader(t("inc_below_title", target=target_text, count=fmt_count(below.height)))
if below.is_empty():
    st.info(t("inc_below_none"), icon=":material/check_circle:")
else:
    views.table(below, key="income_below", height=480)
if not blank.is_empty():
    st.subheader(t("inc_no_income_title", count=fmt_count(blank.height)))
    views.table(blank, key="income_blank", height=320)

file_name = f"{t('inc_file')}-{where}-{month:%Y-%m}.xlsx"
excel_download(
    {
        t("inc_by_type_title"): by_type,
        t(f"inc_by_{level}_title"): by_place,
        t("inc_sheet_histogram"): histogram,
        t("inc_sheet_below"): below,
        t("inc_sheet_no_income"): blank,
    },
    file_name,
    key="income_excel",
    rate_columns=RATES,
)
st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
