"""Undoing a whole batch, on SQLite and PostgreSQL: the store comes back exactly as it was before
the batch (same ids, same values), and a refused undo changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text
from sqlalchemy.engine import Engine

from data.__main__ import main
from data.edits import add_note, update_status
from data.frames import load_frames
from data.importer import import_files
from data.store import data_version
from data.undo import undo_batch
from tests.data.test_import import (
    CAPTAINS,
    SITES,
    TABLES,
    assert_store_unchanged,
    boundaries,
    dump,
    labour_ledger,
    people,
    reference_files,
)
from tests.data.test_ledger import grid, labour_row, make_id, write_xlsx

AUGUST = dt.date(2020, 8, 1)
HISTORY = ("import_batch", "batch_change")  # the only tables an undo adds to


def assert_undone(before: dict[str, pl.DataFrame], engine: Engine, batch_id: int) -> None:
    """The store equals `before`, but for the history: one more batch, and `batch_id` undone."""
    after = dump(engine)
    for table in TABLES:
        if table not in HISTORY:
            same(after[table], before[table], table)
    batches = after["import_batch"]
    undo_id = batches["id"].max()
    assert batches.filter(pl.col("id") == batch_id)["undone_by"].to_list() == [undo_id]
    earlier = batches.filter(pl.col("id").is_in(before["import_batch"]["id"].implode()))
    assert_frame_equal(
        earlier.with_columns(
            pl.when(pl.col("id") == batch_id).then(None).otherwise("undone_by").alias("undone_by")
        ),
        before["import_batch"],
        check_dtypes=False,
    )


def same(left: pl.DataFrame, right: pl.DataFrame, name: str) -> None:
    """Equal to the last bit: ids, texts, dates, floats."""
    try:
        assert_frame_equal(left, right, check_dtypes=False, check_exact=True)
    except AssertionError as exc:
        raise AssertionError(f"{name}: {exc}") from None


def undo(engine: Engine, batch_id: int) -> int:
    result = undo_batch(engine, batch_id, user="审核员")
    assert result.ok, result.report()
    return result.batch_id


def places(path: Path, sites: list[dict], captains: list[dict]) -> Path:
    return write_xlsx(path, {"点": grid(sites), "楼长": grid(captains)})


# --- the store comes back as it was -----------------------------------------------------------


def test_undo_of_a_first_import_empties_the_store(engine: Engine, tmp_path: Path) -> None:
    before = dump(engine)
    files = [labour_ledger(tmp_path / "8月.csv", people(6)), *reference_files(tmp_path)]
    # The demo is one batch like any import, and may be undone like one.
    result = import_files(engine, files, source="demo")
    assert result.ok, result.report()

    undone = undo_batch(engine, result.batch_id, user="审核员")

    assert undone.ok, undone.report()
    assert_undone(before, engine, result.batch_id)
    assert (undone.undone, undone.batch_id) == (result.batch_id, result.batch_id + 1)
    assert undone.counts["removed:labour_record"] == 6
    assert undone.counts["removed:person"] == 6
    assert "restored:labour_record" not in undone.counts
    batch = load_frames(engine).batches.filter(pl.col("id") == undone.batch_id).row(0, named=True)
    assert (batch["source"], batch["user"], batch["files"], batch["note"]) == (
        "undo",
        "审核员",
        "",
        f"撤销 #{result.batch_id}",
    )
    formats = load_frames(engine).batches.filter(pl.col("id") == result.batch_id)["formats"]
    assert (batch["formats"], batch["months"]) == (formats.item(), "2020-08")
    assert f"已撤销批次 #{result.batch_id}" in undone.report()
    assert "removed 6 labour records" in undone.report("en")


def test_undo_of_a_reimport_brings_back_rows_and_attributes(engine: Engine, tmp_path: Path) -> None:
    first = import_files(
        engine,
        [
            labour_ledger(tmp_path / "a.xlsx", people(8)),
            places(tmp_path / "p.xlsx", SITES, CAPTAINS),
        ],
    )
    assert first.ok, first.report()
    before = dump(engine)
    # New head names, two new people in a new building, a moved site, a new captain, a new
    # building only the captains' list names.
    rows = [labour_row(n, 户主姓名=f"新户主{n // 4}") for n in range(10)]
    moved = [SITES[0] | {"经度": 106.3, "纬度": 27.5}]
    captains = [
        CAPTAINS[0] | {"楼长": "赵六", "联系电话": "13911111111"},
        CAPTAINS[0] | {"楼栋": "9号楼", "楼长": "钱七"},
    ]
    second = import_files(
        engine,
        [labour_ledger(tmp_path / "b.xlsx", rows), places(tmp_path / "q.xlsx", moved, captains)],
    )
    assert second.ok and second.totals("labour").replaced == 8
    frames = load_frames(engine)
    assert frames.sites["lon"].to_list() == [106.3]
    assert set(frames.labour["head_name"]) == {"新户主0", "新户主1", "新户主2"}

    result = undo_batch(engine, second.batch_id, user="审核员")

    assert result.ok, result.report()
    assert_undone(before, engine, second.batch_id)
    assert result.counts == {
        "removed:labour_record": 10,
        "restored:labour_record": 8,
        "restored:site": 1,
        "restored:building": 1,
        "restored:household": 8,
        "removed:household": 2,
        "removed:building": 2,
        "removed:person": 2,
    }


def test_undo_of_a_boundary_import_restores_the_old_boundary(
    engine: Engine, tmp_path: Path
) -> None:
    assert import_files(engine, [labour_ledger(tmp_path / "a.csv", people(2))]).ok
    assert import_files(engine, [boundaries(tmp_path / "old.geojson", ["岩孔街道"])]).ok
    before = dump(engine)
    moved = {"type": "Polygon", "coordinates": [[[105, 26], [106, 26], [106, 27], [105, 26]]]}
    feature = {"type": "Feature", "properties": {"name": "岩孔街道"}, "geometry": moved}
    path = tmp_path / "new.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = import_files(engine, [path])
    assert result.ok
    assert json.loads(load_frames(engine).townships["boundary"][0]) == moved

    assert undo_batch(engine, result.batch_id, user="t").counts == {"restored:township": 1}
    assert_undone(before, engine, result.batch_id)


@pytest.fixture
def ledger_store(engine: Engine, tmp_path: Path) -> Engine:
    """Eight people of August 2020 (every third one unemployed), imported from a real file."""
    assert import_files(engine, [labour_ledger(tmp_path / "8月.xlsx", people(8))]).ok
    return engine


def _status(engine: Engine, n: int = 0, **values: object):
    return update_status(
        engine,
        id_number=make_id(n),
        month=AUGUST,
        values={"status": "已就业", "employment_type": "公益性岗位", "employer": "社区"} | values,
        user="楼长王",
    )


def test_undo_of_a_status_update_restores_old_values_and_batch(ledger_store: Engine) -> None:
    labour_before = load_frames(ledger_store).labour
    before = dump(ledger_store)
    edit = _status(ledger_store)
    assert edit.ok, edit.report()
    assert load_frames(ledger_store).edits.height == 3  # a snapshot of the edited store

    result = undo_batch(ledger_store, edit.batch_id, user="t")

    assert result.ok, result.report()
    assert result.counts == {"restored:labour_record": 1, "removed:labour_edit": 3}
    assert_undone(before, ledger_store, edit.batch_id)
    # The frames are read again, not patched from the edited snapshot.
    frames = load_frames(ledger_store)
    assert_frame_equal(frames.labour, labour_before)
    assert frames.edits.is_empty()


def test_undo_of_a_note(ledger_store: Engine) -> None:
    before = dump(ledger_store)
    household = load_frames(ledger_store).labour["household"][0]
    note = add_note(
        ledger_store,
        household=household,
        noted_on=dt.date(2020, 8, 20),
        author="王大飞",
        text="上门走访",
        next_step=None,
        user="captain",
    )
    assert note.ok and load_frames(ledger_store).notes.height == 1

    assert undo_batch(ledger_store, note.batch_id, user="t").counts == {"removed:follow_up_note": 1}
    assert_undone(before, ledger_store, note.batch_id)
    assert load_frames(ledger_store).notes.is_empty()


def test_undo_moves_the_data_version_and_frames_match_a_store_without_the_batch(
    engine: Engine, sqlite_engine: Engine, tmp_path: Path
) -> None:
    august = labour_ledger(tmp_path / "8月.xlsx", people(6))
    for store in (engine, sqlite_engine):
        assert import_files(store, [august, *reference_files(tmp_path)]).ok
    september = [labour_row(n, 统计月份="2020-09", 户主姓名="新户主") for n in range(8)]
    later = import_files(engine, [labour_ledger(tmp_path / "9月.csv", september)])
    assert later.ok
    load_frames(engine)  # a snapshot of the version about to be undone
    version = data_version(engine)

    undo_id = undo(engine, later.batch_id)

    assert data_version(engine) == undo_id == version + 1
    undone, never = load_frames(engine), load_frames(sqlite_engine)
    assert_frame_equal(undone.labour, never.labour, check_exact=True)
    for name in ("subsidies", "postings", "training", "targets", "sites", "buildings", "townships"):
        same(getattr(undone, name), getattr(never, name), name)
    assert undone.batches.filter(pl.col("id") == later.batch_id)["undone_by"].to_list() == [undo_id]


def test_undo_keeps_the_people_and_places_a_later_batch_uses(
    engine: Engine, sqlite_engine: Engine, tmp_path: Path
) -> None:
    august = import_files(engine, [labour_ledger(tmp_path / "8月.xlsx", people(6))])
    september = labour_ledger(tmp_path / "9月.csv", people(4, 统计月份="2020-09"))
    assert august.ok and import_files(engine, [september]).ok
    assert import_files(sqlite_engine, [september]).ok

    result = undo_batch(engine, august.batch_id, user="t")

    # August goes; of the six people it brought, the two September does not list go too, and
    # so does their building.
    assert result.ok, result.report()
    assert result.counts == {
        "removed:labour_record": 6,
        "removed:household": 2,
        "removed:building": 1,
        "removed:person": 2,
    }
    undone, never = load_frames(engine), load_frames(sqlite_engine)
    for name in ("labour", "sites", "buildings", "townships"):
        same(getattr(undone, name), getattr(never, name), name)


# --- refusals change nothing ------------------------------------------------------------------


def test_refusals_name_the_batches_and_change_nothing(ledger_store: Engine) -> None:
    imported = data_version(ledger_store)
    undo_id = undo(ledger_store, _status(ledger_store).batch_id)
    edit = undo_id - 1
    before = dump(ledger_store)

    again = undo_batch(ledger_store, edit, user="t")
    of_undo = undo_batch(ledger_store, undo_id, user="t")
    unknown = undo_batch(ledger_store, 999, user="t")

    assert not again.ok and again.batch_id is None
    assert again.reason_zh == f"批次 #{edit} 已被批次 #{undo_id} 撤销过"
    assert f"already undone by batch #{undo_id}" in again.report("en")
    assert not of_undo.ok and "本身是一次撤销" in of_undo.reason_zh
    assert not unknown.ok and unknown.reason_zh == "没有批次 #999"
    assert unknown.reason_en == "there is no batch #999"
    assert "数据没有任何改动" in unknown.report()
    assert_store_unchanged(before, ledger_store)
    assert data_version(ledger_store) == undo_id and imported == edit - 1


def test_a_later_import_must_be_undone_first(engine: Engine, tmp_path: Path) -> None:
    empty = dump(engine)
    first = import_files(engine, [labour_ledger(tmp_path / "a.xlsx", people(4))])
    between = dump(engine)
    changed = [labour_row(n, 就业状态="已就业", 就业形式="省外务工") for n in range(2)]
    second = import_files(engine, [labour_ledger(tmp_path / "b.xlsx", changed)])
    assert first.ok and second.ok
    before = dump(engine)

    refused = undo_batch(engine, first.batch_id, user="t")

    assert not refused.ok
    assert refused.reason_zh == (
        f"导入 #{second.batch_id} 之后改写了本批（#{first.batch_id}）的数据："
        f"请先撤销 #{second.batch_id}"
    )
    assert f"import #{second.batch_id} later overwrote" in refused.reason_en
    assert_store_unchanged(before, engine)

    undo(engine, second.batch_id)
    assert_undone(between, engine, second.batch_id)
    after_second = dump(engine)
    undo(engine, first.batch_id)
    as_before = {t: empty[t] for t in TABLES} | {t: after_second[t] for t in HISTORY}
    assert_undone(as_before, engine, first.batch_id)


def test_a_later_edit_or_place_update_blocks_the_undo(ledger_store: Engine, tmp_path: Path) -> None:
    imported = data_version(ledger_store)
    edit = _status(ledger_store)
    sites = import_files(ledger_store, [places(tmp_path / "p.xlsx", SITES, CAPTAINS)])
    moved = places(tmp_path / "q.xlsx", [SITES[0] | {"经度": 106.5}], CAPTAINS)
    move = import_files(ledger_store, [moved])
    assert edit.ok and sites.ok and move.ok
    before = dump(ledger_store)

    by_edit = undo_batch(ledger_store, imported, user="t")
    by_move = undo_batch(ledger_store, sites.batch_id, user="t")

    # The labour import created the site and building 1: the place lists then changed them.
    later = [
        f"状态更新 #{edit.batch_id}",
        f"导入 #{sites.batch_id}",
        f"导入 #{move.batch_id}",
    ]
    assert by_edit.reason_zh == (
        f"{'、'.join(later)} 之后改写了本批（#{imported}）的数据："
        f"请先撤销 #{move.batch_id}、#{sites.batch_id}、#{edit.batch_id}"
    )
    assert by_move.reason_zh.startswith(f"导入 #{move.batch_id} 之后改写了本批")
    assert_store_unchanged(before, ledger_store)


def test_a_batch_from_before_the_log(ledger_store: Engine) -> None:
    imported = data_version(ledger_store)
    household = load_frames(ledger_store).labour["household"][0]
    note = add_note(
        ledger_store,
        household=household,
        noted_on=dt.date(2020, 8, 20),
        author="王大飞",
        text="上门走访",
        next_step=None,
        user="captain",
    )
    with ledger_store.begin() as conn:  # as a store written before undo existed
        conn.execute(text("DELETE FROM batch_change"))
    before = dump(ledger_store)

    refused = undo_batch(ledger_store, imported, user="t")

    assert not refused.ok and "早于撤销功能，无法还原其覆盖的数据" in refused.reason_zh
    assert_store_unchanged(before, ledger_store)
    # A note replaced nothing and created no place or person: it needs no log.
    assert undo_batch(ledger_store, note.batch_id, user="t").ok
    assert load_frames(ledger_store).notes.is_empty()


def test_replaced_ids_stay_free_and_a_taken_one_is_refused(engine: Engine, tmp_path: Path) -> None:
    first = import_files(engine, [labour_ledger(tmp_path / "a.xlsx", people(4))])
    second = import_files(engine, [labour_ledger(tmp_path / "b.xlsx", people(4))])
    assert first.ok and second.ok
    ids = dump(engine)["labour_record"]["id"].to_list()
    assert min(ids) > 4  # not 1..4, the ids of the rows an undo of the re-import brings back
    with engine.begin() as conn:  # as if something had taken one of them all the same
        conn.execute(
            text(
                "INSERT INTO labour_record (id, person_id, month, household_id, capacity, "
                "status, batch_id) SELECT 2, person_id, '2020-10-01', household_id, capacity, "
                f"status, {first.batch_id} FROM labour_record WHERE id = {min(ids)}"
            )
        )
    before = dump(engine)

    refused = undo_batch(engine, second.batch_id, user="t")

    assert not refused.ok and "记录编号已被之后的数据占用" in refused.reason_zh
    assert_store_unchanged(before, engine)


# --- the command line -------------------------------------------------------------------------


def test_cli_undo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    assert main(["import", str(labour_ledger(tmp_path / "a.xlsx", people(2)))]) == 0
    capsys.readouterr()

    assert main(["undo", "1", "--user", "王五"]) == 0
    out = capsys.readouterr().out
    assert "已撤销批次 #1（本次撤销记为批次 #2）" in out and "frames ready (data version 2" in out
    assert main(["undo", "1"]) == 1
    assert "批次 #1 已被批次 #2 撤销过" in capsys.readouterr().err
    assert main(["history"]) == 0
    history = capsys.readouterr().out
    assert "undone_by" in history
    assert [ln.split("┆")[-1].strip(" │") for ln in history.splitlines() if "┆ import" in ln] == [
        "2"
    ]
