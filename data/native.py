"""The big frames of a big SQLite store (labour, subsidies), read by connectorx in a process of
its own.

Python's sqlite3 hands over one Python object per value: about 100,000 labour records a second,
seven minutes for a province's 26 million. connectorx reads the file in Rust, several times
faster. It carries its own copy of SQLite, so it runs in a child process: two copies of SQLite in
one process release each other's file locks when either closes the file (sqlite.org/howtocorrupt,
"multiple copies of SQLite linked into the same application"), and another writer could then
corrupt the store. In a process of its own it is one more reader, as SQLite intends.

The child reads with its own connections, not inside the caller's transaction: it checks the
store's data version before and after, and hands back nothing when a write came in between (the
caller then reads in-process). Every write is a new import batch, so an unchanged version means
unchanged data.

`python -m data.native STORE VERSION AFTER_BATCH OUT_DIR FRAME…` is the child; `read_frames`
starts it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import polars as pl

# Below this many rows, starting a process costs more than it saves (about 0.5 s).
NATIVE_ROWS = 300_000


def read_frames(
    database: Path,
    version: int,
    names: list[str],
    after_batch: int | None,
    into: Path | None = None,
) -> dict[str, pl.DataFrame] | None:
    """`frames._read` of each of `names` on the SQLite file `database` at data version
    `version`, in a child process; None when the store is no longer at that version.

    The child hands them over as the snapshot's Parquet files (`frames.write_frame`; labour a
    file per month, `frames.write_labour`); `into` keeps them there (a snapshot being written),
    else they go once read.
    """
    if into is not None:
        return _read_into(database, version, names, after_batch, into)
    # Beside the store: a province's frames are gigabytes, more than a small /tmp may hold.
    with tempfile.TemporaryDirectory(prefix="native-", dir=database.parent) as folder:
        return _read_into(database, version, names, after_batch, Path(folder))


def _read_into(
    database: Path, version: int, names: list[str], after_batch: int | None, folder: Path
) -> dict[str, pl.DataFrame] | None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "data.native",
            str(database),
            str(version),
            "" if after_batch is None else str(after_batch),
            str(folder),
            *names,
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    files = {name: folder / _file_name(name) for name in names}
    if done.returncode != 0 or not all(path.exists() for path in files.values()):
        # A child that stopped half-way may have left a file, or half of one: not a snapshot's.
        for path in files.values():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        if done.returncode != 0:
            raise RuntimeError(f"reading {database} natively failed: {done.stderr.strip()}")
        return None
    return {name: _read_file(name, path) for name, path in files.items()}


def _file_name(name: str) -> str:
    """Where the child leaves a frame: labour as the snapshot's folder of a file per month
    (`frames.LABOUR_DIR`), written whole or not at all; the others as a file each."""
    from data.frames import LABOUR_DIR

    return LABOUR_DIR if name == "labour" else f"{name}.parquet"


def _read_file(name: str, path: Path) -> pl.DataFrame:
    from data.frames import read_labour

    return read_labour(path) if name == "labour" else pl.read_parquet(path)


def _child(
    database: str, version: int, after_batch: int | None, out: Path, names: list[str]
) -> None:
    from data.frames import _read, write_frame, write_labour

    uri = "sqlite://" + urllib.parse.quote(str(Path(database).resolve()))

    def query(sql: str, ids: tuple[int, int] | None = None) -> pl.DataFrame:
        if ids is None:
            return pl.read_database_uri(sql, uri, engine="connectorx")
        # A thread per core, each scanning its part of the id range.
        return pl.read_database_uri(
            sql,
            uri,
            engine="connectorx",
            partition_on="id",
            partition_range=ids,
            partition_num=os.cpu_count() or 1,
        )

    def current() -> int:
        return query("SELECT COALESCE(MAX(id), 0) AS version FROM import_batch").item()

    if current() != version:
        return
    read = {name: _read(query, name, after_batch) for name in names}
    if current() != version:
        return
    for name, frame in read.items():
        # The snapshot's own files: a province's labour frame, handed over as Arrow IPC, took
        # 17 s to write and 15 s to read back, then 17 s more to write as the snapshot.
        if name == "labour":
            write_labour(frame, out / _file_name(name))
        else:
            write_frame(frame, out / _file_name(name))


if __name__ == "__main__":
    store, ver, after, target, *asked = sys.argv[1:]
    _child(store, int(ver), int(after) if after else None, Path(target), asked)
