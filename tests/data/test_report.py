"""What the upload page shows before a commit: the preview of recognised sheets, the issue table,
and the marked workbook, on real files written here with known bad cells.

The workbook is opened the way a clerk's Excel would show it: cell by cell at its row numbers
(fastexcel, as the importer reads), its fills and comments from the file's XML, and read back
through the importer itself.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl
import pytest

from data.importer import check_files
from data.report import (
    ISSUES_SHEET,
    REASON_COLUMN,
    error_workbook,
    issue_table,
    preview,
    reimported,
    workbook_name,
)
from tests.data.test_hostile_files import junk
from tests.data.test_import import SQUARE, labour_ledger
from tests.data.test_ledger import (
    LABOUR_HEADER,
    grid,
    labour_row,
    make_id,
    write_csv,
    write_xlsx,
)

AUGUST, SEPTEMBER = dt.date(2020, 8, 1), dt.date(2020, 9, 1)
RED, AMBER = "FFFFC7CE", "FFFFEB9C"
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


# --- reading the workbook back ----------------------------------------------------------------


def _sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", NS)}
    return {
        s.get("name"): "xl/" + targets[s.get(f"{{{NS['r']}}}id")]
        for s in workbook.findall("m:sheets/m:sheet", NS)
    }


def fills(data: bytes, sheet: str) -> dict[str, str]:
    """Cell reference -> fill colour of every filled cell of `sheet`."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
        colours = []
        for fill in styles.findall("m:fills/m:fill", NS):
            fg = fill.find("m:patternFill/m:fgColor", NS)
            colours.append(fg.get("rgb") if fg is not None else None)
        xfs = [int(xf.get("fillId", 0)) for xf in styles.findall("m:cellXfs/m:xf", NS)]
        cells = ElementTree.fromstring(book.read(_sheet_paths(book)[sheet]))
    found = {}
    for cell in cells.iter(f"{{{NS['m']}}}c"):
        colour = colours[xfs[int(cell.get("s", 0))]]
        if colour:
            found[cell.get("r")] = colour
    return found


def comments(data: bytes, sheet: str) -> dict[str, str]:
    """Cell reference -> comment text of `sheet`."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        part = _sheet_paths(book)[sheet]
        folder, name = part.rsplit("/", 1)
        rels_part = f"{folder}/_rels/{name}.rels"
        if rels_part not in book.namelist():
            return {}
        rels = ElementTree.fromstring(book.read(rels_part))
        target = next(
            r.get("Target")
            for r in rels.findall("p:Relationship", NS)
            if "comments" in r.get("Type")
        )
        xml = ElementTree.fromstring(book.read("xl/" + target.removeprefix("../")))
    return {
        c.get("ref"): "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
        for c in xml.iter(f"{{{NS['m']}}}comment")
    }


def cells(data: bytes, sheet: str) -> list[list[str | None]]:
    """The sheet as rows of text; list index i is Excel row i + 1 (as the importer reads)."""
    reader = fastexcel.read_excel(data)
    grid_ = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()
    return [list(r) for r in grid_.rows()]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- files with known problems ----------------------------------------------------------------


@pytest.fixture
def uploaded(tmp_path: Path) -> list[Path]:
    """A workbook and a CSV as a clerk uploads them, and a file that is no ledger.

    Workbook rows (labour_ledger: title, blank, header row 3, unit row 4, data from row 5):
    row 6 has a capacity that is not one of the choices, row 7 an ID of three digits, row 8 a
    gender that does not match its ID (a warning). The CSV (header row 1) repeats person 0 in
    row 3: the same ID twice in a month.
    """
    rows = [
        labour_row(0),
        labour_row(1, 劳动能力="能干"),
        labour_row(2, 身份证号="123"),
        labour_row(3, 性别="女" if int(make_id(3)[16]) % 2 else "男"),
        labour_row(4),
    ]
    book = labour_ledger(tmp_path / "8月台账.xlsx", rows)
    september = [labour_row(n, 统计月份="2020-09") for n in (10, 11)]
    csv = write_csv(tmp_path / "9月.csv", grid([*september, september[0]]))
    other = tmp_path / "说明.csv"
    other.write_text("说明\n这不是台账\n", encoding="utf-8")
    return [book, csv, other]


def test_preview_has_a_row_per_recognised_sheet_and_per_unrecognised_file(
    uploaded: list[Path],
) -> None:
    parsed, issues = check_files(uploaded)

    shown = preview(parsed, issues)

    assert shown.select(
        "file", "sheet", "ledger", "format", "months", "rows_read", "rows_valid",
        "rows_with_errors", "warnings", "skipped",
    ).rows() == [
        ("8月台账.xlsx", "台账", "labour", "劳动力就业台账", [AUGUST], 7, 3, 2, 1, 2),
        ("9月.csv", None, "labour", "劳动力就业台账", [SEPTEMBER], 3, 1, 2, 0, 0),
        ("说明.csv", None, None, None, [], 0, 0, 0, 0, 0),
    ]  # fmt: skip


def test_issue_table_lists_errors_first_with_place_value_and_reason(uploaded: list[Path]) -> None:
    _, issues = check_files(uploaded)

    table = issue_table(issues, "zh")

    assert table.columns == [
        "file", "sheet", "row", "column", "value", "reason", "severity", "field",
    ]  # fmt: skip
    assert table["severity"].to_list() == ["error"] * 5 + ["warning"]
    places = table.select("file", "row", "column", "value", "field").rows()
    assert places[:5] == [
        ("说明.csv", None, None, None, None),  # a file that cannot be imported comes first
        ("8月台账.xlsx", 6, "劳动能力", "能干", "capacity"),
        ("8月台账.xlsx", 7, "身份证号", "123", "id_number"),
        ("9月.csv", 2, "身份证号", make_id(10), "id_number"),
        ("9月.csv", 4, "身份证号", make_id(10), "id_number"),
    ]
    wrong = "女" if int(make_id(3)[16]) % 2 else "男"
    assert places[5] == ("8月台账.xlsx", 8, "性别", wrong, "gender")
    reasons = table["reason"].to_list()
    assert reasons[0].startswith("未识别的表格")
    assert reasons[2] == "位数不对：应为 18 位，实为 3 位"
    assert "同一月份中身份证号重复" in reasons[3] and "第 4 行" in reasons[3]
    english = issue_table(issues, "en")["reason"].to_list()
    assert english[2] == "wrong length: 18 expected, got 3"


def test_the_marked_workbook_lists_every_issue_first(uploaded: list[Path]) -> None:
    parsed, issues = check_files(uploaded)

    data = error_workbook(parsed, issues)

    listed = pl.read_excel(data, sheet_name=ISSUES_SHEET, read_options={"header_row": 1})
    assert listed.columns == ["类型", "文件", "工作表", "行号", "列", "值", "原因", "位置"]
    assert listed["类型"].to_list() == ["错误"] * 5 + ["警告"]
    assert listed["行号"].to_list() == [None, 6, 7, 2, 4, 8]
    assert listed["值"].to_list()[1:3] == ["能干", "123"]
    capacity, id_number, gender = (
        column_letter(LABOUR_HEADER.index(h)) for h in ("劳动能力", "身份证号", "性别")
    )
    targets = [f"{capacity}6", f"{id_number}7", f"{id_number}2", f"{id_number}4", f"{gender}8"]
    assert listed["位置"].to_list() == [None, *(f"转到 {cell}" for cell in targets)]
    # Each link jumps to its cell.
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        first = book.read(_sheet_paths(book)[ISSUES_SHEET]).decode()
    assert f"location=\"'台账'!{capacity}6\"" in first
    assert f"location=\"'9月'!{id_number}4\"" in first
    # Only sheets with problems follow, under their own names (a CSV's: its file name).
    assert pl.read_excel(data, sheet_id=0).keys() == {ISSUES_SHEET, "台账", "9月"}


def test_the_marked_workbook_marks_the_bad_cells_at_the_uploaded_row_numbers(
    uploaded: list[Path],
) -> None:
    parsed, issues = check_files(uploaded)

    data = error_workbook(parsed, issues)

    rows = cells(data, "台账")
    # Right above the first data row (row 5): where the unit row was, which is not kept.
    header = rows[3]
    assert header[:3] == ["统计月份", "乡镇(街道)", "村(社区)"] and header[-1] == REASON_COLUMN
    capacity, id_number, gender = (header.index(h) for h in ("劳动能力", "身份证号", "性别"))
    # Excel row n is rows[n - 1]: each row where the uploaded file has it.
    assert [rows[n - 1][header.index("姓名")] for n in (5, 6, 7, 8, 9)] == [
        "张0", "张1", "张2", "张3", "张4",
    ]  # fmt: skip
    assert rows[5][capacity] == "能干" and rows[6][id_number] == "123"
    assert rows[5][-1].startswith("劳动能力：不是可选的值")
    assert rows[6][-1] == "身份证号：位数不对：应为 18 位，实为 3 位"
    assert rows[7][-1].startswith("性别（警告）：与身份证号不符")
    assert rows[4][-1] is None and rows[8][-1] is None
    reason = column_letter(len(header) - 1)
    marked = fills(data, "台账")
    bad = {f"{column_letter(capacity)}6": RED, f"{column_letter(id_number)}7": RED}
    assert {ref: marked[ref] for ref in bad} == bad
    assert marked[f"{column_letter(gender)}8"] == AMBER
    cells_marked = {ref for ref in marked if ref[-1] != "4" and not ref.startswith(reason)}
    assert cells_marked == {*bad, f"{column_letter(gender)}8"}  # nothing else is coloured
    notes = comments(data, "台账")
    assert notes[f"{column_letter(id_number)}7"] == "错误：位数不对：应为 18 位，实为 3 位"
    assert notes[f"{column_letter(gender)}8"].startswith("警告：与身份证号不符")
    # The CSV: header in row 1, both rows of the duplicate ID marked.
    csv = cells(data, "9月")
    assert csv[0][0] == "统计月份" and [csv[n - 1][csv[0].index("姓名")] for n in (2, 3, 4)] == [
        "张10", "张11", "张10",
    ]  # fmt: skip
    id_column = column_letter(csv[0].index("身份证号"))
    assert {ref for ref, colour in fills(data, "9月").items() if colour == RED} == {
        f"{id_column}2",
        f"{id_column}4",
    }


def test_the_marked_workbook_checks_like_the_upload(uploaded: list[Path], tmp_path: Path) -> None:
    """Uploaded again as it is, the marked workbook gives the same issues at the same rows (its
    issue list is skipped with a warning): corrected there, it can be uploaded instead."""
    parsed, issues = check_files(uploaded[:1])
    marked = tmp_path / "marked.xlsx"
    marked.write_bytes(error_workbook(parsed, issues))

    again, again_issues = check_files([marked])

    def rows(found):
        return sorted((i.row, i.column, i.value, i.reason_zh) for i in found if i.row is not None)

    assert rows(again_issues) == rows(issues)
    assert [i.reason_zh for i in again_issues if i.row is None][0].startswith("未识别的表格")
    assert [p.sheet.sheet for p in again] == ["台账"]
    assert again[0].rows["month"].unique().to_list() == [AUGUST]


def test_a_missing_column_is_said_in_the_header_of_the_reasons(tmp_path: Path) -> None:
    rows = [{k: v for k, v in labour_row(n).items() if k != "劳动能力"} for n in range(2)]
    path = write_xlsx(tmp_path / "缺列.xlsx", {"台账": grid(rows)})
    parsed, issues = check_files([path])

    data = error_workbook(parsed, issues)

    header = cells(data, "台账")[0]
    reason = f"{column_letter(len(header) - 1)}1"
    assert fills(data, "台账")[reason] == RED
    assert "劳动能力" in comments(data, "台账")[reason]
    assert preview(parsed, issues)["rows_with_errors"].to_list() == [2]


def test_a_title_month_stays_in_the_marked_workbook(tmp_path: Path) -> None:
    rows = [
        {k: v for k, v in labour_row(n, 劳动能力="?").items() if k != "统计月份"} for n in (0, 1)
    ]
    cells_ = grid(rows, title="金沙县劳动力就业台账（2020年9月）", unit_row=True)
    path = write_xlsx(tmp_path / "台账.xlsx", {"九月": cells_})
    parsed, issues = check_files([path])
    marked = tmp_path / "marked.xlsx"
    marked.write_bytes(error_workbook(parsed, issues))

    again, _ = check_files([marked])

    assert again[0].sheet.title_month == SEPTEMBER
    assert again[0].rows["month"].unique().to_list() == [SEPTEMBER]


def test_boundary_features_are_numbered_in_the_marked_workbook(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[106, 27], [107, 28]]}
    features = [
        {"type": "Feature", "properties": {"name": "岩孔街道"}, "geometry": SQUARE},
        {"type": "Feature", "properties": {"name": "新化乡"}, "geometry": line},
    ]
    path = tmp_path / "乡镇.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    parsed, issues = check_files([path])

    data = error_workbook(parsed, issues)

    rows = cells(data, "乡镇")
    assert rows[0][:2] == ["要素序号", "properties.name"]
    assert [r[:2] for r in rows[1:]] == [["1", "岩孔街道"], ["2", "新化乡"]]
    assert {ref for ref, colour in fills(data, "乡镇").items() if colour == RED} == {"C3"}
    assert "不是面" in rows[2][-1]


def test_sheet_names_stay_valid_and_unique(tmp_path: Path) -> None:
    bad = [labour_row(0, 劳动能力="?")]
    first = write_xlsx(tmp_path / "a.xlsx", {"台账": grid(bad)})
    second = write_xlsx(tmp_path / "b.xlsx", {"台账": grid([labour_row(1, 劳动能力="?")])})
    odd = write_csv(tmp_path / "[8月]*台账?.csv", grid([labour_row(2, 劳动能力="?")]))
    parsed, issues = check_files([first, second, odd])

    data = error_workbook(parsed, issues)

    names = list(pl.read_excel(data, sheet_id=0))
    assert names == [ISSUES_SHEET, "台账", "b-台账", "_8月__台账_"]


def test_a_large_month_is_written_in_seconds(tmp_path: Path) -> None:
    """A county's ledger (17,100 rows) with one error: the download is made on the click."""
    import time

    def month(k: int) -> str:
        return f"{2019 + k // 12}-{k % 12 + 1:02d}"

    rows = [labour_row(n % 900, 统计月份=month(n // 900)) for n in range(17_100)]
    rows[5] = rows[5] | {"劳动能力": "能干"}
    path = write_csv(tmp_path / "大.csv", grid(rows))
    parsed, issues = check_files([path])
    started = time.perf_counter()

    data = error_workbook(parsed, issues)

    assert time.perf_counter() - started < 20  # about 4 s here
    assert len(cells(data, "大")) == 17_101


def test_the_marked_workbook_is_streamed_whatever_its_rows(tmp_path: Path) -> None:
    """A junk file of a million rows took 2.9 GB as xlsxwriter cells held in memory: the
    marked workbook is streamed, so the memory it takes does not grow with the rows (traced
    Python memory, per row added, far below one row's 12 cells held), and every row is still
    there, marked where its issues are listed."""
    import tracemalloc

    def peak(rows: int) -> tuple[int, bytes]:
        parsed, issues = check_files([junk(tmp_path / f"{rows}.csv", rows)])
        tracemalloc.start()
        try:
            data = error_workbook(parsed, issues)
            return tracemalloc.get_traced_memory()[1], data
        finally:
            tracemalloc.stop()

    small, _ = peak(2_000)
    large, data = peak(8_000)

    per_row = (large - small) / 6_000
    assert per_row < 300, f"{per_row:.0f} bytes a row"  # held: about 2,500; streamed: 0
    rows = cells(data, "8000")
    assert len(rows) == 8_001 and rows[-1][0] == "2020-08"
    assert len(comments(data, "8000")) > 0


def test_reimported_names_earlier_batches_of_the_same_ledger_and_month(
    uploaded: list[Path],
) -> None:
    parsed, issues = check_files(uploaded)
    shown = preview(parsed, issues)
    batches = pl.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "source": ["demo", "import", "import", "undo"],
            "formats": ["sites,labour", "labour", "labour", "labour"],
            "months": ["2020-07,2020-08", "2020-08", "2020-09", "2020-08"],
            "undone_by": [None, None, 4, None],
        }
    )

    found = reimported(shown, batches)

    assert found.rows() == [("labour", [AUGUST], [1, 2])]
    sites = pl.DataFrame(
        {"ledger": ["sites"], "months": [[]]}, schema=shown.select("ledger", "months").schema
    )
    assert reimported(sites, batches).rows() == [("sites", [], [1])]


def test_workbook_name() -> None:
    assert (
        workbook_name(["劳动力就业台账_2020年08月.xlsx"])
        == "劳动力就业台账_2020年08月-错误标注.xlsx"
    )
    assert workbook_name(["a.csv", "b.csv"]) == "a等2个文件-错误标注.xlsx"
    assert re.fullmatch(r"台账-错误标注\.xlsx", workbook_name([]))
