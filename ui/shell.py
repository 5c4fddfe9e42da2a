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
from functools import partial
from pathlib import Path

import streamlit as st

from data.accounts import PAGES, Account
from ui import auth, theme
from ui.drill import context_query
from ui.state import FULL_VIEW, scope_places
from ui.strings import t
from ui.widgets import language_switch, start_run

FAVICON = Path(__file__).parent / "assets" / "favicon.png"
_inside_app: ContextVar[bool] = ContextVar("inside_app", default=False)
_log = logging.getLogger("ydbq.pages")
PRESENT_FROM = "present_from"  # session key: the URL path of the page projector mode left


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
    "compliance": (
        "pages/compliance.py",
        "nav_compliance",
        ":material/gavel:",
        "compliance",
        "analysis",
    ),
    "casework": (
        "pages/casework.py",
        "nav_casework",
        ":material/assignment_turned_in:",
        "casework",
        "analysis",
    ),
    "query": ("pages/query.py", "nav_query", ":material/terminal:", "query", "analysis"),
    "upload": ("pages/upload.py", "nav_upload", ":material/upload_file:", "upload", "data"),
    "imports": ("pages/imports.py", "nav_imports", ":material/history:", "imports", "data"),
    "users": ("pages/users.py", "nav_users", ":material/group:", "users", "admin"),
    "audit": ("pages/audit.py", "nav_audit", ":material/policy:", "audit", "admin"),
}


def _pages(account: Account) -> dict[str, st.Page]:
    """Every page by name: the role's own, and in place of each of the others a page that says
    the role may not open it (a link to it is not silently sent to the overview).

    `/` is the overview's. For a role without the overview (a captain) `/` is a landing that
    moves on to the role's first page: Streamlit serves its default page only at `/`, so
    making that page the default would leave its own URL (`/building`) unknown.
    """
    allowed = [name for name in PAGES[account.role] if name in _PAGES]
    pages = {}
    for name, (script, title, icon, path, _) in _PAGES.items():
        if name in allowed:
            page = st.Page(
                script, title=t(title), icon=icon, url_path=path or None, default=not path
            )
        elif not path:
            continue  # the landing, below
        else:
            page = st.Page(
                partial(_forbidden, account, t(title), allowed[0]), title=t(title), url_path=path
            )
        pages[name] = page
    if "overview" not in allowed:
        first = pages[allowed[0]]
        pages["overview"] = st.Page(
            partial(_land, first), title=first.title, url_path="", default=True
        )
    return pages


def _land(first: st.Page) -> None:
    """`/` for a role without the overview: its first page, with the URL's month and place."""
    st.switch_page(first, query_params=st.query_params.to_dict())


def _forbidden(account: Account, title: str, landing: str) -> None:
    st.title(t("nav_forbidden_title"))
    role = t(f"role_{account.role}")
    st.error(t("nav_forbidden", role=role, page=title), icon=":material/block:")
    script, landing_title, icon, _, _ = _PAGES[landing]
    st.page_link(
        script,
        label=t("nav_forbidden_home", page=t(landing_title)),
        icon=icon,
        query_params=context_query(),
    )


def _nav_links(account: Account, pages: dict[str, st.Page]) -> None:
    """The role's pages by section, each link carrying the month and place of the page shown
    (and the language): a page opened from here shows the same month and place, and so does a
    reload or a shared link of it."""
    carried = context_query()
    section = None
    for name, page in pages.items():
        if not account.may(name):
            continue
        if _PAGES[name][4] != section:
            section = _PAGES[name][4]
            st.caption(t(f"section_{section}"))
        st.page_link(page, query_params=carried, width="stretch")


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


def _sidebar(account: Account, pages: dict[str, st.Page], page: st.Page):
    """The sidebar; returns the slot of its page links, for `run_app` to draw again should
    the page have moved the month or place (a page that stopped early keeps the first ones)."""
    with st.sidebar:
        links = st.empty()
        with links.container():
            _nav_links(account, pages)
        language_switch()
        if account.may("present") and st.button(
            t("present_start"), icon=":material/present_to_all:", width="stretch"
        ):
            # Leaving the projector returns here, with the same month and place.
            st.session_state[PRESENT_FROM] = page.url_path
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
        st.html(theme.SIDEBAR_CLOSER, unsafe_allow_javascript=True, width=1)
    return links


def run_app() -> None:
    """Page config, theme, who is signed in, navigation (by role and mode), then the page."""
    # A local favicon: a :material/…: icon here would be fetched from Google's font servers.
    st.set_page_config(page_title="易地扶贫搬迁就业监测", page_icon=str(FAVICON), layout="wide")
    start_run()
    theme.apply()
    account = auth.current_account()
    links = None
    if account is None:
        page = st.navigation(_signed_out_pages(), position="hidden")
        auth.sync_cookie()
    elif theme.presenting() and account.may("present"):
        present = st.Page("pages/present.py", title=t("nav_present"), default=True)
        page = st.navigation([present], position="hidden")
    else:
        # Navigation first, then the sidebar's widgets: a widget drawn before st.navigation
        # loses the first click of a new session (the first page transition resets its state).
        # Hidden: the sidebar's own links carry the month and place from page to page.
        pages = _pages(account)
        page = st.navigation(list(pages.values()), position="hidden")
        came_from = st.session_state.pop(PRESENT_FROM, None)
        if came_from is not None and came_from != page.url_path:
            back = next(p for p in pages.values() if p.url_path == came_from)
            st.switch_page(back, query_params=st.query_params.to_dict())
        links = _sidebar(account, pages, page)
        shown = context_query()
    token = _inside_app.set(True)
    try:
        page.run()
        if links is not None and context_query() != shown:
            with links.container():
                _nav_links(account, pages)
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
