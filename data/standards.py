"""The compliance audit's standards (domain.md, "Compliance rules"): the defaults until an
administrator saves others, then the latest saved.

A save is checked first and writes nothing when it fails; one that changes something adds a row
to `audit_standards` and an audit-log event with old → new, in one transaction. It does not move
the data version: the frames do not change, and the cases are computed with the standards as an
argument (`ui.state.computed` keys on them), so each page run reads the standards (one small
query) and the next rerun of every session shows the new ones without reloading the frames.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from analytics.audit import Standards
from data.accounts import get_account
from data.audit import record
from data.store import AuditStandards, init_store

ADMIN_ROLE = "admin"
AUDIT_ACTION = "standards"
# Bounds an input must keep: the ages a labour force is counted between cannot leave 10–80,
# and a standard above these amounts would be a typo (the defaults are 500 and 140 yuan).
AGE_BOUNDS = (10, 80)
STABLE_MONTHS_BOUNDS = (1, 24)
MAX_AMOUNT = 100_000.0
# field → (Chinese, English) name, as the page's form labels them
FIELDS: dict[str, tuple[str, str]] = {
    "transport_per_year": ("交通补贴年上限", "transport subsidy a year"),
    "living_per_payment": ("生活补贴单次上限", "living allowance a payment"),
    "min_age": ("最低年龄", "minimum age"),
    "max_age": ("最高年龄", "maximum age"),
    "stable_months": ("稳岗月数", "stable-job months"),
}
_TABLE = AuditStandards.__table__


@dataclass(frozen=True)
class Problem:
    """Why a save was refused: the field (None: not about one field), the value, the reason."""

    field: str | None
    value: object
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        reason = self.zh if lang == "zh" else self.en
        if self.field is None:
            return reason
        name = FIELDS[self.field][0 if lang == "zh" else 1]
        return (
            f"{name} {self.value}：{reason}" if lang == "zh" else f"{name} {self.value}: {reason}"
        )


@dataclass
class SaveResult:
    """What a save did: `ok` with the standards now in force (`changed`: field → (old, new), empty
    when nothing changed and nothing was written), or the problems that stopped it."""

    ok: bool
    standards: Standards
    problems: list[Problem] = field(default_factory=list)
    changed: dict[str, tuple[object, object]] = field(default_factory=dict)
    # refused because someone saved other standards since the form was drawn
    overtaken: bool = False

    def report(self, lang: str = "zh") -> str:
        return "\n".join(p.message(lang) for p in self.problems)


def _latest(conn: Connection) -> Standards:
    row = conn.execute(select(_TABLE).order_by(_TABLE.c.id.desc()).limit(1)).first()
    if row is None:
        return Standards()
    return Standards(
        transport_per_year=row.transport_per_year_fen / 100,
        living_per_payment=row.living_per_payment_fen / 100,
        min_age=row.min_age,
        max_age=row.max_age,
        stable_months=row.stable_months,
    )


def load_standards(engine: Engine) -> Standards:
    """The standards in force: the latest saved, else domain.md's defaults."""
    # Every run of the audit page asks: read first, create the table only when it is missing.
    try:
        with engine.connect() as conn:
            return _latest(conn)
    except DBAPIError:
        init_store(engine)
    with engine.connect() as conn:
        return _latest(conn)


def check_standards(standards: Standards) -> list[Problem]:
    """Every reason `standards` cannot be saved (none: it can)."""
    problems: list[Problem] = []
    for name in ("transport_per_year", "living_per_payment"):
        value = getattr(standards, name)
        if not value > 0:
            problems.append(Problem(name, value, "须为正数", "must be positive"))
        elif value > MAX_AMOUNT:
            problems.append(
                Problem(
                    name,
                    value,
                    f"不能超过 {MAX_AMOUNT:,.0f} 元",
                    f"must not exceed {MAX_AMOUNT:,.0f} yuan",
                )
            )
        elif abs(value * 100 - round(value * 100)) > 1e-6:
            problems.append(Problem(name, value, "至多两位小数（分）", "at most two decimals"))
    bounds = {"min_age": AGE_BOUNDS, "max_age": AGE_BOUNDS, "stable_months": STABLE_MONTHS_BOUNDS}
    for name, (low, high) in bounds.items():
        value = getattr(standards, name)
        if value != int(value):
            problems.append(Problem(name, value, "须为整数", "must be a whole number"))
        elif not low <= value <= high:
            problems.append(
                Problem(name, value, f"须在 {low}–{high} 之间", f"must be within {low}–{high}")
            )
    if standards.min_age >= standards.max_age:
        problems.append(
            Problem(
                None,
                None,
                f"最低年龄 {standards.min_age} 须小于最高年龄 {standards.max_age}",
                f"the minimum age {standards.min_age} must be below the maximum age "
                f"{standards.max_age}",
            )
        )
    return problems


def _shown(name: str, value: object) -> str:
    return f"{value:.2f}" if name in ("transport_per_year", "living_per_payment") else str(value)


def changes_text(changed: dict[str, tuple[object, object]], lang: str = "zh") -> str:
    """A save's changes as the log keeps them
    (`交通补贴年上限 500.00 → 600.00; 最高年龄 65 → 60`)."""
    return "; ".join(
        f"{FIELDS[name][0 if lang == 'zh' else 1]} {_shown(name, a)} → {_shown(name, b)}"
        for name, (a, b) in changed.items()
    )


def save_standards(
    engine: Engine, standards: Standards, *, user: str, seen: Standards | None = None
) -> SaveResult:
    """Put `standards` in force, for `user` (who must be an enabled administrator).

    Nothing is written when a value is out of bounds, when `user` is no administrator, or when
    `seen` (the standards the form showed) is no longer the one in force; nor when nothing
    changes. Otherwise one transaction adds the row and the audit-log event (old → new).
    """
    init_store(engine)
    account = get_account(engine, user)
    if account is None or account.role != ADMIN_ROLE:
        return SaveResult(
            False,
            load_standards(engine),
            [
                Problem(
                    None,
                    None,
                    "只有管理员可以修改审计标准：未保存",
                    "only an administrator may change the audit standards: nothing was saved",
                )
            ],
        )
    problems = check_standards(standards)
    if problems:
        return SaveResult(False, load_standards(engine), problems)
    standards = dataclasses.replace(
        standards,
        transport_per_year=float(round(standards.transport_per_year, 2)),
        living_per_payment=float(round(standards.living_per_payment, 2)),
        min_age=int(standards.min_age),
        max_age=int(standards.max_age),
        stable_months=int(standards.stable_months),
    )
    with engine.begin() as conn:
        old = _latest(conn)
        if seen is not None and seen != old:
            return SaveResult(
                False,
                old,
                [
                    Problem(
                        None,
                        None,
                        "审计标准已被他人修改，请查看当前标准后重试：未保存",
                        "someone changed the audit standards meanwhile: look at them and try "
                        "again; nothing was saved",
                    )
                ],
                overtaken=True,
            )
        changed = {
            f.name: (getattr(old, f.name), getattr(standards, f.name))
            for f in dataclasses.fields(Standards)
            if getattr(old, f.name) != getattr(standards, f.name)
        }
        if not changed:
            return SaveResult(True, old)
        conn.execute(
            insert(_TABLE).values(
                saved_at=dt.datetime.now(dt.UTC),
                saved_by=user,
                transport_per_year_fen=round(standards.transport_per_year * 100),
                living_per_payment_fen=round(standards.living_per_payment * 100),
                min_age=standards.min_age,
                max_age=standards.max_age,
                stable_months=standards.stable_months,
            )
        )
        record(conn, user, AUDIT_ACTION, changes_text(changed))
    return SaveResult(True, standards, changed=changed)
