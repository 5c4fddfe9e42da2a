"""A page that fails in a real server: the browser shows a plain message with a reference and no
server path or traceback; the server's log holds the traceback (issue 20, item 4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import copy_store
from tests.e2e.conftest import signed_in, start_server

pytestmark = pytest.mark.e2e


def test_a_failing_page_shows_a_message_and_the_log_keeps_the_traceback(
    page: Page, demo_store_url: str, tmp_path: Path
) -> None:
    url = copy_store(demo_store_url, tmp_path)
    # Where the frames snapshots go, a file instead of a folder: reading the data fails with an
    # error naming the server's path (as a full disk or a broken mount would).
    blocker = Path(url.removeprefix("sqlite:///") + ".frames")
    blocker.write_text("not a folder")
    proc, base = start_server(url)
    try:
        signed_in(page, base, url, "demo-analyst")
        page.goto(base)
        alert = page.get_by_test_id("stAlertContentError").filter(has_text="出错了，已记录")
        expect(alert).to_be_visible(timeout=60_000)
        shown = page.locator("body").inner_text()
        for leak in (str(tmp_path), ".frames", "Traceback", "FileExistsError", 'File "'):
            assert leak not in shown, leak
        reference = re.search(r"编号 ([0-9a-f]{8})", alert.inner_text()).group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    log = proc.stdout.read().decode()
    assert f"page failed (reference {reference}" in log
    assert "Traceback" in log and str(blocker) in log
