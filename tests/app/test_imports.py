"""The import history (导入记录) through AppTest: every batch newest first in words, the undo of
a batch by clerks and administrators (a row click puts `?batch=N` in the URL; a test sets it
there), the refusal when a later batch overwrote it, no undo for undone batches and undos, and
analysts reading without undoing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from data.frames import load_frames
from data.importer import import_files
from data.store import data_version, get_engine
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row
from ui.strings import STRINGS

PAGE = "pages/imports.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def import_september(url: str, tmp_path: Path, name: str = "9月.xlsx", **changes: str) -> int:
    """Six people's September 2020 imported by the demo clerk; the new batch's id."""
    rows = [labour_row(n, 统计月份="2020-09", **changes) for n in range(6)]
    result = import_files(
        get_engine(url), [labour_ledger(tmp_path / name, rows)], user="demo-clerk"
    )
    assert result.ok, result.report()
    return result.batch_id


def history(at) -> pl.DataFrame:
    return pl.from_pandas(at.dataframe[0].value)


def undo_button(at, batch: int):
    found = [b for b in at.button if b.key == f"imports_undo_{batch}"]
    return found[0] if found else None


def test_the_history_lists_every_batch_newest_first_in_words(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    batch = import_september(own_store_url, tmp_path)
    created = load_frames(get_engine(own_store_url)).batches.filter(pl.col("id") == batch)
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    assert not at.exception
    shown = history(at)
    assert shown["id"].to_list() == [batch, 1]
    assert shown.row(0, named=True) | {"created_at": None} == {
        "id": batch,
        "created_at": None,
        "user": "演示·录入员",
        "source": zh("imp_source_import"),
        "status": None,
        "months": "2020年9月",
        "rows_read": 8,
        "rows_imported": 6,
        "rows_replaced": 0,
        "rows_rejected": 0,
        "formats": "劳动力就业台账",
        "files": "9月.xlsx",
    }
    # China time: eight hours ahead of the stored UTC.
    utc = created["created_at"].item()
    assert shown["created_at"][0] == (utc + dt.timedelta(hours=8)).replace(tzinfo=None)
    demo = shown.row(1, named=True)
    assert demo["source"] == zh("imp_source_demo")
    assert demo["formats"].startswith("安置点、楼长名册、劳动力就业台账")
    assert at.caption[0].value.startswith(zh("imp_count", count=2))
    assert undo_button(at, batch) is None  # nothing chosen yet


def test_a_clerk_undoes_a_batch_after_confirming(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    engine = get_engine(own_store_url)
    before = load_frames(engine).labour.height
    batch = import_september(own_store_url, tmp_path)
    at = app_for(own_store_url, user="demo-clerk", batch=str(batch)).switch_page(PAGE).run()

    what = zh("imp_what", when="2020年9月 ", what="劳动力就业台账", rows="6")
    assert zh("imp_confirm", batch=batch, what=what) in [m.value for m in at.markdown]
    undo_button(at, batch).click().run()

    assert not at.exception
    undo = batch + 1
    assert data_version(engine) == undo
    assert at.success[0].value.startswith(f"已撤销批次 #{batch}（本次撤销记为批次 #{undo}）")
    assert load_frames(engine).labour.height == before
    shown = history(at)
    assert shown.select("id", "source", "status").rows()[:2] == [
        (undo, zh("imp_source_undo"), zh("imp_undo_of", what=f"#{batch}")),
        (batch, zh("imp_source_import"), zh("imp_undone_by", batch=undo)),
    ]
    # The batch stays chosen: it says it was undone, and offers no second undo.
    undone_at = load_frames(engine).batches.filter(pl.col("id") == undo)["created_at"].item()
    when = (undone_at + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")  # China time
    assert [i.value for i in at.info] == [zh("imp_already_undone", batch=batch, by=undo, when=when)]
    assert undo_button(at, batch) is None


def test_an_undo_under_a_later_batch_is_refused_with_the_reason(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    engine = get_engine(own_store_url)
    first = import_september(own_store_url, tmp_path, "a.xlsx")
    second = import_september(own_store_url, tmp_path, "b.xlsx", 培训需求="烘焙")
    labour = load_frames(engine).labour
    at = app_for(own_store_url, user="demo-clerk", batch=str(first)).switch_page(PAGE).run()

    undo_button(at, first).click().run()

    assert not at.exception
    assert [e.value for e in at.error] == [
        "撤销未执行，数据没有任何改动："
        f"导入 #{second} 之后改写了本批（#{first}）的数据：请先撤销 #{second}"
    ]
    assert data_version(engine) == second
    assert load_frames(engine).labour.equals(labour)


def test_an_undo_batch_cannot_be_undone(app_for, own_store_url: str, tmp_path: Path) -> None:
    from data.undo import undo_batch

    batch = import_september(own_store_url, tmp_path)
    undo = undo_batch(get_engine(own_store_url), batch, user="demo-clerk").batch_id
    at = app_for(own_store_url, user="demo-clerk", batch=str(undo)).switch_page(PAGE).run()

    assert [i.value for i in at.info] == [zh("imp_is_undo", batch=undo)]
    assert undo_button(at, undo) is None


def test_an_administrator_may_undo_too(app_for, demo_store_url: str) -> None:
    at = app_for(demo_store_url, user="demo-admin", batch="1").switch_page(PAGE).run()

    assert undo_button(at, 1) is not None


def test_an_analyst_reads_the_history_without_undo(app_for, demo_store_url: str) -> None:
    at = app_for(demo_store_url, user="demo-analyst", batch="1").switch_page(PAGE).run()

    assert not at.exception
    assert history(at)["id"].to_list() == [1]
    assert zh("imp_read_only") in at.caption[0].value
    assert undo_button(at, 1) is None
    assert not [m for m in at.markdown if "此操作会删除" in m.value]


def test_an_empty_store_has_no_history_yet(app_for, empty_store_url: str) -> None:
    at = app_for(empty_store_url, user="demo-clerk").switch_page(PAGE).run()

    assert not at.exception
    assert [i.value for i in at.info] == [zh("imports_empty")]
    assert at.get("page_link")[0].proto.label == zh("nav_upload")
    assert not at.dataframe


def test_the_history_in_english(app_for, own_store_url: str, tmp_path: Path) -> None:
    """Every word in the viewer's language, those made row by row too."""
    from data.undo import undo_batch

    batch = import_september(own_store_url, tmp_path)
    undo = undo_batch(get_engine(own_store_url), batch, user="demo-clerk").batch_id
    at = app_for(own_store_url, user="demo-clerk", lang="en").switch_page(PAGE).run()

    shown = history(at)
    assert shown.select("source", "status", "months", "formats").rows()[:2] == [
        ("Undo", f"undoes #{batch}", "2020-09", "labour ledger"),
        ("Import", f"undone by #{undo}", "2020-09", "labour ledger"),
    ]
    assert shown["formats"][2].startswith("sites, building captains, labour ledger")
    assert " to " in shown["months"][2]  # the demo's months
