"""The captains' meeting: the order it takes the households in, what a card shows of each
member, and how far the meeting got."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.building import HOUSEHOLD_ROWS_SCHEMA, members_by_room
from analytics.meeting import CARD_MEMBER_SCHEMA, card_members, meeting_order, meeting_progress
from tests.unit.test_building import JUNE, MAY, E, U, labour, person


def homes(*rows: tuple[str, bool]) -> pl.DataFrame:
    """Households in room order: (room, zero-employment)."""
    return pl.DataFrame(
        [
            {"household": f"h{room}", "room": room, "head_name": room, "members": 1,
             "labour_force": 1, "employed": 0 if zero else 1, "zero_employment": zero}
            for room, zero in rows
        ],
        schema=HOUSEHOLD_ROWS_SCHEMA,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "zero_first", "rooms"),
    [
        ([("101", False), ("102", True), ("201", False), ("202", True)], False,
         ["101", "102", "201", "202"]),
        ([("101", False), ("102", True), ("201", False), ("202", True)], True,
         ["102", "202", "101", "201"]),
        ([("101", False), ("102", False)], True, ["101", "102"]),
        ([("101", True), ("102", True)], True, ["101", "102"]),
        ([], True, []),
    ],
)  # fmt: skip
def test_meeting_order_keeps_room_order_within_zero_employment_first(
    rows, zero_first, rooms
) -> None:
    result = meeting_order(homes(*rows), zero_first=zero_first)
    assert result.get_column("room").to_list() == rooms
    assert result.schema == homes().schema


def test_card_members_are_members_by_room_with_work_place_wish_and_training() -> None:
    ledger = labour(
        person("102", "乙", U, wish="外出务工", training_need="电工"),
        person("101", "甲", E, employer="车间", work_place="县城"),
        person("101", "丙", U, relation="配偶", wish="就近就业"),
        person("101", "甲", U, month=MAY, wish="暂无意愿"),
    )
    result = card_members(ledger, JUNE)
    expected = members_by_room(ledger, JUNE).with_columns(
        work_place=pl.Series(["县城", None, None]),
        wish=pl.Series([None, "就近就业", "外出务工"]),
        training_need=pl.Series([None, None, "电工"]),
    )
    assert_frame_equal(result, expected.cast(CARD_MEMBER_SCHEMA))
    assert result.get_column("name").to_list() == ["甲", "丙", "乙"]


@pytest.mark.parametrize(
    ("visited", "expected"),
    [
        (set(), (0, 3)),
        ({"h101"}, (1, 3)),
        ({"h101", "h102", "h201"}, (3, 3)),
        ({"h101", "gone"}, (1, 3)),  # a household moved out since is not counted
    ],
)
def test_meeting_progress_counts_the_households_gone_through(visited, expected) -> None:
    order = homes(("101", False), ("102", True), ("201", False))
    assert meeting_progress(order, visited) == expected
