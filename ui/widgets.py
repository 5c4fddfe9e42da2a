"""Widgets the pages share: the month picker, the KPI row, Excel downloads."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from analytics.privacy import masked
from data.spreadsheet import workbook
from ui.auth import record_export
from ui.format import RATE_COLUMNS, UNCHANGED, fmt_month, for_workbook
from ui.state import account, full_view
from ui.strings import LANGUAGES, STRINGS, lang, t

_BOUND = "_url_bound"  # session key of `_bound`

MIME = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


def url_bound(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str,
    param: str | None = None,
    sticky: bool = False,
    on_change: Callable[..., None] | None = None,
    args: tuple = (),
    **kwargs: Any,
) -> str:
    """`widget` (selectbox, segmented_control, …) whose value lives in the URL as `?key=option`
    (`?param=option` when given: two widgets on different pages may share one URL value).

    Streamlit's own `bind="query-params"` writes the *formatted* label into the URL, which would
    make a link depend on the viewer's language; this keeps the option itself there.

    The URL governs whenever it changed since this widget last saw it (first render, a link,
    Back/Forward); the widget writes it only when its value changes, in its callback (before
    the sidebar's links are drawn), together with the page's other URL-bound widgets that
    `on_change(*args)` moved: one history entry per choice, none on first render. A `sticky`
    value (a preference of the session rather than a state of the page: the language) is kept
    when a link has none.
    """
    param = param or key
    wanted = st.query_params.get(param)
    held = st.session_state.get(key)
    kept = sticky and wanted is None and held in options
    if not kept and (held not in options or st.session_state.get(_seen(key)) != wanted):
        held = wanted if wanted in options else default
        st.session_state[_seen(key)] = wanted
    # Set every run, not only when the URL governs: a widget of another page with this key
    # (other options, so another widget to Streamlit) leaves its value behind, which the new
    # widget would ignore for its own default.
    st.session_state[key] = held
    _bound()[key] = (param, default, tuple(options))

    def to_url() -> None:
        if on_change is not None:
            on_change(*args)  # may move other widgets of the page (a site's first building)
        _sync_url()

    value = widget(label, options, key=key, on_change=to_url, **kwargs)
    # Set from code (a search hit's callback): the URL follows, as after a choice.
    _sync_url()
    return default if value is None else value


def _seen(key: str) -> str:
    return f"_url_{key}"


def _bound() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """The URL-bound widgets drawn so far in this run (in a callback, before the run: those of
    the last run): key → (param, default, options). A widget not drawn yet may hold a value
    the URL is about to replace (after Back)."""
    return st.session_state.setdefault(_BOUND, {})


def start_run() -> None:
    """A new run of the app: no URL-bound widget drawn yet (`ui.shell.run_app` calls this
    first; callbacks, which run before, still see the last run's)."""
    st.session_state[_BOUND] = {}


def _sync_url() -> None:
    """Every URL-bound widget of the page whose value moved, into the URL in one write: each
    write is an entry of the browser's history, and one choice must be one step back."""
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    changed = False
    for key, (param, default, options) in _bound().items():
        value = st.session_state.get(key)
        in_url = query.get(param, [default])
        # A value the widget does not offer (a mistyped link) shows the default and is left
        # alone until a choice: a correction would be a history entry of its own.
        stray = in_url[-1] not in options and value == default
        if value not in options or [value] == in_url or stray:
            continue
        if value == default:
            changed = query.pop(param, None) is not None or changed
        else:
            query[param], changed = [value], True
    if changed:
        st.query_params.from_dict(query)
    for key, (param, _, _) in _bound().items():
        st.session_state[_seen(key)] = st.query_params.get(param)


def month_picker(months: Sequence[dt.date], *, key: str = "month") -> dt.date:
    """A month select, latest first and by default, kept in the URL as `?month=YYYY-MM`."""
    by_key = {f"{m:%Y-%m}": m for m in sorted(months, reverse=True)}
    labels = {option: fmt_month(month) for option, month in by_key.items()}
    options = list(by_key)
    chosen = url_bound(
        st.selectbox,
        t("month"),
        options,
        key=key,
        default=options[0],
        format_func=labels.get,
    )
    return by_key[chosen]


def township_picker(townships: Sequence[str], *, key: str) -> str | None:
    """A township (of origin) select with "all townships" first, kept in the URL as
    `?township=…`; None for all."""
    # Labels made now, in this run's language: a widget may format its options later.
    everywhere = t("all_townships")
    chosen = url_bound(
        st.selectbox, t("township_of_origin"), ["", *townships], key=key, param="township",
        default="", format_func=lambda v: v or everywhere,
    )  # fmt: skip
    return chosen or None


def kpi(
    column,
    label: str,
    value: str,
    delta: str | None = None,
    *,
    help: str | None = None,
    lower_is_better: bool = False,
) -> None:
    """One headline number with its change against last month (grey and flat when unchanged)."""
    unchanged = delta is not None and delta.startswith(UNCHANGED)
    column.metric(
        label,
        value,
        delta,
        help=help,
        delta_color="off" if unchanged else "inverse" if lower_is_better else "normal",
        delta_arrow="off" if unchanged else "auto",
        border=True,
    )


def language_switch(key: str = "lang") -> None:
    """中文 | English, kept in the URL (`?lang=en`).

    The sign-in page's switch has a key of its own: signing in is a page change, which resets
    the widgets of the page left, and the sidebar's switch must start from the URL's language.
    """
    url_bound(
        st.segmented_control,
        "Language",
        list(LANGUAGES),
        key=key,
        param="lang",
        default="zh",
        sticky=True,
        format_func=LANGUAGES.get,
        required=True,
        label_visibility="collapsed",
    )


def excel_bytes(
    sheets: dict[str, pl.DataFrame],
    *,
    full: bool = False,
    notes: Sequence[str] = (),
    rate_columns: Sequence[str] = (),
    language: str | None = None,
) -> bytes:
    """A workbook with one sheet per frame, headers in the viewer's language, rates as percent;
    ID numbers and phones masked unless `full`. `notes` (what was chosen: filters, months) go on
    a sheet of their own after the tables, one per row, so every sheet's header is its first row
    for a program reading the file; `rate_columns` are more columns to show as percent.
    Yes/no reads 是/否, numbers are rounded as shown, internal columns are left out
    (`ui.format.for_workbook`). Headers are in `language` (default: the viewer's), for a file
    made outside the page's run."""
    language = language or lang()
    percent = [*RATE_COLUMNS, *rate_columns]
    buffer = io.BytesIO()
    with workbook(buffer) as book:
        for name, frame in sheets.items():
            frame = for_workbook(frame if full else masked(frame), language, percent)
            headers = {c: STRINGS[c][language] for c in frame.columns if c in STRINGS}
            rates = {headers.get(c, c): "0.0%" for c in frame.columns if c in percent}
            frame.rename(headers).write_excel(
                book, worksheet=name[:31], autofit=True, column_formats=rates or None
            )
        if notes:
            filters = STRINGS["sheet_filters"][language]
            pl.DataFrame({filters: list(notes)}, schema={filters: pl.String}).write_excel(
                book, worksheet=filters, autofit=True
            )
    return buffer.getvalue()


def excel_download(
    sheets: dict[str, pl.DataFrame],
    file_name: str,
    *,
    key: str,
    notes: Sequence[str] = (),
    rate_columns: Sequence[str] = (),
) -> None:
    """A button that downloads `sheets` as one Excel workbook, for roles that may export.

    Personal data is in full only while the viewer's full-view switch is on; every download is
    put in the audit log. `notes` and `rate_columns` as in `excel_bytes`.
    """
    full, language = full_view(), lang()
    file_download(
        lambda: excel_bytes(
            sheets, full=full, notes=notes, rate_columns=rate_columns, language=language
        ),
        file_name,
        key=key,
        full=full,
    )


def file_download(
    make: Callable[[], bytes] | bytes,
    file_name: str,
    *,
    key: str,
    full: bool,
    label: str | None = None,
    icon: str = ":material/download:",
    help: str | None = None,
    allowed: bool | None = None,
) -> None:
    """A download button for roles that may export; the click goes to the audit log (who, when,
    which file, personal data masked or in `full`). Every file the app hands out goes through
    here: st.dataframe's own "Download as CSV" is off (`client.disableDataExport`).

    `make` builds the file on the click, not on every run: a county's roster workbook takes
    seconds. It runs outside the page's run (no session, no viewer's language), so everything it
    needs is decided before. `allowed` replaces the role check where the file is the viewer's
    own (the upload page hands a clerk's upload back, marked).
    """
    if not (may_export() if allowed is None else allowed):
        return
    st.download_button(
        label or t("download_excel"),
        data=make,
        file_name=file_name,
        mime=MIME.get(Path(file_name).suffix, "application/octet-stream"),
        icon=icon,
        key=key,
        help=help,
        on_click=record_export,
        args=(file_name,),
        kwargs={"full": full},
    )


def may_export() -> bool:
    """Whether the signed-in viewer's role may download files."""
    signed_in = account()
    return bool(signed_in and signed_in.may_export)
