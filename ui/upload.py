"""The parts of the upload page (台账上传) and the import history (导入记录).

Upload: the files are checked as soon as they arrive (nothing is written), the preview and
every issue are shown, and only the commit button writes, through `data.importer.import_files`,
which checks them again inside its transaction. Uploaded files live in a temporary folder only
while they are read. History: every batch, and the undo of one (`data.undo.undo_batch`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

import polars as pl
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics.privacy import PERSONAL_COLUMNS, mask, mask_value
from data.accounts import list_users
from data.audit_cases import prepare_version
from data.importer import ImportResult, ParsedSheet, check_files, import_files
from data.ledger import FORMATS, LedgerIssue, count_issues
from data.report import (
    error_workbook,
    field_of,
    issue_table,
    preview,
    reimported,
    workbook_name,
)
from data.store import get_engine
from data.undo import undo_batch
from ui.drill import context_query
from ui.format import MISSING, fmt_month
from ui.shell import logged_failure
from ui.state import account, full_view
from ui.strings import lang, t
from ui.widgets import file_download

UPLOAD_TYPES = ["xlsx", "xls", "csv", "geojson", "json"]
_CHECKED = "upload_checked"  # session key: (signature of the files, Checked)
_OUTCOME = "upload_outcome"  # session key: the last commit's Outcome, until the next upload
_ROUND = "upload_round"  # session key: bumped after a commit, so that the uploader empties
_UNDONE = "imports_flash"  # session key: the last undo's message, shown once
_NAME_BYTES = 200  # a saved file's name: well below the 255 bytes file systems allow


# --- files ------------------------------------------------------------------------------------


def safe_names(names: Sequence[str]) -> list[str]:
    """The names to save uploads under: the browser's name without any folder (`..\\a\\b.xlsx`
    → `b.xlsx`), without leading dots or characters Windows forbids, never empty, and unique
    (`a.xlsx`, `A (2).xlsx`)."""
    out: list[str] = []
    for raw in names:
        name = PurePosixPath(raw.replace("\\", "/")).name
        name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
        name = name or "upload"
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        while len(f"{stem}{dot}{suffix}".encode()) > _NAME_BYTES:
            stem = stem[:-1]
        name = f"{stem}{dot}{suffix}"
        candidate, k = name, 1
        while candidate.casefold() in {n.casefold() for n in out}:
            k += 1
            candidate = f"{stem} ({k}){dot}{suffix}"
        out.append(candidate)
    return out


@contextmanager
def saved(files: Sequence[UploadedFile]) -> Iterator[list[Path]]:
    """The uploads written to a fresh temporary folder, under their own (safe) names; the folder
    is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ledger-upload-") as folder:
        paths = []
        for upload, name in zip(files, safe_names([f.name for f in files]), strict=True):
            path = Path(folder) / name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        yield paths


def month_options(today: dt.date | None = None) -> list[dt.date]:
    """Reporting months to choose from: this month back to January 2015, newest first."""
    today = today or dt.date.today()
    months, year, month = [], today.year, today.month
    while year >= 2015:
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


# --- checking ---------------------------------------------------------------------------------


@dataclass
class Checked:
    """Uploaded files as checked: what was recognised, and every issue."""

    names: list[str]
    month: dt.date | None
    parsed: list[ParsedSheet]
    issues: list[LedgerIssue]
    preview: pl.DataFrame

    @property
    def errors(self) -> int:
        return count_issues(self.issues, "error")

    @property
    def warnings(self) -> int:
        return count_issues(self.issues, "warning")

    @property
    def bad_rows(self) -> int:
        return int(self.preview["rows_with_errors"].sum())

    @property
    def valid_rows(self) -> int:
        return int(self.preview["rows_valid"].sum())

    @property
    def whole_errors(self) -> int:
        """Errors that name no row: a file or sheet that cannot be imported at all."""
        return sum(i.severity == "error" and i.row is None and i.count is None for i in self.issues)


def _signature(files: Sequence[UploadedFile], month: dt.date | None) -> str:
    digest = hashlib.sha256(repr(month).encode())
    for f in files:
        digest.update(f"{f.file_id}|{f.name}|{f.size}".encode())
    return digest.hexdigest()


def check(files: Sequence[UploadedFile], month: dt.date | None) -> Checked:
    """The files checked (once per set of files and month: a rerun reuses the result)."""
    signature = _signature(files, month)
    kept = st.session_state.get(_CHECKED)
    if kept is not None and kept[0] == signature:
        return kept[1]
    st.session_state.pop(_OUTCOME, None)  # new files: the last import's result is history now
    with st.spinner(t("upl_checking", count=len(files))), saved(files) as paths:
        parsed, issues = check_files(paths, month=month)
    checked = Checked([p.name for p in paths], month, parsed, issues, preview(parsed, issues))
    st.session_state[_CHECKED] = (signature, checked)
    return checked


def _joined(parts: Iterable[str]) -> str:
    """A list in running text: 、 in Chinese, a comma in English."""
    return ("、" if lang() == "zh" else ", ").join(parts)


def months_text(months: Sequence[dt.date]) -> str:
    """`2020年8月`, `2020年7月、2020年8月`, or `2020年1月 至 2020年12月（12 个月）`."""
    months = sorted(months)
    if not months:
        return MISSING
    if len(months) <= 3:
        return _joined(fmt_month(m) for m in months)
    return t(
        "upl_months_range",
        first=fmt_month(months[0]),
        last=fmt_month(months[-1]),
        count=len(months),
    )


def _format_title(name: str | None) -> str:
    if name is None or name not in FORMATS:
        return t("upl_unrecognised")
    return FORMATS[name].title_zh if lang() == "zh" else FORMATS[name].title_en


def _count_columns(frame: pl.DataFrame) -> dict:
    """Headers of the preview and result tables; counts with thousands separators."""
    return {
        c: st.column_config.NumberColumn(t(f"upl_col_{c}"), format="localized")
        if frame.schema[c].is_integer()
        else t(f"upl_col_{c}")
        for c in frame.columns
    }


def show_preview(checked: Checked, batches: pl.DataFrame) -> None:
    """One row per recognised sheet; then which of them replace earlier imports."""
    shown = checked.preview.with_columns(
        pl.col("ledger")
        .replace_strict({n: _format_title(n) for n in FORMATS}, default=_format_title(None))
        .alias("format"),
        # Words made here, not in a polars UDF: those run on worker threads, where the
        # viewer's language is unknown.
        pl.Series("months", [months_text(m) for m in checked.preview["months"]], pl.String),
    ).drop("ledger")
    if shown["sheet"].is_null().all():  # CSV files only: no sheet names to show
        shown = shown.drop("sheet")
    st.dataframe(
        shown,
        hide_index=True,
        key="upload_preview",
        column_config=_count_columns(shown),
        placeholder=MISSING,
    )
    lines = []
    for row in reimported(checked.preview, batches).iter_rows(named=True):
        ids = _joined(f"#{b}" for b in row["batches"])
        if row["ledger"] == "labour":
            lines.append(t("upl_reimport_labour", months=months_text(row["months"]), batches=ids))
        else:
            when = f" {months_text(row['months'])}" if row["months"] else ""
            lines.append(t("upl_reimport_other", format=_format_title(row["ledger"]),
                           months=when, batches=ids))  # fmt: skip
    if len(lines) == 1:
        st.info(lines[0], icon=":material/sync:")
    elif lines:
        st.info("\n".join(f"- {line}" for line in lines), icon=":material/sync:")


def show_issues(checked: Checked) -> None:
    """The verdict, every issue in a table (errors first), and the marked workbook."""
    if checked.errors:
        st.error(
            t("upl_errors", errors=f"{checked.errors:,}", rows=f"{checked.bad_rows:,}"),
            icon=":material/error:",
        )
        if checked.whole_errors:
            st.caption(t("upl_file_errors", count=checked.whole_errors))
    elif checked.preview["ledger"].is_not_null().any():
        st.success(t("upl_ok"), icon=":material/check_circle:")
    if checked.warnings:
        st.warning(t("upl_warnings", count=f"{checked.warnings:,}"), icon=":material/warning:")
    if not checked.issues:
        return
    table = issue_table(checked.issues, lang())
    if not full_view():
        # The values of personal columns as every other table shows them: ends only.
        for field, (head, tail) in PERSONAL_COLUMNS.items():
            table = table.with_columns(
                pl.when(pl.col("field") == field)
                .then(mask("value", head, tail))
                .otherwise(pl.col("value"))
                .alias("value")
            )
    table = table.with_columns(
        pl.col("severity").replace_strict(
            {"error": t("upl_severity_error"), "warning": t("upl_severity_warning")}
        )
    )
    # The reason before the file: it is the long text, and most rows share their file.
    columns = ["severity", "row", "column", "value", "reason", "file", "sheet"]
    if table["sheet"].is_null().all():
        columns.remove("sheet")
    if len(checked.names) == 1:  # one file: its name is in the uploader already
        columns.remove("file")
    st.dataframe(
        table.select(columns),
        hide_index=True,
        key="upload_issues",
        column_config={
            **{c: t(f"upl_col_{c}") for c in columns},
            "row": st.column_config.NumberColumn(t("upl_col_row"), format="%d"),
            "reason": st.column_config.TextColumn(t("upl_col_reason"), width=560),
        },
        placeholder="",
        height=min(38 + 35 * table.height, 420),
    )
    name = workbook_name(checked.names)
    file_download(
        # Made on the click only: a county's month takes a few seconds to write.
        lambda: error_workbook(checked.parsed, checked.issues),
        name,
        key="upload_marked",
        label=t("upl_download_marked"),
        help=t("upl_download_marked_help"),
        # The clerk's own upload handed back, ID numbers as written: for whoever may upload
        # (this page's roles), and still an export on record.
        full=True,
        allowed=True,
    )


def shown_issues(issues: Sequence[LedgerIssue], full: bool) -> list[LedgerIssue]:
    """`issues` with the values of personal columns (ID numbers, phones) masked unless `full`,
    as the issue table shows them."""
    if full:
        return list(issues)
    shown = []
    for issue in issues:
        field = field_of(issue.column)
        if issue.value is not None and field in PERSONAL_COLUMNS:
            issue = dataclasses.replace(issue, value=mask_value(field, issue.value))
        shown.append(issue)
    return shown


# --- committing -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the last commit did, kept for the rerun that shows it."""

    result: ImportResult
    rejects: bytes | None
    rejects_name: str | None


def commit_buttons(checked: Checked) -> str | None:
    """`"all"` or `"valid"` when the clerk clicked one of the commit buttons, else None."""
    if checked.valid_rows == 0:
        st.warning(t("upl_nothing"), icon=":material/block:")
        return None
    with st.container(horizontal=True, vertical_alignment="center"):
        everything = st.button(
            t("upl_commit"),
            type="primary" if not checked.errors else "secondary",
            disabled=bool(checked.errors),
            help=t("upl_commit_blocked") if checked.errors else None,
            icon=":material/upload:",
            key="upload_commit",
        )
        valid = checked.errors and st.button(
            t("upl_commit_valid", rows=f"{checked.valid_rows:,}"),
            type="primary",
            help=t("upl_commit_valid_help", bad=f"{checked.bad_rows:,}"),
            icon=":material/rule:",
            key="upload_commit_valid",
        )
    if checked.errors:
        st.caption(t("upl_commit_valid_help", bad=f"{checked.bad_rows:,}"))
    return "all" if everything else "valid" if valid else None


def commit(files: Sequence[UploadedFile], checked: Checked, *, keep_valid: bool) -> None:
    """Import the files as the signed-in user; on success bring the dashboard's data up to date,
    keep the outcome for the rerun and empty the uploader."""
    signed_in = account()
    engine = get_engine()
    rejects = rejects_name = None
    with st.spinner(t("upl_importing")), saved(files) as paths:
        target = paths[0].parent / "rejects.xlsx" if keep_valid else None
        try:
            result = import_files(
                engine,
                paths,
                month=checked.month,
                keep_valid=target,
                user=signed_in.username if signed_in else "?",
            )
        except Exception:  # noqa: BLE001 - one transaction: whatever failed, nothing changed
            who = signed_in.username if signed_in else "?"
            st.error(t("upl_failed", reference=logged_failure("import", who)))
            return
        if result.rejects_path is not None:
            rejects = result.rejects_path.read_bytes()
            rejects_name = workbook_name(checked.names).replace("-错误标注", "-未导入的行")
    if result.busy is not None:
        # Not the report's "rejected": nothing is wrong with the files, and they stay checked
        # on the page for the next click.
        st.warning(t("upl_busy"), icon=":material/hourglass_empty:")
        return
    if not result.ok:
        # The report quotes each bad cell: an ID number or phone as this viewer may see it.
        shown = dataclasses.replace(result, issues=shown_issues(result.issues, full_view()))
        st.error(shown.report(lang()), icon=":material/error:")
        return
    with st.spinner(t("upl_refreshing")):
        # The snapshot of the new data version, written now: no viewer waits for it.
        prepare_version(engine)
    st.session_state[_OUTCOME] = Outcome(result, rejects, rejects_name)
    st.session_state.pop(_CHECKED, None)
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.rerun()


def uploader_key() -> str:
    return f"upload_files_{st.session_state.get(_ROUND, 0)}"


def show_outcome() -> None:
    """The result of the last commit: batch, rows per sheet, rejected rows, the history link."""
    outcome: Outcome | None = st.session_state.get(_OUTCOME)
    if outcome is None:
        return
    result = outcome.result
    totals = result.totals()
    months = f"，{months_text(result.months)}" if result.months else ""
    if lang() == "en":
        months = f", {months_text(result.months)}" if result.months else ""
    with st.container(border=True, key="upload_outcome"):
        st.success(
            t("upl_done", batch=result.batch_id, months=months)
            + ("" if lang() == "zh" else " ")
            + t(
                "upl_done_rows",
                imported=f"{totals.imported:,}",
                replaced=f"{totals.replaced:,}",
                rejected=f"{totals.rejected:,}",
            ),
            icon=":material/check_circle:",
        )
        if totals.replaced:
            st.caption(t("upl_replaced_note"))
        rows = pl.DataFrame(
            [
                {
                    "file": s.file,
                    "sheet": s.sheet,
                    "format": _format_title(s.format),
                    "rows_read": s.rows_read,
                    "imported": s.imported,
                    "replaced": s.replaced,
                    "rejected": s.rejected,
                    "skipped": s.skipped,
                }
                for s in result.sheets
            ],
            schema={
                "file": pl.String(),
                "sheet": pl.String(),
                "format": pl.String(),
                **{
                    c: pl.Int64()
                    for c in ("rows_read", "imported", "replaced", "rejected", "skipped")
                },
            },
        )
        if rows["sheet"].is_null().all():
            rows = rows.drop("sheet")
        st.dataframe(
            rows,
            hide_index=True,
            key="upload_result",
            column_config=_count_columns(rows),
            placeholder=MISSING,
        )
        if outcome.rejects is not None:
            file_download(
                outcome.rejects,
                outcome.rejects_name,
                key="upload_rejects",
                label=t("upl_download_rejects", rows=f"{totals.rejected:,}"),
                help=t("upl_download_rejects_help"),
                full=True,  # the upload's own rows, as the marked workbook
                allowed=True,
            )
        if result.warnings:
            st.caption(t("upl_warnings", count=f"{len(result.warnings):,}"))
        st.page_link(
            "pages/imports.py",
            label=t("upl_to_history"),
            icon=":material/history:",
            query_params=context_query(batch=str(result.batch_id)),
        )


# --- the import history -----------------------------------------------------------------------

SOURCES = ("import", "demo", "edit", "note", "case", "undo")


def _user_names() -> dict[str, str]:
    users = list_users(get_engine())
    return dict(users.select("username", "display_name").iter_rows())


def _months_of(text: str | None) -> list[dt.date]:
    """A batch's months as stored (`2020-07,2020-08`)."""
    return sorted(dt.date.fromisoformat(f"{m}-01") for m in (text or "").split(",") if m)


def span(months: Sequence[dt.date]) -> str:
    """`2020年8月`, or `2020年7月至2020年12月`: short enough for a table cell."""
    if not months:
        return ""
    low, high = min(months), max(months)
    if low == high:
        return fmt_month(low)
    last = fmt_month(high)
    if lang() == "zh" and low.year == high.year:
        last = f"{high.month}月"  # 2020年7–12月
    return t("imp_span", first=fmt_month(low), last=last)


def history(batches: pl.DataFrame) -> pl.DataFrame:
    """Every batch, newest first, in words for the screen: who, what, which months, whether and
    by which batch it was undone (`status`). The short columns come first, so that a laptop
    shows the counts and the status without scrolling sideways."""
    names = _user_names()
    formats = {name: _format_title(name) for name in FORMATS}
    sources = {s: t(f"imp_source_{s}") for s in SOURCES}

    def status(undone_by: int | None, source: str, note: str | None) -> str | None:
        if undone_by is not None:
            return t("imp_undone_by", batch=undone_by)
        if source == "undo" and note:
            return t("imp_undo_of", what=note.removeprefix("撤销").strip())
        return None

    ordered = batches.sort("id", descending=True)
    # Words made here, not in polars UDFs: those run on worker threads, where the viewer's
    # language is unknown.
    words = {
        "status": [status(*row) for row in ordered.select("undone_by", "source", "note").rows()],
        "months": [span(_months_of(m)) or None for m in ordered["months"]],
        "formats": [
            _joined(formats.get(f, f) for f in (text or "").split(",") if f) or None
            for text in ordered["formats"]
        ],
        "files": [_joined((text or "").split("\n")) or None for text in ordered["files"]],
    }
    return ordered.select(
        "id",
        # Stored in UTC; county staff read China time.
        pl.col("created_at")
        .dt.convert_time_zone("Asia/Shanghai")
        .dt.replace_time_zone(None)
        .alias("created_at"),
        pl.col("user").replace(names).alias("user"),
        pl.col("source").replace(sources).alias("source"),
        pl.Series("status", words["status"], pl.String),
        pl.Series("months", words["months"], pl.String),
        "rows_read",
        "rows_imported",
        "rows_replaced",
        "rows_rejected",
        pl.Series("formats", words["formats"], pl.String),
        pl.Series("files", words["files"], pl.String),
    )


def history_table(shown: pl.DataFrame, *, key: str, selected: int | None, clickable: bool):
    """The history as a table; with `clickable`, a row click selects its batch (`?batch=`)."""
    ids = shown["id"].to_list()
    index = ids.index(selected) if selected in ids else None
    config = {
        "id": st.column_config.NumberColumn(t("col_id"), format="#%d", width="small"),
        "created_at": st.column_config.DatetimeColumn(
            t("col_created_at"), format="YYYY-MM-DD HH:mm"
        ),
        "user": st.column_config.TextColumn(t("col_user")),
        "source": st.column_config.TextColumn(t("col_source")),
        "status": st.column_config.TextColumn(t("imp_col_status")),
        "months": st.column_config.TextColumn(t("col_months")),
        **{
            c: st.column_config.NumberColumn(t(f"col_{c}"), format="localized", width="small")
            for c in ("rows_read", "rows_imported", "rows_replaced", "rows_rejected")
        },
        "formats": st.column_config.TextColumn(t("col_formats"), width="medium"),
        "files": st.column_config.TextColumn(t("col_files"), width="medium"),
    }
    options = {}
    if clickable:
        options = {
            "on_select": partial(_picked, key, ids),
            "selection_mode": "single-row",
            "selection_default": {"selection": {"rows": [index]}} if index is not None else None,
        }
    st.dataframe(
        shown,
        hide_index=True,
        key=key,
        column_config=config,
        placeholder=MISSING,
        height=min(38 + 35 * shown.height, 560),
        **options,
    )


def _picked(key: str, ids: list[int]) -> None:
    rows = st.session_state[key].selection.rows
    if rows:
        st.query_params["batch"] = str(ids[rows[0]])
    else:
        st.query_params.pop("batch", None)


def selected_batch(batches: pl.DataFrame) -> dict | None:
    """The batch named by `?batch=` (a row click puts it there), if it exists."""
    wanted = st.query_params.get("batch")
    if wanted is None or not wanted.isdigit():
        return None
    found = batches.filter(pl.col("id") == int(wanted))
    return found.row(0, named=True) if found.height else None


def describe(batch: dict) -> str:
    """`2020年8月 劳动力就业台账，16,902 行` for the confirmation."""
    what = [_format_title(f) for f in (batch["formats"] or "").split(",") if f]
    if batch["source"] in ("edit", "note", "case"):
        what = [t(f"imp_source_{batch['source']}")]
    when = span(_months_of(batch["months"]))
    return t(
        "imp_what",
        when=f"{when} " if when else "",
        what=_joined(what) or t(f"imp_source_{batch['source']}"),
        rows=f"{batch['rows_imported']:,}",
    )


def undo_panel(batch: dict, batches: pl.DataFrame) -> None:
    """The selected batch's undo: a confirmation and its button, or why there is none."""
    number = batch["id"]
    with st.container(border=True, key="imports_undo"):
        if batch["undone_by"] is not None:
            undo = batches.filter(pl.col("id") == batch["undone_by"])["created_at"]
            when = undo.dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M")
            st.info(
                t("imp_already_undone", batch=number, by=batch["undone_by"], when=when[0])
                if when.len()
                else t("imp_undone_by", batch=batch["undone_by"])
            )
            return
        if batch["source"] == "undo":
            st.info(t("imp_is_undo", batch=number))
            return
        st.markdown(t("imp_confirm", batch=number, what=describe(batch)))
        if not st.button(
            t("imp_undo_button", batch=number),
            type="primary",
            icon=":material/undo:",
            key=f"imports_undo_{number}",
        ):
            return
        signed_in = account()
        engine = get_engine()
        with st.spinner(t("imp_undoing", batch=number)):
            result = undo_batch(engine, number, user=signed_in.username if signed_in else "?")
        if not result.ok:
            st.error(result.report(lang()), icon=":material/block:")
            return
        with st.spinner(t("upl_refreshing")):
            prepare_version(engine)
        st.session_state[_UNDONE] = result.report(lang())
        st.rerun()


def show_undone() -> None:
    """The message of the undo that caused this rerun, once."""
    message = st.session_state.pop(_UNDONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")
