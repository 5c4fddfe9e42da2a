"""一库六册: who is on which roster, hand-computed, including empty rosters and empty months."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA
from analytics.rates import plain
from analytics.rosters import ROSTER_COLUMNS, ROSTERS, rosters
from data.ledger import LABOUR

JUNE, JULY = date(2024, 6, 1), date(2024, 7, 1)
ABLE, WEAK, NONE = "有劳动能力", "弱劳动力", "无劳动能力"


def person(name: str, capacity: str, status: str, **columns: Any) -> dict[str, Any]:
    return {
        "month": JUNE,
        "site": "幸福家园",
        "building": "1",
        "room": f"1-{100 + len(name)}",
        "name": name,
        "id_number": f"id-{name}",
        "capacity": capacity,
        "status": status,
        **columns,
    }


def ledger(*people: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(people), schema=LABOUR_SCHEMA)


LEDGER = ledger(
    person("甲", ABLE, "已就业", wish="县内务工"),
    person("乙", WEAK, "未就业", training_need="电工", two_after=True),
    person("丙", ABLE, "未就业", wish="  "),
    person("丁", NONE, "其他", wish="居家就业", training_need="缝纫"),
    person("戊", ABLE, "在校生", two_after=True),
    person("己", ABLE, "已就业", month=JULY),
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("labour", ["甲", "乙", "丙"]),
        ("employed", ["甲"]),
        ("unemployed", ["乙", "丙"]),
        ("wishes", ["甲"]),  # 丙's blank wish and 丁 (no labour) are not on it
        ("training", ["乙"]),
        ("two_after", ["乙", "戊"]),  # every two-after youth, at school or not
    ],
)
def test_who_is_on_each_roster(name: str, expected: list[str]) -> None:
    assert sorted(rosters(LEDGER, JUNE)[name]["name"].to_list()) == sorted(expected)


# Rooms and buildings out of order, so that a roster's own order is something to get right.
SHUFFLED = ledger(
    person("庚", ABLE, "已就业", building="10", room="2-1", wish="县外务工"),
    person("辛", WEAK, "未就业", building="2", room="10-1", training_need="电工"),
    person("壬", ABLE, "未就业", building="2", room="9-1", two_after=True),
    person("癸", ABLE, "已就业", building="2", room="9-1", wish="县内务工"),
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("labour", ["壬", "癸", "辛", "庚"]),  # building 2 before 10, room 9-1 before 10-1
        ("employed", ["癸", "庚"]),
        ("unemployed", ["壬", "辛"]),
        ("wishes", ["癸", "庚"]),
        ("training", ["辛"]),
        ("two_after", ["壬"]),
    ],
)
def test_each_roster_lists_its_people_by_address(name: str, expected: list[str]) -> None:
    assert rosters(SHUFFLED, JUNE)[name]["name"].to_list() == expected


def test_a_month_without_records_gives_six_empty_rosters_with_the_columns() -> None:
    empty = rosters(LEDGER, date(2024, 8, 1))
    assert list(empty) == list(ROSTERS)
    for frame in empty.values():
        assert_frame_equal(
            frame, plain(pl.DataFrame(schema={c: LABOUR_SCHEMA[c] for c in ROSTER_COLUMNS}))
        )


def test_rosters_keep_the_ledger_column_order() -> None:
    ledger_order = [c.name for c in LABOUR.columns]
    frame_names = {"household_id": "household"}
    assert list(ROSTER_COLUMNS) == [frame_names.get(c, c) for c in ledger_order]


def test_people_are_listed_by_room() -> None:
    rows = rosters(LEDGER, JUNE)["labour"]["room"].to_list()
    assert rows == sorted(rows)


def test_people_are_listed_by_address_with_2_before_10() -> None:
    people = ledger(
        person("甲", ABLE, "已就业", building="10", room="1-101"),
        person("乙", ABLE, "已就业", building="2", room="1-1001"),
        person("丙", ABLE, "已就业", building="2", room="1-201"),
    )
    assert rosters(people, JUNE)["labour"]["name"].to_list() == ["丙", "乙", "甲"]
