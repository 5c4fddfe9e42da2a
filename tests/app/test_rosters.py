"""一库六册 on screen: the six rosters of the chosen place and month, counted as analytics counts
them, masked, and one workbook to download for roles that may export."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.rosters import ROSTERS, rosters
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.strings import STRINGS
from ui.views import MAX_TABLE_ROWS

PAGE = "pages/rosters.py"


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _counts(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("place", ["county", "township", "site"])
def test_the_six_counts_and_tables_follow_the_place(app_for, demo_store_url, data, place) -> None:
    labour = data.labour
    query = {}
    if place != "county":
        value = labour[place].value_counts(sort=True)[place][0]
        query[place] = value
        labour = labour.filter(pl.col(place) == value)
    month = labour["month"].max()
    expected = rosters(labour, month)

    at = app_for(demo_store_url, user="demo-analyst", **query).switch_page(PAGE).run()

    assert not at.exception, at.exception
    assert _counts(at) == {
        STRINGS[f"roster_{name}"]["zh"]: f"{expected[name].height:,} 人" for name in ROSTERS
    }
    tables = [frame.value for frame in at.dataframe]
    heights = [expected[name].height for name in ROSTERS]
    # Long lists show their first rows and say how many there are: the download has them all.
    assert [t.shape[0] for t in tables] == [min(h, MAX_TABLE_ROWS) for h in heights]
    cut = [
        STRINGS["table_cut"]["zh"].format(shown=f"{MAX_TABLE_ROWS:,}", rows=f"{h:,}")
        for h in heights
        if h > MAX_TABLE_ROWS
    ]
    assert [c.value for c in at.caption if c.value in cut] == cut
    assert tables[0]["name"].tolist() == expected["labour"]["name"].head(MAX_TABLE_ROWS).to_list()
    assert not tables[0]["id_number"].str.fullmatch(r"\d{17}[\dX]").any()
    assert len(at.get("download_button")) == 1


def test_an_earlier_month_from_the_url(app_for, demo_store_url, data) -> None:
    first = data.labour["month"].min()
    expected = rosters(data.labour, first)
    at = app_for(demo_store_url, user="demo-analyst", month=f"{first:%Y-%m}").switch_page(PAGE)
    at.run()
    assert not at.exception
    assert list(_counts(at).values()) == [f"{expected[n].height:,} 人" for n in ROSTERS]


def test_a_township_officer_gets_their_township_without_a_download(
    app_for, demo_store_url, data
) -> None:
    at = app_for(demo_store_url, user="demo-township").switch_page(PAGE).run()
    assert not at.exception
    shown = set(at.dataframe[0].value["township"])
    assert len(shown) == 1
    assert not at.get("download_button")
