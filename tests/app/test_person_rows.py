"""Province scale (issue 23): the pages that show counts and rates, and those that list the
people of one place, never hold every person-month of the store in the server process. They
read the aggregates and slices of the snapshot (tests/data/test_slices.py shows that reading
every row is seen)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from ui import state

# Every page of the data (the admin pages show accounts, imports and the log).
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
    "query",
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
