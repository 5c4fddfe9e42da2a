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


def test_a_failing_page_shows_a_plain_message_and_logs_the_traceback(
    app_for, demo_store_url: str, monkeypatch, caplog
) -> None:
    secret = "/srv/ydbq/data/store/dashboard.sqlite: disk image is malformed"

    def broken(*args, **kwargs):
        raise RuntimeError(secret)

    # Called on every run of the overview (a computed number may come from the cache).
    monkeypatch.setattr("ui.widgets.month_picker", broken)
    with caplog.at_level("ERROR", logger="ydbq.pages"):
        at = app_for(demo_store_url).run()
    assert not at.exception, "the page's failure is handled, not Streamlit's error box"
    (error,) = at.error
    assert error.value.startswith("出错了，已记录。")
    shown = " ".join(str(e.value) for e in [*at.error, *at.markdown, *at.caption])
    assert "/srv" not in shown and "Traceback" not in shown and "RuntimeError" not in shown
    (entry,) = [r for r in caplog.records if r.name == "ydbq.pages"]
    assert entry.exc_info is not None and secret in caplog.text
    assert error.value.split("编号 ")[1][:8] in entry.getMessage()  # the reference


def test_the_config_keeps_error_details_out_of_the_browser_and_serves_this_machine() -> None:
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit/config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] in ("127.0.0.1", "localhost", "::1")
