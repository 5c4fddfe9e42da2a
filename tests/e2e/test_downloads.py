"""Issue 20, item 10, in chromium: a table's toolbar offers no "Download as CSV" (nor does any
table: `client.disableDataExport` is per server), and the page's own button is the way out,
recorded in the audit log. One page, one role: an analyst (who may export) on the rosters.
"""

from __future__ import annotations

import polars as pl
from playwright.sync_api import Page, expect

from data.audit import audit_log
from data.store import get_engine
from tests.e2e.conftest import signed_in
from ui.strings import STRINGS

TOOLBAR_BUTTON = '[data-testid="stElementToolbarButton"] button'


def test_the_table_toolbar_has_no_download_and_the_button_is_audited(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    signed_in(page, app_url, demo_store_url, "demo-analyst")
    page.goto(f"{app_url}/rosters")
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)

    table.hover()
    toolbar = page.locator(TOOLBAR_BUTTON)
    # The toolbar is there (search, full screen…), its download is not.
    expect(toolbar.first).to_be_visible(timeout=10_000)
    labels = [toolbar.nth(i).get_attribute("aria-label") or "" for i in range(toolbar.count())]
    assert labels and not [label for label in labels if "Download" in label], labels

    button = page.get_by_role("button", name=STRINGS["rosters_download"]["zh"])
    with page.expect_download(timeout=60_000) as download:
        button.click()
    name = download.value.suggested_filename
    log = audit_log(get_engine(demo_store_url))
    exports = log.filter(pl.col("action") == "export").select("username", "detail").rows()
    assert ("demo-analyst", name) in exports
    assert page.outside_requests == [], page.outside_requests
