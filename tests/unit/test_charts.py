"""Rate charts that read honestly (issue 21, item 6): bars from 0, one axis, the target clear of
the labels, the bars' bands those of the map."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ui.charts import rate_bars, rate_trend, subsidy_stack, supply_ratio, supply_trend
from ui.theme import BAD, GOOD, WARN

TARGET = 0.95


def _rates(**rates: float | None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "township": list(rates),
            "employment_rate": list(rates.values()),
            "labour_force": [100] * len(rates),
        },
        schema={"township": pl.String, "employment_rate": pl.Float64, "labour_force": pl.Int64},
    )


def test_rate_bars_start_at_zero() -> None:
    # All rates between 85 % and 99 %: the axis started at 77 % and a bar's length lied.
    fig = rate_bars(_rates(甲镇=0.85, 乙镇=0.99), "township", TARGET)
    assert fig.layout.xaxis.range[0] == 0


@pytest.mark.parametrize(
    ("rate", "colour"),
    [(0.96, GOOD), (0.95, GOOD), (0.94, WARN), (0.93, WARN), (0.929, BAD), (0.5, BAD)],
)
def test_rate_bars_colour_the_three_bands(rate: float, colour: str) -> None:
    fig = rate_bars(_rates(甲镇=rate), "township", TARGET)
    assert list(fig.data[0].marker.color) == [colour]


def test_the_target_label_sits_above_the_plot_and_the_values_away_from_the_line() -> None:
    fig = rate_bars(_rates(甲镇=0.96, 乙镇=0.94), "township", TARGET)
    (note,) = fig.layout.annotations
    assert note.yref == "paper" and note.y >= 1 and note.yanchor == "bottom"
    # Value labels inside the bar at its start (the axis' 0), far from the target line near 95 %.
    bar = fig.data[0]
    assert bar.textposition == "inside" and bar.insidetextanchor == "start"


def _trend() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [date(2020, m, 1) for m in (10, 11, 12)],
            "employment_rate": [0.91, 0.93, 0.955],
            "employed": [910, 930, 955],
            "labour_force": [1000, 1000, 1000],
        }
    )


def test_the_trend_has_one_axis_with_the_people_in_the_hover() -> None:
    fig = rate_trend(_trend())
    assert "yaxis2" not in fig.layout.to_plotly_json()  # no second axis
    assert {trace.type for trace in fig.data} == {"scatter"}
    assert all(trace.yaxis in (None, "y") for trace in fig.data)
    assert fig.data[0].customdata[-1][1] == "955 人"  # employed, in the hover
    # The axis' break is told: its title says where it starts.
    low = fig.layout.yaxis.range[0]
    assert low > 0 and f"{low}%" in fig.layout.yaxis.title.text


def _supply() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [date(2020, 11, 1), date(2020, 12, 1)],
            "vacancies": [120, 80],
            "seekers": [100, 160],
            "vacancies_per_seeker": [1.2, 0.5],
        }
    )


def test_the_job_supply_charts_have_one_axis_each() -> None:
    people, ratio = supply_trend(_supply()), supply_ratio(_supply())
    for fig in (people, ratio):
        assert "yaxis2" not in fig.layout.to_plotly_json()
        assert all(trace.yaxis in (None, "y") for trace in fig.data)
    assert {trace.type for trace in people.data} == {"bar"}
    assert [trace.type for trace in ratio.data] == ["scatter"]
    assert ratio.layout.yaxis.range[0] == 0  # a ratio from 0, its line at 1 inside the axis
    assert ratio.layout.yaxis.range[1] > 1.2


def test_the_subsidy_legend_sits_above_the_month_labels() -> None:
    by_month = pl.DataFrame(
        {
            "month": [date(2020, 11, 1), date(2020, 12, 1)],
            "kind": ["公益性岗位补贴", "交通补贴"],
            "amount": [36_000.0, 1_748.0],
        }
    )
    fig = subsidy_stack(by_month)
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y >= 1
    assert [trace.customdata[i] for i, trace in enumerate(fig.data)] == ["3.6 万元", "0.2 万元"]
