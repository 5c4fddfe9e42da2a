"""The explore page: filters from the URL as chips, the pivot equal to analytics', chips that
remove their filter, the people and the postings that fit them."""

from __future__ import annotations

import pytest

from analytics.matching import job_seekers, match_postings
from analytics.pivot import filter_labour, pivot, wide
from analytics.rates import month_end
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.strings import STRINGS

PAGE = "pages/explore.py"


def zh(key: str, **values: object) -> str:
    text = STRINGS[key]["zh"]
    return text.format(**values) if values else text


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _open(app_for, url: str, user: str = "demo-analyst", **query):
    return app_for(url, user=user, **query).switch_page(PAGE).run()


def _chips(at) -> list[str]:
    return [
        b.label for b in at.button if b.key and b.key.startswith("chip_") and b.key != "chip_clear"
    ]


def test_filters_and_layout_come_from_the_url(app_for, demo_store_url, data) -> None:
    township = data.labour["township"].value_counts(sort=True)["township"][0]
    at = _open(
        app_for, demo_store_url, township=township, two_after="1", cols="employment_type",
        measure="employed",
    )  # fmt: skip
    assert not at.exception, at.exception
    assert _chips(at) == [f"{zh('pivot_township')}：{township}", f"{zh('pivot_two_after')}：是"]
    month = data.labour["month"].max()
    filters = {"township": [township], "two_after": [True]}
    expected = wide(
        pivot(
            data.labour, data.subsidies, measure="employed", rows=["township"],
            columns=["employment_type"], filters=filters, months=(month, month),
        ),
        zh("pivot_total"),
    )  # fmt: skip
    shown = at.dataframe[0].value
    assert shown.columns.tolist() == expected.columns
    assert shown.iloc[:, -1].tolist() == expected[zh("pivot_total")].to_list()
    people = filter_labour(data.labour, filters, (month, month))
    assert f"符合条件 **{people.height:,}** 人" in at.markdown[-1].value or any(
        f"符合条件 **{people.height:,}** 人" in m.value for m in at.markdown
    )


def test_a_chip_click_removes_its_filter_from_the_screen_and_the_url(
    app_for, demo_store_url, data
) -> None:
    township = data.labour["township"].unique().sort()[0]
    at = _open(app_for, demo_store_url, township=township, status="未就业")
    at.button(key="chip_status_未就业").click().run()
    assert not at.exception
    assert _chips(at) == [f"{zh('pivot_township')}：{township}"]
    assert "status" not in at.query_params
    assert at.query_params["township"] in (township, [township])
    at.button(key="chip_clear").click().run()
    assert _chips(at) == []
    assert "township" not in at.query_params


def test_the_unemployed_are_matched_to_postings(app_for, demo_store_url, data) -> None:
    township = data.labour["township"].value_counts(sort=True)["township"][0]
    at = _open(app_for, demo_store_url, township=township, status="未就业")
    month = data.labour["month"].max()
    people = filter_labour(
        data.labour, {"township": [township], "status": ["未就业"]}, (month,) * 2
    )
    expected = match_postings(job_seekers(people, month), data.postings, as_of=month_end(month))
    assert expected.height > 0
    matches = at.dataframe[2].value
    assert matches["title"].tolist() == expected["title"].to_list()
    assert not matches["id_number"].str.fullmatch(r"\d{17}[\dX]").any()  # masked


def test_an_empty_selection_shows_dashes(app_for, demo_store_url) -> None:
    at = _open(app_for, demo_store_url, township="没有这个镇", measure="employment_rate")
    assert not at.exception
    table = at.dataframe[0].value
    assert table.iloc[-1].tolist()[0] == zh("pivot_total")
    assert table.iloc[:, -1].isna().all()  # "—" on screen, never 0 %
    assert any(zh("explore_no_seekers") == i.value for i in at.info)


def test_a_township_officer_sees_only_their_township_and_no_download(
    app_for, demo_store_url, data
) -> None:
    at = _open(app_for, demo_store_url, user="demo-township", rows="township")
    assert not at.exception
    townships = at.dataframe[0].value["township"].tolist()
    assert len(townships) == 2 and townships[-1] == zh("pivot_total")
    assert not at.get("download_button")


def test_the_analyst_downloads_the_pivot_people_and_postings(app_for, demo_store_url) -> None:
    at = _open(app_for, demo_store_url, status="未就业", township="龙溪镇")
    keys = {b.proto.id for b in at.get("download_button")}
    assert len(keys) == 3


@pytest.mark.parametrize("page", ["pages/explore.py", "pages/rosters.py", "pages/query.py"])
def test_an_empty_store_shows_the_first_run_screen(app_for, empty_store_url, page) -> None:
    at = app_for(empty_store_url).switch_page(page).run()
    assert not at.exception
    assert not at.dataframe
    assert any(zh("empty_demo") in b.label for b in at.button)


def test_a_rate_is_not_offered_by_employment_type(app_for, demo_store_url) -> None:
    # An old link still opens: the defining axis dropped, the others kept, the page says why.
    at = _open(
        app_for, demo_store_url, rows=["township", "employment_type"], measure="employment_rate"
    )
    assert not at.exception, at.exception
    rows = next(m for m in at.multiselect if m.key == "rows")
    assert rows.value == ["township"]
    assert "employment_type" not in rows.options and zh("pivot_employment_type") not in rows.options
    assert any(zh("explore_defining_axes") == c.value for c in at.caption)
