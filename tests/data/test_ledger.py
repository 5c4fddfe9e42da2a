"""Reading ledger files: every tolerance of ledger-format.md, on real files written here.

The helpers at the top write ledgers the way counties do (title rows, merged titles, unit and
合计 rows, GBK CSV); the importer tests use them too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
import xlwt
from polars.testing import assert_frame_equal, assert_series_equal
from stdnum.cn import ric

from data.ledger import (
    LABOUR,
    ROW,
    SUBSIDIES,
    TABLE_FORMATS,
    building_names,
    clean_text,
    month_in_title,
    parse_date,
    parse_month,
    parse_months,
    read_ledger,
    room_names,
    stored_as_numbers,
)

# --- helpers: ledgers as counties write them --------------------------------------------------

Cell = Any  # str, int, float, date, datetime or None (an empty cell)

LABOUR_HEADER = [
    "统计月份", "乡镇(街道)", "村(社区)", "安置点", "楼栋", "单元", "房号", "户编号", "户主姓名",
    "姓名", "身份证号", "性别", "与户主关系", "文化程度", "劳动能力", "就业状态", "就业形式",
    "就业单位", "就业地点", "月收入(元)", "就业意愿", "培训需求", "是否两后生", "是否三无人员",
    "监测类型", "联系电话",
]  # fmt: skip


def make_id(serial: int, birth: str = "19880101", region: str = "522424") -> str:
    """A valid 18-character ID number (Jinsha's region code 522424 is valid before 2011)."""
    s17 = f"{region}{birth}{serial:03d}"
    return s17 + ric.calc_check_digit(s17 + "0")


def labour_row(n: int, **changes: Cell) -> dict[str, Cell]:
    """Person `n` of a valid labour ledger, keyed by Chinese header; `changes` by header too."""
    row: dict[str, Cell] = {
        "统计月份": "2020-08",
        "乡镇(街道)": "岩孔街道",
        "村(社区)": "新华村",
        "安置点": "幸福家园",
        "楼栋": f"{n // 4 + 1}栋",
        "单元": "1",
        "房号": f"1-{300 + n % 4}",
        "户编号": None,
        "户主姓名": f"户主{n // 4}",
        "姓名": f"张{n}",
        "身份证号": make_id(n),
        "性别": "男" if n % 2 else "女",
        "与户主关系": "户主" if n % 4 == 0 else "子女",
        "文化程度": "初中",
        "劳动能力": "有劳动能力",
        "就业状态": "已就业" if n % 3 else "未就业",
        "就业形式": "县内务工" if n % 3 else None,
        "就业单位": "金沙县扶贫车间" if n % 3 else None,
        "就业地点": "金沙县" if n % 3 else None,
        "月收入(元)": 2100 + n if n % 3 else None,
        "就业意愿": "就近就业",
        "培训需求": "电工",
        "是否两后生": "否",
        "是否三无人员": "否",
        "监测类型": "脱贫户",
        "联系电话": f"138{n:08d}",
    }
    gender = int(row["身份证号"][16]) % 2  # type: ignore[index]
    row["性别"] = "男" if gender else "女"
    unknown = set(changes) - set(row)
    assert not unknown, f"not a labour header: {unknown}"
    return row | changes


def grid(
    rows: Sequence[dict[str, Cell]],
    *,
    header: Sequence[str] | None = None,
    title: str | None = None,
    unit_row: bool = False,
    total_row: bool = False,
) -> list[list[Cell]]:
    """A sheet as a list of rows: [title, blank,] header, [unit row,] data, [合计]."""
    header = list(header or rows[0].keys())
    out: list[list[Cell]] = []
    if title is not None:
        out += [[title], []]
    out.append(list(header))
    if unit_row:
        out.append(["元" if "元" in h else None for h in header])
    out += [[r.get(h) for h in header] for r in rows]
    if total_row:
        out.append(["合计"] + [None] * (len(header) - 1))
    return out


def write_xlsx(
    path: Path, sheets: dict[str, list[list[Cell]]], *, merge_title: bool = True
) -> Path:
    """An .xlsx via xlsxwriter; a one-cell row is merged across the sheet, like a title."""
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        width = max(len(r) for r in rows)
        for i, row in enumerate(rows):
            if merge_title and len(row) == 1 and width > 1:
                sheet.merge_range(i, 0, i, width - 1, row[0])
                continue
            for j, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(i, j, value, date_format)
                elif value is not None:
                    sheet.write(i, j, value)
    book.close()
    return path


def write_xls(path: Path, sheets: dict[str, list[list[Cell]]]) -> Path:
    """An .xls (Excel 97) via xlwt, the title merged like write_xlsx does."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        width = max(len(r) for r in rows)
        for i, row in enumerate(rows):
            if len(row) == 1 and width > 1:
                sheet.write_merge(i, i, 0, width - 1, row[0])
                continue
            for j, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(i, j, value, date_style)
                elif value is not None:
                    sheet.write(i, j, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: list[list[Cell]], encoding: str = "utf-8") -> Path:
    """A CSV as Excel saves one: every row, blank ones too, in the given encoding."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_ledger(path: Path, rows: list[list[Cell]], encoding: str = "utf-8") -> Path:
    """One sheet in the format the suffix says (.xlsx, .xls or .csv)."""
    if path.suffix == ".xlsx":
        return write_xlsx(path, {"台账": rows})
    if path.suffix == ".xls":
        return write_xls(path, {"台账": rows})
    return write_csv(path, rows, encoding)


def read_one(path: Path) -> Any:
    sheets, issues = read_ledger(path)
    assert len(sheets) == 1, issues
    return sheets[0]


# --- finding the header -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv"])
def test_header_found_below_title_blank_and_unit_rows(tmp_path: Path, suffix: str) -> None:
    rows = [labour_row(n) for n in range(3)]
    cells = grid(rows, title="金沙县易地扶贫搬迁劳动力就业台账（2020年8月）", unit_row=True)
    # Excel rows: 1 empty, 2 title (merged), 3 empty, 4 header, 5 units, 6-7 data, 8 blank,
    # 9 data, 10 合计.
    cells = [[], *cells[:6], [], cells[6], ["合计", None, None, 42]]
    sheet = read_one(write_ledger(tmp_path / f"台账{suffix}", cells))
    assert sheet.format is LABOUR
    assert sheet.data[ROW].to_list() == [6, 7, 9]
    assert sheet.data["name"].to_list() == ["张0", "张1", "张2"]
    assert sheet.rows_read == 6
    assert sheet.skipped == 3  # unit, blank and 合计 rows
    assert sheet.title_month == dt.date(2020, 8, 1)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
@pytest.mark.parametrize("empty_rows", [0, 1, 4])
def test_row_numbers_count_empty_rows_above_the_table(
    tmp_path: Path, suffix: str, empty_rows: int
) -> None:
    cells = [[] for _ in range(empty_rows)] + grid([labour_row(0), labour_row(1)])
    sheet = read_one(write_ledger(tmp_path / f"a{suffix}", cells))
    header_row = empty_rows + 1
    assert sheet.data[ROW].to_list() == [header_row + 1, header_row + 2]


def test_row_numbers_of_a_csv_count_title_and_blank_lines(tmp_path: Path) -> None:
    cells = [["劳动力就业台账"], [], *grid([labour_row(0)]), [], grid([labour_row(1)])[1]]
    sheet = read_one(write_csv(tmp_path / "a.csv", cells))
    assert sheet.data[ROW].to_list() == [4, 6]
    assert sheet.title_month is None


def test_column_number_row_under_the_header_is_skipped(tmp_path: Path) -> None:
    cells = grid([labour_row(0)])
    cells.insert(1, list(range(1, len(LABOUR_HEADER) + 1)))
    sheet = read_one(write_xlsx(tmp_path / "a.xlsx", {"台账": cells}))
    assert sheet.data[ROW].to_list() == [3]
    assert sheet.skipped == 1


def test_two_row_header_under_merged_group_cells(tmp_path: Path) -> None:
    row = labour_row(0)
    top = [{"就业状态": "就业情况", "就业形式": None}.get(h, h) for h in LABOUR_HEADER]
    sub = [h if h in ("就业状态", "就业形式") else None for h in LABOUR_HEADER]
    cells = [top, sub, [row[h] for h in LABOUR_HEADER]]
    sheet = read_one(write_xlsx(tmp_path / "a.xlsx", {"台账": cells}, merge_title=False))
    assert sheet.data.select("status", "employment_type").row(0) == ("未就业", None)
    assert sheet.data[ROW].to_list() == [3]


def test_signature_lines_under_the_table_are_skipped(tmp_path: Path) -> None:
    cells = [*grid([labour_row(0)], total_row=True), [], ["填表人：王五", None, "审核人：赵六"]]
    sheet = read_one(write_xlsx(tmp_path / "a.xlsx", {"台账": cells}))
    assert sheet.data.height == 1
    assert sheet.skipped == 3


# --- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("月收入(元)", "monthly_income"),
        ("月收入（元）", "monthly_income"),
        ("月收入\n（元）", "monthly_income"),
        (" 月收入 ( 元 ) ", "monthly_income"),
        ("monthly_income", "monthly_income"),
        ("Monthly Income", "monthly_income"),
        ("乡镇（街道）", "township"),
        ("迁出乡镇", "township"),
        ("township", "township"),
        ("村(社区)", "village"),
        ("迁出村", "village"),
        ("身份证号码", "id_number"),
        ("*身份证号", "id_number"),
        ("ID_NUMBER", "id_number"),
        ("楼　栋", "building"),
        ("household_id", "household_id"),
        ("是否两后生", "two_after"),
        ("序号", None),
    ],
)
def test_header_spellings(header: str, column: str | None) -> None:
    assert LABOUR.match(header) == column


def test_english_headers_in_a_file(tmp_path: Path) -> None:
    english = [c.name for c in LABOUR.columns]
    rows = [dict(zip(english, labour_row(0).values(), strict=True))]
    sheet = read_one(write_csv(tmp_path / "en.csv", grid(rows)))
    assert sheet.format is LABOUR
    assert sheet.headers["monthly_income"] == "monthly_income"
    assert sheet.data["id_number"].to_list() == [make_id(0)]


def test_every_format_recognised_by_its_headers() -> None:
    for fmt in TABLE_FORMATS:
        others = [f for f in TABLE_FORMATS if f is not fmt]
        headers = [c.zh for c in fmt.columns]
        assert all(fmt.match(h) for h in headers), fmt.name
        # The signature is this format's own: no other format claims all of it.
        assert not any(all(o.match(c) for c in fmt.signature) for o in others), fmt.name


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 张三 ", "张三"),
        ("\u3000张三\u3000", "张三"),
        ("ＡＢＣ１２３", "ABC123"),
        ("高中（中专）", "高中(中专)"),
        ("", None),
        ("   ", None),
        ("/", None),
        ("／", None),
        ("—", None),
        ("--", None),
        ("1-302", "1-302"),
    ],
)
def test_clean_text(text: str, expected: str | None) -> None:
    assert clean_text(pl.Series([text])).to_list() == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", "3"),
        ("3栋", "3"),
        ("3号楼", "3"),
        ("３栋", "3"),
        ("第3栋", "3"),
        ("3幢", "3"),
        ("3.0", "3"),
        ("A座", "A"),
    ],
)
def test_building_spellings(text: str, expected: str) -> None:
    assert building_names(clean_text(pl.Series([text]))).to_list() == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１－３０２", "1-302"),
        ("1—302", "1-302"),
        ("1 - 302", "1-302"),
        ("302室", "302"),
        ("302", "302"),
    ],
)
def test_room_spellings(text: str, expected: str) -> None:
    assert room_names(clean_text(pl.Series([text]))).to_list() == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2020-08",
        "2020/8",
        "2020/08",
        "2020.8",
        "2020年8月",
        "2020年08月",
        "２０２０年８月",
        "2020 年 8 月",
        "202008",
        "2020-08-01",
        "2020-08-15 00:00:00",
        "2020年8月15日",
        "20200815",
        "44044",  # an Excel day number
    ],
)
def test_month_spellings(text: str) -> None:
    assert parse_month(text) == dt.date(2020, 8, 1)


@pytest.mark.parametrize("text", ["2020-13", "八月", "2020", "abc", "", "1800-01"])
def test_not_a_month(text: str) -> None:
    assert parse_month(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-08-15", dt.date(2020, 8, 15)),
        ("2020/8/15", dt.date(2020, 8, 15)),
        ("2020.8.15", dt.date(2020, 8, 15)),
        ("2020年8月15日", dt.date(2020, 8, 15)),
        ("20200815", dt.date(2020, 8, 15)),
        ("2020-08-15 10:30:00", dt.date(2020, 8, 15)),
        ("44058", dt.date(2020, 8, 15)),
        ("2020年8月", dt.date(2020, 8, 1)),
        ("2020-02-30", None),
        ("明天", None),
    ],
)
def test_date_spellings(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_excel_date_cells_are_months(tmp_path: Path, suffix: str) -> None:
    cells = [
        ["统计月份", *LABOUR_HEADER[1:]],
        *(
            [month, *list(labour_row(n).values())[1:]]
            for n, month in enumerate(
                [dt.date(2020, 8, 1), dt.datetime(2020, 8, 31, 17, 30), 44044, "2020年8月"]
            )
        ),
    ]
    sheet = read_one(write_ledger(tmp_path / f"a{suffix}", cells))
    assert parse_months(sheet.data["month"]).to_list() == [dt.date(2020, 8, 1)] * 4


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["金沙县易地扶贫搬迁劳动力就业台账（2020年8月）"], dt.date(2020, 8, 1)),
        (["劳动力台账", "统计时间：2021-3"], dt.date(2021, 3, 1)),
        (["劳动力台账"], None),
    ],
)
def test_month_in_title(texts: list[str], expected: dt.date | None) -> None:
    assert month_in_title(texts) == expected


def test_full_width_and_padded_values_are_cleaned(tmp_path: Path) -> None:
    row = labour_row(0, 楼栋="３栋", 房号="１－３０２", 姓名=" 张 三 ", 文化程度="高中（中专）")
    row["身份证号"] = " " + "".join(chr(ord(c) + 0xFEE0) for c in make_id(0)) + " "
    sheet = read_one(write_xlsx(tmp_path / "a.xlsx", {"台账": grid([row])}))
    assert sheet.data.select("building", "room", "education", "id_number").row(0) == (
        "3栋",
        "1-302",
        "高中(中专)",
        make_id(0),
    )


def test_an_id_in_a_number_cell_is_read_with_its_lost_digits(tmp_path: Path) -> None:
    row = labour_row(0, 身份证号=int(make_id(1)[:17] + "1"))
    sheet = read_one(write_xlsx(tmp_path / "a.xlsx", {"台账": grid([row])}))
    read = sheet.data["id_number"][0]
    assert len(read) == 18 and read != make_id(1)[:17] + "1"  # a double keeps 15-17 digits


# --- encodings and files ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    rows = [labour_row(n) for n in range(3)]
    cells = grid(rows, title="金沙县劳动力就业台账（2020年8月）")
    sheet = read_one(write_csv(tmp_path / "a.csv", cells, encoding))
    expected = read_one(write_csv(tmp_path / "b.csv", cells, "utf-8"))
    assert_frame_equal(sheet.data, expected.data)
    assert sheet.data["township"].to_list() == ["岩孔街道"] * 3
    assert sheet.data[ROW].to_list() == [4, 5, 6]


def test_workbook_sheets_recognised_by_headers_not_names(tmp_path: Path) -> None:
    subsidy = {
        "发放日期": "2020-08-15",
        "补贴类型": "交通补贴",
        "姓名": "张0",
        "身份证号": make_id(0),
        "金额(元)": 500,
        "乡镇(街道)": "岩孔街道",
    }
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Sheet1": grid([subsidy], title="补贴发放花名册"),
            "说明": [["填表说明：请按模板填写"]],
            "Sheet3": grid([labour_row(0)]),
        },
    )
    sheets, issues = read_ledger(path)
    assert [(s.sheet, s.format.name) for s in sheets] == [
        ("Sheet1", "subsidies"),
        ("Sheet3", "labour"),
    ]
    assert [(i.sheet, i.severity) for i in issues] == [("说明", "warning")]
    assert sheets[0].format is SUBSIDIES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.csv", "just,some\ntext,here\n"),
        ("empty.csv", ""),
        ("a.pdf", "%PDF-1.4"),
        ("broken.xlsx", "not a zip file"),
    ],
)
def test_unreadable_or_unknown_files_are_errors(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    sheets, issues = read_ledger(path)
    assert sheets == []
    assert [(i.file, i.severity) for i in issues] == [(name, "error")]
    assert issues[0].reason_zh and issues[0].reason_en


def test_township_boundaries(tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    features = [
        {"type": "Feature", "properties": {"name": " 岩孔街道 "}, "geometry": square},
        {"type": "Feature", "properties": {"name": "无边界"}, "geometry": None},
    ]
    path = tmp_path / "乡镇.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    sheet = read_one(path)
    assert sheet.data.select(ROW, "township").rows() == [(1, "岩孔街道")]
    assert json.loads(sheet.data["boundary"][0]) == square
    assert [(i.row, i.severity) for i in sheet.issues] == [(2, "warning")]


@pytest.mark.parametrize(
    "content", ["{not json", '{"type": "Feature"}', '{"type": "FeatureCollection", "features": 3}']
)
def test_broken_boundary_file_is_an_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "b.geojson"
    path.write_text(content)
    sheets, issues = read_ledger(path)
    assert sheets == [] and [i.severity for i in issues] == ["error"]


def test_parse_months_keeps_order_and_nulls() -> None:
    result = parse_months(pl.Series("m", ["2020-08", None, "bad", "2020年9月"] * 3))
    expected = pl.Series(
        "m", [dt.date(2020, 8, 1), None, None, dt.date(2020, 9, 1)] * 3, dtype=pl.Date
    )
    assert_series_equal(result, expected)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_number_cells_are_found_by_type(tmp_path: Path, suffix: str) -> None:
    # The table starts in column B under an empty row: grid positions are not Excel's.
    cells = [[None, *r] for r in grid([labour_row(0), labour_row(1), labour_row(2)])]
    cells[2][11] = 522424198801010528
    sheet = read_one(write_ledger(tmp_path / f"a{suffix}", [[], *cells]))
    assert stored_as_numbers(sheet, "id_number").to_list() == [False, True, False]
