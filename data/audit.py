"""The audit trail: sign-ins, exports and account changes, with the store's write batches.

Writes to the data (imports, undo, status updates, notes, casework) are already recorded as their
batch; `audit_log` shows both as one timeline, so nothing is recorded twice and nothing can
disagree.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import insert
from sqlalchemy.engine import Connection, Engine

from data.store import AuditEvent, init_store

# Batch sources as audit actions.
_BATCH_ACTIONS = {
    "import": "import",
    "demo": "import",
    "edit": "status_update",
    "note": "note",
    "case": "case",
    "undo": "undo",
}
AUDIT_SCHEMA: dict[str, pl.DataType] = {
    "at": pl.Datetime("us", "UTC"),
    "username": pl.String(),
    "action": pl.String(),
    "detail": pl.String(),
    "batch_id": pl.Int64(),
}


def record(conn: Connection, username: str, action: str, detail: str | None = None) -> None:
    """Record one event inside the caller's transaction."""
    conn.execute(
        insert(AuditEvent).values(
            at=dt.datetime.now(dt.UTC),
            username=username,
            action=action,
            detail=detail,
        )
    )


def record_event(engine: Engine, username: str, action: str, detail: str | None = None) -> None:
    """Record one event on its own (an export, say)."""
    init_store(engine)
    with engine.begin() as conn:
        record(conn, username, action, detail)


def audit_log(engine: Engine, *, limit: int = 5000) -> pl.DataFrame:
    """The latest `limit` events and write batches, newest first (AUDIT_SCHEMA)."""
    init_store(engine)
    limit = int(limit)
    with engine.connect() as conn:
        events = pl.read_database(
            f"""SELECT at, username, action, detail FROM audit_event
                ORDER BY id DESC LIMIT {limit}""",
            conn,
            infer_schema_length=None,
        )
        batches = pl.read_database(
            f"""SELECT created_at AS at, "user" AS username, source, id AS batch_id, files, note,
                       rows_imported, undone_by
                FROM import_batch ORDER BY id DESC LIMIT {limit}""",
            conn,
            infer_schema_length=None,
        )
    parts = []
    if events.height:
        parts.append(_typed(events.with_columns(pl.lit(None, pl.Int64).alias("batch_id"))))
    if batches.height:
        detail = pl.concat_str(
            pl.col("note"),
            pl.col("files").str.replace_all("\n", "、"),
            pl.format("{} 行", pl.col("rows_imported").cast(pl.String)),
            separator=" · ",
            ignore_nulls=True,
        )
        undone = pl.format(" · 已撤销 (#{})", pl.col("undone_by").cast(pl.String))
        parts.append(
            _typed(
                batches.select(
                    "at",
                    "username",
                    pl.col("source").replace_strict(_BATCH_ACTIONS, default=pl.col("source")),
                    pl.concat_str(detail, undone, ignore_nulls=True).alias("detail"),
                    "batch_id",
                ).rename({"source": "action"})
            )
        )
    if not parts:
        return pl.DataFrame(schema=AUDIT_SCHEMA)
    return pl.concat(parts).sort("at", descending=True, nulls_last=True).head(limit)


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    at = frame.schema["at"]
    column = pl.col("at")
    if at == pl.String():
        column = column.str.to_datetime(time_unit="us")
    column = column.cast(pl.Datetime("us"))
    return frame.select(
        column.dt.replace_time_zone("UTC").alias("at"),
        pl.col("username").cast(pl.String),
        pl.col("action").cast(pl.String),
        pl.col("detail").cast(pl.String),
        pl.col("batch_id").cast(pl.Int64),
    )
