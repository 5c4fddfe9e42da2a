"""The app in a real browser: the headline employment rate shows, and nothing leaves the machine."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analytics.rates import employment_rates, latest_month
from data.frames import load_frames
from data.store import get_engine
from tests.e2e.conftest import signed_in

pytestmark = pytest.mark.e2e


def test_headline_rate_is_on_screen(page, app_url: str, demo_store_url: str) -> None:
    signed_in(page, app_url, demo_store_url)
    labour = load_frames(get_engine(demo_store_url)).labour
    rate = employment_rates(labour, by=[], month=latest_month(labour))["employment_rate"][0]
    expected = f"{rate * 100:.1f}%"

    page.goto(app_url)
    metric = page.get_by_test_id("stMetric").filter(has_text="就业率").first
    expect(metric).to_contain_text(expected, timeout=30_000)
    expect(page.get_by_text(re.compile("Traceback|Error"))).to_have_count(0)
    assert page.outside_requests == [], page.outside_requests


def test_language_switch_keeps_the_number_and_the_url(
    page, app_url: str, demo_store_url: str
) -> None:
    labour = load_frames(get_engine(demo_store_url)).labour
    month = latest_month(labour)
    rate = f"{employment_rates(labour, by=[], month=month)['employment_rate'][0] * 100:.1f}%"
    signed_in(page, app_url, demo_store_url)

    page.goto(f"{app_url}/?lang=en")
    metric = page.get_by_test_id("stMetric").filter(has_text="Employment rate").first
    expect(metric).to_contain_text(rate, timeout=30_000)
    expect(page.get_by_text("就业总览")).to_have_count(0)

    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    # A switch reruns the whole page: on a loaded 2-core machine that can take over 5 s.
    metric = page.get_by_test_id("stMetric").filter(has_text="就业率").first
    expect(metric).to_contain_text(rate, timeout=30_000)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    metric = page.get_by_test_id("stMetric").filter(has_text="Employment rate").first
    expect(metric).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"lang=en"))
    assert "lang=None" not in page.url
