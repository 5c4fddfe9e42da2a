"""The compliance audit's standards on the page: the caption naming those used, the workbook's
standards sheet, and the administrator's form (`data.standards` checks and saves)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.audit import Standards
from data.standards import changes_text, save_standards
from data.store import get_engine
from ui.strings import lang, t


def standards_sheet(standards: Standards) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "standard": [
                t("cmp_std_transport"),
                t("cmp_std_living"),
                t("cmp_std_age"),
                t("cmp_std_stable"),
            ],
            "standard_value": [
                f"{standards.transport_per_year:,.2f}",
                f"{standards.living_per_payment:,.2f}",
                f"{standards.min_age}–{standards.max_age}",
                f"{standards.stable_months}",
            ],
        }
    )


def yuan(value: float) -> str:
    """500 → "500", 140.5 → "140.50": a standard as it was set."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _values(standards: Standards) -> dict[str, object]:
    """The standards as a caption names them."""
    return {
        "transport": yuan(standards.transport_per_year),
        "living": yuan(standards.living_per_payment),
        "min_age": standards.min_age,
        "max_age": standards.max_age,
        "months": standards.stable_months,
    }


def standards_caption(standards: Standards) -> str:
    """The line every list of cases carries: which standards it used."""
    return t("cmp_standards", **_values(standards))


FORM_KEYS = ("std_transport", "std_living", "std_min_age", "std_max_age", "std_stable")


def standards_form(standards: Standards, user: str) -> None:
    """The administrator's form: the five standards, save, and back to domain.md's defaults.
    A save that changes something reruns the page, whose cases then follow the new standards."""
    # What the form showed: a save is refused when another administrator saved in between.
    seen = st.session_state.get("std_seen", standards)
    st.session_state["std_seen"] = standards
    defaults = Standards()
    with st.expander(t("std_edit"), icon=":material/tune:"):
        st.caption(t("std_defaults", **_values(defaults)))
        with st.form("std_form", border=False):
            cells = st.columns(5)
            money = {"step": 10.0, "format": "%.2f"}
            whole = {"step": 1}
            transport = cells[0].number_input(
                t("std_transport"), value=float(standards.transport_per_year), key=FORM_KEYS[0],
                **money,
            )  # fmt: skip
            living = cells[1].number_input(
                t("std_living"), value=float(standards.living_per_payment), key=FORM_KEYS[1],
                **money,
            )  # fmt: skip
            min_age = cells[2].number_input(
                t("std_min_age"), value=standards.min_age, key=FORM_KEYS[2], **whole
            )
            max_age = cells[3].number_input(
                t("std_max_age"), value=standards.max_age, key=FORM_KEYS[3], **whole
            )
            months = cells[4].number_input(
                t("std_stable"), value=standards.stable_months, key=FORM_KEYS[4], **whole
            )
            save_col, reset_col, _ = st.columns([1, 1, 3])
            save = save_col.form_submit_button(t("std_save"), type="primary")
            reset = reset_col.form_submit_button(t("std_reset"))
    if not (save or reset):
        return
    wanted = defaults if reset else Standards(transport, living, min_age, max_age, months)
    result = save_standards(get_engine(), wanted, user=user, seen=seen)
    if not result.ok:
        # A line per problem (Markdown needs two spaces for a line break).
        problems = result.report(lang()).replace("\n", "  \n")
        st.error(t("std_refused", problems=problems), icon=":material/error:")
        return
    if not result.changed:
        st.info(t("std_unchanged"))
        return
    st.session_state["std_flash"] = t("std_saved", changes=changes_text(result.changed, lang()))
    for key in (*FORM_KEYS, "std_seen"):
        st.session_state.pop(key, None)
    st.rerun()
