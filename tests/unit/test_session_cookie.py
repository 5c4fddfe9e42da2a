"""The session-cookie route's one-time codes: each is worth one use within a minute."""

from __future__ import annotations

from ui import session_cookie


def test_a_code_is_worth_one_use() -> None:
    code = session_cookie.hand_off("token-1")
    assert session_cookie._take(code) == "token-1"
    assert session_cookie._take(code) is None
    assert session_cookie._take("a guessed code") is None


def test_a_code_lapses_after_a_minute(monkeypatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(session_cookie.time, "monotonic", lambda: now[0])
    code = session_cookie.hand_off("token-2")
    now[0] += session_cookie.CODE_LIFETIME + 1
    assert session_cookie._take(code) is None


def test_the_page_never_gets_the_token() -> None:
    script = session_cookie.script("the-secret-token")
    assert "the-secret-token" not in script and "document.cookie" not in script
    assert "'POST'" in script and session_cookie.PATH in script
    assert "'DELETE'" in session_cookie.script("")
