"""Hostile and broken files, built here: each ends in a clear refusal of the file (file, sheet,
reason in Chinese and English), never in a crash of the process that reads it.

- a 2 KB workbook whose cells sit at A1 and XFD1048576 (the reader would build a grid of
  17 billion cells), declaring that span or lying that it is A1 only;
- a reader that runs out of time;
- a million rows of empty strings and spaces (skipped, not ten million errors);
- a sheet of junk whose errors are listed up to a cap and counted beyond it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from data import sandbox
from data.importer import check_files, import_files
from data.ledger import ISSUES_LISTED, count_issues, read_ledger
from data.report import error_workbook
from data.store import data_version, get_engine

ROOT = Path(__file__).resolve().parents[2]
LABOUR_HEADER = (
    "统计月份,乡镇(街道),安置点,楼栋,房号,户主姓名,姓名,身份证号,劳动能力,就业状态,就业形式"
)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook(path: Path, cells: dict[str, str], dimension: str | None) -> Path:
    """An .xlsx written by hand: one sheet 花名册 with `cells` (reference -> text) and the
    declared `dimension` (None: no <dimension> element)."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells.items():
        rows.setdefault(int(re.sub(r"[A-Z]", "", ref)), []).append(
            f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        )
    data = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>{data}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def bomb(path: Path, *, dimension: str | None = "A1:XFD1048576") -> Path:
    """A title in A1 and one cell at XFD1048576: 17,179,869,184 cells to the reader."""
    return workbook(path, {"A1": "补贴发放花名册", "XFD1048576": "x"}, dimension)


def test_the_bomb_is_a_small_file(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 3000
    with zipfile.ZipFile(path) as book:
        assert b'<dimension ref="A1:XFD1048576"/>' in book.read("xl/worksheets/sheet1.xml")


def test_a_workbook_declaring_a_huge_span_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sheets, issues = read_ledger(bomb(tmp_path / "bomb.xlsx"))

    assert sheets == []
    [issue] = issues
    assert (issue.file, issue.sheet, issue.row, issue.severity) == (
        "bomb.xlsx",
        "花名册",
        None,
        "error",
    )
    assert "A1:XFD1048576 有 1,048,576 行 × 16,384 列" in issue.reason_zh
    assert "Ctrl+End" in issue.reason_zh
    assert "1,048,576 rows × 16,384 columns" in issue.reason_en


def test_a_workbook_lying_about_its_span_is_refused_when_the_reader_runs_out(
    tmp_path: Path,
) -> None:
    """It declares A1: the declared span is no guard; the reading child's memory limit is, and
    the refusal names the span the cells really take."""
    for dimension in ("A1", None):
        sheets, issues = read_ledger(bomb(tmp_path / "liar.xlsx", dimension=dimension))

        assert sheets == []
        [issue] = issues
        assert (issue.file, issue.sheet) == ("liar.xlsx", "花名册")
        assert issue.reason_zh.startswith("读取所需内存超过上限")
        assert "A1:XFD1048576" in issue.reason_zh
        assert "A1:XFD1048576" in issue.reason_en


def test_a_lone_far_cell_is_read_as_what_it_is(tmp_path: Path) -> None:
    """One cell at XFD1048576, declared as such: one cell to the reader, no ledger."""
    sheets, issues = read_ledger(workbook(tmp_path / "far.xlsx", {"XFD1048576": "x"}, None))

    assert sheets == []
    assert [i.reason_zh.startswith("未识别的表格") for i in issues] == [True]


def test_a_reader_out_of_time_is_stopped_and_the_file_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "台账.csv"
    # Two million rows: 200,000 were read within the 0.05 s now and then.
    path.write_text(LABOUR_HEADER + "\n" + "2020-08,,,,,,,,,,\n" * 2_000_000)
    monkeypatch.setenv("READ_SECONDS", "0.05")

    sheets, issues = read_ledger(path)

    assert sheets == []
    [issue] = issues
    assert issue.file == "台账.csv"
    assert issue.reason_zh.startswith("读取超过 0.05 秒仍未完成，已停止")
    assert issue.reason_en.startswith("reading took longer than 0.05 s")


def test_a_child_that_dies_is_a_failure_not_a_crash() -> None:
    assert sandbox.run_limited(os.abort).kind == "memory"  # what an abort in a reader means
    failed = sandbox.run_limited(int, "x")
    assert (failed.kind, failed.detail) == ("crash", "ValueError: invalid literal for int() "
                                                     "with base 10: 'x'")  # fmt: skip
    assert sandbox.run_limited(divmod, 7, 2) == (3, 1)


@pytest.mark.parametrize("name", ["乱码.xls", "乱码.xlsx", "乱码.csv", "乱码.geojson"])
def test_garbage_of_any_kind_is_refused_in_words(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(bytes(range(256)) * 64)

    sheets, issues = read_ledger(path)

    assert sheets == []
    assert [(i.file, i.severity) for i in issues] == [(name, "error")]


def test_the_command_line_refuses_the_bomb_with_a_message(tmp_path: Path) -> None:
    """Before: `python -m data import` aborted (exit 134) while reading."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url}
    for dimension in ("A1:XFD1048576", "A1"):
        path = bomb(tmp_path / "花名册.xlsx", dimension=dimension)
        done = subprocess.run(
            [sys.executable, "-m", "data", "import", str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

        assert done.returncode == 1, done.stderr
        assert "没有导入任何数据\n错误 1 个：\n  花名册.xlsx / 花名册\n" in done.stderr
        assert "花名册.xlsx / 花名册" in done.stderr
        assert "A1:XFD1048576" in done.stderr
        assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    assert data_version(get_engine(url)) == 0


# --- blank-looking rows and the cap on listed errors --------------------------------------------


def test_a_million_blank_looking_rows_are_skipped(tmp_path: Path) -> None:
    """Before: every row of "" made an error per required column (ten million of them)."""
    path = tmp_path / "台账.csv"
    blank = '"",  ,"",\u3000,"\u200b"," ",\t,"","","",""\n'
    path.write_text(LABOUR_HEADER + "\n" + blank * 1_000_000, encoding="utf-8")

    parsed, issues = check_files([path])

    [p] = parsed
    assert (p.sheet.rows_read, p.sheet.skipped, p.rows.height) == (1_000_000, 1_000_000, 0)
    assert issues == []


def test_blank_looking_rows_of_a_workbook_are_skipped(tmp_path: Path) -> None:
    header = LABOUR_HEADER.split(",")
    cells = {f"{chr(65 + j)}1": h for j, h in enumerate(header)}
    for r in range(2, 20_002):
        cells |= {f"A{r}": "", f"B{r}": " ", f"C{r}": "\u3000"}
    path = workbook(tmp_path / "台账.xlsx", cells, None)

    parsed, issues = check_files([path])

    assert [(p.sheet.rows_read, p.sheet.skipped) for p in parsed] == [(20_000, 20_000)]
    assert issues == []


def junk(path: Path, rows: int) -> Path:
    path.write_text(LABOUR_HEADER + "\n" + "2020-08,x,x,x,x,x,x,x,x,x,x\n" * rows)
    return path


def test_the_errors_of_a_sheet_are_listed_up_to_a_cap_and_counted_beyond(tmp_path: Path) -> None:
    rows = 2 * ISSUES_LISTED
    parsed, issues = check_files([junk(tmp_path / "台账.csv", rows)])

    [p] = parsed
    assert len(p.error_rows) == rows  # every row still rejected
    total = p.issues.height  # 4 per row: ID, 劳动能力, 就业状态, 就业形式
    assert total == 4 * rows
    assert len(issues) == ISSUES_LISTED + 1
    assert [i.row for i in issues[:5]] == [2, 2, 2, 2, 3]
    last = issues[-1]
    assert (last.row, last.severity, last.count) == (None, "error", total - ISSUES_LISTED)
    assert (
        last.message("zh")
        == f"还有 {total - ISSUES_LISTED:,} 个错误未列出（只列出每个表的前 1,000 个）"
    )
    assert (
        last.message("en")
        == f"{total - ISSUES_LISTED:,} more errors not listed (the first 1,000 of each sheet are)"
    )  # noqa: E501
    assert count_issues(issues, "error") == total


def test_the_capped_list_in_the_report_and_the_marked_workbook(tmp_path: Path) -> None:
    rows = 2 * ISSUES_LISTED
    path = junk(tmp_path / "台账.csv", rows)
    engine = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")

    result = import_files(engine, [path])

    report = result.report("zh")
    assert f"共 {4 * rows:,} 个错误" in report
    assert f"还有 {4 * rows - ISSUES_LISTED:,} 个错误未列出" in report
    assert len(report.splitlines()) < ISSUES_LISTED + 20
    parsed, issues = check_files([path])
    book = error_workbook(parsed, issues)
    with zipfile.ZipFile(__import__("io").BytesIO(book)) as unpacked:
        comments = [n for n in unpacked.namelist() if "comments" in n]
        [part] = comments
        assert unpacked.read(part).count(b"<comment ") == ISSUES_LISTED


def test_the_reading_child_runs_nothing_of_the_parent_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit makes each page script it runs `__main__`; a child that ran it again (as
    multiprocessing does) ran the app, or died on it (an AppTest script did)."""
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the page ran in the reading child')\n")
    page = type(sys)("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    path = tmp_path / "台账.csv"
    path.write_text(LABOUR_HEADER + "\n" + "2020-08,,,,,,,,,,\n")

    sheets, issues = read_ledger(path)

    assert [s.rows_read for s in sheets] == [1] and issues == []
    assert sys.modules["__main__"] is page
