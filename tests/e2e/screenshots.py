"""Screenshots of every page at projector, laptop and phone size, for a person to look at.

Usage: .venv/bin/python tests/e2e/screenshots.py OUT_DIR [DATABASE_URL] [PATH ...]
(default store: DATABASE_URL or the default SQLite file; default paths: every page), signed in
as the user in AS_USER (default demo-admin; `python -m data user demo` makes the demo users).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playwright.sync_api import sync_playwright  # noqa: E402

from data.store import database_url  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, signed_in, start_server  # noqa: E402

# Streamlit scrolls inside the page, so a full-page shot is a tall viewport instead.
SIZES = {
    "1920x1080": (1920, 1080),
    "1366x768": (1366, 768),
    "390x844": (390, 844),
    "1920-full": (1920, 2600),
}
# SIZES="1366x768,390x844" takes some of them.
if os.environ.get("SIZES"):
    SIZES = {k: v for k, v in SIZES.items() if k in os.environ["SIZES"].split(",")}
PAGES = [
    "/",
    "/?lang=en",
    "/building",
    "/meeting",
    "/subsidies",
    "/upload",
    "/imports",
    "/users",
    "/audit",
    "/?present=1&slide=2",
]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    url = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("DATABASE_URL", database_url())
    paths = sys.argv[3:] or PAGES
    proc, base = start_server(url)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                signed_in(page, base, url, os.environ.get("AS_USER", "demo-admin"))
                for path in paths:
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    # Streamlit shows its status widget while the script runs.
                    page.wait_for_timeout(1000)
                    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)
                    # A map draws in WebGL after its script bundle loads: seconds without a GPU.
                    # (ui.maps draws each map inside a container keyed "…map…").
                    maps = page.locator('[class*="st-key-"][class*="map"]')
                    if maps.count():
                        maps.first.locator("canvas").first.wait_for(timeout=60_000)
                        page.wait_for_timeout(3000)
                        # The map's width report reruns the page once (ui.maps._measured_width).
                        page.get_by_test_id("stStatusWidget").wait_for(
                            state="hidden", timeout=120_000
                        )
                    # `slide=K` (ignored by the app): the projector's K-th slide, by its N key.
                    for _ in range(int(parse_qs(urlparse(path).query).get("slide", ["1"])[0]) - 1):
                        page.keyboard.press("n")
                        page.wait_for_timeout(1000)
                        page.get_by_test_id("stStatusWidget").wait_for(
                            state="hidden", timeout=120_000
                        )
                    page.wait_for_timeout(1500)
                    name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                    name = f"{os.environ.get('AS_USER', 'demo-admin')}-{name}"
                    target = out / f"{name}-{size}.png"
                    page.screenshot(path=target)
                    print(target)
                page.close()
            browser.close()
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
