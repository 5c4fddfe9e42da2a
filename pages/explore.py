"""透视分析: filter the ledger on any column, pivot rows × columns × one measure, and see the
people behind the numbers with the postings that fit the unemployed among them.

Filters, months and the pivot's layout live in the URL (ui/explore.py).
"""

import streamlit as st

from analytics.matching import match_postings
from analytics.pivot import wide
from analytics.rates import month_end
from reports.explore import listed, matched, matching, pivoted
from ui import charts, explore, views
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month
from ui.shell import enter
from ui.state import computed, current_version, frames, full_view, report_months
from ui.strings import lang, t
from ui.widgets import excel_bytes, excel_download, file_download

enter()

MAX_SEEKERS = 2_000  # matching scores every seeker × posting pair

data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()

head_col, months_col = st.columns([3, 2], vertical_alignment="bottom")
head_col.title(t("nav_explore"))
with months_col:
    months = explore.month_range(report_months())
month = months[1]
filters = explore.filter_panel(months)
explore.chips(filters)

# --- who matches: the count an analyst is asked for, first ---
found = computed(matched, explore.filter_key(filters), month, views.MAX_TABLE_ROWS, MAX_SEEKERS)
roster, seekers = found.first_rows, found.seekers
persons, seeker_count = found.persons, found.seeker_count
counts = found.counts.row(0, named=True)
st.markdown(
    t(
        "explore_found",
        month=fmt_month(month),
        persons=fmt_count(persons),
        labour_force=fmt_count(counts["labour_force"]),
        employed=fmt_count(counts["employed"]),
        unemployed=fmt_count(counts["labour_force"] - counts["employed"]),
    )
)

rows, columns, measure = explore.pivot_builder()
result = computed(
    pivoted, explore.filter_key(filters), months, tuple(rows), tuple(columns), measure
)
table = wide(result, t("pivot_total"))
basis = "explore_basis_flow" if measure == "subsidy_amount" else "explore_basis_stock"
st.caption(t(basis, start=fmt_month(months[0]), end=fmt_month(month)))

pivot_tab, chart_tab, people_tab, postings_tab = st.tabs(
    [
        t("explore_tab_pivot"),
        t("explore_tab_chart"),
        t("explore_tab_people", count=fmt_count(persons)),
        t("explore_tab_postings", count=fmt_count(seeker_count)),
    ]
)
with pivot_tab:
    explore.pivot_table(table, result, key="explore_pivot")
    excel_download(
        {t("explore_tab_pivot"): explore.pivot_sheet(table, measure)},
        f"透视-{month:%Y-%m}.xlsx",
        key="explore_pivot_excel",
        notes=explore.filter_notes(filters, months, rows, columns, measure),
        rate_columns=table.columns if measure in explore.RATE_MEASURES else (),
    )
with chart_tab:
    charts.show(explore.pivot_chart(result), key="explore_chart")
with people_tab:
    views.table(roster, key="explore_people", height=560, rows=persons)
    full, language = full_view(), lang()
    sheet, notes = (
        t("explore_tab_people", count=persons),
        explore.filter_notes(filters, (month, month), (), (), "persons"),
    )
    chosen = explore.filter_key(filters)
    file_download(
        lambda: excel_bytes(
            {sheet: listed(matching(data, chosen, month))},
            full=full,
            notes=notes,
            language=language,
        ),
        f"名单-{month:%Y-%m}.xlsx",
        key="explore_people_excel",
        full=full,
    )
with postings_tab:
    if seeker_count == 0:
        st.info(t("explore_no_seekers"))
    elif seeker_count > MAX_SEEKERS:
        st.info(t("explore_too_many_seekers", count=fmt_count(seeker_count)))
    else:
        matches = match_postings(seekers, data.postings, as_of=month_end(month))
        if matches.is_empty():
            st.info(t("explore_no_matches"))
        else:
            shown = matches.select(
                "name", "id_number", "site", "building", "room", "wish", "training_need",
                "rank", "employer", "title", "work_place", "wage_min", "wage_max", "vacancies",
                "reason",
            )  # fmt: skip
            st.caption(t("explore_matches_caption", count=fmt_count(shown.height)))
            views.table(shown, key="explore_matches", height=560)
            excel_download(
                {t("explore_tab_postings", count=seeker_count): shown},
                f"适合岗位-{month:%Y-%m}.xlsx",
                key="explore_matches_excel",
                notes=explore.filter_notes(filters, (month, month), (), (), "persons"),
            )
st.caption(
    t(
        "data_as_of",
        month=fmt_month(report_months()[-1]),
        version=current_version(),
    )
)
