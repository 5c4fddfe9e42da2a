"""Subsidy rosters: what one payment is (ledger-format.md, format 2), on SQLite and PostgreSQL.

Without a voucher number, a person payment is (发放日期, 补贴类型, 身份证号) and an employer
payment (发放日期, 补贴类型, 单位名称, 乡镇(街道)): one employer may be paid for several townships
on one day. A 凭证号 is the payment's identity when the roster gives one.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from data.frames import load_frames
from data.importer import check_files, import_files
from data.store import init_store
from data.undo import undo_batch
from tests.data.test_import import assert_store_unchanged, dump
from tests.data.test_ledger import grid, make_id, write_xlsx

Cell = Any
HIRING = "吸纳就业补贴"
# One employer's hiring subsidy of 20 August 2020, booked to four townships.
TOWNSHIPS = {"岩孔街道": 3000, "新化乡": 1500, "禹谟镇": 4500.5, "西洛街道": 500}


def payment(**changes: Cell) -> dict[str, Cell]:
    row: dict[str, Cell] = {
        "发放日期": "2020-08-20",
        "补贴类型": "交通补贴",
        "姓名": "张0",
        "身份证号": make_id(0),
        "单位名称": None,
        "金额(元)": 500,
        "乡镇(街道)": "岩孔街道",
        "安置点": None,
        "备注": None,
    }
    return row | changes


def to_employer(township: str, amount: float, **changes: Cell) -> dict[str, Cell]:
    return payment(
        **{"补贴类型": HIRING, "姓名": None, "身份证号": None, "单位名称": "金沙鞋厂"},
        **{"乡镇(街道)": township, "金额(元)": amount},
        **changes,
    )


def roster(path: Path, rows: list[dict[str, Cell]]) -> Path:
    """A roster as counties lay it out: title, blank row, header (row 3), data from row 4."""
    header = list(dict.fromkeys(h for r in rows for h in r))
    return write_xlsx(
        path, {"花名册": grid(rows, header=header, title="补贴发放花名册（2020年8月）")}
    )


def four_townships() -> list[dict[str, Cell]]:
    return [to_employer(t, a) for t, a in TOWNSHIPS.items()] + [payment()]


def stored_payments(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM subsidy_payment")).scalar_one()


def hiring_by_township(engine: Engine) -> dict[str, float]:
    subsidies = load_frames(engine).subsidies.filter(pl.col("kind") == HIRING)
    totals = subsidies.group_by("township").agg(pl.col("amount").sum()).rows()
    return dict(totals)


def test_an_employer_paid_for_four_townships_on_one_day_is_four_payments(
    engine: Engine, tmp_path: Path
) -> None:
    result = import_files(engine, [roster(tmp_path / "花名册.xlsx", four_townships())])

    assert result.ok, result.report()
    assert result.totals("subsidies").imported == 5
    assert hiring_by_township(engine) == TOWNSHIPS
    employer = load_frames(engine).subsidies.filter(pl.col("employer") == "金沙鞋厂")
    assert employer.height == 4 and set(employer["paid_on"]) == {dt.date(2020, 8, 20)}


def test_reimporting_the_same_roster_duplicates_nothing(engine: Engine, tmp_path: Path) -> None:
    rows = [
        *four_townships(),
        payment(身份证号=make_id(1), 姓名="张1", 凭证号="记-0012"),
        payment(身份证号=make_id(1), 姓名="张1", 凭证号="记-0013", **{"金额(元)": 300}),
    ]
    path = roster(tmp_path / "花名册.xlsx", rows)
    assert import_files(engine, [path]).ok

    again = import_files(engine, [path])

    assert again.ok, again.report()
    assert (again.totals().imported, again.totals().replaced) == (7, 7)
    assert stored_payments(engine) == 7
    assert hiring_by_township(engine) == TOWNSHIPS
    person = load_frames(engine).subsidies.filter(pl.col("id_number") == make_id(1))
    assert sorted(person["amount"]) == [300.0, 500.0]


def test_one_employer_township_twice_on_one_day_is_still_a_duplicate(tmp_path: Path) -> None:
    rows = [to_employer("岩孔街道", 3000), to_employer("新化乡", 1), to_employer("岩孔街道", 5)]
    _, issues = check_files([roster(tmp_path / "x.xlsx", rows)])

    assert [(i.row, i.column, i.reason_zh) for i in issues] == [
        (4, "补贴类型", "同一天同一补贴发给同一对象两次：与第 6 行重复"),
        (6, "补贴类型", "同一天同一补贴发给同一对象两次：与第 4 行重复"),
    ]


def test_the_same_voucher_twice_is_refused_with_both_rows(engine: Engine, tmp_path: Path) -> None:
    before = dump(engine)
    rows = [
        payment(凭证号="记-0012"),
        payment(身份证号=make_id(1), 姓名="张1", 凭证号="记-0013"),
        payment(身份证号=make_id(2), 姓名="张2", 凭证号=" 记-0012 "),  # spaces do not matter
    ]

    result = import_files(engine, [roster(tmp_path / "花名册.xlsx", rows)])

    assert not result.ok
    assert [(i.row, i.column, i.value, i.reason_zh) for i in result.errors] == [
        (4, "凭证号", "记-0012", "凭证号重复，同一凭证号只能是一笔发放：与第 6 行重复"),
        (6, "凭证号", " 记-0012 ", "凭证号重复，同一凭证号只能是一笔发放：与第 4 行重复"),
    ]
    assert "第 4 行 凭证号" in result.report() and "voucher" in result.report("en")
    assert_store_unchanged(before, engine)


def test_different_vouchers_are_two_payments(engine: Engine, tmp_path: Path) -> None:
    # The same person, subsidy and day, paid twice against two vouchers (e.g. two months' 交通补贴
    # settled at once): two payments.
    rows = [payment(凭证号="记-0012"), payment(凭证号="记-0013", **{"金额(元)": 300})]

    result = import_files(engine, [roster(tmp_path / "花名册.xlsx", rows)])

    assert result.ok, result.report()
    subsidies = load_frames(engine).subsidies
    assert sorted(subsidies["amount"]) == [300.0, 500.0]
    with engine.connect() as conn:
        vouchers = conn.execute(sa.text("SELECT voucher FROM subsidy_payment ORDER BY voucher"))
        assert vouchers.scalars().all() == ["记-0012", "记-0013"]


def test_a_payment_without_voucher_and_one_with_clash_in_one_roster(tmp_path: Path) -> None:
    # Which of the two vouchered payments would the bare row be? Neither can be told apart.
    rows = [payment(凭证号="记-0012"), payment(凭证号="记-0013"), payment()]
    _, issues = check_files([roster(tmp_path / "x.xlsx", rows)])

    assert [(i.row, i.reason_zh) for i in issues] == [
        (4, "同一天同一补贴发给同一对象两次：与第 6 行重复"),
        (5, "同一天同一补贴发给同一对象两次：与第 6 行重复"),
        (6, "同一天同一补贴发给同一对象两次：与第 4 行、第 5 行重复"),
    ]


def test_vouchers_added_later_replace_the_payments_imported_without(
    engine: Engine, tmp_path: Path
) -> None:
    # A county imports its roster, then adds the 凭证号 column and imports it again.
    bare = four_townships()
    assert import_files(engine, [roster(tmp_path / "a.xlsx", bare)]).ok
    vouchered = [r | {"凭证号": f"记-{n:04d}"} for n, r in enumerate(bare)]

    again = import_files(engine, [roster(tmp_path / "b.xlsx", vouchered)])

    assert again.ok, again.report()
    assert again.totals().replaced == 5
    assert stored_payments(engine) == 5
    assert hiring_by_township(engine) == TOWNSHIPS


# --- a store made before payments had vouchers ------------------------------------------------

# subsidy_payment as stores made before issue 20 have it: no voucher, and a person or employer
# paid once a day per subsidy, whatever the township.
OLD = sa.MetaData()
for referred in ("township", "site", "import_batch"):
    SQLModel.metadata.tables[referred].to_metadata(OLD)
sa.Table(
    "subsidy_payment",
    OLD,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("paid_on", sa.Date, nullable=False, index=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("payee", sa.String, nullable=False),
    sa.Column("name", sa.String),
    sa.Column("id_number", sa.String),
    sa.Column("employer", sa.String),
    sa.Column("amount_fen", sa.BigInteger, nullable=False),
    sa.Column("township_id", sa.Integer, sa.ForeignKey("township.id"), nullable=False),
    sa.Column("site_id", sa.Integer, sa.ForeignKey("site.id")),
    sa.Column("note", sa.String),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.id"), nullable=False, index=True),
    sa.UniqueConstraint("kind", "paid_on", "payee"),
)


def test_a_store_made_before_vouchers_takes_the_four_townships(
    engine: Engine, tmp_path: Path
) -> None:
    first = import_files(engine, [roster(tmp_path / "a.xlsx", [payment(身份证号=make_id(3))])])
    assert first.ok
    with engine.begin() as conn:
        kept = conn.execute(sa.select(OLD.tables["subsidy_payment"])).mappings().all()
        conn.execute(sa.text("DROP TABLE subsidy_payment"))
        OLD.tables["subsidy_payment"].create(conn)
        conn.execute(OLD.tables["subsidy_payment"].insert(), [dict(r) for r in kept])

    init_store(engine)  # what every start does

    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("subsidy_payment")}
        assert "voucher" in columns
        indexes = {i["name"]: i["unique"] for i in sa.inspect(conn).get_indexes("subsidy_payment")}
        assert indexes["ix_subsidy_payment_voucher"] and indexes["ix_subsidy_payment_payee"]
        assert stored_payments(engine) == 1
    result = import_files(engine, [roster(tmp_path / "b.xlsx", four_townships())])
    assert result.ok, result.report()
    assert hiring_by_township(engine) == TOWNSHIPS
    assert stored_payments(engine) == 6
    init_store(engine)  # a second start finds nothing to do
    assert stored_payments(engine) == 6


def test_two_processes_starting_at_once_upgrade_the_store_once(
    engine: Engine, tmp_path: Path
) -> None:
    assert import_files(engine, [roster(tmp_path / "a.xlsx", four_townships())]).ok
    with engine.begin() as conn:
        kept = conn.execute(sa.select(OLD.tables["subsidy_payment"])).mappings().all()
        conn.execute(sa.text("DROP TABLE subsidy_payment"))
        OLD.tables["subsidy_payment"].create(conn)
        conn.execute(OLD.tables["subsidy_payment"].insert(), [dict(r) for r in kept[:1]])
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def start_up() -> None:
        start.wait()
        try:
            init_store(engine)
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            failures.append(exc)

    threads = [threading.Thread(target=start_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert stored_payments(engine) == 1
    assert import_files(engine, [roster(tmp_path / "a.xlsx", four_townships())]).ok
    assert hiring_by_township(engine) == TOWNSHIPS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_voucher_header_is_recognised_in_both_languages(tmp_path: Path, lang: str) -> None:
    header = "凭证号" if lang == "zh" else "voucher"
    rows = [payment(**{header: "12"}), payment(身份证号=make_id(1), 姓名="张1", **{header: 12})]
    parsed, issues = check_files([roster(tmp_path / "x.xlsx", rows)])

    assert [i.message() for i in issues] == [
        f'第 4 行 {header} "12" 凭证号重复，同一凭证号只能是一笔发放：与第 5 行重复',
        f'第 5 行 {header} "12" 凭证号重复，同一凭证号只能是一笔发放：与第 4 行重复',
    ]
    assert parsed[0].rows["voucher"].to_list() == ["12", "12"]  # a number cell is the same


def test_undo_of_a_batch_logged_before_vouchers(engine: Engine, tmp_path: Path) -> None:
    # A re-import logs the payments it replaced; one logged before the voucher column existed
    # has no such column, and undoing it gives the payments back without a voucher.
    path = roster(tmp_path / "花名册.xlsx", four_townships())
    assert import_files(engine, [path]).ok
    before = dump(engine)
    again = import_files(engine, [path])
    with engine.begin() as conn:
        logged = conn.execute(
            sa.text("SELECT id, rows FROM batch_change WHERE batch_id = :b AND action = 'delete'"),
            {"b": again.batch_id},
        ).one()
        old_log = io.BytesIO()
        pl.read_parquet(io.BytesIO(logged.rows)).drop("voucher").write_parquet(old_log)
        conn.execute(
            sa.text("UPDATE batch_change SET rows = :r WHERE id = :i"),
            {"r": old_log.getvalue(), "i": logged.id},
        )

    result = undo_batch(engine, again.batch_id, user="admin")

    assert result.ok, result.report()
    after = dump(engine)
    assert_frame_equal(after["subsidy_payment"], before["subsidy_payment"], check_dtypes=False)
