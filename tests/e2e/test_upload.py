"""A clerk's month in chromium: sign in, upload a ledger with one bad row, see the error, download
the marked workbook, upload the corrected file, import it, find the batch in the history, and
undo it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from data.accounts import add_user
from data.frames import load_frames
from data.store import data_version, get_engine
from tests.conftest import copy_store
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import LABOUR_HEADER, labour_row
from tests.data.test_report import RED, cells, column_letter, fills
from tests.e2e.conftest import signed_in, start_server
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _idle(page: Page) -> None:
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


def _alert(page: Page, kind: str, text: str):
    return page.get_by_test_id(f"stAlertContent{kind}").filter(has_text=text)


def test_clerk_uploads_corrects_imports_and_undoes(
    page: Page, demo_store_url: str, tmp_path: Path
) -> None:
    url = copy_store(demo_store_url, tmp_path)
    engine = get_engine(url)
    version = data_version(engine)
    people = load_frames(engine).labour.height
    rows = [labour_row(n, 统计月份="2020-09") for n in range(6)]
    bad_dir, fixed_dir = tmp_path / "bad", tmp_path / "fixed"
    bad_dir.mkdir()
    fixed_dir.mkdir()
    name = "劳动力就业台账_2020年09月.xlsx"
    # Row 7 of the sheet (title, blank, header, units, then people 0, 1, 2): person 2.
    bad = labour_ledger(bad_dir / name, [*rows[:2], rows[2] | {"劳动能力": "能干"}, *rows[3:]])
    fixed = labour_ledger(fixed_dir / name, rows)

    # A real clerk: a demo clerk's session ends once a county's ledger goes in (the store is
    # no longer the demo's alone).
    add_user(engine, "clerk1", role="clerk", password="a clerk's secret")
    proc, base = start_server(url)
    try:
        signed_in(page, base, url, "clerk1")
        page.goto(f"{base}/upload")
        expect(page.get_by_role("heading", level=1)).to_have_text(zh("nav_upload"), timeout=60_000)

        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(bad)
        expect(_alert(page, "Error", zh("upl_errors", errors="1", rows="1"))).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_role("button", name=zh("upl_commit"), exact=True)).to_be_disabled()
        keep = page.get_by_role("button", name=zh("upl_commit_valid", rows="5"))
        expect(keep).to_be_enabled()

        # A click while the page still reruns can hit a button about to be replaced: no file.
        expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=zh("upl_download_marked")).click()
        marked = download.value.path().read_bytes()
        assert download.value.suggested_filename == "劳动力就业台账_2020年09月-错误标注.xlsx"
        sheet = cells(marked, "台账")
        capacity = LABOUR_HEADER.index("劳动能力")
        assert sheet[6][capacity] == "能干" and sheet[6][-1].startswith("劳动能力：")
        assert fills(marked, "台账")[f"{column_letter(capacity)}7"] == RED
        assert data_version(engine) == version  # nothing written yet

        # The corrected file instead of the bad one.
        page.get_by_test_id("stFileChipDeleteBtn").get_by_role("button").click()
        _idle(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(fixed)
        expect(_alert(page, "Success", zh("upl_ok"))).to_be_visible(timeout=60_000)
        page.get_by_role("button", name=zh("upl_commit"), exact=True).click()
        batch = version + 1
        done = _alert(page, "Success", zh("upl_done", batch=batch, months="，2020年9月"))
        expect(done).to_be_visible(timeout=60_000)
        assert load_frames(engine).labour.height == people + 6

        # The history opens on the new batch, ready to undo it.
        page.get_by_role("link", name=zh("upl_to_history")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(zh("imports_title"))
        what = zh("imp_what", when="2020年9月 ", what="劳动力就业台账", rows="6")
        expect(page.get_by_text(zh("imp_confirm", batch=batch, what=what))).to_be_visible()
        page.get_by_role("button", name=zh("imp_undo_button", batch=batch)).click()
        expect(_alert(page, "Success", f"已撤销批次 #{batch}")).to_be_visible(timeout=60_000)
        undone = _alert(page, "Info", f"批次 #{batch} 已于").filter(has_text=f"被批次 #{batch + 1}")
        expect(undone).to_be_visible()
        expect(page.get_by_role("button", name=zh("imp_undo_button", batch=batch))).to_have_count(0)
        assert load_frames(engine).labour.height == people
        batches = load_frames(engine).batches.sort("id")
        assert batches.filter(pl.col("id") == batch)["undone_by"].item() == batch + 1

        # A click on a row chooses that batch: the demo, last of three rows.
        grid = page.get_by_test_id("stDataFrame")
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 * 2 + 17)
        _idle(page)
        expect(page.get_by_role("button", name=zh("imp_undo_button", batch=1))).to_be_visible()
        assert page.url.endswith("batch=1")
        assert page.outside_requests == [], page.outside_requests
    finally:
        proc.terminate()
        proc.wait(timeout=20)
