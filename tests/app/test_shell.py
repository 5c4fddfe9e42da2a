"""The app shell: navigation, language, the headline numbers, the first-run screen."""

from __future__ import annotations

import pytest

from analytics.rates import employment_rates, latest_month
from data.frames import load_frames
from data.store import get_engine
from ui.strings import STRINGS


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_empty_store_shows_first_run_screen(app_for, empty_store_url: str) -> None:
    at = app_for(empty_store_url).run()
    assert not at.exception
    assert at.title[0].value == "还没有数据"
    assert any("python -m data demo" in c.value for c in at.code)
    assert not at.metric  # no false numbers on an empty store


def test_overview_shows_latest_month_headline(app_for, demo_store_url: str) -> None:
    labour = load_frames(get_engine(demo_store_url)).labour
    month = latest_month(labour)
    expected = employment_rates(labour, by=[], month=month).row(0, named=True)

    at = app_for(demo_store_url).run()

    assert not at.exception
    assert _metric(at, "就业率") == f"{expected['employment_rate'] * 100:.1f}%"
    assert _metric(at, "劳动力") == f"{expected['labour_force']:,} 人"
    assert _metric(at, "零就业家庭") == f"{expected['zero_employment_households']:,} 户"
    assert f"{month.year}年{month.month}月" in at.title[0].value


def test_month_in_url_picks_that_month(app_for, demo_store_url: str) -> None:
    labour = load_frames(get_engine(demo_store_url)).labour
    first = labour.get_column("month").min()
    expected = employment_rates(labour, by=[], month=first)["employed"][0]

    at = app_for(demo_store_url, month=f"{first:%Y-%m}").run()

    assert not at.exception
    assert _metric(at, "已就业") == f"{expected:,} 人"
    # The first month has no month before it: no change is shown rather than a made-up one.
    assert all(m.delta in (None, "") for m in at.metric)


def test_english_switch(app_for, demo_store_url: str) -> None:
    at = app_for(demo_store_url, lang="en").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Employment rate" in labels
    assert "就业率" not in labels


@pytest.mark.parametrize("lang, title", [("zh", "数据导入记录"), ("en", "Import history")])
def test_import_history_lists_the_demo_batch(app_for, demo_store_url: str, lang, title) -> None:
    at = app_for(demo_store_url, lang=lang).run()
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    assert at.title[0].value == title
    history = at.dataframe[0].value
    assert len(history) >= 1
    assert STRINGS["imp_source_demo"][lang] in set(history["source"])
