"""The SQLite store on disk: readable by the service's user only, as the snapshots are."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from data.audit import record_event
from data.store import get_engine, init_store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_its_wal_and_its_folder_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: files 0644 unless the app says otherwise
    try:
        database = tmp_path / "new" / "store.sqlite"
        engine = get_engine(f"sqlite:///{database}")
        init_store(engine)
        assert _mode(database) == 0o600
        assert _mode(database.parent) == 0o700
        with engine.connect() as conn:  # an open connection keeps the WAL and SHM files
            record_event(engine, "wang", "sign_in")
            wal, shm = (database.with_name(f"store.sqlite-{end}") for end in ("wal", "shm"))
            assert wal.stat().st_size > 0, "the write went to the WAL"
            assert _mode(wal) == 0o600 and _mode(shm) == 0o600
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    finally:
        os.umask(old)


def test_a_store_made_world_readable_by_an_earlier_release_is_narrowed(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        database = tmp_path / "old.sqlite"
        sqlite3.connect(database).close()
        database.chmod(0o644)
        engine = get_engine(f"sqlite:///{database}")
        init_store(engine)
        assert _mode(database) == 0o600
        engine.dispose()
    finally:
        os.umask(old)


def test_a_workers_many_sessions_each_get_a_connection_at_once(tmp_path: Path) -> None:
    # 100 sessions of one worker read at the same moment: none waits for another's connection
    # (the default pool of 5 + 10 made the 16th wait 30 s, then fail the page).
    engine = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    init_store(engine)
    held = [engine.connect() for _ in range(40)]
    try:
        assert all(c.exec_driver_sql("SELECT 1").scalar() == 1 for c in held)
    finally:
        for conn in held:
            conn.close()
        engine.dispose()
