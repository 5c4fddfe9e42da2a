"""The shared frame every page runs in: page config, theme, language, navigation.

`app.py` calls `run_app()`. Each page calls `enter()` first: Streamlit serves `pages/*.py` on its
own (its legacy folder discovery) to a fresh server's first visitor of a page URL, before any
`st.navigation` ran; `enter()` then runs the app around the page instead, so the frame, and the
list of pages a viewer may reach, always apply.
"""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from data.accounts import PAGES, Account
from ui import auth, theme
from ui.state import FULL_VIEW, scope_places
from ui.strings import t
from ui.widgets import language_switch

FAVICON = Path(__file__).parent / "assets" / "favicon.png"
_inside_app: ContextVar[bool] = ContextVar("inside_app", default=False)
_log = logging.getLogger("ydbq.pages")


# Every page: script, title, icon, URL path, section. Which of them a viewer gets: their role's.
_PAGES = {
    "overview": ("pages/overview.py", "nav_overview", ":material/monitoring:", "", "dashboard"),
    "building": (
        "pages/building.py",
        "nav_building",
        ":material/apartment:",
        "building",
        "dashboard",
    ),
    "meeting": ("pages/meeting.py", "nav_meeting", ":material/groups:", "meeting", "dashboard"),
    "subsidies": (
        "pages/subsidies.py",
        "nav_subsidies",
        ":material/payments:",
        "subsidies",
        "dashboard",
    ),
    "explore": (
        "pages/explore.py",
        "nav_explore",
        ":material/pivot_table_chart:",
        "explore",
        "analysis",
    ),
    "rosters": ("pages/rosters.py", "nav_rosters", ":material/list_alt:", "rosters", "analysis"),
    "jobs": ("pages/jobs.py", "nav_jobs", ":material/work:", "jobs", "analysis"),
    "income": (
        "pages/income.py",
        "nav_income",
        ":material/account_balance_wallet:",
        "income",
        "analysis",
    ),
    "query": ("pages/query.py", "nav_query", ":material/terminal:", "query", "analysis"),
    "upload": ("pages/upload.py", "nav_upload", ":material/upload_file:", "upload", "data"),
    "imports": ("pages/imports.py", "nav_imports", ":material/history:", "imports", "data"),
    "users": ("pages/users.py", "nav_users", ":material/group:", "users", "admin"),
    "audit": ("pages/audit.py", "nav_audit", ":material/policy:", "audit", "admin"),
}


def _pages(account: Account) -> dict[str, list[st.Page]]:
    """The pages `account`'s role may use, by section; the role's first page is the default."""
    allowed = [name for name in PAGES[account.role] if name in _PAGES]
    sections: dict[str, list[st.Page]] = {}
    for name in _PAGES:
        if name not in allowed:
            continue
        script, title, icon, path, section = _PAGES[name]
        sections.setdefault(t(f"section_{section}"), []).append(
            st.Page(
                script,
                title=t(title),
                icon=icon,
                url_path=path or None,
                default=name == allowed[0],
            )
        )
    return sections


def _signed_out_pages() -> list[st.Page]:
    """The sign-in form under every page's URL: a deep link survives signing in."""
    from ui.sign_in import sign_in_page

    return [
        st.Page(
            sign_in_page,
            title=t("nav_sign_in"),
            url_path=path or "sign-in",
            default=not path,
        )
        for _, _, _, path, _ in _PAGES.values()
    ]


def _sidebar(account: Account) -> None:
    with st.sidebar:
        language_switch()
        if account.may("present") and st.button(
            t("present_start"), icon=":material/present_to_all:", width="stretch"
        ):
            st.query_params["present"] = "1"
            st.rerun()
        st.divider()
        st.markdown(t("signed_in_as", name=account.display_name, role=t(f"role_{account.role}")))
        if account.demo:
            st.badge(t("demo_badge"), color="orange", icon=":material/science:")
        places = scope_places(account.scope)
        if places:
            st.caption(t("scope_label", places=places))
        if account.may_see_full:
            st.toggle(t("full_view"), key=FULL_VIEW, help=t("full_view_help"))
        st.button(t("sign_out"), icon=":material/logout:", on_click=auth.sign_out, width="stretch")
        auth.sync_cookie()


def run_app() -> None:
    """Page config, theme, who is signed in, navigation (by role and mode), then the page."""
    # A local favicon: a :material/…: icon here would be fetched from Google's font servers.
    st.set_page_config(page_title="易地扶贫搬迁就业监测", page_icon=str(FAVICON), layout="wide")
    theme.apply()
    account = auth.current_account()
    if account is None:
        page = st.navigation(_signed_out_pages(), position="hidden")
        auth.sync_cookie()
    elif theme.presenting() and account.may("present"):
        present = st.Page("pages/present.py", title=t("nav_present"), default=True)
        page = st.navigation([present], position="hidden")
    else:
        # Navigation first, then the sidebar's widgets: a widget drawn before st.navigation
        # loses the first click of a new session (the first page transition resets its state).
        page = st.navigation(_pages(account))
        _sidebar(account)
    token = _inside_app.set(True)
    try:
        page.run()
    except Exception:  # st.stop and st.rerun are BaseExceptions: they pass through
        reference = logged_failure("page", account.username if account else "-")
        st.error(t("page_failed", reference=reference), icon=":material/error:")
    finally:
        _inside_app.reset(token)


def logged_failure(what: str, who: str) -> str:
    """Log the exception being handled, traceback and all, under a new reference, which is what
    the user is shown: server paths and values stay in the server's log."""
    reference = secrets.token_hex(4)
    _log.exception("%s failed (reference %s, user %s)", what, reference, who)
    return reference


def enter() -> None:
    """First line of every page: make sure the page runs inside `run_app()`."""
    if not _inside_app.get():
        run_app()
        st.stop()
