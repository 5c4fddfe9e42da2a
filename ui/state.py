"""The store's frames for this session: loaded once per data version, shared by all sessions."""

from __future__ import annotations

import streamlit as st

from data.frames import Frames, Scope, load_frames
from data.store import data_version, database_url, get_engine


@st.cache_resource(max_entries=2, show_spinner=False)
def _store_frames(url: str, version: int) -> Frames:
    # Keyed by the data version: an import or edit makes the next rerun read the store again.
    return load_frames(get_engine(url))


def current_version() -> int:
    """The store's data version (one tiny query)."""
    return data_version(get_engine(database_url()))


def session_scope() -> Scope:
    """What this session may see. Until sign-in exists, everyone sees the whole county."""
    return Scope.whole_county()


def frames() -> Frames:
    """The store's frames, cut to this session's scope."""
    url = database_url()
    return _store_frames(url, data_version(get_engine(url))).scoped(session_scope())
