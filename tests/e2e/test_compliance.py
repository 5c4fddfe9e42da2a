"""The compliance audit page (合规审计) in chromium: a click on a case shows its evidence beside
it (the person's payments and ledger rows of the case's month) and links to the person."""

from __future__ import annotations

from urllib.parse import quote

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from analytics.audit import STABLE_SHORT, Standards, cases
from data.frames import load_frames
from data.store import get_engine
from tests.e2e.conftest import settled_box, signed_in
from ui.format import mask_id
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

ROW_HEIGHT = 35  # st.dataframe's rows and header, in pixels


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def test_a_click_on_a_case_shows_its_evidence(page: Page, app_url: str, demo_store_url: str):
    data = load_frames(get_engine(demo_store_url))
    months = data.labour.get_column("month")
    found = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    case = found.filter(pl.col("rule") == STABLE_SHORT).row(0, named=True)
    signed_in(page, app_url, demo_store_url, "demo-analyst")
    page.goto(f"{app_url}/compliance?rule={quote(STABLE_SHORT)}")
    expect(page.get_by_text(zh("cmp_pick"))).to_be_visible(timeout=30_000)
    table = page.get_by_test_id("stDataFrame").last
    table.scroll_into_view_if_needed()
    box = settled_box(page, table)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + ROW_HEIGHT * 1.5)
    period = case["period"]
    expect(page.get_by_text(zh("cmp_payments_title", period=period))).to_be_visible(timeout=30_000)
    expect(page.get_by_text(zh("cmp_ledger_title", period=period))).to_be_visible()
    link = page.get_by_role("link", name=zh("cmp_to_person", name=case["name"]))
    expect(link).to_be_visible()
    href = link.get_attribute("href") or ""
    assert quote(mask_id(case["id_number"])) in href or mask_id(case["id_number"]) in href
    assert case["id_number"] not in href, "a whole ID number in a link"
    assert page.outside_requests == [], page.outside_requests
