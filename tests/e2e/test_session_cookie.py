"""The session cookie in chromium: set by the server as HttpOnly and SameSite=Strict after a
sign-in with a password, out of reach of the page's scripts, kept across a reload, cleared on
sign-out (issue 20, item 14)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from data.accounts import add_user
from data.store import get_engine
from tests.conftest import copy_store
from tests.e2e.conftest import start_server
from ui.session_cookie import COOKIE, PATH
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def zh(key: str) -> str:
    return STRINGS[key]["zh"]


def _session_cookie(page: Page, present: bool = True) -> dict | None:
    """The browser's session cookie, once it is there (or gone, with present=False)."""
    for _ in range(60):
        found = [c for c in page.context.cookies() if c["name"] == COOKIE and c["value"]]
        if bool(found) == present:
            return found[0] if found else None
        page.wait_for_timeout(500)
    raise AssertionError(f"the cookie {COOKIE} never {'came' if present else 'went'}")


def _post(url: str, headers: dict[str, str], body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_the_session_cookie_is_httponly_survives_a_reload_and_goes_on_sign_out(
    page: Page, demo_store_url: str, tmp_path
) -> None:
    url = copy_store(demo_store_url, tmp_path)
    add_user(get_engine(url), "wang", role="leader", password="a good long secret")
    proc, base = start_server(url)
    try:
        page.goto(base)
        page.get_by_label(zh("signin_username")).fill("wang")
        page.get_by_label(zh("signin_password")).fill("a good long secret")
        page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)

        cookie = _session_cookie(page)
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/"
        assert cookie["value"] not in page.evaluate("document.cookie")

        page.reload()
        expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
        expect(page.get_by_label(zh("signin_username"))).to_have_count(0)

        page.get_by_role("button", name=zh("sign_out")).click()
        expect(page.get_by_label(zh("signin_username"))).to_be_visible(timeout=60_000)
        assert _session_cookie(page, present=False) is None
        page.reload()
        expect(page.get_by_label(zh("signin_username"))).to_be_visible(timeout=60_000)

        # The route sets a cookie only for a fresh one-time code, asked with its own header.
        assert _post(base + PATH, {}, b"anything") == 403
        assert _post(base + PATH, {"X-Ydbq-Session": "1"}, b"a guessed code") == 403
        assert page.outside_requests == [], page.outside_requests
    finally:
        proc.terminate()
        proc.wait(timeout=20)
