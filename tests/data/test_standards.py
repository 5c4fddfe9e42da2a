"""The audit standards in the store (data.standards) on SQLite and PostgreSQL: domain.md's
defaults until an administrator saves others; a save is checked, written with its audit-log
event in one transaction, refused for anyone else, and writes nothing when refused. The CLI
audits with the stored standards and names them.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from analytics.audit import TRANSPORT_OVER, Standards
from data.accounts import ensure_demo_accounts
from data.audit import audit_log
from data.standards import load_standards, save_standards
from data.store import AuditEvent, AuditStandards, data_version
from tests.data.test_audit_cli import ZHAO, _build, _url, rows, run

ADMIN, ANALYST = "demo-admin", "demo-analyst"


@pytest.fixture
def store(engine: Engine) -> Engine:
    ensure_demo_accounts(engine)  # the county roles: no places in an empty store
    return engine


def _writes(engine: Engine) -> tuple[int, int]:
    """Rows of standards and of audit events: what a refused save must leave as it was."""
    with engine.connect() as conn:
        saved = conn.execute(select(func.count()).select_from(AuditStandards)).scalar_one()
        events = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return saved, events


def test_defaults_until_saved_then_the_latest(store: Engine) -> None:
    assert load_standards(store) == Standards()
    version = data_version(store)

    first = save_standards(store, Standards(transport_per_year=600.5, max_age=60), user=ADMIN)
    second = save_standards(
        store, dataclasses.replace(first.standards, stable_months=6), user=ADMIN
    )

    assert first.ok and second.ok
    assert first.changed == {"transport_per_year": (500.0, 600.5), "max_age": (65, 60)}
    assert load_standards(store) == Standards(transport_per_year=600.5, max_age=60, stable_months=6)
    # The frames did not change: the data version stays, the caches keep the frames.
    assert data_version(store) == version
    log = audit_log(store)
    events = log.filter(log["action"] == "standards")
    assert events.get_column("username").to_list() == [ADMIN, ADMIN]
    assert events.get_column("detail").to_list() == [
        "稳岗月数 3 → 6",
        "交通补贴年上限 500.00 → 600.50; 最高年龄 65 → 60",
    ]


def test_reset_to_the_defaults_and_a_save_that_changes_nothing(store: Engine) -> None:
    save_standards(store, Standards(living_per_payment=150), user=ADMIN)
    before = _writes(store)

    same = save_standards(store, Standards(living_per_payment=150), user=ADMIN)
    reset = save_standards(store, Standards(), user=ADMIN)

    assert same.ok and not same.changed
    assert reset.ok and reset.changed == {"living_per_payment": (150.0, 140.0)}
    assert load_standards(store) == Standards()
    # The save that changed nothing wrote nothing; the reset one row and one event.
    assert _writes(store) == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize("user", [ANALYST, "demo-leader", "nobody"])
def test_only_an_administrator_may_save(store: Engine, user: str) -> None:
    before = _writes(store)

    result = save_standards(store, Standards(transport_per_year=1000), user=user)

    assert not result.ok
    assert result.report() == "只有管理员可以修改审计标准：未保存"
    assert "only an administrator" in result.report("en")
    assert _writes(store) == before
    assert load_standards(store) == Standards()


INVALID = [
    (Standards(transport_per_year=0), "交通补贴年上限 0：须为正数"),
    (Standards(living_per_payment=-140), "生活补贴单次上限 -140：须为正数"),
    (Standards(transport_per_year=100_000.01), "交通补贴年上限 100000.01：不能超过 100,000 元"),
    (Standards(living_per_payment=140.005), "生活补贴单次上限 140.005：至多两位小数（分）"),
    (Standards(min_age=9), "最低年龄 9：须在 10–80 之间"),
    (Standards(max_age=81), "最高年龄 81：须在 10–80 之间"),
    (Standards(min_age=40, max_age=40), "最低年龄 40 须小于最高年龄 40"),
    (Standards(stable_months=0), "稳岗月数 0：须在 1–24 之间"),
    (Standards(stable_months=25), "稳岗月数 25：须在 1–24 之间"),
    (Standards(min_age=16.5), "最低年龄 16.5：须为整数"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("standards", "message"), INVALID, ids=[m for _, m in INVALID])
def test_invalid_standards_are_refused_by_name_and_value(
    store: Engine, standards: Standards, message: str
) -> None:
    before = _writes(store)

    result = save_standards(store, standards, user=ADMIN)

    assert not result.ok
    assert result.report() == message
    assert _writes(store) == before
    assert load_standards(store) == Standards()


def test_every_problem_is_named_in_both_languages(store: Engine) -> None:
    result = save_standards(
        store, Standards(transport_per_year=-1, min_age=70, max_age=60), user=ADMIN
    )

    assert result.report().splitlines() == [
        "交通补贴年上限 -1：须为正数",
        "最低年龄 70 须小于最高年龄 60",
    ]
    assert result.report("en").splitlines() == [
        "transport subsidy a year -1: must be positive",
        "the minimum age 70 must be below the maximum age 60",
    ]


def test_a_save_over_anothers_is_refused(store: Engine) -> None:
    shown = load_standards(store)
    save_standards(store, Standards(min_age=18), user=ADMIN)
    before = _writes(store)

    late = save_standards(store, Standards(max_age=60), user=ADMIN, seen=shown)

    assert not late.ok and late.overtaken
    assert late.standards == Standards(min_age=18)
    assert _writes(store) == before


def test_the_cli_audits_with_the_stored_standards(store: Engine) -> None:
    _build(store)
    url = _url(store)
    # 赵交's transport adds up to 500.01 in 2024: a case under 500, none under 600.
    assert [r["id_number"] for r in rows(url, "--rule", TRANSPORT_OVER, "--full")] == [ZHAO]

    save_standards(store, Standards(transport_per_year=600), user=ADMIN)

    assert rows(url, "--rule", TRANSPORT_OVER) == []
    table = run(url, "--rule", TRANSPORT_OVER)
    assert "交通补贴 ≤ 600.00 元/年" in table.stdout.splitlines()[0]
    csv_run = run(url, "--rule", TRANSPORT_OVER, "--format", "csv")
    assert csv_run.stdout.splitlines()[0].startswith("rule,id_number")
    assert "交通补贴 ≤ 600.00 元/年" in csv_run.stderr
    default = run(url, "--rule", TRANSPORT_OVER, "--standards", "default", "--format", "json")
    assert "交通补贴 ≤ 500.00 元/年" in default.stderr
    assert [r["period"] for r in json.loads(default.stdout)] == ["2024"]
