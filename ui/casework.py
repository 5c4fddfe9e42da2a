"""工单 on the pages: a subject's state, owner, due date and note, shown and moved.

One compact form (`case_form`) serves an audit case on 合规审计, and a zero-employment household
or a person wishing to work on the building review and on the meeting card. It saves through
`data.casework.set_case` with the signed-in account's role and places, and with the values it
was drawn from (`seen`): a case someone changed in between is refused and drawn again. After a
save the page reruns at the new data version; the outcome is kept in the session and shown
under the form, as the building page's forms do (`ui.record`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from analytics.audit import CASE_SCHEMA
from analytics.casework import (
    CLOSED_STATES,
    DEFAULT_STATE,
    KIND_AUDIT,
    KIND_HOUSEHOLD,
    OPEN_STATES,
    STATES,
    with_states,
    worklist,
)
from analytics.drill import Place
from data.accounts import Account, enabled_accounts
from data.casework import WORK_ROLES, assign_cases, case_history, may_work, set_case
from data.frames import Frames
from data.store import database_url, get_engine
from ui import views
from ui.format import MISSING, fmt_count
from ui.state import account, current_version, frames
from ui.strings import lang, t
from ui.widgets import kpi, url_bound

_BEIJING = ZoneInfo("Asia/Shanghai")
# The list's columns, named for the screen and the workbook (their headers in ui/strings.py).
_SHOWN = {"state": "cw_state", "owner": "cw_owner", "due": "cw_due", "is_overdue": "cw_overdue"}
_LIST = ("rule", "room", "name", *_SHOWN.values())
_STATE_FILTERS = ("", "open", "closed")


def today() -> dt.date:
    """Today where the county works: a due date is a day in China."""
    return dt.datetime.now(_BEIJING).date()


# --- 合规审计 ---------------------------------------------------------------------------------


def audit_states(cases: pl.DataFrame) -> pl.DataFrame:
    """The compliance page's cases with their state, owner, due date and whether overdue, those
    after the case's period (the order of the cases kept)."""
    stated = with_states(cases, frames().case_work, today()).drop("is_open")
    first = [c for c in ("rule", "id_number", "name", "period") if c in stated.columns]
    return stated.rename(_SHOWN).select(
        *first, *_SHOWN.values(), pl.exclude(*first, *_SHOWN.values())
    )


def open_kpi(column, cases: pl.DataFrame) -> None:
    """未办结: the open cases among `cases` (`audit_states`), and how many of them are overdue."""
    still = cases.filter(pl.col("cw_state").is_in(OPEN_STATES))
    late = still.get_column("cw_overdue").sum()
    kpi(
        column,
        t("cw_kpi_open"),
        fmt_count(still.height, "unit_cases"),
        help=t("cw_kpi_open_help", overdue=late),
    )


def filtered(cases: pl.DataFrame) -> pl.DataFrame:
    """The state filter (全部/未办结/已办结) and the overdue switch, both in the URL
    (`?state=open&overdue=1`), applied to `cases` (`audit_states`)."""
    labels = {"": t("cw_filter_all"), "open": t("cw_filter_open"), "closed": t("cw_filter_closed")}
    with st.container(horizontal=True, vertical_alignment="bottom", key="case_filters"):
        state = url_bound(
            st.segmented_control, t("cw_filter"), list(_STATE_FILTERS), key="case_state",
            param="state", default="", format_func=labels.get, required=True,
        )  # fmt: skip
        overdue = url_bound(
            _switch, t("cw_filter_overdue"), ["", "1"], key="case_overdue", param="overdue",
            default="",
        )  # fmt: skip
    if state or overdue:
        _flashed(_FLASH)  # the saved case may have left the list, and its form with it
    if state:
        cases = cases.filter(
            pl.col("cw_state").is_in(OPEN_STATES if state == "open" else CLOSED_STATES)
        )
    if overdue:
        cases = cases.filter(pl.col("cw_overdue"))
    return cases


def list_key() -> str:
    """The case list's key suffix: a filtered list is another list after each save (the saved
    case may leave it), so that a click chosen on the old one does not pick another case."""
    state, overdue = st.session_state.get("case_state"), st.session_state.get("case_overdue")
    return f"_{state}{overdue}_{current_version()}" if state or overdue else ""


def _switch(label: str, options: list[str], *, key: str, on_change, **kwargs) -> str:
    """A toggle for `ui.widgets.url_bound`: off is `options[0]`, on `options[1]`. The URL-bound
    value lives under `key`; the toggle under a key of its own follows it."""
    off, on = options
    st.session_state[f"{key}_toggle"] = st.session_state.get(key) == on

    def flipped() -> None:
        st.session_state[key] = on if st.session_state[f"{key}_toggle"] else off
        on_change()

    st.toggle(label, key=f"{key}_toggle", on_change=flipped, **kwargs)
    return st.session_state[key]


def picked(event, cases: pl.DataFrame) -> dict | None:
    """The row of `cases` clicked in its table (`views.table(..., clickable=True)`), if any."""
    if event is None:
        return None
    rows = list(event.selection.rows) or [row for row, _ in event.selection.get("cells", [])]
    return cases.row(rows[0], named=True) if rows and rows[0] < cases.height else None


def audit_form(case: dict | None) -> None:
    """The clicked case's form under its evidence (nothing before a click)."""
    if case is None:
        return
    case_form(
        kind=KIND_AUDIT,
        rule=case["rule"],
        subject=case["id_number"],
        period=case["period"],
        about=f"{case['rule']} · {case['name'] or MISSING} · {case['period']}",
        where=(case["township"], case["site"], None),
    )


# --- the building's households and people -----------------------------------------------------


def building_worklist(data: Frames, place: Place, month: dt.date, day: dt.date) -> pl.DataFrame:
    """The building's zero-employment households and people wishing to work in `month`, with
    their states on `day` (`analytics.casework.worklist`, no audit cases), for
    `ui.state.computed`. Households and people of `month` alone: its slice of the building."""
    no_cases = pl.DataFrame(schema=CASE_SCHEMA)
    rows = data.labour_slice([month], place.filter())
    return worklist(no_cases, rows, data.case_work, month, day)


def _listed(cases: pl.DataFrame) -> pl.DataFrame:
    return cases.rename(_SHOWN).select(_LIST)


def _subject(row: dict) -> str:
    return row["household"] if row["kind"] == KIND_HOUSEHOLD else row["id_number"]


def _label(row: dict) -> str:
    late = f" · {t('cw_overdue')}" if row["is_overdue"] else ""
    return t("cw_subject_option", room=row["room"] or MISSING, name=row["name"] or MISSING,
             rule=row["rule"], state=row["state"]) + late  # fmt: skip


def building_section(cases: pl.DataFrame, *, key: str = "building_cases") -> None:
    """The building's open casework (households, then people) with state, owner and due date,
    and for a role that may work it, a form to move one."""
    still = cases.filter(pl.col("is_open"))
    late = still.filter(pl.col("is_overdue")).height
    with st.container(border=True, key=key):
        st.subheader(t("cw_building_title", open=still.height, overdue=late))
        if cases.is_empty():
            st.caption(t("cw_building_none"))
            return
        table_col, form_col = st.columns([3, 2], gap="large")
        with table_col:
            if still.is_empty():
                st.success(t("cw_building_cleared"), icon=":material/check_circle:")
            else:
                views.table(_listed(still), key=f"{key}_table")
            closed = cases.height - still.height
            if closed:
                st.caption(t("cw_building_closed", count=closed))
        with form_col:
            subject_form(cases, key=key)


def subject_form(cases: pl.DataFrame, *, key: str) -> None:
    """Pick one of `cases` (worklist rows; open ones first), then its form."""
    if cases.is_empty():
        return
    ordered = cases.sort("is_open", "is_overdue", descending=True, maintain_order=True)
    rows = {f"{r['kind']}|{_subject(r)}": r for r in ordered.iter_rows(named=True)}
    chosen = st.selectbox(
        t("cw_pick_subject"), list(rows), format_func=lambda k: _label(rows[k]), key=f"{key}_pick"
    )
    row = rows[chosen]
    case_form(
        kind=row["kind"],
        rule=row["rule"],
        subject=_subject(row),
        about=f"{row['room'] or ''} {row['name'] or MISSING} · {row['rule']}",
        where=_where(row),
    )


def card_lines(cases: pl.DataFrame) -> None:
    """A household's casework on the meeting card: one line a subject, big enough to read across
    the room, an overdue one in red."""
    if cases.is_empty():
        return
    lines = []
    for r in cases.iter_rows(named=True):
        state = f"**{r['state']}**"
        if r["is_overdue"]:
            state = f":red[**{r['state']} · {t('cw_overdue')}**]"
        due = r["due"].isoformat() if r["due"] else MISSING
        who = r["name"] if r["kind"] != KIND_HOUSEHOLD else t("cw_household")
        lines.append(
            f"- :material/assignment: {who} · {r['rule']}：{state} · "
            f"{t('cw_owner')} {r['owner'] or MISSING} · {t('cw_due')} {due}"
        )
    st.markdown("\n".join(lines))


# --- the form ---------------------------------------------------------------------------------


_FLASH = "casework_saved"  # the last save's confirmation, shown once after its rerun


def _flashed(where: str) -> None:
    saved = st.session_state.pop(where, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")


@st.cache_data(ttl=60, show_spinner=False)
def _accounts(url: str) -> list[Account]:
    return enabled_accounts(get_engine(url))


Where = tuple[str | None, str | None, str | None]  # a subject's township, site and building


def _owners(kinds: set[str], places: set[Where], current: str | None) -> dict[str | None, str]:
    """Who may own subjects of `kinds` at `places`: the enabled accounts whose role may work
    them all and who can see every place (`data.casework` refuses the others). The stored
    owner too, if unfit since."""
    owners: dict[str | None, str] = {None: MISSING}
    for owner in _accounts(database_url()):
        if all(may_work(owner.role, kind) for kind in kinds) and all(
            owner.scope.contains(*place) for place in places
        ):
            name = owner.display_name or owner.username
            owners[owner.username] = t("cw_owner_option", name=name, user=owner.username)
    if current is not None and current not in owners:
        owners[current] = current
    return owners


def _where(row: dict) -> Where:
    return row.get("township"), row.get("site"), row.get("building")


def form_key(kind: str, rule: str, subject: str, period: str = "") -> str:
    """The form's key. Widget keys reach the browser, so the ID number goes in only as a hash."""
    digest = hashlib.sha256(f"{kind}|{rule}|{subject}|{period}".encode()).hexdigest()[:12]
    return f"case_{digest}"


def _stored(kind: str, rule: str, subject: str, period: str) -> dict[str, object]:
    work = frames().case_work.filter(
        (pl.col("kind") == kind)
        & (pl.col("rule") == rule)
        & (pl.col("subject") == subject)
        & (pl.col("period") == period)
    )
    if work.is_empty():
        return {"state": DEFAULT_STATE[kind], "owner": None, "due": None, "note": None}
    row = work.row(0, named=True)
    return {name: row[name] for name in ("state", "owner", "due", "note")}


def _shown(value: object) -> str:
    if value is None or value == "":
        return MISSING
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _facts(now: dict[str, object], overdue: bool) -> None:
    state = f"**{now['state']}**"
    if overdue:
        state = f":red[**{now['state']} · {t('cw_overdue')}**]"
    st.markdown(
        f"{t('cw_state')} {state} · {t('cw_owner')} {_shown(now['owner'])} · "
        f"{t('cw_due')} {_shown(now['due'])}"
    )
    if now["note"]:
        st.caption(f"{t('cw_note')}：{now['note']}")


def _history(kind: str, rule: str, subject: str, period: str) -> None:
    changes = case_history(get_engine(), kind=kind, rule=rule, subject=subject, period=period)
    if changes.is_empty():
        st.caption(t("cw_history_none"))
        return
    lines = [
        t(
            "cw_history_line",
            at=f"{at.astimezone(_BEIJING):%Y-%m-%d %H:%M}",
            user=by,
            field=t(f"cw_{field}"),
            old=_shown(old),
            new=_shown(new),
        )
        for at, by, field, old, new in changes.iter_rows()
    ]
    with st.expander(t("cw_history_title", count=changes.height)):
        st.markdown("\n".join(f"- {line}" for line in lines))


def case_form(
    *, kind: str, rule: str, subject: str, period: str = "", about: str, where: Where
) -> None:
    """One subject's state, owner, due date and note (`about` names it in messages; `where`: its
    place), its last changes, and for a role that may work `kind`, the form that moves it."""
    key = form_key(kind, rule, subject, period)
    now = _stored(kind, rule, subject, period)
    overdue = now["state"] in OPEN_STATES and now["due"] is not None and now["due"] < today()
    _facts(now, overdue)
    viewer = account()
    if viewer is None or not may_work(viewer.role, kind):
        st.caption(t("cw_read_only"))
        _history(kind, rule, subject, period)
        return
    fields = {name: f"{key}_{name}" for name in ("state", "owner", "due", "note")}
    drawn_key = f"{key}_drawn"
    if drawn_key not in st.session_state or any(k not in st.session_state for k in fields.values()):
        # Drawn afresh: first shown, or after a save or a refusal as overtaken.
        st.session_state[drawn_key] = dict(now)
        for name, widget in fields.items():
            st.session_state[widget] = now[name] if name != "note" else now[name] or ""
    overtaken = st.session_state.pop(f"{key}_overtaken", None)
    if overtaken:
        st.error(overtaken, icon=":material/sync_problem:")
    owners = _owners({kind}, {where}, st.session_state[fields["owner"]])
    with st.form(key, border=False):
        state = st.segmented_control(
            t("cw_state"), STATES[kind], key=fields["state"], required=True
        )
        left, right = st.columns(2)
        owner = left.selectbox(
            t("cw_owner"), list(owners), format_func=owners.get, key=fields["owner"]
        )
        due = right.date_input(t("cw_due"), key=fields["due"], format="YYYY-MM-DD")
        note = st.text_area(t("cw_note"), key=fields["note"], height=68)
        saved = st.form_submit_button(
            t("cw_save"), type="primary", width="stretch", key=f"{key}_save"
        )
    _flashed(_FLASH)
    _history(kind, rule, subject, period)
    if not saved:
        return
    result = set_case(
        get_engine(),
        kind=kind,
        rule=rule,
        subject=subject,
        period=period,
        owner=owner,
        due=due,
        state=state,
        note=note,
        user=viewer.username,
        role=viewer.role,
        scope=viewer.scope,
        seen=st.session_state[drawn_key],
    )
    if result.overtaken:
        del st.session_state[drawn_key]
        st.session_state[f"{key}_overtaken"] = result.report(lang())
        st.rerun()
    if not result.ok:
        st.error(
            f"{t('cw_refused', about=about)}\n\n{result.report(lang())}", icon=":material/error:"
        )
        return
    if not result.changed:
        st.info(t("cw_same"))
        return
    del st.session_state[drawn_key]
    changes = "；".join(
        f"{t(f'cw_{name}')} {_shown(old)} → {_shown(new)}"
        for name, (old, new) in result.changed.items()
    )
    st.session_state[_FLASH] = t("cw_saved", about=about, changes=changes, batch=result.batch_id)
    st.rerun()


# --- 工单 (the whole worklist) -----------------------------------------------------------------

ASSIGN_FLASH = "casework_assigned"


def worklist_filters(rows: pl.DataFrame) -> pl.DataFrame:
    """The worklist page's filters over `rows` (worklist rows, `_SHOWN` names): the rule, the
    township (for a viewer of more than one), state and overdue as on 合规审计, and 未指派 —
    all in the URL (`?rule=零就业家庭&township=…&state=open&overdue=1&unassigned=1`)."""
    rules = list(dict.fromkeys(rows.get_column("rule").to_list()))
    townships = sorted(t_ for t_ in rows.get_column("township").unique().to_list() if t_)
    everything = t("cw_all")
    with st.container(horizontal=True, vertical_alignment="bottom", key="worklist_filters"):
        rule = url_bound(
            st.selectbox, t("rule"), ["", *rules], key="worklist_rule", param="rule", default="",
            format_func=lambda r: r or everything, width=200,
        )  # fmt: skip
        township = ""
        if len(townships) > 1:
            township = url_bound(
                st.selectbox, t("township"), ["", *townships], key="worklist_township",
                param="township", default="", format_func=lambda p: p or everything, width=180,
            )  # fmt: skip
        unassigned = url_bound(
            _switch, t("cw_filter_unassigned"), ["", "1"], key="worklist_unassigned",
            param="unassigned", default="",
        )  # fmt: skip
    if rule:
        rows = rows.filter(pl.col("rule") == rule)
    if township:
        rows = rows.filter(pl.col("township") == township)
    if unassigned:
        rows = rows.filter(pl.col("cw_owner").is_null())
    return filtered(rows)


def worklist_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Worklist rows under the names the case list shows (`_SHOWN`), the open ones first."""
    return (
        rows.sort("is_open", "is_overdue", descending=True, maintain_order=True)
        .rename(_SHOWN)
        .rename({"note": "cw_note"})
    )


# Who and what first, then where: the list is read for whose turn it is.
WORKLIST_COLUMNS = (
    "rule", "name", *_SHOWN.values(), "township", "site", "building", "room", "id_number",
    "period", "amount_at_risk", "cw_note",
)  # fmt: skip


def worklist_form(row: dict | None) -> None:
    """The clicked subject's form (nothing before a click)."""
    if row is None:
        st.caption(t("cw_pick_row"))
        return
    case_form(
        kind=row["kind"],
        rule=row["rule"],
        subject=row["household"] if row["kind"] == KIND_HOUSEHOLD else row["id_number"],
        period=row["period"],
        about=" ".join(
            str(part) for part in (row["rule"], row["name"] or MISSING, row["period"]) if part
        ),
        where=_where(row),
    )


def assign_form(rows: pl.DataFrame) -> None:
    """批量指派: one owner and due date for every open subject of `rows` the viewer may work,
    in one write (`data.casework.assign_cases`, undoable as one)."""
    viewer = account()
    if viewer is None:
        return
    mine = [kind for kind in WORK_ROLES if may_work(viewer.role, kind)]
    workable = rows.filter(pl.col("is_open") & pl.col("kind").is_in(mine))
    with st.popover(
        t("cw_assign", count=fmt_count(workable.height)),
        icon=":material/assignment_ind:",
        disabled=workable.is_empty(),
    ):
        kinds = set(workable.get_column("kind").to_list())
        places = set(workable.select("township", "site", "building").unique().iter_rows())
        owners = _owners(kinds, places, None)
        with st.form("worklist_assign", border=False):
            st.caption(t("cw_assign_help", count=fmt_count(workable.height)))
            owner = st.selectbox(
                t("cw_owner"), list(owners), format_func=owners.get, key="worklist_assign_owner"
            )
            due = st.date_input(
                t("cw_due"), value=None, format="YYYY-MM-DD", key="worklist_assign_due"
            )
            go = st.form_submit_button(
                t("cw_assign_go"), type="primary", width="stretch", key="worklist_assign_go"
            )
        if not go:
            return
        keys = [
            (r["kind"], r["rule"], r["household"] if r["kind"] == KIND_HOUSEHOLD
             else r["id_number"], r["period"])
            for r in workable.iter_rows(named=True)
        ]  # fmt: skip
        result = assign_cases(
            get_engine(), keys, owner=owner, due=due, user=viewer.username,
            role=viewer.role, scope=viewer.scope,
        )  # fmt: skip
        if not result.ok:
            st.error(result.report(lang()), icon=":material/error:")
            return
        st.session_state[ASSIGN_FLASH] = t(
            "cw_assigned", count=fmt_count(len(keys)), batch=result.batch_id or "—"
        )
        st.rerun()


def assigned_flash() -> None:
    """The last bulk assignment's confirmation, once, after its rerun."""
    _flashed(ASSIGN_FLASH)
