"""Casework (工单) and 动态清零 from crafted frames: the subjects, their states, what is overdue and
what counts as cleared this month."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.audit import CASE_SCHEMA
from analytics.casework import (
    PROGRESS_COLUMNS,
    WORKLIST_SCHEMA,
    case_subject,
    cleared,
    progress,
    progress_by_kind,
    progress_of_places,
    worklist,
)
from analytics.columns import CASE_WORK_SCHEMA, LABOUR_SCHEMA
from data.frames import Frames, Scope

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
TODAY = date(2024, 7, 10)
ABLE, NONE = "有劳动能力", "无劳动能力"
E, U = "已就业", "未就业"
NORTH, SOUTH = "北镇", "南镇"


def member(
    household: str, name: str, status: str, month: date = JUNE, **columns: Any
) -> dict[str, Any]:
    """One ledger row; the household is named by its room, in 北镇 unless told."""
    return {
        "month": month,
        "township": columns.pop("township", NORTH),
        "site": "幸福家园",
        "building": "3",
        "room": household,
        "household": f"h{household}",
        "head_name": columns.pop("head_name", name),
        "id_number": columns.pop("id_number", f"id-{name}"),
        "name": name,
        "capacity": columns.pop("capacity", ABLE),
        "status": status,
        "wish": columns.pop("wish", None),
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def stored(*rows: dict[str, Any]) -> pl.DataFrame:
    """Stored case rows; the last change (of the state too) on 1 July unless told."""
    at = datetime(2024, 7, 1, 2, tzinfo=UTC)
    full = [
        {
            "period": "",
            "changed_at": at,
            "changed_by": "王",
            "state_changed_at": at,
            "batch_id": 1,
            **row,
        }
        for row in rows
    ]
    return pl.DataFrame(full, schema=CASE_WORK_SCHEMA)


def audit_cases(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=CASE_SCHEMA)


NO_CASES = audit_cases()
NO_WORK = stored()


def expected(*rows: dict[str, Any]) -> pl.DataFrame:
    """Worklist rows: defaults for everything a row does not name."""
    base = {
        "id_number": None,
        "site": "幸福家园",
        "building": "3",
        "period": "",
        "amount_at_risk": None,
        "owner": None,
        "due": None,
        "note": None,
        "is_open": True,
        "is_overdue": False,
        "changed_on": None,
        "changed_by": None,
        "state_changed_on": None,
    }
    return pl.DataFrame([base | row for row in rows], schema=WORKLIST_SCHEMA)


def household_row(room: str, name: str, **row: Any) -> dict[str, Any]:
    return {
        "kind": "household",
        "rule": "零就业家庭",
        "household": f"h{room}",
        "name": name,
        "township": NORTH,
        "room": room,
        "state": "待帮扶",
        **row,
    }


def person_row(room: str, name: str, **row: Any) -> dict[str, Any]:
    return {
        "kind": "person",
        "rule": "未就业有就业意愿",
        "id_number": f"id-{name}",
        "household": f"h{room}",
        "name": name,
        "township": NORTH,
        "room": room,
        "state": "待帮扶",
        **row,
    }


LEDGER = labour(
    # 101: nobody employed, one wishes to work, one has no wish → a household and a person.
    member("101", "甲", U, wish="就近就业"),
    member("101", "乙", U, wish="暂无意愿"),
    # 102: one employed → not a household case; the unemployed one without a wish is no case.
    member("102", "丙", E),
    member("102", "丁", U),
    # 103: no labour force at all → no case.
    member("103", "戊", U, capacity=NONE, wish="外出务工"),
)


def test_every_subject_starts_in_its_default_state() -> None:
    cases = audit_cases(
        {
            "rule": "挂岗",
            "id_number": "id-丙",
            "name": "丙",
            "period": "2024-06",
            "amount_at_risk": 800.0,
            "township": NORTH,
            "site": "幸福家园",
        },
        # A year's case is in from its January; a later month's case is not yet.
        {
            "rule": "交通补贴超标",
            "id_number": "id-庚",
            "name": "庚",
            "period": "2024",
            "amount_at_risk": 1.0,
            "township": SOUTH,
            "site": None,
        },
        {
            "rule": "挂岗",
            "id_number": "id-丙",
            "name": "丙",
            "period": "2024-07",
            "amount_at_risk": 800.0,
            "township": NORTH,
            "site": "幸福家园",
        },
    )

    found = worklist(cases, LEDGER, NO_WORK, JUNE, TODAY)

    assert_frame_equal(
        found,
        expected(
            {
                "kind": "audit",
                "rule": "挂岗",
                "id_number": "id-丙",
                "household": "h102",
                "name": "丙",
                "township": NORTH,
                "room": "102",
                "period": "2024-06",
                "amount_at_risk": 800.0,
                "state": "待核实",
            },
            # Paid, but in no ledger: no household, building or room.
            {
                "kind": "audit",
                "rule": "交通补贴超标",
                "id_number": "id-庚",
                "household": None,
                "name": "庚",
                "township": SOUTH,
                "site": None,
                "building": None,
                "room": None,
                "period": "2024",
                "amount_at_risk": 1.0,
                "state": "待核实",
            },
            household_row("101", "甲"),
            person_row("101", "甲"),
        ),
    )
    assert [case_subject(r) for r in found.iter_rows(named=True)] == [
        "id-丙",
        "id-庚",
        "h101",
        "id-甲",
    ]


def test_a_stored_state_joins_its_subject_and_no_other() -> None:
    work = stored(
        {
            "kind": "household",
            "rule": "零就业家庭",
            "subject": "h101",
            "state": "帮扶中",
            "owner": "captain",
            "due": date(2024, 7, 31),
            "note": "上门两次",
        },
        # The same ID under the other rule, and a household no longer on the list: not shown.
        {"kind": "audit", "rule": "挂岗", "subject": "id-甲", "period": "2024-06", "state": "误报"},
        {"kind": "household", "rule": "零就业家庭", "subject": "h102", "state": "已就业"},
    )

    found = worklist(NO_CASES, LEDGER, work, JUNE, TODAY)

    assert_frame_equal(
        found,
        expected(
            household_row(
                "101",
                "甲",
                state="帮扶中",
                owner="captain",
                due=date(2024, 7, 31),
                note="上门两次",
                changed_on=date(2024, 7, 1),
                changed_by="王",
                state_changed_on=date(2024, 7, 1),
            ),
            person_row("101", "甲"),
        ),
    )


@pytest.mark.parametrize(
    ("due", "state", "overdue"),
    [
        (date(2024, 7, 9), "帮扶中", True),  # the day before today
        (TODAY, "帮扶中", False),  # due today: not yet overdue
        (date(2024, 7, 11), "待帮扶", False),
        (date(2024, 6, 1), "已就业", False),  # closed: never overdue
        (date(2024, 6, 1), "暂无法就业", False),
        (None, "帮扶中", False),  # no due date
    ],
)
def test_overdue_means_open_and_due_before_today(
    due: date | None, state: str, overdue: bool
) -> None:
    work = stored(
        {
            "kind": "person",
            "rule": "未就业有就业意愿",
            "subject": "id-甲",
            "state": state,
            "due": due,
        }
    )

    found = worklist(NO_CASES, LEDGER, work, JUNE, TODAY).filter(pl.col("kind") == "person")

    assert found.select("state", "due", "is_open", "is_overdue").rows() == [
        (state, due, state in ("待帮扶", "帮扶中"), overdue)
    ]


def test_a_person_keeps_one_state_across_months() -> None:
    ledger = labour(
        member("101", "甲", U, MAY, wish="外出务工"),
        member("101", "甲", U, JUNE, wish="外出务工"),
        member("101", "丙", E, MAY),
        member("101", "丙", E, JUNE),
    )
    work = stored(
        {
            "kind": "person",
            "rule": "未就业有就业意愿",
            "subject": "id-甲",
            "state": "帮扶中",
            "owner": "captain",
        }
    )

    may = worklist(NO_CASES, ledger, work, MAY, TODAY)
    june = worklist(NO_CASES, ledger, work, JUNE, TODAY)

    assert_frame_equal(may, june)
    assert may.select("kind", "name", "state", "owner").rows() == [
        ("person", "甲", "帮扶中", "captain")
    ]


# Households 101–104 in May and June: what they were, how their state was last set.
TWO_MONTHS = labour(
    # 101: zero-employment in May, found work in June: cleared by the data.
    member("101", "甲", U, MAY),
    member("101", "甲", E, JUNE),
    # 102: zero-employment both months, set 已就业 this month (July): cleared by work.
    member("102", "乙", U, MAY),
    member("102", "乙", U, JUNE),
    # 103: found work in June, but was closed (暂无法就业) in June already: not again.
    member("103", "丙", U, MAY, township=SOUTH),
    member("103", "丙", E, JUNE, township=SOUTH),
    # 104: zero-employment both months, open and overdue.
    member("104", "丁", U, MAY, township=SOUTH),
    member("104", "丁", U, JUNE, township=SOUTH),
)
TWO_MONTHS_WORK = stored(
    {"kind": "household", "rule": "零就业家庭", "subject": "h102", "state": "已就业"},
    {
        "kind": "household",
        "rule": "零就业家庭",
        "subject": "h103",
        "state": "暂无法就业",
        "changed_at": datetime(2024, 6, 30, 17, tzinfo=UTC),  # 1 July in Beijing: this month
        "state_changed_at": datetime(2024, 6, 30, 15, tzinfo=UTC),
    },  # 30 June 23:00 in Beijing
    {
        "kind": "household",
        "rule": "零就业家庭",
        "subject": "h104",
        "state": "帮扶中",
        "due": date(2024, 7, 1),
    },
)


def test_cleared_this_month_by_work_and_by_the_data() -> None:
    june = worklist(NO_CASES, TWO_MONTHS, TWO_MONTHS_WORK, JUNE, TODAY)
    may = worklist(NO_CASES, TWO_MONTHS, TWO_MONTHS_WORK, MAY, TODAY)

    done = cleared(june, may, TODAY)
    by_township = progress(june, may, ["township"], TODAY)
    total = progress(june, may, [], TODAY)

    assert done.select("household", "how").rows() == [("h102", "work"), ("h101", "data")]
    assert_frame_equal(
        by_township,
        pl.DataFrame(
            [
                # 南镇: 104 open and overdue; 103 closed before July.
                {
                    "township": SOUTH,
                    "open": 1,
                    "overdue": 1,
                    "cleared": 0,
                    "cleared_by_work": 0,
                    "cleared_by_data": 0,
                },
                {
                    "township": NORTH,
                    "open": 0,
                    "overdue": 0,
                    "cleared": 2,
                    "cleared_by_work": 1,
                    "cleared_by_data": 1,
                },
            ],
            schema={"township": pl.String(), **PROGRESS_COLUMNS},
        ),
    )
    assert total.rows() == [(1, 1, 2, 1, 1)]


def test_a_state_closed_this_month_of_a_household_gone_counts_once() -> None:
    # 101 found work in June and was also set 已就业 in July: on May's list, not on June's (as
    # 103, open: it has no stored state here).
    work = stored({"kind": "household", "rule": "零就业家庭", "subject": "h101", "state": "已就业"})
    june = worklist(NO_CASES, TWO_MONTHS, work, JUNE, TODAY)
    may = worklist(NO_CASES, TWO_MONTHS, work, MAY, TODAY)

    assert cleared(june, may, TODAY).select("household", "how").rows() == [
        ("h101", "data"),
        ("h103", "data"),
    ]


def test_a_scope_sees_the_same_subjects_and_states_as_the_county_there() -> None:
    work = stored(
        {
            "kind": "household",
            "rule": "零就业家庭",
            "subject": "h102",
            "state": "帮扶中",
            "township": NORTH,
        },
        {
            "kind": "household",
            "rule": "零就业家庭",
            "subject": "h104",
            "state": "帮扶中",
            "township": SOUTH,
        },
        {
            "kind": "audit",
            "rule": "挂岗",
            "subject": "id-丁",
            "period": "2024-06",
            "state": "核实中",
            "township": SOUTH,
        },
    )
    cases = audit_cases(
        {
            "rule": "挂岗",
            "id_number": "id-丁",
            "name": "丁",
            "period": "2024-06",
            "amount_at_risk": 800.0,
            "township": SOUTH,
        }
    )
    county = dataclasses.replace(Frames.empty(), labour=TWO_MONTHS, case_work=work)

    for township in (NORTH, SOUTH):
        mine = county.scoped(Scope(townships=frozenset({township})))
        seen = worklist(
            cases.filter(pl.col("township") == township), mine.labour, mine.case_work, JUNE, TODAY
        )
        whole = worklist(cases, county.labour, county.case_work, JUNE, TODAY)
        assert_frame_equal(seen, whole.filter(pl.col("township") == township))
        assert mine.case_work["township"].to_list() == [township] * mine.case_work.height

    # A captain's scope gets the households' states, never an audit case's.
    building = county.scoped(Scope(buildings=frozenset({("幸福家园", "3")})))
    assert building.case_work["kind"].to_list() == ["household", "household"]


# A payee the ledger does not know, paid in June: an audit case of no place.
UNPLACED = audit_cases(
    {
        "rule": "挂岗",
        "id_number": "id-无",
        "name": "无",
        "period": "2024-06",
        "amount_at_risk": 900.0,
    }
)
PLACE_COLUMNS = {
    **PROGRESS_COLUMNS,
    "open_audit": pl.Int64(),
    "open_household": pl.Int64(),
    "open_person": pl.Int64(),
}


def progress_rows(key: str, *rows: tuple) -> pl.DataFrame:
    """Progress rows (key, open, overdue, cleared, by work, by data[, open per kind])."""
    schema = {key: pl.String(), **(PLACE_COLUMNS if len(rows[0]) == 9 else PROGRESS_COLUMNS)}
    return pl.DataFrame(rows, schema=schema, orient="row")


@pytest.mark.parametrize(
    ("cases", "want"),
    [
        # Households alone: every kind still has its row, the others zeros.
        (
            NO_CASES,
            progress_rows(
                "kind",
                ("audit", 0, 0, 0, 0, 0),
                ("household", 1, 1, 2, 1, 1),
                ("person", 0, 0, 0, 0, 0),
            ),
        ),
        (
            UNPLACED,
            progress_rows(
                "kind",
                ("audit", 1, 0, 0, 0, 0),
                ("household", 1, 1, 2, 1, 1),
                ("person", 0, 0, 0, 0, 0),
            ),
        ),
    ],
)
def test_progress_by_kind_has_every_kind_in_order(cases: pl.DataFrame, want: pl.DataFrame) -> None:
    june = worklist(cases, TWO_MONTHS, TWO_MONTHS_WORK, JUNE, TODAY)
    may = worklist(cases, TWO_MONTHS, TWO_MONTHS_WORK, MAY, TODAY)

    assert_frame_equal(progress_by_kind(june, may, TODAY), want)


@pytest.mark.parametrize(
    ("cases", "places", "want"),
    [
        # 东镇 has no subject at all, 北镇 none open: both cleared, rows of zeros, by name.
        (
            NO_CASES,
            [NORTH, SOUTH, "东镇"],
            progress_rows(
                "township",
                (SOUTH, 1, 1, 0, 0, 0, 0, 1, 0),
                ("东镇", 0, 0, 0, 0, 0, 0, 0, 0),
                (NORTH, 0, 0, 2, 1, 1, 0, 0, 0),
            ),
        ),
        # A township found only in the subjects comes in; a case of no place comes last.
        (
            UNPLACED,
            [NORTH],
            progress_rows(
                "township",
                (SOUTH, 1, 1, 0, 0, 0, 0, 1, 0),
                (NORTH, 0, 0, 2, 1, 1, 0, 0, 0),
                (None, 1, 0, 0, 0, 0, 1, 0, 0),
            ),
        ),
        # No places named and nothing found: no rows.
        (NO_CASES, [], progress_rows("township", ("x", *[0] * 8)).clear()),
    ],
)
def test_progress_of_places_keeps_cleared_places_and_splits_open_by_kind(
    cases: pl.DataFrame, places: list[str], want: pl.DataFrame
) -> None:
    ledger = TWO_MONTHS if places else TWO_MONTHS.clear()
    june = worklist(cases, ledger, TWO_MONTHS_WORK, JUNE, TODAY)
    may = worklist(cases, ledger, TWO_MONTHS_WORK, MAY, TODAY)

    assert_frame_equal(progress_of_places(june, may, "township", places, TODAY), want)
