"""Meeting mode (月例会) as a captain runs it: households one at a time in room order, the
zero-employment ones first when asked, the progress, and a status saved on the card.

Expected values come from `analytics` on the demo store, never from the page's own helpers.
"""

from __future__ import annotations

import polars as pl
import pytest

from analytics.building import households_by_room, members_by_room
from analytics.drill import Place, in_place
from analytics.rates import latest_month
from data.accounts import get_account
from data.frames import Frames, load_frames
from data.store import data_version, get_engine
from ui.format import fmt_month
from ui.record import form_key
from ui.strings import STRINGS

PAGE = "pages/meeting.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


@pytest.fixture(scope="module")
def place(demo_store_url: str) -> Place:
    ((site, building),) = get_account(get_engine(demo_store_url), "demo-captain").scope.buildings
    return Place(site=site, building=building)


@pytest.fixture(scope="module")
def households(data: Frames, place: Place) -> pl.DataFrame:
    return households_by_room(
        members_by_room(in_place(data.labour, place), latest_month(data.labour))
    )


def _card_title(at) -> str:
    titles = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(titles) == 1, titles
    return titles[0].removeprefix("#### ")


def _title_of(home: dict) -> str:
    return zh("meeting_card_title", room=home["room"], head=home["head_name"])


def _progress(at) -> str:
    return next(m.value for m in at.markdown if "户已过" in m.value)


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_the_captain_lands_on_the_building_review(app_for, demo_store_url, place) -> None:
    at = app_for(demo_store_url, user="demo-captain").run()

    assert not at.exception
    assert at.title[0].value.startswith(
        f"{place.site} {zh('building_label', building=place.building)}"
    )


def test_households_one_at_a_time_in_room_order(app_for, demo_store_url, households) -> None:
    at = app_for(demo_store_url, user="demo-captain").switch_page(PAGE).run()
    total = households.height
    first, second = households.row(0, named=True), households.row(1, named=True)

    assert not at.exception
    assert _card_title(at) == _title_of(first)
    assert _progress(at) == zh("meeting_progress", position=1, gone=1, total=total)
    assert _button(at, "meeting_prev").disabled

    _button(at, "meeting_next").click().run()
    assert _card_title(at) == _title_of(second)
    assert _progress(at) == zh("meeting_progress", position=2, gone=2, total=total)

    _button(at, "meeting_prev").click().run()
    assert _card_title(at) == _title_of(first)
    # Back at the first: gone through already, the count stays.
    assert _progress(at) == zh("meeting_progress", position=1, gone=2, total=total)


def test_zero_employment_households_first(app_for, demo_store_url, households) -> None:
    zero = households.filter(pl.col("zero_employment"))
    assert zero.height >= 2, "the demo captain's building needs zero-employment households"
    assert not households.row(0, named=True)["zero_employment"]
    at = app_for(demo_store_url, user="demo-captain").switch_page(PAGE).run()
    assert _card_title(at) == _title_of(households.row(0, named=True))

    _button(at, "meeting_next").click().run()
    at.toggle(key="meeting_zero_first").set_value(True).run()
    # Asked for, the walk starts again at the first zero-employment household.
    assert _card_title(at) == _title_of(zero.row(0, named=True))
    assert any(zh("meeting_zero_badge") in m.value for m in at.markdown)
    _button(at, "meeting_next").click().run()
    assert _card_title(at) == _title_of(zero.row(1, named=True))


def _zero_card(app_for, url: str, data: Frames, place: Place):
    """The meeting on its first zero-employment household; its first unemployed member."""
    at = app_for(url, user="demo-captain").switch_page(PAGE)
    at.session_state["meeting_zero_first"] = True
    at.run()
    month = latest_month(data.labour)
    members = members_by_room(in_place(data.labour, place), month)
    home = households_by_room(members).filter(pl.col("zero_employment")).row(0, named=True)
    idle = members.filter(
        (pl.col("household") == home["household"]) & (pl.col("status") == "未就业")
    ).row(0, named=True)
    return at, home, idle, form_key(idle["id_number"], month), form_key(home["household"], month)


def test_a_status_saved_on_the_card_shows_there(app_for, own_store_url, place, households) -> None:
    data = load_frames(get_engine(own_store_url))
    at, home, idle, form, card = _zero_card(app_for, own_store_url, data, place)
    assert _card_title(at) == _title_of(home)
    assert at.selectbox(key=f"{card}_person").value == idle["id_number"]
    version = data_version(get_engine(own_store_url))

    at.selectbox(key=f"{form}_status").select("已就业")
    at.selectbox(key=f"{form}_type").select("公益性岗位")
    at.text_input(key=f"{form}_employer").input("幸福家园社区")
    _button(at, f"{form}_save").click().run()

    assert not at.exception
    assert data_version(get_engine(own_store_url)) == version + 1
    # Still on the same card, the confirmation and the new values on it.
    assert _card_title(at) == _title_of(home)
    saved = [s.value for s in at.success]
    assert any(idle["name"] in s and "未就业 → 已就业" in s for s in saved), saved
    lines = next(m.value for m in at.markdown if f"**{idle['name']}**" in m.value)
    line = next(x for x in lines.split("\n- ") if f"**{idle['name']}**" in x)
    assert "已就业 · 公益性岗位 · 幸福家园社区" in line
    picker = at.selectbox(key=f"{card}_person")
    shown = zh("bld_person_option", room=idle["room"], name=idle["name"], status="已就业")
    assert picker.value == idle["id_number"]
    assert shown in picker.options

    # The end of the meeting counts what it recorded and hands out the pack made from it.
    _button(at, "meeting_end").click().run()
    assert not at.exception
    ended = next(m.value for m in at.markdown if "次状态更新" in m.value)
    assert ended == zh("meeting_ended_counts", gone=1, total=households.height, updates=1, notes=0)
    assert len(at.get("download_button")) == 3


def test_a_refused_save_names_the_record_not_a_row(app_for, own_store_url, place) -> None:
    data = load_frames(get_engine(own_store_url))
    at, _, idle, form, _ = _zero_card(app_for, own_store_url, data, place)
    version = data_version(get_engine(own_store_url))

    at.selectbox(key=f"{form}_status").select("已就业")  # but no employment type
    _button(at, f"{form}_save").click().run()

    assert not at.exception
    assert data_version(get_engine(own_store_url)) == version
    (refusal,) = [e.value for e in at.error]
    about = zh(
        "meeting_status_refused",
        room=idle["room"],
        name=idle["name"],
        month=fmt_month(latest_month(data.labour)),
        now="未就业",
    )
    assert refusal.startswith(about)
    assert "已就业的人必须填写就业形式" in refusal
    assert "第 1 行" not in refusal
