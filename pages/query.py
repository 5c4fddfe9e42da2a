"""SQL 查询: read-only SQL over the viewer's own frames, for analysts and administrators.

What keeps a query harmless (one SELECT, no files, no other scope, masked personal data) is in
`analytics.query`; what keeps it from holding up the server (a child process with a time and
memory limit, at low priority) is in `data.console`. This page takes the text, shows the result
and offers it as Excel, whose download is recorded like every other. The last query stays in
the session, so the page shows it again on return.
"""

import datetime as dt

import streamlit as st

from analytics.query import DEFAULT_LIMIT, EXAMPLE_QUERIES, QueryProblem, schema_markdown
from data.console import (
    TIMEOUT_S,
    ConsoleTables,
    QueryStopped,
    console_tables,
    run_console_query,
)
from data.frames import Scope
from data.store import database_url
from ui.empty import no_data_screen
from ui.shell import enter
from ui.state import current_version, frames, full_view, session_scope
from ui.strings import STRINGS, lang, t
from ui.views import table
from ui.widgets import excel_download

enter()

SQL_KEY = "query_sql"  # the text area
LAST_KEY = "query_last"  # the query last run; a widget's own state is dropped when the page is left


@st.cache_resource(max_entries=4, show_spinner=False)
def _tables(url: str, version: int, scope: Scope, full: bool) -> ConsoleTables:
    # Masking two years of a county's ledger takes half a second, and its queries' processes
    # read the tables from files written once: once per data version, scope and full view, not
    # on every click. The arguments are the key of what frames() returns.
    return console_tables(frames(), full)


def _run(sql: str | None = None) -> None:
    if sql is not None:  # an example: fill it in, then run it
        st.session_state[SQL_KEY] = sql
    st.session_state[LAST_KEY] = st.session_state.get(SQL_KEY, "")


data = frames()
if not data.has_labour and data.subsidies.is_empty():
    no_data_screen()
    st.stop()

st.title(t("nav_query"))
st.caption(t("qry_help", limit=f"{DEFAULT_LIMIT:,}", seconds=f"{TIMEOUT_S:g}"))
tables = _tables(database_url(), current_version(), session_scope(), full_view())

editor, listing = st.columns([3, 1], gap="large")
with editor:
    st.caption(t("qry_examples"))
    with st.container(horizontal=True):
        for key, example in EXAMPLE_QUERIES.items():
            st.button(
                t(f"qry_example_{key}"), key=f"query_example_{key}", on_click=_run, args=(example,)
            )
    if SQL_KEY not in st.session_state:
        st.session_state[SQL_KEY] = st.session_state.get(LAST_KEY, "")
    with st.form("query_form", border=False):
        st.text_area(t("qry_sql"), key=SQL_KEY, height=240, placeholder="SELECT … FROM labour")
        st.form_submit_button(
            t("qry_run"),
            key="query_run",
            type="primary",
            icon=":material/play_arrow:",
            on_click=_run,
        )

with listing:
    st.subheader(t("qry_tables"))
    labels = {c: t(c) for frame in tables.values() for c in frame.collect_schema() if c in STRINGS}
    for name, columns in schema_markdown(tables, labels).items():
        with st.expander(t("qry_table_rows", table=name, rows=f"{tables.heights[name]:,}")):
            st.caption(t(f"qry_table_{name}"))
            st.markdown(columns)
    st.caption(t("qry_person_key_note"))

sql = st.session_state.get(LAST_KEY, "")
if sql.strip():
    try:
        with st.spinner(t("qry_running", seconds=f"{TIMEOUT_S:g}")):
            result = run_console_query(tables, sql, timeout=TIMEOUT_S)
    except QueryProblem as problem:
        stopped = isinstance(problem, QueryStopped)
        st.error(
            getattr(problem, lang()), icon=":material/timer_off:" if stopped else ":material/block:"
        )
    else:
        if result.truncated:
            st.caption(t("qry_truncated", limit=f"{DEFAULT_LIMIT:,}"))
        else:
            st.caption(t("qry_rows", rows=f"{result.rows_total:,}"))
        table(result.frame, key="query_result")
        excel_download(
            {t("qry_sheet"): result.frame},
            f"查询-{dt.datetime.now():%Y%m%d-%H%M}.xlsx",
            key="query_excel",
            notes=[sql],  # the query above its result: the workbook says how it was made
        )
