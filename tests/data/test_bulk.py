"""A new store built with its labour records set aside and appended at the end (ADBC, in a child
process) holds exactly what the importer writes row by row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text

from data import bulk
from data.demo import build_demo
from data.store import get_engine

TABLES = ("labour_record", "person", "household", "village", "building", "subsidy_payment")


def _rows(url: str, table: str) -> pl.DataFrame:
    # Every column as the file holds it (text, integers, reals), so that storage classes count.
    with get_engine(url).connect() as conn:
        columns = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")]
        select = ", ".join(f'"{c}", typeof("{c}") AS "{c}:type"' for c in columns)
        rows = conn.execute(text(f"SELECT {select} FROM {table} ORDER BY id")).all()
    names = [n for c in columns for n in (c, f"{c}:type")]
    return pl.DataFrame(
        [tuple(r) for r in rows], schema=names, orient="row", infer_schema_length=None
    )


def _indexes(url: str) -> list[tuple[str, str | None]]:
    with get_engine(url).connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
        return [tuple(r) for r in found]


def test_records_set_aside_reach_the_store_as_the_importer_writes_them(
    demo_store_url: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'aside.sqlite'}"
    aside = tmp_path / "records"
    result = build_demo(
        get_engine(url), seed=7, scale=3000, months=6, out_dir=tmp_path / "ledgers", set_aside=aside
    )
    assert result.ok, result.report()
    for table in TABLES:
        assert_frame_equal(_rows(url, table), _rows(demo_store_url, table))
    assert _rows(url, "labour_record").height > 15_000
    assert _indexes(url) == _indexes(demo_store_url)
    assert list(aside.iterdir()) == []


def test_a_failed_append_changes_nothing_and_keeps_the_records(
    own_store_url: str, tmp_path: Path
) -> None:
    before, indexes = _rows(own_store_url, "labour_record"), _indexes(own_store_url)
    # Two fresh records, the second for the same person and month as a stored one.
    stored = before.row(0, named=True)
    fresh = before.head(2).select(c for c in before.columns if not c.endswith(":type"))
    fresh = fresh.with_columns(pl.Series("id", [10**9, 10**9 + 1]))
    fresh = fresh.with_columns(
        pl.when(pl.col("id") == 10**9)
        .then(pl.lit("2030-01-01"))
        .otherwise(pl.lit(stored["month"]))
        .alias("month")
    )
    aside = tmp_path / "records"
    bulk.set_aside(aside, fresh)
    database = Path(own_store_url.removeprefix("sqlite:///"))
    get_engine(own_store_url).dispose()
    with pytest.raises(RuntimeError, match="UNIQUE") as failed:
        bulk.append(database, aside)
    assert str(database) in str(failed.value)
    assert_frame_equal(_rows(own_store_url, "labour_record"), before)
    assert _indexes(own_store_url) == indexes
    assert len(list(aside.glob("*.arrow"))) == 1


def test_ids_follow_the_records_set_aside(tmp_path: Path) -> None:
    assert bulk.next_id(tmp_path) == 1
    bulk.set_aside(tmp_path, pl.DataFrame({"id": [5, 6, 7]}))
    bulk.set_aside(tmp_path, pl.DataFrame({"id": [8, 9]}))
    assert bulk.next_id(tmp_path) == 10
    assert [p.name for p in sorted(tmp_path.iterdir())] == [
        "000000000005-000000000007.arrow",
        "000000000008-000000000009.arrow",
    ]
