"""`analytics.casework.with_states`: the compliance page's cases with their stored states, in
the rules' order, overdue by the same boundary as the worklist."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from analytics.audit import CASE_SCHEMA
from analytics.casework import with_states
from analytics.columns import CASE_WORK_SCHEMA

TODAY = date(2024, 7, 10)
AT = datetime(2024, 7, 1, 2, tzinfo=UTC)


def case(rule: str, id_number: str, period: str) -> dict:
    return {"rule": rule, "id_number": id_number, "name": id_number, "period": period}


def work(kind: str, rule: str, subject: str, period: str, state: str, due: date | None) -> dict:
    return {
        "kind": kind, "rule": rule, "subject": subject, "period": period, "state": state,
        "owner": "analyst", "due": due, "changed_at": AT, "changed_by": "analyst",
        "state_changed_at": AT, "batch_id": 1,
    }  # fmt: skip


CASES = pl.DataFrame(
    [
        case("挂岗", "b", "2024-06"),
        case("挂岗", "a", "2024-06"),
        case("替岗", "a", "2024-06"),
        case("交通补贴超标", "a", "2024"),
        case("替岗", "c", "2024-05"),
    ],
    schema=CASE_SCHEMA,
)


def test_each_case_gets_its_own_stored_state_and_keeps_its_place() -> None:
    stored = pl.DataFrame(
        [
            work("audit", "挂岗", "a", "2024-06", "核实中", TODAY.replace(day=9)),  # overdue
            work("audit", "交通补贴超标", "a", "2024", "已整改", date(2024, 1, 1)),  # closed
            work("audit", "替岗", "c", "2024-05", "核实中", TODAY),  # due today: not overdue
            # The same key of another kind, and another period: neither is these cases'.
            work("person", "替岗", "b", "2024-06", "帮扶中", None),
            work("audit", "挂岗", "b", "2024-05", "误报", None),
        ],
        schema=CASE_WORK_SCHEMA,
    )
    shown = with_states(CASES, stored, TODAY)
    assert (
        shown.select("rule", "id_number", "period").rows()
        == CASES.select("rule", "id_number", "period").rows()
    )
    assert shown.select("state", "is_open", "is_overdue").rows() == [
        ("待核实", True, False),
        ("核实中", True, True),
        ("待核实", True, False),
        ("已整改", False, False),
        ("核实中", True, False),
    ]
    assert shown.get_column("owner").to_list() == [None, "analyst", None, "analyst", "analyst"]


def test_no_stored_states_leave_every_case_open() -> None:
    shown = with_states(CASES, pl.DataFrame(schema=CASE_WORK_SCHEMA), TODAY)
    assert shown.get_column("state").unique().to_list() == ["待核实"]
    assert shown.get_column("is_open").all() and not shown.get_column("is_overdue").any()
