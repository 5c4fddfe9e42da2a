"""The captains' monthly meeting (楼长月例会), one household at a time.

Pure functions of frames: `meeting_order` (the households in the order the meeting takes them:
room order, or zero-employment households first), `card_members` (every member of the building
with what the card shows of them: status, work, wish, training need) and `meeting_progress`
(how many of the households were gone through).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import polars as pl

from analytics.building import MEMBER_ROWS_SCHEMA, members_by_room
from analytics.rates import plain

CARD_MEMBER_SCHEMA: dict[str, pl.DataType] = {
    **MEMBER_ROWS_SCHEMA,
    "work_place": pl.String(),
    "wish": pl.String(),
    "training_need": pl.String(),
}


def meeting_order(households: pl.DataFrame, *, zero_first: bool) -> pl.DataFrame:
    """`households` (`building.households_by_room`, in room order) in the meeting's order.

    With `zero_first` the zero-employment households come first, each group still in room
    order: the meeting asks about those without any work while there is time.
    """
    if not zero_first:
        return households
    return households.sort(pl.col("zero_employment").not_(), maintain_order=True)


def card_members(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """Every member in `month` of the building whose ledger is `labour`, in the order of
    `building.members_by_room`, with their work place, wish and training need
    (`CARD_MEMBER_SCHEMA`)."""
    month = month.replace(day=1)
    extra = plain(
        labour.filter(pl.col("month") == month).select(
            "id_number", "work_place", "wish", "training_need"
        )
    )
    members = members_by_room(labour, month)
    return members.join(extra, on="id_number", how="left", maintain_order="left").select(
        list(CARD_MEMBER_SCHEMA)
    )


def meeting_progress(order: pl.DataFrame, visited: Collection[str]) -> tuple[int, int]:
    """(households of `order` gone through, households in `order`): `visited` holds household
    codes; one no longer in the building (moved out since) is not counted."""
    codes = order.get_column("household")
    return int(codes.is_in(list(visited)).sum()), codes.len()
