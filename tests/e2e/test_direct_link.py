"""A page link opened on a freshly started server still runs inside the app's frame.

Streamlit serves `pages/*.py` on its own to a new server's first request for a page URL; the
page must still get the app's navigation (and so, later, the viewer's list of allowed pages).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import demo_sign_in, start_server
from ui.strings import STRINGS

pytestmark = pytest.mark.e2e


def test_first_request_for_a_page_gets_the_app_navigation(page, demo_store_url: str) -> None:
    proc, base = start_server(demo_store_url)  # nobody has opened "/" on this server
    try:
        page.goto(f"{base}/imports")
        # Signed out, the link shows the sign-in page; signing in keeps the link's page.
        demo_sign_in(page, STRINGS["role_admin"]["zh"])
        expect(page).to_have_url(f"{base}/imports")
        heading = STRINGS["imports_title"]["zh"]
        expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
        # The app's own links (they carry the month and place), not Streamlit's folder
        # navigation, which would list the scripts by file name.
        nav = page.get_by_test_id("stSidebar")
        expect(nav.get_by_role("link", name="就业总览")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(nav.get_by_text("app", exact=True)).to_have_count(0)
        expect(nav.get_by_text("present", exact=True)).to_have_count(0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
