"""Ledgers built on the export of the national 防返贫监测信息系统, keeping its headers and values
(ledger-format.md, "The national monitoring system's vocabulary"), import to the same numbers
as ours, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from data import demo
from data.frames import load_frames
from data.importer import check_files, import_files
from tests.conftest import fresh_store
from tests.data.test_ledger import grid, labour_row, write_xlsx

Cell = Any

HEADERS = {
    "统计月份": "数据日期",
    "乡镇(街道)": "乡(镇)",
    "村(社区)": "行政村",
    "身份证号": "证件号码",
    "劳动能力": "劳动技能",
    "联系电话": "人联系电话",
}
# Each of our values as the national system writes it; where it has two words for one of ours,
# rows take them in turn.
CAPACITIES = {
    "有劳动能力": ("普通劳动力", "技能劳动力"),
    "弱劳动力": ("弱劳动力或半劳动力",),
    "丧失劳动能力": ("丧失劳动力",),
    "无劳动能力": ("无劳动力",),
}
EDUCATIONS = {
    "小学及以下": ("文盲或半文盲", "小学"),
    "初中": ("初中",),
    "高中(中专)": ("高中", "中专"),
    "大专及以上": ("大专", "本科及以上"),
}


def national(ours: pl.DataFrame, household_phone: pl.Series | None = None) -> pl.DataFrame:
    """Our ledger (text columns, our headers) in the national system's headers and values: a
    leading 序号, 数据日期 a date in the month, and 户联系电话 when given."""

    def respell(column: str, words: dict[str, tuple[str, ...]]) -> pl.Expr:
        turn = pl.int_range(pl.len()) % 2
        spelt = pl.col(column)
        for ours_, theirs in words.items():
            word = pl.when(turn == 0).then(pl.lit(theirs[0])).otherwise(pl.lit(theirs[-1]))
            spelt = pl.when(pl.col(column) == ours_).then(word).otherwise(spelt)
        return spelt.alias(column)

    month = pl.col("统计月份").str.to_date("%Y-%m")
    frame = ours.with_columns(
        respell("劳动能力", CAPACITIES),
        respell("文化程度", EDUCATIONS),
        (month + pl.duration(days=14)).alias("统计月份"),  # the 15th
    ).rename(HEADERS, strict=False)
    if household_phone is not None:
        frame = frame.with_columns(household_phone.alias("户联系电话"))
    return frame.select(pl.int_range(1, pl.len() + 1).alias("序号"), pl.all())


def workbook(path: Path, frame: pl.DataFrame) -> Path:
    return write_xlsx(path, {"Sheet1": grid(frame.to_dicts(), header=frame.columns)})


@pytest.fixture
def second_store(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """Another empty store on `engine`'s backend."""
    with fresh_store(engine.dialect.name, tmp_path, "second.sqlite") as other:
        yield other


def demo_month(folder: Path) -> pl.DataFrame:
    """A month of the demo county's labour ledger (1,000 persons), every cell as text."""
    paths = demo.write_demo_ledgers(folder, scale=demo.MIN_PERSONS, months=1)
    (path,) = [p for p in paths if p.name.startswith(demo.LABOUR_FILE)]
    assert path.suffix == ".csv"  # GBK, as Excel in China saves it
    return pl.read_csv(path.read_bytes().decode("gbk").encode(), infer_schema=False)


def test_a_national_ledger_imports_to_the_same_numbers_as_ours(
    engine: Engine, second_store: Engine, tmp_path: Path
) -> None:
    base = demo_month(tmp_path / "demo")
    # The household's phone is the head's; a person without a phone of their own is reached on
    # it, so our ledger writes it for them.
    household = ["安置点", "楼栋", "房号"]
    heads = base.filter(pl.col("与户主关系") == "户主").select(*household, head_phone="联系电话")
    head_phone = base.join(heads, on=household, how="left", maintain_order="left")["head_phone"]
    falls_back = base["联系电话"].is_null() & head_phone.is_not_null()
    assert falls_back.sum() > 50 and (base["联系电话"] != head_phone).sum() > 50
    ours = base.with_columns(pl.col("联系电话").fill_null(head_phone))
    theirs = national(base, household_phone=head_phone)
    assert set(theirs["劳动技能"]) > {"普通劳动力", "技能劳动力", "弱劳动力或半劳动力"}
    assert {"文盲或半文盲", "小学", "高中", "中专", "大专", "本科及以上"} <= set(theirs["文化程度"])
    assert theirs["数据日期"].dtype == pl.Date

    mine = import_files(engine, [workbook(tmp_path / "ours.xlsx", ours)])
    national_ = import_files(second_store, [workbook(tmp_path / "national.xlsx", theirs)])

    assert mine.ok, mine.report()
    assert national_.ok, national_.report()
    assert national_.warnings == mine.warnings == []
    assert national_.months == mine.months == [dt.date(2020, 12, 1)]
    expected = load_frames(engine).labour
    assert expected.height == base.height
    assert_frame_equal(load_frames(second_store).labour, expected, categorical_as_str=True)


def test_the_person_phone_first_the_household_phone_where_it_is_empty(tmp_path: Path) -> None:
    rows = [labour_row(0), labour_row(1, 联系电话=None), labour_row(2, 联系电话=None)]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
    household = pl.Series(["13900000001", "13900000002", None])
    path = workbook(tmp_path / "x.xlsx", national(frame, household_phone=household))

    parsed, issues = check_files([path])

    assert issues == []
    assert parsed[0].rows["phone"].to_list() == [labour_row(0)["联系电话"], "13900000002", None]


def test_only_the_household_phone_column(tmp_path: Path) -> None:
    rows = [labour_row(0), labour_row(1)]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String)).drop("联系电话")
    household = pl.Series(["13900000001", "13900000002"])
    path = workbook(tmp_path / "x.xlsx", national(frame, household_phone=household))

    parsed, issues = check_files([path])

    assert issues == []
    assert parsed[0].rows["phone"].to_list() == ["13900000001", "13900000002"]


def test_bad_national_values_are_echoed_as_written(tmp_path: Path) -> None:
    rows = [
        labour_row(0, 劳动能力="半劳力"),
        labour_row(1, 联系电话=None),
        *map(labour_row, (2, 3)),
    ]
    household = pl.Series(["12345", "12345", "12345", None])  # used only for the second person
    theirs = national(pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String)), household)
    theirs = theirs.with_columns(
        pl.when(pl.col("序号") == 4)
        .then(pl.lit("2020-13-01"))
        .otherwise(pl.col("数据日期").cast(pl.String))
        .alias("数据日期")
    )
    path = workbook(tmp_path / "x.xlsx", theirs)

    _, issues = check_files([path])

    assert [i.message() for i in issues] == [
        '第 2 行 劳动技能 "半劳力" 不是可选的值：'
        "应为 有劳动能力、弱劳动力、丧失劳动能力、无劳动能力 之一",
        '第 3 行 户联系电话 "12345" 不是 11 位手机号',
        '第 5 行 数据日期 "2020-13-01" 不是月份：应写成 2020-08、2020年8月 或 202008',
    ]
