"""Casework (工单) on 合规审计 in chromium: an analyst opens a case, sees its evidence, gives it an
owner and a due date, marks it 已整改, and the page's count of open cases drops by one, and so
does the overview's 动态清零."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from analytics.audit import Standards, cases
from analytics.casework import KIND_AUDIT, worklist
from data.accounts import list_users
from data.frames import load_frames
from data.store import get_engine
from tests.conftest import copy_store
from tests.e2e.conftest import settled_box, signed_in, start_server
from ui.casework import form_key, today
from ui.format import fmt_count
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e

RULE = "挂岗"  # the demo county's planted 挂岗 cases (data/demo.py)
ROW_HEIGHT = 35  # st.dataframe's rows and header, in pixels


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _open_count(page: Page):
    metric = page.get_by_test_id("stMetric").filter(has_text=zh("cw_kpi_open"))
    return metric.get_by_test_id("stMetricValue")


def _overview_open(page: Page):
    block = page.locator(".st-key-clearing")
    metric = block.get_by_test_id("stMetric").filter(has_text=zh("clr_open"))
    return metric.get_by_test_id("stMetricValue")


def _still_open(url: str) -> int:
    """The overview's 未清零 of the county's latest month, from the analytics."""
    data = load_frames(get_engine(url))
    month = data.labour.get_column("month").max()
    found = cases(data.labour, data.subsidies, Standards(), end=month)
    return worklist(found, data.labour, data.case_work, month, today())["is_open"].sum()


def test_an_analyst_assigns_a_case_and_closes_it(page: Page, demo_store_url: str, tmp_path):
    url = copy_store(demo_store_url, tmp_path)
    engine = get_engine(url)
    data = load_frames(engine)
    months = data.labour.get_column("month")
    found = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    assert not found.filter(pl.col("rule") == RULE).is_empty(), f"the demo holds no {RULE} case"
    case = found.filter(pl.col("rule") == RULE).row(0, named=True)
    form = form_key(KIND_AUDIT, RULE, case["id_number"], case["period"])
    analyst = list_users(engine).filter(pl.col("username") == "demo-analyst").row(0, named=True)
    owner = zh("cw_owner_option", name=analyst["display_name"], user="demo-analyst")
    due = dt.date.today() + dt.timedelta(days=14)

    proc, base = start_server(url)
    try:
        signed_in(page, base, url, "demo-analyst")
        still_open = _still_open(url)
        page.goto(base)
        expect(_overview_open(page)).to_have_text(fmt_count(still_open), timeout=60_000)
        page.goto(f"{base}/compliance?rule={quote(RULE)}")
        expect(page.get_by_text(zh("cmp_pick"))).to_be_visible(timeout=60_000)
        expect(_open_count(page)).to_have_text(fmt_count(found.height, "unit_cases"))

        idle = page.get_by_test_id("stStatusWidget")
        expect(idle).to_be_hidden(timeout=60_000)
        table = page.get_by_test_id("stDataFrame").last
        table.scroll_into_view_if_needed()
        box = settled_box(page, table)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + ROW_HEIGHT * 1.5)
        period = case["period"]
        expect(page.get_by_text(zh("cmp_payments_title", period=period))).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text(zh("cmp_ledger_title", period=period))).to_be_visible()

        page.locator(f".st-key-{form}_state").get_by_text("已整改", exact=True).click()
        owner_box = page.locator(f".st-key-{form}_owner").get_by_test_id("stSelectbox")
        owner_box.click()
        owner_box.locator("input").fill(owner)
        expect(page.get_by_role("option", name=owner, exact=True)).to_be_visible()
        page.keyboard.press("Enter")
        due_input = page.locator(f".st-key-{form}_due").locator("input")
        due_input.fill(due.isoformat())
        due_input.press("Enter")
        page.keyboard.press("Escape")
        page.get_by_role("button", name=zh("cw_save")).click()

        saved = page.get_by_test_id("stAlertContentSuccess").filter(has_text="待核实 → 已整改")
        expect(saved).to_be_visible(timeout=30_000)
        expect(_open_count(page)).to_have_text(fmt_count(found.height - 1, "unit_cases"))
        stored = load_frames(engine).case_work.filter(pl.col("kind") == KIND_AUDIT)
        assert stored.select("rule", "subject", "period", "state", "owner", "due").rows() == [
            (RULE, case["id_number"], period, "已整改", "demo-analyst", due)
        ]
        page.goto(base)
        expect(_overview_open(page)).to_have_text(fmt_count(still_open - 1), timeout=60_000)
        assert page.outside_requests == [], page.outside_requests
    finally:
        proc.terminate()
        proc.wait(timeout=20)
