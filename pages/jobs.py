"""岗位与培训: open postings against job seekers, posted wages against incomes, what training led
to, and the two-after youth (两后生).

The month and the township (of origin) live in the URL (`?month=2020-08&township=龙溪镇`).
Postings are public notices: the township cuts the people, never the postings. Every number
here comes from `reports.jobs`, as `python -m analytics jobs | training | two-after` prints it.
"""

import polars as pl
import streamlit as st

from analytics.domain import STATUS_EMPLOYED, STATUS_UNEMPLOYED
from analytics.income import INCOME_TARGET
from analytics.jobs import in_townships
from reports.jobs import jobs_numbers
from ui import charts, views
from ui.drill import context_query
from ui.empty import no_data_screen
from ui.format import MISSING, fmt_count, fmt_month, fmt_rate
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

MONEY = (
    "wage_min_median",
    "wage_max_median",
    "wage_min_lowest",
    "wage_max_highest",
    "income_p25",
    "income_median",
    "income_p75",
)
RATES = ("employed_share",)


def shown(frame: pl.DataFrame) -> pl.DataFrame:
    """Vacancies per seeker to 2 decimals: a ratio, not a count of people."""
    if "vacancies_per_seeker" not in frame.columns:
        return frame
    return frame.with_columns(pl.col("vacancies_per_seeker").round(2))


data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()

months = report_months()
townships = report_townships()
head_col, town_col, month_col = st.columns([3, 1, 1], vertical_alignment="bottom")
with month_col:
    month = month_picker(months)
with town_col:
    township = township_picker(townships, key="jobs_township")
where = township or scope_places(session_scope()) or t("county")
head_col.title(f"{t('nav_jobs')} · {where} · {fmt_month(month)}")

numbers = computed(jobs_numbers, township, month)
places = [township] if township else list(townships)

supply, wages_tab, training_tab, youth_tab = st.tabs(
    [t("jobs_tab_supply"), t("jobs_tab_wages"), t("jobs_tab_training"), t("jobs_tab_two_after")]
)
sheets: dict[str, pl.DataFrame] = {}

with supply:
    if data.postings.is_empty():
        st.info(t("jobs_no_postings"), icon=":material/info:")
    else:
        total = numbers["total"].row(0, named=True)
        cards = st.columns(4)
        kpi(cards[0], t("postings"), fmt_count(total["postings"]))
        kpi(cards[1], t("vacancies"), fmt_count(total["vacancies"], "unit_persons"))
        kpi(cards[2], t("seekers"), fmt_count(total["seekers"], "unit_persons"))
        ratio = total["vacancies_per_seeker"]
        ratio_help = t("jobs_ratio_help")
        if where != t("county"):
            ratio_help += " " + t("jobs_ratio_help_place", place=where)
        kpi(
            cards[3],
            t("vacancies_per_seeker"),
            MISSING if ratio is None else f"{ratio:,.2f}",
            help=ratio_help,
        )
        by_category = numbers["by_category"]
        by_township = in_townships(numbers["by_township"], places).with_columns(
            pl.col("township").fill_null(t("jobs_no_township"))
        )
        trend = numbers["trend"]
        # The table across the page (beside the chart a laptop showed 4 of its 5 columns), then
        # the people and their ratio side by side: one axis each.
        st.subheader(t("jobs_by_category_title"))
        views.table(shown(by_category), key="jobs_by_category")
        st.caption(t("jobs_by_category_caption"))
        st.subheader(t("jobs_trend_title"))
        left, right = st.columns([3, 2], gap="large")
        with left:
            charts.show(charts.supply_trend(trend), key="jobs_trend")
        with right:
            charts.show(charts.supply_ratio(trend), key="jobs_ratio")
        st.subheader(t("jobs_by_township_title"))
        views.table(shown(by_township), key="jobs_by_township")
        st.caption(t("jobs_by_township_caption"))
        sheets |= {
            t("jobs_by_category_title"): shown(by_category),
            t("jobs_by_township_title"): shown(by_township),
            t("jobs_sheet_trend"): shown(trend),
        }

with wages_tab:
    st.subheader(t("jobs_wages_title"))
    wages = numbers["wages"]
    charts.show(charts.wage_income_ranges(wages, INCOME_TARGET), key="jobs_wages")
    views.table(wages, key="jobs_wages_table", money=MONEY)
    st.caption(t("jobs_wages_caption"))
    sheets[t("jobs_tab_wages")] = wages

with training_tab:
    outcomes = numbers["outcomes"]
    if outcomes.is_empty():
        st.info(t("jobs_training_none", month=fmt_month(month)), icon=":material/info:")
    else:
        overall = numbers["overall"].row(0, named=True)
        cards = st.columns(4)
        kpi(cards[0], t("jobs_kpi_trainees"), fmt_count(overall["trainees"]))
        kpi(cards[1], t("jobs_kpi_followed"), fmt_count(overall["followed_up"]))
        kpi(
            cards[2],
            t("jobs_kpi_share"),
            fmt_rate(overall["employed_share"]),
            help=t("jobs_share_help"),
        )
        kpi(cards[3], t("jobs_kpi_pending"), fmt_count(overall["pending"]))
        left, right = st.columns([3, 2], gap="large")
        with left:
            # Every course at once (a county runs a dozen or two): no scrolling at a meeting.
            views.table(
                outcomes,
                key="jobs_training",
                rates=RATES,
                height=min(35 * (outcomes.height + 1) + 3, 640),
            )
        with right:
            labelled = outcomes.with_columns(
                label=pl.concat_str("course", pl.lit(" · "), "provider")
            )
            st.markdown(f"**{t('jobs_training_chart')}**")
            charts.show(
                charts.share_bars(labelled, "label", "employed_share", "followed_up"),
                key="jobs_training_chart",
            )
        sheets[t("jobs_tab_training")] = outcomes

with youth_tab:
    youth = numbers["youth"]
    if youth.is_empty():
        st.info(t("jobs_two_after_none", month=fmt_month(month)), icon=":material/info:")
    else:
        by_status = numbers["by_status"]
        counts = dict(by_status.select("status", "youth").iter_rows())
        cards = st.columns(3)
        kpi(cards[0], t("jobs_two_after_total"), fmt_count(youth.height, "unit_persons"))
        kpi(cards[1], t("employed"), fmt_count(counts.get(STATUS_EMPLOYED, 0), "unit_persons"))
        kpi(
            cards[2],
            t("jobs_unemployed"),
            fmt_count(counts.get(STATUS_UNEMPLOYED, 0), "unit_persons"),
        )
        # The month and language go along; the township is the one chosen here, if any.
        link_query = {
            **{k: v for k, v in context_query().items() if k in ("month", "lang")},
            "two_after": "1",
            **({"township": township} if township else {}),
        }
        links = st.columns(2)
        links[0].page_link(
            "pages/explore.py",
            label=t("jobs_two_after_explore"),
            icon=":material/filter_alt:",
            query_params=link_query,
        )
        links[1].page_link(
            "pages/explore.py",
            label=t("jobs_two_after_explore_unemployed"),
            icon=":material/filter_alt:",
            query_params={**link_query, "status": STATUS_UNEMPLOYED},
        )
        left, right = st.columns([1, 2], gap="large")
        with left:
            st.subheader(t("jobs_two_after_by_status"))
            views.table(by_status, key="jobs_two_after_status")
        with right:
            st.subheader(t("jobs_two_after_by_township"))
            by_township_status = numbers["by_township_status"]
            views.table(by_township_status, key="jobs_two_after_township", height=320)
        st.subheader(t("jobs_two_after_list"))
        views.table(youth, key="jobs_two_after_list", height=480)
        sheets |= {
            t("jobs_two_after_by_status"): by_status,
            t("jobs_two_after_by_township"): by_township_status,
            t("jobs_two_after_list"): youth,
        }

file_name = f"{t('jobs_file')}-{where}-{month:%Y-%m}.xlsx"
excel_download(sheets, file_name, key="jobs_excel", rate_columns=RATES)
st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
