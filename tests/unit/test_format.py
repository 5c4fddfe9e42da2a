"""Money on screen: one unit per figure (totals in 万元, a person's money in 元)."""

from __future__ import annotations

import pytest

from ui.format import fmt_delta_wan, fmt_wan, fmt_yuan


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (20_993_000.0, "2,099 万元"),  # whole from 1,000 万元: the KPI card's width
        (2_398_000.0, "239.8 万元"),
        (36_000.0, "3.6 万元"),
        (1_748.0, "0.2 万元"),  # small totals keep the unit of the large ones
        (0.0, "0.0 万元"),
        (None, "—"),
    ],
)
def test_totals_are_always_in_wan(yuan, text) -> None:
    assert fmt_wan(yuan) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (1_748.0, "+0.2 万元"),
        (-25_000.0, "-2.5 万元"),
        (300.0, "±0.0 万元"),  # rounds to nothing in the unit shown
        (None, None),
    ],
)
def test_a_change_has_its_totals_unit(delta, text) -> None:
    assert fmt_delta_wan(delta) == text


@pytest.mark.parametrize(
    ("yuan", "text"), [(2_153.4, "2,153 元"), (41_824.0, "41,824 元"), (None, "—")]
)
def test_a_persons_money_is_in_yuan(yuan, text) -> None:
    assert fmt_yuan(yuan) == text


def test_english_totals_are_in_millions_everywhere(monkeypatch) -> None:
    monkeypatch.setattr("ui.format.lang", lambda: "en")
    assert fmt_wan(20_993_000.0) == "¥20.99M"
    assert fmt_delta_wan(1_748.0) == "±¥0.00M"
    assert fmt_delta_wan(-250_000.0) == "-¥0.25M"
