"""Casework (工单) writes: a subject's owner, due date, state and note.

`set_case` is checked first and changes nothing when it fails; one that changes something is one
batch (source `case`), so the data version moves and every page shows it at once. Each changed
field keeps its old and new value (`CaseChange`), and `data.undo.undo_batch` takes the batch
back: the previous row comes back as it was, a row the batch created goes.

Who may work on what is checked here, not only on the page: `role` (when given) must be one of
`WORK_ROLES[kind]`, and the subject must lie in `scope` (when given). The subjects and states
are `analytics.casework`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Engine

from analytics.audit import RULES, TRANSPORT_OVER
from analytics.casework import (
    DEFAULT_STATE,
    KIND_AUDIT,
    KIND_HOUSEHOLD,
    KIND_PERSON,
    KINDS,
    STATES,
    WISH_TO_WORK,
    ZERO_EMPLOYMENT,
)
from analytics.privacy import mask_value
from data.accounts import scope_of
from data.edits import EditResult
from data.frames import Scope
from data.importer import StoreBusy, StoreWriter
from data.ledger import LedgerIssue
from data.store import CaseChange, ImportBatch, init_store

CASE_FORM = "工单"
NOTE_MAX_CHARS = 1000
FIELDS = ("owner", "due", "state", "note")
# The headers a message names a field by.
FIELD_NAMES = {
    "owner": ("负责人", "owner"),
    "due": ("完成期限", "due date"),
    "state": ("状态", "state"),
    "note": ("备注", "note"),
}
# Roles that may work on each kind: audit cases are for the compliance page's roles; captains
# help their households and people; leaders and clerks read.
WORK_ROLES: dict[str, frozenset[str]] = {
    KIND_AUDIT: frozenset({"analyst", "admin", "township"}),
    KIND_HOUSEHOLD: frozenset({"analyst", "admin", "township", "captain"}),
    KIND_PERSON: frozenset({"analyst", "admin", "township", "captain"}),
}
_RULES = {KIND_HOUSEHOLD: (ZERO_EMPLOYMENT,), KIND_PERSON: (WISH_TO_WORK,), KIND_AUDIT: RULES}
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"\d{4}")


class _Unchanged:
    """A field `set_case` leaves as it is (None clears one)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


def may_work(role: str, kind: str) -> bool:
    """Whether an account of `role` may set owner, due date, state or note of a `kind` subject."""
    return role in WORK_ROLES.get(kind, frozenset())


def _issue(column: str | None, value: object, zh: str, en: str) -> LedgerIssue:
    return LedgerIssue(CASE_FORM, None, None, column, None if value is None else str(value), zh, en)


def _field(name: str) -> str:
    return FIELD_NAMES[name][0]


def _shown_subject(kind: str, subject: str) -> str:
    """The subject as a message or the audit log may show it: an ID number masked."""
    return subject if kind == KIND_HOUSEHOLD else mask_value("id_number", subject)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _checked_key(kind: str, rule: str, subject: str, period: str) -> list[LedgerIssue]:
    if kind not in KINDS:
        return [
            _issue("类型", kind, "不是可选的工单类型", f"not a kind of case: {', '.join(KINDS)}")
        ]
    issues = []
    if rule not in _RULES[kind]:
        issues.append(
            _issue(
                "规则",
                rule,
                f"不是可选的值（可选：{'、'.join(_RULES[kind])}）",
                f"not one of {', '.join(_RULES[kind])}",
            )
        )
    if not subject.strip():
        issues.append(_issue("对象", subject, "必填，不能为空", "required, but empty"))
    if kind != KIND_AUDIT and period:
        issues.append(
            _issue("期间", period, "户和人员的工单没有期间", "households and people take no period")
        )
    if kind == KIND_AUDIT:
        pattern = _YEAR if rule == TRANSPORT_OVER else _MONTH
        if not pattern.fullmatch(period):
            what = ("年份（YYYY）", "a year (YYYY)") if rule == TRANSPORT_OVER else None
            zh, en = what or ("月份（YYYY-MM）", "a month (YYYY-MM)")
            issues.append(_issue("期间", period, f"应为{zh}", f"must be {en}"))
    return issues


def _checked_values(kind: str, values: dict[str, object], writer: StoreWriter) -> list[LedgerIssue]:
    issues = []
    if "state" in values and values["state"] not in STATES[kind]:
        issues.append(
            _issue(
                _field("state"),
                values["state"],
                f"不是可选的值（可选：{'、'.join(STATES[kind])}）",
                f"not one of {', '.join(STATES[kind])}",
            )
        )
    if "due" in values and values["due"] is not None and not isinstance(values["due"], dt.date):
        issues.append(_issue(_field("due"), values["due"], "不是日期", "not a date"))
    note = values.get("note")
    if isinstance(note, str) and len(note) > NOTE_MAX_CHARS:
        issues.append(
            _issue(
                _field("note"),
                f"{note[:20]}…",
                f"太长：最多 {NOTE_MAX_CHARS} 字，现有 {len(note)} 字",
                f"too long: at most {NOTE_MAX_CHARS} characters, not {len(note)}",
            )
        )
    owner = values.get("owner")
    if owner is not None:
        found = _owner(writer, owner)
        if found is None:
            issues.append(
                _issue(
                    _field("owner"),
                    owner,
                    "没有这个账号，或账号已停用",
                    "no such account, or it is disabled",
                )
            )
    return issues


def _owner(writer: StoreWriter, username: str) -> tuple[str, Scope] | None:
    """An enabled account's role and places, None when there is none of that name."""
    writer.execute("SELECT id, role, disabled FROM user_account WHERE username = ?", [username])
    found = writer.cur.fetchone()
    if found is None or found[2]:
        return None
    writer.execute("SELECT township, site, building FROM user_scope WHERE user_id = ?", [found[0]])
    return found[1], scope_of(found[1], writer.cur.fetchall())


def _unfit_owner(
    owner: str | None, found: tuple[str, Scope] | None, kind: str, subject: str, places: list
) -> EditResult | None:
    """Why `owner` (role and places `found`) cannot be given this subject, None when they can:
    a case goes to someone who may work it and can see it (not a captain of another building)."""
    if owner is None or found is None:
        return None  # no owner (cleared), or none such: `_checked_values` said so
    role, scope = found
    if not may_work(role, kind):
        zh, en = "这个账号的角色不能处理这类工单", "this account's role cannot work on such cases"
    elif not any(scope.contains(*place[:3]) for place in places):
        shown = _shown_subject(kind, subject)
        zh = f"{shown} 不在这个账号的管辖范围内"
        en = f"{shown} lies outside this account's places"
    else:
        return None
    return EditResult(
        False, issues=[_issue(_field("owner"), owner, f"{zh}：未保存", f"{en}: nothing was saved")]
    )


# The subject's places (township, site, building) and name, latest ledger month first.
_PERSON_PLACES = """
    SELECT t.name, s.name, b.name, p.name FROM labour_record r
    JOIN person p ON p.id = r.person_id
    JOIN household h ON h.id = r.household_id
    JOIN township t ON t.id = h.township_id
    JOIN site s ON s.id = h.site_id
    JOIN building b ON b.id = h.building_id
    WHERE p.id_number = ? ORDER BY r.month DESC LIMIT 1"""
_PAYMENT_PLACES = """
    SELECT DISTINCT t.name, s.name, NULL, sp.name FROM subsidy_payment sp
    JOIN township t ON t.id = sp.township_id
    LEFT JOIN site s ON s.id = sp.site_id
    WHERE sp.id_number = ?"""
_HOUSEHOLD_PLACE = """
    SELECT t.name, s.name, b.name, h.head_name FROM household h
    JOIN township t ON t.id = h.township_id
    JOIN site s ON s.id = h.site_id
    JOIN building b ON b.id = h.building_id
    WHERE h.code = ?"""


def _places(writer: StoreWriter, kind: str, subject: str) -> list[tuple]:
    """Where the subject is: (township, site, building, name) rows, the one to store first.

    A household by its code; a person by their latest ledger record; an audit case's payee by
    that record and by where they were paid (a payee in no ledger has only the latter).
    """
    if kind == KIND_HOUSEHOLD:
        writer.execute(_HOUSEHOLD_PLACE, [subject])
        return writer.cur.fetchall()
    writer.execute(_PERSON_PLACES, [subject])
    found = writer.cur.fetchall()
    if kind == KIND_AUDIT:
        writer.execute(_PAYMENT_PLACES, [subject])
        found += sorted(writer.cur.fetchall(), key=lambda r: tuple(str(v) for v in r))
    return found


_COLUMNS = (
    "id",
    "kind",
    "rule",
    "subject",
    "period",
    "state",
    "owner",
    "due",
    "note",
    "township",
    "site",
    "building",
    "batch_id",
)


def _stored(writer: StoreWriter, kind: str, rule: str, subject: str, period: str) -> dict | None:
    writer.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM case_work "
        "WHERE kind = ? AND rule = ? AND subject = ? AND period = ?",
        [kind, rule, subject, period],
    )
    row = writer.cur.fetchone()
    if row is None:
        return None
    stored = dict(zip(_COLUMNS, row, strict=True))
    if isinstance(stored["due"], str):
        stored["due"] = dt.date.fromisoformat(stored["due"])
    return stored


def set_case(
    engine: Engine,
    *,
    kind: str,
    rule: str,
    subject: str,
    period: str = "",
    owner: str | None | _Unchanged = UNCHANGED,
    due: dt.date | None | _Unchanged = UNCHANGED,
    state: str | _Unchanged = UNCHANGED,
    note: str | None | _Unchanged = UNCHANGED,
    user: str,
    role: str | None = None,
    scope: Scope | None = None,
    seen: dict[str, object] | None = None,
) -> EditResult:
    """Set the owner, due date, state and note (those given; None clears one) of one subject.

    `kind`, `rule`, `subject`, `period`: the key (`analytics.casework`): an audit case's rule,
    full ID number and period; 零就业家庭 and a household code; 未就业有就业意愿 and an ID number.
    `owner`: an account's user name (existing, not disabled); `due`: a date; `state`: one of the
    kind's `STATES`; `note`: at most 1000 characters (blank clears it).

    Nothing is written when a value is invalid, when `role` (the writer's, None: not checked)
    may not work on `kind` (`WORK_ROLES`), when the subject is not in the store (a household
    code, a person in a ledger, an audit case's payee in a ledger or a payment) or lies outside
    `scope` (the writer's places; None: no limit), or when `seen` (field -> value the form
    showed) no longer matches what is stored: someone else changed it in between (`overtaken`).
    Values equal to the stored ones are not written; when none differs, nothing is (ok, no batch).
    """
    given = _given(owner=owner, due=due, state=state, note=note)
    key = (kind, rule, subject.strip(), (period or "").strip())
    return _write(engine, [key], given, user=user, role=role, scope=scope, seen=seen)


def assign_cases(
    engine: Engine,
    subjects: Sequence[tuple[str, str, str, str]],
    *,
    owner: str | None | _Unchanged = UNCHANGED,
    due: dt.date | None | _Unchanged = UNCHANGED,
    user: str,
    role: str | None = None,
    scope: Scope | None = None,
) -> EditResult:
    """Give many subjects (kind, rule, subject, period) one owner and due date in one write.

    Checked as `set_case` checks one, all or nothing: when any subject is refused, nothing is
    written. One batch, undone as one; subjects already so assigned are left as they are.
    At most `ASSIGN_MAX` subjects at a time.
    """
    if len(subjects) > ASSIGN_MAX:
        return EditResult(
            False,
            issues=[
                _issue(
                    None,
                    len(subjects),
                    f"一次最多指派 {ASSIGN_MAX:,} 条，现有 {len(subjects):,} 条：请先缩小范围",
                    f"at most {ASSIGN_MAX:,} at a time, not {len(subjects):,}: narrow the list",
                )
            ],
        )
    given = _given(owner=owner, due=due)
    keys = [(k, r, s.strip(), (p or "").strip()) for k, r, s, p in subjects]
    return _write(engine, keys, given, user=user, role=role, scope=scope, seen=None)


ASSIGN_MAX = 5000


def _given(**values: object) -> dict[str, object]:
    given = {name: value for name, value in values.items() if value is not UNCHANGED}
    for name in ("note", "owner"):
        if isinstance(given.get(name), str):
            given[name] = given[name].strip() or None
    return given


def _refused(zh: str, en: str) -> EditResult:
    return EditResult(False, issues=[_issue(None, None, zh, en)])


def _write(
    engine: Engine,
    keys: list[tuple[str, str, str, str]],
    given: dict[str, object],
    *,
    user: str,
    role: str | None,
    scope: Scope | None,
    seen: dict[str, object] | None,
) -> EditResult:
    """Check `given` for every subject of `keys`, then write them all in one batch, or none."""
    issues = [issue for key in keys for issue in _checked_key(*key)]
    if issues:
        return EditResult(False, issues=issues[:_SHOWN_ISSUES])
    if role is not None and not all(may_work(role, key[0]) for key in keys):
        return _refused(
            "您的角色不能处理这类工单：未保存",
            "your role cannot work on these cases: nothing was saved",
        )
    init_store(engine)
    try:
        writer = StoreWriter(engine).begin()
    except StoreBusy as busy:
        return EditResult(False, issues=[busy.issue(CASE_FORM)])
    with writer:
        for kind in dict.fromkeys(key[0] for key in keys):
            issues = _checked_values(kind, given, writer)
            if issues:
                return EditResult(False, issues=issues)
        owner = given.get("owner")
        found = _owner(writer, owner) if owner is not None else None
        writes = []
        for kind, rule, subject, period in keys:
            places = _places(writer, kind, subject)
            if not places:
                return EditResult(
                    False,
                    issues=[
                        _issue(
                            "户" if kind == KIND_HOUSEHOLD else "身份证号",
                            _shown_subject(kind, subject),
                            "库中没有此户或此人",
                            "no such household or person in the store",
                        )
                    ],
                )
            if scope is not None and not any(scope.contains(*place[:3]) for place in places):
                # Says nothing about the subject: a writer outside its scope must not learn of it.
                return _refused(
                    "不在您的管辖范围内：未保存", "outside your places: nothing was saved"
                )
            old = _stored(writer, kind, rule, subject, period)
            current = {
                "owner": None if old is None else old["owner"],
                "due": None if old is None else old["due"],
                "state": DEFAULT_STATE[kind] if old is None else old["state"],
                "note": None if old is None else old["note"],
            }
            if seen is not None and any(_text(v) != _text(current[k]) for k, v in seen.items()):
                return _overtaken(seen, current)
            changed = {
                name: (_text(current[name]), _text(value))
                for name, value in given.items()
                if _text(value) != _text(current[name])
            }
            # Checked when given to someone new: a save that keeps the owner is not refused.
            unfit = "owner" in changed and _unfit_owner(owner, found, kind, subject, places)
            if unfit:
                return unfit
            if changed:
                writes.append(((kind, rule, subject, period), places[0], old, current, changed))
        if not writes:
            return EditResult(True)
        batch_id = writer.new_batch(
            user=user,
            source="case",
            files="",
            formats="",
            months=_months(writes),
            rows_read=len(keys),
            rows_imported=len(writes),
            rows_replaced=sum(old is not None for _, _, old, _, _ in writes),
            note=_batch_note(writes),
        )
        _store(writer, batch_id, writes, given)
    changed = writes[0][4] if len(writes) == 1 else {}
    return EditResult(True, batch_id, [], changed)


_SHOWN_ISSUES = 20


def _overtaken(seen: dict[str, object], current: dict[str, object]) -> EditResult:
    fields = [k for k, v in seen.items() if _text(v) != _text(current[k])]
    now_zh = "；".join(f"{_field(k)} 现为“{_text(current[k]) or '空'}”" for k in fields)
    now_en = "; ".join(f'{FIELD_NAMES[k][1]} is now "{_text(current[k]) or ""}"' for k in fields)
    return EditResult(
        False,
        issues=[
            _issue(
                None,
                None,
                f"这条工单在您打开后已被改过：{now_zh}。您的修改没有保存，请重新填写",
                f"this case was changed after you opened it: {now_en}. "
                "Your change was not saved: enter it again",
            )
        ],
        overtaken=True,
    )


def _months(writes: list) -> str | None:
    months = sorted({key[3] for key, *_ in writes if _MONTH.fullmatch(key[3])})
    return ",".join(months) or None


def _what(changed: dict[str, tuple[str | None, str | None]]) -> str:
    return "；".join(f"{_field(k)} {o or '—'}→{n or '—'}" for k, (o, n) in changed.items())


def _batch_note(writes: list) -> str:
    """The audit log's line: the one subject (its ID masked) and old → new, or, for many, how
    many and the new values."""
    if len(writes) == 1:
        (kind, rule, subject, period), place, _, _, changed = writes[0]
        shown = " ".join(
            str(part) for part in (rule, place[3], _shown_subject(kind, subject), period) if part
        )
        return f"{CASE_FORM} {shown}：{_what(changed)}"
    fields = dict.fromkeys(name for *_, changed in writes for name in changed)
    new = "；".join(
        f"{_field(name)} →{next(c[name][1] for *_, c in writes if name in c) or '—'}"
        for name in fields
    )
    return f"{CASE_FORM} 批量指派 {len(writes):,} 条：{new}"


def _store(writer: StoreWriter, batch_id: int, writes: list, given: dict[str, object]) -> None:
    """The new and changed case_work rows and one case_change row per changed field."""
    schema = {
        "owner": pl.String(),
        "due": pl.Date(),
        "note": pl.String(),
        "township": pl.String(),
        "site": pl.String(),
        "building": pl.String(),
    }
    inserted, updated, changes = [], [], []
    for (kind, rule, subject, period), place, old, current, changed in writes:
        township, site, building, _ = place
        row = {
            **current,
            **{k: given[k] for k in changed},
            "township": township,
            "site": site,
            "building": building,
            "batch_id": batch_id,
        }
        key = {"kind": kind, "rule": rule, "subject": subject, "period": period}
        if old is None:
            inserted.append({**key, **row})
        else:
            updated.append({"id": old["id"], **row})
        changes += [
            {**key, "field": f, "old_value": o, "new_value": n} for f, (o, n) in changed.items()
        ]
    if inserted:
        first = writer.allocate("case_work", len(inserted))
        frame = pl.DataFrame(inserted, schema_overrides=schema).with_columns(
            id=pl.int_range(first, first + len(inserted), dtype=pl.Int64)
        )
        writer.insert("case_work", frame.select(_COLUMNS))
    if updated:
        writer.update("case_work", pl.DataFrame(updated, schema_overrides=schema))
    first = writer.allocate("case_change", len(changes))
    writer.insert(
        "case_change",
        pl.DataFrame(
            changes, schema_overrides={"old_value": pl.String(), "new_value": pl.String()}
        ).select(
            pl.int_range(first, first + len(changes), dtype=pl.Int64).alias("id"),
            pl.lit(batch_id, pl.Int64).alias("batch_id"),
            "kind",
            "rule",
            "subject",
            "period",
            "field",
            "old_value",
            "new_value",
        ),
    )


HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "changed_at": pl.Datetime("us", "UTC"),
    "changed_by": pl.String(),
    "field": pl.String(),
    "old_value": pl.String(),
    "new_value": pl.String(),
}


def case_history(
    engine: Engine, *, kind: str, rule: str, subject: str, period: str = "", limit: int = 8
) -> pl.DataFrame:
    """The latest `limit` field changes of one subject, newest first (`HISTORY_SCHEMA`): who,
    when, which field, old → new. An undone change is gone with its batch's rows."""
    init_store(engine)
    query = select(
        ImportBatch.created_at,
        ImportBatch.user,
        CaseChange.field,
        CaseChange.old_value,
        CaseChange.new_value,
    ).join(ImportBatch, ImportBatch.id == CaseChange.batch_id)
    query = (
        query.where(
            CaseChange.kind == kind,
            CaseChange.rule == rule,
            CaseChange.subject == subject,
            CaseChange.period == period,
        )
        .order_by(CaseChange.batch_id.desc(), CaseChange.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    # SQLite gives the UTC moment back naive, PostgreSQL aware.
    return pl.DataFrame(
        [
            (at if at.tzinfo else at.replace(tzinfo=dt.UTC), *rest)
            for at, *rest in (tuple(r) for r in rows)
        ],
        schema=HISTORY_SCHEMA,
        orient="row",
    )
