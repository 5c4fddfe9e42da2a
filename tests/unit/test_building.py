"""One building in one month: the buildings list, search, households by room, the unemployed."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.building import (
    HIT_SCHEMA,
    MEMBER_ROWS_SCHEMA,
    ROSTER_SCHEMA,
    UNEMPLOYED_SCHEMA,
    members_by_room,
    roster,
    search,
    unemployed,
    zero_employment,
)
from analytics.columns import BUILDING_SCHEMA, LABOUR_SCHEMA

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, NONE = "有劳动能力", "无劳动能力"
E, U, STUDENT = "已就业", "未就业", "在校生"


def person(room: str, name: str, status: str, month: date = JUNE, **columns: Any) -> dict[str, Any]:
    """One ledger row in 幸福家园 3栋; the household is the room."""
    return {
        "month": month,
        "site": "幸福家园",
        "building": "3",
        "room": room,
        "household": f"h{room}",
        "head_name": columns.pop("head_name", name),
        "id_number": columns.pop("id_number", name),
        "name": name,
        "relation": columns.pop("relation", "户主"),
        "capacity": columns.pop("capacity", ABLE),
        "status": status,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def captains(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"site": s, "building": b, "captain": c} for s, b, c in rows], schema=BUILDING_SCHEMA
    )


def test_roster_lists_buildings_of_both_lists_in_natural_order() -> None:
    ledger = labour(
        {**person("101", "甲", E), "building": "10"},
        {**person("101", "乙", E), "building": "2"},
    )
    result = roster(captains(("幸福家园", "2", "张三"), ("安居苑", "1", "李四")), ledger)
    expected = pl.DataFrame(
        {
            "site": ["安居苑", "幸福家园", "幸福家园"],
            "building": ["1", "2", "10"],
            "captain": ["李四", "张三", None],
            "department": [None, None, None],
            "captain_phone": [None, None, None],
        },
        schema=ROSTER_SCHEMA,
    )
    assert_frame_equal(result, expected)


LEDGER = labour(
    person("1-302", "王小明", E, month=MAY),
    {**person("1-302", "王小明", E), "building": "5"},  # moved to 5栋 in June
    person("2-101", "李红", U),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  ", []),
        ("不存在", []),
        ("1-302", [("幸福家园", "5", "room", "1-302")]),
        ("小明", [("幸福家园", "5", "name", "王小明")]),
        ("张", [("幸福家园", "3", "captain", "张三")]),
        ("李", [("幸福家园", "3", "name", "李红"), ("幸福家园", "3", "captain", "李四")]),
    ],
)
def test_search_finds_buildings_by_room_name_or_captain(
    text: str, expected: list[tuple[str, ...]]
) -> None:
    result = search(captains(("幸福家园", "3", "张三"), ("幸福家园", "3", "李四")), LEDGER, text)
    assert_frame_equal(result, pl.DataFrame(expected, schema=HIT_SCHEMA, orient="row"))


def test_search_finds_a_person_by_their_latest_room_only() -> None:
    ledger = labour(
        person("1-302", "王小明", E, month=MAY),
        {**person("9-909", "王小明", E), "building": "9"},  # moved out of 1-302 in June
    )
    assert search(captains(), ledger, "1-302").is_empty()
    assert search(captains(), ledger, "9-909").rows() == [("幸福家园", "9", "room", "9-909")]


def test_search_stops_at_the_limit() -> None:
    ledger = labour(*(person(f"{n}01", f"张{n}", E) for n in range(1, 6)))
    assert search(captains(), ledger, "张", limit=3).get_column("text").to_list() == [
        "张1",
        "张2",
        "张3",
    ]


def test_members_by_room_goes_room_by_room_head_first_and_flags_zero_employment() -> None:
    ledger = labour(
        person("10-1", "赵", E),
        person("2-1", "孙子", STUDENT, relation="子女", capacity=NONE, head_name="孙"),
        person("2-1", "孙", U),
        person("2-1", "孙妻", U, relation="配偶", head_name="孙"),
        person("3-1", "老周", "退休", capacity=NONE),  # no labour force: not zero-employment
        person("2-1", "孙", E, month=MAY),
    )
    result = members_by_room(ledger, JUNE)
    assert result.select("room", "name", "zero_employment").rows() == [
        ("2-1", "孙", True),
        ("2-1", "孙妻", True),
        ("2-1", "孙子", True),
        ("3-1", "老周", False),
        ("10-1", "赵", False),
    ]
    assert result.schema == pl.Schema(MEMBER_ROWS_SCHEMA)
    assert zero_employment(result).get_column("name").to_list() == ["孙", "孙妻", "孙子"]


def test_members_by_room_of_a_month_without_rows_is_empty() -> None:
    result = members_by_room(labour(person("101", "甲", E)), MAY)
    assert result.is_empty()
    assert zero_employment(result).is_empty()


@pytest.mark.parametrize(
    ("birth", "age"),
    [(date(2000, 6, 1), 24), (date(2000, 6, 2), 23), (date(2000, 5, 31), 24), (None, None)],
)
def test_unemployed_lists_labour_with_wish_training_need_and_age(
    birth: date | None, age: int | None
) -> None:
    ledger = labour(
        person("2-1", "乙", U, birth_date=birth, wish="外出务工", training_need="电工"),
        person("1-1", "甲", E),
        person("1-1", "丙", U, capacity=NONE),  # not labour force
        person("1-1", "丁", STUDENT),
    )
    result = unemployed(ledger, JUNE)
    assert result.select("room", "name", "age", "wish", "training_need").rows() == [
        ("2-1", "乙", age, "外出务工", "电工")
    ]
    assert result.schema == pl.Schema(UNEMPLOYED_SCHEMA)  # text, as it joins other frames
