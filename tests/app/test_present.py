"""Projector mode: slides without the app's chrome, stepping by button; the places that need
attention after the county; a place presented live from the URL or the overview."""

from __future__ import annotations

import polars as pl

from analytics.lagging import lagging_places
from analytics.rates import employment_rates, latest_month
from analytics.targets import target_board
from data.accounts import get_account
from data.frames import load_frames
from data.store import get_engine


def _title(at) -> str:
    return at.title[0].value


def test_projector_shows_the_first_slide_without_navigation(app_for, demo_store_url) -> None:
    labour = load_frames(get_engine(demo_store_url)).labour
    rate = employment_rates(labour, by=[], month=latest_month(labour))["employment_rate"][0]

    at = app_for(demo_store_url, present="1").run()

    assert not at.exception
    assert _title(at).startswith("全县就业")
    assert next(m.value for m in at.metric if m.label == "就业率") == f"{rate * 100:.1f}%"
    assert not at.sidebar.button  # the language switch and projector button stay away


def test_buttons_step_through_the_slides_and_wrap(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, present="1").run()
    titles = [_title(at)]
    for _ in range(4):
        at.button[2].click().run()  # 下一页
        titles.append(_title(at))
    assert [t.split(" · ")[0] for t in titles] == [
        "全县就业",
        "动态清零",
        "各安置点就业率（落后的在上）",
        "就业率走势",
        "年度目标",
    ]
    at.button[0].click().run()  # 上一页
    assert _title(at).startswith("就业率走势")
    for _ in range(4):
        at.button[0].click().run()
    _, place = _lagging(demo_store_url)[-1]
    assert _title(at).startswith(place)  # before the first slide: the last


def test_pause_stops_the_clock_and_says_play(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, present="1").run()
    assert at.button[1].label == "暂停 (S)"
    at.button[1].click().run()
    assert at.button[1].label == "播放 (S)"
    assert at.session_state["present_playing"] is False


def test_projector_speaks_english_from_the_url(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, present="1", lang="en").run()
    assert not at.exception
    assert _title(at).startswith("County employment")


def _lagging(demo_store_url: str) -> list[tuple[str, str]]:
    frames = load_frames(get_engine(demo_store_url))
    rows = lagging_places(frames.labour, frames.targets, latest_month(frames.labour))
    return list(rows.select("level", "place").iter_rows())


def test_after_the_county_come_the_lagging_places_in_order_of_need(app_for, demo_store_url) -> None:
    lagging = _lagging(demo_store_url)
    assert lagging, "the demo has sites and townships below target"
    kind = {"site": "安置点", "township": "乡镇(街道)"}

    at = app_for(demo_store_url, present="1").run()
    for _ in range(5):
        at.button[2].click().run()  # 下一页, past the county's five slides
    titles = []
    for _ in lagging:
        titles.append(_title(at).split(" · 2")[0])
        assert at.caption[0].value == f"{len(titles) + 5} / {len(lagging) + 5}"
        at.button[2].click().run()
    assert titles == [f"{place} · {kind[level]}" for level, place in lagging]
    assert _title(at).startswith("全县就业")  # and round again


def test_a_place_slide_shows_its_rate_against_its_target(app_for, demo_store_url) -> None:
    labour = load_frames(get_engine(demo_store_url)).labour
    level, place = _lagging(demo_store_url)[0]
    rate = employment_rates(
        labour.filter(pl.col(level) == place), by=[], month=latest_month(labour)
    )["employment_rate"][0]

    at = app_for(demo_store_url, present="1", **{level: place}).run()

    assert not at.exception
    assert _title(at).startswith(place)
    shown = next(m for m in at.metric if m.label.startswith("就业率"))
    assert shown.label == "就业率（目标 95.0%）"
    assert shown.value == f"{rate * 100:.1f}%"
    assert at.caption[0].value == "现场演示 · 点击条形下钻"


def test_back_from_a_place_returns_to_the_slideshow(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, present="1", site="同心家园").run()
    assert at.button[0].label == "返回幻灯片"
    at.button[0].click().run()
    assert "site" not in at.query_params
    assert at.query_params["present"] in ("1", ["1"])  # still presenting
    assert _title(at).startswith("全县就业")


def test_the_overview_presents_the_place_it_shows(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, site="同心家园", month="2020-11").run()
    button = next(b for b in at.button if b.label == "投影此页")
    button.click().run()

    assert not at.exception
    assert _title(at) == "同心家园 · 安置点 · 2020年11月"


def test_only_those_who_may_present_see_the_button(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, user="demo-clerk").run()
    assert not at.exception
    assert "投影此页" not in [b.label for b in at.button]
    at = app_for(demo_store_url, user="demo-leader").run()
    assert "投影此页" in [b.label for b in at.button]


def test_a_township_officer_s_targets_slide_is_the_township_s(app_for, demo_store_url) -> None:
    """Not the county's targets set against one township's people."""
    engine = get_engine(demo_store_url)
    (township,) = get_account(engine, "demo-township").scope.townships
    data = load_frames(engine)
    month = latest_month(data.labour)
    own = target_board(
        data.targets, data.labour, data.subsidies, data.training, month.year, month, township
    )
    county = target_board(
        data.targets, data.labour, data.subsidies, data.training, month.year, month
    )
    assert own.height != county.height or not own.equals(county)

    at = app_for(demo_store_url, user="demo-township", present="1").run()
    for _ in range(4):
        at.button[2].click().run()  # 下一页: the targets slide
    assert _title(at).startswith("年度目标")
    board = next(h.proto.body for h in at.get("html") if "class='board'" in h.proto.body)
    assert board.count("<tr>") - 1 == own.height
    for metric in set(county["metric"]) - set(own["metric"]):
        assert f"<td>{metric}</td>" not in board
