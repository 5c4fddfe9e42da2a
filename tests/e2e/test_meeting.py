"""The captains' monthly meeting in chromium, on a laptop and on a phone: sign in, land on the
own building's review, open the meeting, walk the households by ← and →, record that a member
found work on the card and see it there; nothing wider than the screen."""

from __future__ import annotations

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from analytics.building import households_by_room, members_by_room
from analytics.drill import Place, in_place
from analytics.rates import latest_month
from data.accounts import get_account
from data.frames import load_frames
from data.store import get_engine
from tests.conftest import copy_store
from tests.e2e.conftest import demo_sign_in, start_server
from tests.e2e.test_captain import _choose
from ui.record import form_key
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


# Elements of the page (not of the collapsed sidebar, parked off screen) reaching past the
# viewport's right edge, unless a box that scrolls or clips them (a table's grid) stays inside.
_TOO_WIDE = """() => {
    const width = window.innerWidth + 1;
    const main = document.querySelector('[data-testid="stMain"]');
    const clipped = e => {
        for (let a = e.parentElement; a && a !== main; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible'
                && a.getBoundingClientRect().right <= width) return true;
        }
        return false;
    };
    return [...main.querySelectorAll('*')]
        .filter(e => { const r = e.getBoundingClientRect();
                       return r.width > 0 && r.height > 0 && r.right > width && !clipped(e); })
        .map(e => `${e.dataset.testid || e.tagName} ${Math.round(e.getBoundingClientRect().right)}`)
        .slice(0, 10);
}"""


def _settled(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["1366x768", "390x844"])
def test_a_captain_runs_the_meeting_by_keys_and_records_on_the_card(
    browser, demo_store_url: str, tmp_path, size: tuple[int, int]
) -> None:
    url = copy_store(demo_store_url, tmp_path)
    engine = get_engine(url)
    ((site, building),) = get_account(engine, "demo-captain").scope.buildings
    data = load_frames(engine)
    month = latest_month(data.labour)
    members = members_by_room(in_place(data.labour, Place(site=site, building=building)), month)
    homes = households_by_room(members)
    titles = [
        zh("meeting_card_title", room=room, head=head)
        for room, head in homes.select("room", "head_name").iter_rows()
    ]
    zero = homes.filter(pl.col("zero_employment")).row(0, named=True)
    idle = members.filter(
        (pl.col("household") == zero["household"]) & (pl.col("status") == "未就业")
    ).row(0, named=True)

    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    proc, base = start_server(url)
    try:
        page.goto(base)
        demo_sign_in(page, zh("role_captain"))
        # The landing page: the own building's review.
        heading = f"{site} {zh('building_label', building=building)}"
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading, timeout=60_000)

        # The review's link to the meeting, with its building and month.
        page.get_by_role("link", name=zh("meeting_start")).click()
        card = page.locator(".st-key-meeting_card")
        expect(card.get_by_role("heading", level=4)).to_have_text(titles[0], timeout=60_000)
        _settled(page)
        progress = zh("meeting_progress", position=1, gone=1, total=homes.height)
        expect(page.locator(".st-key-meeting_controls")).to_contain_text(progress.replace("**", ""))

        page.keyboard.press("ArrowRight")
        expect(card.get_by_role("heading", level=4)).to_have_text(titles[1])
        _settled(page)
        page.keyboard.press("ArrowRight")
        expect(card.get_by_role("heading", level=4)).to_have_text(titles[2])
        _settled(page)
        page.keyboard.press("ArrowLeft")
        expect(card.get_by_role("heading", level=4)).to_have_text(titles[1])
        _settled(page)
        gone = zh("meeting_progress", position=2, gone=3, total=homes.height).replace("**", "")
        expect(page.locator(".st-key-meeting_controls")).to_contain_text(gone)

        # Zero-employment households first: the walk starts again at the first of them.
        page.locator(".st-key-meeting_zero_first").get_by_text(zh("meeting_zero_first")).click()
        zero_title = zh("meeting_card_title", room=zero["room"], head=zero["head_name"])
        expect(card.get_by_role("heading", level=4)).to_have_text(zero_title)
        _settled(page)
        assert not page.evaluate(_TOO_WIDE), page.evaluate(_TOO_WIDE)

        # The first member without work is chosen; they found a public-welfare post.
        form = form_key(idle["id_number"], month)
        _choose(page, f"{form}_status", "已就业")
        _choose(page, f"{form}_type", "公益性岗位")
        save = page.locator(f".st-key-{form}_save").get_by_role("button")
        save.scroll_into_view_if_needed()
        save.click()
        saved = card.get_by_test_id("stAlertContentSuccess")
        expect(saved).to_contain_text(f"{idle['name']}", timeout=30_000)
        expect(saved).to_contain_text("未就业 → 已就业")
        # Where the user is looking: the message beside the button, the new values on the card.
        assert abs(saved.bounding_box()["y"] - save.bounding_box()["y"]) < height
        line = card.locator("li").filter(has_text=idle["name"])
        expect(line).to_contain_text("已就业 · 公益性岗位")
        picker = page.locator(f".st-key-{form_key(zero['household'], month)}_person")
        expect(picker.locator("input")).to_have_value(
            zh("bld_person_option", room=idle["room"], name=idle["name"], status="已就业")
        )
        # A key typed into a field moves nothing.
        page.locator(f".st-key-{form}_employer input").click()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(500)
        expect(card.get_by_role("heading", level=4)).to_have_text(zero_title)
        assert not page.evaluate(_TOO_WIDE), page.evaluate(_TOO_WIDE)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
        proc.terminate()
        proc.wait(timeout=20)
