"""The SQL console's queries, each run in a child process that can be stopped.

A query runs inside polars, which a Python thread cannot interrupt: in the server's process, one
self-join held the server's cores (and polars' thread pool, which every session's page uses)
for minutes, and a deeply nested expression could crash it. So each query runs in its own
process, started fresh (never a fork of the server: `subprocess` executes a new interpreter):

- at the lowest priority (`nice` 19) and on one polars thread, so the server's sessions keep the
  cores whatever it does;
- with a memory limit (`RLIMIT_DATA`: the memory the query allocates; the tables it reads are
  mapped files, shared with the page cache and not counted) and a CPU-time limit, the kernel's
  own stop should this process die first;
- for at most `TIMEOUT_S` seconds of wall-clock time, after which it is killed;
- with at most `MAX_RUNNING` such processes at once on the machine (every worker of `make serve`
  together: a turn is a lock on one of `MAX_RUNNING` files), and a result of at most the
  row limit (+1, to tell there were more) and `MAX_RESULT_BYTES`.

The child reads nothing but the viewer's tables, which the server has already cut to the scope,
masked and keyed (`analytics.query.query_tables`): `ConsoleTables` writes them once per data
version, scope and full view as Arrow IPC files in a folder only the service's user can open
(0700), removed when the server lets go of them. The child needs no secret (the person keys are
in the files), and gets the folder and the query on its standard input, never in its arguments
or environment. It checks the query again, as `analytics.query.run_query` does, and answers with
one line of JSON, then the result as Arrow IPC.
"""

from __future__ import annotations

import atexit
import fcntl
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from analytics.query import (
    DEFAULT_LIMIT,
    QUERY_TABLES,
    PersonKeys,
    QueryError,
    QueryProblem,
    QueryRefused,
    QueryResult,
    check_query,
    query_table,
    run_query,
)
from analytics.rates import plain

if TYPE_CHECKING:  # the child process imports this module: as little as it needs
    from data.frames import Frames

TIMEOUT_S = 20.0
MEMORY_BYTES = 2 << 30  # what one query may allocate
MAX_RESULT_BYTES = 64 << 20  # the result as Arrow IPC: 10,000 rows of 6 KiB each at most
MAX_RUNNING = 2  # queries at once on the machine; more wait (within their time) for a turn
_ROOT = Path(__file__).resolve().parent.parent  # the repository: the child imports from it
_SLICE_S = 0.1  # how often the wait looks at its stop event, and for a free turn
_log = logging.getLogger(__name__)


def _turns_folder() -> Path:
    """Where the turns' lock files are: one folder for every server process of this user on
    the machine (CONSOLE_TURNS_DIR to choose another)."""
    chosen = os.environ.get("CONSOLE_TURNS_DIR")
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / f"console-turns-{os.getuid()}"


@contextmanager
def _turn(timeout: float) -> Iterator[bool]:
    """One of the machine's `MAX_RUNNING` turns, waited for up to `timeout` seconds: yields
    whether it got one. A turn is an exclusive `flock` of a file: per open file, so threads of
    one server and other servers wait alike, and the kernel frees it when its holder dies
    (a worker killed mid-query leaves no turn taken)."""
    folder = _turns_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        for slot in range(MAX_RUNNING):
            handle = open(folder / f"turn-{slot}.lock", "a")  # noqa: SIM115 - held past this loop
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield True
            finally:
                handle.close()  # closing the file ends its lock
            return
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(_SLICE_S)


class QueryStopped(QueryProblem):
    """A query stopped before it finished: over its time or memory, or it failed outright."""


class ConsoleTables(Mapping[str, pl.LazyFrame]):
    """The tables a viewer's queries see (`analytics.query.query_table`'s frames), written as
    Arrow IPC files for the child processes to map, and scans of those files under their SQL
    names: the server keeps none of their rows. A table given as parts (labour, a month each)
    is written a part at a time. The files go when this object does."""

    def __init__(self, tables: Mapping[str, pl.DataFrame | Iterable[pl.DataFrame]]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tables-", dir=_private_root()))
        weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        self.heights: dict[str, int] = {}
        for name, table in tables.items():
            parts = [table] if isinstance(table, pl.DataFrame) else table
            self.heights[name] = _write_parts(parts, self.folder / f"{name}.arrow")

    def __getitem__(self, name: str) -> pl.LazyFrame:
        if name not in self.heights:
            raise KeyError(name)
        return pl.scan_ipc(self.folder / f"{name}.arrow")

    def __iter__(self) -> Iterator[str]:
        return iter(self.heights)

    def __len__(self) -> int:
        return len(self.heights)


def _write_parts(parts: Iterable[pl.DataFrame], path: Path) -> int:
    """`parts` one after another as one Arrow IPC file, readable by this user alone; the rows
    written. Uncompressed, so that the child maps the file instead of reading it into memory."""
    import pyarrow as pa  # the server's alone: the child process only reads

    rows, writer = 0, None
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as sink:
        for part in parts:
            # Text, not categorical: every part's dictionary would differ, one file's may not.
            batch = plain(part).to_arrow()
            if writer is None:
                writer = pa.ipc.new_file(sink, batch.schema)
            writer.write_table(batch)
            rows += part.height
        if writer is None:
            raise ValueError(f"no parts to write for {path.name}")
        writer.close()
    return rows


def console_tables(frames: Frames, full: bool) -> ConsoleTables:
    """The console's tables of `frames` (cut to the viewer's scope; ID numbers in full when
    `full`): labour read, masked and written a month at a time, never every month at once."""
    months = frames.households.get_column("month").unique().sort().to_list()
    keys = PersonKeys()  # each person's key worked out once, not once a month

    def labour() -> Iterator[pl.DataFrame]:
        for month in months or [None]:
            rows = frames.labour_slice([month] if month is not None else [])
            yield query_table("labour", rows, full, keys)

    return ConsoleTables(
        {
            name: labour()
            if name == "labour"
            else query_table(name, getattr(frames, attr), full, keys)
            for name, attr in QUERY_TABLES.items()
        }
    )


_private: Path | None = None
_private_lock = threading.Lock()


def _private_root() -> Path:
    """This process's own folder for console tables, under the system's temporary folder
    (TMPDIR): created 0700 by `mkdtemp`, removed when the process exits, and by the next server
    to start should this one be killed first (the tables may hold full ID numbers)."""
    global _private
    with _private_lock:
        if _private is None or not _private.is_dir():
            _remove_left_over()
            _private = Path(tempfile.mkdtemp(prefix=f"console-{os.getpid()}-"))
            atexit.register(shutil.rmtree, _private, ignore_errors=True)
        return _private


def _remove_left_over() -> None:
    """Remove the console folders of this user's servers that are no longer running."""
    for folder in Path(tempfile.gettempdir()).glob("console-*-*"):
        pid = folder.name.split("-")[1]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)  # raises if no such process: the server that wrote it is gone
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def run_console_query(
    tables: ConsoleTables,
    sql: str,
    limit: int = DEFAULT_LIMIT,
    *,
    timeout: float = TIMEOUT_S,
    memory: int = MEMORY_BYTES,
    stop: threading.Event | None = None,
) -> QueryResult:
    """`analytics.query.run_query` over `tables`, in a child process: at most `timeout` seconds
    (waiting for a turn included) and `memory` bytes allocated. `stop`, when set, ends it early.

    Raises `QueryRefused` and `QueryError` as `run_query` does, and `QueryStopped` for a query
    that ran out of time or memory, or whose process failed.
    """
    check_query(sql, tables)  # a refusal needs no process
    deadline = time.monotonic() + timeout
    with _turn(timeout) as turn:
        if not turn:
            seconds = f"{timeout:g}"
            raise QueryStopped(
                f"已有 {MAX_RUNNING} 条查询在运行，{seconds} 秒内没有轮到这条，请稍后再试。",
                f"{MAX_RUNNING} queries are running already, and this one got no turn within "
                f"{seconds} s: try again shortly.",
            )
        return _run_child(tables, sql, limit, deadline, timeout, memory, stop)


def _run_child(
    tables: ConsoleTables,
    sql: str,
    limit: int,
    deadline: float,
    timeout: float,
    memory: int,
    stop: threading.Event | None,
) -> QueryResult:
    job = {
        "folder": str(tables.folder),
        "tables": sorted(tables),
        "sql": sql,
        "limit": limit,
        "memory": memory,
        # The kernel's stop if this server died before killing it: CPU seconds, at least one.
        "cpu_seconds": max(1, int(timeout) + 5),
        "max_bytes": MAX_RESULT_BYTES,
    }
    child = _take_child()
    try:
        payload: bytes | None = json.dumps(job).encode()
        while True:
            wait = min(_SLICE_S, max(0.0, deadline - time.monotonic()))
            try:
                out, err = child.communicate(payload, timeout=wait)
                break
            except subprocess.TimeoutExpired:
                payload = None  # sent already: communicate() keeps what it has read
                if stop is not None and stop.is_set():
                    raise QueryStopped("查询已停止。", "The query was stopped.") from None
                if time.monotonic() >= deadline:
                    raise _over_time(timeout) from None
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    return _answer(out, err, child.returncode, memory)


# A child started ahead, waiting for its job with polars imported: starting the interpreter and
# importing take 0.3 s (more on a busy machine, at nice 19), which a query then does not wait for.
_spare: subprocess.Popen | None = None
_spare_lock = threading.Lock()


def _start_child() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-E", "-m", "data.console"],
        cwd=_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # Nothing of the server's environment: only what the interpreter and polars need.
        env={"PATH": os.environ.get("PATH", ""), "POLARS_MAX_THREADS": "1", "LANG": "C.UTF-8"},
        start_new_session=True,  # a terminal's Ctrl+C is for the server, which then kills it
    )


def _take_child() -> subprocess.Popen:
    """The spare child (a new one if it is gone), and a new spare for the next query."""
    global _spare
    with _spare_lock:
        child = _spare if _spare is not None and _spare.poll() is None else None
        if child is None:
            if _spare is None:  # the first query of this server: a spare for the next ones
                atexit.register(_drop_spare)
            child = _start_child()
        _spare = _start_child()
    return child


def _drop_spare() -> None:
    with _spare_lock:
        if _spare is not None and _spare.poll() is None:
            _spare.kill()
            _spare.communicate()


def _over_time(timeout: float) -> QueryStopped:
    seconds = f"{timeout:g}"
    return QueryStopped(
        f"查询超过 {seconds} 秒，已停止。请缩小范围（加 WHERE 条件、先汇总再关联）后再试。",
        f"The query ran over {seconds} s and was stopped. Narrow it (a WHERE condition, or "
        "summarise before joining) and try again.",
    )


def _over_memory(memory: int) -> QueryStopped:
    size = f"{memory / (1 << 30):g} GiB"
    return QueryStopped(
        f"查询所需内存超过 {size}，已停止。请缩小范围（加 WHERE 条件、先汇总再关联）后再试。",
        f"The query needed more than {size} of memory and was stopped. Narrow it (a WHERE "
        "condition, or summarise before joining) and try again.",
    )


def _answer(out: bytes, err: bytes, returncode: int, memory: int) -> QueryResult:
    """The child's answer: its result, or the problem it reported or died of."""
    head, _, body = out.partition(b"\n")
    try:
        answer = json.loads(head) if head else {}
    except ValueError:
        answer = {}
    if answer.get("ok"):
        frame = pl.read_ipc(io.BytesIO(body))
        return QueryResult(frame, answer["truncated"], answer["rows_total"])
    kind = answer.get("kind")
    if kind in ("refused", "error"):
        problem = QueryRefused if kind == "refused" else QueryError
        raise problem(answer["zh"], answer["en"])
    if kind == "too_big":
        mib = f"{MAX_RESULT_BYTES >> 20}"
        raise QueryStopped(
            f"查询结果超过 {mib} MiB，已停止。请少选几列或缩短文本。",
            f"The result is larger than {mib} MiB and was stopped. Select fewer or shorter "
            "columns.",
        )
    text = err.decode(errors="replace")
    # Out of memory: Python's MemoryError, or polars' allocator aborting the process.
    if kind == "memory" or "memory allocation of" in text or "MemoryError" in text:
        raise _over_memory(memory)
    _log.warning("console query process ended with %s: %s", returncode, text[-2000:])
    raise QueryStopped(
        "查询意外中止（已记入服务器日志）。请简化查询后再试。",
        "The query ended unexpectedly (written to the server log). Simplify it and try again.",
    )


# --- the child ---------------------------------------------------------------------------------


def _child() -> None:
    """Run the job on standard input; answer on standard output (see `_answer`)."""
    import resource

    received = sys.stdin.buffer.read()
    if not received:  # a spare whose server has gone
        return
    job = json.loads(received)
    os.nice(19)
    resource.setrlimit(resource.RLIMIT_DATA, (job["memory"], job["memory"]))
    resource.setrlimit(resource.RLIMIT_CPU, (job["cpu_seconds"], job["cpu_seconds"]))
    out = sys.stdout.buffer
    try:
        files = {name: str(Path(job["folder"]) / f"{name}.arrow") for name in job["tables"]}
        # Scans of the mapped files: a query loads only the columns it reads.
        tables = {name: pl.scan_ipc(path) for name, path in files.items()}
        result = run_query(tables, job["sql"], job["limit"], sources=files.values())
        body = io.BytesIO()
        result.frame.write_ipc(body, compression="uncompressed")
    except QueryProblem as problem:
        kind = "refused" if isinstance(problem, QueryRefused) else "error"
        answer, body = {"kind": kind, "zh": problem.zh, "en": problem.en}, None
    except MemoryError:
        answer, body = {"kind": "memory"}, None
    else:
        if body.tell() > job["max_bytes"]:
            answer, body = {"kind": "too_big"}, None
        else:
            answer = {"ok": True, "truncated": result.truncated, "rows_total": result.rows_total}
    out.write(json.dumps(answer).encode() + b"\n")
    if body is not None:
        out.write(body.getbuffer())
    out.flush()


if __name__ == "__main__":
    _child()
