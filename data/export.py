"""一库六册 as one Excel workbook: one sheet per roster, the labour ledger's Chinese headers."""

from __future__ import annotations

import io
from datetime import date

import polars as pl

from analytics.privacy import masked
from analytics.rosters import rosters
from data.ledger import LABOUR
from data.spreadsheet import workbook

ROSTER_SHEETS = {
    "labour": "劳动力花名册",
    "employed": "已就业花名册",
    "unemployed": "未就业花名册",
    "wishes": "就业创业意愿花名册",
    "training": "培训需求花名册",
    "two_after": "两后生花名册",
}
_HEADERS = {c.name: c.zh for c in LABOUR.columns} | {"household": "户编号"}


def rosters_workbook(labour: pl.DataFrame, month: date, *, full: bool = False) -> bytes:
    """The six rosters of `month` as xlsx bytes; ID numbers and phones masked unless `full`.

    Yes/no columns read 是/否, as the ledger writes them.
    """
    buffer = io.BytesIO()
    with workbook(buffer) as book:
        for name, frame in rosters(labour, month).items():
            shown = (frame if full else masked(frame)).with_columns(
                pl.col(pl.Boolean).replace_strict({True: "是", False: "否"}, return_dtype=pl.String)
            )
            shown.rename(_HEADERS, strict=False).write_excel(
                book, worksheet=ROSTER_SHEETS[name], autofit=True
            )
    return buffer.getvalue()
