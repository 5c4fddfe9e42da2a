"""The jobs and training page (岗位与培训): its numbers are the analytics' numbers for the county,
a township chosen in the URL and a township officer's own township; the command line prints
the same. Expected values come from `analytics.jobs` on the demo store, never from the page.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from analytics.__main__ import main as cli
from analytics.drill import Place, in_place
from analytics.jobs import (
    trainees_of,
    training_outcomes,
    two_after_summary,
    two_after_youth,
    vacancies_per_seeker,
)
from data.accounts import get_account
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.format import MISSING, fmt_count, fmt_rate
from ui.strings import STRINGS

PAGE = "pages/jobs.py"
NAN = float("nan")  # a gap in a table as pandas hands it back


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _latest(data: Frames) -> dt.date:
    return data.labour.get_column("month").max()


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _largest_township(data: Frames) -> str:
    """The township with the most people: it has seekers, trainees and two-after youth."""
    sizes = data.labour.group_by("township").len().sort("len", "township", descending=True)
    return sizes.item(0, "township")


def _ratio(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.2f}"


def test_county_numbers_are_the_analytics_numbers(app_for, demo_store_url, data) -> None:
    month = _latest(data)
    supply = vacancies_per_seeker(data.labour, data.postings, month, []).row(0, named=True)
    by_category = vacancies_per_seeker(data.labour, data.postings, month, ["job_category"])
    training = training_outcomes(data.training, data.labour, month)
    overall = training_outcomes(data.training, data.labour, month, by=[]).row(0, named=True)
    youth = two_after_summary(data.labour, month)

    at = app_for(demo_store_url, user="demo-analyst").switch_page(PAGE).run()

    assert not at.exception
    metrics = _metrics(at)
    assert metrics[zh("postings")] == fmt_count(supply["postings"])
    assert metrics[zh("seekers")] == fmt_count(supply["seekers"], "unit_persons")
    assert metrics[zh("vacancies_per_seeker")] == _ratio(supply["vacancies_per_seeker"])
    assert supply["seekers"] > 0 and supply["postings"] > 0
    shown = _table(at, "job_category")
    assert shown["job_category"].tolist() == by_category["job_category"].to_list()
    assert shown["seekers"].tolist() == by_category["seekers"].to_list()
    # 无明确意愿 has no postings side: a gap ("—"), not 0.
    assert shown["postings"].isna().tolist() == by_category["postings"].is_null().to_list()

    assert metrics[zh("jobs_kpi_trainees")] == fmt_count(overall["trainees"])
    assert metrics[zh("jobs_kpi_share")] == fmt_rate(overall["employed_share"])
    courses = _table(at, "employed_share")
    assert courses["course"].tolist() == training["course"].to_list()
    assert courses["employed_share"].tolist() == pytest.approx(
        [NAN if v is None else v * 100 for v in training["employed_share"]], nan_ok=True
    )

    counts = dict(youth.select("status", "youth").iter_rows())
    assert metrics[zh("jobs_two_after_total")] == fmt_count(sum(counts.values()), "unit_persons")
    assert metrics[zh("employed")] == fmt_count(counts.get("已就业", 0), "unit_persons")
    assert at.get("download_button"), "an analyst may download"


def test_a_township_in_the_url_cuts_the_people_not_the_postings(
    app_for, demo_store_url, data
) -> None:
    month = _latest(data)
    township = _largest_township(data)
    labour = in_place(data.labour, Place(township=township))
    county = vacancies_per_seeker(data.labour, data.postings, month, []).row(0, named=True)
    local = vacancies_per_seeker(labour, data.postings, month, []).row(0, named=True)
    trained = training_outcomes(trainees_of(data.training, labour), labour, month, by=[])

    at = app_for(demo_store_url, user="demo-analyst", township=township).switch_page(PAGE).run()

    assert not at.exception
    assert at.selectbox(key="jobs_township").value == township
    metrics = _metrics(at)
    assert metrics[zh("postings")] == fmt_count(county["postings"])
    assert metrics[zh("seekers")] == fmt_count(local["seekers"], "unit_persons")
    assert local["seekers"] < county["seekers"]
    assert metrics[zh("jobs_kpi_trainees")] == fmt_count(trained.item(0, "trainees"))
    listed = _table(at, "birth_year")
    assert set(listed["township"]) == {township}


def test_a_township_without_job_seekers_shows_a_dash(app_for, demo_store_url, data) -> None:
    month = _latest(data)
    by_township = vacancies_per_seeker(data.labour, data.postings, month, ["township"])
    empty = by_township.filter(pl.col("township").is_not_null() & (pl.col("seekers") == 0))
    if empty.is_empty():
        pytest.skip("every township of the demo store has job seekers")
    township = empty.item(0, "township")

    at = app_for(demo_store_url, user="demo-analyst", township=township).switch_page(PAGE).run()

    assert not at.exception
    metrics = _metrics(at)
    assert metrics[zh("seekers")] == fmt_count(0, "unit_persons")
    assert metrics[zh("vacancies_per_seeker")] == MISSING


def test_before_any_course_is_followed_up_the_share_is_a_dash(
    app_for, demo_store_url, data
) -> None:
    first = data.labour.get_column("month").min()
    overall = training_outcomes(data.training, data.labour, first, by=[]).row(0, named=True)
    assert overall["followed_up"] == 0  # the first month: nobody's 3 months have passed

    at = app_for(demo_store_url, user="demo-analyst", month=f"{first:%Y-%m}")
    at = at.switch_page(PAGE).run()

    assert not at.exception
    assert _metrics(at)[zh("jobs_kpi_share")] == MISSING
    assert _metrics(at)[zh("jobs_kpi_pending")] == fmt_count(overall["pending"])


def test_a_township_officer_sees_only_their_township(app_for, demo_store_url, data) -> None:
    account = get_account(get_engine(demo_store_url), "demo-township")
    (own,) = account.scope.townships
    month = _latest(data)
    labour = data.labour.filter(account.scope.place_filter())
    youth = two_after_youth(labour, month)

    at = app_for(demo_store_url, user="demo-township").switch_page(PAGE).run()

    assert not at.exception
    assert at.selectbox(key="jobs_township").options == [zh("all_townships"), own]
    assert own in at.title[0].value
    by_township = next(
        d.value for d in at.dataframe if {"township", "seekers"} <= set(d.value.columns)
    )
    # Postings elsewhere in the county stay out; those outside it are open to everyone.
    assert set(by_township["township"]) == {own, zh("jobs_no_township")}
    by_status = next(d.value for d in at.dataframe if {"township", "youth"} <= set(d.value.columns))
    assert set(by_status["township"]) == {own}
    listed = _table(at, "birth_year")
    assert listed["name"].tolist() == youth["name"].to_list()
    assert all("*" in i for i in listed["id_number"]), "ID numbers masked"
    assert not at.get("download_button"), "a township officer may not download"


def test_two_after_youth_link_to_the_explore_page(app_for, demo_store_url, data) -> None:
    township = _largest_township(data)

    at = app_for(
        demo_store_url, user="demo-analyst", township=township, month="2020-06", lang="en"
    ).switch_page(PAGE).run()  # fmt: skip

    links = {link.proto.label: link.proto for link in at.get("page_link")}
    link = links[STRINGS["jobs_two_after_explore"]["en"]]
    assert link.page.endswith("explore")
    query = dict(part.split("=") for part in link.query_string.split("&"))
    assert query["two_after"] == "1"
    assert query["township"] != ""  # the township, URL-encoded
    # The month and language shown here go along: the explore page opens on the same month.
    assert (query["month"], query["lang"]) == ("2020-06", "en")
    unemployed = links[STRINGS["jobs_two_after_explore_unemployed"]["en"]]
    assert "status=" in unemployed.query_string


def test_the_numbers_equal_the_command_line(
    app_for, demo_store_url, data, monkeypatch, capsys
) -> None:
    """What `python -m analytics jobs | training | two-after` prints is on the page."""
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    assert cli(["jobs", "--format", "json"]) == 0
    categories = json.loads(capsys.readouterr().out)
    assert cli(["training", "--format", "json"]) == 0
    courses = json.loads(capsys.readouterr().out)
    assert cli(["two-after", "--format", "json"]) == 0
    statuses = json.loads(capsys.readouterr().out)
    assert cli(["jobs", "--trend", "--by", "county", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("month,postings,vacancies,seekers,")
    assert cli(["jobs", "--wages", "--format", "json"]) == 0
    wages = json.loads(capsys.readouterr().out)
    assert cli(["two-after", "--list", "--format", "json"]) == 0
    youth = json.loads(capsys.readouterr().out)

    at = app_for(demo_store_url, user="demo-analyst").switch_page(PAGE).run()

    shown = _table(at, "job_category")
    assert shown["seekers"].tolist() == [row["seekers"] for row in categories]
    assert shown["vacancies_per_seeker"].tolist() == pytest.approx(
        [NAN if r["vacancies_per_seeker"] is None else round(r["vacancies_per_seeker"], 2)
         for r in categories],
        nan_ok=True,
    )  # fmt: skip
    table = _table(at, "employed_share")
    assert table["employed_after"].tolist() == [row["employed_after"] for row in courses]
    assert _table(at, "youth")["youth"].tolist() == [row["youth"] for row in statuses]
    assert _table(at, "earners")["earners"].tolist() == [row["earners"] for row in wages]
    assert len(_table(at, "birth_year")) == len(youth)


def test_the_command_line_says_when_there_is_nothing(empty_store_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_store_url)
    assert cli(["jobs"]) == 1
    assert cli(["training"]) == 1
    assert cli(["two-after"]) == 1
    assert "no" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # a list has no groups
        cli(["two-after", "--list", "--by", "township"])
    with pytest.raises(SystemExit):
        cli(["jobs", "--wages", "--trend"])


def test_an_empty_store_shows_the_first_run_screen(app_for, empty_store_url) -> None:
    at = app_for(empty_store_url).switch_page(PAGE).run()

    assert not at.exception
    assert not at.metric
    assert any(zh("empty_demo") in b.label for b in at.button)


def test_in_english_a_rerun_keeps_the_choices(app_for, demo_store_url, data) -> None:
    township = _largest_township(data)

    at = app_for(demo_store_url, user="demo-analyst", lang="en", township=township)
    at.switch_page(PAGE).run()
    at.run()  # the widgets' labels must not fall back to Chinese between runs

    assert not at.exception
    assert at.selectbox(key="jobs_township").value == township
    assert STRINGS["postings"]["en"] in _metrics(at)
