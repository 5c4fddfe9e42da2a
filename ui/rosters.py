"""The rosters page's place choice: a township, then a site in it, within the viewer's scope."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.drill import Place
from data.frames import Frames
from ui.state import computed, scope_places, session_scope
from ui.strings import t
from ui.widgets import township_picker, url_bound

EVERYWHERE = ""  # the option "all my places"


def place_picker() -> tuple[Place, str]:
    """The chosen township and site (`?township=…&site=…`), and the place's name."""
    everywhere = scope_places(session_scope()) or t("rosters_county")
    places = computed(_township_sites)
    town_col, site_col = st.columns(2)
    townships = places.get_column("township").drop_nulls().unique().sort().to_list()
    with town_col:
        township = township_picker(townships, key="rosters_township")
    if township:
        places = places.filter(pl.col("township") == township)
    sites = [EVERYWHERE, *places.get_column("site").drop_nulls().unique().sort()]
    every_site = t("all_sites")
    with site_col:
        site = url_bound(
            st.selectbox, t("site"), sites, key="rosters_site", param="site",
            default=EVERYWHERE, format_func=lambda v: v or every_site,
        )  # fmt: skip
    return Place(township=township or None, site=site or None), site or township or everywhere


def _township_sites(data: Frames) -> pl.DataFrame:
    # The household grain's places are the labour rows' (each row has its grain row).
    return data.households.select("township", "site").unique()
