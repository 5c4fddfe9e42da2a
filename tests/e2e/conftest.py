"""A real `streamlit run` server and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    database_url: str,
    *,
    address: str | None = "127.0.0.1",
    prefix: tuple[str, ...] = (),
    output=subprocess.PIPE,
) -> tuple[subprocess.Popen, str]:
    """`streamlit run server.py` (as `make run`) on a free port against `database_url`;
    returns when healthy. `address=None` leaves server.address to .streamlit/config.toml;
    `prefix` runs the server under another command (strace)."""
    port = _free_port()
    # One-click demo sign-in, as `make run` has it: the tests sign in as the demo users.
    env = {**os.environ, "DATABASE_URL": database_url, "DEMO_SIGN_IN": "1"}
    where = ["--server.address", address] if address else []
    proc = subprocess.Popen(
        [
            *prefix,
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "server.py",
            "--server.port",
            str(port),
            *where,
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    said = proc.stdout.read().decode()[-2000:] if proc.stdout else ""
    raise RuntimeError(f"streamlit did not start: {said}")


@pytest.fixture(scope="session")
def app_url(demo_store_url: str) -> Iterator[str]:
    proc, base = start_server(demo_store_url)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A 1920×1080 page that refuses, and records, any request beyond this machine."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    outside: list[str] = []

    def guard(route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


def signed_in(page, base: str, store_url: str, user: str = "demo-admin") -> None:
    """Give `page`'s browser a live session of `user`, as signing in leaves it (a cookie).

    For tests about something else than signing in; those click the sign-in page's buttons.
    """
    from data.accounts import open_session
    from data.store import get_engine
    from ui.auth import COOKIE

    token = open_session(get_engine(store_url), user)
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": base}])


def demo_sign_in(page, role_label: str) -> None:
    """Click the sign-in page's demo button for a role (its label: 楼长, 录入员, …)."""
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=role_label, exact=True)
    expect(button).to_be_visible(timeout=60_000)
    button.click()
    expect(page.get_by_role("button", name=role_label, exact=True)).to_have_count(0, timeout=60_000)


def settled_box(page, locator) -> dict[str, float]:
    """`locator`'s box once two readings half a second apart agree (Streamlit may still be
    laying out the page around it), for mouse positions worked out from it."""
    last = None
    for _ in range(60):
        box = locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        page.wait_for_timeout(500)
    raise AssertionError(f"{locator} kept moving: last at {last}")
