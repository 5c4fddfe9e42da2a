"""The building page's meeting tools: the pack's download buttons, and two forms: a member's
status for the month, and a follow-up note.

Both write through `data.edits` (checked like an import, one batch each). After a save the page
reruns, so that every number on it is read again at the new data version; the outcome is kept
in the session and shown under the form's button in that rerun, where the user is looking.
The meeting mode (pages/meeting.py) draws the same forms on a household's card.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
import streamlit as st

from analytics.building import Review, meeting_end
from analytics.domain import EMPLOYMENT_TYPES, STATUS_UNEMPLOYED, STATUSES, WISHES
from data.edits import EDITABLE, EditResult, add_note, form_number, update_status
from data.frames import Frames
from data.store import get_engine
from ui.format import MISSING, fmt_month
from ui.pack import pack_file_name, pack_pdf, pack_xlsx, site_reviews
from ui.state import account, session_scope
from ui.strings import lang, t
from ui.widgets import file_download, may_export


def _flash(where: str, message: str) -> None:
    """Keep `message` for the rerun a save causes, to be shown at the form `where`."""
    st.session_state[f"{where}_saved"] = message


def _outcome(where: str) -> None:
    """The outcome of the save at form `where` that caused this rerun, once, at the form."""
    saved = st.session_state.pop(f"{where}_saved", None)
    if saved:
        st.success(saved, icon=":material/check_circle:")


def _rejected(result: EditResult, about: str) -> None:
    """Why nothing was saved: which record (`about`), then each reason."""
    lines = "\n".join(f"- {issue.message(lang())}" for issue in result.issues)
    st.error(f"{about}\n\n{lines}", icon=":material/error:")


def _optional(options: tuple[str, ...]) -> list[str | None]:
    return [None, *options]


def _shown(value: object) -> str:
    return MISSING if value is None else str(value)


# The status form's fields: the widget key of each, after the form's own key.
_WIDGETS = {
    "status": "_status",
    "employment_type": "_type",
    "employer": "_employer",
    "work_place": "_place",
    "monthly_income": "_income",
    "wish": "_wish",
    "training_need": "_training",
}


def _form_values(record: dict) -> dict[str, object]:
    """What the status form's widgets show for `record` (a stored value a list lacks: its
    first choice, as before)."""
    types, wishes = _optional(EMPLOYMENT_TYPES), _optional(WISHES)
    income = record["monthly_income"]
    return {
        "status": record["status"] if record["status"] in STATUSES else STATUSES[0],
        "employment_type": (
            record["employment_type"] if record["employment_type"] in types else None
        ),
        "employer": record["employer"] or "",
        "work_place": record["work_place"] or "",
        "monthly_income": "" if income is None else form_number(income),
        "wish": record["wish"] if record["wish"] in wishes else None,
        "training_need": record["training_need"] or "",
    }


def _person_labels(members: pl.DataFrame) -> dict[str, str]:
    return {
        row["id_number"]: t("bld_person_option", room=row["room"], name=row["name"],
                            status=_shown(row["status"]))
        for row in members.iter_rows(named=True)
    }  # fmt: skip


def status_form(
    review: Review,
    labour: pl.DataFrame,
    *,
    members: pl.DataFrame | None = None,
    picker: str = "update_person",
) -> None:
    """Pick a member (of `members`, default the whole building), see their record of the month
    (from `labour`: the ledger, or its rows of the month), change it, save. `picker` is the
    member select's key.

    The record as the form was first drawn is kept in the session: a save sends only the fields
    changed since, and is refused when someone else changed the record in between (two
    captains at one door). The page reruns with every change, so the record read at the click
    is already the other's: it cannot tell what this form was drawn from.
    """
    members = review.members if members is None else members
    if members.is_empty():
        return
    labels = _person_labels(members)
    # The meeting asks first about those without work: the first of them is chosen to begin with.
    idle = members.filter(pl.col("status") == STATUS_UNEMPLOYED).get_column("id_number")
    if (saved_for := st.session_state.pop(f"{picker}_chosen", None)) in labels:
        st.session_state[picker] = saved_for
    chosen = st.selectbox(
        t("bld_update_person"),
        list(labels),
        index=list(labels).index(idle[0]) if idle.len() else 0,
        format_func=labels.get,
        key=picker,
    )
    now = labour.filter((pl.col("id_number") == chosen) & (pl.col("month") == review.month)).row(
        0, named=True
    )
    key = form_key(chosen, review.month)
    keys = {name: f"{key}{suffix}" for name, suffix in _WIDGETS.items()}
    drawn_key = f"{key}_drawn"
    if drawn_key not in st.session_state or any(k not in st.session_state for k in keys.values()):
        # Drawn afresh (first shown, shown again after another member, saved, or overtaken).
        st.session_state[drawn_key] = {name: now[name] for name in EDITABLE}
        for name, value in _form_values(now).items():
            st.session_state[keys[name]] = value
    drawn = st.session_state[drawn_key]
    overtaken = st.session_state.pop(f"{key}_overtaken", None)
    if overtaken:
        st.error(overtaken, icon=":material/sync_problem:")
    with st.form(key, border=False):
        left, right = st.columns(2)
        status = left.selectbox(t("status"), STATUSES, key=keys["status"])
        employment_type = right.selectbox(
            t("employment_type"), _optional(EMPLOYMENT_TYPES), format_func=_shown,
            key=keys["employment_type"], placeholder=MISSING,
        )  # fmt: skip
        employer = left.text_input(t("employer"), key=keys["employer"])
        work_place = right.text_input(t("work_place"), key=keys["work_place"])
        income = left.text_input(t("monthly_income"), key=keys["monthly_income"])
        wish = right.selectbox(
            t("wish"), _optional(WISHES), format_func=_shown, key=keys["wish"],
            placeholder=MISSING,
        )  # fmt: skip
        training = left.text_input(t("training_need"), key=keys["training_need"])
        # Beside the last field: the button stays in sight on a laptop's screen.
        saved = right.form_submit_button(
            t("bld_update_save"), type="primary", width="stretch", key=f"{key}_save"
        )
    _outcome(picker)
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
        seen=drawn,
        scope=session_scope(),
    )
    if result.overtaken:
        # Drawn again with the record as it is now, the refusal above it.
        del st.session_state[drawn_key]
        st.session_state[f"{key}_overtaken"] = result.report(lang())
        st.rerun()
    if not result.ok:
        kept = " · ".join(
            _shown(now[name]) for name in ("status", "employment_type", "employer") if now[name]
        )
        about = t(
            "meeting_status_refused",
            room=now["room"],
            name=now["name"],
            month=fmt_month(review.month),
            now=kept or MISSING,
        )
        _rejected(result, about)
        return
    if not result.changed:
        st.info(t("bld_update_same"))
        return
    del st.session_state[drawn_key]  # the saved record is the one to draw from next
    # Chosen again in the rerun, before the picker is drawn: it then shows the saved status.
    st.session_state[f"{picker}_chosen"] = chosen
    changes = "；".join(
        f"{t(name)} {_shown(old)} → {_shown(new)}" for name, (old, new) in result.changed.items()
    )
    _flash(picker, t("bld_update_saved", name=now["name"], changes=changes))
    st.rerun()


def note_form(review: Review, *, household: str | None = None, key: str = "note") -> None:
    """Pick a household (or write for `household` alone), write what was done and what comes
    next, save. `key` is the form's key."""
    households = review.households
    if household is not None:
        households = households.filter(pl.col("household") == household)
    if households.is_empty():
        return
    labels = {
        row["household"]: t("bld_household_option", room=row["room"], head=row["head_name"])
        for row in households.iter_rows(named=True)
    }
    with st.form(key, clear_on_submit=True, border=False):
        if household is None:
            household = st.selectbox(
                t("bld_note_household"), list(labels), format_func=labels.get,
                key=f"{key}_household",
            )  # fmt: skip
        left, right = st.columns(2)
        # By default the last day that still belongs to this review (today, for the current one).
        today = dt.date.today()
        noted_on = left.date_input(
            t("noted_on"), min(today, meeting_end(review.month)), max_value=today,
            format="YYYY-MM-DD", key=f"{key}_date",
        )  # fmt: skip
        author = right.text_input(t("author"), review.captain["captain"] or "", key=f"{key}_by")
        text = st.text_area(t("text"), key=f"{key}_text", height=90)
        next_step = st.text_input(t("next_step"), key=f"{key}_next")
        saved = st.form_submit_button(t("bld_note_save"), type="primary", width="stretch")
    _outcome(key)
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
    row = households.filter(pl.col("household") == household).row(0, named=True)
    if not result.ok:
        _rejected(result, t("meeting_note_refused", room=row["room"], head=row["head_name"]))
        return
    _flash(key, t("bld_note_saved", room=row["room"], head=row["head_name"]))
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
