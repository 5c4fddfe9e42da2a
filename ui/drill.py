"""The drill path in the URL, the breadcrumb, and turning a click into the next level."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from analytics.drill import Place
from ui.format import mask_id
from ui.state import scope_places, session_scope
from ui.strings import t

DRILL_KEYS = ("township", "site", "building", "household", "person")


def current_place(labour: pl.DataFrame) -> Place:
    """The place in the URL; a place the data does not know falls back to the county."""
    place = Place.from_query(st.query_params.to_dict())
    if place.id_number is not None:
        place = replace(place, id_number=_unmasked(labour, place))
    if place.level != "county" and labour.filter(place.filter()).is_empty():
        st.warning(t("place_unknown"))
        return Place()
    return place


def url_query(place: Place) -> dict[str, str]:
    """The place as URL parameters, a person by their masked ID number.

    URLs end up in browser histories, server logs and chat messages: never a whole ID number.
    Within one household the masked number still tells its members apart.
    """
    query = place.to_query()
    if "person" in query:
        query["person"] = mask_id(query["person"])
    return query


def _unmasked(labour: pl.DataFrame, place: Place) -> str:
    members = labour.filter(pl.col("household") == place.household).get_column("id_number")
    for id_number in members.unique().sort():
        if mask_id(id_number) == place.id_number:
            return id_number
    return place.id_number  # matches nobody: the caller says the place is unknown


def go(place: Place) -> None:
    """Show `place`: the path goes into the URL (a link or reload opens the same place)."""
    for key in DRILL_KEYS:
        st.query_params.pop(key, None)
    st.query_params.update(url_query(place))
    # Fresh keys for the charts and tables of the next level: an old click must not replay.
    st.session_state["drill_round"] = st.session_state.get("drill_round", 0) + 1
    st.rerun()


def widget_key(name: str) -> str:
    """A key for a clickable chart or table, new after every move."""
    return f"drill_{name}_{st.session_state.get('drill_round', 0)}"


def crumbs(place: Place, labour: pl.DataFrame) -> list[tuple[str, Place]]:
    """The breadcrumb: (label, place) from the top of the viewer's scope down to `place`.

    The top is the county, or for a township officer or captain the places they may see.
    """
    trail = [(scope_places(session_scope()) or t("county"), Place())]
    path = Place()
    for field in ("township", "site", "building", "household", "id_number"):
        value = getattr(place, field)
        if value is None:
            continue
        path = Place(**{**path.__dict__, field: value})
        trail.append((_label(field, value, labour), path))
    return trail


def _label(field: str, value: str, labour: pl.DataFrame) -> str:
    if field == "building":
        return t("building_label", building=value)
    if field == "household":
        row = labour.filter(pl.col("household") == value).select("room", "head_name").row(0)
        return t("household_label", room=row[0], head=row[1])
    if field == "id_number":
        name = labour.filter(pl.col("id_number") == value).get_column("name")[0]
        return f"{name}（{mask_id(value)}）"
    return value


def breadcrumb(place: Place, labour: pl.DataFrame) -> None:
    """County › township › site › building › household › person; each step but the last links."""
    path = crumbs(place, labour)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        for index, (label, target) in enumerate(path):
            if index == len(path) - 1:
                st.markdown(f"**{label}**")
                break
            if st.button(
                label,
                type="tertiary",
                key=f"crumb_{index}",
                icon=":material/arrow_upward:" if index == len(path) - 2 else None,
            ):
                go(target)
            st.markdown("›")


def chosen_row(event, frame: pl.DataFrame, column: str) -> str | None:
    """The `column` value of the row clicked in a dataframe with on_select, if any."""
    rows = event.selection.rows if event is not None else []
    return frame.get_column(column)[rows[0]] if rows else None


def chosen_bar(event) -> str | None:
    """The group of the bar clicked in a `charts.rate_bars` chart with on_select, if any."""
    points = event.selection.points if event is not None else []
    return points[0]["customdata"][2] if points else None
