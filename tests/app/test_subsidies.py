"""The subsidy page (补贴发放) opened by a link: its numbers are the analytics' numbers, for the
county and for a township or site chosen in the URL (as a click on the map chooses them).

Expected values come from `analytics` on the demo store, never from the page's own helpers.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from analytics.__main__ import main as cli
from analytics.drill import Place, in_place, subsidies_in_place
from analytics.rates import month_end
from analytics.subsidies import subsidy_headline, subsidy_ranking
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.format import fmt_count, fmt_delta_wan, fmt_wan
from ui.strings import STRINGS

PAGE = "pages/subsidies.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _latest(data: Frames) -> dt.date:
    return data.labour.get_column("month").max()


def _expected(data: Frames, place: Place) -> tuple[dict, pl.DataFrame]:
    month = _latest(data)
    payments = subsidies_in_place(data.subsidies, data.labour, place)
    labour = in_place(data.labour, place)
    head = subsidy_headline(payments, month).row(0, named=True)
    level = "township" if place.level == "county" else "site"
    ranking = subsidy_ranking(
        payments, labour, level, month, dt.date(month.year, 1, 1), month_end(month)
    )
    return head, ranking


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_county_numbers_are_the_analytics_numbers(app_for, demo_store_url, data) -> None:
    head, ranking = _expected(data, Place())

    at = app_for(demo_store_url).switch_page(PAGE).run()

    assert not at.exception
    assert not at.warning
    metrics = _metrics(at)
    assert metrics[zh("sub_kpi_ytd")] == fmt_wan(head["amount_ytd"])
    assert metrics[zh("sub_kpi_month")] == fmt_wan(head["amount_month"])
    assert metrics[zh("sub_kpi_payments")] == fmt_count(head["payments_month"])
    # One unit per figure: the month's total and its change both in 万元, as the ranking's.
    card = next(m for m in at.metric if m.label == zh("sub_kpi_month"))
    assert card.delta == fmt_delta_wan(head["amount_month_change"])
    assert card.value.endswith(" 万元") and card.delta.endswith(" 万元")
    shown = next(d.value for d in at.dataframe if "amount_per_capita" in d.value.columns)
    assert shown["township"].tolist() == ranking.get_column("township").to_list()
    assert shown["amount"].tolist() == pytest.approx(
        [a / 1e4 for a in ranking.get_column("amount")], abs=1e-6
    )


def test_a_township_in_the_url_narrows_every_number(app_for, demo_store_url, data) -> None:
    county_head, county_ranking = _expected(data, Place())
    township = county_ranking.get_column("township")[0]
    place = Place(township=township)
    head, ranking = _expected(data, place)

    at = app_for(demo_store_url, township=township).switch_page(PAGE).run()

    assert not at.exception
    metrics = _metrics(at)
    assert metrics[zh("sub_kpi_ytd")] == fmt_wan(head["amount_ytd"])
    assert head["amount_ytd"] < county_head["amount_ytd"]
    shown = next(d.value for d in at.dataframe if "amount_per_capita" in d.value.columns)
    assert shown["site"].tolist() == ranking.get_column("site").fill_null("未注明").to_list()
    links = [link.label for link in at.get("page_link")]
    assert zh("sub_drill", place=township) in links


def test_the_first_month_with_payments_shows_no_change(app_for, demo_store_url, data) -> None:
    month = data.subsidies.get_column("paid_on").min().replace(day=1)
    head = subsidy_headline(data.subsidies, month).row(0, named=True)

    at = app_for(demo_store_url, month=f"{month:%Y-%m}").switch_page(PAGE).run()

    assert not at.exception
    card = next(m for m in at.metric if m.label == zh("sub_kpi_month"))
    assert card.value == fmt_wan(head["amount_month"])
    assert not card.delta  # nothing paid before: no arrow, no false change


def test_an_empty_store_shows_the_first_run_screen(app_for, empty_store_url) -> None:
    at = app_for(empty_store_url).switch_page(PAGE).run()

    assert not at.exception
    assert not at.metric
    assert any(zh("empty_demo") in b.label for b in at.button)


def test_the_ranking_equals_the_command_line(
    app_for, demo_store_url, data, monkeypatch, capsys
) -> None:
    """Every township's amount on screen (万元) is what `python -m analytics subsidies` prints
    (yuan)."""
    month = _latest(data)
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    period = ["--from", f"{month.year}-01", "--to", f"{month:%Y-%m}"]
    assert cli(["subsidies", "--by", "township", *period, "--format", "json"]) == 0
    printed = {row["township"]: row["amount"] for row in json.loads(capsys.readouterr().out)}

    at = app_for(demo_store_url).switch_page(PAGE).run()

    shown = next(d.value for d in at.dataframe if "amount_per_capita" in d.value.columns)
    paid = shown[shown["amount"] > 0]
    assert len(paid) == len(printed)
    for township, amount in zip(paid["township"], paid["amount"], strict=True):
        assert amount * 1e4 == pytest.approx(printed[township], abs=0.5)
