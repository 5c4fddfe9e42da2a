"""Projector mode in a real browser: no chrome, numerals legible from five metres, keys step."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import signed_in

pytestmark = pytest.mark.e2e


def test_projector_mode_hides_chrome_and_steps_by_key(
    page, app_url: str, demo_store_url: str
) -> None:
    signed_in(page, app_url, demo_store_url, "demo-leader")
    page.goto(f"{app_url}/?present=1")
    value = page.get_by_test_id("stMetricValue").first
    expect(value).to_be_visible(timeout=60_000)

    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stToolbar")).to_be_hidden()
    size = value.evaluate("el => parseFloat(getComputedStyle(el.firstElementChild || el).fontSize)")
    print(f"KPI numeral font size at 1920×1080: {size}px")
    assert size >= 48

    page.keyboard.press("n")
    expect(page.get_by_text("2 / 4")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("1 / 4")).to_have_count(0)
    assert page.outside_requests == [], page.outside_requests
