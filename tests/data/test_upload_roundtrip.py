"""The upload page's round trip at the data level, on SQLite and PostgreSQL: check a ledger with
errors (nothing changes), correct it, import it, import it again (it replaces, nothing doubles),
import the valid rows only and then the corrected rejects, and undo each batch: the store comes
back exactly as it was before.

The functions are the ones pages/upload.py and pages/imports.py call, in the same order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from data.frames import load_frames
from data.importer import check_files, import_files
from data.report import error_workbook, issue_table, preview
from data.store import data_version
from data.undo import undo_batch
from tests.data.test_import import TABLES, dump, labour_ledger, people
from tests.data.test_ledger import grid, labour_row, write_xlsx

AUGUST, SEPTEMBER = dt.date(2020, 8, 1), dt.date(2020, 9, 1)
HISTORY = ("import_batch", "batch_change")  # what an undo adds to: the history itself


def assert_same_data(before: dict[str, pl.DataFrame], engine: Engine) -> None:
    """Every table but the history equals `before`, to the last bit (ids included)."""
    after = dump(engine)
    for table in TABLES:
        if table in HISTORY:
            continue
        try:
            assert_frame_equal(after[table], before[table], check_dtypes=False, check_exact=True)
        except AssertionError as exc:
            raise AssertionError(f"{table}: {exc}") from None


def september(path: Path, **changes: dict) -> Path:
    """Eight people's September; `changes` by person: {"2": {"劳动能力": "能干"}}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [labour_row(n, 统计月份="2020-09") for n in range(8)]
    for index, change in changes.items():
        rows[int(index)] = rows[int(index)] | change
    return labour_ledger(path, rows)


def test_reject_correct_commit_reimport_and_undo(engine: Engine, tmp_path: Path) -> None:
    first = import_files(engine, [labour_ledger(tmp_path / "8月.xlsx", people(8))], user="录入员")
    assert first.ok, first.report()
    before = dump(engine)

    # Upload: rows 6 and 8 of the sheet (people 1 and 3) are wrong.
    changes = {"1": {"劳动能力": "能干"}, "3": {"身份证号": "5224"}}
    bad = september(tmp_path / "upload" / "9月.xlsx", **changes)
    parsed, issues = check_files([bad])
    shown = preview(parsed, issues)
    assert shown.select("months", "rows_valid", "rows_with_errors").row(0) == ([SEPTEMBER], 6, 2)
    table = issue_table(issues, "zh")
    assert table.select("row", "column", "value").rows() == [
        (6, "劳动能力", "能干"),
        (8, "身份证号", "5224"),
    ]
    assert error_workbook(parsed, issues)[:2] == b"PK"
    refused = import_files(engine, [bad], user="录入员")
    assert not refused.ok and refused.batch_id is None
    assert_same_data(before, engine)
    assert dump(engine)["import_batch"].height == before["import_batch"].height

    # Corrected and imported: the month is there at once.
    fixed = september(tmp_path / "fixed" / "9月.xlsx")
    _, issues = check_files([fixed])
    assert not issues
    done = import_files(engine, [fixed], user="录入员")
    assert done.ok and (done.totals().imported, done.totals().replaced) == (8, 0)
    assert load_frames(engine).labour.filter(pl.col("month") == SEPTEMBER).height == 8
    after_import = dump(engine)

    # The same file again: it replaces the month's rows for the same people, nothing doubles.
    again = import_files(engine, [fixed], user="录入员")
    assert again.ok and (again.totals().imported, again.totals().replaced) == (8, 8)
    labour = load_frames(engine).labour
    assert labour.filter(pl.col("month") == SEPTEMBER).height == 8
    assert labour.height == 16

    # Undo, newest first: each undo brings back the store as it was before that batch.
    first_undo = undo_batch(engine, again.batch_id, user="录入员")
    assert first_undo.ok, first_undo.report()
    assert_same_data(after_import, engine)
    refusal = undo_batch(engine, again.batch_id, user="录入员")
    assert not refusal.ok and "已被批次" in refusal.report()
    second_undo = undo_batch(engine, done.batch_id, user="录入员")
    assert second_undo.ok, second_undo.report()
    assert_same_data(before, engine)
    batches = load_frames(engine).batches.sort("id")
    assert batches.select("id", "source", "user", "undone_by").rows() == [
        (first.batch_id, "import", "录入员", None),
        (done.batch_id, "import", "录入员", second_undo.batch_id),
        (again.batch_id, "import", "录入员", first_undo.batch_id),
        (first_undo.batch_id, "undo", "录入员", None),
        (second_undo.batch_id, "undo", "录入员", None),
    ]


def test_keep_valid_then_the_corrected_rejects_then_undo(engine: Engine, tmp_path: Path) -> None:
    before = dump(engine)
    bad = september(tmp_path / "9月.xlsx", **{"2": {"劳动能力": "能干"}})
    rejects = tmp_path / "rejects.xlsx"

    valid = import_files(engine, [bad], keep_valid=rejects, user="录入员")

    assert valid.ok and (valid.totals().imported, valid.totals().rejected) == (7, 1)
    assert load_frames(engine).labour.height == 7
    # The rejects workbook, corrected, is a ledger of its own (its row number column is ignored).
    back = pl.read_excel(rejects, infer_schema_length=0)
    assert back["行号"].to_list() == ["7"]  # title, blank, header, units, then people 0, 1, 2
    corrected = back.drop("行号", "错误原因").with_columns(pl.lit("有劳动能力").alias("劳动能力"))
    path = write_xlsx(tmp_path / "改正.xlsx", {"改正": grid(corrected.to_dicts())})
    rest = import_files(engine, [path], user="录入员")
    assert rest.ok and rest.totals().imported == 1, rest.report()
    whole = load_frames(engine).labour
    assert whole.height == 8 and whole["capacity"].unique().to_list() == ["有劳动能力"]

    assert undo_batch(engine, rest.batch_id, user="录入员").ok
    assert load_frames(engine).labour.height == 7
    assert undo_batch(engine, valid.batch_id, user="录入员").ok
    assert_same_data(before, engine)
    assert data_version(engine) == valid.batch_id + 3


def test_an_earlier_batch_cannot_be_undone_under_a_later_one(
    engine: Engine, tmp_path: Path
) -> None:
    first = import_files(engine, [september(tmp_path / "a.xlsx")])
    lost_work = {"0": {"就业状态": "未就业", "就业形式": None}}
    second = import_files(engine, [september(tmp_path / "b.xlsx", **lost_work)])
    assert first.ok and second.ok
    before = dump(engine)

    refused = undo_batch(engine, first.batch_id, user="录入员")

    assert not refused.ok
    assert f"请先撤销 #{second.batch_id}" in refused.report()
    assert_frame_equal(dump(engine)["import_batch"], before["import_batch"], check_dtypes=False)
    assert_same_data(before, engine)
