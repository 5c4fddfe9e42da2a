"""Accounts on SQLite and PostgreSQL: hashing, throttling, sessions, scopes, the user CLI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import insert, select, text, update

from data import accounts
from data.__main__ import main
from data.audit import audit_log
from data.frames import Scope
from data.store import Building, ImportBatch, Site, Township, UserAccount, UserSession

PASSWORD = "correct horse battery"


def _add(engine, username: str, role: str = "leader", **places) -> None:
    accounts.add_user(engine, username, role=role, password=PASSWORD, **places)


def _with_places(engine) -> None:
    """The places these tests give users, as an import of the ledgers would leave them."""
    with engine.begin() as conn:
        conn.execute(insert(Township), [{"id": 1, "name": "龙溪镇"}, {"id": 2, "name": "青山镇"}])
        conn.execute(
            insert(Site),
            [
                {"id": 1, "name": "幸福家园", "township_id": 1},
                {"id": 2, "name": "阳光新城", "township_id": 1},
                {"id": 3, "name": "安居苑", "township_id": 2},
            ],
        )
        conn.execute(
            insert(Building),
            [
                {"site_id": site, "name": name}
                for site, names in ((1, "345"), (2, "12"), (3, "12"))
                for name in names
            ],
        )


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
    _with_places(engine)
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
        conn.execute(text("UPDATE sign_in_failure SET at = :at"), {"at": earlier})
    assert accounts.authenticate(engine, "wang", PASSWORD).account is not None


def test_a_locked_name_is_recorded_locked_once_not_at_every_attempt(engine) -> None:
    for _ in range(accounts.MAX_FAILURES + 20):
        accounts.authenticate(engine, "wang", "wrong")
    actions = audit_log(engine).get_column("action").to_list()
    assert actions.count("sign_in_failed") == accounts.MAX_FAILURES
    assert actions.count("sign_in_locked") == 1


def test_an_administrators_password_reset_lifts_the_lock(engine) -> None:
    _add(engine, "wang")
    for _ in range(accounts.MAX_FAILURES):
        accounts.authenticate(engine, "wang", "wrong")
    assert accounts.authenticate(engine, "wang", PASSWORD).locked_until is not None
    accounts.set_password(engine, "wang", "a brand new secret", by="admin")
    assert accounts.authenticate(engine, "wang", "a brand new secret").account is not None


def test_a_password_reset_on_the_command_line_lifts_the_lock(sqlite_engine, monkeypatch) -> None:
    engine = sqlite_engine
    _add(engine, "wang")
    for _ in range(accounts.MAX_FAILURES):
        accounts.authenticate(engine, "wang", "wrong")
    assert accounts.authenticate(engine, "wang", PASSWORD).locked_until is not None
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO("yet another secret\n"))
    assert main(["user", "passwd", "wang", "--password-stdin"]) == 0
    assert accounts.authenticate(engine, "wang", "yet another secret").account is not None


def test_a_flood_of_guessed_names_is_listed_once_and_the_admin_still_gets_in(
    engine, monkeypatch
) -> None:
    monkeypatch.setattr(accounts, "GLOBAL_MAX_FAILURES", 8)
    _add(engine, "admin1", "admin")
    before = audit_log(engine).height
    outcomes = [accounts.authenticate(engine, f"guess{n}", "wrong") for n in range(40)]
    assert [o.throttled for o in outcomes] == [False] * 8 + [True] * 32
    assert all(o.account is None and o.locked_until is None for o in outcomes)
    actions = audit_log(engine).get_column("action").to_list()[: audit_log(engine).height - before]
    assert sorted(set(actions)) == ["sign_in_failed", "sign_in_throttled"]
    assert actions.count("sign_in_failed") == 8 and actions.count("sign_in_throttled") == 1
    # The right password still signs in during the flood: flooding locks nobody out.
    assert accounts.authenticate(engine, "admin1", PASSWORD).account is not None
    # A known name's guesses during the flood still count towards its own lock.
    for _ in range(accounts.MAX_FAILURES):
        assert accounts.authenticate(engine, "admin1", "wrong").throttled
    assert accounts.authenticate(engine, "admin1", PASSWORD).locked_until is not None
    # A minute without failures ends the flood: the next one is listed again.
    earlier = dt.datetime.now(dt.UTC) - accounts.GLOBAL_WINDOW - dt.timedelta(seconds=5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE sign_in_failure SET at = :at"), {"at": earlier})
    assert not accounts.authenticate(engine, "guess0", "wrong").throttled


@pytest.mark.parametrize(
    ("username", "password"),
    [("wangfang", "WangFang"), ("li", "woaini1314"), ("li", "12345678"), ("li", "Password")]
    + [("li", "admin123"), ("li", "qwer1234"), ("li", "QWER1234")],
)
def test_the_user_name_and_common_passwords_are_refused(engine, username, password) -> None:
    with pytest.raises(accounts.AccountError, match="用户名|常见"):
        accounts.add_user(engine, username, role="leader", password=password)
    _add(engine, username)
    with pytest.raises(accounts.AccountError, match="用户名|常见"):
        accounts.set_password(engine, username, password)
    assert accounts.authenticate(engine, username, PASSWORD).account is not None


def test_the_cli_refuses_a_common_password(sqlite_engine, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO("woaini1314\n"))
    assert main(["user", "add", "li", "--role", "leader", "--password-stdin"]) == 2
    assert "常见密码" in capsys.readouterr().err
    assert accounts.list_users(sqlite_engine).is_empty()


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
    _with_places(engine)
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


def test_each_role_lands_on_its_first_page() -> None:
    # "/" is the overview's; for a role without it, a landing that moves on to the role's first
    # page (ui/shell.py), which keeps its own URL. The captain lands on their building's review.
    for pages in accounts.PAGES.values():
        assert "overview" not in pages or pages[0] == "overview"
    assert accounts.PAGES["captain"][0] == "building"
    assert set(accounts.PAGES) == set(accounts.ROLES)


def test_new_places_replace_the_old_ones_and_are_recorded(engine) -> None:
    _with_places(engine)
    _add(engine, "zhang", "captain", buildings=(("幸福家园", "3"),))
    accounts.set_places(engine, "zhang", buildings=(("安居苑", "1"), ("安居苑", "2")), by="admin")
    account = accounts.get_account(engine, "zhang")
    assert account.scope == Scope(buildings=frozenset({("安居苑", "1"), ("安居苑", "2")}))
    assert ("admin", "user_places") in audit_log(engine).select("username", "action").rows()
    _add(engine, "wang", "leader")
    with pytest.raises(accounts.AccountError):
        accounts.set_places(engine, "wang", townships=("龙溪镇",))
    assert accounts.get_account(engine, "wang").scope == Scope.whole_county()


def test_places_the_store_does_not_hold_are_refused_with_the_close_ones(engine) -> None:
    with pytest.raises(accounts.AccountError, match="请先导入台账"):
        _add(engine, "zhang", "captain", buildings=(("幸福家园", "3"),))
    _with_places(engine)
    with pytest.raises(accounts.AccountError) as refused:
        _add(engine, "liu", "township", townships=("龙西镇",))
    assert refused.value.zh == "没有乡镇 龙西镇（相近 / close: 龙溪镇）"
    with pytest.raises(accounts.AccountError) as refused:
        _add(engine, "zhang", "captain", buildings=(("幸福家园", "9"), ("幸福佳园", "3")))
    assert "幸福家园 没有楼栋 9（有 / known: 3、4、5）" in refused.value.zh
    assert "没有安置点 幸福佳园（相近 / close: 幸福家园）" in refused.value.zh
    assert accounts.list_users(engine).is_empty()
    _add(engine, "zhang", "captain", buildings=(("幸福家园", "3"),))
    with pytest.raises(accounts.AccountError, match="阳光新村"):
        accounts.set_places(engine, "zhang", sites=("阳光新村",))
    assert accounts.get_account(engine, "zhang").scope.buildings == {("幸福家园", "3")}


def test_the_cli_refuses_an_unknown_township(sqlite_engine, monkeypatch, capsys) -> None:
    _with_places(sqlite_engine)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["user", "add", "liu", "--role", "township", "--township", "青山", "--password-stdin"]
    assert main(args) == 2
    assert "没有乡镇 青山（相近 / close: 青山镇）" in capsys.readouterr().err
    assert accounts.list_users(sqlite_engine).is_empty()


def _batch(engine, source: str, user: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ImportBatch).values(
                created_at=dt.datetime.now(dt.UTC), user=user, source=source, files="", formats=""
            )
        )


def test_demo_sign_in_only_while_the_store_holds_only_the_demo(own_store_url) -> None:
    from data.store import get_engine

    engine = get_engine(own_store_url)
    assert accounts.demo_store(engine)
    token = accounts.open_session(engine, "demo-captain")
    # Status updates, notes, casework and undo by demo accounts keep it the demo's.
    _batch(engine, "edit", "demo-captain")
    _batch(engine, "note", "demo-admin")
    _batch(engine, "case", "demo-analyst")
    _batch(engine, "undo", "demo-admin")
    assert accounts.demo_store(engine)
    assert accounts.demo_sign_in(engine, "demo-admin") is not None
    assert accounts.resume_session(engine, token) is not None
    # A ledger imported, by anyone (a demo clerk trying the county's real file included).
    _batch(engine, "import", "demo-clerk")
    assert not accounts.demo_store(engine)
    assert accounts.demo_sign_in(engine, "demo-admin") is None
    assert accounts.demo_accounts(engine) == []
    assert accounts.resume_session(engine, token) is None, "a demo session ends at once"
    assert accounts.ensure_demo_accounts(engine) == []


def test_a_real_users_edit_ends_the_demo_and_an_empty_store_is_no_demo(
    own_store_url, sqlite_engine
) -> None:
    from data.store import get_engine

    engine = get_engine(own_store_url)
    accounts.add_user(engine, "wang", role="admin", password=PASSWORD)
    assert accounts.demo_store(engine)
    _batch(engine, "edit", "wang")
    assert not accounts.demo_store(engine)
    accounts.ensure_demo_accounts(sqlite_engine)
    assert not accounts.demo_store(sqlite_engine)
    assert accounts.demo_sign_in(sqlite_engine, "demo-admin") is None


def test_demo_accounts_manage_no_account(own_store_url) -> None:
    from data.store import get_engine

    engine = get_engine(own_store_url)
    _add(engine, "wang", "admin")
    with pytest.raises(accounts.AccountError, match="演示账号不能管理用户"):
        accounts.add_user(engine, "eve", role="admin", password=PASSWORD, by="demo-admin")
    with pytest.raises(accounts.AccountError, match="演示账号不能管理用户"):
        accounts.set_password(engine, "wang", "known to eve now", by="demo-admin")
    with pytest.raises(accounts.AccountError, match="演示账号不能管理用户"):
        accounts.set_disabled(engine, "wang", by="demo-admin")
    with pytest.raises(accounts.AccountError, match="演示账号没有密码"):
        accounts.set_password(engine, "demo-admin", "a password of its own", by="wang")
    assert accounts.authenticate(engine, "wang", PASSWORD).account is not None
    assert "eve" not in accounts.list_users(engine)["username"].to_list()


def test_user_demo_removes_the_demo_accounts_from_a_county_store(
    own_store_url, monkeypatch, capsys
) -> None:
    from data.store import get_engine

    engine = get_engine(own_store_url)
    monkeypatch.setenv("DATABASE_URL", own_store_url)
    assert main(["user", "demo"]) == 0
    assert len(accounts.demo_accounts(engine)) == len(accounts.ROLES)
    _batch(engine, "import", "cli")
    assert main(["user", "demo"]) == 0
    assert "demo accounts removed: 6" in capsys.readouterr().out
    assert not accounts.list_users(engine)["demo"].any()
