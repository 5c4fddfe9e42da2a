"""Writes made from the building page: a person's status for a month, and follow-up notes.

Each is checked first and changes nothing when it fails; each that succeeds is one batch (source
`edit` or `note`), so the data version moves and every page shows it at once. A status update
keeps every changed field's old and new value (`LabourEdit`): nothing is overwritten untraced.
Updates are checked by the labour ledger's own rules (`importer.check_rows`), not a second copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy.engine import Engine

from analytics.privacy import mask_value
from data.frames import Scope
from data.importer import StoreBusy, StoreWriter, check_rows
from data.ledger import LABOUR, LedgerIssue
from data.store import init_store

# The fields a status update may change: what a captain learns at the door.
EDITABLE = (
    "status",
    "employment_type",
    "employer",
    "work_place",
    "monthly_income",
    "wish",
    "training_need",
)
STATUS_FORM = "状态更新"
NOTE_FORM = "跟进记录"
NOTE_MAX_CHARS = 1000

# The labour record of one person and month, in the ledger's column order.
_RECORD_SQL = """
    SELECT r.id, r.person_id, r.month, t.name, v.name, s.name, b.name, h.unit,
           h.room, h.code, h.head_name, p.name, p.id_number, p.gender, r.relation, r.education,
           r.capacity, r.status, r.employment_type, r.employer, r.work_place, r.monthly_income,
           r.wish, r.training_need, r.two_after, r.three_no, r.monitoring, r.phone, r.batch_id
    FROM labour_record r
    JOIN person p ON p.id = r.person_id
    JOIN household h ON h.id = r.household_id
    JOIN site s ON s.id = h.site_id
    JOIN building b ON b.id = h.building_id
    JOIN township t ON t.id = h.township_id
    LEFT JOIN village v ON v.id = h.village_id
    WHERE p.id_number = ? AND r.month = ?"""
_LEDGER_COLUMNS = tuple(c.name for c in LABOUR.columns)
_RECORD_COLUMNS = ("record_id", "person_id", *_LEDGER_COLUMNS, "batch_id")


@dataclass
class EditResult:
    """What a write did: its batch, or the issues that stopped it (nothing was written then)."""

    ok: bool
    batch_id: int | None = None
    issues: list[LedgerIssue] = field(default_factory=list)
    # field -> (old, new), as text; empty when the update changed nothing
    changed: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # refused because the record changed since the form was drawn: the form must be drawn again
    overtaken: bool = False

    def report(self, lang: str = "zh") -> str:
        return "\n".join(issue.message(lang) for issue in self.issues)


def _issue(form: str, column: str | None, value: object, zh: str, en: str) -> LedgerIssue:
    return LedgerIssue(form, None, None, column, None if value is None else str(value), zh, en)


def _outside(form: str) -> LedgerIssue:
    # Says nothing about the record: a writer outside its scope must not learn what it holds.
    return _issue(
        form, None, None, "不在您的管辖范围内：未保存", "outside your places: nothing was saved"
    )


_FLAGS = ("two_after", "three_no")


def _text(value: object, name: str = "") -> str | None:
    """A stored or typed value as the ledger would write it (SQLite keeps flags as 0/1)."""
    if value is None:
        return None
    if name in _FLAGS or isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return form_number(value)
    return str(value)


def form_number(value: float) -> str:
    """A stored number as a form shows it: 1800.0 as 1800, 12345.67 whole (`:g` would round it
    to 12345.7, and a save would then write the rounding back)."""
    return str(int(value)) if value.is_integer() else repr(value)


def _same(a: object, b: object, name: str = "") -> bool:
    """Whether two values, stored or typed, say the same: blanks are no value."""

    def plain(value: object) -> str | None:
        shown = _text(value, name)
        return None if shown is None or not shown.strip() else shown.strip()

    return plain(a) == plain(b)


# Who wrote a batch, shown in a refusal.
_SOURCES = {
    "import": ("导入", "import"),
    "demo": ("演示数据", "demo data"),
    "edit": ("状态更新", "status update"),
    "undo": ("撤销", "undo"),
}
_HEADERS = {c.name: c.zh for c in LABOUR.columns}
_PERSONAL = ("id_number", "phone")  # masked in every message (analytics.privacy)
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def _overtaken(
    writer: StoreWriter, old: dict, stored: dict[str, str | None], seen: dict[str, object]
) -> LedgerIssue:
    """The refusal of a save whose record changed since its form was drawn: who changed it,
    when, and what the fields hold now."""
    writer.execute(
        'SELECT "user", created_at, source FROM import_batch WHERE id = ?', [old["batch_id"]]
    )
    user, created_at, source = writer.cur.fetchone()
    if isinstance(created_at, str):
        created_at = dt.datetime.fromisoformat(created_at)
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=dt.UTC)
    when = created_at.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M")
    what_zh, what_en = _SOURCES.get(source, (source, source))
    fields = [k for k in seen if not _same(seen[k], stored[k], k)]
    now_zh = "；".join(
        f"{_HEADERS[k]} 现为“{stored[k] or '空'}”（您打开时为“{_text(seen[k], k) or '空'}”）"
        for k in fields
    )
    now_en = "; ".join(
        f'{_HEADERS[k]} is now "{stored[k] or ""}" (was "{_text(seen[k], k) or ""}")'
        for k in fields
    )
    return _issue(
        STATUS_FORM,
        None,
        None,
        f"这条记录在您打开表单后已被 {user} 于 {when}（北京时间）改过"
        f"（{what_zh} #{old['batch_id']}）：{now_zh}。您的修改没有保存：请按现在的值重新填写",
        f"this record was changed by {user} at {when} Beijing time ({what_en} "
        f"#{old['batch_id']}) after you opened the form: {now_en}. Your change was not saved: "
        "enter it again over the current values",
    )


def _shown_issues(issues: list[LedgerIssue], old: dict) -> list[LedgerIssue]:
    """The issues of a checked update as the writer may see them.

    Warnings on columns the form cannot change were the import's to report; the row number of
    the one-row check is dropped; ID numbers and phones anywhere else are masked
    (`analytics.privacy.mask_value`), whatever the viewer's role: a message is copied and pasted
    further than a table.
    """
    editable = {_HEADERS[name] for name in EDITABLE}
    shown = []
    for issue in issues:
        if issue.severity != "error" and issue.column not in editable:
            continue
        value, reason_zh, reason_en = issue.value, issue.reason_zh, issue.reason_en
        for name in _PERSONAL:
            full = old.get(name)
            if full:
                hidden = mask_value(name, str(full))
                value = None if value is None else value.replace(str(full), hidden)
                reason_zh = reason_zh.replace(str(full), hidden)
                reason_en = reason_en.replace(str(full), hidden)
        # The form checked one record, not a file: no "row 1" of an import.
        shown.append(
            dataclasses.replace(
                issue, row=None, value=value, reason_zh=reason_zh, reason_en=reason_en
            )
        )
    return shown


def _record(writer: StoreWriter, id_number: str, month: dt.date) -> dict | None:
    month_value = month if writer.postgres else month.isoformat()
    writer.execute(_RECORD_SQL, [id_number, month_value])
    row = writer.cur.fetchone()
    return None if row is None else dict(zip(_RECORD_COLUMNS, row, strict=True))


def update_status(
    engine: Engine,
    *,
    id_number: str,
    month: dt.date,
    values: dict[str, object],
    user: str,
    seen: dict[str, object] | None = None,
    scope: Scope | None = None,
) -> EditResult:
    """Set `values` (fields of `EDITABLE`, as entered) on a person's labour record of `month`.

    The record as it would then read is checked by the labour ledger's rules. Nothing is written
    on any error, nor when `seen` (the values the form showed) no longer matches the store:
    someone saved or imported in between, and their change must not vanish unseen, nor when the
    record lies outside `scope` (the writer's places; None: no limit). Otherwise
    one `edit` batch updates the record and keeps old → new.
    """
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ValueError(f"not editable: {', '.join(unknown)}")
    month = month.replace(day=1)
    init_store(engine)
    try:
        writer = StoreWriter(engine).begin()
    except StoreBusy as busy:
        return EditResult(False, issues=[busy.issue(STATUS_FORM)])
    with writer:
        old = _record(writer, id_number, month)
        if old is None:
            return EditResult(
                False,
                issues=[
                    _issue(
                        STATUS_FORM,
                        "身份证号",
                        mask_value("id_number", id_number),
                        f"{month:%Y-%m} 的台账中没有此人：请先导入该月台账",
                        f"not in the ledger of {month:%Y-%m}: import that month's ledger first",
                    )
                ],
            )
        if scope is not None and not scope.contains(old["township"], old["site"], old["building"]):
            return EditResult(False, issues=[_outside(STATUS_FORM)])
        stored = {name: _text(old[name], name) for name in _LEDGER_COLUMNS}
        if seen is not None:
            if any(not _same(v, stored[k], k) for k, v in seen.items()):
                return EditResult(
                    False, issues=[_overtaken(writer, old, stored, seen)], overtaken=True
                )
            # Only what the form changed: a field left as drawn is not written back.
            values = {k: v for k, v in values.items() if k not in seen or not _same(v, seen[k], k)}
        entered = {name: _text(value) for name, value in values.items()}
        row = pl.DataFrame([stored | entered], schema=dict.fromkeys(stored, pl.String))
        typed, issues = check_rows(LABOUR, row, STATUS_FORM)
        issues = _shown_issues(issues, old)
        if any(i.severity == "error" for i in issues):
            return EditResult(False, issues=issues)
        new = typed.row(0, named=True)
        changed = {
            name: (stored[name], _text(new[name]))
            for name in EDITABLE
            if _text(new[name]) != stored[name]
        }
        if not changed:
            return EditResult(True, issues=issues)
        note = f"{STATUS_FORM} {old['name']} {month:%Y-%m}"
        batch_id = _batch(writer, "edit", user, month, note)
        writer.update(
            "labour_record",
            pl.DataFrame(
                {
                    "id": [old["record_id"]],
                    **{name: [new[name]] for name in changed},
                    "batch_id": [batch_id],
                },
                schema_overrides={"monthly_income": pl.Float64()},
            ),
        )
        writer.insert(
            "labour_edit",
            pl.DataFrame(
                {
                    "id": range(
                        first := writer.allocate("labour_edit", len(changed)), first + len(changed)
                    ),
                    "batch_id": batch_id,
                    "person_id": old["person_id"],
                    "month": month,
                    "field": list(changed),
                    "old_value": [o for o, _ in changed.values()],
                    "new_value": [n for _, n in changed.values()],
                },
            ),
        )
    return EditResult(True, batch_id, issues, changed)


def add_note(
    engine: Engine,
    *,
    household: str,
    noted_on: dt.date,
    author: str,
    text: str,
    next_step: str | None,
    user: str,
    scope: Scope | None = None,
) -> EditResult:
    """Record what was done for `household` (its code) on `noted_on`, and what comes next.

    Refused when the household lies outside `scope` (the writer's places; None: no limit).
    """
    author, text, next_step = author.strip(), text.strip(), (next_step or "").strip() or None
    issues = []
    if not author:
        issues.append(_issue(NOTE_FORM, "记录人", author, "必填，不能为空", "required, but empty"))
    if not text:
        issues.append(_issue(NOTE_FORM, "做了什么", text, "必填，不能为空", "required, but empty"))
    for column, value in (("做了什么", text), ("下一步", next_step)):
        if value and len(value) > NOTE_MAX_CHARS:
            issues.append(
                _issue(
                    NOTE_FORM,
                    column,
                    f"{value[:20]}…",
                    f"太长：最多 {NOTE_MAX_CHARS} 字，现有 {len(value)} 字",
                    f"too long: at most {NOTE_MAX_CHARS} characters, not {len(value)}",
                )
            )
    if noted_on > dt.date.today():
        issues.append(
            _issue(
                NOTE_FORM, "日期", noted_on, "日期晚于今天，请核对", "the date lies in the future"
            )
        )
    if issues:
        return EditResult(False, issues=issues)
    init_store(engine)
    try:
        writer = StoreWriter(engine).begin()
    except StoreBusy as busy:
        return EditResult(False, issues=[busy.issue(NOTE_FORM)])
    with writer:
        writer.execute(
            """SELECT h.id, h.head_name, t.name, s.name, b.name FROM household h
               JOIN township t ON t.id = h.township_id
               JOIN site s ON s.id = h.site_id
               JOIN building b ON b.id = h.building_id
               WHERE h.code = ?""",
            [household],
        )
        found = writer.cur.fetchone()
        if found is None:
            return EditResult(
                False,
                issues=[_issue(NOTE_FORM, "户", household, "没有这一户", "no such household")],
            )
        if scope is not None and not scope.contains(*found[2:]):
            return EditResult(False, issues=[_outside(NOTE_FORM)])
        month = noted_on.replace(day=1)
        batch_id = _batch(writer, "note", user, month, f"{NOTE_FORM} {found[1]}")
        writer.insert(
            "follow_up_note",
            pl.DataFrame(
                {
                    "id": [writer.allocate("follow_up_note", 1)],
                    "household_id": [found[0]],
                    "noted_on": [noted_on],
                    "author": [author],
                    "text": [text],
                    "next_step": [next_step],
                    "batch_id": [batch_id],
                },
                schema_overrides={"next_step": pl.String()},
            ),
        )
    return EditResult(True, batch_id)


def _batch(writer: StoreWriter, source: str, user: str, month: dt.date, note: str) -> int:
    """A new batch for one hand-made write: the data version moves with it."""
    return writer.new_batch(
        user=user,
        source=source,
        files="",
        formats="labour" if source == "edit" else "",
        months=f"{month:%Y-%m}",
        rows_read=1,
        rows_imported=1,
        rows_replaced=1 if source == "edit" else 0,
        note=note,
    )
