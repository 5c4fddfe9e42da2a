"""Issue 21, item 11: exports that read right.

Every workbook the app writes (the overview's download with the target board, the explore
pivot with its filters, the meeting pack, the rosters) is built from the demo county and every
sheet read back with `pl.read_excel`: the header is the sheet's first row and in Chinese (no
"月份：…" filter note, no internal English column such as `higher_is_better`), yes/no reads
是/否 (no TRUE/FALSE), and rates and money carry no more decimals than the screen shows. The
target board's status reads 进度状态 with the board's own words; a person's file is named after
the person with the ID number masked.
"""

from __future__ import annotations

import io
import re
from datetime import date

import polars as pl
import pytest

from analytics.drill import Place, children
from analytics.pivot import RATE_MEASURES, pivot, wide
from analytics.targets import target_board
from data.export import rosters_workbook
from data.frames import Frames, load_frames
from data.store import get_engine
from ui import explore
from ui.format import for_workbook, safe_file_name
from ui.pack import pack_xlsx, site_reviews
from ui.strings import STRINGS, t
from ui.views import board_sheet, download_name
from ui.widgets import excel_bytes

# Headers of columns that hold fractions shown as percent, and money in yuan.
_RATES = ("employment_rate", "household_coverage", "share", "progress", "expected_progress")
# A rate's change since last month (the meeting pack's "就业率较上月") is a rate too: to 0.1 %.
RATE_HEADERS = {STRINGS[c]["zh"] for c in _RATES} | {
    STRINGS["pack_change_of"]["zh"].format(metric=STRINGS[c]["zh"]) for c in _RATES
}
ENGLISH_NAME = re.compile(r"^[a-z]+(_[a-z]+)+$")  # a column name from the code, not a header


@pytest.fixture(scope="module")
def demo(demo_store_url: str) -> tuple[Frames, date]:
    frames = load_frames(get_engine(demo_store_url))
    return frames, frames.labour.get_column("month").max()


def sheets_of(data: bytes) -> dict[str, pl.DataFrame]:
    return pl.read_excel(io.BytesIO(data), sheet_id=0)


def assert_readable(data: bytes, rate_headers: set[str] = RATE_HEADERS) -> dict:
    """Every sheet: a header in row 1 that is no note and no code name, no TRUE/FALSE, rates
    to 0.1 % (3 decimals of a fraction) and other numbers to the fen."""
    book = sheets_of(data)
    assert book
    for name, sheet in book.items():
        for header in sheet.columns:
            # A blank header reads as "Column1" (or "__UNNAMED__0") to a program.
            assert header and not re.fullmatch(r"Column\d+|__UNNAMED__\d+", header), (name, header)
            assert "：" not in header, (name, header)
            assert not ENGLISH_NAME.match(header), (name, header)
        assert pl.Boolean not in sheet.dtypes, (name, sheet.schema)
        for column, dtype in sheet.schema.items():
            if dtype == pl.String:
                values = set(sheet.get_column(column).drop_nulls())
                assert not values & {"TRUE", "FALSE", "True", "False"}, (name, column)
            if dtype.is_float():
                digits = 3 if column in rate_headers else 2
                values = sheet.get_column(column).drop_nulls()
                assert (values == values.round(digits)).all(), (name, column, values.head(3))
    return book


def test_the_overviews_workbook_and_its_target_board(demo) -> None:
    frames, month = demo
    county = Place()
    board = target_board(
        frames.targets, frames.labour, frames.subsidies, frames.training, month.year, month
    )
    assert not board.is_empty()
    sheets = {
        "乡镇": children(frames.labour, county, month, by="township"),
        "安置点": children(frames.labour, county, month, by="site"),
        "年度目标": board_sheet(board),
    }
    book = assert_readable(excel_bytes(sheets, language="zh"))
    targets = book["年度目标"]
    assert targets.columns == ["指标", "目标", "完成", "完成进度", "时间进度", "进度状态"]
    words = {t("rag_green"), t("rag_amber"), t("rag_red")}
    status = set(targets.get_column("进度状态").drop_nulls())
    assert status and status <= words, status
    rates = targets.filter(pl.col("指标").is_in(["就业率", "一户一人率"]))
    assert not rates.is_empty()
    for column in ("目标", "完成"):
        values = rates.get_column(column).drop_nulls()
        assert (values == values.round(1)).all(), values  # 95.2, as the board shows


def test_the_pivot_puts_its_filters_on_a_sheet_of_their_own(demo) -> None:
    frames, month = demo
    months = (date(month.year, month.month - 2, 1), month)
    filters = {"township": [frames.labour.get_column("township")[0]]}
    for measure, rows in (
        ("labour_force", ["site"]),
        ("employment_rate", ["site"]),
        ("employed", []),
    ):
        cut = pivot(
            frames.labour,
            frames.subsidies,
            measure=measure,
            rows=rows,
            columns=["gender"],
            filters=filters,
            months=months,
        )
        table = wide(cut, t("pivot_total"))
        notes = explore.filter_notes(filters, months, rows, ["gender"], measure)
        rates = table.columns if measure in RATE_MEASURES else ()
        sheet = explore.pivot_sheet(table, measure)
        data = excel_bytes({"透视": sheet}, notes=notes, rate_columns=rates, language="zh")
        rate_headers = set(table.columns) - {"site"} if rates else RATE_HEADERS
        book = assert_readable(data, rate_headers)
        assert list(book) == ["透视", "筛选条件"]
        first = "安置点" if rows else explore.label(measure)
        assert book["透视"].columns[0] == first
        assert book["透视"].height == table.height
        assert book["筛选条件"].get_column("筛选条件").to_list() == notes


def test_the_meeting_pack_says_yes_and_no(demo) -> None:
    frames, month = demo
    site = frames.labour.get_column("site")[0]
    reviews = site_reviews(frames, site, month)
    book = assert_readable(pack_xlsx(reviews))
    cells = {
        v
        for sheet in book.values()
        for c, d in sheet.schema.items()
        if d == pl.String
        for v in sheet.get_column(c).drop_nulls()
    }
    assert cells & {"是", "否"}, "the pack's yes/no columns"


def test_the_rosters_workbook(demo) -> None:
    frames, month = demo
    assert_readable(rosters_workbook(frames.labour, month))


def test_yes_and_no_follow_the_language() -> None:
    frame = pl.DataFrame({"flag": [True, False, None], "share": [0.95205003474, 0.5, None]})
    zh, en = for_workbook(frame, "zh"), for_workbook(frame, "en")
    assert zh.get_column("flag").to_list() == ["是", "否", None]
    assert en.get_column("flag").to_list() == ["Yes", "No", None]
    assert zh.get_column("share").to_list() == [0.952, 0.5, None]
    assert (
        "higher_is_better"
        not in for_workbook(pl.DataFrame({"higher_is_better": [True]}), "zh").columns
    )


def test_a_persons_file_is_named_after_the_person(demo) -> None:
    frames, month = demo
    person = frames.labour.filter(pl.col("month") == month).row(0, named=True)
    place = Place(
        site=person["site"],
        building=person["building"],
        household=person["household"],
        id_number=person["id_number"],
    )
    name = download_name(place, month, person["name"])
    id_number = person["id_number"]
    masked = f"{id_number[:4]}…{id_number[-4:]}"
    assert name == f"{person['name']}-{masked}-{month.year}年{month.month}月.xlsx"
    assert id_number not in name and "_" not in name
    assert safe_file_name('张三/李四:"5224****8392"') == "张三_李四_5224…8392_"
