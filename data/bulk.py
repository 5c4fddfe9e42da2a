"""Labour records set aside while a new SQLite store is built, appended at the end by ADBC in a
process of its own.

Python's sqlite3 binds every value of every row as a Python object: at province scale, 26
million records × 19 columns. ADBC binds them from Arrow columns in C: the last month of a
province's year took 33 s instead of 46 s (SQLite's own index work is the rest, either way), and
the imports of the year no longer wait on it. It carries its own copy of SQLite, so it runs in a
child process: two copies of SQLite in one process release each
other's file locks when either closes the file (sqlite.org/howtocorrupt, "multiple copies of
SQLite linked into the same application"). Only for a store that nothing else opens until its
build is done (the importer's `set_aside`): the records reach the store after their batches.

`python -m data.bulk STORE FOLDER` is the child; `append` starts it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

TABLE = "labour_record"
CACHE_KIB = 1_048_576  # SQLite's page cache for the appends: 1 GiB


def _parts(folder: Path) -> list[Path]:
    # Named by their first and last id, zero-padded: in name order, in id order.
    return sorted(folder.glob("*.arrow"))


def next_id(folder: Path) -> int:
    """The id after the last record set aside in `folder` (1 when there is none)."""
    parts = _parts(folder)
    return int(parts[-1].stem.split("-")[1]) + 1 if parts else 1


def set_aside(folder: Path, records: pl.DataFrame) -> None:
    """Keep `records` (as SQLite stores them: dates as text, booleans as 0/1) for `append`."""
    folder.mkdir(parents=True, exist_ok=True)
    first, last = records["id"].min(), records["id"].max()
    partial = folder / f"{first:012d}-{last:012d}.partial"
    records.write_ipc(partial, compression="uncompressed")
    partial.rename(partial.with_suffix(".arrow"))


def append(database: Path, folder: Path) -> int:
    """Append every record set aside in `folder` to the SQLite file `database`, in one
    transaction, then delete them; return how many. Raises RuntimeError when that failed."""
    if not _parts(folder):
        return 0
    done = subprocess.run(
        [sys.executable, "-m", "data.bulk", str(database), str(folder)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    if done.returncode != 0:
        raise RuntimeError(f"appending the records to {database} failed: {done.stderr.strip()}")
    rows = int(done.stdout.strip().splitlines()[-1])
    for part in _parts(folder):
        part.unlink()
    return rows


def _child(database: str, folder: Path) -> int:
    import adbc_driver_sqlite.dbapi as adbc

    rows = 0
    # Autocommit, so that the pragmas may run; the appends are one transaction of their own.
    with adbc.connect(database, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("PRAGMA busy_timeout = 60000")
        # The month's part of the index by household is written in household order, not the
        # records' order: with SQLite's default 2 MiB of cache, pages went out and came back
        # (a province's last month, 54 s instead of 33 s).
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cur.execute("BEGIN IMMEDIATE")
        try:
            # Built once from the rows, sorted, rather than kept up row by row: a million
            # persons' year, 79 s instead of 100 s. The UNIQUE (person_id, month) index is the
            # table's own and stays (SQLite cannot drop it).
            cur.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (TABLE,),
            )
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            for part in _parts(folder):
                rows += cur.adbc_ingest(TABLE, pl.read_ipc(part).to_arrow(), mode="append")
            for _, sql in indexes:
                cur.execute(sql)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
    return rows


if __name__ == "__main__":
    print(_child(sys.argv[1], Path(sys.argv[2])))
