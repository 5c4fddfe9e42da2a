"""A building captain at the monthly meeting, in chromium: pick the building, record that a
member found work, and see the building's employment rate follow."""

from __future__ import annotations

import re
import sqlite3
import subprocess

import polars as pl
import pytest
from playwright.sync_api import Locator, Page, expect

from analytics.building import roster, unemployed
from analytics.drill import Place, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.rates import latest_month
from data.frames import load_frames
from data.store import get_engine
from tests.e2e.conftest import start_server
from ui.format import fmt_rate
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _choose(page: Page, key: str, option: str) -> None:
    """Open the select box with widget key `key` and click `option`."""
    box = page.locator(f".st-key-{key}").get_by_test_id("stSelectbox")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)


def _rate(page: Page) -> Locator:
    metric = page.get_by_test_id("stMetric").filter(has_text=zh("employment_rate"))
    return metric.get_by_test_id("stMetricValue")


def _rate_of(url: str, place: Place) -> str:
    data = load_frames(get_engine(url))
    month = latest_month(data.labour)
    labour = in_place(data.labour, place)
    head = headline(labour, subsidies_in_place(data.subsidies, data.labour, place), month)
    return fmt_rate(head.get_column("employment_rate")[0])


def test_captain_records_a_new_job_and_the_rate_follows(
    page: Page, demo_store_url: str, tmp_path
) -> None:
    own = tmp_path / "own.sqlite"
    source = sqlite3.connect(demo_store_url.removeprefix("sqlite:///"))
    with sqlite3.connect(own) as target:
        source.backup(target)
    source.close()
    url = f"sqlite:///{own}"
    data = load_frames(get_engine(url))
    month = latest_month(data.labour)
    # Not the building the page opens on: the last site's last building with someone unemployed.
    buildings = roster(data.buildings, data.labour).reverse()
    for chosen in buildings.iter_rows(named=True):
        place = Place(site=chosen["site"], building=chosen["building"])
        idle = unemployed(in_place(data.labour, place), month)
        if idle.height:
            break
    site, building, captain = chosen["site"], chosen["building"], chosen["captain"]
    person = idle.row(0, named=True)
    before = _rate_of(url, place)

    proc, base = start_server(url)
    try:
        page.goto(f"{base}/building")
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        _choose(page, "site", site)
        _choose(page, "building", zh("bld_option", building=building, captain=captain))
        title = f"{site} {zh('building_label', building=building)}"
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        expect(_rate(page)).to_have_text(before)

        who = zh("bld_person_option", room=person["room"], name=person["name"], status="未就业")
        _choose(page, "update_person", who)
        form = f"update_{person['id_number']}_{month:%Y%m}"
        _choose(page, f"{form}_status", "已就业")
        _choose(page, f"{form}_type", "公益性岗位")
        page.get_by_role("button", name=zh("bld_update_save")).click()

        saved = page.get_by_test_id("stAlertContentSuccess").filter(has_text=person["name"])
        expect(saved).to_contain_text("未就业 → 已就业", timeout=30_000)
        after = _rate_of(url, place)
        assert after != before
        expect(_rate(page)).to_have_text(after, timeout=30_000)
        stored = load_frames(get_engine(url)).labour.filter(
            (pl.col("id_number") == person["id_number"]) & (pl.col("month") == month)
        )
        assert stored.select("status", "employment_type").row(0) == ("已就业", "公益性岗位")
        assert page.outside_requests == [], page.outside_requests
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_one_click_hands_out_the_meeting_pack(page: Page, app_url: str, tmp_path) -> None:
    """The building's page as a PDF, straight from the button, one A4 page with the names."""
    page.goto(f"{app_url}/building")
    button = page.get_by_role("button", name=zh("bld_pack_pdf"))
    expect(button).to_be_visible(timeout=60_000)
    title = page.get_by_role("heading", level=1).inner_text()

    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    assert path.suffix == ".pdf"
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    site_and_building = title.split(" · ")[0]
    assert site_and_building.replace(" ", "") in text.replace(" ", "")
    assert page.outside_requests == [], page.outside_requests
