"""The building review (楼栋月报) opened by a link: KPIs, zero-employment households first,
changes since last month, unknown buildings, search.

Expected values come from `analytics` on the demo store, never from the page's own helpers.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.building import members_by_room, unemployed, zero_employment
from analytics.drill import Place, children, in_place, subsidies_in_place
from analytics.kpis import headline
from analytics.matching import job_seekers, match_postings
from analytics.rates import latest_month, month_end
from data.accounts import get_account
from data.frames import Frames, load_frames
from data.importer import import_files
from data.store import data_version, get_engine
from ui.format import fmt_count, fmt_rate
from ui.record import form_key
from ui.strings import STRINGS

PAGE = "pages/building.py"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


@pytest.fixture(scope="module")
def place(data: Frames) -> Place:
    """The building with the most zero-employment households in the latest month."""
    month = latest_month(data.labour)
    sites = children(data.labour, Place(), month).get_column("site")
    kids = pl.concat(
        children(data.labour, Place(site=s), month).with_columns(site=pl.lit(s)) for s in sites
    )
    best = kids.sort(
        ["zero_employment_households", "labour_force"], descending=True, maintain_order=True
    ).row(0, named=True)
    assert best["zero_employment_households"] > 0
    return Place(site=best["site"], building=best["building"])


def test_building_shows_its_kpis_and_zero_employment_households_first(
    app_for, demo_store_url: str, data: Frames, place: Place
) -> None:
    month = latest_month(data.labour)
    labour = in_place(data.labour, place)
    head = headline(labour, subsidies_in_place(data.subsidies, data.labour, place), month)
    head = head.row(0, named=True)

    at = app_for(demo_store_url, **place.to_query()).switch_page(PAGE).run()

    assert not at.exception
    assert not at.warning
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[zh("employment_rate")] == fmt_rate(head["employment_rate"])
    assert metrics[zh("employed")] == fmt_count(head["employed"], "unit_persons")
    assert metrics[zh("zero_employment_households")] == fmt_count(
        head["zero_employment_households"], "unit_households"
    )
    members = members_by_room(labour, month)
    zero = zero_employment(members)
    # Read-only tables carry no key: they come in page order, the pinned zero-employment first.
    tables = [d.value for d in at.dataframe]
    shown_zero = tables[0]
    shown_members = next(x for x in tables if "last_note" in x.columns)
    shown_idle = next(x for x in tables if "wish" in x.columns and "reason" not in x.columns)
    assert shown_zero["name"].tolist() == zero.get_column("name").to_list()
    assert shown_zero["room"].nunique() == head["zero_employment_households"]
    assert shown_members["name"].tolist() == members.get_column("name").to_list()
    idle = unemployed(labour, month)
    assert shown_idle["name"].tolist() == idle.get_column("name").to_list()
    assert {"wish", "training_need"} <= set(shown_idle.columns)
    expected = match_postings(job_seekers(labour, month), data.postings, as_of=month_end(month))
    shown_matches = next((x for x in tables if "reason" in x.columns), None)
    if expected.is_empty():
        assert shown_matches is None
    else:
        assert shown_matches["title"].tolist() == expected.get_column("title").to_list()
        assert set(shown_matches["name"]) <= set(idle.get_column("name"))
        assert shown_matches["reason"].str.len().min() > 0
    assert zh("bld_changes_title") in [s.value for s in at.subheader]
    assert not any(zh("bld_no_previous", previous="") in i.value for i in at.info)


def test_unknown_building_says_so_and_shows_a_real_one(
    app_for, demo_store_url: str, place: Place
) -> None:
    at = app_for(demo_store_url, site=place.site, building="999").switch_page(PAGE).run()

    assert not at.exception
    assert len(at.warning) == 1
    assert "999" in at.warning[0].value
    assert at.metric  # the site's first building is shown instead


def test_first_month_has_no_previous_month_to_compare(
    app_for, demo_store_url: str, data: Frames, place: Place
) -> None:
    first: date = data.labour.get_column("month").min()

    at = app_for(demo_store_url, **place.to_query(), month=f"{first:%Y-%m}").switch_page(PAGE).run()

    assert not at.exception
    before = f"{first.year - (first.month == 1)}年{(first.month - 2) % 12 + 1}月"
    assert zh("bld_no_previous", previous=before) in [i.value for i in at.info]
    assert not any(m.delta for m in at.metric)


def test_search_by_room_offers_the_building_and_opens_it(
    app_for, demo_store_url: str, data: Frames, place: Place
) -> None:
    room = members_by_room(in_place(data.labour, place), latest_month(data.labour))["room"][0]
    at = app_for(demo_store_url).switch_page(PAGE).run()

    at.text_input(key="building_search").input(room).run()
    hit = zh("bld_hit", site=place.site, building=place.building, found=f"房号 {room}")
    button = next(b for b in at.button if b.label == hit)
    button.click().run()

    assert not at.exception
    assert at.selectbox(key="site").value == place.site
    assert at.selectbox(key="building").value == place.building
    assert at.title[0].value.startswith(
        f"{place.site} {zh('building_label', building=place.building)}"
    )


def test_a_building_without_households_says_so(app_for, own_store_url: str, tmp_path) -> None:
    """A building on the captains' list that nobody lives in yet: its captain, and no numbers."""
    site = load_frames(get_engine(own_store_url)).buildings.get_column("site")[0]
    captains = tmp_path / "楼长名册.csv"
    captains.write_text(f"安置点,楼栋,楼长,包保单位\n{site},99栋,李新,县林业局\n", encoding="utf-8")
    assert import_files(get_engine(own_store_url), [captains]).ok

    at = app_for(own_store_url, site=site, building="99").switch_page(PAGE).run()

    assert not at.exception
    assert not at.warning
    assert any("李新" in m.value for m in at.markdown)
    assert not at.metric
    assert [i.value for i in at.info] == [
        zh("no_data_month", month=at.title[0].value.split(" · ")[1])
    ]


def _employed(at) -> str:
    return {m.label: m.value for m in at.metric}[zh("employed")]


def _open_status_form(app_for, url: str, place: Place):
    """The page with the status form opened on the building's first unemployed member."""
    data = load_frames(get_engine(url))
    month = latest_month(data.labour)
    idle = unemployed(in_place(data.labour, place), month).row(0, named=True)
    at = app_for(url, **place.to_query()).switch_page(PAGE).run()
    at.selectbox(key="update_person").select(idle["id_number"]).run()
    return at, idle, form_key(idle["id_number"], month)


def test_a_status_update_saves_and_every_number_follows(
    app_for, own_store_url: str, place: Place
) -> None:
    data = load_frames(get_engine(own_store_url))
    month = latest_month(data.labour)
    at, idle, form = _open_status_form(app_for, own_store_url, place)
    employed_before = _employed(at)
    version_before = data_version(get_engine(own_store_url))

    at.selectbox(key=f"{form}_status").select("已就业")
    at.selectbox(key=f"{form}_type").select("公益性岗位")
    at.text_input(key=f"{form}_employer").input("幸福家园社区")
    at.text_input(key=f"{form}_income").input("1,800元")
    at.button[[b.label for b in at.button].index(zh("bld_update_save"))].click().run()

    assert not at.exception
    assert data_version(get_engine(own_store_url)) == version_before + 1
    saved = [s.value for s in at.success]
    assert any(idle["name"] in s and "未就业 → 已就业" in s for s in saved), saved
    head = headline(
        in_place(load_frames(get_engine(own_store_url)).labour, place), data.subsidies, month
    ).row(0, named=True)
    assert _employed(at) == fmt_count(head["employed"], "unit_persons") != employed_before
    edits = next(d.value for d in at.dataframe if "old_value" in d.value.columns)
    assert set(edits["name"]) == {idle["name"]}
    assert "未就业" in set(edits["old_value"]) and "已就业" in set(edits["new_value"])


def test_a_rejected_status_update_says_why_and_saves_nothing(
    app_for, own_store_url: str, place: Place
) -> None:
    at, _, form = _open_status_form(app_for, own_store_url, place)
    version_before = data_version(get_engine(own_store_url))

    at.selectbox(key=f"{form}_status").select("已就业")  # but no employment type
    at.button[[b.label for b in at.button].index(zh("bld_update_save"))].click().run()

    assert not at.exception
    assert data_version(get_engine(own_store_url)) == version_before
    assert "已就业的人必须填写就业形式" in at.error[0].value


def test_a_note_is_saved_and_shown_on_its_household(
    app_for, own_store_url: str, place: Place
) -> None:
    at = app_for(own_store_url, **place.to_query()).switch_page(PAGE).run()
    household = at.selectbox(key="note_household").value

    at.text_area(key="note_text").input("上门走访，本人愿意去扶贫车间")
    at.text_input(key="note_next").input("下周带去车间面试")
    at.button[[b.label for b in at.button].index(zh("bld_note_save"))].click().run()

    assert not at.exception
    notes = next(d.value for d in at.dataframe if "next_step" in d.value.columns)
    assert notes["text"].tolist() == ["上门走访，本人愿意去扶贫车间"]
    members = next(d.value for d in at.dataframe if "last_note" in d.value.columns)
    noted = members.dropna(subset=["last_note"])
    assert noted["last_note"].str.endswith("上门走访，本人愿意去扶贫车间 → 下周带去车间面试").all()
    data = load_frames(get_engine(own_store_url))
    room = data.labour.filter(pl.col("household") == household).get_column("room")[0]
    assert noted["room"].tolist() == [room]


def _save_status(at) -> None:
    at.button[[b.label for b in at.button].index(zh("bld_update_save"))].click().run()


def test_two_people_saving_one_member_never_undo_each_other(app_for, own_store_url: str) -> None:
    """The captain and an administrator open the same member's form. The captain changes
    employer and income and saves; the administrator, whose form still shows the old values,
    changes only the place of work and saves: refused, saying who changed the record, and the
    form is drawn again with the current values, from which the place of work then saves."""
    engine = get_engine(own_store_url)
    ((site, building),) = get_account(engine, "demo-captain").scope.buildings
    place = Place(site=site, building=building)
    data = load_frames(engine)
    month = latest_month(data.labour)
    member = (
        in_place(data.labour, place)
        .filter((pl.col("month") == month) & (pl.col("status") == "已就业"))
        .row(0, named=True)
    )
    form = form_key(member["id_number"], month)
    captain = app_for(own_store_url, user="demo-captain", **place.to_query())
    admin = app_for(own_store_url, user="demo-admin", **place.to_query())
    for at in (captain, admin):
        at.switch_page(PAGE).run()
        at.selectbox(key="update_person").select(member["id_number"]).run()

    captain.text_input(key=f"{form}_employer").input("县城建公司")
    captain.text_input(key=f"{form}_income").input("3200")
    _save_status(captain)
    admin.text_input(key=f"{form}_place").input("贵阳市")
    _save_status(admin)

    def stored() -> dict:
        labour = load_frames(engine).labour
        here = (pl.col("id_number") == member["id_number"]) & (pl.col("month") == month)
        return labour.filter(here).row(0, named=True)

    assert not captain.exception and not admin.exception
    now = stored()
    assert (now["employer"], now["monthly_income"], now["work_place"]) == (
        "县城建公司",
        3200.0,
        member["work_place"],
    )
    refusal = [e.value for e in admin.error]
    assert len(refusal) == 1 and "demo-captain" in refusal[0] and "县城建公司" in refusal[0]
    assert admin.text_input(key=f"{form}_employer").value == "县城建公司"
    assert admin.text_input(key=f"{form}_income").value == "3200"

    admin.text_input(key=f"{form}_place").input("贵阳市")
    _save_status(admin)

    assert not admin.exception and not admin.error
    now = stored()
    assert (now["employer"], now["monthly_income"], now["work_place"]) == (
        "县城建公司",
        3200.0,
        "贵阳市",
    )
