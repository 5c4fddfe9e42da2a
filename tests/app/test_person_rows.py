"""Province scale (issue 23): the pages that show counts and rates, and those that list the
people of one place, never hold every person-month of the store in the server process. They
read the aggregates and slices of the snapshot; the person rows in memory are the SQL
console's alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from ui import state

# Every page but SQL 查询 (it still reads every row) and the admin pages.
PAGES = (
    "overview",
    "explore",
    "building",
    "subsidies",
    "jobs",
    "income",
    "rosters",
    "meeting",
    "compliance",
    "casework",
    "present",
)


@pytest.mark.parametrize("user", ["demo-analyst", "demo-captain", "demo-township"])
def test_no_page_reads_every_person_month(
    app_for: Callable[..., AppTest], demo_store_url: str, user: str
) -> None:
    # Frames another test made this process read whole would hide a read here.
    state._store_frames.clear()
    state.forget_numbers()
    for page in PAGES:
        at = app_for(demo_store_url, user=user)
        if page != "overview":
            at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, (page, at.exception)
        data = state._store_frames(demo_store_url, state._version(demo_store_url))
        assert not data.labour_loaded, f"{page} read every person-month as {user}"


def test_the_sql_console_still_reads_every_person_month(
    app_for: Callable[..., AppTest], demo_store_url: str
) -> None:
    """What the test above would see of a page that did."""
    state._store_frames.clear()
    state.forget_numbers()
    at = app_for(demo_store_url, user="demo-analyst")
    at.switch_page("pages/query.py")
    at.run()
    assert state._store_frames(demo_store_url, state._version(demo_store_url)).labour_loaded
