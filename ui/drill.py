"""The drill path in the URL, the breadcrumb, and turning a click into the next level."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.drill import QUERY_KEYS, PathGap, Place, complete_path
from ui.format import mask_id
from ui.state import person_rows, place_held, scope_places, session_scope
from ui.strings import t

DRILL_KEYS = ("township", "site", "building", "household", "person")
GAP_NAMES = 5  # candidates a partial link's warning names; the rest it counts


def root_place() -> Place:
    """Where this viewer's drill path starts: the county, or the one township, site or building
    a limited account holds (a township officer lands on their township, not on a county
    layout cut to it)."""
    scope = session_scope()
    if scope.county:
        return Place()
    if len(scope.townships) == 1 and not scope.sites and not scope.buildings:
        return Place(township=next(iter(scope.townships)))
    if len(scope.sites) == 1 and not scope.townships and not scope.buildings:
        return Place(site=next(iter(scope.sites)))
    if len(scope.buildings) == 1 and not scope.townships and not scope.sites:
        site, building = next(iter(scope.buildings))
        return Place(site=site, building=building)
    return Place()


def current_place(labour: pl.LazyFrame) -> Place:
    """The place in the URL, its missing links filled in from the data where they are unique;
    a path the data cannot complete stops above the gap and says so, a place the data does not
    know falls back to the viewer's top place. `labour`: `Frames.labour_scan()`, of which only
    the rows of the place are read."""
    query = st.query_params.to_dict()
    values = {field: (query.get(key) or "").strip() or None for field, key in QUERY_KEYS.items()}
    if values["id_number"] is not None:
        values["id_number"] = _unmasked(labour, values["household"], values["id_number"])
    place, gap = complete_path(labour, values)
    if gap is not None:
        st.warning(_gap_message(gap))
    if place.level == "county":
        place = root_place()
    elif not place_held(place):
        st.warning(t("place_unknown"))
        place = root_place()
    if place != st.session_state.get("drill_place"):
        # Reached by a click, Back/Forward or a link: the charts and tables of this level get
        # fresh keys, so a selection made on another level cannot replay here.
        st.session_state["drill_place"] = place
        st.session_state["drill_round"] = st.session_state.get("drill_round", 0) + 1
    return place


def _gap_message(gap: PathGap) -> str:
    def named(field: str, value: str) -> str:
        if field == "building":
            return t("building_label", building=value)
        return mask_id(value) if field == "id_number" else value

    given = named(gap.given, gap.value)
    needed = t("household_code" if gap.needed == "household" else gap.needed)
    if not gap.candidates:
        return t("place_gap_none", given=given, needed=needed)
    listed = "、".join(named(gap.needed, c) for c in gap.candidates[:GAP_NAMES])
    if len(gap.candidates) > GAP_NAMES:
        listed = t("place_gap_more", names=listed, count=len(gap.candidates), needed=needed)
    return t("place_gap_many", given=given, needed=needed, candidates=listed)


def url_query(place: Place) -> dict[str, str]:
    """The place as URL parameters, a person by their masked ID number.

    URLs end up in browser histories, server logs and chat messages: never a whole ID number.
    Within one household the masked number still tells its members apart.
    """
    query = place.to_query()
    if "person" in query:
        query["person"] = mask_id(query["person"])
    return query


def _unmasked(labour: pl.LazyFrame, household: str | None, masked_id: str) -> str:
    """The ID number shown as `masked_id` in `household` (anywhere when the link names no
    household and one person alone matches); `masked_id` itself when nobody does."""
    people = labour if household is None else labour.filter(pl.col("household") == household)
    ids = people.select(pl.col("id_number").unique().sort()).collect().get_column("id_number")
    matches = [id_number for id_number in ids if mask_id(id_number) == masked_id]
    # Several people of the county may share a masked number: then the link needs its household.
    return matches[0] if len(matches) == 1 else masked_id


def go(place: Place) -> None:
    """Show `place`: the path goes into the URL (a link or reload opens the same place).

    One write of the whole query: each write is one entry of the browser's history, and one
    step down must be one step back.
    """
    others = {k: st.query_params.get_all(k) for k in st.query_params if k not in DRILL_KEYS}
    st.query_params.from_dict({**others, **url_query(place)})
    st.rerun()


def widget_key(name: str) -> str:
    """A key for a clickable chart or table, new after every move."""
    return f"drill_{name}_{st.session_state.get('drill_round', 0)}"


def crumbs(place: Place, labour: pl.LazyFrame) -> list[tuple[str, Place]]:
    """The breadcrumb: (label, place) from the top of the viewer's scope down to `place`.

    The top is the county, the one township, site or building of a limited account
    (`root_place`), or else the places it may see.
    """
    root = root_place()
    if root.level == "county":
        top = scope_places(session_scope()) or t("county")
    else:
        top = _label(root.level, getattr(root, root.level), labour)
    trail = [(top, root)]
    path = root
    for field in ("township", "site", "building", "household", "id_number"):
        value = getattr(place, field)
        if value is None or getattr(root, field) == value:
            continue
        path = Place(**{**path.__dict__, field: value})
        trail.append((_label(field, value, labour), path))
    return trail


def _label(field: str, value: str, labour: pl.LazyFrame) -> str:
    if field == "building":
        return t("building_label", building=value)
    if field == "household":
        household = labour.filter(pl.col("household") == value).select("room", "head_name")
        room, head = household.first().collect().row(0)
        return t("household_label", room=room, head=head)
    if field == "id_number":
        name = person_rows(value).get_column("name")[0]
        return f"{name}（{mask_id(value)}）"
    return value


def breadcrumb(place: Place, labour: pl.LazyFrame) -> None:
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
    """The `column` value of the row clicked in a dataframe with on_select, if any: by its
    checkbox or by any of its cells (`views.table` selects single rows and single cells)."""
    if event is None:
        return None
    rows = list(event.selection.rows) or [row for row, _ in event.selection.get("cells", [])]
    return frame.get_column(column)[rows[0]] if rows else None


def chosen_bar(event) -> str | None:
    """The group of the bar clicked in a `charts.rate_bars` chart with on_select, if any."""
    points = event.selection.points if event is not None else []
    return points[0]["customdata"][2] if points else None


# What a page carries to the next: the month, the place where pages have that notion (the
# overview's household and person stay behind), and the language.
CONTEXT_KEYS = ("month", "township", "site", "building", "lang")


def context_query(**more: str) -> dict[str, str]:
    """The month, place and language of the page shown, from its URL, for a link to another
    page (`more` adds to them)."""
    here = st.query_params.to_dict()
    return {key: here[key] for key in CONTEXT_KEYS if here.get(key)} | more
