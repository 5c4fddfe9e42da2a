"""AppTest fixtures: the app script against a chosen store, signed in as a chosen user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.accounts import get_account
from data.store import get_engine

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_for(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Build an AppTest of app.py on the store at `url`, with optional query parameters.

    The session is signed in as `user` (default: the demo administrator, who may use every
    page); `user=None` leaves it signed out. The user must exist in that store.
    """

    def make(url: str, *, user: str | None = "demo-admin", **query: str) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=60)
        if user is not None:
            account = get_account(get_engine(url), user)
            assert account is not None, f"no user {user} in {url}"
            # What ui.auth keeps after a sign-in (no cookie token in a test session).
            at.session_state["auth_account"] = account
        for name, value in query.items():
            at.query_params[name] = value
        return at

    return make
