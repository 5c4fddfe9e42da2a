"""An analyst at the desk, in chromium: build a township × employment-type pivot and download it;
answer "how many two-after youths in a township are unemployed and want a course, and which
postings fit them" with the filter panel alone."""

from __future__ import annotations

import re

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from analytics.matching import job_seekers, match_postings
from analytics.pivot import filter_labour, pivot, wide
from analytics.rates import latest_month, month_end
from data.frames import load_frames
from data.store import get_engine
from tests.data.test_report import cells
from tests.e2e.conftest import signed_in
from ui.strings import STRINGS
from ui.views import MAX_TABLE_ROWS

pytestmark = pytest.mark.e2e


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _idle(page: Page) -> None:
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


def _pick(page: Page, key: str, option: str) -> None:
    """Choose `option` in the multiselect or select box with widget key `key`."""
    box = page.locator(f".st-key-{key}")
    box.scroll_into_view_if_needed()
    box.locator("input").first.click()
    box.locator("input").first.fill(option)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    if box.get_by_test_id("stSelectbox").count():
        expect(box.locator("input")).to_have_value(option)
    else:  # a multiselect shows its choices as chips
        expect(box).to_contain_text(option)
    _idle(page)


def test_an_analyst_builds_a_township_by_employment_type_pivot_and_downloads_it(
    page: Page, app_url: str, demo_store_url: str, tmp_path
) -> None:
    signed_in(page, app_url, demo_store_url, "demo-analyst")
    page.goto(f"{app_url}/explore")
    expect(page.get_by_role("heading", name=zh("nav_explore"))).to_be_visible(timeout=60_000)
    _idle(page)

    _pick(page, "cols", zh("pivot_employment_type"))
    _pick(page, "measure", zh("pivot_employed"))

    expect(page).to_have_url(re.compile(r"cols=employment_type.*measure=employed"))
    with page.expect_download(timeout=60_000) as download:
        page.locator(".st-key-explore_pivot_excel").get_by_role("button").click()
    assert download.value.suggested_filename.startswith("透视-")
    book = download.value.path().read_bytes()
    sheet = cells(book, zh("explore_tab_pivot"))
    notes = [row[0] for row in cells(book, zh("sheet_filters"))]

    data = load_frames(get_engine(demo_store_url))
    month = latest_month(data.labour)
    expected = wide(
        pivot(
            data.labour, data.subsidies, measure="employed", rows=["township"],
            columns=["employment_type"], months=(month, month),
        ),
        zh("pivot_total"),
    )  # fmt: skip
    # The table's header in the first row; the filters and the layout on a sheet of their own.
    assert notes[0] == zh("sheet_filters")
    assert notes[1] == zh("explore_note_months", months=f"{month.year}年{month.month}月")
    assert notes[2] == zh("explore_no_filters")
    assert "就业形式" in notes[3] and "已就业" in notes[3]
    header = sheet[0]
    assert header == [zh("pivot_township"), *expected.columns[1:]]
    body = sheet[1 : 1 + expected.height]
    assert [row[0] for row in body] == expected["township"].to_list()
    assert [int(float(row[-1])) for row in body] == expected[zh("pivot_total")].to_list()
    assert page.outside_requests == []


def _question(labour: pl.DataFrame, postings: pl.DataFrame) -> tuple[str, str]:
    """A township and course where unemployed two-after youths want training and postings fit."""
    month = latest_month(labour)
    youths = filter_labour(labour, {"two_after": [True], "status": ["未就业"]}, (month, month))
    for township, need in (
        youths.filter(pl.col("training_need").is_not_null())
        .group_by("township", "training_need")
        .len()
        .sort("len", "township", descending=[True, False])
        .select("township", "training_need")
        .iter_rows()
    ):
        mine = youths.filter((pl.col("township") == township) & (pl.col("training_need") == need))
        if not match_postings(
            job_seekers(mine, month), postings, as_of=month_end(month)
        ).is_empty():
            return township, need
    raise AssertionError("the demo county has no such youth")


def test_the_two_after_question_is_answered_with_filters(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    data = load_frames(get_engine(demo_store_url))
    month = latest_month(data.labour)
    township, need = _question(data.labour, data.postings)
    filters = {
        "township": [township], "two_after": [True], "status": ["未就业"], "training_need": [need],
    }  # fmt: skip
    youths = filter_labour(data.labour, filters, (month, month))
    matches = match_postings(job_seekers(youths, month), data.postings, as_of=month_end(month))

    signed_in(page, app_url, demo_store_url, "demo-analyst")
    page.goto(f"{app_url}/explore")
    _idle(page)
    page.get_by_text(zh("explore_filters")).click()
    _pick(page, "explore_f_township", township)
    _pick(page, "explore_f_two_after", zh("pivot_yes"))
    _pick(page, "explore_f_status", "未就业")
    _pick(page, "explore_f_training_need", need)

    found = page.get_by_text(re.compile("符合条件"))
    expect(found).to_contain_text(f"符合条件 {youths.height} 人", timeout=30_000)
    chips = (
        f"{zh('pivot_township')}：{township}",
        "两后生：是",
        "就业状态：未就业",
        f"培训需求：{need}",
    )
    for chip in chips:
        expect(page.get_by_role("button", name=chip)).to_be_visible()
    expect(page).to_have_url(re.compile("two_after=1"))

    page.get_by_role("tab", name=re.compile("适合的岗位")).click()
    expect(page.get_by_text(zh("explore_matches_caption", count=matches.height))).to_be_visible()
    with page.expect_download(timeout=60_000) as download:
        page.locator(".st-key-explore_matches_excel").get_by_role("button").click()
    seekers = job_seekers(youths, month).height
    book = download.value.path().read_bytes()
    sheet = cells(book, zh("explore_tab_postings", count=seekers))
    # The table from the first row (its header starts with 姓名); the filters on their own sheet.
    assert f"培训需求：{need}" in [row[0] for row in cells(book, zh("sheet_filters"))]
    header = 0
    assert sheet[header][0] == "姓名"
    title = sheet[header].index("岗位名称")
    assert [row[title] for row in sheet[header + 1 :]] == matches["title"].to_list()
    assert page.outside_requests == []


def test_the_people_workbook_holds_everyone_the_table_shows_the_first(
    page: Page, app_url: str, demo_store_url: str
) -> None:
    data = load_frames(get_engine(demo_store_url))
    month = latest_month(data.labour)
    everyone = filter_labour(data.labour, {}, (month, month))
    assert everyone.height > MAX_TABLE_ROWS  # else the page would show them all
    signed_in(page, app_url, demo_store_url, "demo-analyst")
    page.goto(f"{app_url}/explore")
    expect(page.get_by_role("heading", name=zh("nav_explore"))).to_be_visible(timeout=60_000)
    _idle(page)

    tab = zh("explore_tab_people", count=f"{everyone.height:,}")
    page.get_by_role("tab", name=tab).click()
    cut = zh("table_cut", shown=f"{MAX_TABLE_ROWS:,}", rows=f"{everyone.height:,}")
    expect(page.get_by_text(cut)).to_be_visible(timeout=30_000)
    with page.expect_download(timeout=60_000) as download:
        page.locator(".st-key-explore_people_excel").get_by_role("button").click()
    book = download.value.path().read_bytes()
    sheet = cells(book, zh("explore_tab_people", count=everyone.height))
    assert len(sheet) == 1 + everyone.height  # the header, then every person
