"""Person slices: the labour rows of some months and a place, read from the snapshot's files of
those months alone (issue 23), on each backend.

A slice is the full labour frame filtered, to the row; a new month's patch writes that month's
file and links the others; aggregates and slices never read every person-month.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

import data.frames as frames_module
from analytics.building import review, roster
from analytics.drill import Place
from analytics.meeting import card_members
from analytics.query import query_tables
from analytics.rates import plain
from analytics.rosters import rosters
from data.console import console_tables
from data.frames import LABOUR_DIR, Frames, Scope, load_frames
from data.importer import import_files
from data.store import data_version
from reports.building import (
    building_review,
    building_roster,
    residents,
    review_months,
    site_reviews,
)
from reports.meeting import members_of
from reports.rosters import rosters_of
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row

AUGUST, SEPTEMBER, OCTOBER = (dt.date(2020, m, 1) for m in (8, 9, 10))
# Three townships with a site each; people move between buildings and sites from month to month.
PLACES = (("岩孔街道", "幸福家园"), ("西洛街道", "安康小区"), ("禹谟镇", "和谐新村"))


def _month_rows(month: dt.date, people: int = 24) -> list[dict]:
    rows = []
    for n in range(people):
        township, site = PLACES[(n + month.month) % len(PLACES) if n % 5 == 0 else n % 3]
        changes = {"统计月份": f"{month:%Y-%m}", "乡镇(街道)": township, "安置点": site}
        if month.month % 2 and n % 4 == 1:
            changes |= {"就业状态": "未就业", "就业形式": None, "就业单位": None}
            changes |= {"就业地点": None, "月收入(元)": None}
        rows.append(labour_row(n, **changes))
    return rows


def _import(engine: Engine, tmp_path: Path, month: dt.date, rows: list | None = None) -> None:
    path = tmp_path / f"{month:%Y-%m}-{len(list(tmp_path.iterdir()))}.csv"
    assert import_files(engine, [labour_ledger(path, rows or _month_rows(month))]).ok


def _snapshot(engine: Engine) -> Path:
    with engine.connect() as conn:
        folder = frames_module._snapshot_dir(engine, conn)
        return folder / frames_module._snapshot_name(data_version(engine, conn))


def _in_months(months: list[dt.date] | None) -> pl.Expr:
    if months is None:
        return pl.lit(True)
    return pl.col("month").is_in(pl.Series(months, dtype=pl.Date()).implode())


@pytest.fixture
def three_months(engine: Engine, tmp_path: Path) -> Engine:
    for month in (AUGUST, SEPTEMBER, OCTOBER):
        _import(engine, tmp_path, month)
    load_frames(engine)  # the snapshot
    return engine


MONTHS = [[AUGUST], [SEPTEMBER, OCTOBER], [OCTOBER, AUGUST], [dt.date(2020, 11, 1)], None]
WHERE = [
    Place(),
    Place(township="西洛街道"),
    Place(site="幸福家园"),
    Place(site="安康小区", building="2"),
    Place(site="和谐新村", building="1", household="和谐新村|1|1-301"),
]
SCOPES = [
    Scope.whole_county(),
    Scope(townships=frozenset({"禹谟镇"})),
    Scope(sites=frozenset({"幸福家园"}), buildings=frozenset({("安康小区", "1")})),
    Scope(),
]


def test_a_slice_is_the_full_frame_filtered(three_months: Engine) -> None:
    frames = load_frames(three_months)
    full = load_frames(three_months).labour  # another load: its own labour, read whole
    assert full.get_column("month").n_unique() == 3
    assert not frames.labour_loaded
    seen = 0
    for scope in SCOPES:
        scoped = frames.scoped(scope)
        mine = full.filter(scope.place_filter())
        for months in MONTHS:
            for place in WHERE:
                sliced = scoped.labour_slice(months, place.filter())
                expected = mine.filter(_in_months(months) & place.filter())
                assert_frame_equal(sliced, expected)
                seen += sliced.height
        assert_frame_equal(scoped.labour_slice(None), mine)
    assert seen > 0
    assert not frames.labour_loaded
    # The same frames' labour in memory: the slice then filters it, with the same rows.
    assert_frame_equal(frames.labour, full)
    assert frames.labour_loaded
    for months in MONTHS:
        assert_frame_equal(frames.labour_slice(months), full.filter(_in_months(months)))


def test_a_scoped_cut_reads_no_labour_and_equals_the_eager_cut(three_months: Engine) -> None:
    frames = load_frames(three_months)
    eager = dataclasses.replace(frames, labour=load_frames(three_months).labour)
    for scope in SCOPES[1:]:
        lazy, cut = frames.scoped(scope), eager.scoped(scope)
        for field in dataclasses.fields(Frames):
            assert_frame_equal(getattr(lazy, field.name), getattr(cut, field.name))
    assert not frames.labour_loaded


def test_a_new_month_writes_only_its_own_file(engine: Engine, tmp_path: Path) -> None:
    for month in (AUGUST, SEPTEMBER):
        _import(engine, tmp_path, month)
    load_frames(engine)
    before = {p.name: p.stat() for p in (_snapshot(engine) / LABOUR_DIR).iterdir()}
    assert sorted(before) == ["2020-08-01.parquet", "2020-09-01.parquet"]

    _import(engine, tmp_path, OCTOBER)
    patched = load_frames(engine)

    after = {p.name: p.stat() for p in (_snapshot(engine) / LABOUR_DIR).iterdir()}
    assert sorted(after) == [*sorted(before), "2020-10-01.parquet"]
    for name, stat in before.items():
        # The same file (a hard link), untouched: not rewritten, not copied.
        assert (after[name].st_ino, after[name].st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert not patched.labour_loaded
    assert_frame_equal(
        patched.labour_slice([OCTOBER]),
        load_frames(engine).labour.filter(pl.col("month") == OCTOBER),
    )


def test_a_month_again_rewrites_that_month_alone(three_months: Engine, tmp_path: Path) -> None:
    before = {p.name: p.stat() for p in (_snapshot(three_months) / LABOUR_DIR).iterdir()}
    again = [r | {"就业状态": "未就业", "就业形式": None, "就业单位": None, "就业地点": None,
                  "月收入(元)": None} for r in _month_rows(SEPTEMBER)[:3]]  # fmt: skip
    _import(three_months, tmp_path, SEPTEMBER, again)
    read = []
    scan = frames_module.LabourMonths.scan

    def counted(self, months=None):
        read.append(None if months is None else sorted(set(months)))
        return scan(self, months)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frames_module.LabourMonths, "scan", counted)
        load_frames(three_months)
    # The patch read September, and October to tell whether the records are of a new month.
    assert read == [[SEPTEMBER, OCTOBER]]
    after = {p.name: p.stat() for p in (_snapshot(three_months) / LABOUR_DIR).iterdir()}
    assert after["2020-09-01.parquet"].st_ino != before["2020-09-01.parquet"].st_ino
    for name in ("2020-08-01.parquet", "2020-10-01.parquet"):
        assert after[name].st_ino == before[name].st_ino
    september = load_frames(three_months).labour_slice([SEPTEMBER])
    assert (
        september.filter(pl.col("id_number").is_in([r["身份证号"] for r in again]))
        .get_column("status")
        .cast(pl.String)
        .to_list()
        == ["未就业"] * 3
    )


def test_the_person_screens_read_slices_and_give_the_full_frame_s_numbers(
    three_months: Engine,
) -> None:
    """The building review, the meeting's cards, the rosters and the pack, from slices: the
    numbers the same functions give from every month in memory, and labour never read whole."""
    frames = load_frames(three_months)
    eager = dataclasses.replace(frames, labour=load_frames(three_months).labour)
    assert eager.labour_loaded
    for scope in (Scope.whole_county(), SCOPES[1], SCOPES[2]):
        lazy = frames.scoped(scope)
        whole = eager.scoped(scope)
        for site, building in (("幸福家园", "1"), ("安康小区", "2"), ("和谐新村", "3")):
            place = Place(site=site, building=building)
            for month in (AUGUST, SEPTEMBER):
                got = building_review(lazy, place, month)
                want = review(
                    labour=whole.labour,
                    subsidies=whole.subsidies,
                    postings=whole.postings,
                    buildings=whole.buildings,
                    notes=whole.notes,
                    place=place,
                    month=month,
                )
                _assert_same_review(got, want)
                assert_frame_equal(
                    members_of(lazy, place, month),
                    card_members(whole.labour.filter(place.filter()), month),
                )
        for place in (Place(), Place(township="西洛街道"), Place(site="幸福家园")):
            got_books = rosters_of(lazy, place, OCTOBER)
            want_books = rosters(whole.labour.filter(place.filter()), OCTOBER)
            assert list(got_books) == list(want_books)
            for name, book in got_books.items():
                assert_frame_equal(book, want_books[name])
        pack = site_reviews(lazy, "安康小区", SEPTEMBER)
        assert pack or not scope.county
        # The buildings of the captains' list or the ledger, from the grain: as from the rows.
        ledger = roster(whole.buildings, whole.labour)
        assert_frame_equal(building_roster(lazy), ledger)
        assert [r.place.building for r in pack] == ledger.filter(
            pl.col("site") == "安康小区"
        ).get_column("building").to_list()
        for got in pack:
            want = building_review(whole, got.place, SEPTEMBER)
            _assert_same_review(got, want)
    assert not frames.labour_loaded


def test_a_review_s_slice_is_two_months_and_its_payees_every_month(three_months: Engine) -> None:
    frames = load_frames(three_months)
    assert review_months(dt.date(2020, 10, 17)) == (SEPTEMBER, OCTOBER)
    place = Place(site="安康小区", building="2")
    people = residents(frames, place)
    full = load_frames(three_months).labour.filter(place.filter())
    assert sorted(people.get_column("id_number")) == sorted(full.get_column("id_number").unique())
    assert not frames.labour_loaded


def _assert_same_review(got, want) -> None:
    for field in dataclasses.fields(got):
        a, b = getattr(got, field.name), getattr(want, field.name)
        if isinstance(a, pl.DataFrame):
            assert_frame_equal(a, b)
        else:
            assert a == b, field.name


@pytest.mark.parametrize("full", [False, True])
def test_the_console_s_tables_are_written_a_month_at_a_time(
    three_months: Engine, full: bool
) -> None:
    frames = load_frames(three_months)
    eager = dataclasses.replace(frames, labour=load_frames(three_months).labour)
    for scope in SCOPES:
        console = console_tables(frames.scoped(scope), full)
        expected = query_tables(eager.scoped(scope), full)
        assert list(console) == list(expected)
        for name, table in expected.items():
            assert_frame_equal(console[name].collect(), plain(table))
            assert console.heights[name] == table.height
    assert not frames.labour_loaded
