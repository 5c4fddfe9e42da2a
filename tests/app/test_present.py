"""Projector mode: slides without the app's chrome, stepping by button."""

from __future__ import annotations

from analytics.rates import employment_rates, latest_month
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
        "各安置点就业率（落后的在上）",
        "就业率走势",
        "年度目标",
        "全县就业",
    ]
    at.button[0].click().run()  # 上一页
    assert _title(at).startswith("年度目标")


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
