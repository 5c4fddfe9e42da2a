"""A building captain at the monthly meeting, in chromium: sign in, see the own building and
only it, record that a member found work, see the building's employment rate follow, and be
refused another building's link."""

from __future__ import annotations

import re
import subprocess

import polars as pl
import pytest
from playwright.sync_api import Locator, Page, expect

from analytics.building import roster, unemployed
from analytics.drill import Place, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.rates import latest_month
from data.accounts import get_account
from data.audit import audit_log
from data.frames import load_frames
from data.store import get_engine
from tests.conftest import copy_store
from tests.e2e.conftest import demo_sign_in, signed_in, start_server
from ui.format import fmt_rate
from ui.record import form_key
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _choose(page: Page, key: str, option: str) -> None:
    """Open the select box with widget key `key` and click `option`."""
    box = page.locator(f".st-key-{key}").get_by_test_id("stSelectbox")
    box.scroll_into_view_if_needed()
    if box.locator("input").input_value() == option:
        return  # already chosen: clicking it again in a long, virtualised list is flaky
    box.click()
    # Typing filters a long list (a building has hundreds of members) down to the option.
    box.locator("input").fill(option)
    # Enter takes the filtered list's focused option: a click on an option of a long,
    # virtualised list can land on the list itself while it scrolls.
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    expect(box.locator("input")).to_have_value(option)
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


def test_captain_signs_in_sees_only_the_own_building_and_records_a_new_job(
    page: Page, demo_store_url: str, tmp_path
) -> None:
    url = copy_store(demo_store_url, tmp_path)
    account = get_account(get_engine(url), "demo-captain")
    ((site, building),) = account.scope.buildings
    data = load_frames(get_engine(url))
    month = latest_month(data.labour)
    place = Place(site=site, building=building)
    person = unemployed(in_place(data.labour, place), month).row(0, named=True)
    captain = roster(data.buildings, data.labour).filter(
        (pl.col("site") == site) & (pl.col("building") == building)
    )["captain"][0]
    before = _rate_of(url, place)
    other = (
        data.labour.filter(pl.col("site") != site).select("site", "building").sort("site").row(0)
    )

    proc, base = start_server(url)
    try:
        # The captain's landing page (served at "/") is the own building's review.
        page.goto(base)
        demo_sign_in(page, zh("role_captain"))
        title = f"{site} {zh('building_label', building=building)}"
        expect(page.get_by_role("heading", level=1)).to_contain_text(title, timeout=60_000)
        # "/" moved on to the review's own URL: a reload or a shared link opens it again.
        expect(page).to_have_url(re.compile(r"/building(\?|$)"))
        expect(_rate(page)).to_have_text(before)
        # The building list holds the own building and nothing else.
        box = page.locator(".st-key-building").get_by_test_id("stSelectbox")
        box.click()
        options = page.get_by_role("option")
        expect(options).to_have_count(1)
        expect(options.first).to_have_text(zh("bld_option", building=building, captain=captain))
        page.keyboard.press("Escape")

        who = zh("bld_person_option", room=person["room"], name=person["name"], status="未就业")
        _choose(page, "update_person", who)
        form = form_key(person["id_number"], month)
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
        edits = load_frames(get_engine(url)).edits
        assert set(edits["user"]) == {"demo-captain"}

        # Another building's link, typed by hand: refused, and none of its people shown.
        page.goto(f"{base}/building?site={other[0]}&building={other[1]}")
        refusal = page.get_by_test_id("stAlertContentError")
        expect(refusal).to_contain_text(zh("not_in_scope", place=f"{other[0]} {other[1]}"))
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
        expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
        assert page.outside_requests == [], page.outside_requests
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_one_click_hands_out_the_meeting_pack(
    page: Page, app_url: str, demo_store_url: str, tmp_path
) -> None:
    """The building's page as a PDF, straight from the button, one A4 page with the names."""
    signed_in(page, app_url, demo_store_url, "demo-captain")
    page.goto(f"{app_url}/building")
    button = page.get_by_role("button", name=zh("bld_pack_pdf"))
    # The first page of the session's server: a cold start under a loaded machine.
    expect(button).to_be_visible(timeout=120_000)
    title = page.get_by_role("heading", level=1).inner_text()
    # A click while the page still reruns can hit a button about to be replaced: no file.
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)

    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    assert path.suffix == ".pdf"
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    # The summary page, then the member roll.
    assert int(re.search(r"^Pages:\s+(\d+)$", info, re.M)[1]) > 1
    assert "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    site_and_building = title.split(" · ")[0]
    assert site_and_building.replace(" ", "") in text.replace(" ", "")
    # Masked, and recorded: who downloaded which file.
    assert not re.search(r"\d{17}[\dX]", text)
    log = audit_log(get_engine(demo_store_url))
    exports = log.filter(pl.col("action") == "export").select("username", "detail").rows()
    assert ("demo-captain", download.value.suggested_filename) in exports
    assert page.outside_requests == [], page.outside_requests
