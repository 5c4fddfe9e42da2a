"""What the upload page shows about checked ledgers, before anything is committed.

`preview`: what was recognised in each file; `issue_table`: every problem, errors first;
`error_workbook`: the uploaded rows back as Excel, bad cells marked, for the clerk to correct.
All three read the output of `data.importer.check_files` and never touch the store.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from data.importer import ParsedSheet
from data.ledger import FORMATS, ISSUES_LISTED, RAW_ROW, ROW, LedgerIssue
from data.spreadsheet import workbook

__all__ = [
    "ISSUES_SHEET",
    "REASON_COLUMN",
    "error_workbook",
    "field_of",
    "issue_table",
    "preview",
    "reimported",
]

# The column each dated format's rows fall in a month by (the import history's months).
_DATED = {"labour": "month", "subsidies": "paid_on", "postings": "posted_on", "training": "start"}

PREVIEW_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "sheet": pl.String(),
    "ledger": pl.String(),  # the format's code name; null: nothing recognised in the file
    "format": pl.String(),  # its Chinese name
    "months": pl.List(pl.Date()),
    "rows_read": pl.Int64(),
    "rows_valid": pl.Int64(),
    "rows_with_errors": pl.Int64(),
    "warnings": pl.Int64(),
    "skipped": pl.Int64(),
}
ISSUE_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "reason": pl.String(),
    "severity": pl.String(),  # error | warning
    "field": pl.String(),  # the column's code name (id_number, …) when the header names one
}


def _rows_of(issues: Iterable[LedgerIssue], file: str, sheet: str | None) -> list[LedgerIssue]:
    return [i for i in issues if i.file == file and i.sheet == sheet]


def preview(parsed: Sequence[ParsedSheet], issues: Sequence[LedgerIssue]) -> pl.DataFrame:
    """One row per recognised sheet (a CSV or GeoJSON file is one sheet), in upload order, and
    one per file in which nothing was recognised (`ledger` null): what an import would take."""
    rows = []
    seen: set[str] = set()
    for p in parsed:
        name = p.sheet.file.name
        seen.add(name)
        fmt = p.format
        dated = _DATED.get(fmt.name)
        months = (
            p.rows[dated].dt.month_start().drop_nulls().unique().sort().to_list()
            if dated is not None and dated in p.rows.columns
            else []
        )
        bad = len(p.error_rows)
        own = _rows_of(issues, name, p.sheet.sheet)
        rows.append(
            {
                "file": name,
                "sheet": p.sheet.sheet,
                "ledger": fmt.name,
                "format": fmt.title_zh,
                "months": months,
                "rows_read": p.sheet.rows_read,
                "rows_valid": p.rows.height - bad,
                "rows_with_errors": bad,
                "warnings": sum(i.weight for i in own if i.severity == "warning"),
                "skipped": p.sheet.skipped,
            }
        )
    for file in dict.fromkeys(i.file for i in issues if i.file and i.file not in seen):
        rows.append(
            {"file": file, "sheet": None, "ledger": None, "format": None, "months": []}
            | dict.fromkeys(("rows_read", "rows_valid", "rows_with_errors", "skipped"), 0)
            | {
                "warnings": sum(
                    i.weight for i in issues if i.file == file and i.severity == "warning"
                )
            }
        )
    return pl.DataFrame(rows, schema=PREVIEW_SCHEMA)


def field_of(column: str | None) -> str | None:
    """The code name of a header as written (`公民身份号码` → id_number), in any format."""
    if column is None:
        return None
    for fmt in FORMATS.values():
        name = fmt.match(column)
        if name is not None:
            return name
    return None


def issue_table(issues: Sequence[LedgerIssue], lang: str = "zh") -> pl.DataFrame:
    """Every issue with its place, the cell as written and the reason in `lang`; errors first,
    each group in the importer's order (files that cannot be imported at all, then each sheet's
    own problems, then its rows)."""
    frame = pl.DataFrame(
        [
            {
                "file": i.file,
                "sheet": i.sheet,
                "row": i.row,
                "column": i.column,
                "value": i.value,
                "reason": i.reason_zh if lang == "zh" else i.reason_en,
                "severity": i.severity,
                "field": field_of(i.column),
            }
            for i in issues
        ],
        schema=ISSUE_SCHEMA,
    )
    return frame.sort(pl.col("severity") != "error", maintain_order=True)


def reimported(preview_frame: pl.DataFrame, batches: pl.DataFrame) -> pl.DataFrame:
    """Earlier batches, not undone, that imported the same ledger: for the same months when the
    ledger is dated (labour, subsidies, postings, training), at all when it is not (sites,
    captains, targets, boundaries). Importing again replaces the same records.

    One row per ledger, in upload order: ledger, months (imported before and uploaded now; empty
    when undated), batches (their ids, ascending).
    """
    schema = {"ledger": pl.String(), "months": pl.List(pl.Date()), "batches": pl.List(pl.Int64())}
    recognised = preview_frame.filter(pl.col("ledger").is_not_null())
    if recognised.is_empty() or batches.is_empty():
        return pl.DataFrame(schema=schema)
    order = {name: k for k, name in enumerate(recognised["ledger"].unique(maintain_order=True))}
    earlier = (
        batches.filter(pl.col("undone_by").is_null() & pl.col("source").is_in(["import", "demo"]))
        .select(
            "id",
            pl.col("formats").str.split(",").alias("ledger"),
            pl.col("months").str.split(",").alias("month"),
        )
        .explode("ledger")
        .explode("month")
        .with_columns(pl.col("month").str.to_date("%Y-%m", strict=False))
    )
    dated = recognised.filter(pl.col("ledger").is_in(list(_DATED))).select(
        "ledger", pl.col("months").alias("month")
    )
    same_month = (
        dated.explode("month")
        .drop_nulls()
        .unique()
        .join(earlier.drop_nulls(), on=["ledger", "month"])
    )
    undated = (
        recognised.filter(~pl.col("ledger").is_in(list(_DATED)))
        .select("ledger")
        .unique()
        .join(earlier.select("ledger", "id"), on="ledger")
        .with_columns(pl.lit(None, pl.Date).alias("month"))
    )
    return (
        pl.concat(
            [same_month.select("ledger", "month", "id"), undated.select("ledger", "month", "id")]
        )
        .group_by("ledger")
        .agg(
            pl.col("month").drop_nulls().unique().sort().alias("months"),
            pl.col("id").unique().sort().alias("batches"),
        )
        .sort(pl.col("ledger").replace_strict(order, return_dtype=pl.Int64))
        .cast(schema)
    )


# --- the marked workbook ----------------------------------------------------------------------

ISSUES_SHEET = "错误清单"
REASON_COLUMN = "错误原因"
_SEVERITY_ZH = {"error": "错误", "warning": "警告"}
_FEATURE_COLUMN = "要素序号"  # GeoJSON: features have numbers, not rows
_MAX_WIDTH = 40


@dataclass
class _Placed:
    """Where one checked sheet went in the workbook: its worksheet, cells and header row."""

    name: str
    columns: dict[str, int]  # header as written -> worksheet column
    header_row: int  # 0-based
    row_of: dict[int, int]  # the file's row (or feature) number -> 0-based worksheet row
    reason_column: int


def _sheet_name(p: ParsedSheet, used: set[str]) -> str:
    """The sheet's own name (a CSV's: its file name without suffix), made a valid, unused Excel
    sheet name: at most 31 characters, none of []:*?/\\."""
    stem = p.sheet.file.stem
    wanted = [p.sheet.sheet or stem, f"{stem}-{p.sheet.sheet}"] if p.sheet.sheet else [stem]
    for candidate in wanted:
        name = re.sub(r"[\[\]:*?/\\]", "_", candidate).strip("'")[:31] or "Sheet"
        if name.casefold() not in used:
            used.add(name.casefold())
            return name
    base, k = name[:27], 2
    while f"{base}-{k}".casefold() in used:
        k += 1
    used.add(f"{base}-{k}".casefold())
    return f"{base}-{k}"


def _width(text: str) -> int:
    """Excel column width of `text`: a Chinese character takes two."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _marks(p: ParsedSheet) -> pl.DataFrame:
    """The sheet's issues: ROW (null for the whole sheet), column as written, zh, severity.

    The first `ISSUES_LISTED`, as the issue list has them: a cell comment each for ten million
    issues would take gigabytes (the issue list counts the rest).
    """
    own = (
        p.issues.select(ROW, "column", "zh", "severity")
        .with_row_index("\x00order")
        .sort(pl.col(ROW).fill_null(0), "\x00order")
        .head(ISSUES_LISTED)
        .drop("\x00order")
    )
    extra = pl.DataFrame(
        [
            {ROW: i.row, "column": i.column, "zh": i.reason_zh, "severity": i.severity}
            for i in p.sheet.issues
        ],
        schema=own.schema,
    )
    return pl.concat([own, extra])


def _write_sheet(
    book: xlsxwriter.Workbook, p: ParsedSheet, name: str, styles: dict[str, Format]
) -> _Placed:
    """The rows as uploaded, each at its own row number, under the header (right above the first
    data row: unit rows are not kept); bad cells filled and commented."""
    sheet = book.add_worksheet(name)
    sheet.set_comments_author("台账检查")
    raw = p.sheet.raw.sort(RAW_ROW)  # streamed: rows in ascending order only
    feature = p.format.name == "boundaries"
    headers = [c for c in raw.columns if c != RAW_ROW]
    if feature:
        headers = [_FEATURE_COLUMN, *headers]
        raw = raw.with_columns(pl.col(RAW_ROW).cast(pl.String).alias(_FEATURE_COLUMN))
    numbers = raw[RAW_ROW].to_list()
    if feature:
        header_row = 0
        row_of = {n: k + 1 for k, n in enumerate(numbers)}
    else:
        # Each row where the clerk's spreadsheet shows it: row 7 of the upload is row 7 here.
        header_row = max(min(numbers, default=2) - 2, 0)
        row_of = {n: n - 1 for n in numbers}
        month = p.sheet.title_month
        if month is not None and header_row > 0:
            # The title named the month the rows lack: kept, so the corrected file says it too.
            sheet.write_string(0, 0, f"{p.format.title_zh}（{month.year}年{month.month}月）")
    columns = {h: j for j, h in enumerate(headers)}
    reason_column = len(headers)

    # (row number or None for the whole sheet, worksheet column) -> [(reason, severity)]
    cells: dict[tuple[int | None, int], list[tuple[str, str]]] = {}
    reasons: dict[int, list[str]] = {}
    for row, column, zh, severity in _marks(p).iter_rows():
        j = columns.get(column, reason_column) if column is not None else reason_column
        if row is None and j == reason_column and column:
            zh = f"{column}：{zh}"  # a missing column: nowhere else to say which
        cells.setdefault((row, j), []).append((zh, severity))
        if row is not None:
            tag = "" if severity == "error" else "（警告）"
            reasons.setdefault(row, []).append(f"{column}{tag}：{zh}" if column else zh)

    def style(row: int | None, j: int, plain: Format | None = None) -> Format | None:
        found = cells.get((row, j))
        if not found:
            return plain
        return styles["error" if any(s == "error" for _, s in found) else "warning"]

    # Each row's comments with the row: the workbook is streamed (constant_memory), and a row
    # once left takes nothing more, comments included.
    commented: dict[int | None, list[int]] = {}
    for row, j in cells:
        commented.setdefault(row, []).append(j)

    def comment(row: int | None, r: int) -> None:
        for j in commented.get(row, ()):
            text = "\n".join(f"{_SEVERITY_ZH[s]}：{zh}" for zh, s in cells[(row, j)])
            sheet.write_comment(r, j, text, {"x_scale": 2.5, "y_scale": 1.5})

    for j, h in enumerate([*headers, REASON_COLUMN]):
        sheet.write_string(header_row, j, h, style(None, j, styles["header"]))
    comment(None, header_row)
    for number, values in zip(numbers, raw.select(headers).iter_rows(), strict=True):
        r = row_of[number]
        for j, value in enumerate(values):
            mark = style(number, j)
            if value is not None:
                sheet.write_string(r, j, value, mark)
            elif mark is not None:
                sheet.write_blank(r, j, None, mark)
        if number in reasons:
            mark = style(number, reason_column, styles["reason"])
            sheet.write_string(r, reason_column, "；".join(reasons[number]), mark)
        comment(number, r)

    widths = [_width(h) + 2 for h in headers]
    for values in raw.select(headers).head(200).iter_rows():
        for j, v in enumerate(values):
            if v is not None:
                widths[j] = max(widths[j], _width(v) + 2)
    for j, width in enumerate(widths):
        sheet.set_column(j, j, min(width, _MAX_WIDTH))
    sheet.set_column(reason_column, reason_column, 60)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, max(row_of.values(), default=header_row), reason_column)
    return _Placed(name, columns, header_row, row_of, reason_column)


def _write_issue_list(
    sheet: Worksheet,
    issues: Sequence[LedgerIssue],
    placed: dict[tuple[str, str | None], _Placed],
    styles: dict[str, Format],
) -> None:
    """Every issue, errors first, each with a link to its marked cell."""
    errors = sum(i.weight for i in issues if i.severity == "error")
    warnings = sum(i.weight for i in issues if i.severity == "warning")
    sheet.write_string(
        0,
        0,
        f"共 {errors:,} 个错误、{warnings:,} 个警告。错误的单元格标为红色，警告为黄色，"
        "点“转到”可跳到该单元格；改正后可直接上传本工作簿（本页会被跳过）。",
        styles["title"],
    )
    header = ["类型", "文件", "工作表", "行号", "列", "值", "原因", "位置"]
    for j, h in enumerate(header):
        sheet.write_string(1, j, h, styles["header"])
    ordered = sorted(issues, key=lambda i: i.severity != "error")
    for k, issue in enumerate(ordered, start=2):
        style = styles[issue.severity]
        sheet.write_string(k, 0, _SEVERITY_ZH[issue.severity], style)
        sheet.write_string(k, 1, issue.file)
        if issue.sheet is not None:
            sheet.write_string(k, 2, issue.sheet)
        if issue.row is not None:
            sheet.write_number(k, 3, issue.row)
        for j, text in ((4, issue.column), (5, issue.value), (6, issue.reason_zh)):
            if text is not None:
                sheet.write_string(k, j, text)
        where = placed.get((issue.file, issue.sheet))
        if where is None:
            continue
        r = where.header_row if issue.row is None else where.row_of.get(issue.row)
        c = where.columns.get(issue.column or "", where.reason_column)
        if r is not None:
            target = xl_rowcol_to_cell(r, c)
            sheet_ref = where.name.replace("'", "''")
            sheet.write_url(k, 7, f"internal:'{sheet_ref}'!{target}", string=f"转到 {target}")
    for j, width in enumerate((6, 28, 14, 7, 14, 24, 70, 12)):
        sheet.set_column(j, j, width)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(len(ordered) + 1, 1), len(header) - 1)


def error_workbook(parsed: Sequence[ParsedSheet], issues: Sequence[LedgerIssue]) -> bytes:
    """The checked files back as one workbook: first every issue (错误清单), then each sheet that
    has one, its rows as uploaded at their own row numbers, each bad cell filled red (a warning's
    amber) with its reason as a comment, and the row's reasons in a last column 错误原因."""
    # Streamed (xlsxwriter's constant_memory): each row goes to a temporary file as soon as the
    # next begins, so a million uploaded rows no longer sit in memory as cell objects (2.9 GB
    # for a junk file). That needs rows in ascending order within each sheet, which
    # `_write_sheet` and `_write_issue_list` keep, and a file, not a buffer (xlsxwriter turns
    # constant_memory off in memory). Comments, formats and links work as before.
    with tempfile.TemporaryDirectory(prefix="marked-") as folder:
        path = Path(folder) / "marked.xlsx"
        # Cells are written as text, as read: never a formula, number or link made from a cell.
        book = workbook(path, constant_memory=True, tmpdir=folder)
        _write_book(book, parsed, issues)
        book.close()
        return path.read_bytes()


def _write_book(
    book: xlsxwriter.Workbook, parsed: Sequence[ParsedSheet], issues: Sequence[LedgerIssue]
) -> None:
    styles = {
        "header": book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
        ),
        "error": book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1}),
        "warning": book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700", "border": 1}),
        "reason": book.add_format({"font_color": "#9C0006"}),
        "title": book.add_format({"bold": True}),
    }
    issue_sheet = book.add_worksheet(ISSUES_SHEET)
    used = {ISSUES_SHEET.casefold()}
    placed: dict[tuple[str, str | None], _Placed] = {}
    for p in parsed:
        where = (p.sheet.file.name, p.sheet.sheet)
        if (p.issues.is_empty() and not p.sheet.issues) or where in placed:
            continue
        placed[where] = _write_sheet(book, p, _sheet_name(p, used), styles)
    _write_issue_list(issue_sheet, issues, placed, styles)


def workbook_name(files: Sequence[str], today: dt.date | None = None) -> str:
    """`劳动力就业台账_2020年08月-错误标注.xlsx`: after the first file, several files counted."""
    stem = files[0].rsplit(".", 1)[0] if files else "台账"
    more = f"等{len(files)}个文件" if len(files) > 1 else ""
    return f"{stem}{more}-错误标注.xlsx"
