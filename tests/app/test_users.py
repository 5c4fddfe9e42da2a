"""The administrator's user page: add a captain with a building, move them, disable them.

Each step opens the page afresh, as an administrator does between tasks.
"""

from __future__ import annotations

import polars as pl

from data.accounts import add_user, get_account, list_users
from data.frames import load_frames
from data.store import get_engine
from ui.strings import STRINGS

PAGE = "pages/users.py"
ADMIN = "admin1"  # a real administrator: demo accounts manage no account


def zh(key: str) -> str:
    return STRINGS[key]["zh"]


def _press(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def _add_captain(app_for, url: str, username: str, password: str, building: str, user=ADMIN):
    at = app_for(url, user=user).switch_page(PAGE).run()
    at.selectbox(key="users_role").select("captain").run()
    by_label = {t.label: t for t in at.text_input}
    by_label[zh("signin_username")].input(username)
    by_label[zh("signin_password")].input(password)
    at.multiselect[0].select(building)
    _press(at, zh("users_add"))
    return at


def _real_admin(url: str) -> None:
    add_user(get_engine(url), ADMIN, role="admin", password="a long admin secret")


def test_an_admin_adds_moves_and_disables_a_captain(app_for, own_store_url) -> None:
    engine = get_engine(own_store_url)
    _real_admin(own_store_url)
    buildings = load_frames(engine).buildings.select(pl.format("{}/{}", "site", "building"))
    first, second = buildings.to_series().to_list()[:2]

    at = _add_captain(app_for, own_store_url, "zhang", "short", first)
    assert [e.value for e in at.error] == ["密码至少 8 位"]
    assert "zhang" not in list_users(engine)["username"].to_list()

    at = _add_captain(app_for, own_store_url, "zhang", "a good password", first)
    assert not at.exception and not at.error
    account = get_account(engine, "zhang")
    assert account.role == "captain"
    assert account.scope.buildings == {tuple(first.split("/", 1))}

    at = app_for(own_store_url, user=ADMIN).switch_page(PAGE).run()
    at.selectbox(key="places_user").select("zhang").run()
    at.multiselect[-1].select(second)
    _press(at, zh("users_places_save"))
    assert get_account(engine, "zhang").scope.buildings == {tuple(second.split("/", 1))}

    at = app_for(own_store_url, user=ADMIN).switch_page(PAGE).run()
    at.selectbox(key="user_change_who").select("zhang")
    _press(at, zh("users_disable"))
    assert get_account(engine, "zhang") is None


def test_the_page_refuses_common_passwords_and_demo_administrators(app_for, own_store_url) -> None:
    engine = get_engine(own_store_url)
    _real_admin(own_store_url)
    building = load_frames(engine).buildings.select(pl.format("{}/{}", "site", "building"))
    first = building.to_series().to_list()[0]
    at = _add_captain(app_for, own_store_url, "zhang", "woaini1314", first)
    assert [e.value for e in at.error] == [accounts_error("常见密码")]
    at = _add_captain(app_for, own_store_url, "zhang", "a good password", first, "demo-admin")
    assert [e.value for e in at.error] == [accounts_error("演示账号不能管理用户")]
    assert "zhang" not in list_users(engine)["username"].to_list()


def test_a_reset_on_the_page_lifts_a_lock(app_for, own_store_url) -> None:
    from data.accounts import MAX_FAILURES, authenticate

    engine = get_engine(own_store_url)
    _real_admin(own_store_url)
    add_user(engine, "wang", role="leader", password="an old secret")
    for _ in range(MAX_FAILURES):
        authenticate(engine, "wang", "wrong")
    assert authenticate(engine, "wang", "an old secret").locked_until is not None
    at = app_for(own_store_url, user=ADMIN).switch_page(PAGE).run()
    at.selectbox(key="user_change_who").select("wang")
    next(t for t in at.text_input if t.label == zh("users_new_password")).input("a fresh secret")
    _press(at, zh("users_reset"))
    assert not at.error
    assert authenticate(engine, "wang", "a fresh secret").account is not None


def accounts_error(part: str) -> str:
    """The Chinese message of the AccountError that contains `part`."""
    messages = {
        "常见密码": "这是常见密码，容易被猜中，请换一个（可用几个词加数字）",
        "演示账号不能管理用户": "演示账号不能管理用户：请用正式管理员账号",
    }
    return messages[part]


def test_the_audit_page_names_throttling_and_ended_demo_sessions(
    app_for, own_store_url, monkeypatch
) -> None:
    from data import accounts
    from tests.data.test_accounts import _batch

    engine = get_engine(own_store_url)
    _real_admin(own_store_url)
    monkeypatch.setattr(accounts, "GLOBAL_MAX_FAILURES", 3)
    for n in range(5):
        accounts.authenticate(engine, f"guess{n}", "wrong")
    token = accounts.open_session(engine, "demo-leader")
    _batch(engine, "import", "clerk")
    assert accounts.resume_session(engine, token) is None
    at = app_for(own_store_url, user=ADMIN).switch_page("pages/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    actions = set(shown[shown.columns[2]])
    assert {zh("audit_sign_in_throttled"), zh("audit_session_ended")} <= actions
