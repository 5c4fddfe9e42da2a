"""Taking back one write to the store: an import, the demo, a status update, a note or a
case's owner, due date, state or note (工单).

An undo is a batch of its own (source `undo`), so the data version moves and every cache
refreshes; the batch it took back keeps its history row, marked `undone_by`. What a batch
overwrote comes back from its log in `batch_change`, with the same ids and values.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from data.importer import (
    DATA_TABLES,
    ENTITY_TABLES,
    StoreBusy,
    StoreWriter,
    _frame,
    _id_runs,
    _quoted,
    table_schema,
)
from data.store import init_store

__all__ = ["UndoResult", "undo_batch"]

_SOURCES = {
    "import": ("导入", "import"),
    "demo": ("演示数据", "demo"),
    "edit": ("状态更新", "status update"),
    "note": ("跟进记录", "note"),
    "case": ("工单", "casework"),
    "undo": ("撤销", "undo"),
}
_TABLES = {
    "labour_record": ("台账记录", "labour records"),
    "subsidy_payment": ("补贴发放", "subsidy payments"),
    "job_posting": ("岗位信息", "job postings"),
    "training_record": ("培训记录", "training records"),
    "target": ("年度目标", "targets"),
    "follow_up_note": ("跟进记录", "follow-up notes"),
    "labour_edit": ("修改记录", "edit records"),
    "case_work": ("工单", "cases"),
    "case_change": ("工单修改记录", "case changes"),
    "township": ("乡镇", "townships"),
    "village": ("村(社区)", "villages"),
    "site": ("安置点", "sites"),
    "building": ("楼栋", "buildings"),
    "household": ("户", "households"),
    "person": ("人员", "persons"),
}
# Before the log existed, only these wrote no place or person: their undo needs no log.
_LOGLESS_FORMATS = {"training", "targets"}


@dataclass
class UndoResult:
    """What an undo did, or why it changed nothing.

    `counts` maps "removed:<table>" and "restored:<table>" to a number of rows (restored rows
    were re-inserted or set back to their old values).
    """

    ok: bool
    batch_id: int | None = None  # the undo's own batch
    undone: int = 0  # the batch taken back
    counts: dict[str, int] = field(default_factory=dict)
    reason_zh: str | None = None
    reason_en: str | None = None

    def report(self, lang: str = "zh") -> str:
        """One paragraph for the user, in Chinese (`zh`) or English."""
        zh = lang == "zh"
        if not self.ok:
            if zh:
                return f"撤销未执行，数据没有任何改动：{self.reason_zh}"
            return f"Nothing was undone and the store is unchanged: {self.reason_en}"
        parts = {"removed": [], "restored": []}
        for key, n in self.counts.items():
            action, _, table = key.partition(":")
            label = _TABLES.get(table, (table, table))[0 if zh else 1]
            parts[action].append(f"{label} {n:,} 行" if zh else f"{n:,} {label}")
        if zh:
            done = "；".join(
                f"{verb} {'、'.join(items)}"
                for verb, items in (("删除", parts["removed"]), ("恢复", parts["restored"]))
                if items
            )
            head = f"已撤销批次 #{self.undone}（本次撤销记为批次 #{self.batch_id}）"
            return f"{head}：{done or '没有需要改动的数据'}"
        done = "; ".join(
            f"{verb} {', '.join(items)}"
            for verb, items in (("removed", parts["removed"]), ("restored", parts["restored"]))
            if items
        )
        head = f"Batch #{self.undone} undone (recorded as batch #{self.batch_id})"
        return f"{head}: {done or 'nothing needed changing'}"


def undo_batch(engine: Engine, batch_id: int, *, user: str) -> UndoResult:
    """Take back batch `batch_id` in one transaction, as if it had never been written.

    Its rows go; the rows it replaced, and the old values of rows it updated, come back with
    their ids; places and people it created go when nothing refers to them any more. The undo
    is a new batch (source `undo`; rows_imported = rows restored, rows_replaced = rows removed)
    and `batch_id` is marked `undone_by` it.

    Refused, changing nothing, when the batch does not exist, is already undone, is itself an
    undo, or a later batch that is not undone replaced or updated rows it wrote (undo that one
    first). A batch written before the change log existed has no `batch_change` rows: it is
    refused unless it replaced nothing and could not have created or changed places or people
    (a note, or training and target rosters only), since what it overwrote is lost.
    """
    init_store(engine)
    try:
        writer = StoreWriter(engine).begin()
    except StoreBusy as busy:
        return _refused(batch_id, busy.reason_zh, busy.reason_en)
    with writer:
        writer.execute(
            "SELECT source, formats, months, rows_replaced, undone_by FROM import_batch "
            "WHERE id = ?",
            [batch_id],
        )
        found = writer.cur.fetchone()
        if found is None:
            return _refused(batch_id, f"没有批次 #{batch_id}", f"there is no batch #{batch_id}")
        source, formats, months, rows_replaced, undone_by = found
        log = _read_log(writer, batch_id)
        refusal = _refusal(writer, batch_id, source, formats, rows_replaced, undone_by, log)
        if refusal is not None:
            return _refused(batch_id, *refusal)
        undo_id = writer.new_batch(
            user=user,
            source="undo",
            files="",
            formats=formats,
            months=months,
            note=f"撤销 #{batch_id}",
        )
        counts = _take_back(writer, batch_id, log)
        removed = sum(n for k, n in counts.items() if k.startswith("removed:"))
        writer.execute(
            "UPDATE import_batch SET rows_imported = ?, rows_replaced = ? WHERE id = ?",
            [sum(counts.values()) - removed, removed, undo_id],
        )
        writer.execute("UPDATE import_batch SET undone_by = ? WHERE id = ?", [undo_id, batch_id])
    return UndoResult(True, undo_id, batch_id, counts)


def _refused(batch_id: int, zh: str, en: str) -> UndoResult:
    return UndoResult(False, None, batch_id, reason_zh=zh, reason_en=en)


def _label(source: str, batch_id: int, lang: int) -> str:
    return f"{_SOURCES.get(source, (source, source))[lang]} #{batch_id}"


def _read_log(writer: StoreWriter, batch_id: int) -> dict[tuple[str, str], pl.DataFrame]:
    writer.execute(
        "SELECT table_name, action, rows FROM batch_change WHERE batch_id = ?", [batch_id]
    )
    return {
        (table, action): pl.read_parquet(io.BytesIO(bytes(rows)))
        for table, action, rows in writer.cur.fetchall()
    }


def _refusal(
    writer: StoreWriter,
    batch_id: int,
    source: str,
    formats: str,
    rows_replaced: int,
    undone_by: int | None,
    log: dict[tuple[str, str], pl.DataFrame],
) -> tuple[str, str] | None:
    """Why batch `batch_id` cannot be undone (Chinese, English), or None."""
    if undone_by is not None:
        return (
            f"批次 #{batch_id} 已被批次 #{undone_by} 撤销过",
            f"batch #{batch_id} was already undone by batch #{undone_by}",
        )
    if source == "undo":
        return (
            f"批次 #{batch_id} 本身是一次撤销，不能再撤销：需要时请重新导入原文件或重新填写",
            f"batch #{batch_id} is itself an undo and cannot be undone: "
            "import or enter the data again",
        )
    if not log:
        wrote = {f for f in (formats or "").split(",") if f}
        if rows_replaced or not (source == "note" or (wrote and wrote <= _LOGLESS_FORMATS)):
            return (
                f"批次 #{batch_id} 早于撤销功能，无法还原其覆盖的数据（以及它新建或修改的"
                "乡镇、安置点、楼栋、户和人员）",
                f"batch #{batch_id} predates undo: what it overwrote (and the places and people "
                "it created or changed) cannot be restored",
            )
    later = _later_overwrites(writer, batch_id, log)
    if not later:
        if _ids_taken(writer, batch_id, log):
            return (
                f"批次 #{batch_id} 覆盖的记录编号已被之后的数据占用，无法按原编号还原",
                f"the ids of the rows batch #{batch_id} replaced are taken by later rows: "
                "they cannot come back as they were",
            )
        return None
    newest_first = sorted(later, reverse=True)
    return (
        f"{'、'.join(_label(s, b, 0) for b, s in sorted(later.items()))} 之后改写了本批"
        f"（#{batch_id}）的数据：请先撤销 {'、'.join(f'#{b}' for b in newest_first)}",
        f"{', '.join(_label(s, b, 1) for b, s in sorted(later.items()))} later overwrote data "
        f"of batch #{batch_id}: undo {', '.join(f'#{b}' for b in newest_first)} first",
    )


def _later_overwrites(
    writer: StoreWriter, batch_id: int, log: dict[tuple[str, str], pl.DataFrame]
) -> dict[int, str]:
    """Later batches, not undone, that replaced or updated rows the batch wrote: id -> source.

    Undo batches are left out: they only put back what their batch changed.
    """
    touched: dict[str, pl.Series] = {}
    for (table, action), rows in log.items():
        if action in ("insert", "update") and table != "import_batch":
            touched[table] = pl.concat(
                [touched.get(table, pl.Series("id", [], pl.Int64)), rows["id"]]
            )
    writer.execute(
        "SELECT c.id, c.batch_id, b.source, c.table_name FROM batch_change c "
        "JOIN import_batch b ON b.id = c.batch_id "
        "WHERE c.batch_id > ? AND b.undone_by IS NULL AND b.source <> 'undo' "
        "AND c.action IN ('delete', 'update')",
        [batch_id],
    )
    later: dict[int, str] = {}
    # One log at a time: a province's month of replaced rows is tens of megabytes.
    for change_id, later_id, source, table in writer.cur.fetchall():
        if later_id in later or (table not in touched and table not in DATA_TABLES):
            continue
        writer.execute("SELECT rows FROM batch_change WHERE id = ?", [change_id])
        columns = ["id", "batch_id"] if "batch_id" in table_schema(table) else ["id"]
        archived = pl.read_parquet(io.BytesIO(bytes(writer.cur.fetchone()[0])), columns=columns)
        ours = "batch_id" in columns and (archived["batch_id"] == batch_id).any()
        if ours or (table in touched and archived["id"].is_in(touched[table].implode()).any()):
            later[later_id] = source
    return later


def _ids_taken(
    writer: StoreWriter, batch_id: int, log: dict[tuple[str, str], pl.DataFrame]
) -> bool:
    """True when a row the batch deleted cannot get its id back: another row holds it.

    Never expected (ids are not handed out twice), but a clear refusal beats a failed commit.
    """
    for (table, action), rows in log.items():
        if action != "delete" or table not in DATA_TABLES:
            continue
        for chunk in _id_runs(rows["id"]).iter_slices(200):
            where = " OR ".join(["id BETWEEN ? AND ?"] * chunk.height)
            bounds = [v for run in zip(chunk["first"], chunk["last"], strict=True) for v in run]
            writer.execute(
                f"SELECT id FROM {table} WHERE batch_id <> ? AND ({where}) LIMIT 1",
                [batch_id, *bounds],
            )
            if writer.cur.fetchone() is not None:
                return True
    return False


def _take_back(
    writer: StoreWriter, batch_id: int, log: dict[tuple[str, str], pl.DataFrame]
) -> dict[str, int]:
    counts: dict[str, int] = {}

    def count(action: str, table: str, n: int) -> None:
        if n:
            counts[f"{action}:{table}"] = counts.get(f"{action}:{table}", 0) + n

    # Rows that carry a batch: the batch's own go, and the rows it deleted or updated come back
    # whole (an edited record gets its old values and its old batch back).
    for table in DATA_TABLES:
        schema = table_schema(table)
        own = writer.fetch(
            f"SELECT {_quoted(schema)} FROM {table}",
            schema,
            where_in=("batch_id", pl.Series([batch_id], dtype=pl.Int64)),
        )
        back = [log[(table, a)] for a in ("delete", "update") if (table, a) in log]
        back_rows = pl.concat(back, how="vertical_relaxed") if back else own.clear()
        # The rows it deleted are not there (`_ids_taken` made sure); the ones it updated are.
        updated = log.get((table, "update"), own.clear())["id"]
        gone = pl.concat([own["id"], updated]).unique()
        writer.delete(table, gone, old=own if gone.len() == own.height else None)
        writer.insert(table, _as_stored(back_rows, schema))
        count("removed", table, own.filter(~pl.col("id").is_in(updated.implode())).height)
        count("restored", table, back_rows.height)

    # Places and people: old values back in place, since other rows refer to them by id.
    for table in ENTITY_TABLES:
        if (table, "update") in log:
            old = log[(table, "update")]
            # Only the logged columns: one added since keeps its value.
            logged = {c: d for c, d in table_schema(table).items() if c in old.columns}
            writer.update(table, _as_stored(old, logged))
            # Rows it created and then changed are set back too (a later batch may still refer
            # to them), but only the ones that existed before count as restored.
            created = log.get((table, "insert"), old.clear())["id"]
            count("restored", table, old.filter(~pl.col("id").is_in(created.implode())).height)

    # Then the places and people the batch created and nothing refers to any more; children
    # before parents, so that a household gone frees its building.
    order = [t.name for t in SQLModel.metadata.sorted_tables if t.name in ENTITY_TABLES]
    for table in reversed(order):
        if (table, "insert") not in log:
            continue
        created = log[(table, "insert")]["id"]
        used = _referenced(writer, table, created)
        free = created.filter(~created.is_in(used.implode()))
        writer.delete(table, free)
        count("removed", table, free.len())
    return counts


def _as_stored(rows: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Logged rows as the table now has them: a log written before a column was added (the
    subsidy voucher) lacks it, and the rows come back with it empty."""
    return rows.select(
        (pl.col(c) if c in rows.columns else pl.lit(None)).cast(d).alias(c)
        for c, d in schema.items()
    )


def _referenced(writer: StoreWriter, table: str, ids: pl.Series) -> pl.Series:
    """Those of `ids` that a row of any table refers to by a foreign key to `table`."""
    references = [
        (other.name, column.name)
        for other in SQLModel.metadata.sorted_tables
        for column in other.columns
        for key in column.foreign_keys
        if key.column.table.name == table
    ]
    runs = _id_runs(ids)
    found = [pl.DataFrame(schema={"id": pl.Int64()})]
    for other, column in references:
        for chunk in runs.iter_slices(200):
            where = " OR ".join([f"{column} BETWEEN ? AND ?"] * chunk.height)
            bounds = [v for run in zip(chunk["first"], chunk["last"], strict=True) for v in run]
            writer.execute(f"SELECT DISTINCT {column} FROM {other} WHERE {where}", bounds)
            found.append(_frame(writer.cur.fetchall(), {"id": pl.Int64()}))
    return pl.concat(found)["id"].unique()
