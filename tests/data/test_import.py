"""Committing ledgers to the store, on SQLite and PostgreSQL: every guarantee of ledger-format.md.

Round trips go through `data.frames.load_frames`, the way every page reads the store back.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import data.frames as frames_module
from analytics.columns import LABOUR_SCHEMA
from data.__main__ import main
from data.frames import load_frames
from data.importer import import_files
from data.store import ImportBatch, data_version
from tests.data.test_ledger import grid, labour_row, make_id, write_csv, write_xlsx

Cell = Any
TABLES = [table.name for table in SQLModel.metadata.sorted_tables]
AUGUST, SEPTEMBER = dt.date(2020, 8, 1), dt.date(2020, 9, 1)


def dump(engine: Engine) -> dict[str, pl.DataFrame]:
    """Every row of every table, in id order: the whole store."""
    with engine.connect() as conn:
        return {
            t: pl.read_database(f"SELECT * FROM {t} ORDER BY id", conn, infer_schema_length=None)
            for t in TABLES
        }


def assert_store_unchanged(before: dict[str, pl.DataFrame], engine: Engine) -> None:
    after = dump(engine)
    for table in TABLES:
        assert_frame_equal(after[table], before[table], check_dtypes=False)


def labour_ledger(path: Path, rows: list[dict[str, Cell]], **options: Any) -> Path:
    """A labour ledger as a county sends it: title, unit row, 合计 row."""
    cells = grid(rows, title="金沙县易地扶贫搬迁劳动力就业台账", unit_row=True, total_row=True)
    return write_xlsx(path, {"台账": cells}) if path.suffix == ".xlsx" else write_csv(path, cells)


def expected_labour(rows: list[dict[str, Cell]]) -> pl.DataFrame:
    """What load_frames must give back for valid `labour_row`s written in their plain spelling."""
    flags = {"是": True, "否": False}
    records = []
    for r in rows:
        site, building, room = r["安置点"], str(r["楼栋"]).removesuffix("栋"), r["房号"]
        records.append(
            {
                "month": dt.date.fromisoformat(f"{r['统计月份']}-01"),
                "township": r["乡镇(街道)"],
                "village": r["村(社区)"],
                "site": site,
                "building": building,
                "unit": r["单元"],
                "room": room,
                "household": r["户编号"] or f"{site}|{building}|{room}",
                "head_name": r["户主姓名"],
                "id_number": r["身份证号"],
                "name": r["姓名"],
                "gender": r["性别"],
                "birth_date": dt.datetime.strptime(r["身份证号"][6:14], "%Y%m%d").date(),
                "relation": r["与户主关系"],
                "education": r["文化程度"],
                "capacity": r["劳动能力"],
                "status": r["就业状态"],
                "employment_type": r["就业形式"],
                "employer": r["就业单位"],
                "work_place": r["就业地点"],
                "monthly_income": r["月收入(元)"],
                "wish": r["就业意愿"],
                "training_need": r["培训需求"],
                "two_after": flags[r["是否两后生"]],
                "three_no": flags[r["是否三无人员"]],
                "monitoring": r["监测类型"],
                "phone": r["联系电话"],
            }
        )
    return pl.DataFrame(records, schema=LABOUR_SCHEMA).sort(
        ["month", "site", "building", "room", "id_number"]
    )


def people(n: int, **changes: Cell) -> list[dict[str, Cell]]:
    return [labour_row(i, **changes) for i in range(n)]


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_labour_round_trip(engine: Engine, tmp_path: Path, suffix: str) -> None:
    # Quotes and braces survive the SQL the writer builds for repeated texts.
    rows = [
        *people(7),
        labour_row(7, 户编号="HH-0007", 就业单位="王氏'鞋厂{一}", 就业形式="居家就业"),
    ]
    result = import_files(engine, [labour_ledger(tmp_path / f"8月{suffix}", rows)])
    assert result.ok, result.report()
    labour = load_frames(engine).labour
    assert_frame_equal(labour, expected_labour(rows))
    counts = result.sheets[0]
    assert (counts.rows_read, counts.imported, counts.replaced, counts.rejected) == (10, 8, 0, 0)
    assert counts.skipped == 2  # unit and 合计 rows
    assert result.months == [AUGUST]


def test_tolerated_spellings_store_canonical_values(engine: Engine, tmp_path: Path) -> None:
    plain = labour_row(1)
    odd = labour_row(
        1,
        楼栋="１号楼",
        房号="１－３０１",
        文化程度="初中",
        身份证号=" " + make_id(1).lower() + " ",
        就业状态=" 已就业 ",
        统计月份="2020年8月",
        是否两后生="N",
        联系电话="138-0000-0001",
    )
    assert import_files(engine, [labour_ledger(tmp_path / "a.xlsx", [odd])]).ok
    assert_frame_equal(load_frames(engine).labour, expected_labour([plain]))


# --- idempotence and history ------------------------------------------------------------------


def test_importing_the_same_month_again_replaces_it(engine: Engine, tmp_path: Path) -> None:
    rows = people(6)
    path = labour_ledger(tmp_path / "8月.xlsx", rows)
    first = import_files(engine, [path])
    before = load_frames(engine).labour
    second = import_files(engine, [path])
    assert first.ok and second.ok
    assert second.batch_id == first.batch_id + 1
    assert_frame_equal(load_frames(engine).labour, before)
    assert (second.totals().imported, second.totals().replaced) == (6, 6)
    store = dump(engine)
    assert store["labour_record"].height == 6
    assert store["person"].height == 6
    assert store["labour_record"]["batch_id"].unique().to_list() == [second.batch_id]


def test_reimport_updates_changed_people_and_keeps_the_others(
    engine: Engine, tmp_path: Path
) -> None:
    rows = people(4)
    assert import_files(engine, [labour_ledger(tmp_path / "a.xlsx", rows)]).ok
    changed = labour_row(2, 姓名="张二改", 就业状态="已就业", 就业形式="省外务工")
    result = import_files(engine, [labour_ledger(tmp_path / "b.xlsx", [changed])])
    assert result.ok and result.totals().replaced == 1
    assert_frame_equal(load_frames(engine).labour, expected_labour([*rows[:2], changed, rows[3]]))
    assert dump(engine)["person"].height == 4


def test_a_new_month_adds_to_the_history(engine: Engine, tmp_path: Path) -> None:
    august = people(3)
    september = [r | {"统计月份": "2020-09"} for r in people(4)]
    a = import_files(engine, [labour_ledger(tmp_path / "8.xlsx", august)], user="王五")
    b = import_files(engine, [labour_ledger(tmp_path / "9.csv", september)], user="赵六")
    assert a.ok and b.ok
    assert_frame_equal(load_frames(engine).labour, expected_labour(august + september))
    batches = load_frames(engine).batches
    assert batches.select(
        "id", "user", "source", "files", "formats", "months", "rows_read", "rows_imported"
    ).rows() == [
        (a.batch_id, "王五", "import", "8.xlsx", "labour", "2020-08", 5, 3),
        (b.batch_id, "赵六", "import", "9.csv", "labour", "2020-09", 6, 4),
    ]
    assert batches["created_at"].is_sorted()
    assert data_version(engine) == b.batch_id


def test_one_call_with_several_months_and_files_is_one_batch(
    engine: Engine, tmp_path: Path
) -> None:
    a = labour_ledger(tmp_path / "8.xlsx", people(2))
    b = labour_ledger(tmp_path / "9.csv", [r | {"统计月份": "2020-09"} for r in people(2)])
    result = import_files(engine, [a, b], user="demo", source="demo")
    assert result.ok and result.months == [AUGUST, SEPTEMBER]
    batch = load_frames(engine).batches.row(0, named=True)
    assert (batch["files"], batch["months"], batch["source"]) == (
        "8.xlsx\n9.csv",
        "2020-08,2020-09",
        "demo",
    )
    assert load_frames(engine).batches.height == 1


# --- all or nothing ---------------------------------------------------------------------------


def test_a_file_with_errors_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    assert import_files(engine, [labour_ledger(tmp_path / "ok.xlsx", people(3))]).ok
    before, version = dump(engine), data_version(engine)
    good = labour_ledger(tmp_path / "good.csv", [r | {"统计月份": "2020-09"} for r in people(3)])
    bad_rows = [labour_row(5), labour_row(6, 劳动能力="能干"), labour_row(7, 身份证号="123")]
    bad = labour_ledger(tmp_path / "bad.xlsx", bad_rows)
    result = import_files(engine, [good, bad])
    assert not result.ok and result.batch_id is None
    assert [(e.file, e.row, e.column) for e in result.errors] == [
        ("bad.xlsx", 6, "劳动能力"),
        ("bad.xlsx", 7, "身份证号"),
    ]
    assert_store_unchanged(before, engine)
    assert data_version(engine) == version
    report = result.report()
    assert "数据没有任何改动" in report and '第 7 行 身份证号 "123"' in report


def test_a_failure_while_writing_rolls_everything_back(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(engine)
    import data.importer as importer

    def broken(*args: object) -> pl.Series:
        raise RuntimeError("disk full")

    monkeypatch.setitem(importer._COMMITS, "subsidies", broken)
    subsidy = {"发放日期": "2020-08-15", "补贴类型": "交通补贴", "姓名": "张0"} | {
        "身份证号": make_id(0),
        "金额(元)": 500,
        "乡镇(街道)": "岩孔街道",
    }
    book = write_xlsx(tmp_path / "two.xlsx", {"台账": grid(people(2)), "补贴": grid([subsidy])})
    with pytest.raises(RuntimeError, match="disk full"):
        import_files(engine, [book])
    assert_store_unchanged(before, engine)


def test_keep_valid_imports_the_rest_and_writes_the_rejects(engine: Engine, tmp_path: Path) -> None:
    rows = [labour_row(0), labour_row(1, 劳动能力="能干"), labour_row(2), labour_row(0)]
    rejects = tmp_path / "rejects.xlsx"
    result = import_files(engine, [labour_ledger(tmp_path / "a.xlsx", rows)], keep_valid=rejects)
    assert result.ok and result.rejects_path == rejects
    assert_frame_equal(load_frames(engine).labour, expected_labour([rows[2]]))
    counts = result.totals()
    assert (counts.imported, counts.rejected) == (1, 3)
    back = pl.read_excel(rejects, sheet_id=1, infer_schema_length=0)
    assert back["行号"].to_list() == ["5", "6", "8"]  # under title, blank, header, units
    assert back["身份证号"].to_list() == [make_id(0), make_id(1), make_id(0)]
    reasons = back["错误原因"].to_list()
    assert reasons[1].startswith("劳动能力：不是可选的值")
    assert "同一月份中身份证号重复" in reasons[0] and "同一月份中身份证号重复" in reasons[2]
    batch = load_frames(engine).batches.row(0, named=True)
    assert (batch["rows_imported"], batch["rows_rejected"]) == (1, 3)


# --- the other formats ------------------------------------------------------------------------

SUBSIDIES = [
    {
        "发放日期": "2020-08-15",
        "补贴类型": "交通补贴",
        "姓名": "张0",
        "身份证号": make_id(0),
        "单位名称": None,
        "金额(元)": 500,
        "乡镇(街道)": "岩孔街道",
        "安置点": "幸福家园",
        "备注": "往返",
    },
    {
        "发放日期": "2020-08-20",
        "补贴类型": "吸纳就业补贴",
        "姓名": None,
        "身份证号": None,
        "单位名称": "金沙鞋厂",
        "金额(元)": "2,000.50",
        "乡镇(街道)": "新化乡",
        "安置点": None,
        "备注": None,
    },
]
POSTINGS = [
    {
        "发布日期": "2020-08-01",
        "单位名称": "金沙鞋厂",
        "岗位名称": "缝纫工",
        "工作地点": "金沙县",
        "乡镇(街道)": "岩孔街道",
        "招聘人数": 20,
        "月薪下限": 2500,
        "月薪上限": 3500,
        "技能要求": "会缝纫",
        "来源": "企业直报",
    }
]
TRAINING = [
    {
        "姓名": "张0",
        "身份证号": make_id(0),
        "培训项目": "电工",
        "培训机构": "县职校",
        "开始日期": "2020-08-01",
        "结束日期": "2020-08-20",
        "是否取证": "是",
    }
]
TARGETS = [
    {"年度": 2020, "指标": "就业率", "范围": "县", "目标值": "95%"},
    {"年度": 2020, "指标": "培训人数", "范围": "岩孔街道", "目标值": 1000},
]
SITES = [
    {"安置点": "幸福家园", "所在乡镇": "岩孔街道", "经度": 106.22, "纬度": 27.46, "楼栋数": 33}
]
CAPTAINS = [
    {"安置点": "幸福家园", "楼栋": "1号楼", "楼长": "王五", "包保单位": "县人社局"}
    | {"联系电话": "13900000000"}
]
SQUARE = {"type": "Polygon", "coordinates": [[[106, 27], [107, 27], [107, 28], [106, 27]]]}


def boundaries(path: Path, names: list[str]) -> Path:
    features = [{"type": "Feature", "properties": {"name": n}, "geometry": SQUARE} for n in names]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    )
    return path


def reference_files(tmp_path: Path) -> list[Path]:
    book = write_xlsx(
        tmp_path / "资料.xlsx",
        {
            "Sheet1": grid(SUBSIDIES, title="补贴发放花名册（2020年8月）"),
            "岗位": grid(POSTINGS),
            "培训": grid(TRAINING),
            "目标": grid(TARGETS),
            "点": grid(SITES),
            "楼长": grid(CAPTAINS),
        },
    )
    return [book, boundaries(tmp_path / "乡镇.geojson", ["岩孔街道", "新化乡"])]


def test_every_other_format_round_trips(engine: Engine, tmp_path: Path) -> None:
    result = import_files(
        engine, [labour_ledger(tmp_path / "a.csv", people(4)), *reference_files(tmp_path)]
    )
    assert result.ok, result.report()
    assert result.warnings == []
    frames = load_frames(engine)
    assert frames.subsidies.select("paid_on", "kind", "id_number", "employer", "amount").rows() == [
        (dt.date(2020, 8, 15), "交通补贴", make_id(0), None, 500.0),
        (dt.date(2020, 8, 20), "吸纳就业补贴", None, "金沙鞋厂", 2000.5),
    ]
    assert frames.subsidies.select("township", "site", "note").rows() == [
        ("岩孔街道", "幸福家园", "往返"),
        ("新化乡", None, None),
    ]
    assert frames.postings.select("posted_on", "employer", "township", "vacancies").rows() == [
        (dt.date(2020, 8, 1), "金沙鞋厂", "岩孔街道", 20)
    ]
    assert frames.training.select("id_number", "course", "end", "certified").rows() == [
        (make_id(0), "电工", dt.date(2020, 8, 20), True)
    ]
    assert frames.targets.rows() == [
        (2020, "培训人数", "岩孔街道", 1000.0),
        (2020, "就业率", "县", 95.0),
    ]
    assert frames.sites.select("site", "township", "lon", "planned_buildings").rows() == [
        ("幸福家园", "岩孔街道", 106.22, 33)
    ]
    captain = frames.buildings.filter(pl.col("building") == "1")
    assert captain.select("captain", "department", "captain_phone").rows() == [
        ("王五", "县人社局", "13900000000")
    ]
    assert frames.buildings.height == 1  # the labour ledger's 1栋 is the captains' 1号楼
    assert frames.townships.filter(pl.col("boundary").is_not_null())["township"].to_list() == [
        "岩孔街道",
        "新化乡",
    ]
    assert json.loads(frames.townships["boundary"][0]) == SQUARE
    assert set(result.formats) == {
        "labour", "subsidies", "postings", "training", "targets", "sites", "captains", "boundaries"
    }  # fmt: skip


def test_every_other_format_replaces_on_reimport(engine: Engine, tmp_path: Path) -> None:
    files = reference_files(tmp_path)
    assert import_files(engine, files).ok
    first = dump(engine)
    again = import_files(engine, files)
    assert again.ok
    second = dump(engine)
    for table in TABLES:
        if table not in ("import_batch", "batch_change"):  # the history grows
            assert second[table].height == first[table].height, table
    replaced = {s.format: s.replaced for s in again.sheets}
    assert replaced == {
        "subsidies": 2, "postings": 1, "training": 1, "targets": 2, "sites": 1, "captains": 1,
        "boundaries": 0,
    }  # fmt: skip


def test_a_boundary_matching_no_township_is_a_warning(engine: Engine, tmp_path: Path) -> None:
    assert import_files(engine, [labour_ledger(tmp_path / "a.csv", people(1))]).ok
    result = import_files(engine, [boundaries(tmp_path / "b.geojson", ["岩孔街道", "火星乡"])])
    assert result.ok
    assert [(w.row, w.value, w.severity) for w in result.warnings] == [(2, "火星乡", "warning")]
    assert (result.sheets[0].imported, result.sheets[0].skipped) == (1, 1)
    assert load_frames(engine).townships["township"].to_list() == ["岩孔街道"]


def test_a_target_for_an_unknown_place_is_a_warning(engine: Engine, tmp_path: Path) -> None:
    rows = [{"年度": 2020, "指标": "就业率", "范围": "岩孔镇", "目标值": 95}]
    result = import_files(engine, [write_xlsx(tmp_path / "t.xlsx", {"目标": grid(rows)})])
    assert result.ok
    assert [(w.row, w.column, w.value) for w in result.warnings] == [(2, "范围", "岩孔镇")]


# --- the store's own bookkeeping --------------------------------------------------------------


def test_ids_stay_in_step_with_the_database(engine: Engine, tmp_path: Path) -> None:
    result = import_files(engine, [labour_ledger(tmp_path / "a.xlsx", people(3))])
    with Session(engine) as session:
        batch = ImportBatch(
            created_at=dt.datetime.now(dt.UTC), user="edit", source="edit", files="", formats=""
        )
        session.add(batch)
        session.commit()
        assert batch.id == result.batch_id + 1
    again = import_files(engine, [labour_ledger(tmp_path / "a.xlsx", people(3))])
    assert again.batch_id == result.batch_id + 2


def test_every_written_row_carries_its_batch(engine: Engine, tmp_path: Path) -> None:
    result = import_files(
        engine, [labour_ledger(tmp_path / "a.csv", people(2)), *reference_files(tmp_path)]
    )
    with engine.connect() as conn:
        for table in (
            "labour_record",
            "subsidy_payment",
            "job_posting",
            "training_record",
            "target",
        ):
            batches = conn.execute(text(f"SELECT DISTINCT batch_id FROM {table}")).scalars().all()
            assert batches == [result.batch_id], table


# --- the command line -------------------------------------------------------------------------


def test_cli_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    good = labour_ledger(tmp_path / "good.xlsx", people(2))
    assert main(["import", str(good), "--user", "王五"]) == 0
    out = capsys.readouterr().out
    assert "导入成功：批次 #1" in out and "good.xlsx / 台账" in out
    bad = labour_ledger(
        tmp_path / "bad.csv", [labour_row(3, 就业状态="在职"), labour_row(4, 姓名=None)]
    )
    assert main(["import", str(bad), "--month", "2020-09"]) == 1
    err = capsys.readouterr().err
    assert '第 5 行 就业状态 "在职" 不是可选的值' in err and "第 6 行 姓名 必填" in err
    assert main(["history"]) == 0
    assert "王五" in capsys.readouterr().out


def test_frames_patched_after_imports_equal_a_full_read(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new month, or a month again, patches the previous snapshot with the records written
    (a province's month costs its own records, not a re-read of 26 million); a renamed person
    reaches every month, so it reads the store again. Either way: the same frames as a full read.
    """
    august = people(4)
    september = [r | {"统计月份": "2020-09"} for r in people(5)]
    august_again = [labour_row(1, 就业状态="已就业", 就业形式="省外务工"), labour_row(3)]
    renamed = [labour_row(2, 姓名="张二改")]
    full_reads = []
    read_frames = frames_module._read_frames

    def counted(conn, names, after_batch=None, **kw):
        full_reads.append(after_batch is None)
        return read_frames(conn, names, after_batch, **kw)

    monkeypatch.setattr(frames_module, "_read_frames", counted)
    load_frames(engine)
    steps = [[labour_ledger(tmp_path / f"{n}.csv", rows)] for n, rows in enumerate(
        (august, september, august_again)
    )]  # fmt: skip
    # Payments, postings, training, targets, sites, captains and boundaries, then a labour
    # ledger again: each frame is read again only when a batch wrote its ledger format.
    steps += [reference_files(tmp_path), [labour_ledger(tmp_path / "renamed.csv", renamed)]]
    for files in steps:
        assert import_files(engine, files).ok
        full_reads.clear()
        patched = load_frames(engine)
        assert full_reads == ([True] if files is steps[-1] else [False])
        with engine.connect() as conn:
            shutil.rmtree(frames_module._snapshot_dir(engine, conn))
        full = load_frames(engine)
        for name in frames_module._SNAPSHOT_FRAMES:
            assert_frame_equal(getattr(patched, name), getattr(full, name))
    # The new name shows in September too: a person's name is theirs, not a month's.
    september[2] = september[2] | {"姓名": "张二改"}
    expected = [august[0], august_again[0], renamed[0], august_again[1], *september]
    assert_frame_equal(load_frames(engine).labour, expected_labour(expected))
