"""Accounts on SQLite and PostgreSQL: hashing, throttling, sessions, scopes, the user CLI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select, text, update

from data import accounts
from data.__main__ import main
from data.audit import audit_log
from data.frames import Scope
from data.store import UserAccount, UserSession

PASSWORD = "correct horse battery"


def _add(engine, username: str, role: str = "leader", **places) -> None:
    accounts.add_user(engine, username, role=role, password=PASSWORD, **places)


def test_passwords_are_stored_as_argon2_hashes_only(engine) -> None:
    _add(engine, "wang")
    with engine.connect() as conn:
        stored = conn.execute(select(UserAccount.__table__.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.authenticate(engine, "wang", PASSWORD).account is not None
    assert accounts.authenticate(engine, "wang", PASSWORD + "x").account is None


@pytest.mark.parametrize("password", ["", "short", "1234567"])
def test_short_passwords_are_refused(engine, password: str) -> None:
    with pytest.raises(accounts.AccountError):
        accounts.add_user(engine, "li", role="leader", password=password)
    assert accounts.list_users(engine).is_empty()


@pytest.mark.parametrize(
    ("role", "places", "scope"),
    [
        ("leader", {}, Scope.whole_county()),
        ("analyst", {}, Scope.whole_county()),
        ("clerk", {}, Scope.whole_county()),
        ("admin", {}, Scope.whole_county()),
        ("township", {"townships": ("龙溪镇",)}, Scope(townships=frozenset({"龙溪镇"}))),
        (
            "captain",
            {"buildings": (("幸福家园", "3"), ("幸福家园", "4"))},
            Scope(buildings=frozenset({("幸福家园", "3"), ("幸福家园", "4")})),
        ),
        ("captain", {"sites": ("阳光新城",)}, Scope(sites=frozenset({"阳光新城"}))),
    ],
)
def test_the_scope_follows_the_role_and_places(engine, role, places, scope) -> None:
    _add(engine, "u", role, **places)
    account = accounts.authenticate(engine, "u", PASSWORD).account
    assert account is not None
    assert (account.role, account.scope) == (role, scope)


@pytest.mark.parametrize(
    ("role", "places"),
    [("township", {}), ("captain", {}), ("captain", {"townships": ("龙溪镇",)}), ("boss", {})],
)
def test_a_limited_role_without_places_is_refused(engine, role, places) -> None:
    with pytest.raises(accounts.AccountError):
        _add(engine, "u", role, **places)
    assert accounts.list_users(engine).is_empty()


def test_a_user_name_is_taken_once(engine) -> None:
    _add(engine, "wang")
    with pytest.raises(accounts.AccountError, match="已存在"):
        _add(engine, "wang", "admin")
    assert accounts.list_users(engine)["role"].to_list() == ["leader"]


def test_repeated_failures_lock_the_name_whether_or_not_it_exists(engine) -> None:
    _add(engine, "wang")
    for name in ("wang", "nobody"):
        outcomes = [accounts.authenticate(engine, name, "wrong") for _ in range(7)]
        locked = [o.locked_until is not None for o in outcomes]
        assert locked == [False] * accounts.MAX_FAILURES + [True, True]
    # Even the right password is refused while locked, with the same answer as for nobody.
    right = accounts.authenticate(engine, "wang", PASSWORD)
    assert right.account is None and right.locked_until is not None
    # Another name is not affected.
    _add(engine, "li")
    assert accounts.authenticate(engine, "li", PASSWORD).account is not None


def test_the_lock_lifts_after_the_window(engine) -> None:
    _add(engine, "wang")
    for _ in range(accounts.MAX_FAILURES):
        accounts.authenticate(engine, "wang", "wrong")
    assert accounts.authenticate(engine, "wang", PASSWORD).locked_until is not None
    earlier = dt.datetime.now(dt.UTC) - accounts.LOCK_WINDOW - dt.timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET at = :at"), {"at": earlier})
    assert accounts.authenticate(engine, "wang", PASSWORD).account is not None


def test_every_attempt_is_in_the_audit_log(engine) -> None:
    _add(engine, "wang")
    accounts.authenticate(engine, "wang", "wrong")
    accounts.authenticate(engine, "wang", PASSWORD)
    log = audit_log(engine).sort("at")
    assert log.select("username", "action").rows() == [
        ("cli", "user_add"),
        ("wang", "sign_in_failed"),
        ("wang", "sign_in"),
    ]


def test_a_disabled_user_cannot_sign_in_and_their_sessions_end(engine) -> None:
    _add(engine, "wang")
    token = accounts.open_session(engine, "wang")
    assert accounts.resume_session(engine, token) is not None
    accounts.set_disabled(engine, "wang")
    assert accounts.resume_session(engine, token) is None
    assert accounts.authenticate(engine, "wang", PASSWORD).account is None
    assert accounts.get_account(engine, "wang") is None
    accounts.set_disabled(engine, "wang", False)
    assert accounts.authenticate(engine, "wang", PASSWORD).account is not None


def test_a_new_password_ends_open_sessions(engine) -> None:
    _add(engine, "wang")
    token = accounts.open_session(engine, "wang")
    accounts.set_password(engine, "wang", "another good one")
    assert accounts.resume_session(engine, token) is None
    assert accounts.authenticate(engine, "wang", PASSWORD).account is None
    assert accounts.authenticate(engine, "wang", "another good one").account is not None


def test_sessions_lapse_when_idle_and_end_on_sign_out(engine) -> None:
    _add(engine, "wang")
    token = accounts.open_session(engine, "wang")
    other = accounts.open_session(engine, "wang")
    assert accounts.resume_session(engine, "not-a-token") is None
    idle = dt.datetime.now(dt.UTC) - accounts.IDLE_LIMIT - dt.timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(update(UserSession).where(UserSession.id == 1).values(last_seen=idle))
    assert accounts.resume_session(engine, token) is None
    assert accounts.resume_session(engine, other) is not None
    accounts.end_session(engine, other, "wang")
    assert accounts.resume_session(engine, other) is None
    actions = audit_log(engine).get_column("action").to_list()
    assert "session_expired" in actions and "sign_out" in actions


def test_the_store_keeps_no_session_token(engine) -> None:
    _add(engine, "wang")
    token = accounts.open_session(engine, "wang")
    with engine.connect() as conn:
        stored = conn.execute(select(UserSession.__table__.c.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64


def test_demo_accounts_have_no_password_and_sign_in_only_as_demo(demo_store_url) -> None:
    from data.store import get_engine

    engine = get_engine(demo_store_url)
    demos = accounts.demo_accounts(engine)
    assert [a.role for a in demos] == list(accounts.ROLES)
    captain = next(a for a in demos if a.role == "captain")
    assert len(captain.scope.buildings) == 1 and not captain.scope.county
    assert accounts.authenticate(engine, "demo-admin", "").account is None
    assert accounts.demo_sign_in(engine, "demo-admin") is not None
    assert accounts.ensure_demo_accounts(engine) == []  # idempotent


def test_a_real_user_cannot_be_signed_in_as_demo(engine) -> None:
    _add(engine, "wang", "admin")
    assert accounts.demo_sign_in(engine, "wang") is None


def test_the_user_cli_adds_lists_changes_and_disables(sqlite_engine, monkeypatch, capsys) -> None:
    engine = sqlite_engine  # the CLI finds its store through DATABASE_URL
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["user", "add", "zhang", "--role", "captain", "--building", "幸福家园/3"]
    assert main([*args, "--name", "张楼长", "--password-stdin"]) == 0
    assert main(["user", "add", "x", "--role", "captain", "--building", "幸福家园"]) == 2
    assert "安置点/楼栋" in capsys.readouterr().err
    assert main(["user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "zhang" in listed and "幸福家园/3" in listed
    monkeypatch.setattr("sys.stdin", io.StringIO("a new password\n"))
    assert main(["user", "passwd", "zhang", "--password-stdin"]) == 0
    assert accounts.authenticate(engine, "zhang", "a new password").account is not None
    assert main(["user", "places", "zhang", "--building", "幸福家园/4"]) == 0
    moved = accounts.get_account(engine, "zhang")
    assert moved is not None and moved.scope.buildings == {("幸福家园", "4")}
    assert main(["user", "places", "zhang"]) == 2
    assert main(["user", "disable", "zhang"]) == 0
    assert accounts.get_account(engine, "zhang") is None
    assert main(["user", "disable", "nobody"]) == 2


def test_every_role_lands_on_the_overview() -> None:
    # The landing page answers only at "/": any other would lose its own URL for that role.
    assert {pages[0] for pages in accounts.PAGES.values()} == {"overview"}
    assert set(accounts.PAGES) == set(accounts.ROLES)


def test_new_places_replace_the_old_ones_and_are_recorded(engine) -> None:
    _add(engine, "zhang", "captain", buildings=(("幸福家园", "3"),))
    accounts.set_places(engine, "zhang", buildings=(("安居苑", "1"), ("安居苑", "2")), by="admin")
    account = accounts.get_account(engine, "zhang")
    assert account.scope == Scope(buildings=frozenset({("安居苑", "1"), ("安居苑", "2")}))
    assert ("admin", "user_places") in audit_log(engine).select("username", "action").rows()
    _add(engine, "wang", "leader")
    with pytest.raises(accounts.AccountError):
        accounts.set_places(engine, "wang", townships=("龙溪镇",))
    assert accounts.get_account(engine, "wang").scope == Scope.whole_county()
