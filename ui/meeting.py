"""The meeting mode's widgets: which building, where the meeting is, the household's card and
the end of the meeting with its pack.

The card's forms are the building page's (`ui.record`), one set per household: a save shows its
confirmation under the form's button and the card's table shows the new values.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from analytics.building import Review
from analytics.domain import STATUS_UNEMPLOYED
from analytics.drill import Place
from data.frames import Frames
from ui import casework, record, views
from ui.format import MISSING, fmt_yuan
from ui.state import account
from ui.strings import t

# What the card shows of a member, of a fitting posting, of a follow-up.
POSTING_COLUMNS = ("name", "rank", "employer", "title", "work_place", "reason")
NOTE_COLUMNS = ("noted_on", "author", "text", "next_step")
POSTINGS_PER_PERSON = 3

# Touch-sized controls (a captain on a home visit holds a phone), and the card's title line
# wrapping rather than running off a narrow screen.
_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-meeting_controls button { min-height: 3rem; }
.st-key-meeting_card h3, .st-key-meeting_card h4 { overflow-wrap: anywhere; }
</style>
"""


def style() -> None:
    """The meeting page's few rules of layout."""
    st.html(_CSS)


def _place_key(site: str, building: str) -> str:
    return f"{site}/{building}"


def building_picker(buildings: pl.DataFrame) -> Place | None:
    """The meeting's building: the URL's (?site=…&building=…), else the first of the viewer's.

    A viewer with several buildings gets a select; one outside the viewer's places, or unknown,
    is refused without saying whether it exists (as on the building page). None when refused.
    """
    pairs = [_place_key(s, b) for s, b in buildings.select("site", "building").iter_rows()]
    if not pairs:
        st.info(t("meeting_no_building"))
        return None
    site, building = st.query_params.get("site"), st.query_params.get("building")
    wanted = _place_key(site, building) if site and building else None
    if wanted is not None and wanted not in pairs:
        st.error(t("not_in_scope", place=f"{site} {building}"), icon=":material/block:")
        return None
    if "meeting_place" not in st.session_state or wanted not in (
        None,
        st.session_state.get("meeting_place"),
    ):
        st.session_state["meeting_place"] = wanted or pairs[0]
    if len(pairs) > 1:
        st.selectbox(
            t("building"),
            pairs,
            key="meeting_place",
            format_func=lambda key: t("meeting_place_option", site=key.split("/")[0],
                                      building=key.split("/", 1)[1]),
        )  # fmt: skip
    site, building = st.session_state["meeting_place"].split("/", 1)
    st.query_params.update(site=site, building=building)
    return Place(site=site, building=building)


def session(place: Place, month: dt.date) -> dict:
    """Where this session's meeting on `place` and `month` is: the household shown (`at`), the
    households gone through (`visited`), when it began and whether it ended."""
    key = f"meeting_{place.site}_{place.building}_{month:%Y-%m}"
    if key not in st.session_state:
        st.session_state[key] = {
            "at": None,
            "visited": set(),
            "began": dt.datetime.now(dt.UTC),
            "ended": False,
        }
    return st.session_state[key]


def zero_first() -> bool:
    """Whether the meeting takes zero-employment households first (the controls' toggle)."""
    return bool(st.session_state.get("meeting_zero_first", False))


def _go(state: dict, household: str) -> None:
    state["at"] = household


def controls(state: dict, codes: list[str], position: int, gone: int, total: int) -> None:
    """Previous and next household (also ← and →), the progress, a household by room, the end."""

    with st.container(horizontal=True, vertical_alignment="center", key="meeting_controls"):
        st.button(
            t("meeting_prev"),
            icon=":material/arrow_back:",
            shortcut="Left",
            disabled=position == 0,
            on_click=_go,
            args=(state, codes[max(position - 1, 0)]),
            key="meeting_prev",
        )
        st.button(
            t("meeting_next"),
            icon=":material/arrow_forward:",
            shortcut="Right",
            type="primary",
            disabled=position == len(codes) - 1,
            on_click=_go,
            args=(state, codes[min(position + 1, len(codes) - 1)]),
            key="meeting_next",
        )
        st.markdown(
            t("meeting_progress", gone=gone, total=total, position=position + 1),
            width="content",
        )
        # Asked for, the zero-employment households come first: the walk starts again at them.
        st.toggle(
            t("meeting_zero_first"),
            key="meeting_zero_first",
            on_change=lambda: state.update(at=None),
        )
        st.button(
            t("meeting_end"),
            icon=":material/flag:",
            on_click=lambda: state.update(ended=True),
            key="meeting_end",
        )


def card(
    review: Review,
    home: dict,
    members: pl.DataFrame,
    labour: pl.DataFrame,
    *,
    editable: bool,
    cases: pl.DataFrame | None = None,
) -> None:
    """One household: who lives there and what they do, its casework (`cases`: its worklist
    rows), the postings that fit those without work, what was done for them; and, for those who
    may, the forms to record the meeting and to move its cases."""
    cases = cases if cases is not None else pl.DataFrame()
    household = home["household"]
    with st.container(border=True, key="meeting_card"):
        head = home["head_name"] or MISSING
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(
                f"#### {t('meeting_card_title', room=home['room'], head=head)}", width="content"
            )
            if home["zero_employment"]:
                st.badge(t("meeting_zero_badge"), color="red", icon=":material/warning:")
            st.caption(
                t(
                    "meeting_card_counts",
                    members=home["members"],
                    labour_force=home["labour_force"],
                    employed=home["employed"],
                )
            )
        facts, forms = st.columns([3, 2], gap="medium") if editable else (st.container(), None)
        with facts:
            _member_lines(members)
            casework.card_lines(cases)
            fits = review.matches.filter(
                (pl.col("household") == household) & (pl.col("rank") <= POSTINGS_PER_PERSON)
            )
            notes = review.notes.filter(pl.col("household") == household)
            postings_tab, notes_tab = st.tabs(
                [
                    t("meeting_postings_tab", count=fits.height),
                    t("meeting_notes_tab", count=notes.height),
                ]
            )
            with postings_tab:
                if fits.is_empty():
                    st.caption(t("meeting_postings_none"))
                else:
                    views.table(fits.select(POSTING_COLUMNS), key=f"meeting_fits_{household}")
            with notes_tab:
                if notes.is_empty():
                    st.caption(t("bld_notes_none"))
                else:
                    views.table(notes.select(NOTE_COLUMNS), key=f"meeting_notes_{household}")
        if forms is None:
            st.caption(t("read_only"))
            return
        with forms:
            tabs = [t("bld_update_title"), t("bld_note_title")]
            if not cases.is_empty():
                tabs.append(t("cw_card_tab", count=cases.height))
            status_tab, note_tab, *case_tab = st.tabs(tabs)
            # Keys of their own per household: each card's forms start from its own members.
            tag = record.form_key(household, review.month)
            with status_tab:
                record.status_form(review, labour, members=members, picker=f"{tag}_person")
            with note_tab:
                record.note_form(review, household=household, key=f"{tag}_note")
            for tab in case_tab:
                with tab:
                    casework.subject_form(cases, key=f"{tag}_case")


def _member_lines(members: pl.DataFrame) -> None:
    """Every member on a line of their own that wraps: all of it readable beside the forms and
    on a phone, where a table's columns would run off to the right."""
    lines = []
    for m in members.iter_rows(named=True):
        status = m["status"] or MISSING
        if status == STATUS_UNEMPLOYED:
            status = f":red[**{status}**]"
        job = " · ".join(
            part for part in (m["employment_type"], m["employer"], m["work_place"]) if part
        )
        income = fmt_yuan(m["monthly_income"]) if m["monthly_income"] is not None else None
        details = [
            f"{t('wish')} {m['wish'] or MISSING}",
            f"{t('training_need')} {m['training_need'] or MISSING}",
        ]
        who = f"**{m['name']}**（{m['relation'] or MISSING} · {m['capacity'] or MISSING}）"
        work = " · ".join(part for part in (status, job, income) if part)
        lines.append(f"- {who} {work}  \n  :gray[{' · '.join(details)}]")
    st.markdown("\n".join(lines))


def summary(data: Frames, review: Review, state: dict, order: pl.DataFrame, *, full: bool) -> None:
    """The end of the meeting: how far it got, what it recorded, and the pack made from that."""
    visited = order.filter(pl.col("household").is_in(list(state["visited"])))
    me = account().username if account() else None
    place = review.place
    here = (pl.col("site") == place.site) & (pl.col("building") == place.building)
    updates = data.edits.filter(
        here
        & (pl.col("month") == review.month)
        & (pl.col("user") == me)
        & (pl.col("edited_at") >= state["began"])
    )
    notes = data.notes.filter(
        here & (pl.col("user") == me) & (pl.col("recorded_at") >= state["began"])
    )
    with st.container(border=True, key="meeting_summary"):
        st.subheader(t("meeting_ended_title"))
        st.markdown(
            t(
                "meeting_ended_counts",
                gone=visited.height,
                total=order.height,
                updates=updates.get_column("batch_id").n_unique(),
                notes=notes.height,
            )
        )
        missed = order.filter(~pl.col("household").is_in(list(state["visited"])))
        if not missed.is_empty():
            rooms = "、".join(missed.get_column("room").head(20).to_list())
            more = "…" if missed.height > 20 else ""
            st.caption(t("meeting_missed", count=missed.height, rooms=rooms + more))
        st.caption(t("meeting_pack_hint"))
        record.pack_buttons(data, review, full=full)
        st.button(
            t("meeting_resume"),
            icon=":material/undo:",
            on_click=lambda: state.update(ended=False),
            key="meeting_resume",
        )
