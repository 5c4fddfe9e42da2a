"""就业总览: the county's headline numbers for a month, the trend, and who lags."""

import streamlit as st

from analytics.rates import employment_rates, previous_month, rates_by_month
from analytics.targets import target_value
from ui import charts
from ui.empty import first_run_screen
from ui.format import fmt_count, fmt_delta_count, fmt_delta_rate, fmt_month, fmt_rate
from ui.state import current_version, frames
from ui.strings import t
from ui.widgets import excel_download, kpi, month_picker

data = frames()
if data.labour.is_empty():
    first_run_screen()
    st.stop()

months = data.labour.get_column("month").unique().sort().to_list()
head, picker = st.columns([4, 1], vertical_alignment="bottom")
with picker:
    month = month_picker(months)
head.title(f"{t('nav_overview')} · {fmt_month(month)}")

now = employment_rates(data.labour, by=[], month=month).row(0, named=True)
before = None
if previous_month(month) in months:
    before = employment_rates(data.labour, by=[], month=previous_month(month)).row(0, named=True)


def change(column: str):
    """The change of `column` against last month, or None without a last month."""
    if before is None or now[column] is None or before[column] is None:
        return None
    return now[column] - before[column]


cols = st.columns(5)
kpi(
    cols[0],
    t("labour_force"),
    fmt_count(now["labour_force"], "unit_persons"),
    fmt_delta_count(change("labour_force")),
)
kpi(
    cols[1],
    t("employed"),
    fmt_count(now["employed"], "unit_persons"),
    fmt_delta_count(change("employed")),
)
kpi(
    cols[2],
    t("employment_rate"),
    fmt_rate(now["employment_rate"]),
    fmt_delta_rate(change("employment_rate")),
    help=t("help_employment_rate"),
)
kpi(
    cols[3],
    t("household_coverage"),
    fmt_rate(now["household_coverage"]),
    fmt_delta_rate(change("household_coverage")),
    help=t("help_household_coverage"),
)
kpi(
    cols[4],
    t("zero_employment_households"),
    fmt_count(now["zero_employment_households"], "unit_households"),
    fmt_delta_count(change("zero_employment_households")),
    help=t("help_zero_employment"),
    lower_is_better=True,
)

st.subheader(t("trend_title"))
trend = rates_by_month(data.labour.filter(data.labour["month"] <= month), by=[]).tail(24)
charts.show(charts.rate_trend(trend), key="overview_trend")

target = target_value(data.targets, month.year, "就业率")
left, right = st.columns(2)
by_township = employment_rates(data.labour, by=["township"], month=month)
by_site = employment_rates(data.labour, by=["site"], month=month)
with left:
    st.subheader(t("by_township_title"))
    charts.show(charts.rate_bars(by_township, "township", target), key="overview_townships")
with right:
    st.subheader(t("by_site_title"))
    charts.show(charts.rate_bars(by_site, "site", target), key="overview_sites")
    excel_download(
        {t("township"): by_township, t("site"): by_site},
        f"employment-rates-{month:%Y-%m}.xlsx",
        key="overview_excel",
    )

st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
