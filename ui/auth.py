"""Who is signed in to this browser session: sign-in, demo sign-in, sign-out, expiry.

The account lives in `st.session_state`; a random token in an HttpOnly cookie, set by the
server (ui/session_cookie.py), lets a reload of the page resume it. Every rerun asks the store
again, so a disabled user or an ended session is out at their next click, and an idle session
lapses (`data.accounts.IDLE_LIMIT`).
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from data import accounts
from data.accounts import Account
from data.audit import record_event
from data.store import get_engine
from ui import session_cookie
from ui.session_cookie import COOKIE

__all__ = ["COOKIE"]
_ACCOUNT, _TOKEN, _NEW_TOKEN = "auth_account", "auth_token", "auth_new_token"


def demo_enabled() -> bool:
    """Demo sign-in buttons: on with DEMO_SIGN_IN=1 (`make run`), off in a real deployment."""
    return os.environ.get("DEMO_SIGN_IN", "").strip().lower() in ("1", "true", "yes", "on")


def current_account() -> Account | None:
    """The signed-in account, checked against the store on every rerun; None when signed out."""
    engine = get_engine()
    account: Account | None = st.session_state.get(_ACCOUNT)
    token = st.session_state.get(_TOKEN)
    if account is not None:
        fresh = (
            accounts.resume_session(engine, token)
            if token
            else accounts.get_account(engine, account.username)
        )
        if fresh is None or fresh.username != account.username:
            _forget()
            return None
        st.session_state[_ACCOUNT] = fresh
        return fresh
    token = st.context.cookies.get(COOKIE)
    if isinstance(token, str) and token:
        fresh = accounts.resume_session(engine, token)
        if fresh is not None:
            st.session_state[_ACCOUNT], st.session_state[_TOKEN] = fresh, token
            return fresh
    oidc = _oidc_account()
    if oidc is not None:
        _start(oidc)
    return oidc


def sign_in(username: str, password: str) -> accounts.SignIn:
    """Check the password; on success the session is signed in (the caller reruns)."""
    outcome = accounts.authenticate(get_engine(), username, password)
    if outcome.account is not None:
        _start(outcome.account)
    return outcome


def demo_sign_in(username: str) -> None:
    """Sign in a demo account (button callback; only offered when demo sign-in is on)."""
    if not demo_enabled():
        return
    account = accounts.demo_sign_in(get_engine(), username)
    if account is not None:
        _start(account)


def sign_out() -> None:
    """End the session in the store and in this browser (button callback)."""
    account = st.session_state.get(_ACCOUNT)
    if account is not None:
        accounts.end_session(get_engine(), st.session_state.get(_TOKEN), account.username)
    _forget()
    if getattr(st.user, "is_logged_in", False):
        st.logout()


def _start(account: Account) -> None:
    token = accounts.open_session(get_engine(), account.username)
    st.session_state[_ACCOUNT], st.session_state[_TOKEN] = account, token
    st.session_state[_NEW_TOKEN] = token


def _forget() -> None:
    for key in (_ACCOUNT, _TOKEN):
        st.session_state.pop(key, None)
    st.session_state[_NEW_TOKEN] = ""


def sync_cookie() -> None:
    """Have the server set the browser's cookie to a new token, or clear it after sign-out
    (once). The page gets a one-time code, never the token: the cookie is HttpOnly."""
    token = st.session_state.pop(_NEW_TOKEN, None)
    if token is None:
        return
    st.html(session_cookie.script(token), unsafe_allow_javascript=True, width=1)


def record_export(what: str, *, full: bool = False) -> None:
    """Put an export in the audit log: who, when, what, and whether personal data was in full."""
    account = st.session_state.get(_ACCOUNT)
    username = account.username if account else "?"
    record_event(get_engine(), username, "export_full" if full else "export", what)


# --- optional single sign-on through an on-premises OIDC provider (st.login) -------------------


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an [auth] section: then "单点登录" is offered."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, OSError):
        return False


def _oidc_account() -> Account | None:
    """The account whose user name is the provider's e-mail or preferred user name, if any."""
    if not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    for claim in ("preferred_username", "email"):
        name = st.user.get(claim)
        if name:
            account = accounts.get_account(get_engine(), str(name))
            if account is not None:
                record_event(get_engine(), account.username, "sign_in", "oidc")
                return account
    return None


def locked_until_text(until: dt.datetime) -> str:
    """China time, hours and minutes: when a locked user name may try again."""
    return until.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
