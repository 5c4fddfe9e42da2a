"""The store's frames for this session: loaded once per data version, shared by all sessions,
then cut to what the signed-in viewer may see."""

from __future__ import annotations

import gc
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import TypeVar

import polars as pl
import streamlit as st

from analytics.domain import COUNTY_SCOPE
from analytics.drill import Place
from data.accounts import Account
from data.frames import Frames, Scope, load_frames
from data.store import data_version, database_url, get_engine

T = TypeVar("T")

FULL_VIEW = "full_view"  # session key of the sidebar switch "show full ID numbers and phones"


@st.cache_resource(max_entries=1, show_spinner=False)
def _store_frames(url: str, version: int) -> Frames:
    # Keyed by the data version: an import or edit makes the next rerun read the store again.
    return load_frames(get_engine(url))


def current_version() -> int:
    """The store's data version (one tiny query)."""
    return _version(database_url())


_latest: dict[str, int] = {}  # the newest data version seen per store, in this process


def _version(url: str) -> int:
    """The store's data version. The first run to see a new one lets go of the old version's
    frames and numbers: every session reads the new one from its next rerun on, and a
    province's frames are 10 GiB (kept by cycles through page scripts until a collection)."""
    version = data_version(get_engine(url))
    if version > _latest.get(url, version):
        for cached in (_store_frames, _scoped_frames, _computed, _computed_list):
            cached.clear()
        gc.collect()
    _latest[url] = max(version, _latest.get(url, version))
    return version


def forget_numbers() -> None:
    """Drop every cut and computed number, keep the store's frames: the next view of each page
    works its numbers out again, as the first viewer after a new data version does once the
    frames are read (the benchmark's cold page)."""
    for cached in (_scoped_frames, _computed, _computed_list):
        cached.clear()
    st.cache_data.clear()


def account() -> Account | None:
    """The signed-in account (`ui.auth` checked it against the store at the start of this run)."""
    return st.session_state.get("auth_account")


def session_scope() -> Scope:
    """What this session may see: the signed-in account's scope; nothing when signed out."""
    signed_in = account()
    return signed_in.scope if signed_in is not None else Scope()


def full_view() -> bool:
    """Personal data in full: only for roles allowed it, and only while their switch is on."""
    signed_in = account()
    return bool(signed_in and signed_in.may_see_full and st.session_state.get(FULL_VIEW))


def board_scope() -> str | None:
    """Whose annual targets this session's target board shows: the county's for a county
    viewer, a township officer's or site's own (their only place), else none. Every session's
    frames hold the county's targets, the standard each place is held to, but the county's
    board over a township's people would be neither's."""
    scope = session_scope()
    if scope.county:
        return COUNTY_SCOPE
    places = scope.townships | scope.sites
    return next(iter(places)) if len(places) == 1 and not scope.buildings else None


def scope_places(scope: Scope) -> str:
    """The places of a limited scope, for the sidebar ("" for the whole county)."""
    if scope.county:
        return ""
    names = sorted(scope.townships) + sorted(scope.sites)
    names += [f"{site} {building}" for site, building in sorted(scope.buildings)]
    return "、".join(names)


@st.cache_resource(max_entries=64, show_spinner=False)
def _scoped_frames(url: str, version: int, scope: Scope) -> Frames:
    # A small key (a frozen Scope of a few names): the cut costs ~25 ms on a county's frames,
    # once per version and scope instead of on every click of every session.
    return _store_frames(url, version).scoped(scope)


def frames() -> Frames:
    """The store's frames, cut to this session's scope."""
    url = database_url()
    return _scoped_frames(url, _version(url), session_scope())


def computed(compute: Callable[..., T], *args: Hashable) -> T:
    """`compute(frames(), *args)`, worked out once per data version, scope and arguments, then
    shared by every session and rerun: a second viewer, or the same view again, costs a lookup.

    `compute` must be a module-level function of the frames and `args` alone (small values:
    places, months, names), never of the session (language, full view).
    """
    url = database_url()
    return _computed(_name(compute), url, _version(url), session_scope(), args, compute)


def computed_list(compute: Callable[..., T], *args: Hashable) -> T:
    """`computed` for results that hold lists of people: kept for fewer choices at once (a
    province's list may hold a million rows)."""
    url = database_url()
    return _computed_list(_name(compute), url, _version(url), session_scope(), args, compute)


def _name(compute: Callable) -> str:
    # Functions of different pages may share a name: the file and line tell them apart.
    code = compute.__code__
    return f"{code.co_filename}:{code.co_firstlineno}:{compute.__qualname__}"


@st.cache_resource(max_entries=16, show_spinner=False)
def _computed_list(
    name: str, url: str, version: int, scope: Scope, args: tuple, _compute: Callable[..., T]
) -> T:
    return _compute(_scoped_frames(url, version, scope), *args)


@st.cache_resource(max_entries=512, show_spinner=False)
def _computed(
    name: str, url: str, version: int, scope: Scope, args: tuple, _compute: Callable[..., T]
) -> T:
    # `name` stands for `_compute` in the key (Streamlit leaves `_` arguments out of it); the
    # results are small aggregates, shared read-only.
    return _compute(_scoped_frames(url, version, scope), *args)


def person_slice(months: Sequence[date], place: Place) -> pl.DataFrame:
    """The labour rows of `months` in `place`, cut to this session's scope as `frames()` cuts
    them: `frames().labour` filtered so, read from the months' files alone. Worked out once per
    data version, scope, months and place (`computed_list`)."""
    return computed_list(_person_slice, tuple(sorted({m.replace(day=1) for m in months})), place)


def _person_slice(data: Frames, months: tuple[date, ...], place: Place) -> pl.DataFrame:
    return data.labour_slice(months, place.filter())


def person_rows(id_number: str) -> pl.DataFrame:
    """Every labour row of one person, cut to this session's scope: read from every month's
    file once per data version and scope (seconds at province scale), not on every rerun."""
    return computed_list(_person_rows, id_number)


def _person_rows(data: Frames, id_number: str) -> pl.DataFrame:
    return data.labour_slice(None, pl.col("id_number") == id_number)


def place_held(place: Place) -> bool:
    """Whether this session's frames hold any row of `place`, once per data version and scope:
    down to a building from the household grain, below it from the person rows."""
    return computed(_place_held, place)


def _place_held(data: Frames, place: Place) -> bool:
    if place.household is None and place.id_number is None:
        return not data.households.filter(place.filter()).is_empty()
    return not data.labour_scan().filter(place.filter()).head(1).collect().is_empty()


def report_months() -> tuple[date, ...]:
    """The reporting months in this session's labour ledger, oldest first."""
    return computed(_report_months)


def _report_months(data: Frames) -> tuple[date, ...]:
    # A tuple: the one object is handed to every session. From the household grain: the labour
    # rows' months, without reading every person-month.
    return tuple(data.households.get_column("month").unique().sort())


def report_townships() -> tuple[str, ...]:
    """The townships (of origin) in this session's labour ledger, in name order."""
    return computed(_report_townships)


def _report_townships(data: Frames) -> tuple[str, ...]:
    # The grain's townships are the labour rows' (each row has its grain row).
    return tuple(data.households.get_column("township").drop_nulls().unique().sort())
