"""A page's numbers are worked out once per data version, scope and choice (`ui.state.computed`),
then shared: a second viewer of the same view costs a lookup, another scope or a write its own."""

from __future__ import annotations

import streamlit as st

import reports.overview
from data.edits import add_note
from data.frames import load_frames
from data.store import get_engine


def test_numbers_are_shared_by_sessions_and_follow_scope_and_writes(
    app_for, own_store_url: str, monkeypatch
) -> None:
    headlines = []
    real = reports.overview.headline

    def counted(*args, **kwargs):
        headlines.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports.overview, "headline", counted)
    st.cache_resource.clear()

    def overview(user: str, **query: str) -> None:
        at = app_for(own_store_url, user=user, **query).run()
        assert not at.exception, at.exception

    overview("demo-analyst")
    overview("demo-analyst")
    overview("demo-admin")  # another role, the same scope (the county): the same numbers
    assert len(headlines) == 1

    overview("demo-township")  # one township: numbers of its own
    assert len(headlines) == 2

    first = load_frames(get_engine(own_store_url)).labour.row(0, named=True)
    month = max(load_frames(get_engine(own_store_url)).labour.get_column("month"))
    assert add_note(
        get_engine(own_store_url),
        household=first["household"],
        noted_on=month,
        author="王",
        text="回访",
        next_step=None,
        user="t",
    ).ok
    overview("demo-analyst")  # a new data version: worked out again
    assert len(headlines) == 3
