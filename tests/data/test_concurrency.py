"""Writers and readers at once, on SQLite and PostgreSQL: imports, undo, status updates and
notes run one at a time or are refused with a clear message, never half; the Parquet snapshot
of every data version holds what the store held at that version, whoever cleans up beside it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from data import frames as frames_module
from data import importer
from data.edits import add_note, update_status
from data.frames import Frames, load_frames
from data.importer import StoreWriter, import_files
from data.store import _sqlite_pragmas, data_version
from data.undo import undo_batch
from tests.data.test_import import assert_store_unchanged, dump, labour_ledger
from tests.data.test_ledger import labour_row

ROOT = Path(__file__).resolve().parents[2]
AUGUST = dt.date(2020, 8, 1)
BUSY = "另一项写入（导入、保存或撤销）正在进行，请稍后再试"


def _month_ledger(folder: Path, month: int, people: int = 12, **changes: object) -> Path:
    rows = [labour_row(n, 统计月份=f"2020-{month:02d}", **changes) for n in range(people)]
    return labour_ledger(folder / f"{month}月-{len(list(folder.iterdir()))}.xlsx", rows)


def _url(engine: Engine) -> str:
    """A URL another process can open on the same store (PostgreSQL: the test's own schema)."""
    if engine.dialect.name == "sqlite":
        return str(engine.url)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    options = urllib.parse.quote(f"-csearch_path={schema}")
    return engine.url.render_as_string(hide_password=False) + f"?options={options}"


def _other_engine(engine: Engine) -> Engine:
    """A second engine on the same store, with a pool of its own (as another process has)."""
    if engine.dialect.name == "sqlite":
        other = create_engine(str(engine.url), connect_args={"timeout": 60})
        event.listen(other, "connect", _sqlite_pragmas)
        return other
    return create_engine(_url(engine))


def assert_snapshot_is_the_store(engine: Engine) -> None:
    """The snapshot of the store's data version holds exactly what the store holds."""
    with engine.connect() as conn:
        version = data_version(engine, conn)
        folder = frames_module._snapshot_dir(engine, conn)
        snapshot = frames_module._read_snapshot(folder / frames_module._snapshot_name(version))
        fresh = Frames(**frames_module._read_frames(conn, list(frames_module._SCHEMAS)))
    for name in frames_module._SNAPSHOT_FRAMES:
        try:
            assert_frame_equal(getattr(snapshot, name), getattr(fresh, name))
        except AssertionError as differs:
            raise AssertionError(f"the snapshot's {name} is not the store's: {differs}") from None


# --- the snapshot and its clean-up -----------------------------------------------------------


def test_a_snapshot_being_written_survives_a_newer_version_s_clean_up(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reported failure: a process still writing the snapshot of its version lost its
    folder to the clean-up of a process that had written a newer one (FileNotFoundError after
    导入成功). Here one thread is held half-way through its snapshot while another writes,
    loads and cleans up."""
    assert import_files(engine, [_month_ledger(tmp_path, 8)]).ok
    first = data_version(engine)
    held, release = threading.Event(), threading.Event()
    read = frames_module._read_frames

    def slow_read(*args, **kwargs):
        if threading.current_thread().name == "slow":
            held.set()
            assert release.wait(60)
        return read(*args, **kwargs)

    monkeypatch.setattr(frames_module, "_read_frames", slow_read)
    outcome: dict[str, object] = {}

    def slow_load() -> None:
        try:
            outcome["frames"] = load_frames(engine)
        except BaseException as failed:  # noqa: BLE001 - the test reports it
            outcome["failed"] = failed

    slow = threading.Thread(target=slow_load, name="slow")
    slow.start()
    try:
        assert held.wait(60)
        assert import_files(engine, [_month_ledger(tmp_path, 9)]).ok
        newer = load_frames(engine)  # writes the newer snapshot and cleans up
    finally:
        release.set()
        slow.join(60)

    assert "failed" not in outcome, repr(outcome.get("failed"))
    old = outcome["frames"]
    assert old.batches.get_column("id").to_list() == [first]
    assert newer.batches.get_column("id").to_list() == [first, data_version(engine)]
    assert old.labour.get_column("month").unique().to_list() == [AUGUST]
    assert_snapshot_is_the_store(engine)


@pytest.mark.parametrize("vanishing", ["current", "base"])
def test_a_reader_whose_snapshot_is_cleaned_up_under_it_reads_again(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vanishing: str
) -> None:
    """The snapshot a reader is in (its version's, or the older one it patches) is deleted
    while it reads: it reads again, and gets the store as it is."""
    assert import_files(engine, [_month_ledger(tmp_path, 8)]).ok
    load_frames(engine)
    assert import_files(engine, [_month_ledger(tmp_path, 9)]).ok
    if vanishing == "current":
        load_frames(engine)
    read = frames_module._read_snapshot
    gone = []

    def vanishing_read(snapshot: Path) -> Frames:
        if not gone:
            gone.append(snapshot.name)
            shutil.rmtree(snapshot)
        return read(snapshot)

    monkeypatch.setattr(frames_module, "_read_snapshot", vanishing_read)
    frames = load_frames(engine)

    assert gone
    assert frames.batches.height == 2
    assert sorted(frames.labour.get_column("month").unique()) == [AUGUST, dt.date(2020, 9, 1)]
    assert_snapshot_is_the_store(engine)


def test_the_clean_up_keeps_the_newest_snapshots_and_those_being_written(
    engine: Engine, tmp_path: Path
) -> None:
    for month in (6, 7, 8, 9, 10):
        assert import_files(engine, [_month_ledger(tmp_path, month)]).ok
        load_frames(engine)
    with engine.connect() as conn:
        folder = frames_module._snapshot_dir(engine, conn)
    version = data_version(engine)
    name = frames_module._snapshot_name
    # A live writer's half-written snapshot (this process), and a dead one's (no such pid).
    live = folder / f"{frames_module._partial_prefix(name(version - 4))}live"
    dead = folder / f"{name(version - 4)}.{2**22 + 1}@{socket.gethostname()}.dead"
    live.mkdir()
    dead.mkdir()

    frames_module._clean(folder)

    kept = sorted(p.name for p in folder.iterdir())
    newest = [name(v) for v in range(version - frames_module.KEEP_SNAPSHOTS + 1, version + 1)]
    assert kept == sorted([*newest, live.name])


# --- writers one at a time --------------------------------------------------------------------


def test_a_write_that_waits_too_long_for_another_is_refused_cleanly(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one write holds the store, every other writer waits at most WRITE_WAIT_SECONDS
    and is then refused with a clear message, changing nothing."""
    assert import_files(engine, [_month_ledger(tmp_path, 8)]).ok
    person = load_frames(engine).labour.row(0, named=True)
    monkeypatch.setattr(importer, "WRITE_WAIT_SECONDS", 0.5, raising=False)
    before = dump(engine)
    writes: dict[str, Callable[[Engine], str]] = {
        "import": lambda e: import_files(e, [_month_ledger(tmp_path, 9)]).report(),
        "undo": lambda e: undo_batch(e, 1, user="t").report(),
        "status": lambda e: update_status(
            e, id_number=person["id_number"], month=AUGUST, values={"wish": "外出务工"}, user="t"
        ).report(),
        "note": lambda e: add_note(
            e,
            household=person["household"],
            noted_on=AUGUST,
            author="王",
            text="回访",
            next_step=None,
            user="t",
        ).report(),
    }
    reports: dict[str, object] = {}

    def contend(other: Engine) -> None:
        for what, write in writes.items():
            try:
                reports[what] = write(other)
            except BaseException as failed:  # noqa: BLE001 - the test reports it
                reports[what] = failed

    other = _other_engine(engine)
    holder = StoreWriter(engine).__enter__()
    try:
        contender = threading.Thread(target=contend, args=(other,))
        contender.start()
        contender.join(30)  # four writes of half a second each; never the whole import's time
        finished = not contender.is_alive()
    finally:
        holder.__exit__(None, None, None)
        contender.join(120)
        other.dispose()

    assert finished, "a writer waited without bound"
    for what, report in reports.items():
        assert isinstance(report, str) and BUSY in report, (what, report)
        assert "Traceback" not in report
    assert_store_unchanged(before, engine)
    # Once the store is free, the same writes go through.
    assert import_files(engine, [_month_ledger(tmp_path, 9)]).ok


def test_an_import_refused_for_a_busy_store_does_not_blame_the_files(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusal says the store was busy and the files are fine, not "rejected: correct them";
    errors the files do have (the valid rows were to go in) are listed, the refusal not among
    them."""
    assert import_files(engine, [_month_ledger(tmp_path, 8)]).ok
    monkeypatch.setattr(importer, "WRITE_WAIT_SECONDS", 0.5, raising=False)
    clean = _month_ledger(tmp_path, 9)
    rows = [labour_row(n, 统计月份="2020-10") for n in range(3)]
    rows[1] = rows[1] | {"劳动能力": "能干"}
    bad = labour_ledger(tmp_path / "10月.xlsx", rows)
    other = _other_engine(engine)
    holder = StoreWriter(engine).__enter__()
    try:
        fine = import_files(other, [clean])
        partly = import_files(other, [bad], keep_valid=tmp_path / "rejects.xlsx")
    finally:
        holder.__exit__(None, None, None)
        other.dispose()

    zh, en = fine.report("zh"), fine.report("en")
    assert zh.splitlines()[0] == (
        "没有导入：另一项写入（导入、保存或撤销）正在进行，请稍后再试"
        "（已等待 0.5 秒，本次没有写入任何数据）；文件没有问题，不必修改"
    )
    assert en.splitlines()[0] == (
        "Not imported: another write (an import, a save or an undo) is in progress: try again "
        "later (waited 0.5 s; nothing was written); the files are fine, nothing to correct"
    )
    assert "改正" not in zh and "错误" not in zh and "correct them" not in en
    assert not fine.ok and fine.busy is not None
    assert not partly.ok and partly.busy is not None
    lines = partly.report("zh").splitlines()
    assert lines[0].endswith("；文件中另有 1 个错误，见下")
    assert lines[2:] == ["错误 1 个：", "  10月.xlsx / 台账"] + [lines[4]]
    assert "劳动能力" in lines[4] and BUSY not in lines[4] and len(lines) == 5


def test_imports_in_processes_at_once_each_end_cleanly(engine: Engine, tmp_path: Path) -> None:
    """Four `python -m data import` at once, each followed by its snapshot (as the CLI does):
    each succeeds, one after another, or is refused with the clear message, and never says
    导入成功 and then fails. The final data version's snapshot equals the store."""
    ledgers = [_month_ledger(tmp_path, month, people=30) for month in (5, 6, 7, 8)]
    env = dict(os.environ, DATABASE_URL=_url(engine), PYTHONPATH=str(ROOT))
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "data", "import", str(ledger)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ledger in ledgers
    ]
    outputs = [p.communicate(timeout=300) for p in started]
    ended = [(p.returncode, out, err) for p, (out, err) in zip(started, outputs, strict=True)]

    for code, out, err in ended:
        assert "Traceback" not in out + err, err
        if code == 0:
            assert "导入成功" in out and "frames ready" in out, out
        else:
            assert code == 1 and BUSY in err and "导入成功" not in out, (code, out, err)
    assert any(code == 0 for code, _, _ in ended)
    assert data_version(engine) == sum(code == 0 for code, _, _ in ended)
    assert_snapshot_is_the_store(engine)


def test_an_import_racing_with_status_updates_ends_cleanly(engine: Engine, tmp_path: Path) -> None:
    """Re-imports of a month and status updates of its people at once, on engines of their own,
    each followed by a load of the frames (as the pages do): every write succeeds or is refused
    for a reason it states, nothing raises, and the snapshot of the last version is the store."""
    assert import_files(engine, [_month_ledger(tmp_path, 8)]).ok
    load_frames(engine)
    ledgers = [
        _month_ledger(tmp_path, 8, **{"培训需求": need}) for need in ("电工", "焊工", "厨师")
    ]
    failures: list[BaseException] = []
    outcomes: list[tuple[str, bool, str]] = []

    def importing(own: Engine) -> None:
        for ledger in ledgers:
            result = import_files(own, [ledger])
            outcomes.append(("import", result.ok, result.report()))
            load_frames(own)

    def editing(own: Engine) -> None:
        for n in range(6):
            person = load_frames(own).labour.row(n % 4, named=True)
            seen = {k: person[k] for k in ("status", "wish", "training_need")}
            wish = "外出务工" if person["wish"] != "外出务工" else "就近就业"
            result = update_status(
                own,
                id_number=person["id_number"],
                month=AUGUST,
                values={"wish": wish},
                seen=seen,
                user=f"楼长{n}",
            )
            outcomes.append(("status", result.ok, result.report()))
            load_frames(own)

    def run(work: Callable[[Engine], None]) -> None:
        own = _other_engine(engine)
        try:
            work(own)
        except BaseException as failed:  # noqa: BLE001 - the test reports it
            failures.append(failed)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(w,)) for w in (importing, editing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)

    assert not failures, failures
    assert len(outcomes) == 9
    for what, ok, report in outcomes:
        # A status update drawn before a re-import is refused; nothing else may fail.
        assert ok or (what == "status" and "修改" in report), (what, report)
    load_frames(engine)
    assert_snapshot_is_the_store(engine)
    assert load_frames(engine).labour.height == 12
