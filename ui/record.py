"""The building page's meeting tools: the pack's download buttons, and two forms: a member's
status for the month, and a follow-up note.

Both write through `data.edits` (checked like an import, one batch each). After a save the page
reruns, so that every number on it is read again at the new data version; the outcome is kept
in the session and shown at the top of that rerun.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from analytics.building import Review, meeting_end
from analytics.domain import EMPLOYMENT_TYPES, STATUS_UNEMPLOYED, STATUSES, WISHES
from data.edits import EditResult, add_note, update_status
from data.frames import Frames
from data.store import get_engine
from ui.format import MISSING
from ui.pack import pack_file_name, pack_pdf, pack_xlsx, site_reviews
from ui.state import account, session_scope
from ui.strings import lang, t
from ui.widgets import file_download, may_export

_FLASH = "building_saved"


def show_outcome() -> None:
    """The outcome of the save that caused this rerun, once."""
    saved = st.session_state.pop(_FLASH, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")


def _rejected(result: EditResult) -> None:
    lines = "\n".join(f"- {issue.message(lang())}" for issue in result.issues)
    st.error(f"{t('bld_rejected')}\n\n{lines}", icon=":material/error:")


def _optional(options: tuple[str, ...]) -> list[str | None]:
    return [None, *options]


def _shown(value: object) -> str:
    return MISSING if value is None else str(value)


def status_form(review: Review, labour: pl.DataFrame) -> None:
    """Pick a member, see their record of the month (from the ledger `labour`), change it, save."""
    members = review.members
    if members.is_empty():
        return
    labels = {
        row["id_number"]: t("bld_person_option", room=row["room"], name=row["name"],
                            status=_shown(row["status"]))
        for row in members.iter_rows(named=True)
    }  # fmt: skip
    # The meeting asks first about those without work: the first of them is chosen to begin with.
    idle = members.filter(pl.col("status") == STATUS_UNEMPLOYED).get_column("id_number")
    chosen = st.selectbox(
        t("bld_update_person"),
        list(labels),
        index=list(labels).index(idle[0]) if idle.len() else 0,
        format_func=labels.get,
        key="update_person",
    )
    now = labour.filter((pl.col("id_number") == chosen) & (pl.col("month") == review.month)).row(
        0, named=True
    )
    key = form_key(chosen, review.month)
    with st.form(key, border=False):
        left, right = st.columns(2)
        status = left.selectbox(
            t("status"), STATUSES, index=_index(STATUSES, now["status"]), key=f"{key}_status"
        )
        types = _optional(EMPLOYMENT_TYPES)
        employment_type = right.selectbox(
            t("employment_type"), types, index=_index(types, now["employment_type"]),
            format_func=_shown, key=f"{key}_type",
        )  # fmt: skip
        employer = left.text_input(t("employer"), now["employer"] or "", key=f"{key}_employer")
        work_place = right.text_input(t("work_place"), now["work_place"] or "", key=f"{key}_place")
        income = left.text_input(
            t("monthly_income"),
            "" if now["monthly_income"] is None else f"{now['monthly_income']:g}",
            key=f"{key}_income",
        )
        wishes = _optional(WISHES)
        wish = right.selectbox(
            t("wish"), wishes, index=_index(wishes, now["wish"]), format_func=_shown,
            key=f"{key}_wish",
        )  # fmt: skip
        training = left.text_input(
            t("training_need"), now["training_need"] or "", key=f"{key}_training"
        )
        saved = st.form_submit_button(t("bld_update_save"), type="primary")
    if not saved:
        return
    values = {
        "status": status,
        "employment_type": employment_type,
        "employer": employer,
        "work_place": work_place,
        "monthly_income": income,
        "wish": wish,
        "training_need": training,
    }
    result = update_status(
        get_engine(),
        id_number=chosen,
        month=review.month,
        values=values,
        user=signed_in_name(),
        seen={name: now[name] for name in values},
        scope=session_scope(),
    )
    if not result.ok:
        _rejected(result)
        return
    if not result.changed:
        st.info(t("bld_update_same"))
        return
    changes = "；".join(
        f"{t(name)} {_shown(old)} → {_shown(new)}" for name, (old, new) in result.changed.items()
    )
    st.session_state[_FLASH] = t("bld_update_saved", name=now["name"], changes=changes)
    st.rerun()


def note_form(review: Review) -> None:
    """Pick a household, write what was done and what comes next, save."""
    households = review.households
    if households.is_empty():
        return
    labels = {
        row["household"]: t("bld_household_option", room=row["room"], head=row["head_name"])
        for row in households.iter_rows(named=True)
    }
    with st.form("note", clear_on_submit=True, border=False):
        household = st.selectbox(
            t("bld_note_household"), list(labels), format_func=labels.get, key="note_household"
        )
        left, right = st.columns(2)
        # By default the last day that still belongs to this review (today, for the current one).
        today = dt.date.today()
        noted_on = left.date_input(
            t("noted_on"), min(today, meeting_end(review.month)), max_value=today,
            format="YYYY-MM-DD", key="note_date",
        )  # fmt: skip
        author = right.text_input(t("author"), review.captain["captain"] or "", key="note_by")
        text = st.text_area(t("text"), key="note_text", height=90)
        next_step = st.text_input(t("next_step"), key="note_next")
        saved = st.form_submit_button(t("bld_note_save"), type="primary")
    if not saved:
        return
    result = add_note(
        get_engine(),
        household=household,
        noted_on=noted_on,
        author=author,
        text=text,
        next_step=next_step,
        user=signed_in_name(),
        scope=session_scope(),
    )
    if not result.ok:
        _rejected(result)
        return
    row = households.filter(pl.col("household") == household).row(0, named=True)
    st.session_state[_FLASH] = t("bld_note_saved", room=row["room"], head=row["head_name"])
    st.rerun()


def form_key(id_number: str, month: dt.date) -> str:
    """The status form's key: fresh fields for each person and month.

    Widget keys reach the browser, so the ID number goes in only as a hash.
    """
    return f"update_{hashlib.sha256(id_number.encode()).hexdigest()[:12]}_{month:%Y%m}"


def signed_in_name() -> str:
    """Who saves: the signed-in user name, whatever name they type as the author."""
    signed_in = account()
    return signed_in.username if signed_in else "?"


def _index(options, value) -> int:
    return list(options).index(value) if value in options else 0


def pack_buttons(frames: Frames, review: Review, *, full: bool) -> None:
    """The meeting pack, one click each: this building (PDF, Excel) and the whole site (PDF).

    Only for roles that may export; each file is made on its click and put in the audit log.
    """
    if not may_export():
        return
    site, building, month = review.place.site, review.place.building, review.month
    packs = (
        ("bld_pack_pdf", lambda: pack_pdf([review], full_view=full), building, ".pdf"),
        (
            "bld_pack_site_pdf",
            lambda: pack_pdf(site_reviews(frames, site, month), full_view=full),
            None,
            ".pdf",
        ),
        ("bld_pack_xlsx", lambda: pack_xlsx([review], full_view=full), building, ".xlsx"),
    )
    with st.container(horizontal=True, vertical_alignment="center"):
        for label, make, one, suffix in packs:
            file_download(
                make,  # a site's pack takes seconds
                pack_file_name(site, one, month, suffix),
                key=label,
                full=full,
                label=t(label),
                icon=":material/picture_as_pdf:" if suffix == ".pdf" else ":material/download:",
            )
        st.caption(t("bld_pack_full") if full else t("bld_pack_masked"))
