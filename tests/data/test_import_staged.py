"""SQLite's large inserts go through a staging file that ADBC writes and the transaction copies
over (`StoreWriter._insert_staged`): the store holds the very same values, of the same storage
classes, as when sqlite3 binds them row by row, and a failure after they were copied leaves
nothing, not even the file. The checkpoint a big commit calls for runs after the import has
returned, in a thread of its own."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import event
from sqlalchemy.engine import Engine

import data.importer as importer
from data.importer import StoreWriter, import_files, table_schema
from data.store import get_engine, init_store
from data.undo import undo_batch
from tests.data.test_import import assert_store_unchanged, dump, labour_ledger
from tests.data.test_ledger import labour_row

# What the imports write, besides their history (its times differ from one store to the other).
DATA = (
    *("township", "village", "site", "building", "household", "person", "labour_record"),
    *("typeof labour_record", "typeof person", "typeof household"),
)


def staging_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Staging folders made in `folder` (others, say multiprocessing's, where they were)."""
    folder.mkdir()
    make = tempfile.mkdtemp

    def mkdtemp(suffix=None, prefix=None, dir=None):  # noqa: ANN001, ANN202, A002
        if prefix == "import-staging-":
            dir = str(folder)  # noqa: A001
        return make(suffix, prefix, dir)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    return folder


def ledgers(folder: Path) -> list[Path]:
    """Two months of 24 people, with what a value can hold: quotes, backslashes, a float of 17
    digits, empty cells, a changed name in the second month."""
    august = [labour_row(n, **({"就业单位": '王氏"鞋厂\\一'} if n == 4 else {})) for n in range(24)]
    september = [
        labour_row(
            n,
            统计月份="2020-09",
            **({"月收入(元)": "0.30000000000000004", "就业状态": "已就业"} if n == 5 else {}),
        )
        for n in range(20)
    ]
    september[7]["姓名"] = "张七改"
    return [labour_ledger(folder / "8.csv", august), labour_ledger(folder / "9.csv", september)]


def storage(engine: Engine) -> dict[str, pl.DataFrame]:
    """The store's data tables, and the storage class of every value (SQLite's typeof)."""
    tables = dump(engine)
    with engine.connect() as conn:
        for table in ("labour_record", "person", "household"):
            columns = ", ".join(f'typeof("{c}") AS "{c}"' for c in tables[table].columns)
            tables[f"typeof {table}"] = pl.read_database(
                f"SELECT {columns} FROM {table} ORDER BY id", conn
            )
    return {t: f for t, f in tables.items() if t in DATA}


def imported(folder: Path, staged_from: int, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A new store with both months imported, inserts of `staged_from` rows or more staged."""
    monkeypatch.setattr(importer, "_STAGED_ROWS", staged_from)
    engine = get_engine(f"sqlite:///{folder / 'store.sqlite'}")
    init_store(engine)
    for ledger in ledgers(folder):
        result = import_files(engine, [ledger])
        assert result.ok, result.report()
    return engine


def undo_last(engine: Engine) -> None:
    with engine.connect() as conn:
        (last,) = conn.exec_driver_sql("SELECT max(id) FROM import_batch").one()
    assert undo_batch(engine, last, user="审核员").ok


def test_staged_rows_are_stored_as_bound_rows_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bound").mkdir()
    (tmp_path / "staged").mkdir()
    staging = staging_in(tmp_path / "tmp", monkeypatch)
    inserts = []
    staged = importer.StoreWriter._insert_staged

    def noting(self, table, columns, frame):  # noqa: ANN001, ANN202
        inserts.append(table)
        return staged(self, table, columns, frame)

    monkeypatch.setattr(importer.StoreWriter, "_insert_staged", noting)
    bound_engine = imported(tmp_path / "bound", 10**9, monkeypatch)
    bound = storage(bound_engine)
    assert not inserts
    engine = imported(tmp_path / "staged", 1, monkeypatch)

    # Every big-enough insert of both imports was staged (up to the attachments SQLite allows).
    assert {"labour_record", "person", "household"} <= set(inserts)
    got = storage(engine)
    for table in got:
        assert_frame_equal(got[table], bound[table], check_exact=True)
    assert not list(staging.iterdir())  # every staging file gone with its transaction

    # The batch log of a staged import (the second month's, changing a name) undoes it as
    # exactly as that of a bound one.
    undo_last(engine)
    undo_last(bound_engine)
    got, bound = storage(engine), storage(bound_engine)
    assert got["labour_record"].height == 24
    for table in got:
        assert_frame_equal(got[table], bound[table], check_exact=True)


def test_a_failure_after_the_staged_rows_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = staging_in(tmp_path / "tmp", monkeypatch)
    engine = imported(tmp_path, 1, monkeypatch)
    before = dump(engine)
    later = labour_ledger(
        tmp_path / "10.csv", [labour_row(n, 统计月份="2020-10") for n in range(24)]
    )

    def failing(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    # The batch's log is written last, after every record was copied over.
    monkeypatch.setattr(importer.StoreWriter, "_write_changes", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        import_files(engine, [later])

    assert_store_unchanged(before, engine)
    assert not list(staging.iterdir())
    # The connection went back to the pool with nothing attached: the next import goes through.
    monkeypatch.undo()
    monkeypatch.setattr(importer, "_STAGED_ROWS", 1)
    result = import_files(engine, [later])
    assert result.ok, result.report()
    assert dump(engine)["labour_record"].height == before["labour_record"].height + 24


def test_a_big_commit_leaves_its_checkpoint_to_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")

    @event.listens_for(engine, "connect")
    def _small_autocheckpoint(dbapi_connection, _record) -> None:  # noqa: ANN001
        # A page of WAL is past it: the test's import counts as a big one.
        dbapi_connection.execute("PRAGMA wal_autocheckpoint = 1")

    init_store(engine)
    started, release = threading.Event(), threading.Event()
    checkpoints: list[str] = []
    checkpoint = importer._checkpoint

    def held(path: str) -> None:
        started.set()
        release.wait(30)
        checkpoints.append(path)
        checkpoint(path)

    monkeypatch.setattr(importer, "_checkpoint", held)
    result = import_files(engine, ledgers(tmp_path)[:1])

    # The import returned, its rows there for every reader, while the checkpoint waits.
    assert result.ok, result.report()
    assert started.wait(30) and not checkpoints
    assert dump(engine)["labour_record"].height == 24
    release.set()
    for thread in threading.enumerate():
        if thread.name == "wal-checkpoint":
            thread.join(30)
    assert checkpoints == [str(tmp_path / "store.sqlite")]
    # The connection went back to the pool with its own autocheckpoint.
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1


@pytest.mark.parametrize("staged_from", [1, 10**9], ids=["staged", "bound"])
def test_odd_values_go_in_and_come_back_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staged_from: int
) -> None:
    """Texts with quotes, backslashes, line breaks and emoji, nulls, empty strings, dates and
    flags, inserted staged or bound, read back a column at a time (no float among them) and a
    row at a time (with one)."""
    monkeypatch.setattr(importer, "_STAGED_ROWS", staged_from)
    engine = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_store(engine)
    assert import_files(engine, ledgers(tmp_path)[:1]).ok
    schema = table_schema("labour_record")
    record = dump(engine)["labour_record"].row(0, named=True)
    odd = pl.DataFrame(
        [
            record
            | {
                "id": 1000 + k,
                "month": dt.date(2021, 1 + k, 1),
                "employer": employer,
                "monthly_income": income,
                "two_after": flag,
                "phone": phone,
            }
            for k, (employer, income, flag, phone) in enumerate(
                [
                    ('王氏"鞋厂\\一\n二', 0.1 + 0.2, True, ""),
                    ('😀 [1, 2] {"a": null}', 12300.000000000002, False, None),
                    (None, 1e-310, None, "null"),
                    ("'", 1.7976931348623157e308, True, "\t"),
                ]
            )
        ]
    ).select(pl.col(c).cast(d) for c, d in schema.items())
    with StoreWriter(engine) as writer:
        writer.insert("labour_record", odd)
    texts = {c: d for c, d in schema.items() if d != pl.Float64()}
    where = "WHERE id >= 1000 ORDER BY id"
    with StoreWriter(engine) as writer:
        by_column = writer.fetch(f"SELECT {', '.join(texts)} FROM labour_record {where}", texts)
        by_row = writer.fetch(f"SELECT {', '.join(schema)} FROM labour_record {where}", schema)
    assert_frame_equal(by_column, odd.select(list(texts)), check_exact=True)
    assert_frame_equal(by_row, odd, check_exact=True)
