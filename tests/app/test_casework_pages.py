"""Casework (工单) on the pages: a case's state, owner and due date on 合规审计 for the county and a
township officer, and the building's households and people moved from the building review by
an analyst and a captain, refused when someone else changed them in between.

Expected values come from `analytics` on the store's frames, never from the page's helpers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analytics.audit import CASE_SCHEMA, Standards, cases
from analytics.casework import KIND_AUDIT, OPEN_STATES, worklist
from analytics.drill import Place, in_place
from data.accounts import get_account
from data.casework import set_case
from data.frames import load_frames
from data.store import get_engine
from ui.casework import form_key, today
from ui.format import fmt_count
from ui.strings import STRINGS

COMPLIANCE = "pages/compliance.py"
BUILDING = "pages/building.py"
PICKER = "building_cases_pick"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _case_list(at) -> pl.DataFrame:
    return pl.from_pandas(next(d.value for d in at.dataframe if "cw_state" in d.value.columns))


def _captain_place(url: str) -> Place:
    ((site, building),) = get_account(get_engine(url), "demo-captain").scope.buildings
    return Place(site=site, building=building)


def _building_cases(url: str, place: Place) -> pl.DataFrame:
    data = load_frames(get_engine(url))
    month = data.labour.get_column("month").max()
    no_cases = pl.DataFrame(schema=CASE_SCHEMA)
    return worklist(no_cases, in_place(data.labour, place), data.case_work, month, today())


def _building(app_for, url: str, user: str, place: Place):
    return app_for(url, user=user, site=place.site, building=place.building)


def _subject(row: dict) -> str:
    return row["household"] if row["kind"] == "household" else row["id_number"]


def _title(found: pl.DataFrame) -> str:
    still = found.filter(pl.col("is_open"))
    return zh("cw_building_title", open=still.height, overdue=still["is_overdue"].sum())


def test_the_owner_list_offers_only_accounts_who_can_see_the_subject(app_for, own_store_url):
    # Building 1's captain is offered for their own building's households, not another's.
    mine = _captain_place(own_store_url)
    data = load_frames(get_engine(own_store_url))
    month = data.labour.get_column("month").max()
    other = next(
        Place(site=site, building=building)
        for site, building in data.labour.filter(pl.col("month") == month)
        .select("site", "building").unique().sort("site", "building").iter_rows()
        if (site, building) != (mine.site, mine.building)
        and not _building_cases(own_store_url, Place(site=site, building=building)).is_empty()
    )  # fmt: skip
    offered = {}
    for place in (mine, other):
        row = _building_cases(own_store_url, place).row(0, named=True)
        key = form_key(row["kind"], row["rule"], _subject(row))
        at = _building(app_for, own_store_url, "demo-analyst", place).switch_page(BUILDING).run()
        at.selectbox(key=PICKER).set_value(f"{row['kind']}|{_subject(row)}").run()
        assert not at.exception, at.exception
        offered[place] = at.selectbox(key=f"{key}_owner").options

    assert any("demo-captain" in option for option in offered[mine])
    assert not any("demo-captain" in option for option in offered[other])
    assert any("demo-analyst" in option for option in offered[other])


def test_an_analyst_assigns_a_household_and_it_stays_after_a_reload(app_for, own_store_url):
    place = _captain_place(own_store_url)
    before = _building_cases(own_store_url, place)
    row = before.row(0, named=True)
    key = form_key(row["kind"], row["rule"], _subject(row))
    yesterday = today() - dt.timedelta(days=1)

    at = _building(app_for, own_store_url, "demo-analyst", place).switch_page(BUILDING).run()
    assert not at.exception, at.exception
    assert _title(before) in [s.value for s in at.subheader]
    at.selectbox(key=PICKER).set_value(f"{row['kind']}|{_subject(row)}")
    at.run()
    at.button_group(key=f"{key}_state").set_value("帮扶中")
    at.selectbox(key=f"{key}_owner").set_value("demo-captain")
    at.date_input(key=f"{key}_due").set_value(yesterday)
    at.text_area(key=f"{key}_note").set_value("联系了县人社局")
    at.button(key=f"{key}_save").click()
    at.run()

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    stored = load_frames(get_engine(own_store_url)).case_work.filter(
        pl.col("subject") == _subject(row)
    )
    assert stored.select("state", "owner", "due", "note", "changed_by").rows() == [
        ("帮扶中", "demo-captain", yesterday, "联系了县人社局", "demo-analyst")
    ]
    assert any("帮扶中" in s.value for s in at.success), [s.value for s in at.success]
    after = _building_cases(own_store_url, place)
    assert after.filter(pl.col("is_overdue")).height >= 1
    reloaded = _building(app_for, own_store_url, "demo-analyst", place).switch_page(BUILDING).run()
    reloaded.selectbox(key=PICKER).set_value(f"{row['kind']}|{_subject(row)}")
    reloaded.run()
    for shown in (at, reloaded):
        assert _title(after) in [s.value for s in shown.subheader]
        facts = [m.value for m in shown.markdown if m.value.startswith(zh("cw_state"))]
        assert facts == [
            f"{zh('cw_state')} :red[**帮扶中 · {zh('cw_overdue')}**] · {zh('cw_owner')} "
            f"demo-captain · {zh('cw_due')} {yesterday.isoformat()}"
        ]
        assert shown.session_state[f"{key}_state"] == "帮扶中"


def test_a_captain_sees_their_building_alone_and_no_audit_case(app_for, demo_store_url):
    place = _captain_place(demo_store_url)
    expected = _building_cases(demo_store_url, place)
    assert not expected.is_empty(), "the demo captain's building should have open casework"

    at = app_for(demo_store_url, user="demo-captain").switch_page(BUILDING).run()
    assert not at.exception, at.exception
    offered = at.selectbox(key=PICKER).options
    # Their building's households and people, each once; no audit case, no other building.
    assert sorted(offered) == sorted(
        zh("cw_subject_option", room=r["room"], name=r["name"], rule=r["rule"], state=r["state"])
        for r in expected.iter_rows(named=True)
    )
    assert _title(expected) in [s.value for s in at.subheader]

    refused = app_for(demo_store_url, user="demo-captain").switch_page(COMPLIANCE).run()
    assert not refused.get("dataframe"), "a captain has no compliance page"


def test_a_township_officer_sees_and_counts_their_townships_cases(app_for, own_store_url):
    engine = get_engine(own_store_url)
    officer = get_account(engine, "demo-township")
    data = load_frames(engine)
    months = data.labour.get_column("month")
    county = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    mine = load_frames(engine).scoped(officer.scope)
    theirs = cases(mine.labour, mine.subsidies, Standards(), months.min(), months.max())
    assert 0 < theirs.height < county.height
    inside = theirs.row(0, named=True)
    outside = county.join(theirs, on=["rule", "id_number", "period"], how="anti").row(0, named=True)
    for case in (inside, outside):
        result = set_case(
            engine, kind=KIND_AUDIT, rule=case["rule"], subject=case["id_number"],
            period=case["period"], state="已整改", owner="demo-analyst", user="demo-analyst",
        )  # fmt: skip
        assert result.ok, result.report()

    at = app_for(own_store_url, user="demo-township").switch_page(COMPLIANCE).run()
    assert not at.exception, at.exception
    assert _metrics(at)[zh("cw_kpi_open")] == fmt_count(theirs.height - 1, "unit_cases")
    listed = _case_list(at)
    assert listed.height == min(theirs.height, 1_000)
    assert set(listed["township"]) <= set(officer.scope.townships)

    closed = app_for(own_store_url, user="demo-township", state="closed")
    closed = closed.switch_page(COMPLIANCE).run()
    shown = _case_list(closed)
    assert shown.select("rule", "period", "cw_state", "cw_owner").rows() == [
        (inside["rule"], inside["period"], "已整改", "demo-analyst")
    ]


def test_the_county_list_shows_a_cases_state_and_the_open_count_drops(app_for, own_store_url):
    engine = get_engine(own_store_url)
    data = load_frames(engine)
    months = data.labour.get_column("month")
    found = cases(data.labour, data.subsidies, Standards(), months.min(), months.max())
    case = found.row(0, named=True)
    due = today() - dt.timedelta(days=3)
    first = app_for(own_store_url, user="demo-analyst").switch_page(COMPLIANCE).run()
    assert _metrics(first)[zh("cw_kpi_open")] == fmt_count(found.height, "unit_cases")
    assert set(_case_list(first).get_column("cw_overdue")) == {""}  # blank, not an empty box

    result = set_case(
        engine, kind=KIND_AUDIT, rule=case["rule"], subject=case["id_number"],
        period=case["period"], state="核实中", owner="demo-analyst", due=due, user="demo-analyst",
    )  # fmt: skip
    assert result.ok, result.report()
    overdue = app_for(own_store_url, user="demo-analyst", overdue="1")
    overdue = overdue.switch_page(COMPLIANCE).run()
    assert not overdue.exception, overdue.exception
    assert overdue.toggle(key="case_overdue_toggle").value
    row = _case_list(overdue).row(0, named=True)
    assert _case_list(overdue).height == 1
    # Overdue reads as the word, not a ticked box.
    assert (row["cw_state"], row["cw_owner"], row["cw_overdue"]) == (
        "核实中",
        "demo-analyst",
        zh("cw_overdue"),
    )
    assert row["cw_due"].date() == due

    set_case(
        engine, kind=KIND_AUDIT, rule=case["rule"], subject=case["id_number"],
        period=case["period"], state="误报", user="demo-analyst",
    )  # fmt: skip
    after = app_for(own_store_url, user="demo-analyst").switch_page(COMPLIANCE).run()
    assert _metrics(after)[zh("cw_kpi_open")] == fmt_count(found.height - 1, "unit_cases")
    assert set(OPEN_STATES) >= set(
        _case_list(after).filter(pl.col("rule") != case["rule"])["cw_state"]
    )


@pytest.mark.parametrize("user", ["demo-captain"])
def test_a_save_overtaken_by_another_says_so_and_keeps_theirs(app_for, own_store_url, user):
    engine = get_engine(own_store_url)
    place = _captain_place(own_store_url)
    at = _building(app_for, own_store_url, user, place).switch_page(BUILDING).run()
    chosen = at.selectbox(key=PICKER).value
    kind, subject = chosen.split("|", 1)
    row = (
        _building_cases(own_store_url, place)
        .filter(
            (pl.col("kind") == kind)
            & (
                pl.when(pl.col("kind") == "household").then("household").otherwise("id_number")
                == subject
            )
        )
        .row(0, named=True)
    )
    key = form_key(kind, row["rule"], subject)

    other = set_case(
        engine, kind=kind, rule=row["rule"], subject=subject, state="暂无法就业", user="demo-admin"
    )
    assert other.ok, other.report()
    at.button_group(key=f"{key}_state").set_value("帮扶中")
    at.button(key=f"{key}_save").click()
    at.run()

    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert "已被改过" in errors and "暂无法就业" in errors
    stored = load_frames(engine).case_work.filter(pl.col("subject") == subject)
    assert stored.select("state", "changed_by").rows() == [("暂无法就业", "demo-admin")]
    # Drawn again from what is stored now: a second save is the captain's own.
    assert at.session_state[f"{key}_state"] == "暂无法就业"
