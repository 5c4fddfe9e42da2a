"""Console queries in a child process: the same answers as in the server's own process, but a
query that would run for minutes, or take all the memory, is stopped and says so, the server's
other work goes on meanwhile, and the tables the child reads are the service user's alone.
"""

from __future__ import annotations

import gc
import os
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import data.console
from analytics.query import EXAMPLE_QUERIES, QueryError, QueryRefused, query_tables, run_query
from data.console import ConsoleTables, QueryStopped, run_console_query
from data.frames import load_frames
from data.store import get_engine
from tests.unit.test_query import _frames

# Four self-joins of 3,000 rows: 8·10¹³ combinations, hours of work on any machine.
CROSS_JOIN = (
    "SELECT SUM(a.n * b.n + c.n * d.n) AS s FROM numbers a, numbers b, numbers c, numbers d"
)


@pytest.fixture(scope="module")
def tables() -> ConsoleTables:
    return ConsoleTables(query_tables(_frames(), full=False))


@pytest.fixture(scope="module")
def numbers() -> ConsoleTables:
    return ConsoleTables({"numbers": pl.DataFrame({"n": range(3_000), "t": "x" * 20})})


# Queries whose rows come in one order only: the same rows in another order would be the same
# answer, but not an equal frame.
SAME_ANSWERS = [
    "SELECT * FROM labour",
    "SELECT township, COUNT(*) AS n FROM labour GROUP BY township ORDER BY township",
    "SELECT l.name, s.amount FROM labour l JOIN subsidies s ON l.person_key = s.person_key "
    "ORDER BY l.name",
    "SELECT name, birth_year, id_number, phone FROM labour ORDER BY name",
    EXAMPLE_QUERIES["subsidies_by_kind"],
    EXAMPLE_QUERIES["trained_unemployed"],
]


@pytest.mark.parametrize("sql", SAME_ANSWERS)
def test_a_query_answers_as_it_did_in_the_servers_process(tables, sql: str) -> None:
    here = run_query(query_tables(_frames(), full=False), sql)
    there = run_console_query(tables, sql)
    assert_frame_equal(there.frame, here.frame)
    assert (there.truncated, there.rows_total) == (here.truncated, here.rows_total)


def test_the_limit_and_the_problems_come_back_as_before(tables) -> None:
    cut = run_console_query(tables, "SELECT name FROM labour ORDER BY room", limit=2)
    assert cut.frame.height == 2 and cut.truncated and cut.rows_total is None
    with pytest.raises(QueryError) as failed:
        run_console_query(tables, "SELECT nosuch FROM labour")
    assert "nosuch" in failed.value.en and "Resolved plan" not in failed.value.en
    with pytest.raises(QueryRefused):
        run_console_query(tables, "SELECT * FROM read_csv('/etc/hosts')")


def test_a_cross_join_over_the_time_limit_is_stopped_and_says_so(numbers) -> None:
    with pytest.raises(QueryStopped) as stopped:
        run_console_query(numbers, CROSS_JOIN, timeout=2)
    assert stopped.value.zh.startswith("查询超过 2 秒，已停止")
    assert stopped.value.en.startswith("The query ran over 2 s and was stopped")


def test_a_query_over_the_memory_limit_is_stopped_and_says_so(numbers) -> None:
    # 9 million 40-character strings, sorted: far more than 200 MiB.
    sql = "SELECT a.t || b.t || a.n AS s FROM numbers a, numbers b ORDER BY s DESC"
    with pytest.raises(QueryStopped) as stopped:
        run_console_query(numbers, sql, memory=200 << 20, timeout=120)
    assert "内存" in stopped.value.zh and "memory" in stopped.value.en


def test_a_huge_arithmetic_expression_does_not_run(tables) -> None:
    sql = "SELECT " + "+".join(["1"] * 9_800) + " AS x FROM labour"  # 19.6 KB: 216 s in polars
    with pytest.raises(QueryRefused):
        run_console_query(tables, sql)


def test_a_result_over_its_size_is_stopped(tables, monkeypatch) -> None:
    monkeypatch.setattr(data.console, "MAX_RESULT_BYTES", 1_000)
    with pytest.raises(QueryStopped) as stopped:
        run_console_query(tables, "SELECT * FROM labour")
    assert "MiB" in stopped.value.en
    assert run_console_query(tables, "SELECT COUNT(*) AS n FROM labour").frame.item() == 4


def _children() -> dict[int, int]:
    """This process's child processes and their nice values."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found[int(entry.name)] = int(fields[16])
    return found


def test_other_sessions_go_on_while_a_heavy_query_runs(numbers, demo_store_url) -> None:
    stop = threading.Event()
    outcome: list[BaseException] = []

    def heavy() -> None:
        try:
            run_console_query(numbers, CROSS_JOIN, timeout=600, stop=stop)
        except BaseException as exc:  # noqa: BLE001 - the test looks at what ended it
            outcome.append(exc)

    runner = threading.Thread(target=heavy)
    runner.start()
    try:
        # The child running the query lowers its priority once it has its job (a spare child,
        # waiting for the next query, has not).
        deadline = time.monotonic() + 60
        while not (
            running := [
                p
                for p, nice in _children().items()
                if nice == 19 and data.console._spare and p != data.console._spare.pid
            ]
        ):
            assert time.monotonic() < deadline and runner.is_alive()
            time.sleep(0.05)
        (child,) = running
        # Another session's page: the store's frames and a figure from them, in this process.
        frames = load_frames(get_engine(demo_store_url))
        assert frames.labour.group_by("township").len().height > 1
        # ... done while the query still runs (it has hours of work, and no time limit to
        # speak of), at the lowest priority and with its memory bounded.
        assert runner.is_alive() and not outcome
        limits = Path(f"/proc/{child}/limits").read_text()
        assert f"Max data size {data.console.MEMORY_BYTES}" in " ".join(limits.split())
        environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
        assert b"POLARS_MAX_THREADS=1" in environ
    finally:
        stop.set()
        runner.join(timeout=60)
    assert not runner.is_alive()
    assert isinstance(outcome[0], QueryStopped) and "stopped" in outcome[0].en
    assert child not in _children()  # killed and reaped, not left running


def test_the_tables_the_child_reads_are_private_and_go_with_them() -> None:
    console = ConsoleTables(query_tables(_frames(), full=True))
    folder = console.folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    for file in folder.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert sorted(f.stem for f in folder.iterdir()) == sorted(console)
    del console
    gc.collect()
    assert not folder.exists()


def test_a_server_killed_first_leaves_no_tables_behind(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(data.console, "_private", None)
    dead = subprocess.Popen(["true"])  # a process that has ended: its id is free
    dead.wait()
    left = tmp_path / f"console-{dead.pid}-abc" / "tables-x"
    left.mkdir(parents=True)
    (left / "labour.arrow").write_bytes(b"full ID numbers")
    running = tmp_path / f"console-{os.getpid()}-def"  # another server of this process's
    running.mkdir()
    console = ConsoleTables(query_tables(_frames(), full=True))
    assert not left.parent.exists() and running.exists()
    assert console.folder.parent.parent == tmp_path


def test_a_query_waits_for_a_turn_another_server_holds_and_gets_it_when_that_one_dies(
    tables, monkeypatch, tmp_path
) -> None:
    # The machine's only turn, held by another process (another worker of `make serve`).
    monkeypatch.setenv("CONSOLE_TURNS_DIR", str(tmp_path))
    monkeypatch.setattr(data.console, "MAX_RUNNING", 1)
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX);"
            " print('held', flush=True); time.sleep(60)"
        ), str(tmp_path / "turn-0.lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(QueryStopped) as stopped:
            run_console_query(tables, "SELECT COUNT(*) AS n FROM labour", timeout=0.5)
        assert "没有轮到" in stopped.value.zh and "no turn" in stopped.value.en
    finally:
        holder.kill()
        holder.wait()
    # Killed mid-query, it holds no turn: the kernel let go of its lock.
    result = run_console_query(tables, "SELECT COUNT(*) AS n FROM labour", timeout=10)
    assert result.frame.height == 1


def test_two_threads_of_one_server_share_the_turns(tables, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CONSOLE_TURNS_DIR", str(tmp_path))
    monkeypatch.setattr(data.console, "MAX_RUNNING", 1)
    with data.console._turn(1) as first:
        assert first
        with data.console._turn(0.3) as second:
            assert not second  # the one turn is this server's other query's
    with data.console._turn(0.3) as again:
        assert again
