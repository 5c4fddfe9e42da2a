"""动态清零 on the overview and the projector: the counts are the casework analytics' on the demo
store, a closed case moves them, a township with nothing open says 已清零, and a township officer
sees their townships' alone."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from analytics.audit import Standards, cases
from analytics.casework import (
    KINDS,
    case_subject,
    progress,
    progress_by_kind,
    worklist,
    zero_employment_households,
)
from analytics.drill import Place
from analytics.rates import previous_month
from data.accounts import get_account
from data.casework import set_case
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.strings import STRINGS

CLOSED = {"audit": "已整改", "household": "已就业", "person": "已就业"}


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def lists(data: Frames, month: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The worklists of `month` and the month before, as `python -m analytics cases` finds them."""
    found = cases(data.labour, data.subsidies, Standards(), end=month)
    return (
        worklist(found, data.labour, data.case_work, month, today()),
        worklist(found, data.labour, data.case_work, previous_month(month), today()),
    )


def expected(data: Frames, month: date, place: Place | None = None) -> dict:
    place = place or Place()
    current, previous = lists(data, month)
    where = Place.filter_on(
        {"township": place.township, "site": place.site, "building": place.building}
    )
    current, previous = current.filter(where), previous.filter(where)
    return {
        "total": progress(current, previous, [], today()).row(0, named=True),
        "kinds": progress_by_kind(current, previous, today()),
    }


def shown(at) -> dict[str, int]:
    """The block's three numbers, as integers."""
    labels = {zh("clr_open"): "open", zh("clr_overdue"): "overdue", zh("clr_cleared"): "cleared"}
    return {labels[m.label]: int(m.value.replace(",", "")) for m in at.metric if m.label in labels}


def kinds_shown(at) -> pl.DataFrame:
    table = next(d for d in at.dataframe if zh("clr_kind") in d.value.columns)
    return pl.from_pandas(table.value)


def figure(at, key: str) -> dict:
    chart = next(e for e in at.get("plotly_chart") if e.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def overview(app_for, url: str, user: str = "demo-admin", **query: str):
    at = app_for(url, user=user, **query).run()
    assert not at.exception
    return at


def test_the_overview_shows_the_counts_of_the_casework_analytics(app_for, demo_store_url) -> None:
    data = load_frames(get_engine(demo_store_url))
    month = data.labour["month"].max()
    want = expected(data, month)

    at = overview(app_for, demo_store_url)

    total = want["total"]
    assert shown(at) == {k: total[k] for k in ("open", "overdue", "cleared")}
    assert total["open"] > 0  # the demo has work to do: the numbers below are not all zeros
    kinds = kinds_shown(at)
    assert kinds[zh("clr_kind")].to_list() == [zh(f"clr_kind_{k}") for k in KINDS]
    assert kinds[zh("clr_open")].to_list() == want["kinds"]["open"].to_list()
    assert kinds[zh("clr_cleared")].to_list() == want["kinds"]["cleared"].to_list()
    # The bars: the townships with most open first (plotly lists the top bar last).
    bars = figure(at, "clearing_bars")["data"]
    assert [b["name"] for b in bars] == [zh(f"clr_kind_{k}") for k in KINDS]
    current, _ = lists(data, month)
    top = (
        current.group_by("township")
        .agg(pl.col("is_open").sum())
        .sort(["is_open", "township"], descending=[True, False])
    )
    assert bars[0]["y"][-1] == top["township"][0]
    assert sum(b["x"][-1] for b in bars) == top["is_open"][0]


def test_an_older_month_says_which_month_cleared_means(app_for, demo_store_url) -> None:
    data = load_frames(get_engine(demo_store_url))
    months = data.labour["month"].unique().sort()
    month = months[-2]

    at = overview(app_for, demo_store_url, month=f"{month:%Y-%m}")

    total = expected(data, month)["total"]
    assert shown(at) == {k: total[k] for k in ("open", "overdue", "cleared")}
    on = today()
    note = zh(
        "clr_past_month",
        month=f"{month.year}年{month.month}月",
        this_month=f"{on.year}年{on.month}月",
    )
    assert note in [c.value for c in at.caption]


def test_a_household_set_employed_leaves_open_for_cleared(app_for, own_store_url) -> None:
    engine = get_engine(own_store_url)
    labour = load_frames(engine).labour
    household = zero_employment_households(labour, labour["month"].max()).row(0, named=True)
    before = shown(overview(app_for, own_store_url))

    result = set_case(
        engine,
        kind="household",
        rule=household["rule"],
        subject=household["household"],
        state="已就业",
        user="demo-analyst",
    )
    assert result.ok, result.report()
    after = overview(app_for, own_store_url)

    assert shown(after) == {
        "open": before["open"] - 1,
        "overdue": before["overdue"],
        "cleared": before["cleared"] + 1,
    }
    kinds = kinds_shown(after).filter(pl.col(zh("clr_kind")) == zh("clr_kind_household"))
    assert kinds[zh("clr_cleared")].item() >= 1


def test_a_township_with_every_subject_closed_shows_cleared(app_for, own_store_url) -> None:
    engine = get_engine(own_store_url)
    data = load_frames(engine)
    month = data.labour["month"].max()
    current, _ = lists(data, month)
    # The township with least open (of those with any), so that few writes close it.
    township = (
        current.filter(pl.col("township").is_not_null())
        .group_by("township")
        .agg(pl.col("is_open").sum())
        .filter(pl.col("is_open") > 0)
        .sort(["is_open", "township"])["township"][0]
    )
    before = overview(app_for, own_store_url, township=township)
    assert shown(before)["open"] > 0
    assert not [s for s in before.success if zh("clr_all_clear") in s.value]

    for row in current.filter((pl.col("township") == township) & pl.col("is_open")).iter_rows(
        named=True
    ):
        result = set_case(
            engine,
            kind=row["kind"],
            rule=row["rule"],
            subject=case_subject(row),
            period=row["period"],
            state=CLOSED[row["kind"]],
            user="demo-analyst",
        )
        assert result.ok, result.report()
    after = overview(app_for, own_store_url, township=township)

    assert shown(after)["open"] == 0
    assert [s for s in after.success if zh("clr_all_clear") in s.value]
    assert not at_open(after)


def at_open(at) -> list:
    """The bars of open cases the overview draws (none when nothing is open)."""
    return [e for e in at.get("plotly_chart") if e.proto.id.endswith("clearing_bars")]


@pytest.mark.parametrize("page", ["overview", "present"])
def test_a_township_officer_sees_their_townships_alone(
    app_for, demo_store_url: str, page: str
) -> None:
    engine = get_engine(demo_store_url)
    officer = get_account(engine, "demo-township")
    assert officer is not None and officer.scope.townships
    mine = load_frames(engine).scoped(officer.scope)
    month = mine.labour["month"].max()
    (township,) = officer.scope.townships  # the demo's officer holds one township
    query = {"present": "1"} if page == "present" else {}
    at = app_for(demo_store_url, user="demo-township", **query)
    if page == "present":
        at.session_state["present_playing"] = False
        at.session_state["present_slide"] = 1  # 动态清零, after the opening slide
    at.run()
    assert not at.exception

    total = expected(mine, month, Place(township=township))["total"]
    assert shown(at) == {k: total[k] for k in ("open", "overdue", "cleared")}
    sites = set(mine.labour.filter(pl.col("township") == township)["site"].unique())
    key = "present_clearing" if page == "present" else "clearing_bars"
    names = {name for bar in figure(at, key)["data"] for name in bar["y"]}
    assert names and names <= sites


def test_the_slide_shows_the_county_by_township(app_for, demo_store_url) -> None:
    data = load_frames(get_engine(demo_store_url))
    month = data.labour["month"].max()
    at = app_for(demo_store_url, present="1")
    at.session_state["present_playing"] = False
    at.session_state["present_slide"] = 1
    at.run()

    assert not at.exception
    assert at.title[0].value.startswith(zh("slide_clearing"))
    total = expected(data, month)["total"]
    assert shown(at) == {k: total[k] for k in ("open", "overdue", "cleared")}
    townships = set(data.labour["township"].unique())
    names = {name for bar in figure(at, "present_clearing")["data"] for name in bar["y"]}
    assert names and names <= townships
