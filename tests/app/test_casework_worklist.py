"""动态清零工单 (pages/casework.py): the month's whole worklist with the overview's numbers, its
filters, bulk assignment (one write for every open subject listed) and a township officer's
own townships only.

Expected values come from `analytics` on the store's frames, never from the page's helpers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.audit import Standards, cases
from analytics.casework import progress, worklist
from analytics.rates import previous_month
from data.accounts import get_account
from data.frames import load_frames
from data.store import get_engine
from ui.casework import today
from ui.format import fmt_count
from ui.strings import STRINGS

PAGE = "pages/casework.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def expected(url: str, user: str) -> tuple[pl.DataFrame, dict]:
    scope = get_account(get_engine(url), user).scope
    data = load_frames(get_engine(url)).scoped(scope)
    month = data.labour.get_column("month").max()
    found = cases(data.labour, data.subsidies, Standards(), end=month)
    current = worklist(found, data.labour, data.case_work, month, today())
    previous = worklist(found, data.labour, data.case_work, previous_month(month), today())
    return current, progress(current, previous, [], today()).row(0, named=True)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def listed(at) -> pl.DataFrame:
    return pl.from_pandas(next(d.value for d in at.dataframe if "cw_state" in d.value.columns))


def test_the_numbers_are_the_worklists(app_for, demo_store_url):
    current, total = expected(demo_store_url, "demo-analyst")

    at = app_for(demo_store_url, user="demo-analyst").switch_page(PAGE).run()

    assert not at.exception, at.exception
    unassigned = current.filter(pl.col("is_open") & pl.col("owner").is_null()).height
    assert metrics(at) == {
        zh("clr_open"): fmt_count(total["open"], "unit_cases"),
        zh("clr_overdue"): fmt_count(total["overdue"], "unit_cases"),
        zh("cw_kpi_unassigned"): fmt_count(unassigned, "unit_cases"),
        zh("clr_cleared"): fmt_count(total["cleared"], "unit_cases"),
    }
    assert listed(at).height == current.height > 0


def test_bulk_assignment_gives_every_listed_open_subject_its_owner(app_for, own_store_url):
    current, _ = expected(own_store_url, "demo-analyst")
    # The officer's own township: an owner is offered only subjects they can see.
    (township,) = get_account(get_engine(own_store_url), "demo-township").scope.townships
    chosen = current.filter((pl.col("rule") == "零就业家庭") & (pl.col("township") == township))
    due = today() + dt.timedelta(days=14)

    at = app_for(
        own_store_url, user="demo-analyst", rule="零就业家庭", township=township
    ).switch_page(PAGE).run()  # fmt: skip
    assert listed(at).height == chosen.height
    at.selectbox(key="worklist_assign_owner").set_value("demo-township")
    at.date_input(key="worklist_assign_due").set_value(due)
    at.button(key="worklist_assign_go").click().run()

    assert not at.exception, at.exception
    assert zh("cw_assigned", count=fmt_count(chosen.height), batch="")[:4] in "".join(
        s.value for s in at.success
    )
    after, _ = expected(own_store_url, "demo-analyst")
    mine = after.filter(pl.col("owner") == "demo-township")
    assert sorted(mine["household"].to_list()) == sorted(chosen["household"].to_list())
    assert set(mine["due"].to_list()) == {due}
    unassigned = after.filter(pl.col("is_open") & pl.col("owner").is_null()).height
    assert metrics(at)[zh("cw_kpi_unassigned")] == fmt_count(unassigned, "unit_cases")
    assert unassigned == current.height - chosen.height


def test_a_township_officer_lists_only_their_townships(app_for, demo_store_url):
    officer = get_account(get_engine(demo_store_url), "demo-township")
    current, _ = expected(demo_store_url, "demo-township")

    at = app_for(demo_store_url, user="demo-township").switch_page(PAGE).run()

    assert not at.exception, at.exception
    shown = listed(at)
    assert shown.height == current.height > 0
    assert set(shown["township"].drop_nulls()) <= set(officer.scope.townships)
