"""合规审计: the cases of domain.md's nine compliance rules (审计规则) in a range of held months,
per rule and township, and each case beside its evidence (the person's payments and ledger rows).

The range and the rule filter live in the URL (`?from=2020-03&to=2020-08&rule=挂岗`). The
standards are the store's (`data.standards`: domain.md's defaults until an administrator saves
others in the form under the caption); the caption and the workbook's standards sheet say which
were used. Every case comes from `analytics.audit.cases`, as `python -m analytics audit` prints it,
and is a 工单 (`ui.casework`): its state, owner and due date in the list, its form under the
evidence.
"""

from datetime import date

import polars as pl
import streamlit as st

from analytics.audit import RULES, Standards, cases_by, cases_by_month, in_span, month_grid
from analytics.drill import Place
from data.audit_cases import audit_cases
from data.frames import Frames
from data.standards import ADMIN_ROLE, load_standards
from data.store import get_engine
from ui import casework, views
from ui.charts import audit_month_bars, show
from ui.drill import chosen_row, url_query
from ui.empty import no_data_screen
from ui.format import fmt_count, fmt_month, fmt_wan
from ui.shell import enter
from ui.standards import standards_caption, standards_form, standards_sheet
from ui.state import account, computed, current_version, frames, person_rows, report_months
from ui.strings import t
from ui.widgets import excel_download, kpi, url_bound

enter()

MONEY = ("amount_at_risk", "paid")
LEDGER = ("month", "name", "id_number", "site", "building", "status", "employment_type")
LEDGER_MORE = ("capacity", "employer", "monthly_income")


def cases_in_span(data: Frames, start: date, end: date, standards: Standards) -> pl.DataFrame:
    return in_span(audit_cases(data, standards), start, end)


def in_period(column: str, period: str) -> pl.Expr:
    """Dates of `period`: a month (YYYY-MM) or, for 交通补贴超标, a year (YYYY)."""
    return pl.col(column).dt.strftime("%Y-%m").str.starts_with(period)


def evidence(data: Frames, id_number: str, period: str) -> None:
    """The person's payments and ledger rows of the case's months, and a link to the person."""
    paid = data.subsidies.filter(
        (pl.col("id_number") == id_number) & in_period("paid_on", period)
    ).sort("paid_on")
    person = person_rows(id_number)
    ledger = person.filter(in_period("month", period)).sort("month")
    st.markdown(f"**{t('cmp_payments_title', period=period)}**")
    if paid.is_empty():
        st.caption(t("cmp_no_payments"))
    else:
        views.table(
            paid.select("paid_on", "kind", "amount", "employer", "note"), key="compliance_paid"
        )
    st.markdown(f"**{t('cmp_ledger_title', period=period)}**")
    if ledger.is_empty():
        st.caption(t("cmp_no_ledger"))
    else:
        views.table(ledger.select(*LEDGER, *LEDGER_MORE), key="compliance_ledger")
    if person.is_empty():
        return
    last = (ledger if not ledger.is_empty() else person).sort("month").row(-1, named=True)
    place = Place(
        site=last["site"],
        building=last["building"],
        household=last["household"],
        id_number=id_number,
    )
    st.page_link(
        "pages/overview.py",
        label=t("cmp_to_person", name=last["name"] or ""),
        icon=":material/person:",
        query_params=url_query(place),
    )


data = frames()
if not data.has_labour:
    no_data_screen()
    st.stop()

months = report_months()
by_key = {f"{m:%Y-%m}": m for m in months}
options = list(by_key)
head_col, from_col, to_col = st.columns([4, 1, 1], vertical_alignment="bottom")
with from_col:
    first = url_bound(
        st.selectbox, t("cmp_from"), options, key="compliance_from", param="from",
        default=options[0], format_func=lambda o: fmt_month(by_key[o]),
    )  # fmt: skip
with to_col:
    last = url_bound(
        st.selectbox, t("cmp_to"), options, key="compliance_to", param="to",
        default=options[-1], format_func=lambda o: fmt_month(by_key[o]),
    )  # fmt: skip
start, end = sorted((by_key[first], by_key[last]))
span = fmt_month(start) if start == end else f"{fmt_month(start)} – {fmt_month(end)}"
head_col.title(f"{t('nav_compliance')} · {span}")
# Read on every run (one small query), not cached: a save shows in every session's next rerun.
standards = load_standards(get_engine())
st.caption(standards_caption(standards))
if flash := st.session_state.pop("std_flash", None):
    st.success(flash, icon=":material/check_circle:")
me = account()
if me is not None and me.role == ADMIN_ROLE:
    standards_form(standards, me.username)

found = casework.audit_states(computed(cases_in_span, start, end, standards))
cards = st.columns(4)
kpi(cards[0], t("cmp_kpi_cases"), fmt_count(found.height, "unit_cases"))
kpi(
    cards[1],
    t("cmp_kpi_at_risk"),
    fmt_wan(found.get_column("amount_at_risk").sum()),
    help=t("cmp_at_risk_help"),
)
kpi(
    cards[2],
    t("cmp_kpi_people"),
    fmt_count(found.get_column("id_number").n_unique(), "unit_persons"),
)
casework.open_kpi(cards[3], found)

rule_col, town_col = st.columns(2, gap="large")
by_rule = cases_by(found, "rule")
by_township = cases_by(found, "township")
with rule_col:
    st.subheader(t("cmp_by_rule"))
    views.table(by_rule, key="compliance_by_rule", money=("amount_at_risk",))
with town_col:
    st.subheader(t("cmp_by_township"))
    if by_township.is_empty():
        st.info(t("cmp_none"), icon=":material/check_circle:")
    else:
        views.table(by_township, key="compliance_by_township", money=("amount_at_risk",))

st.subheader(t("cmp_by_month"))
by_month = cases_by_month(found)
measure = (
    st.segmented_control(
        t("cmp_measure"),
        ["case_count", "amount_at_risk"],
        format_func=t,
        default="case_count",
        key="compliance_measure",
        label_visibility="collapsed",
    )  # fmt: skip
    or "case_count"
)
grid = month_grid(by_month, measure, [m for m in months if start <= m <= end])
labels = {
    p: t("cmp_year_column", year=p) if len(p) == 4 else fmt_month(date.fromisoformat(f"{p}-01"))
    for p in grid.get_column("period")
}
if measure == "amount_at_risk":
    # Whole yuan: the columns are rules, which the tables' money format has no header for.
    grid = grid.with_columns(pl.col(*RULES, "total").round(0).cast(pl.Int64))
show(audit_month_bars(by_month, measure, labels), key=f"compliance_month_chart_{measure}")
views.table(
    grid.with_columns(pl.col("period").replace_strict(labels)),
    key=f"compliance_by_month_{measure}",
    height=min(36 + 35 * grid.height, 360),
)
st.caption(t("cmp_by_month_note"))

st.subheader(t("cmp_cases_title"))
everything = t("cmp_all_rules")
rule = url_bound(
    st.selectbox, t("cmp_rule"), ["", *RULES], key="compliance_rule", param="rule", default="",
    format_func=lambda r: r or everything,
)  # fmt: skip
shown = casework.filtered(found.filter(pl.col("rule") == rule) if rule else found)
list_col, evidence_col = st.columns([3, 2], gap="large")
with list_col:
    if shown.is_empty():
        st.info(t("cmp_none"), icon=":material/check_circle:")
        event = None
    else:
        event = views.table(
            shown,
            key=f"compliance_cases_{rule}_{start:%Y%m}_{end:%Y%m}{casework.list_key()}",
            clickable=True,
            height=480,
            money=MONEY,
        )
with evidence_col:
    st.subheader(t("cmp_evidence_title"))
    chosen = chosen_row(event, shown, "id_number")
    if chosen is None:
        st.caption(t("cmp_pick"))
    else:
        evidence(data, chosen, chosen_row(event, shown, "period"))
        casework.audit_form(casework.picked(event, shown))

sheets = {r: found.filter(pl.col("rule") == r).drop("rule") for r in RULES}
excel_download(
    {
        t("cmp_by_rule"): by_rule,
        t("cmp_by_month"): by_month,
        **sheets,
        t("cmp_sheet_standards"): standards_sheet(standards),
    },
    f"{t('cmp_file')}-{start:%Y-%m}-{end:%Y-%m}.xlsx",
    key="compliance_excel",
    notes=[t("cmp_note_range", span=span)],
)
st.caption(t("data_as_of", month=fmt_month(months[-1]), version=current_version()))
