"""What an import reads from the store follows the rows it imports, not the store, on SQLite and
PostgreSQL: a county's file of a month looks up its own people's records of that month, not the
whole province's month, and the batch's log (and undo) holds exactly the records it replaced."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text
from sqlalchemy.engine import Engine
from stdnum.cn import ric

import data.importer as importer
from data.importer import StoreWriter, import_files, table_schema
from data.undo import undo_batch
from tests.data.test_import import TABLES, dump, labour_ledger
from tests.data.test_ledger import labour_row

HISTORY = ("import_batch", "batch_change")


def id_number(n: int) -> str:
    """A valid ID number for any `n` below 3,650,000 (a birth day each thousand people)."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    s17 = f"522424{birth:%Y%m%d}{n % 1000:03d}"
    return s17 + ric.calc_check_digit(s17 + "0")


def county_a(n: int, **changes: Any) -> dict[str, Any]:
    return labour_row(n, **changes)


def county_b(n: int, **changes: Any) -> dict[str, Any]:
    """Person `n` of another township and site, in the same month as county A's."""
    number = id_number(100_000 + n)
    return labour_row(
        n,
        **{
            "乡镇(街道)": "龙溪镇",
            "村(社区)": "龙溪村",
            "安置点": "安居苑",
            "身份证号": number,
            "性别": "男" if int(number[16]) % 2 else "女",
            "联系电话": f"139{n:08d}",
        }
        | changes,
    )


class CountingCursor:
    """A DBAPI cursor that notes, for each statement, how many rows it handed over."""

    def __init__(self, cursor: Any, log: list[tuple[str, int]]) -> None:
        self._cursor, self._log, self._sql = cursor, log, ""

    def execute(self, sql: str, *args: Any) -> Any:
        self._sql = sql
        return self._cursor.execute(sql, *args)

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        self._log.append((self._sql, row is not None))
        return row

    def fetchmany(self, size: int) -> list:
        rows = self._cursor.fetchmany(size)
        self._log.append((self._sql, len(rows)))
        return rows

    def fetchall(self) -> list:
        rows = self._cursor.fetchall()
        self._log.append((self._sql, len(rows)))
        return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int]]]:
    """(statement, rows it returned) for every read the store writer makes."""
    log: list[tuple[str, int]] = []
    enter = StoreWriter.__enter__

    def counting(self: StoreWriter) -> StoreWriter:
        writer = enter(self)
        writer.cur = CountingCursor(writer.cur, log)
        return writer

    monkeypatch.setattr(StoreWriter, "__enter__", counting)
    yield log


def rows_read(log: list[tuple[str, int]], table: str) -> int:
    return sum(n for sql, n in log if f" {table} " in f" {sql} ".replace("\n", " "))


def batch_log(engine: Engine, batch_id: int, table: str, action: str) -> pl.DataFrame:
    with engine.connect() as conn:
        blob = conn.execute(
            text(
                "SELECT rows FROM batch_change WHERE batch_id = :b AND table_name = :t "
                "AND action = :a"
            ),
            {"b": batch_id, "t": table, "a": action},
        ).scalar_one()
    return pl.read_parquet(io.BytesIO(bytes(blob)))


def exactly(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert_frame_equal(left, right, check_dtypes=False, check_exact=True)


@pytest.mark.parametrize("in_list", [500, 2], ids=["in-list", "key-table"])
def test_a_county_file_replaces_its_own_records_and_reads_no_others(
    engine: Engine,
    tmp_path: Path,
    reads: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    in_list: int,
) -> None:
    # With 2, every look-up of more than two keys goes through a temporary table of keys.
    monkeypatch.setattr(importer, "_IN_LIST", in_list, raising=False)
    others = [county_b(n) for n in range(150)]
    ours = [county_a(n) for n in range(8)]
    assert import_files(engine, [labour_ledger(tmp_path / "b.csv", others)]).ok
    first = import_files(engine, [labour_ledger(tmp_path / "a.csv", ours)])
    assert first.ok and first.totals().replaced == 0
    before = dump(engine)
    # Six of our eight people again, two of them changed (an income of 17 digits).
    again = [
        *ours[:4],
        county_a(4, 就业状态="已就业", 就业形式="省外务工", 就业单位='王氏"鞋厂\\一'),
        county_a(5, **{"月收入(元)": "0.30000000000000004"}),
    ]
    reads.clear()

    second = import_files(engine, [labour_ledger(tmp_path / "a2.csv", again)])

    assert second.ok, second.report()
    assert (second.totals().imported, second.totals().replaced) == (6, 6)
    # The six records of the file were looked up, not the month's 158: a few statements more
    # (counting the month's records, the largest id) read a row each.
    assert rows_read(reads, "labour_record") <= 6 + 3
    after = dump(engine)["labour_record"]
    old = before["labour_record"]
    ids = dump(engine)["person"].select(pl.col("id").alias("person_id"), "id_number")
    mine = old.join(ids, on="person_id").filter(
        pl.col("id_number").is_in([r["身份证号"] for r in again])
    )
    # The other county's records and our two people left out: the very same rows.
    kept = old.filter(~pl.col("id").is_in(mine["id"].implode()))
    exactly(after.filter(pl.col("id").is_in(kept["id"].implode())), kept)
    assert after.height == old.height
    new = after.filter(~pl.col("id").is_in(kept["id"].implode()))
    assert new["batch_id"].unique().to_list() == [second.batch_id]
    assert sorted(new["person_id"]) == sorted(mine["person_id"])
    assert new.filter(pl.col("employer") == '王氏"鞋厂\\一').height == 1
    assert 0.30000000000000004 in new["monthly_income"].to_list()
    # The log holds exactly the six records replaced, whole.
    logged = batch_log(engine, second.batch_id, "labour_record", "delete")
    exactly(logged.sort("id").select(old.columns), mine.sort("id").select(old.columns))

    undone = undo_batch(engine, second.batch_id, user="审核员")

    assert undone.ok, undone.report()
    assert (undone.counts["removed:labour_record"], undone.counts["restored:labour_record"]) == (
        6,
        6,
    )
    restored = dump(engine)
    for table in TABLES:
        if table not in HISTORY:
            exactly(restored[table], before[table])


def test_a_new_month_reads_no_labour_records(
    engine: Engine, tmp_path: Path, reads: list[tuple[str, int]]
) -> None:
    assert import_files(
        engine, [labour_ledger(tmp_path / "8.csv", [county_b(n) for n in range(40)])]
    ).ok
    september = [county_b(n, 统计月份="2020-09") for n in range(40)]
    reads.clear()
    result = import_files(engine, [labour_ledger(tmp_path / "9.csv", september)])
    assert result.ok and result.totals().replaced == 0
    # Counting the month's records (none) and the largest id; not a record of August.
    assert rows_read(reads, "labour_record") <= 2


def test_a_file_of_two_months_replaces_only_the_stored_one(engine: Engine, tmp_path: Path) -> None:
    august = [county_a(n) for n in range(5)]
    assert import_files(engine, [labour_ledger(tmp_path / "8.csv", august)]).ok
    both = [*august[:3], *(county_a(n, 统计月份="2020-09") for n in range(4))]
    result = import_files(engine, [labour_ledger(tmp_path / "89.csv", both)])
    assert result.ok
    assert (result.totals().imported, result.totals().replaced) == (7, 3)
    records = dump(engine)["labour_record"]
    assert records.group_by("month").len().sort("month")["len"].to_list() == [5, 4]


# --- StoreWriter.fetch ------------------------------------------------------------------------

PERSON = {"id": pl.Int64(), "id_number": pl.String(), "name": pl.String()}


def people_table(engine: Engine, n: int) -> pl.DataFrame:
    """`n` persons written straight into the store, as the writer writes them."""
    frame = pl.DataFrame(
        {
            "id": range(1, n + 1),
            "id_number": [id_number(i) for i in range(n)],
            "name": [f"人{i}" for i in range(n)],
        },
        schema=PERSON,
    )
    with StoreWriter(engine) as writer:
        writer.insert("person", frame)
    return frame


def test_fetch_with_many_keys_reads_those_rows_only(
    engine: Engine, reads: list[tuple[str, int]]
) -> None:
    """More keys than one `IN (...)` takes (20,001 here) in a store of 50,000 people: the
    writer reads the rows of those keys, not the whole table."""
    stored = people_table(engine, 50_000)
    wanted = stored.gather_every(2).head(20_001)
    missing = pl.Series([id_number(60_000 + i) for i in range(5)])
    keys = pl.concat([wanted["id_number"], missing, wanted["id_number"].head(3)])
    reads.clear()
    with StoreWriter(engine) as writer:
        found = writer.fetch(
            "SELECT id, id_number, name FROM person", PERSON, where_in=("id_number", keys)
        )
    exactly(found.sort("id"), wanted)
    assert rows_read(reads, "person") <= wanted.height + 1


@pytest.mark.parametrize("share", [0.1, 0.9])
def test_fetch_gives_the_same_rows_whichever_way_it_reads(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(importer, "_IN_LIST", 3, raising=False)
    stored = people_table(engine, 200)
    wanted = stored.sample(fraction=share, seed=1)
    with StoreWriter(engine) as writer:
        found = writer.fetch(
            "SELECT id, id_number, name FROM person",
            PERSON,
            where_in=("id_number", wanted["id_number"]),
        )
        few = writer.fetch(
            "SELECT id, id_number, name FROM person WHERE id > 100",
            PERSON,
            where_in=("id_number", stored["id_number"].head(3)),
        )
    exactly(found.sort("id"), wanted.sort("id"))
    assert few.is_empty()


def test_every_value_reads_back_exactly(engine: Engine, tmp_path: Path) -> None:
    """Floats to the last bit, texts with quotes, backslashes, line breaks and emoji, nulls,
    empty strings, dates and flags come back from the store as they were written."""
    assert import_files(engine, [labour_ledger(tmp_path / "a.csv", [county_a(0)])]).ok
    written = dump(engine)["labour_record"]
    schema = table_schema("labour_record")
    record = written.row(0, named=True)
    odd = pl.DataFrame(
        [
            record
            | {
                "id": record["id"] + k + 1,
                "person_id": record["person_id"],
                "month": dt.date(2021, 1 + k, 1),
                "employer": employer,
                "monthly_income": income,
                "two_after": flag,
                "phone": phone,
            }
            for k, (employer, income, flag, phone) in enumerate(
                [
                    ('王氏"鞋厂\\一\n二', 0.1 + 0.2, True, ""),
                    ('😀 [1, 2] {"a": null}', 12300.000000000002, False, None),
                    (None, 1e-310, None, "null"),
                    ("'", 1.7976931348623157e308, True, "\t"),
                ]
            )
        ]
    )
    odd = odd.select(pl.col(c).cast(d) for c, d in schema.items())
    with StoreWriter(engine) as writer:
        writer.insert("labour_record", odd)
    with StoreWriter(engine) as writer:
        back = writer.lookup("labour_record", odd.select("month", "person_id"))
        whole = writer.fetch(f"SELECT {', '.join(schema)} FROM labour_record", schema)
    exactly(back.sort("id"), odd)
    exactly(whole.filter(pl.col("id").is_in(odd["id"].implode())).sort("id"), odd)
    assert whole.height == written.height + odd.height
