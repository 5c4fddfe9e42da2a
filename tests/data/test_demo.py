"""The demo county: the ledger files it writes, and the store they make through the importer."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine
from stdnum.cn import ric

from analytics.domain import (
    EMPLOYER_SUBSIDY_KINDS,
    LABOUR_CAPACITIES,
    LABOUR_STATUSES,
    STATUS_EMPLOYED,
    SUBSIDY_KINDS,
)
from data import demo
from data.frames import Frames, load_frames
from data.store import get_engine

# --- helpers ----------------------------------------------------------------------------------


def read_csv(path: Path) -> pl.DataFrame:
    """A CSV ledger in whichever encoding the demo chose, every column as text."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return pl.read_csv(io.StringIO(text), infer_schema=False)


def labour_file(folder: Path, month: dt.date) -> pl.DataFrame:
    path = folder / f"劳动力就业台账_{month.year}年{month.month:02d}月.csv"
    return read_csv(path)


def labour_force(frame: pl.DataFrame, capacity: str, status: str) -> pl.DataFrame:
    """domain.md: capacity 有劳动能力 or 弱劳动力, and status 已就业 or 未就业."""
    return frame.filter(
        pl.col(capacity).is_in(LABOUR_CAPACITIES) & pl.col(status).is_in(LABOUR_STATUSES)
    )


def employment_rate(
    frame: pl.DataFrame, capacity: str = "劳动能力", status: str = "就业状态"
) -> float:
    labour = labour_force(frame, capacity, status)
    return (labour.get_column(status) == STATUS_EMPLOYED).mean()


def _crosses(a, b, c, d) -> bool:
    """Segments ab and cd cross at a point inside both."""

    def side(o, p, q) -> float:
        return (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0])

    return side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The default demo county written once for the module."""
    folder = tmp_path_factory.mktemp("demo_default")
    return folder, demo.write_demo_ledgers(folder)


@pytest.fixture(scope="module")
def demo_frames(
    tmp_path_factory: pytest.TempPathFactory, default_files: tuple[Path, list[Path]]
) -> Frames:
    """The default demo county imported through the importer into a fresh SQLite store."""
    from data.importer import import_files

    engine: Engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('demo_store') / 's.db'}")
    result = import_files(engine, default_files[1], user="demo", source="demo")
    assert result.ok, result.report()
    return load_frames(engine)


# --- the files --------------------------------------------------------------------------------


def test_files_come_in_the_formats_a_county_sends(default_files) -> None:
    folder, paths = default_files
    assert all(p.parent == folder and p.is_file() for p in paths)
    assert [p.suffix for p in paths].count(".geojson") == 1
    labour = [p for p in paths if p.name.startswith("劳动力就业台账")]
    assert len(labour) == 24
    assert {p.suffix for p in labour} == {".csv", ".xlsx"}
    raw = {p.name: p.read_bytes() for p in labour if p.suffix == ".csv"}
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw.values()), "no UTF-8 with BOM"
    gbk = [n for n, b in raw.items() if not b.startswith(b"\xef\xbb\xbf") and _not_utf8(b)]
    assert gbk, "no GBK file"
    for stem in ("补贴发放花名册", "岗位信息", "培训记录", "年度目标", "安置点及就业楼长"):
        assert (folder / f"{stem}.xlsx") in paths


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_titled_workbook_has_title_unit_and_total_rows(default_files) -> None:
    folder, _ = default_files
    grid = pl.read_excel(folder / "劳动力就业台账_2020年08月.xlsx", has_header=False)
    first = grid.get_column(grid.columns[0])
    assert first[0] == "金沙县易地扶贫搬迁劳动力就业台账（2020年8月）"
    assert first[1].startswith("填报单位")
    assert first[2] == "统计月份"
    assert first[-1] == "合计"


def test_last_month_matches_the_jinsha_figures(default_files) -> None:
    folder, _ = default_files
    last = labour_file(folder, dt.date(2020, 12, 1))
    labour = labour_force(last, "劳动能力", "就业状态")
    assert 8_000 <= labour.height <= 9_000
    assert 0.94 <= employment_rate(last) <= 0.96
    assert last.get_column("乡镇(街道)").n_unique() == 26
    assert "龙溪镇" in last.get_column("乡镇(街道)")
    assert last.get_column("安置点").n_unique() == 12
    biggest = last.filter(pl.col("安置点") == "幸福家园")
    assert biggest.get_column("楼栋").n_unique() == 33
    assert biggest.select(pl.concat_str("楼栋", "房号")).n_unique() == 1944
    assert 16_000 <= last.height <= 17_000


def test_every_value_is_one_the_domain_allows(default_files) -> None:
    folder, _ = default_files
    last = labour_file(folder, dt.date(2020, 12, 1))
    ids = last.get_column("身份证号")
    assert ids.n_unique() == last.height
    for number in ids.to_list():
        ric.validate(number)
    employed = last.filter(pl.col("就业状态") == STATUS_EMPLOYED)
    assert employed.get_column("就业形式").null_count() == 0
    assert employed.get_column("就业形式").n_unique() == 8
    phones = last.get_column("联系电话").drop_nulls()
    assert phones.str.contains(r"^1\d{10}$").all()
    assert last.get_column("房号").str.contains(r"^\d+-\d{3,4}$").all()
    two_after = last.filter((pl.col("乡镇(街道)") == "龙溪镇") & (pl.col("是否两后生") == "是"))
    assert two_after.height > 0


def test_the_year_has_a_spring_festival_dip_and_a_covid_shock(default_files) -> None:
    folder, _ = default_files
    rate = {
        month: employment_rate(labour_file(folder, month))
        for month in (dt.date(2019, 12, 1), dt.date(2020, 2, 1), dt.date(2020, 3, 1))
    }
    december = rate[dt.date(2019, 12, 1)]
    assert rate[dt.date(2020, 2, 1)] < december - 0.10
    assert rate[dt.date(2020, 3, 1)] < december - 0.05
    assert demo.employment_rate_plan(dt.date(2019, 2, 1)) < demo.employment_rate_plan(
        dt.date(2019, 12, 1)
    )


def test_statuses_move_a_little_every_month(default_files) -> None:
    folder, _ = default_files
    before = labour_file(folder, dt.date(2020, 10, 1)).select("身份证号", "就业状态")
    after = labour_file(folder, dt.date(2020, 11, 1)).select("身份证号", "就业状态")
    both = before.join(after, on="身份证号", suffix="_after")
    changed = both.filter(pl.col("就业状态") != pl.col("就业状态_after")).height
    assert 20 <= changed <= 400
    joined = after.join(before, on="身份证号", how="anti").height
    left = before.join(after, on="身份证号", how="anti").height
    assert joined > 0 and left > 0


def test_subsidies_of_every_kind_at_the_standard_amounts(default_files) -> None:
    folder, _ = default_files
    roster = pl.concat(
        pl.read_excel(
            folder / "补贴发放花名册.xlsx", sheet_id=sheet, read_options={"header_row": 1}
        )
        for sheet in (1, 2)
    )
    assert set(roster.get_column("补贴类型")) == set(SUBSIDY_KINDS)
    # Apart from the abuses planted on purpose (test_demo_audit.py), at the standards.
    planted = demo.planted_cases().get_column("id_number").drop_nulls()
    ordinary = roster.filter(~pl.col("身份证号").is_in(planted.implode()).fill_null(False))
    amounts = ordinary.group_by("补贴类型").agg(
        pl.col("金额(元)").min().alias("low"), pl.col("金额(元)").max().alias("high")
    )
    bounds = {k: (low, high) for k, low, high in amounts.iter_rows()}
    assert bounds["楼层管理员补贴"] == (400, 400)
    assert bounds["稳岗就业补贴"] == (2500, 2500)
    assert bounds["创业补贴"] == (5000, 5000)
    assert bounds["交通补贴"][1] <= 500
    assert bounds["生活补贴"][1] == 140
    employer = roster.filter(pl.col("补贴类型").is_in(EMPLOYER_SUBSIDY_KINDS))
    assert employer.get_column("单位名称").null_count() == 0
    assert employer.get_column("身份证号").null_count() == employer.height
    person = roster.filter(~pl.col("补贴类型").is_in(EMPLOYER_SUBSIDY_KINDS))
    assert person.get_column("身份证号").null_count() == 0
    assert roster.get_column("乡镇(街道)").null_count() == 0
    hiring = roster.filter(pl.col("补贴类型") == "吸纳就业补贴").get_column("金额(元)")
    assert (hiring % 2000 == 0).all()


def test_boundaries_tile_the_county_and_are_labelled_synthetic() -> None:
    collection = json.loads(demo.BOUNDARY_FILE.read_text(encoding="utf-8"))
    assert collection == demo.township_geojson(), "regenerate data/geo/: write_township_geojson"
    assert collection["synthetic"] is True
    features = collection["features"]
    assert [f["properties"]["name"] for f in features] == list(demo.TOWNSHIPS)
    segments = set()
    for feature in features:
        assert feature["properties"]["synthetic"] is True
        (ring,) = feature["geometry"]["coordinates"]
        assert ring[0] == ring[-1]
        assert all(105.5 < lon < 107 and 27 < lat < 28 for lon, lat in ring)
        segments |= {tuple(sorted((tuple(a), tuple(b)))) for a, b in itertools.pairwise(ring)}
    # A planar tiling: no two edges of any townships cross.
    edges = sorted(segments)
    assert not any(_crosses(*e, *f) for e, f in itertools.combinations(edges, 2))


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = demo.write_demo_ledgers(tmp_path / "a", seed=11, scale=2_000, months=8)
    second = demo.write_demo_ledgers(tmp_path / "b", seed=11, scale=2_000, months=8)
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    other = demo.write_demo_ledgers(tmp_path / "c", seed=12, scale=2_000, months=8)
    labour = [i for i, p in enumerate(first) if p.name.startswith("劳动力就业台账")]
    assert all(other[i].read_bytes() != first[i].read_bytes() for i in labour)


@pytest.mark.parametrize(("scale", "sites"), [(5_000, 12), (40_000, 24)])
def test_scale_is_the_number_of_persons(tmp_path: Path, scale: int, sites: int) -> None:
    paths = demo.write_demo_ledgers(tmp_path, scale=scale, months=2)
    months = [read_csv(p) for p in paths if p.name.startswith("劳动力就业台账")]
    everyone = pl.concat(m.select("身份证号", "安置点") for m in months).unique()
    assert everyone.get_column("身份证号").n_unique() == scale
    assert everyone.get_column("安置点").n_unique() == sites


def test_scale_below_the_minimum_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        demo.write_demo_ledgers(tmp_path, scale=10)


# --- through the importer ---------------------------------------------------------------------


def test_imported_store_holds_the_demo_county(demo_frames: Frames) -> None:
    labour = demo_frames.labour
    last = labour.filter(pl.col("month") == dt.date(2020, 12, 1))
    assert 8_000 <= labour_force(last, "capacity", "status").height <= 9_000
    assert 0.94 <= employment_rate(last, "capacity", "status") <= 0.96
    assert labour.get_column("month").n_unique() == 24
    assert demo_frames.sites.height == 12
    assert demo_frames.townships.height == 26
    assert demo_frames.townships.get_column("boundary").null_count() == 0
    biggest = last.filter(pl.col("site") == "幸福家园")
    assert biggest.get_column("building").n_unique() == 33
    assert biggest.get_column("household").n_unique() == 1944
    assert demo_frames.buildings.get_column("captain").null_count() == 0
    assert demo_frames.buildings.height == last.select("site", "building").n_unique()


def test_imported_store_shows_the_covid_shock(demo_frames: Frames) -> None:
    def rate(month: dt.date) -> float:
        frame = demo_frames.labour.filter(pl.col("month") == month)
        return employment_rate(frame, "capacity", "status")

    december = rate(dt.date(2019, 12, 1))
    assert rate(dt.date(2020, 2, 1)) < december - 0.10
    assert rate(dt.date(2020, 3, 1)) < december - 0.05


def test_imported_store_has_subsidies_postings_training_targets(demo_frames: Frames) -> None:
    assert set(demo_frames.subsidies.get_column("kind")) == set(SUBSIDY_KINDS)
    assert demo_frames.subsidies.get_column("township").null_count() == 0
    assert demo_frames.postings.height >= 200
    assert 1_500 <= demo_frames.training.height <= 2_500
    targets = demo_frames.targets
    county_rate = targets.filter(
        (pl.col("year") == 2020) & (pl.col("metric") == "就业率") & (pl.col("scope") == "县")
    )
    assert county_rate.get_column("target").to_list() == [95.0]
    assert set(targets.get_column("scope")) >= {"县", "龙溪镇", "幸福家园"}


def test_build_demo_records_one_demo_batch(demo_store_url: str) -> None:
    batches = load_frames(get_engine(demo_store_url)).batches
    assert batches.height == 1
    assert batches.row(0, named=True)["user"] == "demo"
    assert batches.row(0, named=True)["source"] == "demo"


@pytest.mark.parametrize(
    ("rows", "set_aside", "groups"),
    [
        (1, False, [f"2020-{m:02d}" for m in range(7, 13)]),
        (6000, True, [f"2020-{m:02d},2020-{m + 1:02d}" for m in (7, 9, 11)]),
    ],
)
def test_a_big_demo_imports_a_few_months_at_a_time_into_the_same_store(
    demo_store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: int,
    set_aside: bool,
    groups: list[str],
) -> None:
    """Above ONE_IMPORT_ROWS records the demo goes in as places, as many months as make that
    many records (a month at least), then the rest (a province's year at once would not fit in
    memory), its records set aside or not: the same frames as one import."""
    monkeypatch.setattr(demo, "ONE_IMPORT_ROWS", rows)
    engine = get_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    result = demo.build_demo(
        engine,
        seed=7,
        scale=3000,
        months=6,
        out_dir=tmp_path / "ledgers",
        set_aside=tmp_path / "records" if set_aside else None,
    )
    assert result.ok, result.report()
    grouped, whole = load_frames(engine), load_frames(get_engine(demo_store_url))
    months = grouped.batches.get_column("months").to_list()
    assert months[: len(groups) + 1] == [None, *groups]
    assert len(months) == len(groups) + 2  # then subsidies, postings, training and targets
    for name in ("labour", "subsidies", "postings", "training", "targets", "sites", "buildings"):
        assert_frame_equal(getattr(grouped, name), getattr(whole, name))


def test_demo_workbooks_keep_text_that_looks_like_a_formula(tmp_path: Path) -> None:
    """The demo's ledgers stand in for counties' files and feed the import tests and the bench:
    a name starting with `=` is written as text, as in every file the app writes."""
    import zipfile

    from data.demo import Sheet, write_xlsx

    frame = pl.DataFrame({"姓名": ['=HYPERLINK("http://x","y")', "@SUM(A1)"], "金额": [1.0, 2.0]})
    path = write_xlsx(tmp_path / "花名册.xlsx", [Sheet("花名册", frame, total={"姓名": "=1+1"})])

    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert (
        pl.read_excel(path).get_column("姓名").to_list()[:2] == frame.get_column("姓名").to_list()
    )
