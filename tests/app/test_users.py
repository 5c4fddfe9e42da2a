"""The administrator's user page: add a captain with a building, move them, disable them.

Each step opens the page afresh, as an administrator does between tasks.
"""

from __future__ import annotations

import polars as pl

from data.accounts import get_account, list_users
from data.frames import load_frames
from data.store import get_engine
from ui.strings import STRINGS

PAGE = "pages/users.py"


def zh(key: str) -> str:
    return STRINGS[key]["zh"]


def _press(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def _add_captain(app_for, url: str, username: str, password: str, building: str):
    at = app_for(url).switch_page(PAGE).run()
    at.selectbox(key="users_role").select("captain").run()
    by_label = {t.label: t for t in at.text_input}
    by_label[zh("signin_username")].input(username)
    by_label[zh("signin_password")].input(password)
    at.multiselect[0].select(building)
    _press(at, zh("users_add"))
    return at


def test_an_admin_adds_moves_and_disables_a_captain(app_for, own_store_url) -> None:
    engine = get_engine(own_store_url)
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

    at = app_for(own_store_url).switch_page(PAGE).run()
    at.selectbox(key="places_user").select("zhang").run()
    at.multiselect[-1].select(second)
    _press(at, zh("users_places_save"))
    assert get_account(engine, "zhang").scope.buildings == {tuple(second.split("/", 1))}

    at = app_for(own_store_url).switch_page(PAGE).run()
    at.selectbox(key="user_change_who").select("zhang")
    _press(at, zh("users_disable"))
    assert get_account(engine, "zhang") is None
