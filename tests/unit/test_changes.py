"""Newly employed, lost work, joined, left: month M against the calendar month before."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.changes import CHANGES_SCHEMA, changes
from analytics.columns import LABOUR_SCHEMA

APRIL, MAY, JUNE = date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)
ABLE = "有劳动能力"
E, U = "已就业", "未就业"
WORK = "县内务工"


def row(month: date, id_number: str, name: str, status: str, **columns: Any) -> dict[str, Any]:
    """One ledger row; the place defaults to 光明小镇 1栋 101."""
    return {
        "month": month,
        "township": "岩孔街道",
        "site": "光明小镇",
        "building": "1栋",
        "room": "101",
        "household": "h101",
        "id_number": id_number,
        "name": name,
        "capacity": ABLE,
        "status": status,
        "employment_type": WORK if status == E else None,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def expected_changes(*rows: tuple) -> pl.DataFrame:
    """Rows: change, site, building, room, name, id_number, status before, status after.

    Township, household and employment types follow from the defaults of `row`.
    """
    return pl.DataFrame(
        [
            {
                "change": change,
                "township": "岩孔街道",
                "site": site,
                "building": building,
                "room": room,
                "household": f"h{room}",
                "name": name,
                "id_number": id_number,
                "status_before": before,
                "status_after": after,
                "employment_type_before": WORK if before == E else None,
                "employment_type_after": WORK if after == E else None,
            }
            for change, site, building, room, name, id_number, before, after in rows
        ],
        schema=CHANGES_SCHEMA,
    )


@pytest.mark.parametrize(
    ("rows", "month", "expected"),
    [
        pytest.param(
            [
                # Listed out of order on purpose: the result orders itself.
                row(JUNE, "5", "戊", E),
                row(MAY, "4", "丁", E, room="102", household="h102"),
                row(MAY, "2", "乙", E),
                row(JUNE, "2", "乙", U),
                row(MAY, "1", "甲", U),
                row(JUNE, "1", "甲", E),
                row(MAY, "6", "己", E),
                row(JUNE, "6", "己", E),
                row(MAY, "7", "庚", U),
                row(JUNE, "7", "庚", U),
            ],
            JUNE,
            expected_changes(
                ("newly_employed", "光明小镇", "1栋", "101", "甲", "1", U, E),
                ("lost_work", "光明小镇", "1栋", "101", "乙", "2", E, U),
                ("joined", "光明小镇", "1栋", "101", "戊", "5", None, E),
                ("left", "光明小镇", "1栋", "102", "丁", "4", E, None),
            ),
            id="the four changes in order, unchanged people left out",
        ),
        pytest.param(
            [row(JUNE, "1", "甲", E), row(JUNE, "2", "乙", U)],
            JUNE,
            expected_changes(),
            id="no previous month: nothing to compare",
        ),
        pytest.param(
            [row(APRIL, "1", "甲", U), row(JUNE, "1", "甲", E)],
            JUNE,
            expected_changes(),
            id="only an older month: still nothing to compare",
        ),
        pytest.param(
            [
                row(MAY, "1", "甲", "在校生"),
                row(JUNE, "1", "甲", E),
                row(MAY, "2", "乙", E),
                row(JUNE, "2", "乙", "退休"),
                row(MAY, "3", "丙", U),
                row(JUNE, "3", "丙", "其他"),
            ],
            JUNE,
            expected_changes(),
            id="only 未就业 to 已就业 and back count as changes",
        ),
        pytest.param(
            [
                row(MAY, "1", "甲", U, site="鼎新社区", building="A栋", room="301"),
                row(JUNE, "1", "甲", E, building="2栋", room="201", household="h201"),
                row(
                    MAY, "2", "乙", E, site="鼎新社区", building="B栋", room="401", household="h401"
                ),
            ],
            JUNE,
            expected_changes(
                ("newly_employed", "光明小镇", "2栋", "201", "甲", "1", U, E),
                ("left", "鼎新社区", "B栋", "401", "乙", "2", E, None),
            ),
            id="place from this month, from last month for people who left",
        ),
        pytest.param(
            [
                row(MAY, "1", "乙", U, room="202", household="h202"),
                row(JUNE, "1", "乙", E, room="202", household="h202"),
                row(MAY, "2", "甲", U, room="202", household="h202"),
                row(JUNE, "2", "甲", E, room="202", household="h202"),
                row(MAY, "3", "丙", U, building="2栋"),
                row(JUNE, "3", "丙", E, building="2栋"),
                row(MAY, "4", "丁", U, site="鼎新社区"),
                row(JUNE, "4", "丁", E, site="鼎新社区"),
                row(MAY, "5", "戊", U),
                row(JUNE, "5", "戊", E),
            ],
            JUNE,
            expected_changes(
                ("newly_employed", "光明小镇", "1栋", "101", "戊", "5", U, E),
                # Names in code-point order: 乙 (U+4E59) before 甲 (U+7532).
                ("newly_employed", "光明小镇", "1栋", "202", "乙", "1", U, E),
                ("newly_employed", "光明小镇", "1栋", "202", "甲", "2", U, E),
                ("newly_employed", "光明小镇", "2栋", "101", "丙", "3", U, E),
                ("newly_employed", "鼎新社区", "1栋", "101", "丁", "4", U, E),
            ),
            id="within a change: site, building, room, name",
        ),
        pytest.param(
            [row(MAY, "1", "甲", E), row(MAY, "2", "乙", U)],
            JUNE,
            expected_changes(
                ("left", "光明小镇", "1栋", "101", "乙", "2", U, None),
                ("left", "光明小镇", "1栋", "101", "甲", "1", E, None),
            ),
            id="no rows in M: everyone left",
        ),
        pytest.param(
            [
                row(date(2023, 12, 1), "1", "甲", U),
                row(date(2024, 1, 1), "1", "甲", E),
                row(date(2024, 2, 1), "1", "甲", U),
            ],
            date(2024, 1, 1),
            expected_changes(("newly_employed", "光明小镇", "1栋", "101", "甲", "1", U, E)),
            id="January compares with December, later months ignored",
        ),
        pytest.param([], JUNE, expected_changes(), id="empty frame"),
    ],
)
def test_changes(rows: list[dict], month: date, expected: pl.DataFrame) -> None:
    result = changes(labour(*rows), month)

    assert_frame_equal(result, expected)
