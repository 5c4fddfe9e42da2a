"""The compliance audit page (合规审计): its counts and amounts at risk are
`analytics.audit.cases` on the viewer's frames, for the county (analyst, administrator), a range
in the URL, and a township officer (their townships' cases only). Which roles may open it at all
is tested with every page in test_roles.py.
"""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from analytics.audit import AGE_MISMATCH, RULES, Standards, cases
from data.accounts import get_account
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.format import fmt_count, fmt_wan
from ui.strings import STRINGS

PAGE = "pages/compliance.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _table(at, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def _assert_shown(at, found: pl.DataFrame) -> None:
    assert not at.exception, at.exception
    metrics = _metrics(at)
    assert metrics[zh("cmp_kpi_cases")] == fmt_count(found.height, "unit_cases")
    assert metrics[zh("cmp_kpi_at_risk")] == fmt_wan(found.get_column("amount_at_risk").sum())
    by_rule = _table(at, "rule", "case_count")
    counts = dict(found.group_by("rule").len().iter_rows())
    assert list(by_rule["rule"]) == list(RULES)
    assert dict(zip(by_rule["rule"], by_rule["case_count"], strict=True)) == {
        rule: counts.get(rule, 0) for rule in RULES
    }
    # The data-quality rule carries no amount: "—" (empty), not a false 0.
    amounts = dict(zip(by_rule["rule"], by_rule["amount_at_risk"], strict=True))
    assert pd.isna(amounts.pop(AGE_MISMATCH))
    assert not any(pd.isna(value) for value in amounts.values())
    by_township = _table(at, "township", "case_count")
    assert by_township["case_count"].sum() == found.height
    # Most money at risk first; a township with only data-quality cases ("—") last.
    at_risk = [0.0 if pd.isna(v) else v for v in by_township["amount_at_risk"]]
    assert at_risk == sorted(at_risk, reverse=True)
    listed = _table(at, "rule", "period", "evidence")
    assert len(listed) == min(found.height, 1_000)


@pytest.mark.parametrize("user", ["demo-analyst", "demo-admin"])
def test_the_county_cases_are_the_rules_cases(app_for, demo_store_url, data, user) -> None:
    months = data.labour.get_column("month")
    found = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    assert found.height > 0, "the demo county should hold cases"
    at = app_for(demo_store_url, user=user).switch_page(PAGE).run()
    _assert_shown(at, found)
    assert at.get("download_button"), "an analyst hands the inspection office a workbook"


def test_a_range_and_a_rule_in_the_url(app_for, demo_store_url, data) -> None:
    months = sorted(data.labour.get_column("month").unique())
    start, end = months[1], months[-2]
    found = cases(data.labour, data.subsidies, Standards(), start, end)
    rule = found.get_column("rule")[0]
    at = app_for(
        demo_store_url, user="demo-analyst", **{"from": f"{start:%Y-%m}", "to": f"{end:%Y-%m}"},
        rule=rule,
    ).switch_page(PAGE).run()  # fmt: skip
    assert not at.exception, at.exception
    assert _metrics(at)[zh("cmp_kpi_cases")] == fmt_count(found.height, "unit_cases")
    listed = _table(at, "rule", "period", "evidence")
    assert set(listed["rule"]) == {rule}
    assert len(listed) == min(found.filter(pl.col("rule") == rule).height, 1_000)


def test_a_township_officer_sees_only_their_townships_cases(app_for, demo_store_url, data) -> None:
    account = get_account(get_engine(demo_store_url), "demo-township")
    mine = data.scoped(account.scope)
    months = data.labour.get_column("month")
    found = cases(mine.labour, mine.subsidies, Standards(), months.min(), months.max())
    county = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    assert 0 < found.height < county.height
    at = app_for(demo_store_url, user="demo-township").switch_page(PAGE).run()
    _assert_shown(at, found)
    shown = set(_table(at, "township", "case_count")["township"])
    assert shown <= set(account.scope.townships)
    assert not at.get("download_button"), "a township officer may not download"


def test_months_outside_the_store_fall_back_to_all(app_for, demo_store_url, data) -> None:
    at = app_for(demo_store_url, user="demo-analyst", to="1999-01").switch_page(PAGE).run()
    assert not at.exception, at.exception
    months = data.labour.get_column("month")
    found = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    assert _metrics(at)[zh("cmp_kpi_cases")] == fmt_count(found.height, "unit_cases")
