"""The compliance audit page (合规审计): its counts and amounts at risk are
`analytics.audit.cases` on the viewer's frames, for the county (analyst, administrator), a range
in the URL, and a township officer (their townships' cases only). Which roles may open it at all
is tested with every page in test_roles.py. An administrator changes the standards on the page
and the cases follow; the workbook it hands out holds a sheet per rule, the by-rule and by-month
counts and the standards it used, IDs masked unless full view.
"""

from __future__ import annotations

import io

import pandas as pd
import polars as pl
import pytest

from analytics.audit import (
    AGE_MISMATCH,
    RULES,
    TRANSPORT_OVER,
    Standards,
    cases,
    cases_by,
    cases_by_month,
)
from analytics.privacy import mask_value
from data.accounts import get_account
from data.audit import audit_log
from data.frames import Frames, load_frames
from data.standards import load_standards, save_standards
from data.store import get_engine
from ui import widgets
from ui.format import fmt_count, fmt_wan
from ui.state import FULL_VIEW
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
    # By month (cases, the default measure): every case in its month's or year's row.
    by_month = _table(at, "period", "total")
    assert by_month["total"].sum() == found.height
    assert list(by_month.columns) == ["period", *RULES, "total"]


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


def _county_cases(data: Frames, standards: Standards) -> pl.DataFrame:
    months = data.labour.get_column("month")
    return cases(data.labour, data.subsidies, standards, months.min(), months.max())


def _button(at, key: str):
    return next(b for b in at.button if b.label == zh(key))


# Half the demo's yearly transport: cases of 交通补贴超标 where the defaults find none.
LOWER = Standards(transport_per_year=200)


def test_an_administrator_changes_the_standards_and_the_cases_follow(
    app_for, own_store_url
) -> None:
    engine = get_engine(own_store_url)
    data = load_frames(engine)
    assert _county_cases(data, LOWER).height > _county_cases(data, Standards()).height
    at = app_for(own_store_url, user="demo-admin").switch_page(PAGE).run()
    _assert_shown(at, _county_cases(data, Standards()))

    at.number_input(key="std_transport").set_value(200.0)
    _button(at, "std_save").click().run()

    _assert_shown(at, _county_cases(data, LOWER))
    assert load_standards(engine) == LOWER
    assert zh("std_saved", changes="交通补贴年上限 500.00 → 200.00") in [
        s.value for s in at.success
    ]
    assert "交通补贴每人每年不超过 200 元" in at.caption[0].value
    # The form shows what is now in force, and the log who changed what.
    assert at.number_input(key="std_transport").value == 200.0
    event = audit_log(engine).filter(pl.col("action") == "standards").row(0, named=True)
    assert (event["username"], event["detail"]) == ("demo-admin", "交通补贴年上限 500.00 → 200.00")
    log = at.switch_page("pages/audit.py").run()
    assert not log.exception, log.exception
    assert zh("audit_standards") in _table(log, "detail")["action"].to_list()
    at.switch_page(PAGE).run()

    _button(at, "std_reset").click().run()

    _assert_shown(at, _county_cases(data, Standards()))
    assert load_standards(engine) == Standards()


def test_an_invalid_save_says_why_and_changes_nothing(app_for, own_store_url) -> None:
    at = app_for(own_store_url, user="demo-admin").switch_page(PAGE).run()

    at.number_input(key="std_min_age").set_value(70)
    at.number_input(key="std_max_age").set_value(60)
    _button(at, "std_save").click().run()

    assert not at.exception, at.exception
    problems = "最低年龄 70 须小于最高年龄 60"
    assert zh("std_refused", problems=problems) in [e.value for e in at.error]
    assert load_standards(get_engine(own_store_url)) == Standards()


@pytest.mark.parametrize("user", ["demo-analyst", "demo-township"])
def test_only_an_administrator_sees_the_form(app_for, own_store_url, user) -> None:
    save_standards(get_engine(own_store_url), LOWER, user="demo-admin")

    at = app_for(own_store_url, user=user).switch_page(PAGE).run()

    assert not at.exception, at.exception
    assert not at.number_input
    assert zh("std_edit") not in [e.label for e in at.expander]
    # Every viewer is told which standards made the list.
    assert "交通补贴每人每年不超过 200 元" in at.caption[0].value


@pytest.mark.parametrize("full", [False, True], ids=["masked", "full"])
def test_the_workbook_for_the_inspection_office(
    app_for, own_store_url, monkeypatch, full: bool
) -> None:
    engine = get_engine(own_store_url)
    used = Standards(transport_per_year=200, min_age=18)
    assert save_standards(engine, used, user="demo-admin").ok
    offered = {}
    original = widgets.file_download

    def keep(make, file_name, **kwargs):
        offered[kwargs["key"]] = make
        return original(make, file_name, **kwargs)

    monkeypatch.setattr(widgets, "file_download", keep)
    at = app_for(own_store_url, user="demo-analyst")
    at.session_state[FULL_VIEW] = full
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception

    book = pl.read_excel(io.BytesIO(offered["compliance_excel"]()), sheet_id=0)

    found = _county_cases(load_frames(engine), used)
    by_rule, by_month = zh("cmp_by_rule"), zh("cmp_by_month")
    assert list(book) == [by_rule, by_month, *RULES, zh("cmp_sheet_standards"), zh("sheet_filters")]
    standards = dict(book[zh("cmp_sheet_standards")].iter_rows())
    assert standards == {
        zh("cmp_std_transport"): "200.00",
        zh("cmp_std_living"): "140.00",
        zh("cmp_std_age"): "18–65",
        zh("cmp_std_stable"): "3",
    }
    ident, period = zh("id_number"), zh("period")
    for rule in RULES:
        mine = found.filter(pl.col("rule") == rule)
        sheet = book[rule]
        assert sheet.height == mine.height, rule
        if mine.is_empty():
            continue
        ids = mine.get_column("id_number").to_list()
        assert sheet.get_column(ident).to_list() == (
            ids if full else [mask_value("id_number", i) for i in ids]
        )
        assert sheet.get_column(period).cast(pl.String).to_list() == mine["period"].to_list()
    assert book[TRANSPORT_OVER].height > 0, "the lower standard should find transport cases"
    counts = book[by_rule].select(zh("rule"), zh("case_count")).rows()
    assert counts == cases_by(found, "rule").select("rule", "case_count").rows()
    months = book[by_month].select(zh("rule"), period, zh("case_count"))
    expected = cases_by_month(found).select("rule", "period", "case_count")
    assert months.with_columns(pl.col(period).cast(pl.String)).rows() == expected.rows()
    # The transport cases' period is their year, after that year's months.
    assert set(book[TRANSPORT_OVER].get_column(period).cast(pl.String).str.len_chars()) == {4}
