"""Every role walks every page it may reach: nothing outside its scope shows anywhere, pages
outside the role are unreachable, personal data is masked unless the role may and chooses to
see it in full, and signing in is required."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from google.protobuf import text_format
from stdnum.cn import ric

from data.accounts import PAGES, ROLES, get_account
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.strings import STRINGS

SCRIPTS = {
    "overview": "pages/overview.py",
    "building": "pages/building.py",
    "subsidies": "pages/subsidies.py",
    "upload": "pages/upload.py",
    "imports": "pages/imports.py",
    "users": "pages/users.py",
    "audit": "pages/audit.py",
    "explore": "pages/explore.py",
    "rosters": "pages/rosters.py",
    "jobs": "pages/jobs.py",
    "income": "pages/income.py",
    "query": "pages/query.py",
    "compliance": "pages/compliance.py",
    "casework": "pages/casework.py",
}
TITLES = {
    "users": "nav_users",
    "audit": "nav_audit",
    "upload": "nav_upload",
    "explore": "nav_explore",
    "query": "nav_query",
}
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9X])")


def full_ids(text: str) -> list[str]:
    """The whole resident ID numbers in `text`: 18 digits that pass the number's own check
    (a chart's or widget's long number does not)."""
    return [found for found in FULL_ID.findall(text) if ric.is_valid(found)]


def rendered_text(at) -> str:
    """Everything the session was sent: element protos (as UTF-8 text), tables, chart specs."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
            for field in ("spec", "json"):
                raw = getattr(proto, field, "")
                if isinstance(raw, str) and raw.startswith("{"):
                    parts.append(json.dumps(json.loads(raw), ensure_ascii=False))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts.extend(frame.value.to_csv() for frame in at.dataframe)
    return "\n".join(parts)


def _named(name: str, text: str) -> bool:
    """`name` as a whole name in `text`: 余德 is not found inside 余德刚."""
    return re.search(rf"(?<![\u4e00-\u9fff]){re.escape(name)}(?![\u4e00-\u9fff])", text) is not None


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _walk(app_for, url: str, user: str, page: str, **query: str):
    at = app_for(url, user=user, **query)
    if page != "overview":
        at.switch_page(SCRIPTS[page])
    return at.run()


REACHABLE = [(role, page) for role in ROLES for page in PAGES[role] if page in SCRIPTS]


@pytest.mark.parametrize(("role", "page"), REACHABLE)
def test_a_role_sees_nothing_outside_its_scope(app_for, demo_store_url, data, role, page) -> None:
    account = get_account(get_engine(demo_store_url), f"demo-{role}")
    at = _walk(app_for, demo_store_url, account.username, page)
    assert not at.exception, at.exception
    shown = rendered_text(at)
    assert not full_ids(shown), "a full ID number on screen without full view"
    if account.scope.county:
        return
    inside = data.labour.filter(account.scope.place_filter())
    outside = data.labour.filter(~account.scope.place_filter())
    assert not inside.is_empty()
    leaked_names = set(outside["name"]) - set(inside["name"])
    assert not [n for n in leaked_names if _named(n, shown)], "a name outside the scope"
    other_sites = set(data.sites["site"]) - set(inside["site"])
    assert not [s for s in other_sites if s in shown], "a site outside the scope"
    masked_inside = {f"{i[:4]}**********{i[-4:]}" for i in inside["id_number"]}
    masked_outside = {f"{i[:4]}**********{i[-4:]}" for i in outside["id_number"]}
    assert not [m for m in masked_outside - masked_inside if m in shown]
    if page == "building":
        site = at.selectbox(key="site").value
        own = inside.filter(pl.col("site") == site).select("building").unique()
        assert len(at.selectbox(key="building").options) == own.height


@pytest.mark.parametrize(
    ("role", "page"),
    [(role, page) for role in ROLES for page in SCRIPTS if page not in PAGES[role]],
)
def test_pages_outside_the_role_are_unreachable(app_for, demo_store_url, role, page) -> None:
    at = _walk(app_for, demo_store_url, f"demo-{role}", page)
    titles = [t.value for t in at.title]
    if page in TITLES:
        assert STRINGS[TITLES[page]]["zh"] not in titles
    # The role's default page ran instead, and its navigation does not offer the page.
    assert not any(SCRIPTS[page] in str(p) for p in at._tree.children)


def test_a_captain_asking_for_another_building_is_refused(app_for, demo_store_url, data) -> None:
    account = get_account(get_engine(demo_store_url), "demo-captain")
    (own_site, own_building) = next(iter(account.scope.buildings))
    other = (
        data.labour.filter(~account.scope.place_filter())
        .select("site", "building")
        .unique()
        .sort("site", "building")
        .row(0)
    )
    at = _walk(
        app_for, demo_store_url, "demo-captain", "building", site=other[0], building=other[1]
    )
    assert not at.exception
    assert any(STRINGS["not_in_scope"]["zh"].split("{")[0] in e.value for e in at.error)
    assert not at.metric and not at.dataframe
    names = set(data.labour.filter(pl.col("site") == other[0])["name"])
    own = set(data.labour.filter(account.scope.place_filter())["name"])
    shown = rendered_text(at)
    assert not [n for n in names - own if _named(n, shown)]


def test_signed_out_sees_only_the_sign_in_form(app_for, demo_store_url) -> None:
    at = app_for(demo_store_url, user=None).run()
    assert not at.exception
    assert [t.value for t in at.text_input] == ["", ""]
    assert not at.metric and not at.dataframe
    assert STRINGS["signin_submit"]["zh"] in [b.label for b in at.button]


def test_sign_in_with_a_password_then_out(app_for, own_store_url) -> None:
    from data.accounts import add_user

    url = own_store_url
    add_user(get_engine(url), "wang", role="leader", password="a good password")
    at = app_for(url, user=None).run()
    at.text_input(key="signin_username").input("wang")
    at.text_input(key="signin_password").input("wrong password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [STRINGS["signin_failed"]["zh"]]
    assert not at.metric
    at.text_input(key="signin_password").input("a good password")
    at.button[0].click().run()
    assert not at.exception
    assert at.metric, "the overview after signing in"
    sign_out = next(b for b in at.button if b.label == STRINGS["sign_out"]["zh"])
    sign_out.click().run()
    assert not at.metric


def test_demo_buttons_only_when_demo_sign_in_is_on(app_for, demo_store_url, monkeypatch) -> None:
    label = STRINGS["role_captain"]["zh"]
    monkeypatch.delenv("DEMO_SIGN_IN", raising=False)
    at = app_for(demo_store_url, user=None).run()
    assert label not in [b.label for b in at.button]
    monkeypatch.setenv("DEMO_SIGN_IN", "1")
    at = app_for(demo_store_url, user=None).run()
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    assert at.session_state["auth_account"].role == "captain"


def test_no_demo_buttons_on_a_store_holding_more_than_the_demo(
    app_for, own_store_url, monkeypatch
) -> None:
    from data.accounts import demo_store
    from tests.data.test_accounts import _batch

    monkeypatch.setenv("DEMO_SIGN_IN", "1")
    _batch(get_engine(own_store_url), "import", "clerk")  # a county's ledger went in
    assert not demo_store(get_engine(own_store_url))
    at = app_for(own_store_url, user=None).run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert not {STRINGS[f"role_{role}"]["zh"] for role in ROLES} & set(labels)
    assert [i.value for i in at.info] == [STRINGS["signin_demo_off"]["zh"]]


@pytest.mark.parametrize("role", ["leader", "township", "captain"])
def test_roles_without_full_view_have_no_switch(app_for, demo_store_url, role) -> None:
    at = _walk(app_for, demo_store_url, f"demo-{role}", "building")
    assert not at.toggle
    assert not full_ids(rendered_text(at))


def test_full_view_shows_whole_numbers_only_when_switched_on(app_for, demo_store_url) -> None:
    at = _walk(app_for, demo_store_url, "demo-analyst", "building")
    assert not full_ids(rendered_text(at))
    at.toggle(key="full_view").set_value(True).run()
    assert not at.exception
    assert full_ids(rendered_text(at))


@pytest.mark.parametrize(
    ("role", "downloads"), [("leader", False), ("township", False), ("analyst", True)]
)
def test_only_exporting_roles_get_downloads(app_for, demo_store_url, role, downloads) -> None:
    at = _walk(app_for, demo_store_url, f"demo-{role}", "building")
    assert bool(at.get("download_button")) == downloads


@pytest.mark.parametrize(("role", "forms"), [("captain", True), ("analyst", False)])
def test_only_captains_and_admins_get_the_meeting_forms(
    app_for, demo_store_url, role, forms
) -> None:
    at = _walk(app_for, demo_store_url, f"demo-{role}", "building")
    labels = [b.label for b in at.button]
    assert (STRINGS["bld_update_save"]["zh"] in labels) == forms
