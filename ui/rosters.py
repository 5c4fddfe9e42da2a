"""The rosters page's place choice: a township, then a site in it, within the viewer's scope."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui.state import scope_places, session_scope
from ui.strings import t
from ui.widgets import township_picker, url_bound

EVERYWHERE = ""  # the option "all my places"


def place_picker(labour: pl.DataFrame) -> tuple[pl.DataFrame, str]:
    """The rows of the chosen township and site (`?township=…&site=…`), and the place's name."""
    everywhere = scope_places(session_scope()) or t("rosters_county")
    town_col, site_col = st.columns(2)
    townships = labour.get_column("township").drop_nulls().unique().sort().to_list()
    with town_col:
        township = township_picker(townships, key="rosters_township")
    if township:
        labour = labour.filter(pl.col("township") == township)
    sites = [EVERYWHERE, *labour.get_column("site").drop_nulls().unique().sort()]
    every_site = t("all_sites")
    with site_col:
        site = url_bound(
            st.selectbox, t("site"), sites, key="rosters_site", param="site",
            default=EVERYWHERE, format_func=lambda v: v or every_site,
        )  # fmt: skip
    if site:
        labour = labour.filter(pl.col("site") == site)
    return labour, site or township or everywhere
