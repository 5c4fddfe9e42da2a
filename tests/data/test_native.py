"""A big SQLite store is read by connectorx in a child process: the same frames, never a mix of
two versions, and sqlite3 in-process whenever the child cannot answer."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from sqlmodel import Session

from analytics.columns import LABOUR_SCHEMA
from data import frames, native
from data.edits import update_status
from data.frames import Frames, load_frames
from data.store import ImportBatch, data_version, get_engine


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], int | None]]:
    """Every store is big enough to read natively; the list notes each native read."""
    seen: list[tuple[list[str], int | None]] = []
    real = native.read_frames

    def spy(database: Path, version: int, names: list[str], after_batch: int | None, **kw):
        seen.append((names, after_batch))
        return real(database, version, names, after_batch, **kw)

    monkeypatch.setattr(native, "NATIVE_ROWS", 0)
    monkeypatch.setattr(native, "read_frames", spy)
    return seen


def _in_process(url: str) -> dict:
    """Every frame read by sqlite3, as a store too small to read natively is."""
    with get_engine(url).connect() as conn:
        query = functools.partial(frames._query_columnar, conn)
        return {name: frames._read(query, name) for name in frames._SCHEMAS}


def _assert_same(loaded: Frames, expected: dict) -> None:
    for name, frame in expected.items():
        assert getattr(loaded, name).schema == frame.schema, name
        assert_frame_equal(getattr(loaded, name), frame)


def _snapshots(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///") + ".frames")


def test_a_big_store_is_read_natively_into_the_same_frames(own_store_url: str, calls) -> None:
    expected = _in_process(own_store_url)
    loaded = load_frames(get_engine(own_store_url))
    assert calls == [(["labour", "subsidies"], None)]
    assert loaded.labour.height > 10_000 and loaded.subsidies.height > 100
    _assert_same(loaded, expected)


def test_a_native_read_leaves_its_files_as_the_snapshots_own(
    own_store_url: str, calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(_snapshots(own_store_url), ignore_errors=True)
    written: list[str] = []
    real = frames.write_frame
    monkeypatch.setattr(
        frames, "write_frame", lambda frame, path: written.append(path.stem) or real(frame, path)
    )

    load_frames(get_engine(own_store_url))

    # Labour and payments are the child's files, not written again here.
    assert sorted(written) == sorted(set(frames._SNAPSHOT_FRAMES) - {"labour", "subsidies"})
    (snapshot,) = _snapshots(own_store_url).iterdir()
    _assert_same(frames._read_snapshot(snapshot), _in_process(own_store_url))


def test_a_failed_child_leaves_no_file_behind(tmp_path: Path) -> None:
    (tmp_path / "labour").mkdir()
    (tmp_path / "labour" / "2020-08-01.parquet").write_bytes(b"half a file")
    with pytest.raises(RuntimeError, match="natively"):
        native.read_frames(tmp_path / "not-a-store.sqlite", 1, ["labour"], None, into=tmp_path)
    assert not (tmp_path / "labour").exists()


def test_a_small_store_is_read_in_process(own_store_url: str, monkeypatch) -> None:
    monkeypatch.setattr(native, "NATIVE_ROWS", 10**9)
    monkeypatch.setattr(native, "read_frames", lambda *a, **k: pytest.fail("read natively"))
    _assert_same(load_frames(get_engine(own_store_url)), _in_process(own_store_url))


def test_a_patch_after_a_status_update_reads_its_records_natively(
    own_store_url: str, calls
) -> None:
    engine = get_engine(own_store_url)
    labour = load_frames(engine).labour  # the snapshot to patch
    row = labour.filter(labour["status"] == "未就业").row(0, named=True)
    result = update_status(
        engine,
        id_number=row["id_number"],
        month=row["month"],
        values={"status": "已就业", "employment_type": "公益性岗位", "employer": "幸福家园社区"},
        user="test",
    )
    assert result.ok, result.report()
    calls.clear()

    patched = load_frames(engine)

    # The records of the update's batch, and no subsidies: a status update writes none.
    assert calls == [(["labour"], result.batch_id - 1)]
    _assert_same(patched, _in_process(own_store_url))
    assert patched.labour.filter(
        (patched.labour["id_number"] == row["id_number"])
        & (patched.labour["month"] == row["month"])
    )["status"].to_list() == ["已就业"]


def test_a_write_during_the_read_leaves_it_to_sqlite3(own_store_url: str) -> None:
    engine = get_engine(own_store_url)
    version = data_version(engine)
    database = Path(own_store_url.removeprefix("sqlite:///"))
    assert native.read_frames(database, version, ["labour"], None) is not None
    # The child finds the store at another version than the caller's transaction saw.
    with Session(engine) as session:
        session.add(
            ImportBatch(
                created_at=dt.datetime.now(dt.UTC), user="t", source="note", files="", formats=""
            )
        )
        session.commit()
    assert native.read_frames(database, version, ["labour"], None) is None
    assert list(database.parent.glob("native-*")) == []  # its files went with it


def test_a_failed_child_says_so_and_sqlite3_reads_instead(
    own_store_url: str, calls, monkeypatch, tmp_path
) -> None:
    with pytest.raises(RuntimeError, match="natively"):
        native.read_frames(tmp_path / "not-a-store.sqlite", 1, ["labour"], None)

    def fail(*_, **__):
        raise RuntimeError("reading natively failed: no connectorx")

    monkeypatch.setattr(native, "read_frames", fail)
    shutil.rmtree(_snapshots(own_store_url), ignore_errors=True)
    _assert_same(load_frames(get_engine(own_store_url)), _in_process(own_store_url))


def test_a_store_without_labour_records_is_read_natively_without_a_fallback(
    sqlite_engine, calls, caplog
) -> None:
    # The id range of no records is NULL: connectorx cannot type a NULL it computed.
    with caplog.at_level("WARNING", logger="data.frames"):
        loaded = load_frames(sqlite_engine)
    assert calls == [(["labour", "subsidies"], None)]
    assert caplog.records == []
    assert loaded.labour.is_empty() and loaded.labour.schema == LABOUR_SCHEMA


def test_a_snapshot_is_ready_for_its_data_version_only(own_store_url: str) -> None:
    engine = get_engine(own_store_url)
    shutil.rmtree(_snapshots(own_store_url), ignore_errors=True)
    assert not frames.snapshot_ready(engine)
    load_frames(engine)
    assert frames.snapshot_ready(engine)
    with Session(engine) as session:
        session.add(
            ImportBatch(
                created_at=dt.datetime.now(dt.UTC), user="t", source="note", files="", formats=""
            )
        )
        session.commit()
    assert not frames.snapshot_ready(engine)
