"""补贴发放: where the subsidy money went, per type, township and site, per worker, over time.

The month, the place (a township or site clicked on the map) and the map's measure live in the
URL. "This year" is 1 January to the end of the chosen month.
"""

import polars as pl
import streamlit as st

from analytics.drill import Place
from analytics.targets import target_value
from reports.subsidies import subsidy_months, subsidy_numbers
from ui import charts, views
from ui.drill import breadcrumb, context_query, crumbs, current_place, go, url_query
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_delta_wan, fmt_month, fmt_rate, fmt_wan, fmt_yuan
from ui.maps import place_map, site_circles, township_values
from ui.shell import enter
from ui.state import computed, current_version, frames
from ui.strings import t
from ui.widgets import kpi, month_picker, url_bound

enter()

MEASURES = ("amount", "per_capita", "rate", "zero")
# The ranking's totals, in 万元 as the KPIs above it; per-capita columns stay in 元.
TOTALS = ("amount", "person_amount", "employer_amount")


data = frames()
if not data.has_labour and data.subsidies.is_empty():
    no_data_screen()
    st.stop()

months = computed(subsidy_months)
place = current_place(data.labour_scan())
head_col, month_col = st.columns([4, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
head_col.title(f"{t('nav_subsidies')} · {fmt_month(month)}")
breadcrumb(place, data.labour_scan())
where = crumbs(place, data.labour_scan())[-1][0]

numbers = computed(subsidy_numbers, place, month)
head = numbers["head"].row(0, named=True)
per_capita = numbers["per_capita"].row(0, named=True)
budget = numbers["budget"]
county_budget = (
    budget.filter(pl.col("scope") == "县") if place.level == "county" else budget.clear()
)

cards = st.columns(5)
# Totals in 万元, per-capita figures in 元: each the same on its KPI, the map and the ranking.
kpi(cards[0], t("sub_kpi_ytd"), fmt_wan(head["amount_ytd"]))
kpi(
    cards[1],
    t("sub_kpi_month"),
    fmt_wan(head["amount_month"]),
    fmt_delta_wan(head["amount_month_change"]),
)
kpi(cards[2], t("sub_kpi_payments"), fmt_count(head["payments_month"]))
per_member = per_capita["amount_per_capita"]
kpi(cards[3], t("sub_kpi_per_capita"), fmt_yuan(per_member), help=t("sub_per_capita_help"))
if county_budget.height:
    row = county_budget.row(0, named=True)
    kpi(
        cards[4],
        t("sub_kpi_budget"),
        fmt_rate(row["progress"]),
        help=t("sub_budget_help", share=fmt_rate(row["expected_progress"])),
    )

if numbers["payments_this_year"].is_empty():
    st.info(t("sub_none", place=where, year=month.year))

# --- the map: every township, coloured by the chosen measure; sites as circles ---
st.subheader(t("sub_map_title"))
labels = {m: t(f"measure_{m}") for m in MEASURES}
measure = url_bound(
    st.segmented_control, t("sub_measure"), list(MEASURES), key="measure", default="amount",
    format_func=labels.get, required=True,
)  # fmt: skip
county_rates, by_township = numbers["county_rates"], numbers["by_township"]
target = target_value(data.targets, month.year, "就业率")
if measure in ("amount", "per_capita"):
    column = "amount" if measure == "amount" else "amount_per_capita"
    spell, better, measures = (fmt_wan if measure == "amount" else fmt_yuan), None, by_township
elif measure == "rate":
    column, spell, better, measures = "employment_rate", fmt_rate, True, county_rates
else:
    column, better, measures = "zero_employment_households", False, county_rates
    spell = lambda v: fmt_count(v, "unit_households")  # noqa: E731
values = township_values(data.townships, measures, column, spell)
sites = site_circles(
    data.sites, numbers["site_amounts"], "amount", lambda row: fmt_wan(row["amount"] or 0)
)
map_col, rank_col = st.columns([3, 2], gap="large")
with map_col:
    clicked = place_map(
        data.townships,
        values,
        legend_title=labels[measure],
        value_format=spell,
        sites=sites,
        site_legend=t("sub_circles"),
        higher_is_better=better,
        target=target if measure == "rate" else None,
        selected=place.site or place.township,
        key=f"subsidy_map_{measure}",
    )
    st.caption(t("sub_map_hint"))
    if clicked is not None and clicked.name != (place.site or place.township):
        go(Place(**{clicked.level: clicked.name}))
    if place.level != "county":
        st.page_link(
            "pages/overview.py",
            label=t("sub_drill", place=where),
            icon=":material/monitoring:",
            query_params=context_query(**url_query(place)),
        )

with rank_col:
    st.subheader(t("sub_ranking_title"))
    level = "township" if place.level == "county" else "site"
    ranking = numbers["ranking"].select(
        pl.col(level).fill_null(t("unknown_place")),  # e.g. employer payments without a site
        *("amount", "share", "person_amount", "amount_per_capita", "amount_per_employed"),
        *("employer_amount", "persons", "payments"),
        *("labour_force", "employed"),
    )
    # Four columns fit beside the map on a laptop; every column is in the table below it.
    views.table(
        ranking.select(level, "amount", "share", "amount_per_capita"),
        key="subsidy_ranking",
        height=560,
        totals=TOTALS,
    )
with st.expander(t("sub_ranking_all")):
    views.table(ranking, key="subsidy_ranking_all", totals=TOTALS)

# --- over time and by type ---
st.subheader(t("sub_by_month_title"))
by_month = numbers["by_month"]
charts.show(charts.subsidy_stack(by_month), key="subsidy_stack")

tree_col, budget_col = st.columns([3, 2], gap="large")
with tree_col:
    st.subheader(t("sub_treemap_title"))
    by_kind = numbers["by_kind"]
    charts.show(charts.subsidy_treemap(by_kind, level), key="subsidy_treemap")
with budget_col:
    if budget.height:
        st.subheader(t("sub_budget_title"))
        views.table(budget, key="subsidy_budget", totals=("budget", "paid"))

views.download(
    {
        t("sub_ranking_title"): ranking,
        t("sub_by_month_title"): by_month,
        t("sub_treemap_title"): by_kind,
        t("sub_budget_title"): budget,
    },
    place,
    month,
    key="subsidy_excel",
)
st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
