"""The income page (收入): the KPIs, tables and the list below the target are the analytics'
numbers, for the county, a township, another target in the URL and a township officer; the
command line prints the same. Expected values come from `analytics.income` on the demo store.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analytics.__main__ import main as cli
from analytics.drill import Place, in_place
from analytics.income import (
    INCOME_TARGET,
    below_target,
    income_distribution,
)
from data.accounts import get_account
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.format import fmt_count, fmt_rate, fmt_yuan
from ui.strings import STRINGS

PAGE = "pages/income.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _latest(data: Frames) -> dt.date:
    return data.labour.get_column("month").max()


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def _assert_kpis(at, labour, month, target) -> None:
    overall = income_distribution(labour, month, [], target).row(0, named=True)
    metrics = _metrics(at)
    assert metrics[zh("inc_kpi_median")] == fmt_yuan(overall["income_median"])
    assert metrics[zh("inc_kpi_share")] == fmt_rate(overall["at_or_above_share"])
    below = below_target(labour, month, target)
    assert metrics[zh("inc_kpi_below")] == fmt_count(below.height, "unit_persons")
    assert metrics[zh("inc_kpi_no_income")] == fmt_count(overall["no_income"], "unit_persons")


def test_county_numbers_are_the_analytics_numbers(app_for, demo_store_url, data) -> None:
    month = _latest(data)
    by_type = income_distribution(data.labour, month, ["employment_type"])
    below = below_target(data.labour, month)

    at = app_for(demo_store_url, user="demo-analyst").switch_page(PAGE).run()

    assert not at.exception
    assert at.number_input(key="income_target").value == INCOME_TARGET
    _assert_kpis(at, data.labour, month, INCOME_TARGET)
    shown = _table(at, "employment_type", "earners")
    assert shown["employment_type"].tolist() == by_type["employment_type"].to_list()
    assert shown["earners"].tolist() == by_type["earners"].to_list()
    assert shown["income_median"].tolist() == pytest.approx(
        [round(v) if v is not None else float("nan") for v in by_type["income_median"]],
        nan_ok=True,
    )
    listed = _table(at, "monthly_income", "room")
    assert len(listed) == below.height
    assert (listed["monthly_income"] < INCOME_TARGET).all()
    assert all("*" in i for i in listed["id_number"]), "ID numbers masked"
    assert at.get("download_button"), "an analyst may download"


def test_another_target_in_the_url(app_for, demo_store_url, data) -> None:
    month = _latest(data)

    at = app_for(demo_store_url, user="demo-analyst", target="3000").switch_page(PAGE).run()

    assert not at.exception
    assert at.number_input(key="income_target").value == 3000
    _assert_kpis(at, data.labour, month, 3000)
    assert at.query_params["target"] == "3000"  # kept for a link or a reload

    at.number_input(key="income_target").set_value(float(INCOME_TARGET)).run()

    _assert_kpis(at, data.labour, month, INCOME_TARGET)
    assert "target" not in at.query_params  # the default needs no parameter


def test_a_nonsense_target_falls_back_to_the_county_target(app_for, demo_store_url) -> None:
    for nonsense in ("abc", "5", "-2100", "inf"):
        at = app_for(demo_store_url, user="demo-analyst", target=nonsense).switch_page(PAGE).run()

        assert not at.exception
        assert at.number_input(key="income_target").value == INCOME_TARGET


def test_a_township_in_the_url_shows_its_sites(app_for, demo_store_url, data) -> None:
    month = _latest(data)
    township = data.labour.get_column("township").drop_nulls().sort()[0]
    labour = in_place(data.labour, Place(township=township))
    by_site = income_distribution(labour, month, ["site"])

    at = app_for(demo_store_url, user="demo-analyst", township=township).switch_page(PAGE).run()

    assert not at.exception
    _assert_kpis(at, labour, month, INCOME_TARGET)
    shown = _table(at, "site", "earners")
    assert shown["site"].tolist() == by_site["site"].to_list()
    assert set(_table(at, "monthly_income", "room")["township"]) <= {township}


def test_a_township_officer_sees_only_their_township(app_for, demo_store_url, data) -> None:
    account = get_account(get_engine(demo_store_url), "demo-township")
    (own,) = account.scope.townships
    labour = data.labour.filter(account.scope.place_filter())

    at = app_for(demo_store_url, user="demo-township").switch_page(PAGE).run()

    assert not at.exception
    assert own in at.title[0].value
    assert at.selectbox(key="income_township").options == [zh("all_townships"), own]
    _assert_kpis(at, labour, _latest(data), INCOME_TARGET)
    assert set(_table(at, "monthly_income", "room")["township"]) == {own}
    other_sites = set(data.labour["site"]) - set(labour["site"])
    assert not other_sites & set(_table(at, "site", "earners")["site"])
    assert not at.get("download_button"), "a township officer may not download"


def test_the_numbers_equal_the_command_line(
    app_for, demo_store_url, data, monkeypatch, capsys
) -> None:
    """What `python -m analytics income` prints is on the page, for another target too."""
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    assert cli(["income", "--target", "3000", "--format", "json"]) == 0
    (county,) = json.loads(capsys.readouterr().out)
    assert cli(["income", "--by", "township", "--target", "3000", "--format", "json"]) == 0
    townships = json.loads(capsys.readouterr().out)
    assert cli(["income", "--below", "--target", "3000", "--format", "csv"]) == 0
    below = capsys.readouterr().out.strip().splitlines()[1:]

    at = app_for(demo_store_url, user="demo-analyst", target="3000").switch_page(PAGE).run()

    metrics = _metrics(at)
    assert metrics[zh("inc_kpi_median")] == fmt_yuan(county["income_median"])
    assert metrics[zh("inc_kpi_share")] == fmt_rate(county["at_or_above_share"])
    assert metrics[zh("inc_kpi_below")] == fmt_count(len(below), "unit_persons")
    shown = _table(at, "township", "earners")
    assert shown["township"].tolist() == [row["township"] for row in townships]
    assert shown["at_or_above"].tolist() == [row["at_or_above"] for row in townships]


def test_the_command_line_checks_its_options(demo_store_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    with pytest.raises(SystemExit):
        cli(["income", "--below", "--by", "township"])
    with pytest.raises(SystemExit):
        cli(["income", "--target", "0"])
    assert cli(["income", "--township", "没有这个镇"]) == 1
    assert "没有这个镇" in capsys.readouterr().err
    assert cli(["income", "--histogram", "--width", "1000", "--format", "json"]) == 0
    bins = json.loads(capsys.readouterr().out)
    # Edges fall on the target, 2,100: no bin straddles it.
    assert all((row["bin_start"] - INCOME_TARGET) % 1000 == 0 for row in bins)


def test_an_empty_store_shows_the_first_run_screen(app_for, empty_store_url) -> None:
    at = app_for(empty_store_url).switch_page(PAGE).run()

    assert not at.exception
    assert not at.metric
    assert any(zh("empty_demo") in b.label for b in at.button)


def test_in_english_a_rerun_keeps_the_choices(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, user="demo-analyst", lang="en", target="2500")
    at.switch_page(PAGE).run()
    at.run()

    assert not at.exception
    assert at.number_input(key="income_target").value == 2500
    assert STRINGS["inc_kpi_median"]["en"] in _metrics(at)
